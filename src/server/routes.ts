import type Router from '@koa/router';
import type { Bot } from '../core/bot.ts';
import type { Logger } from '../core/log.ts';
import type { Config } from '../config.ts';

/** What every route module gets besides the router. */
export interface ServerDeps {
  config: Config;
  bot: Bot;
  log: Logger;
}

/**
 * A route module mounts its routes on the shared router, from its own file:
 *
 *   export const adminRoutes: RouteModule = (router, { bot, config }) => {
 *     router.post('/admin/jobs/daily-checklists', async (ctx) => { ... });
 *   };
 *   createServer({ config, bot, log, routes: [adminRoutes, webRoutes] });
 *
 * Bodies are already read (1 MB cap, 413 above it): use `jsonBody(ctx)` / `formBody(ctx)`
 * from src/server/body.ts, or `ctx.state.rawBody`. `ctx.throw(status, msg)` gives a JSON error.
 */
export type RouteModule = (router: Router, deps: ServerDeps) => void;

/** A chat platform as the server sees it; adapters/* implement it. */
export interface PlatformAdapter {
  readonly platform: 'feishu' | 'slack';
  /** Mounts the webhook route(s); absent in long-connection / Socket Mode. */
  routes?: RouteModule;
  /** True once connected and able to send (shown on /healthz). */
  isUp(): boolean;
  stop(): Promise<void>;
}
