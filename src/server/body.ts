import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.ts';

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

function readCapped(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('close', () => (size > DRAIN_LIMIT ? resolve('too-large') : undefined));
    req.on('error', reject);
  });
}

/**
 * Reads the raw body once, before any route, so signature checks (Feishu, Slack) see the
 * exact bytes. Over the limit → 413 (the rest is drained so the client sees the answer).
 * The buffer is also put on `req.rawBody`, where Bolt's HTTP helpers look for it.
 */
export function rawBody(limit = BODY_LIMIT): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') {
      ctx.state.rawBody = Buffer.alloc(0);
      return next();
    }
    const declared = Number(ctx.get('content-length') || 0);
    const body = declared > DRAIN_LIMIT ? 'too-large' : await readCapped(ctx.req, limit);
    if (body === 'too-large') {
      ctx.set('Connection', 'close');
      ctx.status = 413;
      ctx.body = { error: `request body over ${limit} bytes` };
      return;
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
