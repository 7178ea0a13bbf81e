import Router from '@koa/router';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readyRoutes, type Readiness } from '../src/server/healthz.ts';
import type { ServerDeps } from '../src/server/routes.ts';
import { startTestApp, TEST_SECRETS } from './helpers/app.ts';

/**
 * /healthz is liveness (200 while the process serves), /readyz readiness (503 with every
 * reason while start-up is unfinished, the store is unreachable or a configured platform is
 * down); a platform that fails at start is tried again with backoff and comes up.
 */
const noFeishu = { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' };
const noSlack = { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' };
const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as any };
};

describe('/healthz and /readyz', () => {
  it('both platforms up: ready', async () => {
    const t = await startTestApp();
    try {
      expect(await get(`${t.url}/readyz`)).toEqual({ status: 200, body: { ready: true, reasons: [], store: true, adapters: { feishu: true, slack: true } } });
      expect((await get(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('no platform configured: ready (an off platform is not a reason)', async () => {
    const t = await startTestApp({ env: { ...noFeishu, ...noSlack } });
    try {
      expect(await get(`${t.url}/readyz`)).toEqual({ status: 200, body: { ready: true, reasons: [], store: true, adapters: {} } });
    } finally {
      await t.close();
    }
  });

  it('rejected Slack credentials: alive but not ready, with the reason; tried again with backoff until Slack comes up', async () => {
    // auth.test says invalid_auth three times (a token being rotated), then accepts it.
    const t = await startTestApp({
      env: noFeishu,
      platformBackoff: { baseMs: 100, maxMs: 400 },
      prepare: ({ slack }) => slack.failNext((c) => c.path === '/api/auth.test', 3, 200, {}, { ok: false, error: 'invalid_auth' }),
    });
    try {
      const health = await get(`${t.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ ok: true, adapters: { slack: false } });
      const ready = await get(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.ready).toBe(false);
      expect(ready.body.reasons).toEqual([expect.stringMatching(/^slack is down: .*invalid_auth/)]);
      expect(JSON.stringify(ready.body)).not.toContain(TEST_SECRETS.SLACK_BOT_TOKEN);
      expect(t.logs.some((l) => l.includes('slack could not start; trying again in'))).toBe(true);
      expect(t.logs.some((l) => l.includes('stays off until restart'))).toBe(false);

      await expect.poll(async () => (await get(`${t.url}/readyz`)).status, { timeout: 5_000 }).toBe(200);
      expect(t.slack.calls.filter((c) => c.path === '/api/auth.test').length).toBe(4);
      expect(t.logs.some((l) => l.includes('"msg":"slack is on"') && l.includes('"attempt":4'))).toBe(true);
      expect((await get(`${t.url}/healthz`)).body).toMatchObject({ adapters: { slack: true } });
    } finally {
      await t.close();
    }
  });

  it('Feishu whose bot info cannot be fetched is not logged "on" while /healthz says off; it is tried again', async () => {
    const t = await startTestApp({
      env: noSlack,
      platformBackoff: { baseMs: 100, maxMs: 400, settleMs: 200 },
      // the adapter's own retry makes 4 attempts at start: all fail, so does its second start's first
      prepare: ({ feishu }) => feishu.failNext((c) => c.path === '/open-apis/bot/v3/info', 5, 500),
    });
    try {
      const ready = await get(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.reasons).toEqual([expect.stringMatching(/^feishu is down: started(,| but) not up/)]);
      expect(t.logs.some((l) => l.includes('"msg":"feishu is on"'))).toBe(false);
      await expect.poll(async () => (await get(`${t.url}/readyz`)).status, { timeout: 5_000 }).toBe(200);
      expect(t.logs.some((l) => l.includes('"msg":"feishu is on"'))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('a long connection that opens just after start returned is waited for, not restarted', async () => {
    const t = await startTestApp({ feishuWs: true, env: noSlack });
    try {
      await expect.poll(async () => (await get(`${t.url}/readyz`)).status, { timeout: 5_000 }).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(t.feishuWs!.connections()).toHaveLength(1);
      expect(t.logs.some((l) => l.includes('could not start'))).toBe(false);
      expect(t.logs.some((l) => l.includes('"msg":"feishu is on","mode":"ws"'))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('a stop cancels the retries: nothing is tried after close()', async () => {
    const t = await startTestApp({
      env: noFeishu,
      platformBackoff: { baseMs: 200, maxMs: 200 },
      prepare: ({ slack }) => slack.failNext((c) => c.path === '/api/auth.test', 100, 200, {}, { ok: false, error: 'invalid_auth' }),
    });
    await t.app.close();
    const calls = t.slack.calls.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(t.slack.calls.length).toBe(calls);
    await t.close();
  });

  it('start-up unfinished, shutting down, the store unreachable: 503 with each reason', async () => {
    let phase: ReturnType<Readiness['phase']> = 'starting';
    let storeUp = true;
    const deps = { bot: { deps: { store: { ping: async () => storeUp } } } } as unknown as ServerDeps;
    const adapter = { platform: 'slack' as const, isUp: () => false, stop: async () => {} };
    const app = new Koa();
    const router = new Router();
    readyRoutes({ phase: () => phase, adapters: [adapter], problem: () => undefined })(router, deps);
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      expect((await get(url)).body.reasons).toEqual(['start-up unfinished', 'slack is down']);
      phase = 'running';
      storeUp = false;
      expect(await get(url)).toEqual({ status: 503, body: { ready: false, reasons: ['store unreachable', 'slack is down'], store: false, adapters: { slack: false } } });
      phase = 'stopping';
      expect((await get(url)).body.reasons[0]).toBe('shutting down');
    } finally {
      server.close();
    }
  });
});
