import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { event, NOW, portfolioDataDir, projects, seedPortfolio, template } from '../support/portfolio-world.ts';
import { ARTIFACTS, hasChromium, launch, startWebApp, text } from './harness.ts';

/**
 * The dashboard's front page (summary, sorting by a heading, filtering) and a project page with
 * its readiness chart, in headless Chromium with a fixed clock. Screenshots go to $SHOTS_DIR
 * (default test-artifacts/) for a person to look at.
 */

const SHOTS = process.env.SHOTS_DIR ?? ARTIFACTS;
const shot = (name: string) => join(SHOTS, `${name}.png`);

describe.skipIf(!hasChromium)('dashboard portfolio and readiness chart in headless Chromium', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startWebApp({ DATA_DIR: portfolioDataDir() }, { clock: fixedClock(NOW) });
    const store = server.app.bot.deps.store;
    await seedPortfolio(store);
    // P1 gets a month of history: confirms on several working days, and one undo.
    const p1 = projects[0]!;
    const days: [string, string, ('confirm' | 'undo')?][] = [
      ['training-session-size', '2026-10-22T10:00:00+08:00'],
      ['training-docs-checked', '2026-10-27T15:00:00+08:00'],
      ['business-manual-drafted', '2026-10-30T11:00:00+08:00'],
      ['usage-rules-provided', '2026-11-04T09:30:00+08:00'],
      ['training-docs-checked', '2026-11-06T16:00:00+08:00', 'undo'],
      ['training-materials-ready', '2026-11-12T10:00:00+08:00'],
      ['user-manual-ready', '2026-11-17T14:00:00+08:00'],
      ['training-docs-checked', '2026-11-19T10:00:00+08:00'],
    ];
    await store.appendSignoffs(days.map(([itemId, at, action]) => event(p1, { itemId, at, action: action ?? 'confirm' })));
    // The daily checklist went out this morning.
    await store.claimPost(p1.id, '2026-11-20', new Date('2026-11-20T09:00:00+08:00'), 60_000);
    await store.completePost(p1.id, '2026-11-20', { projectId: p1.id, platform: p1.platform, chatId: p1.chatId, messageId: 'om_daily', items: template.items.map((i) => i.id), postedAt: '2026-11-20T09:00:00+08:00', kind: 'daily' });
    browser = await launch();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const ids = () => page.locator('#projects tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')));

  it('shows the summary, sorts by a heading and filters by a count, without script', async () => {
    await page.goto(`${server.url}/dashboard`);
    await expect.poll(() => text(page.locator('#summary'))).toMatch(/2\s+Overdue[\s\S]*2\s+At risk[\s\S]*2\s+On track/);
    expect(await text(page.locator('#status-rule'))).toContain('at risk = nothing overdue');
    expect(await text(page.locator('tr[data-project="feishu:oc_p1"] td.last-post'))).toBe('2026-11-20 09:00 (Asia/Shanghai)');
    await page.screenshot({ path: shot('dashboard-front'), fullPage: true });

    await page.getByRole('link', { name: /^Overdue/ }).last().click(); // the column heading (the summary card comes first)
    await expect.poll(() => page.url()).toContain('sort=overdue&dir=desc');
    expect((await ids())[0]).toBe('slack:C0P2');
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('Overdue');

    await page.locator('#summary a[data-status="at-risk"]').click();
    await expect.poll(() => ids()).toEqual(['slack:C0P3', 'feishu:oc_p4']);
    await page.screenshot({ path: shot('dashboard-front-at-risk'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws the readiness chart on the project page, with the numbers behind it', async () => {
    await page.goto(`${server.url}/dashboard/projects/${encodeURIComponent('feishu:oc_p1')}`);
    const svg = page.locator('svg.trend-svg');
    await expect.poll(() => svg.isVisible()).toBe(true);
    expect(await svg.getAttribute('aria-labelledby')).toBe('trend-svg-title trend-svg-desc');
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
    expect(box.height).toBeGreaterThan(150);
    expect(await text(page.locator('#trend-now'))).toContain('Today (2026-11-20): 8 confirmed, 11 due by today');
    await page.locator('#trend').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('dashboard-project'), fullPage: true });
    await page.locator('#trend-chart').screenshot({ path: shot('dashboard-project-chart') });
    await page.locator('.trend-data summary').click();
    await expect.poll(() => text(page.locator('#trend-data tr[data-date="2026-11-06"]'))).toMatch(/2026-11-06\s+2\s+4/); // the undo
    expect(errors).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const p = await phone.newPage();
    await p.goto(`${server.url}/dashboard`);
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await p.screenshot({ path: shot('dashboard-front-phone'), fullPage: true });
    // The headings are hidden on a phone: the form sorts too.
    await p.selectOption('select[name="sort"]', 'overdue');
    await p.selectOption('select[name="dir"]', 'desc');
    await p.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => p.url()).toContain('sort=overdue&dir=desc');
    expect(await p.locator('#projects tbody tr').first().getAttribute('data-project')).toBe('slack:C0P2');
    await p.goto(`${server.url}/dashboard/projects/${encodeURIComponent('feishu:oc_p1')}`);
    await p.locator('#trend').scrollIntoViewIfNeeded();
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await p.screenshot({ path: shot('dashboard-project-phone') });
    await phone.close();
  });
});
