import { WebSocketServer, type WebSocket } from './ws.ts';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { decode, encode, str } from './feishu-ws-frame.ts';

/**
 * A fake Feishu long-connection endpoint (FEISHU_MODE=ws). The fake Open API's
 * POST /callback/ws/endpoint hands out `url`; events and card callbacks go out as
 * protobuf data frames (feishu-ws-frame.ts) and the app answers each frame with a
 * response frame carrying `{ code, data }`.
 *
 * Like Feishu, it runs in cluster mode: with several connections of one app open, each
 * event is pushed to ONE of them, not broadcast ("长连接模式的消息推送为集群模式，不支持广播",
 * open.feishu.cn, 使用长连接接收事件). An event not answered with code 200 within the
 * deadline (3 s on Feishu) is pushed again, up to 4 more times; here each push goes to the
 * next open connection in turn, avoiding the one that just failed when another is open.
 *
 *   send(payload)     one push to one connection; resolves with the app's answer (decoded)
 *   deliver(payload)  Feishu's delivery: pushes until answered in time; resolves with the pushes
 */

export interface Answer {
  code: number;
  data?: unknown;
}

/** ok: answered 200 in time. late: answered, but (test's choice) after the deadline. */
export type PushOutcome = 'ok' | 'late' | 'failed' | 'unanswered' | 'no connection';
export interface Push {
  eventId: string;
  conn: number;
  outcome: PushOutcome;
}

const eventIdOf = (payload: unknown) => String((payload as { header?: { event_id?: string } }).header?.event_id);
const CLIENT_CONFIG = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };

export class FakeFeishuWs {
  private wss?: WebSocketServer;
  /** Open connections by id (1, 2, …, in the order they connected). */
  private conns = new Map<number, WebSocket>();
  private nextConn = 1;
  private cursor = 0;
  private pending = new Map<string, (a: Answer) => void>();
  private expired = new Map<string, { eventId: string; conn: number }>();
  private seq = 0;
  /** Every push made by `deliver`, in order. */
  readonly pushes: Push[] = [];
  /** Answers to pushes whose deadline had passed: the app still got the event and took it. */
  readonly lateAnswers: { eventId: string; conn: number }[] = [];
  url = '';

  /** `deadlineMs`: how long Feishu waits for an answer before pushing again (3 s on Feishu). */
  constructor(readonly opts: { deadlineMs?: number; retries?: number } = {}) {}

  get deadlineMs(): number {
    return this.opts.deadlineMs ?? 3000;
  }

  async start(): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws?device_id=fake-device&service_id=1`;
    this.wss.on('connection', (ws) => {
      const id = this.nextConn++;
      this.conns.set(id, ws);
      ws.on('close', () => this.conns.delete(id));
      ws.on('message', (data) => this.onFrame(ws, new Uint8Array(data)));
    });
    return this;
  }

  private onFrame(ws: WebSocket, buf: Uint8Array) {
    try {
      const f = decode(buf);
      const type = f.headers.find((h) => h.key === 'type')?.value;
      if (f.method === 0 && type === 'ping') {
        ws.send(encode({ ...f, headers: [{ key: 'type', value: 'pong' }], payload: str(JSON.stringify(CLIENT_CONFIG)) }));
        return;
      }
      const id = f.headers.find((h) => h.key === 'message_id')?.value;
      if (f.method !== 1 || !id || !f.payload) return;
      const resp = JSON.parse(new TextDecoder().decode(f.payload)) as { code: number; data?: string };
      const answer: Answer = { code: resp.code, ...(resp.data ? { data: JSON.parse(Buffer.from(resp.data, 'base64').toString('utf8')) } : {}) };
      const late = this.expired.get(id);
      if (late) {
        this.expired.delete(id);
        this.lateAnswers.push(late);
      }
      this.pending.get(id)?.(answer);
    } catch {
      /* anything else */
    }
  }

  get connected(): number {
    return this.conns.size;
  }

  /** Ids of the open connections, oldest first. */
  connections(): number[] {
    return [...this.conns.keys()];
  }

  /** Waits until the app has connected. */
  waitConnected(timeoutMs = 5000): Promise<void> {
    return this.waitConnections(1, timeoutMs);
  }

  /** Waits until `count` connections are open. */
  async waitConnections(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.conns.size < count) {
      if (Date.now() > until) throw new Error(`${this.conns.size} long connection(s) open, expected ${count}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Drops a connection from the server side, as a network failure would (the SDK reconnects). */
  cut(conn: number): void {
    this.conns.get(conn)?.terminate();
  }

  /**
   * One push of a v2 envelope (an event, or a card.action.trigger callback: both travel
   * as frames of type "event") to one connection; resolves with the app's answer (the
   * handler's return value, or `{ code }` when it returned nothing).
   */
  async send(payload: unknown, timeoutMs = 5000): Promise<unknown> {
    const conn = this.pick();
    if (conn === undefined) throw new Error('no long connection open');
    const a = await this.push(conn, payload, timeoutMs);
    if (!a) throw new Error('frame not answered');
    return a.data ?? { code: a.code };
  }

  /**
   * Delivers an event as Feishu does: pushed to one connection (`to`, or the next in turn);
   * unanswered, failed (code ≠ 200) or late → pushed again once the deadline has passed,
   * to another connection when one is open, at most `retries` (4) more times. `late: n`
   * treats the first n answers as having arrived after the deadline (a slow replica, a
   * congested link): the app did the work, Feishu pushes the event again anyway.
   */
  async deliver(payload: unknown, o: { to?: number; late?: number } = {}): Promise<Push[]> {
    const eventId = eventIdOf(payload);
    const out: Push[] = [];
    let last: number | undefined;
    for (let attempt = 0; attempt <= (this.opts.retries ?? 4); attempt++) {
      const started = Date.now();
      const conn = attempt === 0 && o.to !== undefined ? o.to : this.pick(last);
      if (conn !== undefined && !this.conns.has(conn)) throw new Error(`connection ${conn} is not open`);
      let outcome: PushOutcome = 'no connection';
      if (conn !== undefined) {
        const a = await this.push(conn, payload, this.deadlineMs);
        outcome = !a ? 'unanswered' : a.code !== 200 ? 'failed' : attempt < (o.late ?? 0) ? 'late' : 'ok';
      }
      const push = { eventId, conn: conn ?? 0, outcome };
      out.push(push);
      this.pushes.push(push);
      if (outcome === 'ok') return out;
      const rest = started + this.deadlineMs - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      last = conn;
    }
    return out;
  }

  /** The next open connection after the last one used, skipping `avoid` when another is open. */
  private pick(avoid?: number): number | undefined {
    const open = this.connections();
    const candidates = open.length > 1 ? open.filter((c) => c !== avoid) : open;
    const next = candidates.find((c) => c > this.cursor) ?? candidates[0];
    if (next !== undefined) this.cursor = next;
    return next;
  }

  /** Resolves with the answer, or undefined when none came within `waitMs`. */
  private push(conn: number, payload: unknown, waitMs: number): Promise<Answer | undefined> {
    const id = randomUUID();
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
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        this.expired.set(id, { eventId: eventIdOf(payload), conn });
        resolve(undefined);
      }, waitMs);
      this.pending.set(id, (a) => {
        clearTimeout(t);
        this.pending.delete(id);
        resolve(a);
      });
      this.conns.get(conn)!.send(frame);
    });
  }

  async stop(): Promise<void> {
    for (const ws of this.conns.values()) ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
