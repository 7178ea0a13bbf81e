import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import type { Person, Stamp } from '../../src/readiness/model/authority.ts';
import type { NewSignoffEvent, Store } from '../../src/store/store.ts';
import { decideCancel, decideCheckIn, decideCreate, decideSignUp, type SessionDraft } from '../../src/training/decide.ts';
import { decideAnswer, decideEndExam, decideStartExam } from '../../src/training/exam.ts';
import type { ExamBank } from '../../src/training/exam-model.ts';
import type { Session } from '../../src/training/model.ts';
import { shanghaiProject } from '../support/fixtures.ts';
import { ARTIFACTS, hasChromium, launch, startWebApp, text } from './harness.ts';

/**
 * The project's training page (/dashboard/projects/:id/training) in headless Chromium with a fixed
 * clock: reached from the project page's link, the figures and rule lines on top, the sessions'
 * table (cancelled greyed) scrolling inside its box on a desktop and stacked as cards on a phone,
 * the attendance opened from its <details>, and the escaped title and name running nothing.
 * Screenshots to $SHOTS_DIR (default test-artifacts/): training-page.png, training-page-phone.png.
 * The sessions are the same as test/web-training.test.ts writes.
 */

const SHOTS = process.env.SHOTS_DIR ?? ARTIFACTS;
const shot = (name: string) => join(SHOTS, `${name}.png`);

// 2026-12-10 17:00 in Shanghai: sessions #1 and #2 are over (their second checks closed), #3 and #4 to come.
const NOW = '2026-12-10T09:00:00Z';
const EVIL_TITLE = '<script>alert(1)</script>';
const EVIL_NAME = '"><img src=x onerror=alert(1)>';
const p = shanghaiProject({
  id: 'feishu:oc_train',
  chatId: 'oc_train',
  name: '华东 OA 上线',
  goLive: '2026-12-20',
  roles: [{ userId: 'ou_b', name: EVIL_NAME, role: 'customer-lead', grantedBy: 'ou_admin', grantedAt: '2026-09-01T09:00:00+08:00', acceptedAt: '2026-09-01T09:05:00+08:00' }],
});
const admin: Person = { id: 'ou_admin', name: '陈管理' };
const st = (at: string): Stamp => ({ at: `${at}:00+08:00`, via: 'button', platform: 'feishu', evidenceMessageId: 'om_1', text: 'seed' });
const cal = { isWorkingDay: () => true };
const noCode = { matches: () => false };
const bank: ExamBank = {
  example: false,
  module: 'oa-basics',
  title: { zh: 'OA 基本使用', en: 'Using OA' },
  passMark: 60,
  questions: [{ id: 'login', text: { zh: '第一次登录先做什么?', en: 'First thing at first login?' }, choices: [{ zh: '改密码', en: 'Change the password' }, { zh: '关浏览器', en: 'Close the browser' }], answer: 'A' }],
};

/** A decision as the store writes it; a refusal here is a mistake in the test. */
const write = (d: { ok: boolean; session?: Session; events?: NewSignoffEvent[] }) => {
  if (!d.ok) throw new Error(`refused: ${JSON.stringify(d)}`);
  return { result: d, session: d.session, events: d.events };
};

/** The sessions the page shows (test/web/training-page.test.ts seeds the same for the browser). */
async function seedTraining(store: Store): Promise<void> {
  await store.putProject(p);
  const create = (d: SessionDraft) => store.addSession(p.id, (no) => write(decideCreate(p, no, d, admin, st('2026-12-01T09:00'), cal, '2026-12-01T09:00')));
  const change = (no: number, f: (s: Session) => { ok: boolean; session?: Session; events?: NewSignoffEvent[] }) => store.changeSession(p.id, no, (s) => write(f(s)));
  const signUp = (no: number, who: Person) => change(no, (s) => decideSignUp(p, s, who, st('2026-12-02T10:00'), '2026-12-02T10:00'));
  const checkIn = (no: number, who: Person, at: string, kind: 'check-in' | 'second-check' = 'check-in') => change(no, (s) => decideCheckIn(p, s, who, st(at), at, kind, noCode));

  // #1 on site for staff, three seats: a, b (a customer-side manager) and c take them, d waits;
  // a, b and a walk-in check in, only a confirms at the end: b and the walk-in signed in and left.
  await create({ date: '2026-12-10', from: '14:00', to: '16:00', audience: 'staff', title: EVIL_TITLE, departments: ['财务部', '人事部'], delivery: { kind: 'onsite', place: '三楼 <b>会议室</b>' }, capacity: 3 });
  await signUp(1, { id: 'ou_a', name: '王芳' });
  await signUp(1, { id: 'ou_b', name: EVIL_NAME });
  await signUp(1, { id: 'ou_c' }); // no name given: the id is shown
  await signUp(1, { id: 'ou_d', name: '候补甲' });
  await checkIn(1, { id: 'ou_a', name: '王芳' }, '2026-12-10T13:50');
  await checkIn(1, { id: 'ou_b', name: EVIL_NAME }, '2026-12-10T13:55');
  await checkIn(1, { id: 'ou_w', name: '路人乙' }, '2026-12-10T14:05');
  await checkIn(1, { id: 'ou_a', name: '王芳' }, '2026-12-10T15:52', 'second-check');

  // #2 a video meeting for staff given by the customer's admin; no manager came (5.3-5); its exam closed with one pass.
  await create({ date: '2026-12-10', from: '10:00', to: '11:00', audience: 'staff', title: '报销流程', departments: ['财务部'], delivery: { kind: 'video', link: 'https://meet.example.com/j/123?a=1&b=2' }, trainer: 'customer-admin', capacity: 40 });
  await signUp(2, { id: 'ou_e', name: '李雷' });
  await checkIn(2, { id: 'ou_e', name: '李雷' }, '2026-12-10T09:55');
  await change(2, (s) => decideStartExam(p, s, bank, admin, st('2026-12-10T10:50'), '2026-12-10T10:50'));
  await change(2, (s) => decideAnswer(s, { id: 'ou_e', name: '李雷' }, 0, 0, '2026-12-10T10:52:00+08:00'));
  await change(2, (s) => decideEndExam(p, s, admin, st('2026-12-10T10:58')));

  // #3 a recording for leaders above 60, with the override's reason; #4 for middle managers, cancelled.
  await create({ date: '2026-12-11', from: '09:00', to: '10:00', audience: 'leaders', delivery: { kind: 'recorded', link: 'https://video.example.com/v/9' }, capacity: 80, overrideReason: '全体高管一次讲完' });
  await signUp(3, { id: 'ou_l1', name: '高总' });
  await create({ date: '2026-12-12', from: '14:00', to: '15:00', audience: 'middle', title: '中层 · 取消了', delivery: { kind: 'onsite', place: '二楼' }, capacity: 20 });
  await signUp(4, { id: 'ou_m1', name: '中层甲' });
  await change(4, (s) => decideCancel(p, s, admin, st('2026-12-05T09:00')));
}

