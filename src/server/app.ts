import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Metrics } from '../metrics.ts';
import { accessLog } from './access-log.ts';
import { rawBody } from './body.ts';
import { storeGate } from './gate.ts';
import { healthRoutes } from './healthz.ts';
import type { PlatformAdapter, RouteModule, ServerDeps } from './routes.ts';

export interface CreateServerOptions extends ServerDeps {
  adapters?: PlatformAdapter[];
  /** Extra route modules (admin API, web pages), mounted after the webhooks. */
  routes?: RouteModule[];
  bodyLimit?: number;
  /** Webhook requests and acknowledgement times are counted here (see access-log.ts). */
  metrics?: Metrics;
}

/**
 * The Koa app: one access log line per request, 1 MB body cap on every route, JSON errors,
 * /healthz, the platform webhooks and any extra route modules. Listen with `listen(app, port, host)`.
 */
export function createServer(opts: CreateServerOptions): Koa {
  const { log } = opts;
  const app = new Koa();
  app.proxy = opts.config.trustProxy;
  // Koa would print errors to stderr itself; ours go through the masking logger.
  app.silent = true;
  app.on('error', (err: Error) => log.error('http error', { err }));

  // Outermost: it sees the status the error handler below chose, and logs once per request.
  app.use(accessLog(log, opts.metrics));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = e as Error & { status?: number; expose?: boolean; headers?: Record<string, string> };
      const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
      if (status >= 500) log.error('request failed', { path: ctx.path, err });
      ctx.status = status;
      if (status < 500 && err.headers) ctx.set(err.headers); // Retry-After, WWW-Authenticate
      ctx.body = { error: status < 500 || err.expose ? err.message : 'internal error' };
    }
  });
  // Slack over HTTP signs every request: its headers are checked before the body is read.
  app.use(rawBody(opts.bodyLimit, { log, slackSigned: !!opts.config.slack?.signingSecret && !opts.config.slack.appToken }));
  app.use(storeGate(opts.bot.deps.store, log));

  const router = new Router();
  const deps: ServerDeps = { config: opts.config, bot: opts.bot, log };
  healthRoutes(opts.adapters ?? [])(router, deps);
  for (const a of opts.adapters ?? []) a.routes?.(router, deps);
  for (const r of opts.routes ?? []) r(router, deps);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Starts listening (port 0 picks a free port) and resolves with the server and its base URL. */
export function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    // Bounded time and connections for clients nobody has authenticated yet: a whole request
    // within 30 s (bodies: 10 s, body.ts), headers within 15 s, at most 2,000 sockets.
    server.requestTimeout = 30_000;
    server.headersTimeout = 15_000;
    server.maxConnections = 2_000;
    server.once('error', reject);
    server.once('listening', () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      resolve({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${p}` });
    });
  });
}
