import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/log.ts';
import { jsonTooDeep } from '../src/server/json-depth.ts';
import { FORMULA_START, signoffsCsv } from '../src/readiness/views/signoffs-csv.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { StoreError } from '../src/store/store-error.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from './helpers/app.ts';
import { slackEvent, slackHeaders } from './helpers/slack.ts';

const deep = (n: number) => `{"type":"event_callback","event":${'['.repeat(n)}${']'.repeat(n)}}`;

describe('smaller defects found by the attacker and the operator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
  });
  afterAll(() => t.close());

  it('a signed body nested 5,000 levels deep is refused with 400, and a good question is answered after it', async () => {
    expect(jsonTooDeep(deep(5000))).toBe(true);
    expect(jsonTooDeep(deep(10))).toBe(false);
    expect(jsonTooDeep('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toBe(false); // inside a string
    const raw = deep(5000);
    const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, raw), body: raw });
    expect(res.status).toBe(400);
    const form = new URLSearchParams({ payload: deep(5000) }).toString();
    const res2 = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, form, { contentType: 'application/x-www-form-urlencoded' }), body: form });
    expect(res2.status).toBe(400);
    t.slack.reset();
    expect((await t.postSlack(slackEvent({ text: '@bot 培训人数多怎么办' }))).status).toBe(200);
    expect((await t.slack.waitSent(1)).length).toBe(1);
  });

  it('refuses a Slack request without its signature headers before reading its body', async () => {
    const { createConnection } = await import('node:net');
    const { port } = new URL(t.url);
    const t0 = Date.now();
    // Declares a 500 KB body and never sends it: answered at once, not after a wait.
    const got = await new Promise<string>((resolve) => {
      let out = '';
      const s = createConnection(Number(port), '127.0.0.1', () => s.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n'));
      s.on('data', (d) => {
        out += d.toString();
        if (out.includes('\r\n\r\n')) s.destroy();
      });
      s.on('close', () => resolve(out));
    });
    expect(got).toMatch(/^HTTP\/1\.1 401/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses a Slack request stamped more than 5 minutes in the future, like a stale one', async () => {
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await t.postSlack(slackEvent({ text: '@bot hi' }), { timestamp: future })).status).toBe(401);
    expect((await t.postSlack(slackEvent({ text: '@bot hi' }), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
  });
});

describe('the lowdb file', () => {
  const file = (content: string) => {
    const f = join(mkdtempSync(join(tmpdir(), 'db-')), 'db.json');
    writeFileSync(f, content);
    return f;
  };
  it.each(['{}', 'null', '{"projects": {}}', '[]'])('an existing file %s without the store\'s keys refuses to open, naming the file, and is left untouched', async (content) => {
    const f = file(content);
    await expect(openLowdbStore(f)).rejects.toThrow(StoreError);
    await expect(openLowdbStore(f)).rejects.toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} exists but has no`));
    expect(readFileSync(f, 'utf8')).toBe(content);
  });

  it('keeps a copy of the file before rewriting it into the newer format', async () => {
    const old = JSON.stringify({ events: { 'slack:Ev1': Date.now() }, feedback: [], projects: {}, posts: {}, checklistMessages: [], signoffs: [], deliveries: {} });
    const f = file(old);
    const store = await openLowdbStore(f);
    await store.close();
    expect(readFileSync(`${f}.before-journals.bak`, 'utf8')).toBe(old);
    expect(JSON.parse(readFileSync(f, 'utf8')).events).toEqual({});
  });
});

describe('the admin token', () => {
  it('start-up refuses one shorter than 32 characters and says how to make one', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'admin123' })).toThrow('ADMIN_TOKEN: must be at least 32 characters; make one with: openssl rand -hex 32');
    expect(loadConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).adminToken).toHaveLength(32);
    // PUBLIC_URL: an http(s) address, kept without a trailing slash.
    expect(() => loadConfig({ PUBLIC_URL: 'oabot.example.com' })).toThrow(/PUBLIC_URL: must be the http\(s\) address/);
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
    expect(loadConfig({ PUBLIC_URL: 'https://oabot.example.com/' }).publicUrl).toBe('https://oabot.example.com');
  });
});

describe('logs and exports', () => {
  it('masks tokens the platforms hand out at run time', () => {
    const lines: string[] = [];
    const log = createLogger('debug', [], (l) => void lines.push(l));
    log.warn('feishu call failed', { headers: { Authorization: 'Bearer t-g1044ghJIXNMBYQ4QCUV3ZZ6DPSJW3DCYYMSNJHC' }, token: 't-g1044ghJIXNMBYQ4QCUV3ZZ6DPSJW3DCYYMSNJHC', slack: 'xoxb-1234-5678-abcdefghijkl' });
    expect(lines[0]).not.toContain('t-g1044');
    expect(lines[0]).not.toContain('xoxb-1234');
    expect(lines[0]).toContain('***');
  });

  it('quotes CSV cells a spreadsheet would run as formulas, also behind spaces, NBSP, zero-width characters, a BOM, or in full-width', () => {
    for (const v of ['=1+1', ' =1+1', '\u00a0=1', '\u200b=1', '\ufeff+1', '＝1+1', '＋1', '－1', '＠SUM(A1)', '\t=1', '-1']) expect(FORMULA_START.test(v), JSON.stringify(v)).toBe(true);
    for (const v of ['确认 3', '5.2-10', 'a=1', '']) expect(FORMULA_START.test(v), JSON.stringify(v)).toBe(false);
    const csv = signoffsCsv([{ seq: 1, projectId: 'p', action: 'confirm', itemId: 'i', itemText: 'x', userId: 'u', role: 'member', at: 'a', via: 'reply', platform: 'slack', evidenceMessageId: 'm', text: '\u200b=HYPERLINK("http://evil")' }]);
    expect(csv).toContain(`"'\u200b=HYPERLINK(""http://evil"")"`);
  });
});

describe('unauthenticated clients get bounded time', () => {
  it('cuts off a body that is too slow (408), and logs a client that went away once, at warn', async () => {
    const Koa = (await import('koa')).default;
    const { createConnection } = await import('node:net');
    const { rawBody } = await import('../src/server/body.ts');
    const lines: string[] = [];
    const log = createLogger('debug', [], (l) => void lines.push(l));
    const app = new Koa();
    app.silent = true; // a client closing its socket mid-request is Node's client error, not ours
    app.use(rawBody(1024, { timeoutMs: 300, log }));
    app.use((ctx) => void (ctx.body = { ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const raw = (send: (s: import('node:net').Socket) => void) =>
      new Promise<string>((resolve) => {
        let got = '';
        const s = createConnection(port, '127.0.0.1', () => send(s));
        s.on('data', (d) => (got += d.toString()));
        s.on('close', () => resolve(got));
        s.on('error', () => resolve(got));
      });
    const head = 'POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n';
    const t0 = Date.now();
    const slow = await raw((s) => s.write(head + '{"a":'));
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await raw((s) => {
      s.write(head + '{"a":');
      setTimeout(() => s.destroy(), 50);
    });
    await new Promise((r) => setTimeout(r, 100));
    const aborted = lines.filter((l) => l.includes('aborted'));
    expect(aborted).toHaveLength(1);
    expect(JSON.parse(aborted[0]!).level).toBe('warn');
    expect(lines.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    server.close();
  });
});
