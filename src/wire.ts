import type { Server } from 'node:http';
import { createFeishuAdapter } from '../adapters/feishu/adapter.ts';
import { createInbox } from '../adapters/inbox.ts';
import type { RetryPolicy } from '../adapters/retry.ts';
import { createSlackAdapter } from '../adapters/slack/adapter.ts';
import { playgroundRoutes } from '../adapters/web/routes.ts';
import type { Config } from './config.ts';
import { createBot, type Bot, type Handler } from './core/bot.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Logger } from './core/log.ts';
import { createChecklistFeature } from './checklist/feature.ts';
import { allHandlers } from './handlers.ts';
import { createEngine } from './qa/engine.ts';
import { loadRulebook } from './rulebook/load.ts';
import { createLiveRulebook } from './review/live.ts';
import { createServer, listen } from './server/app.ts';
import type { PlatformAdapter, RouteModule } from './server/routes.ts';
import { openStore } from './store/open.ts';
import { webRoutes } from './web/routes.ts';

export interface RunningApp {
  url: string;
  server: Server;
  bot: Bot;
  adapters: PlatformAdapter[];
  /** Resolves when every event accepted so far is fully handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  handlers?: Handler[];
  routes?: RouteModule[];
  /** Overrides the listening port (tests pass 0). */
  port?: number;
  retry?: RetryPolicy;
}

/**
 * The composition root (the one place where core and adapters meet):
 * rulebook → engine → store → bot → adapters → Koa server. Throws RulebookError,
 * StoreError as they come; an adapter that cannot reach its platform is logged and
 * left off (/healthz shows it), it does not stop the server.
 */
export async function startApp(config: Config, opts: StartOptions): Promise<RunningApp> {
  const { log } = opts;
  const rulebook = loadRulebook(config.dataDir);
  // DATABASE_URL selects PostgreSQL (replicas); otherwise the lowdb file.
  const store = await openStore(config, { onError: (err) => log.warn('database connection lost; it will reconnect', { err }) });
  const clock = opts.clock ?? systemClock;
  // The rulebook as data/ has it, plus what its owners accepted in review (read again now and then).
  const live = createLiveRulebook({ base: rulebook, store, engine: (rb) => createEngine(rb), log });
  await live.refresh();
  live.start(config.reviewRefreshMs);
  // Projects, daily checklists, sign-offs: posts go out through the bot's transports once adapters are up.
  const checklists = createChecklistFeature({ dataDir: config.dataDir, rulebook, store, clock, log, transport: (p) => bot.transport(p) });
  const deps = {
    get rulebook() {
      return live.rulebook;
    },
    get answerer() {
      return live.answerer;
    },
    live,
    store,
    clock,
    log,
    implementerName: config.implementerName,
  };
  const bot: Bot = createBot(deps, opts.handlers ?? allHandlers(checklists.env));

  // Webhook events are kept here before they are acknowledged, until handled.
  const inbox = createInbox({ store, clock, log, leaseMs: config.inboxLeaseMs });
  const adapters: (PlatformAdapter & { start(): Promise<void> })[] = [];
  if (config.feishu) adapters.push(createFeishuAdapter({ config: config.feishu, bot, log, inbox, retry: opts.retry }));
  if (config.slack) adapters.push(createSlackAdapter({ config: config.slack, bot, log, inbox, retry: opts.retry }));
  for (const line of config.disabled) log.info(line);

  const app = createServer({ config, bot, log, adapters, routes: [checklists.routes, webRoutes(), playgroundRoutes(), ...(opts.routes ?? [])] });
  const { server, url } = await listen(app, opts.port ?? config.port, config.host);
  for (const a of adapters) {
    try {
      await a.start();
      log.info(`${a.platform} is on`, { mode: a.platform === 'feishu' ? config.feishu?.mode : config.slack?.appToken ? 'socket' : 'http' });
    } catch (err) {
      log.error(`${a.platform} could not start; it stays off until restart`, { err });
    }
  }
  // What a previous run acknowledged but did not finish, now that the adapters can answer it.
  inbox.start();
  log.info('listening', { url, rulebook: rulebook.version });
  // Declared projects, catch-up of a post missed while down, then node-cron per project.
  await checklists.start();

  // Every platform event goes through the inbox: handled when it is idle.
  const idle = () => inbox.idle();
  return {
    url,
    server,
    bot,
    adapters,
    idle,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      live.stop();
      await checklists.stop();
      for (const a of adapters) await a.stop();
      await inbox.stop();
      await store.close();
    },
  };
}
