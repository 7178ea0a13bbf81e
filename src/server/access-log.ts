import type { Middleware } from 'koa';
import type { Logger } from '../core/log.ts';
import type { Platform } from '../core/message.ts';
import type { Metrics } from '../metrics.ts';

/** The webhook paths, and whose they are. */
const WEBHOOKS: Record<string, Platform> = { '/feishu/events': 'feishu', '/slack/events': 'slack' };

/**
 * The outermost middleware: one access log line per request at info, once, whatever the
 * handlers did (a thrown error included): { method, path, status, ms }. The path only: no
 * query string, no headers, no body, so neither a token nor what someone wrote gets logged.
 * Webhook requests are also counted by platform and status, and the time to a 2xx answer
 * (the acknowledgement) goes into the ack histogram.
 */
export function accessLog(log: Logger, metrics?: Pick<Metrics, 'webhookRequests' | 'ackSeconds'>): Middleware {
  return async (ctx, next) => {
    const t0 = performance.now();
    let status: number | undefined;
    try {
      await next();
    } catch (err) {
      // The JSON error middleware below catches everything; this is only in case it did not.
      const s = (err as { status?: unknown }).status;
      status = typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
      throw err;
    } finally {
      const ms = performance.now() - t0;
      status ??= ctx.status;
      const platform = ctx.method === 'POST' ? WEBHOOKS[ctx.path] : undefined;
      if (platform && metrics) {
        metrics.webhookRequests.inc({ platform, status: String(status) });
        if (status >= 200 && status < 300) metrics.ackSeconds.observe({ platform }, ms / 1000);
      }
      log.info('http', { method: ctx.method, path: ctx.path, status, ms: Math.round(ms * 10) / 10 });
    }
  };
}
