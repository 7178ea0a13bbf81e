import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../src/server/body.ts';
import type { RouteModule } from '../src/server/routes.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const echo: RouteModule = (router, { bot }) => {
  router.post('/api/echo', (ctx) => {
    ctx.body = { got: jsonBody(ctx), rulebook: bot.deps.rulebook.version };
  });
  router.get('/api/ip', (ctx) => {
    ctx.body = { ip: ctx.ip };
  });
};

describe('server without platforms', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' },
      routes: [echo],
    });
  });
  afterAll(() => t.close());

  it('/healthz reports both platforms off, the rulebook version and the store', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ ok: true, adapters: { feishu: false, slack: false }, rulebook: t.app.bot.deps.rulebook.version, store: true });
    expect(t.logs.some((l) => l.includes('Feishu is off'))).toBe(true);
    expect(t.logs.some((l) => l.includes('Slack is off'))).toBe(true);
  });

  it('webhooks of platforms that are off are 404', async () => {
    expect((await fetch(`${t.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${t.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('route modules are mounted; JSON bodies parsed, malformed 400, over 1 MB 413', async () => {
    const ok = await fetch(`${t.url}/api/echo`, { method: 'POST', body: '{"a":1}' });
    expect(await ok.json()).toEqual({ got: { a: 1 }, rulebook: t.app.bot.deps.rulebook.version });
    const bad = await fetch(`${t.url}/api/echo`, { method: 'POST', body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'malformed JSON body' });
    const big = await fetch(`${t.url}/api/echo`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
  });
});

describe('proxy headers', () => {
  it('X-Forwarded-For is ignored unless TRUST_PROXY=true', async () => {
    for (const [trust, expected] of [['false', '127.0.0.1'], ['true', '203.0.113.7']] as const) {
      const t = await startTestApp({ env: { TRUST_PROXY: trust }, routes: [echo] });
      try {
        const res = await fetch(`${t.url}/api/ip`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
        expect(((await res.json()) as { ip: string }).ip.replace(/^::ffff:/, '')).toBe(expected);
      } finally {
        await t.close();
      }
    }
  });
});

describe('with both platforms on', () => {
  it('/healthz shows both adapters up', async () => {
    const t = await startTestApp();
    try {
      expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({ ok: true, adapters: { feishu: true, slack: true } });
    } finally {
      await t.close();
    }
  });
});

function run(env: Record<string, string>, ms: number, onListening?: (url: string) => Promise<void>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      out += d;
      const url = /"msg":"listening","url":"([^"]+)"/.exec(out)?.[1];
      if (url && onListening) {
        const f = onListening;
        onListening = undefined;
        void f(url).finally(() => p.kill('SIGTERM'));
      }
    });
    const timer = setTimeout(() => p.kill('SIGTERM'), ms);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('npm start (src/main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oa-main-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a half-configured platform stops start-up with exit 1 and names the missing variable', async () => {
    const r = await run({ FEISHU_APP_ID: 'cli_x', DB_FILE: join(dir, 'a.json'), PORT: '0' }, 25_000);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FEISHU_APP_SECRET is missing');
  }, 30_000);

  it('a store file that cannot be read stops start-up with exit 1 and says so', async () => {
    const file = join(dir, 'broken.json');
    (await import('node:fs')).writeFileSync(file, '{ not json');
    const r = await run({ DB_FILE: file, PORT: '0' }, 25_000);
    expect(r.code).toBe(1);
    expect(r.out).toContain('is not a readable store');
  }, 30_000);

  it('starts with no credentials at all and serves /healthz', async () => {
    let health: unknown;
    const r = await run({ DB_FILE: join(dir, 'b.json'), PORT: '0' }, 25_000, async (url) => {
      health = await (await fetch(`${url}/healthz`)).json();
    });
    expect(health).toMatchObject({ ok: true, adapters: { feishu: false, slack: false }, store: true });
    expect(r.code).toBe(0); // SIGTERM shuts down cleanly
    expect(r.out).toContain('Feishu is off');
    expect(r.out).toContain('Slack is off');
  }, 30_000);
});
