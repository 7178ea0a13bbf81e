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
import { createMetrics, type Metrics } from './metrics.ts';
import { createFeatures, type Features } from './features.ts';
import { calendarGap } from './calendar/calendar-gap.ts';
import { localDate } from './calendar/dates.ts';
import { allHandlers } from './handlers.ts';
import { createEngine } from './qa/engine.ts';
import { loadRulebook } from './rulebook/load.ts';
import { createLiveRulebook } from './review/live.ts';
import { createPlatformStarter, type Backoff } from './platform-start.ts';
import { createServer, listen } from './server/app.ts';
import { readyRoutes } from './server/healthz.ts';
import { metricsRoutes } from './server/metrics-route.ts';
import type { PlatformAdapter, RouteModule } from './server/routes.ts';
import { instrumentStore } from './store/instrumented.ts';
import { openStore } from './store/open.ts';
import { webRoutes } from './web/routes.ts';

export interface RunningApp {
  url: string;
  server: Server;
  bot: Bot;
  adapters: PlatformAdapter[];
  /** What GET /metrics shows. */
  metrics: Metrics;
  /** Resolves when every event accepted so far is fully handled. */
  idle(): Promise<void>;
  /**
   * Stops taking requests and events, lets those in flight finish for at most `graceMs`
   * (default 10 s; what is left then stays in the inbox for the next start), then flushes the
   * store and releases it (the lowdb lock). Resolves once the store is closed.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** A start-up failure that is the operator's to fix (a busy port): its message says how. */
export class StartError extends Error {
  override name = 'StartError';
}

/** How long close() waits for requests and events in flight, unless told otherwise. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  handlers?: Handler[];
  routes?: RouteModule[];
  /** Overrides the listening port (tests pass 0). */
  port?: number;
  retry?: RetryPolicy;
  /** Between attempts to start a platform that failed (default PLATFORM_BACKOFF: 5 s doubling to 5 min). */
  platformBackoff?: Backoff;
  /** What GET /metrics shows (default: a fresh createMetrics(), with a registry of its own). */
  metrics?: Metrics;
}

/**
 * The composition root (the one place where core and adapters meet):
 * rulebook → engine → store → bot → adapters → Koa server. Throws RulebookError,
 * StoreError, StartError (port in use) as they come, after closing what it had opened (the
 * store's lock is released); a platform that cannot be reached is logged and tried again with
 * backoff (platform-start.ts; /readyz says it is down and why), it does not stop the server.
 */
