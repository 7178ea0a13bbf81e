import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { checkInCode } from '../../src/training/code.ts';
import { decideCreate, type TrainingDecision } from '../../src/training/decide.ts';
import { shanghaiProject } from '../support/fixtures.ts';
import { ARTIFACTS, hasChromium, launch, startWebApp } from './harness.ts';

/**
 * The trainer's check-in code page (/training/:projectId/:no/code) in headless Chromium, on a
 * projector-sized screen and a phone, with a fixed clock: the code any replica derives (HMAC of
 * TRAINING_CODE_SECRET), very large, refreshed by a meta refresh just after the minute turns, no
 * script, nothing the CSP refuses; behind the dashboard's access rule. Screenshots to $SHOTS_DIR.
 */

const SHOTS = process.env.SHOTS_DIR ?? ARTIFACTS;
const SECRET = 'training-code-secret-TEST-0123456789';
// 13:52:20 in Shanghai on the session's day: check-in is open (13:45–14:30).
const NOW = '2026-12-10T05:52:20Z';
const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const p = shanghaiProject({ id: 'feishu:oc_code', chatId: 'oc_code', name: `ACME OA ${EVIL}`, goLive: '2026-12-20' });
const st = { at: '2026-12-01T09:00:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: 'seed' };
const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });
const path = (no: number) => `/training/${encodeURIComponent(p.id)}/${no}/code`;

describe.skipIf(!hasChromium)('the trainer\'s check-in code page in headless Chromium', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startWebApp({ TRAINING_CODE_SECRET: SECRET }, { clock });
    const store = server.app.bot.deps.store;
    await store.putProject(p);
    const draft = { date: '2026-12-10', from: '14:00', to: '16:00', audience: 'staff' as const, delivery: { kind: 'onsite' as const, place: `三楼会议室 ${EVIL}` }, capacity: 40, title: `报销流程 ${EVIL}`, codeRequired: true };
    await store.addSession(p.id, (no) => write(decideCreate(p, no, draft, { id: 'ou_admin' }, st, { isWorkingDay: () => true }, '2026-12-01T09:00')));
    await store.addSession(p.id, (no) => write(decideCreate(p, no, { ...draft, title: 'Recorded', delivery: { kind: 'recorded', link: 'https://video.example.com/v/1' }, codeRequired: false }, { id: 'ou_admin' }, st, { isWorkingDay: () => true }, '2026-12-01T09:00')));
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows this minute\'s code very large on a projector, refreshes after the minute, and runs nothing the CSP refuses', async () => {
    const res = await fetch(`${server.url}${path(1)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await res.text();
    expect(body).toContain('<meta http-equiv="refresh" content="41">'); // 13:52:20 → just after 13:53:00
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${server.url}${path(1)}`);
    const code = checkInCode(SECRET, `${p.id}#1`, clock.now());
    expect(await page.locator('#code').innerText()).toBe(code);
    expect(await page.locator('#how').innerText()).toContain(`@机器人 签到 1 ${code}`);
    expect(await page.locator('#state').innerText()).toBe('签到开放中 12-10 13:45–14:30');
    expect(await page.locator('#next').innerText()).toContain('下一个 13:53');
    expect(await page.locator('#session').innerText()).toContain(`报销流程 ${EVIL}`); // as text
    // Very large: the digits take most of the screen's height and fit its width.
    const box = (await page.locator('#code').boundingBox())!;
    expect(box.height).toBeGreaterThan(720 * 0.35);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: join(SHOTS, 'training-code.png') });
    expect(errors).toEqual([]);

    // A minute later the page (reloaded by its refresh) shows the next code; any replica derives the same one.
    clock.advance(60_000);
    await page.reload();
    const next = checkInCode(SECRET, `${p.id}#1`, clock.now());
    expect(await page.locator('#code').innerText()).toBe(next);
    clock.set(NOW);
    await ctx.close();
  });

  it('fits a phone held up, in English', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}${path(1)}?lang=en`);
    const code = checkInCode(SECRET, `${p.id}#1`, clock.now());
    expect(await page.locator('#code').innerText()).toBe(code);
    expect(await page.locator('#how').innerText()).toContain(`@bot check in 1 ${code}`);
    expect(await page.locator('#state').innerText()).toBe('Check-in open 12-10 13:45–14:30');
    const box = (await page.locator('#code').boundingBox())!;
    expect(box.width).toBeGreaterThan(390 * 0.6);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'training-code-phone.png'), fullPage: true });
    await ctx.close();
  });

  it('says when check-in opens, shows no code for a recording, and 404s an unknown session', async () => {
    clock.set('2026-12-10T05:00:00Z'); // 13:00
    const early = await (await fetch(`${server.url}${path(1)}`, { headers: { 'accept-language': 'zh-CN' } })).text();
    expect(early).toContain('签到 12-10 13:45–14:30 开放');
    const recorded = await (await fetch(`${server.url}${path(2)}?lang=en`)).text();
    expect(recorded).toContain('A recorded session has no check-in');
    expect(recorded).not.toContain('id="code"');
    expect((await fetch(`${server.url}${path(9)}`)).status).toBe(404);
    clock.set(NOW);
  });
});

describe('the code page is behind the dashboard\'s access rule', () => {
  it('sends someone without the token to /login, and shows the page with it', async () => {
    const token = 'admin-token-TEST-1234-0123456789abcdef';
    const server = await startWebApp({ ADMIN_TOKEN: token, TRAINING_CODE_SECRET: SECRET }, { clock: fixedClock(NOW) });
    try {
      const store = server.app.bot.deps.store;
      await store.putProject(p);
      await store.addSession(p.id, (no) => write(decideCreate(p, no, { date: '2026-12-10', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 10, codeRequired: true }, { id: 'ou_admin' }, st, { isWorkingDay: () => true }, '2026-12-01T09:00')));
      const anon = await fetch(`${server.url}${path(1)}`, { redirect: 'manual' });
      expect(anon.status).toBe(302);
      expect(anon.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path(1))}`);
      const ok = await fetch(`${server.url}${path(1)}`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain(`>${checkInCode(SECRET, `${p.id}#1`, new Date(NOW))}<`);
      const job = await fetch(`${server.url}/admin/jobs/training-notices`, { method: 'POST' });
      expect(job.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
