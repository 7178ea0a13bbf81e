import { WebSocketServer, type WebSocket } from './ws.ts';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Socket Mode endpoint: the fake Web API's apps.connections.open hands out
 * `url`; on connect it says hello; `send()` delivers an envelope and resolves with the
 * app's ack. `acks` records every envelope id acknowledged.
 */
export class FakeSlackSocket {
  private wss?: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private pending = new Map<string, () => void>();
  readonly acks: string[] = [];
  url = '';

  async start(): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/link`;
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          const id = JSON.parse(String(data)).envelope_id as string | undefined;
          if (id) {
            this.acks.push(id);
            this.pending.get(id)?.();
          }
        } catch {
          /* not ours */
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0001' } }));
    });
    return this;
  }

  get connected(): number {
    return this.sockets.size;
  }

  /**
   * Sends an envelope (events_api with an event_callback body, or interactive with a
   * block_actions payload). Slack picks one of the app's connections: `connection` is the
   * index of the one to use (in connection order); without it every connection gets it.
   * `retryAttempt` > 0 marks a redelivery.
   */
  send(type: 'events_api' | 'interactive', payload: unknown, opts: { connection?: number; retryAttempt?: number; timeoutMs?: number } = {}): Promise<string> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const envelope_id = randomUUID();
    const acked = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`envelope ${envelope_id} not acknowledged`)), timeoutMs);
      this.pending.set(envelope_id, () => {
        clearTimeout(t);
        resolve(envelope_id);
      });
    });
    const to = opts.connection === undefined ? [...this.sockets] : [[...this.sockets][opts.connection]!];
    const retry = opts.retryAttempt ?? 0;
    for (const ws of to) ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: false, retry_attempt: retry, retry_reason: retry ? 'timeout' : '' }));
    return acked;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
