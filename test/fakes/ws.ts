import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// ws comes with the Feishu SDK and @slack/socket-mode (Bolt); it ships no types, so the
// little the fake long-connection servers use is typed here.
export interface WebSocket {
  send(data: string | Uint8Array): void;
  terminate(): void;
  on(ev: 'close', f: () => void): void;
  on(ev: 'message', f: (data: Buffer) => void): void;
}
export interface WebSocketServer {
  once(ev: 'listening', f: () => void): void;
  on(ev: 'connection', f: (ws: WebSocket) => void): void;
  address(): AddressInfo | string;
  close(cb: () => void): void;
}
export const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: new (o: { host: string; port: number }) => WebSocketServer };
