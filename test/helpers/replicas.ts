/**
 * Several bot replicas (src/wire.ts startApp, each with its own Koa server, SDK clients
 * and connection pool) on ONE PostgreSQL schema, talking to ONE pair of fake platform
 * APIs, as behind a load balancer. Events can be sent to a chosen replica.
 */
import { loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { startApp, type RunningApp } from '../../src/wire.ts';
import { FakeFeishu } from '../fakes/feishu-api.ts';
import type { FakeFeishuWs } from '../fakes/feishu-ws.ts';
import type { FakeSlackSocket } from '../fakes/slack-socket.ts';
import { FakeSlack } from '../fakes/slack-api.ts';
import { TEST_SECRETS } from './app.ts';
import { feishuRequest } from './feishu.ts';
import { dropSchemas, freshSchema, urlWithSchema } from './postgres.ts';
import { slackHeaders } from './slack.ts';

export const REPLICA_ADMIN_TOKEN = 'replica-admin-token-TEST-0123456789abcdef';

export interface Replicas {
  apps: RunningApp[];
  feishu: FakeFeishu;
  slack: FakeSlack;
  env: Record<string, string>;
  databaseUrl: string;
  logs: string[];
  /** A store of its own on the same schema: how a test looks at (or seeds) what the replicas share. */
  store: Store;
  postSlack(i: number, body: unknown, headers?: Record<string, string>): Promise<Response>;
  postFeishu(i: number, payload: unknown): Promise<Response>;
  runJob(i: number): Promise<Response>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** `feishuWs`: Feishu over that fake long connection (FEISHU_MODE=ws), one connection per replica. */
export async function startReplicas(n: number, opts: { clock?: Clock; env?: Record<string, string>; seed?: (store: Store) => Promise<void>; feishuWs?: FakeFeishuWs; slackSocket?: FakeSlackSocket } = {}): Promise<Replicas> {
  const feishu = await FakeFeishu.start();
  if (opts.feishuWs) feishu.wsUrl = opts.feishuWs.url;
  const slack = await FakeSlack.start();
  if (opts.slackSocket) slack.socketUrl = opts.slackSocket.url;
  const schema = freshSchema('rep');
  const databaseUrl = urlWithSchema(schema);
  const store = await openPostgresStore(databaseUrl);
  await opts.seed?.(store);
  const env: Record<string, string> = {
    ...TEST_SECRETS,
    FEISHU_DOMAIN: feishu.url,
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: databaseUrl,
    DATA_DIR: 'data',
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_TOKEN: REPLICA_ADMIN_TOKEN,
    ...(opts.feishuWs ? { FEISHU_MODE: 'ws' } : {}),
    ...(opts.slackSocket ? { SLACK_APP_TOKEN: 'xapp-slack-app-token-TEST', SLACK_SIGNING_SECRET: '' } : {}),
    ...opts.env,
  };
  const logs: string[] = [];
  const log = createLogger('debug', Object.values(TEST_SECRETS), (l) => void logs.push(l));
  // Started together: their start-up catch-up runs of the daily job race, as in production.
  const apps = await Promise.all(
    Array.from({ length: n }, () => startApp(loadConfig(env), { log, clock: opts.clock, port: 0, retry: { attempts: 4, baseMs: 20, maxDelayMs: 2000 } })),
  );
  return {
    apps,
    feishu,
    slack,
    env,
    databaseUrl,
    logs,
    store,
    postSlack(i, body, headers = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const contentType = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
      return fetch(`${apps[i]!.url}/slack/events`, { method: 'POST', headers: { ...slackHeaders(env.SLACK_SIGNING_SECRET!, raw, { contentType }), ...headers }, body: raw });
    },
    postFeishu(i, payload) {
      const r = feishuRequest(payload, { encryptKey: env.FEISHU_ENCRYPT_KEY });
      return fetch(`${apps[i]!.url}/feishu/events`, { method: 'POST', headers: r.headers, body: r.body });
    },
    runJob(i) {
      return fetch(`${apps[i]!.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${REPLICA_ADMIN_TOKEN}` } });
    },
    async idle() {
      await new Promise((r) => setTimeout(r, 50));
      for (const a of apps) await a.idle();
    },
    async close() {
      for (const a of apps) await a.close();
      await store.close();
      await feishu.stop();
      await slack.stop();
      await dropSchemas([schema]);
    },
  };
}
