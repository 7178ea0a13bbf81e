import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, shot, startWebApp, text } from './harness.ts';

const TOKEN = 'browser-admin-token-TEST-42-0123456789abcdef';

describe.skipIf(!hasChromium)('signing in with ADMIN_TOKEN in headless Chromium', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startWebApp({ ADMIN_TOKEN: TOKEN });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends the browser to /login, refuses a wrong token, and lands on the page asked for with the right one', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'wrong');
    await page.click('button[type="submit"]');
    await expect.poll(() => text(page.locator('.error'))).toContain('令牌不正确');
    await page.screenshot({ path: shot('login-phone') });
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${server.url}/dashboard`), page.click('button[type="submit"]')]);
    await expect.poll(() => text(page.locator('h1'))).toContain('上线看板');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'oa_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.value).not.toContain(TOKEN);
    // The playground works through the session cookie (its API calls are same-origin POSTs).
    await page.goto(`${server.url}/playground?chat=signin`);
    await page.fill('#text', '培训人数多怎么办');
    await page.click('#send');
    await expect.poll(() => text(page.locator('#messages li.from-bot').last()), { timeout: 10_000 }).toContain('60人以下');
    // Signing out ends it.
    await page.getByRole('button', { name: '退出' }).click();
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await ctx.close();
  });
});
