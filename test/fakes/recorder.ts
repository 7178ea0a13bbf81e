import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request the fake API received. `body` is parsed (JSON or form fields) when possible. */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: any;
  /** The body as it came, byte for byte (file uploads). */
  raw: Buffer;
  /** The HTTP status the fake answered. */
  status: number;
  /** The body the fake answered (also when the caller never got it: `hold` with afterAnswer). */
  response?: any;
}

interface Failure {
  match: (c: RecordedCall) => boolean;
  times: number;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Route = (call: RecordedCall) => { status?: number; headers?: Record<string, string>; body: unknown } | undefined;

/**
 * A tiny HTTP server on 127.0.0.1 that records every call and answers through `route`.
 * `failNext(match, times, status, headers)` makes the next matching calls fail first
 * (429 with Retry-After, 500, ...) before the normal answer resumes.
 */
export class RecordingServer {
  readonly calls: RecordedCall[] = [];
  private failures: Failure[] = [];
  private holding?: { match: (c: RecordedCall) => boolean; afterAnswer: boolean };
  private held: { call: RecordedCall; res: ServerResponse }[] = [];
  private server?: Server;
  private waiters = new Set<() => void>();
  url = '';

  constructor(private readonly route: Route) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  failNext(match: (c: RecordedCall) => boolean, times: number, status: number, headers: Record<string, string> = {}, body: unknown = {}): void {
    this.failures.push({ match, times, status, headers, body });
  }

  /**
   * Matching calls are recorded but left unanswered (status 0: nothing was posted), as a
   * platform that is slow to answer; `dropHeld` cuts them off. `afterAnswer`: the call is
   * carried out (posted, status set) and only the response is held back, as when the
   * platform did the work but the caller never heard back.
   */
  hold(match: (c: RecordedCall) => boolean, opts: { afterAnswer?: boolean } = {}): void {
    this.holding = { match, afterAnswer: opts.afterAnswer ?? false };
  }

  /** Stops holding and closes the held calls unanswered, as when their caller died. How many there were. */
  dropHeld(): number {
    this.holding = undefined;
    const n = this.held.length;
    for (const h of this.held.splice(0)) h.res.destroy();
    return n;
  }

  /** Resolves with the calls matching `pred` once there are at least `count`; rejects after `timeoutMs`. */
  async waitFor(pred: (c: RecordedCall) => boolean, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.calls.filter(pred);
      if (got.length >= count) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} call(s); got ${got.length}: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path} ${c.status}`))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(done, Math.min(left, 200));
        function done() {
          clearTimeout(t);
          r();
        }
        this.waiters.add(done);
      });
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const u = new URL(req.url ?? '/', 'http://x');
    let body: any = text;
    const ct = String(req.headers['content-type'] ?? '');
    try {
      if (ct.includes('multipart/form-data') || ct.includes('application/octet-stream')) body = {}; // the parts are in `raw`
      else if (ct.includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
      else if (text) body = JSON.parse(text);
    } catch {
      /* keep the text */
    }
    const call: RecordedCall = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, raw, status: 200 };
    this.calls.push(call);
    const hold = this.holding?.match(call) ? this.holding : undefined;
    if (hold && !hold.afterAnswer) {
      call.status = 0;
      this.held.push({ call, res });
      return;
    }
    let answer: { status?: number; headers?: Record<string, string>; body: unknown } | undefined;
    const f = this.failures.find((x) => x.times > 0 && x.match(call));
    if (f) {
      f.times--;
      answer = { status: f.status, headers: f.headers, body: f.body };
    } else {
      try {
        answer = this.route(call);
      } catch (e) {
        answer = { status: 500, body: { error: String(e) } };
      }
    }
    call.status = answer?.status ?? (answer ? 200 : 404);
    call.response = answer?.body;
    if (hold) {
      this.held.push({ call, res });
      return;
    }
    // A Buffer body is a file download: sent as it is.
    const file = Buffer.isBuffer(answer?.body);
    res.writeHead(call.status, { 'content-type': file ? 'application/octet-stream' : 'application/json', ...answer?.headers });
    res.end(file ? (answer!.body as Buffer) : JSON.stringify(answer?.body ?? { error: 'not found' }));
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w();
    }
  }
}
