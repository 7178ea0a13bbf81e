import type { Middleware } from 'koa';
import type { Logger } from '../core/log.ts';
import type { Store } from '../store/store.ts';

/** The paths whose requests are acknowledged first and handled afterwards. */
const WEBHOOKS = new Set(['/feishu/events', '/slack/events']);

/**
 * Webhooks are answered before they are handled, so an event accepted while the store
 * is unreachable (PostgreSQL restarting) would be acknowledged and then lost. While
 * the store does not answer, refuse them with 503: Feishu and Slack deliver them again.
 * (lowdb's ping is always true; PostgreSQL's is one `SELECT 1` on a pooled connection.)
 */
export function storeGate(store: Store, log: Logger, freshMs = 100): Middleware {
  let down = false;
  // One ping answers for every request in the next `freshMs`: a round trip per event made
  // the database, not the bot, set the acknowledgement time under load. Work accepted in
  // that window still retries its own database calls (see postgres.ts).
  let checked = 0;
  let inflight: Promise<boolean> | undefined;
  const reachable = async (): Promise<boolean> => {
    const now = performance.now();
    if (now - checked < freshMs) return !down;
    // A database that does not answer within a second counts as down: the event goes back to the platform.
    const timeout = new Promise<boolean>((r) => setTimeout(r, 1000, false).unref());
    inflight ??= Promise.race([store.ping(), timeout]).finally(() => {
      checked = performance.now();
      inflight = undefined;
    });
    return inflight;
  };
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !WEBHOOKS.has(ctx.path)) return next();
    const ok = await reachable();
    if (ok !== !down) log[ok ? 'info' : 'error'](ok ? 'store reachable again: accepting events' : 'store unreachable: refusing events with 503 so the platform retries');
    down = !ok;
    if (!ok) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: 'storage unavailable, retry later' };
      return;
    }
    return next();
  };
}