const projectPath = `/dashboard/projects/${encodeURIComponent(p.id)}`;
const trainingPath = `${projectPath}/training`;

describe.skipIf(!hasChromium)('the training page in headless Chromium', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startWebApp({}, { clock: fixedClock(NOW) });
    await seedTraining(server.app.bot.deps.store);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Console errors, page errors and dialogs (an alert() that got through would be one). */
  const watch = (page: import('playwright-core').Page) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    return errors;
  };

  it('opens from the project page, shows the figures, the rows and who came, on a desktop', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors = watch(page);
    await page.goto(`${server.url}${projectPath}`);
    await page.locator('#training-link a').click();
    await expect.poll(() => page.url()).toBe(`${server.url}${trainingPath}`);
    expect(await page.locator('h1').innerText()).toBe('培训 · 华东 OA 上线');
    expect(await text(page.locator('#totals'))).toMatch(/3\s+场次/);
    expect(await text(page.locator('#rule-facts li[data-rule="5.3-5"]'))).toBe('5.3-5: ⚠️ 第 2 场员工培训没有客户管理人员在场');
    expect(await page.locator('#sessions tbody tr').count()).toBe(4);
    // The title and the name typed as markup are text on the page, and nothing ran.
    expect(await page.locator('tr[data-session="1"] td[data-label="标题"]').innerText()).toBe(EVIL_TITLE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // The cancelled session is greyed and says so.
    const cancelled = page.locator('tr[data-session="4"]');
    expect(await cancelled.getAttribute('class')).toBe('cancelled');
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('tr[data-session="4"] td')).color`)).toBe('rgb(101, 109, 118)');
    expect(await cancelled.innerText()).toContain('已取消');
    // On a 1280 px screen all sixteen columns fit (the page is no wider than the screen, the table needs no scrolling).
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    expect(await page.evaluate<number>(`(() => { const box = document.querySelector('#sessions').parentElement; return box.scrollWidth - box.clientWidth; })()`)).toBeLessThanOrEqual(0);
    // The attendance is closed until asked for.
    const one = page.locator('#attendance-1');
    expect(await one.locator('li[data-list="stayed"]').isVisible()).toBe(false);
    await one.locator('summary').click();
    expect(await one.locator('li[data-list="stayed"]').innerText()).toBe('坚持到最后 (1): 王芳');
    expect(await one.locator('li[data-list="checked-in"]').innerText()).toBe(`签到 (3): 王芳、${EVIL_NAME} (客户方管理人员)、路人乙 (现场加入)`);
    await page.locator('#attendance-2 summary').click();
    await page.screenshot({ path: shot('training-page'), fullPage: true });
    await page.locator('#sessions').screenshot({ path: shot('training-page-table') });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('stacks the rows as cards on a phone, in English', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await ctx.newPage();
    const errors = watch(page);
    await page.goto(`${server.url}${trainingPath}`);
    expect(await page.locator('h1').innerText()).toBe('Training · 华东 OA 上线');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Like the project page's tables: no heading row, each session a card of "label value" lines.
    expect(await page.locator('#sessions thead').isVisible()).toBe(false);
    const row = page.locator('tr[data-session="2"]');
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('tr[data-session="2"]')).display`)).toBe('block');
    const box = (await row.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await row.locator('td[data-label="Manager present"]').innerText()).toBe('⚠️ none');
    await page.screenshot({ path: shot('training-page-phone-top') });
    await page.locator('#attendance-1 summary').click();
    await page.screenshot({ path: shot('training-page-phone'), fullPage: true });
    await page.evaluate(`document.querySelector('tr[data-session="4"]').scrollIntoView()`);
    await page.screenshot({ path: shot('training-page-phone-cancelled') });
    await page.locator('#sessions').scrollIntoViewIfNeeded();
    await page.evaluate(`document.querySelector('#sessions-head').scrollIntoView()`);
    await page.screenshot({ path: shot('training-page-phone-sessions') });
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
