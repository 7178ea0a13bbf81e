import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { ARTIFACTS, hasChromium, launch, startWebApp, text } from './harness.ts';
import { NOW, EVIL_TITLE, EVIL_NAME, p, seedTraining } from '../support/training-world.ts';

/**
 * The project's training page (/dashboard/projects/:id/training) in headless Chromium with a fixed
 * clock: reached from the project page's link, the figures and rule lines on top, the sessions'
 * table (cancelled greyed) scrolling inside its box on a desktop and stacked as cards on a phone,
 * the attendance opened from its <details>, and the escaped title and name running nothing.
 * Screenshots to $SHOTS_DIR (default test-artifacts/): training-page.png, training-page-phone.png.
 * The sessions: test/support/training-world.ts (the same as test/web-training.test.ts reads over HTTP).
 */

const SHOTS = process.env.SHOTS_DIR ?? ARTIFACTS;
const shot = (name: string) => join(SHOTS, `${name}.png`);

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
