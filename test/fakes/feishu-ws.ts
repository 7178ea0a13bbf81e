import { WebSocketServer, type WebSocket } from './ws.ts';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A fake Feishu long-connection endpoint (FEISHU_MODE=ws). The fake Open API's
 * POST /callback/ws/endpoint hands out `url`; `send(payload)` delivers an event or
 * card callback as a protobuf data frame and resolves with what the app answered
 * (the handler's return value, decoded). Only the few frame fields the SDK uses.
 */


interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number; // 0 control, 1 data
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

// ---- minimal protobuf (pbbp2.Frame) ----
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const bytesField = (field: number, b: Uint8Array) => [...key(field, 2), ...varint(b.length), ...b];
const str = (s: string) => new TextEncoder().encode(s);

function encode(f: Frame): Uint8Array {
  const out: number[] = [...key(1, 0), ...varint(f.SeqID), ...key(2, 0), ...varint(f.LogID), ...key(3, 0), ...varint(f.service), ...key(4, 0), ...varint(f.method)];
  for (const h of f.headers) out.push(...bytesField(5, new Uint8Array([...bytesField(1, str(h.key)), ...bytesField(2, str(h.value))])));
  if (f.payload) out.push(...bytesField(8, f.payload));
  return new Uint8Array(out);
}

function fields(buf: Uint8Array): { field: number; value: number | Uint8Array }[] {
  const out: { field: number; value: number | Uint8Array }[] = [];
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return n;
    }
  };
  while (i < buf.length) {
    const k = readVarint();
    const field = Math.floor(k / 8);
    const wire = k % 8;
    if (wire === 0) out.push({ field, value: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      out.push({ field, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function decode(buf: Uint8Array): Frame {
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const dec = new TextDecoder();
  for (const { field, value } of fields(buf)) {
    if (field === 4) f.method = value as number;
    if (field === 5) {
      const h = { key: '', value: '' };
      for (const x of fields(value as Uint8Array)) {
        if (x.field === 1) h.key = dec.decode(x.value as Uint8Array);
        if (x.field === 2) h.value = dec.decode(x.value as Uint8Array);
      }
      f.headers.push(h);
    }
    if (field === 8) f.payload = value as Uint8Array;
  }
  return f;
}

export class FakeFeishuWs {
  private wss?: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private pending = new Map<string, (answer: unknown) => void>();
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws?device_id=fake-device&service_id=1`;
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          const f = decode(new Uint8Array(data));
          const id = f.headers.find((h) => h.key === 'message_id')?.value;
          if (f.method !== 1 || !id || !f.payload) return;
          const resp = JSON.parse(new TextDecoder().decode(f.payload)) as { code: number; data?: string };
          this.pending.get(id)?.(resp.data ? JSON.parse(Buffer.from(resp.data, 'base64').toString('utf8')) : { code: resp.code });
        } catch {
          /* pings and anything else */
        }
      });
    });
    return this;
  }

  get connected(): number {
    return this.sockets.size;
  }

  /** Waits until the app has connected. */
  async waitConnected(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.sockets.size === 0) {
      if (Date.now() > until) throw new Error('the app did not open the long connection');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Delivers a v2 envelope (an event, or a card.action.trigger callback: both travel as
   * frames of type "event"); resolves with the app's answer.
   */
  send(payload: unknown, timeoutMs = 5000): Promise<unknown> {
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`frame ${id} not answered`)), timeoutMs);
      this.pending.set(id, (a) => {
        clearTimeout(t);
        resolve(a);
      });
    });
    const frame = encode({
      SeqID: ++this.seq,
      LogID: this.seq,
      service: 1,
      method: 1,
      headers: [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: id },
        { key: 'sum', value: '1' },
        { key: 'seq', value: '0' },
        { key: 'trace_id', value: `trace-${this.seq}` },
      ],
      payload: str(JSON.stringify(payload)),
    });
    for (const ws of this.sockets) ws.send(frame);
    return answered;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