export async function startApp(config: Config, opts: StartOptions): Promise<RunningApp> {
  const { log } = opts;
  const metrics = opts.metrics ?? createMetrics();
  const rulebook = loadRulebook(config.dataDir);
  // DATABASE_URL selects PostgreSQL (replicas); otherwise the lowdb file. Every call is timed for /metrics.
  const store = instrumentStore(await openStore(config, { onError: (err) => log.warn('database connection lost; it will reconnect', { err }) }), metrics);
  // From here on a failure closes what was opened, the store (and its lock) last, before it is thrown.
  let server: Server | undefined;
  let live: ReturnType<typeof createLiveRulebook> | undefined;
  let features: Features | undefined;
  let inbox: ReturnType<typeof createInbox> | undefined;
  const adapters: (PlatformAdapter & { start(): Promise<void> })[] = [];
  const mode = (a: PlatformAdapter) => ({ mode: a.platform === 'feishu' ? config.feishu?.mode : config.slack?.appToken ? 'socket' : 'http' });
  const secrets = [config.feishu?.appSecret, config.feishu?.verificationToken, config.feishu?.encryptKey, config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken];
  const platforms = createPlatformStarter({ log, backoff: opts.platformBackoff, describe: mode, secrets });
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let closing: Promise<void> | undefined;
  const shutdown = (graceMs: number) => {
    phase = 'stopping';
    return (closing ??= closeAll({ log, graceMs, server: () => server, live: () => live, features: () => features, platforms, adapters, inbox: () => inbox, store }));
  };
  try {
    const clock = opts.clock ?? systemClock;
    // Read at scrape time: acknowledged events not yet finished, and how long the oldest has waited.
    metrics.readInbox(async () => {
      const d = await store.inboxDepth();
      return { pending: d.pending, oldestAgeSeconds: d.oldestReceivedAt === undefined ? 0 : Math.max(0, (clock.now().getTime() - d.oldestReceivedAt) / 1000) };
    });
    // The rulebook as data/ has it, plus what its owners accepted in review (read again now and then).
    live = createLiveRulebook({ base: rulebook, store, engine: (rb) => createEngine(rb), log });
    await live.refresh();
    live.start(config.reviewRefreshMs);
    const lv = live;
    // Projects, daily checklists, sign-offs, reports, training: posts go out through the bot's transports once adapters are up.
    features = createFeatures({
      dataDir: config.dataDir,
      rulebook,
      currentRulebook: () => lv.rulebook,
      store,
      clock,
      log,
      metrics,
      transport: (p) => bot.transport(p),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      evidenceMaxBytes: config.evidenceMaxBytes,
      ...(config.trainingCodeSecret ? { trainingCodeSecret: config.trainingCodeSecret } : {}),
    });
    const calendar = features.calendar;
    metrics.readCalendarGaps(async () => (await store.listProjects()).filter((p) => calendarGap(calendar, p, localDate(clock.now(), p.timeZone))).length);
    const deps = {
      get rulebook() {
        return lv.rulebook;
      },
      get answerer() {
        return lv.answerer;
      },
      live: lv,
      store,
      clock,
      log,
      metrics,
      implementerName: config.implementerName,
    };
    const bot: Bot = createBot(deps, opts.handlers ?? allHandlers(features));

    // Webhook events are kept here before they are acknowledged, until handled.
    inbox = createInbox({ store, clock, log, leaseMs: config.inboxLeaseMs });
    if (config.feishu) adapters.push(createFeishuAdapter({ config: config.feishu, bot, log, inbox, retry: opts.retry, metrics }));
    if (config.slack) adapters.push(createSlackAdapter({ config: config.slack, bot, log, inbox, retry: opts.retry, metrics }));
    for (const line of config.disabled) log.info(line);

    const app = createServer({
      config,
      bot,
      log,
      adapters,
      metrics,
      routes: [readyRoutes({ phase: () => phase, adapters, problem: platforms.problem }), metricsRoutes(metrics), features.routes, webRoutes(), playgroundRoutes(), ...(opts.routes ?? [])],
    });
    const port = opts.port ?? config.port;
    const listening = await listen(app, port, config.host).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new StartError(`port ${port} is in use (set PORT)`);
      if (err.code === 'EACCES') throw new StartError(`port ${port} needs privileges this process lacks (set PORT above 1023)`);
      if (err.code === 'EADDRNOTAVAIL') throw new StartError(`${config.host} is not an address of this machine (set HOST)`);
      throw err;
    });
    server = listening.server;
    const url = listening.url;
    // The first attempt is awaited; one that fails is tried again in the background.
    for (const a of adapters) await platforms.start(a);
    // What a previous run acknowledged but did not finish, now that the adapters can answer it.
    inbox.start();
    log.info('listening', { url, rulebook: rulebook.version });
    // Declared projects, catch-up of a post missed while down, then node-cron per project.
    await features.start();
    phase = 'running';

    // Every platform event goes through the inbox: handled when it is idle.
    const ib = inbox;
    return {
      url,
      server,
      bot,
      adapters,
      metrics,
      idle: () => ib.idle(),
      close: (o = {}) => shutdown(o.graceMs ?? SHUTDOWN_GRACE_MS),
    };
  } catch (err) {
    await shutdown(SHUTDOWN_GRACE_MS).catch((e) => log.error('clean-up after a failed start failed', { err: e }));
    throw err;
  }
}

/**
 * The order of a stop: first nothing new (HTTP server, long connections, review refresh,
 * daily-post timers), then the events in flight (bounded by the grace period), then the store,
 * whatever happened before. Each part may be missing (a start that failed half-way).
 */
async function closeAll(p: {
  log: Logger;
  graceMs: number;
  server(): Server | undefined;
  live(): { stop(): void } | undefined;
  features(): { stop(): Promise<void> } | undefined;
  platforms: { stop(): Promise<void> };
  adapters: { platform: string; stop(): Promise<void> }[];
  inbox(): { stop(): Promise<void> } | undefined;
  store: { close(): Promise<void> };
}): Promise<void> {
  const { log, graceMs } = p;
  const deadline = Date.now() + graceMs;
  /** Waits for `work` until the deadline; false if it was still running then. */
  const within = async (work: Promise<unknown>, what: string): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now()))));
    try {
      const done = await Promise.race([work.then(() => true as const, (err) => (log.warn(`${what}: stop failed`, { err }), true as const)), late]);
      if (!done) log.warn(`${what} did not finish within ${graceMs / 1000} s of the stop`);
      return done;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const server = p.server();
    if (server?.listening) {
      // Refuses new connections at once; requests already received are answered, then their connections closed.
      const closed = new Promise<void>((r) => server.close(() => r()));
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      try {
        await within(closed, 'HTTP requests in flight');
      } finally {
        clearInterval(idle);
        server.closeAllConnections();
      }
    }
    p.live()?.stop();
    const features = p.features();
    if (features) await within(features.stop(), 'the scheduled jobs');
    await within(p.platforms.stop(), 'a platform start under way');
    for (const a of p.adapters) await within(a.stop(), `the ${a.platform} connection`);
    const inbox = p.inbox();
    if (inbox && !(await within(inbox.stop(), 'events in flight'))) {
      log.warn('events still in flight stay in the inbox: the next start (or another replica, after INBOX_LEASE_SECONDS) handles them again');
    }
  } finally {
    await p.store.close();
  }
}
