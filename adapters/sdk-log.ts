import type { Logger } from '../src/core/log.ts';

const BEARER = /(Bearer\s+)[\w.\-~+/=]+/gi;

/**
 * One short line from whatever an SDK hands its logger. Errors become their message
 * only: HTTP client errors carry the request config, Authorization header included.
 */
export function summarize(x: unknown, depth = 0): string {
  if (typeof x === 'string') return x.replace(BEARER, '$1***');
  if (x instanceof Error || (typeof x === 'object' && x !== null && typeof (x as { message?: unknown }).message === 'string')) {
    return String((x as { message: string }).message).replace(BEARER, '$1***');
  }
  if (Array.isArray(x) && depth < 3) return x.map((y) => summarize(y, depth + 1)).join(' ');
  try {
    return (JSON.stringify(x) ?? String(x)).replace(BEARER, '$1***').slice(0, 300);
  } catch {
    return String(x);
  }
}

/** The SDK's chatter goes to debug; its warnings and errors to warn (our own code logs the real failures). */
export function sdkLogger(log: Logger, name: string) {
  const f = (level: 'debug' | 'warn') => (...msg: unknown[]) => log[level](name, { detail: summarize(msg).slice(0, 500) });
  return { error: f('warn'), warn: f('warn'), info: f('debug'), debug: f('debug'), trace: f('debug') };
}
