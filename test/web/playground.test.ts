import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, shot, startWebApp, text } from './harness.ts';

if (!hasChromium) console.warn('test/web: /usr/bin/chromium is missing (apt-get install -y chromium); browser tests skipped');

describe.skipIf(!hasChromium)('web playground, dashboard and rulebook in headless Chromium', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startWebApp();
    browser = await launch();
    desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    page = await desktop.newPage();
    // A CSP violation or a script error would show here.
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const messages = () => page.locator('#messages');
  const say = async (user: string, text: string) => {
    await page.selectOption('#user', user);
    await page.fill('#text', text);
    await page.click('#send');
  };
  /** Replies under the latest checklist card, as a person in a chat would. */
  const replyUnderChecklist = async (user: string, text: string) => {
    const card = messages().locator('li.msg', { has: page.locator('h3', { hasText: '上线准备清单' }) }).last();
    await card.locator('button.reply').click();
    await expect.poll(() => page.locator('#replying').isVisible()).toBe(true);
    await say(user, text);
  };

  it('answers the example question with the rule, its source and the 👍/👎 buttons', async () => {
    await page.goto(`${server.url}/playground?chat=browser`);
    await say('zhangsan', '@bot 培训人数多怎么办');
    const answer = messages().locator('li.from-bot').last();
    await expect.poll(() => text(answer), { timeout: 10_000 }).toContain('60人以下');
    await expect.poll(() => text(answer)).toContain('5.2-10');
    await expect.poll(() => answer.getByRole('button', { name: /👎/ }).isVisible()).toBe(true);
    // Without the @ it is still for the bot in the playground.
    await say('zhaoliu', '培训人数多怎么办');
    await expect.poll(() => messages().locator('li.from-bot').count()).toBe(2);
    const down = messages().locator('li.from-bot').nth(1).getByRole('button', { name: /👎/ });
    await down.click();
    await expect.poll(() => down.getAttribute('aria-pressed')).toBe('true');
    // A 👎 asks why, with buttons; the reason is kept for the rulebook's owners.
    const why = messages().locator('li.from-bot').last();
    await expect.poll(() => text(why), { timeout: 10_000 }).toContain('哪里不对');
    await why.getByRole('button', { name: '答错了规则' }).click();
    await expect.poll(() => text(messages().locator('li.from-bot').last()), { timeout: 10_000 }).toContain('已记下原因：答错了规则');
    await page.screenshot({ path: shot('playground-answer-desktop'), fullPage: true });
  });

  it('binds a demo project, refuses a sign-off from the wrong role and records it from the right one', async () => {
    await page.click('#bind');
    await expect.poll(() => text(page.locator('#project')), { timeout: 10_000 }).toContain('演示项目-browser');
    await expect.poll(() => text(page.locator('#project'))).toContain('客户项目负责人');
    await page.getByRole('button', { name: '发布清单' }).click();
    await expect.poll(() => messages().locator('h3', { hasText: '上线准备清单' }).count(), { timeout: 10_000 }).toBe(1);

    // 赵六 is a member: item 3 (5.2-17) needs the customer's project lead.
    await replyUnderChecklist('zhaoliu', '确认 3');
    await expect.poll(() => text(messages().locator('li.from-bot').last()), { timeout: 10_000 }).toContain('无权确认');
    await expect.poll(() => text(messages().locator('li.from-bot').last())).toContain('客户项目负责人');

    // 5.2-17 requires evidence: the email that confirms the plan, as a link.
    await replyUnderChecklist('zhangsan', '确认 3 https://mail.example.com/plan-signed');
    await expect.poll(() => text(messages().locator('li.from-bot').last()), { timeout: 10_000 }).toContain('已确认');
    // The checklist card itself is updated in place.
    const checklist = messages().locator('li.msg', { has: page.locator('h3', { hasText: '上线准备清单' }) });
    await expect.poll(() => text(checklist)).toContain('✅ 张三 已确认');

    // 李四 (项目经理) confirms item 1 with the card's button, then takes it back.
    await page.selectOption('#user', 'lisi');
    await checklist.getByRole('button', { name: '确认 1', exact: true }).click();
    await expect.poll(() => text(checklist), { timeout: 10_000 }).toContain('2/27');
    await replyUnderChecklist('lisi', '撤销 1');
    await expect.poll(() => text(messages().locator('li.from-bot').last()), { timeout: 10_000 }).toContain('已撤销');
    await expect.poll(() => text(checklist)).toContain('1/27');
    await page.screenshot({ path: shot('playground-signoff-desktop'), fullPage: true });
    await checklist.screenshot({ path: shot('playground-checklist-card') });
    expect(errors).toEqual([]);
  });

  it('shows the project on the dashboard, with the audit trail, and exports it as CSV', async () => {
    await page.goto(`${server.url}/dashboard`);
    const row = page.locator('tr[data-project="web:browser"]');
    await expect.poll(() => text(row)).toContain('演示项目-browser');
    await expect.poll(() => text(row)).toContain('试用项目');
    await expect.poll(() => text(row)).toContain('1/27');
    await expect.poll(() => text(row)).toContain('T-20');
    await page.screenshot({ path: shot('dashboard-desktop'), fullPage: true });

    await row.getByRole('link').click();
    await expect.poll(() => text(page.locator('#checklist tr[data-item="training-plan-signed"]'))).toContain('已确认');
    await expect.poll(() => text(page.locator('#checklist tr[data-item="training-plan-signed"]'))).toContain('张三');
    const audit = page.locator('#audit-rows tbody tr');
    // The demo roles (three nominations or grants, two acceptances), then confirm 3 and its link (evidence), confirm 1 (button), undo 1.
    await expect.poll(() => audit.count()).toBe(9);
    await expect.poll(() => text(audit.nth(6))).toContain('附证据');
    expect(await text(audit.nth(6))).toContain('https://mail.example.com/plan-signed');
    await expect.poll(() => text(audit.first())).toContain('提名角色');
    await expect.poll(() => text(audit.nth(5))).toContain('确认 3');
    expect(await text(audit.nth(5))).toContain('角色由');
    await page.screenshot({ path: shot('dashboard-project-desktop'), fullPage: true });

    // Filter to 李四's rows, then download what the filter shows.
    await page.selectOption('select[name="user"]', 'lisi');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => audit.count()).toBe(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^signoffs-web_browser-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('seq,projectId,action,itemId,itemText,userId,userName,role,at,via,platform,evidenceMessageId,text,subjectId,subjectName,org,roleGrant,evidence,hash');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('confirm,training-approach-agreed');
    expect(lines[1]).toContain(',lisi,李四,vendor-pm,');
    expect(lines[2]).toContain('undo,training-approach-agreed');
    expect(lines[2]).toContain(',撤销 1');
  });

  it('browses and searches the rulebook in English, with the 👎 feedback listed', async () => {
    await page.goto(`${server.url}/rulebook?lang=en&q=${encodeURIComponent('培训人数多怎么办')}`);
    await expect.poll(() => text(page.locator('h1'))).toContain('Rulebook');
    await expect.poll(() => text(page.locator('#answer'))).toContain('5.2-10');
    await expect.poll(() => text(page.locator('#answer'))).toContain('under 60');
    await expect.poll(() => page.locator('#r-5\\.1-2').isVisible()).toBe(true);
    await expect.poll(() => text(page.locator('#feedback + .scroll'))).toContain('培训人数多怎么办');
    await page.screenshot({ path: shot('rulebook-desktop') });
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    const p = await phone.newPage();
    await p.goto(`${server.url}/playground?chat=browser`);
    await expect.poll(() => text(p.locator('h1'))).toContain('Playground');
    await expect.poll(() => p.locator('#messages li.from-bot').first().isVisible()).toBe(true);
    const width = await p.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await p.screenshot({ path: shot('playground-phone') });
    // The checklist's confirm buttons, as a phone shows them.
    await p.locator('#messages li.msg', { has: p.locator('h3', { hasText: '上线准备清单' }) }).locator('.buttons').first().scrollIntoViewIfNeeded();
    await p.screenshot({ path: shot('playground-checklist-phone') });
    await p.goto(`${server.url}/dashboard`);
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await p.screenshot({ path: shot('dashboard-phone'), fullPage: true });
    await p.goto(`${server.url}/dashboard/projects/${encodeURIComponent('web:browser')}`);
    await p.screenshot({ path: shot('dashboard-project-phone') });
    await p.locator('#audit').scrollIntoViewIfNeeded();
    await p.screenshot({ path: shot('dashboard-audit-phone') });
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
