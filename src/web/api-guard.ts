import type { Context } from 'koa';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/store.ts';
import { accessFor } from './access.ts';

/**
 * The access check of /api/* and /admin/jobs/*: the web pages' rule (open only on loopback
 * without ADMIN_TOKEN; else the bearer token or a session cookie), wrong tokens counted against
 * the client like everywhere else that takes ADMIN_TOKEN. `bearerOnly`: an admin job, which needs
 * the token itself and does not exist without one. Returns whether the caller used the token.
 */
export function apiGuard(config: Config, clock: Clock, store: Store) {
  const access = accessFor(config, clock, store);
  const refuse = (ctx: Context): never => {
    ctx.set('WWW-Authenticate', 'Bearer');
    return ctx.throw(401, 'missing or wrong bearer token (Authorization: Bearer $ADMIN_TOKEN)');
  };
  return async (ctx: Context, opts: { bearerOnly?: boolean } = {}): Promise<{ bearer: boolean }> => {
    const gate = access.canSignIn ? access.gateBearer(ctx) : undefined;
    if (gate?.status === 'throttled') ctx.throw(429, `too many wrong tokens from this address; try again in ${gate.retryAfterS} s`, { headers: { 'Retry-After': String(gate.retryAfterS) } });
    if (opts.bearerOnly) {
      if (!config.adminToken) ctx.throw(404, 'the admin job endpoint is disabled: set ADMIN_TOKEN to enable it');
      if (!access.usesBearer(ctx)) refuse(ctx);
    } else if (!(await access.authorized(ctx))) refuse(ctx);
    return { bearer: access.usesBearer(ctx) };
  };
}
