/**
 * End-to-end test harness: fake Feishu and Slack APIs on 127.0.0.1, plus the real
 * server (src/wire.ts startApp: real Koa, real SDKs) on port 0 with a temp DB_FILE.
 *
 *   const t = await startTestApp();            // both platforms on, encrypted Feishu
 *   const res = await t.postFeishu(feishuTextEvent({ text: '@bot 培训人数多怎么办', token: t.env.FEISHU_VERIFICATION_TOKEN }));
 *   const [reply] = await t.feishu.waitSent(1); // the outbound im.message call
 *   await t.close();
 *
 * Options: `env` overrides (e.g. { SLACK_BOT_TOKEN: '' } to turn Slack off), `handlers`
 * (default: allHandlers()), `clock`, `routes` (extra RouteModules), `retry`,
 * `slackSocketMode` (Slack over a fake Socket Mode connection: use `t.slackSocket.send`),
 * `feishuWs` (Feishu over a fake long connection, FEISHU_MODE=ws: use `t.feishuWs.send`),
 * `prepare` (called with the fakes before the app starts, e.g. to make auth.test fail),
 * `platformBackoff` (how soon a platform that failed to start is tried again).
 * `logs` holds every log line (JSON strings) so tests can check what was (not) logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { loadConfig } from '../../src/config.ts';
import type { Handler } from '../../src/core/bot.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';
import type { Backoff } from '../../src/platform-start.ts';
import type { RouteModule } from '../../src/server/routes.ts';
import { startApp, type RunningApp } from '../../src/wire.ts';
import { FakeFeishu } from '../fakes/feishu-api.ts';
import { FakeFeishuWs } from '../fakes/feishu-ws.ts';
import { FakeSlack } from '../fakes/slack-api.ts';
import { FakeSlackSocket } from '../fakes/slack-socket.ts';
import { feishuRequest } from './feishu.ts';
import { slackHeaders } from './slack.ts';

export const TEST_SECRETS = {
  FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
  FEISHU_APP_SECRET: 'feishu-app-secret-TEST',
  FEISHU_VERIFICATION_TOKEN: 'feishu-verify-token-TEST',
  FEISHU_ENCRYPT_KEY: 'feishu-encrypt-key-TEST',
  SLACK_BOT_TOKEN: 'xoxb-slack-bot-token-TEST',
  SLACK_SIGNING_SECRET: 'slack-signing-secret-TEST',
};

export interface TestApp {
  url: string;
  app: RunningApp;
  feishu: FakeFeishu;
  slack: FakeSlack;
  /** Set with `feishuWs: true`. */
  feishuWs?: FakeFeishuWs;
  /** Set with `slackSocketMode: true`. */
  slackSocket?: FakeSlackSocket;
  env: Record<string, string>;
  dbFile: string;
  logs: string[];
  /** POSTs a Feishu payload to /feishu/events, encrypted and signed with the test keys (override with opts). */
  postFeishu(payload: unknown, opts?: { encryptKey?: string; timestamp?: number; nonce?: string }): Promise<Response>;
  /** POSTs a JSON event (object) or a form body (string) to /slack/events, signed. */
  postSlack(body: unknown, opts?: { timestamp?: number; headers?: Record<string, string> }): Promise<Response>;
  /** Waits until every accepted event is fully handled (answers sent or failed). */
  idle(): Promise<void>;
  /**
   * Stops the server (keeps the DB file) and starts it again on the same DB: for "across a
   * restart". `whileDown` runs in between (e.g. to leave in the store what a crash leaves).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides of the test environment (TEST_SECRETS, fakes' URLs, temp DB_FILE); '' unsets. */
  env?: Record<string, string>;
  /** Default: allHandlers(). */
  handlers?: Handler[];
  clock?: Clock;
  routes?: RouteModule[];
  /** Default: 4 attempts, 50 ms base, 5 s cap. */
  retry?: RetryPolicy;
  /** Between attempts to start a platform that failed (default: the app's, 5 s doubling). */
  platformBackoff?: Backoff;
  slackSocketMode?: boolean;
  feishuWs?: boolean;
  prepare?: (fakes: { feishu: FakeFeishu; slack: FakeSlack }) => void;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const feishu = await FakeFeishu.start();
  const slack = await FakeSlack.start();
  const slackSocket = opts.slackSocketMode ? await new FakeSlackSocket().start() : undefined;
  if (slackSocket) slack.socketUrl = slackSocket.url;
  const feishuWs = opts.feishuWs ? await new FakeFeishuWs().start() : undefined;
  if (feishuWs) feishu.wsUrl = feishuWs.url;
  const dir = mkdtempSync(join(tmpdir(), 'oa-bot-test-'));
  const dbFile = join(dir, 'db.json');
  const env: Record<string, string> = {
    ...TEST_SECRETS,
    FEISHU_DOMAIN: feishu.url,
    SLACK_API_URL: slack.apiUrl,
    DB_FILE: dbFile,
    DATA_DIR: 'data',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'debug',
    ...(slackSocket ? { SLACK_APP_TOKEN: 'xapp-slack-app-token-TEST', SLACK_SIGNING_SECRET: '' } : {}),
    ...(feishuWs ? { FEISHU_MODE: 'ws' } : {}),
    ...opts.env,
  };
  opts.prepare?.({ feishu, slack });
  const logs: string[] = [];
  const log = createLogger('debug', Object.values(TEST_SECRETS), (l) => void logs.push(l));
  const boot = () => startApp(loadConfig(env), { log, clock: opts.clock, handlers: opts.handlers, routes: opts.routes, port: 0, retry: opts.retry ?? { attempts: 4, baseMs: 50, maxDelayMs: 5000 }, platformBackoff: opts.platformBackoff });
  let app = await boot();

  const t: TestApp = {
    get url() {
      return app.url;
    },
    get app() {
      return app;
    },
    feishu,
    slack,
    slackSocket,
    feishuWs,
    env,
    dbFile,
    logs,
    postFeishu(payload, o = {}) {
      const encryptKey = 'encryptKey' in o ? o.encryptKey : env.FEISHU_ENCRYPT_KEY || undefined;
      const r = feishuRequest(payload, { ...o, encryptKey });
      return fetch(`${app.url}/feishu/events`, { method: 'POST', headers: r.headers, body: r.body });
    },
    postSlack(body, o = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const contentType = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
      const headers = { ...slackHeaders(env.SLACK_SIGNING_SECRET ?? '', raw, { timestamp: o.timestamp, contentType }), ...o.headers };
      return fetch(`${app.url}/slack/events`, { method: 'POST', headers, body: raw });
    },
    idle: () => app.idle(),
    async restart(whileDown) {
      await app.close();
      await whileDown?.();
      app = await boot();
    },
    async close() {
      await app.close();
      await feishu.stop();
      await slack.stop();
      await slackSocket?.stop();
      await feishuWs?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
