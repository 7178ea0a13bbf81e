import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.ts';
import type { Logger } from '../core/log.ts';

/** Every request body is capped here, for every route (webhooks, admin API, web forms). */
export const BODY_LIMIT = 1024 * 1024;
// A client that keeps sending past this is cut off instead of being drained forever.
const DRAIN_LIMIT = 16 * BODY_LIMIT;

declare module 'koa' {
  interface DefaultState {
    /** The raw request body (empty for GET/HEAD), read once by `rawBody()`. */
    rawBody?: Buffer;
  }
}

/** A body that has not arrived whole this long is cut off (408): slow senders hold no memory for minutes. */
export const BODY_TIMEOUT_MS = 10_000;
/** Bytes of request bodies being received at once, over every connection: past this a new body gets 503. */
export const IN_FLIGHT_LIMIT = 64 * BODY_LIMIT;
let inFlight = 0;

type Read = Buffer | 'too-large' | 'timeout' | 'aborted' | 'busy';

function readCapped(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Read> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0; // received
    let held = 0; // counted in inFlight
    let over = false;
    let done = false;
    const finish = (r: Read) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      inFlight -= held;
      held = 0;
      resolve(r);
    };
    // Answered (408, Connection: close) rather than destroyed, so the client learns why.
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > DRAIN_LIMIT) {
        finish('too-large');
        req.destroy();
        return;
      }
      if (size > limit) over = true;
      if (over) return;
      if (inFlight + c.length > IN_FLIGHT_LIMIT) {
        finish('busy');
        return;
      }
      inFlight += c.length;
      held += c.length;
      chunks.push(c);
    });
    req.on('end', () => finish(over ? 'too-large' : Buffer.concat(chunks)));
    // A client that goes away mid-body: nothing to answer, nothing to log but one line.
    req.on('aborted', () => finish('aborted'));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(size > DRAIN_LIMIT ? 'too-large' : 'aborted'));
  });
}

/**
 * Slack signs every request: one without its signature headers, or stamped more than
 * 5 minutes away, is refused before its body is read.
 */
function slackPrecheck(ctx: Context, on: boolean): string | undefined {
  if (!on || ctx.path !== '/slack/events') return undefined;
  const ts = Number(ctx.get('x-slack-request-timestamp'));
  if (!ctx.get('x-slack-signature') || !Number.isFinite(ts)) return 'missing Slack signature headers';
  if (Math.abs(Date.now() / 1000 - ts) > 5 * 60) return 'request timestamp is more than 5 minutes away';
  return undefined;
}

/**
 * Reads the raw body once, before any route, so signature checks (Feishu, Slack) see the
 * exact bytes. Over the limit → 413 (the rest is drained so the client sees the answer).
 * The buffer is also put on `req.rawBody`, where Bolt's HTTP helpers look for it.
 */
export function rawBody(limit = BODY_LIMIT, opts: { timeoutMs?: number; log?: Logger; slackSigned?: boolean } = {}): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') {
      ctx.state.rawBody = Buffer.alloc(0);
      return next();
    }
    const unsigned = slackPrecheck(ctx, opts.slackSigned ?? false);
    if (unsigned) {
      ctx.set('Connection', 'close');
      ctx.status = 401;
      ctx.body = { error: unsigned };
      return;
    }
    const declared = Number(ctx.get('content-length') || 0);
    const body = declared > DRAIN_LIMIT ? 'too-large' : await readCapped(ctx.req, limit, opts.timeoutMs ?? BODY_TIMEOUT_MS);
    if (typeof body === 'string') {
      ctx.set('Connection', 'close');
      switch (body) {
        case 'too-large':
          ctx.status = 413;
          ctx.body = { error: `request body over ${limit} bytes` };
          return;
        case 'timeout':
          opts.log?.warn('request body too slow; cut off', { path: ctx.path, ms: opts.timeoutMs ?? BODY_TIMEOUT_MS });
          ctx.status = 408;
          ctx.body = { error: 'request body too slow' };
          return;
        case 'busy':
          ctx.status = 503;
          ctx.set('Retry-After', '1');
          ctx.body = { error: 'too many request bodies at once; try again' };
          return;
        case 'aborted':
          opts.log?.warn('request body aborted by the client', { path: ctx.path });
          ctx.status = 400;
          ctx.body = { error: 'request body aborted' };
          return;
        default: {
          const never: never = body;
          throw new Error(`unknown read result ${String(never)}`);
        }
      }
    }
    if (tooDeep(body, ctx.get('content-type'))) {
      ctx.status = 400;
      ctx.body = { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
      return;
    }
    ctx.state.rawBody = body;
    (ctx.req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    return next();
  };
}

/** JSON bodies, and the JSON `payload` field of a form body (Slack interactivity). */
function tooDeep(body: Buffer, contentType: string): boolean {
  const text = body.toString('utf8');
  if (/^\s*[[{]/.test(text)) return jsonTooDeep(text);
  if (/x-www-form-urlencoded/i.test(contentType)) {
    const payload = new URLSearchParams(text).get('payload');
    return payload !== null && jsonTooDeep(payload);
  }
  return false;
}

/** The body as JSON, or a 400 that says so. For routes mounted through the registry. */
export function jsonBody(ctx: Context): unknown {
  const raw = ctx.state.rawBody ?? Buffer.alloc(0);
  try {
    return JSON.parse(raw.toString('utf8') || 'null');
  } catch {
    ctx.throw(400, 'malformed JSON body');
  }
}

/** The body as form fields (application/x-www-form-urlencoded), for web pages. */
export function formBody(ctx: Context): URLSearchParams {
  return new URLSearchParams((ctx.state.rawBody ?? Buffer.alloc(0)).toString('utf8'));
}
