import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessTrend } from '../src/readiness/model/trend.ts';
import { fixedClock } from '../src/core/clock.ts';
import { createCalendar } from '../src/calendar/calendar.ts';
import type { EvidenceRecord, SignoffEvent } from '../src/store/store.ts';
import { portfolioHref, readPortfolioQuery } from '../src/web/portfolio.ts';
import { shownTime } from '../src/web/time.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { event, NOW, P, portfolioDataDir, seedPortfolio, template } from './support/portfolio-world.ts';
import { startWebApp } from './web/harness.ts';

/**
 * The dashboard's front page (portfolio summary, sorting and filtering from the query string)
 * and the project page's readiness-over-time chart, time format and role names.
 */

describe('readinessTrend: confirmed against due, from the trail and the template', () => {
  // Go-live 10-20 in Shanghai; the project was bound on Monday 09-28; today is Friday 10-09.
  // 10-01..10-07 are the National Day holiday, Saturday 10-10 a make-up working day.
  const p = shanghaiProject({ createdAt: '2026-09-28T10:00:00+08:00' });
  const calendar = createCalendar({ dir: 'data/calendar' });
  const raw = [
    event(p, { itemId: 'training-approach-agreed', at: '2026-09-29T10:00:00+08:00' }),
    event(p, { itemId: 'training-plan-signed', at: '2026-09-29T11:00:00+08:00', role: 'customer-lead', userId: 'ou_lead' }), // evidence required: it came on 09-30
    event(p, { itemId: 'training-duties-agreed', at: '2026-09-30T16:00:00+08:00' }),
    event(p, { itemId: 'training-approach-agreed', action: 'undo', at: '2026-10-03T09:00:00+08:00' }), // on a holiday: shows on the next working day
    event(p, { itemId: 'training-session-size', at: '2026-10-08T23:30:00+08:00' }),
    event(p, { itemId: 'leaders-training-scheduled', at: '2026-10-08T17:30:00Z', role: 'customer-lead', userId: 'ou_lead' }), // 10-09 01:30 in Shanghai
    { ...event(p, { itemId: 'role:it-lead', at: '2026-09-29T09:00:00+08:00' }), action: 'role-grant' as const }, // not a sign-off
  ];
  const signoffs: SignoffEvent[] = raw.map((e, i) => ({ ...e, seq: i + 1 }));
  const evidence: Pick<EvidenceRecord, 'signoffSeq' | 'status' | 'at'>[] = [{ signoffSeq: 2, status: 'stored', at: '2026-09-30T09:00:00+08:00' }];
  const input = { project: p, items: template.items, signoffs, today: '2026-10-09', evidence };

  it('has one point per working day from the first day to go-live, with the numbers of each day', () => {
    const t = readinessTrend({ ...input, from: 'created', isDay: (d) => calendar.isWorkingDay(d, p.timeZone) });
    expect(t.start).toBe('2026-09-28');
    expect(t.end).toBe('2026-10-20');
    expect(t.total).toBe(27);
    expect(t.points).toEqual([
      { date: '2026-09-28', due: 2, confirmed: 0 },
      { date: '2026-09-29', due: 5, confirmed: 1 }, // the signed plan has no evidence yet
      { date: '2026-09-30', due: 5, confirmed: 3 }, // its evidence came, and a second confirm
      { date: '2026-10-08', due: 11, confirmed: 3 }, // the undo of 10-03, a confirm at 23:30
      { date: '2026-10-09', due: 11, confirmed: 4 }, // the confirm at 01:30 local time
      { date: '2026-10-10', due: 14 },
      { date: '2026-10-12', due: 14 },
      { date: '2026-10-13', due: 16 },
      { date: '2026-10-14', due: 16 },
      { date: '2026-10-15', due: 22 },
      { date: '2026-10-16', due: 22 },
      { date: '2026-10-19', due: 27 },
      { date: '2026-10-20', due: 27 },
    ]);
    expect(t.steps.map((x) => x.date)).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-13', '2026-10-15', '2026-10-19', '2026-10-20']);
  });

  it('as the reports draw it: every calendar day from the first due date; without evidence, a confirm counts at once', () => {
    const t = readinessTrend({ ...input, evidence: undefined });
    expect(t.start).toBe('2026-09-20'); // T-30, before the project was bound
    expect(t.points).toHaveLength(31);
    const at = (d: string) => t.points.find((x) => x.date === d);
    expect(at('2026-09-29')).toEqual({ date: '2026-09-29', due: 5, confirmed: 2 });
    expect(at('2026-10-03')).toEqual({ date: '2026-10-03', due: 6, confirmed: 2 });
    expect(at('2026-10-09')!.confirmed).toBe(4);
    expect(at('2026-10-10')!.confirmed).toBeUndefined();
  });

  it('after go-live runs on to today, and a Saturday today is shown', () => {
    const t = readinessTrend({ ...input, today: '2026-10-24', from: 'created', isDay: (d) => calendar.isWorkingDay(d, p.timeZone) });
    expect(t.end).toBe('2026-10-24');
    expect(t.points.at(-1)).toEqual({ date: '2026-10-24', due: 27, confirmed: 4 });
    expect(t.points.map((x) => x.date)).not.toContain('2026-10-18');
  });
});

describe('shownTime: one format, in the project zone', () => {
  it('writes date, time and zone, converting the stored offset', () => {
    expect(shownTime('2026-12-02T14:05:00+08:00', 'Asia/Shanghai')).toBe('2026-12-02 14:05 (Asia/Shanghai)');
    expect(shownTime('2026-12-02T14:05:00+08:00', 'Europe/Berlin')).toBe('2026-12-02 07:05 (Europe/Berlin)');
    expect(shownTime('2026-12-02T06:05:00.000Z', 'Asia/Shanghai')).toBe('2026-12-02 14:05 (Asia/Shanghai)');
    expect(shownTime(undefined, 'Asia/Shanghai')).toBe('');
  });
});

describe('readPortfolioQuery and portfolioHref', () => {
  it('takes known values only and leaves the default sort out of the address', () => {
    expect(readPortfolioQuery({})).toEqual({ sort: 'golive', dir: 'asc' });
    expect(readPortfolioQuery({ sort: 'overdue' })).toEqual({ sort: 'overdue', dir: 'desc' });
    expect(readPortfolioQuery({ sort: 'x', dir: 'sideways', platform: 'teams', status: 'meh' })).toEqual({ sort: 'golive', dir: 'asc' });
    expect(readPortfolioQuery({ sort: 'status', dir: 'desc', platform: 'slack', status: 'at-risk' })).toEqual({ sort: 'status', dir: 'desc', platform: 'slack', status: 'at-risk' });
    expect(portfolioHref({ sort: 'golive', dir: 'asc' })).toBe('/dashboard');
    expect(portfolioHref({ sort: 'overdue', dir: 'desc', platform: 'web' })).toBe('/dashboard?sort=overdue&dir=desc&platform=web');
  });
});

describe('the dashboard front page: summary, sorting and filtering', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({ DATA_DIR: portfolioDataDir() }, { clock: fixedClock(NOW) });
    await seedPortfolio(s.app.bot.deps.store);
  });
  afterAll(() => s.close());

  const get = async (path: string, lang: 'zh' | 'en' = 'en') => {
    const res = await fetch(`${s.url}${path}`, { headers: { 'accept-language': lang === 'zh' ? 'zh-CN' : 'en-US' } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const order = (body: string) => [...body.matchAll(/<tr data-project="([^"]+)"/g)].map((m) => m[1]);
  const count = (body: string, st: string) => Number(new RegExp(`data-status="${st}"><strong class="count">(\\d+)<`).exec(body)?.[1]);
  const row = (body: string, id: string) => body.slice(body.indexOf(`data-project="${id}"`), body.indexOf('</tr>', body.indexOf(`data-project="${id}"`)));

  it('counts the projects overdue, at risk and on track, and says how', async () => {
    const body = await get('/dashboard');
    expect([count(body, 'overdue'), count(body, 'at-risk'), count(body, 'on-track')]).toEqual([2, 2, 2]);
    expect(body).toContain('6 projects in all');
    expect(body).toMatch(/id="status-rule">How this is counted: overdue = at least one item is past its due date and not confirmed; at risk = nothing overdue, but an unconfirmed item is due today or within the next 3 days/);
    expect(row(body, 'feishu:oc_p1')).toContain('class="status status-overdue">Overdue</span><br><span class="muted why">9 overdue</span><br><span class="muted why">3 due within 3 days</span></span>'); // T-10 is 11-21
    expect(row(body, 'slack:C0P2')).toMatch(/class="num state-overdue">16</);
    expect(row(body, 'slack:C0P3')).toContain('class="status status-at-risk">At risk</span><br><span class="muted why">1 due within 3 days');
    expect(row(body, 'feishu:oc_p4')).toContain('class="status status-at-risk">At risk</span><br><span class="muted why">no 2027 calendar');
    expect(row(body, 'web:p5')).toContain('class="status status-on-track">On track</span>');
    expect(row(body, 'feishu:oc_p6')).toContain('class="status status-on-track">On track</span>');
    // Each count links to the list filtered to it; in Chinese too.
    expect(body).toContain('href="/dashboard?status=at-risk" data-status="at-risk"');
    const zh = await get('/dashboard', 'zh');
    expect(zh).toContain('怎么算:逾期 = 至少一项已过截止日期仍未确认');
    expect(zh).toMatch(/<strong class="count">2<\/strong> <span>有风险<\/span>/);
  });

  it('sorts by go-live date, overdue count, platform and status, both ways', async () => {
    expect(order(await get('/dashboard'))).toEqual(P(2, 1, 3, 5, 6, 4));
    expect(order(await get('/dashboard?sort=golive&dir=desc'))).toEqual(P(4, 6, 5, 3, 1, 2));
    expect(order(await get('/dashboard?sort=overdue&dir=desc'))).toEqual(P(2, 1, 3, 5, 6, 4));
    expect(order(await get('/dashboard?sort=overdue&dir=asc'))).toEqual(P(3, 5, 6, 4, 1, 2));
    expect(order(await get('/dashboard?sort=platform'))).toEqual(P(1, 6, 4, 2, 3, 5));
    expect(order(await get('/dashboard?sort=platform&dir=desc'))).toEqual(P(5, 2, 3, 1, 6, 4));
    expect(order(await get('/dashboard?sort=status'))).toEqual(P(2, 1, 3, 4, 5, 6));
    expect(order(await get('/dashboard?sort=status&dir=desc'))).toEqual(P(5, 6, 3, 4, 2, 1));
    // Nonsense falls back to the default.
    expect(order(await get('/dashboard?sort=%3Cx%3E&dir=up'))).toEqual(P(2, 1, 3, 5, 6, 4));
  });

  it('filters by platform and status, alone and together, the summary following the platform', async () => {
    expect(order(await get('/dashboard?platform=slack'))).toEqual(P(2, 3));
    expect(order(await get('/dashboard?platform=web'))).toEqual(P(5));
    expect(order(await get('/dashboard?status=at-risk'))).toEqual(P(3, 4));
    expect(order(await get('/dashboard?status=overdue'))).toEqual(P(2, 1));
    expect(order(await get('/dashboard?status=on-track&sort=golive&dir=desc'))).toEqual(P(6, 5));
    const feishuOverdue = await get('/dashboard?platform=feishu&status=overdue');
    expect(order(feishuOverdue)).toEqual(P(1));
    expect([count(feishuOverdue, 'overdue'), count(feishuOverdue, 'at-risk'), count(feishuOverdue, 'on-track')]).toEqual([1, 1, 1]);
    expect(feishuOverdue).toContain('3 projects on Feishu');
    expect(feishuOverdue).toContain('Showing 1 of 6 projects');
    expect(await get('/dashboard?platform=web')).toContain('1 project on playground</span>');
    // The form shows what is chosen, and a link clears it.
    expect(feishuOverdue).toContain('<option value="feishu" selected>');
    expect(feishuOverdue).toContain('<option value="overdue" selected>');
    expect(feishuOverdue).toContain('id="clear-filters"');
    // The current status card, clicked again, removes that filter.
    expect(feishuOverdue).toContain('href="/dashboard?platform=feishu" aria-current="true" data-status="overdue"');
  });

  it('links each sortable heading, keeping the filters, and shows the current sort', async () => {
    const body = await get('/dashboard?platform=slack&sort=overdue&dir=desc');
    const head = body.slice(body.indexOf('<thead>'), body.indexOf('</thead>'));
    expect(head).toContain('<th class="num" aria-sort="descending" data-sort="overdue"><a class="sort current" href="/dashboard?sort=overdue&amp;dir=asc&amp;platform=slack"');
    expect(head).toContain('Overdue <span class="arrow" aria-hidden="true">▼</span>');
    expect(head).toContain('data-sort="golive"><a class="sort" href="/dashboard?platform=slack"'); // the default sort: left out
    expect(head).toContain('href="/dashboard?sort=platform&amp;dir=asc&amp;platform=slack"');
    expect(head).toContain('href="/dashboard?sort=status&amp;dir=asc&amp;platform=slack"');
    expect(head.match(/aria-sort=/g)).toHaveLength(1);
    // The filter form carries the sort too (a phone shows no headings).
    expect(body).toMatch(/<select name="sort">[^]*?<option value="overdue" selected>Overdue<\/option>/);
    expect(body).toMatch(/<select name="dir">[^]*?<option value="desc" selected>descending<\/option>/);
    const plain = await get('/dashboard');
    expect(plain).toContain('aria-sort="ascending" data-sort="golive"><a class="sort current" href="/dashboard?sort=golive&amp;dir=desc"');
  });

  it('escapes project and person names on the list, the project page and its chart', async () => {
    const list = await get('/dashboard');
    const page = await get(`/dashboard/projects/${encodeURIComponent('slack:C0P3')}`);
    for (const body of [list, page]) {
      expect(body).not.toContain('<script>alert');
      expect(body).not.toContain('<img src=x');
      expect(body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    }
    expect(page).toContain('<title id="trend-svg-title">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co: items confirmed against items due, per working day</title>');
    expect(page).toContain('Vendor PM &lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows times in the project zone in one format, and role names in English', async () => {
    const page = await get(`/dashboard/projects/${encodeURIComponent('feishu:oc_p6')}`);
    // 21:30 at +08:00 is 14:30 in Berlin.
    expect(page).toMatch(/data-item="training-approach-agreed">[\s\S]*?confirmed[\s\S]*?Li 2026-11-18 14:30 \(Europe\/Berlin\)/);
    const audit = page.slice(page.indexOf('id="audit-rows"'));
    expect([...audit.matchAll(/data-label="Time">([^<]*)</g)].map((m) => m[1])).toEqual(['2026-11-18 14:30 (Europe/Berlin)', '2026-11-19 09:00 (Europe/Berlin)', '2026-11-20 08:15 (Europe/Berlin)']);
    expect([...audit.matchAll(/data-label="Role">([^<]*)</g)].map((m) => m[1])).toEqual(['Vendor PM', 'Customer lead', 'Customer lead']);
    expect(audit).toContain('role given in chat by Chen, accepted by them 2026-11-16 10:00 (Europe/Berlin), organisation T1 (the customer organisation)');
    const roles = page.slice(page.indexOf('id="roles"'), page.indexOf('</p>', page.indexOf('id="roles"')));
    expect(roles).toContain('Customer lead Anna (given in chat by Chen, accepted 2026-11-16 10:00 (Europe/Berlin) · T1)');
    expect(roles).toContain('Vendor PM Li');
    expect(roles).toContain('IT lead Ivo (waiting for them to accept');
    expect(page).toMatch(/data-label="Confirmed by role">Customer lead</);
    expect(page).toMatch(/data-label="Confirmed by role">IT lead</);
    expect(page).toMatch(/data-label="Confirmed by role">Anyone</);
    // No slug is shown as a role name anywhere on the English page.
    expect(page).not.toMatch(/>(customer-lead|vendor-pm|it-lead)</);
    expect(page).not.toMatch(/\((customer-lead|vendor-pm|it-lead)[,)]/);
    // The front page's responsible column and last-post times, in English.
    const list = await get('/dashboard');
    expect(row(list, 'slack:C0P3')).not.toContain('vendor-pm');
    expect(row(list, 'feishu:oc_p1')).toContain('unassigned: Customer lead, Vendor PM');
    // Shanghai times on a Shanghai project.
    const p1 = await get(`/dashboard/projects/${encodeURIComponent('feishu:oc_p1')}`, 'zh');
    expect(p1).toContain('data-label="时间">2026-11-10 09:12 (Asia/Shanghai)<');
    expect(p1).toContain('李工 2026-11-10 09:12 (Asia/Shanghai)');
  });

  it('draws readiness over time on the project page, with the numbers as a table', async () => {
    const page = await get(`/dashboard/projects/${encodeURIComponent('feishu:oc_p6')}`);
    // Berlin follows Monday–Friday; the project was bound on Monday 11-16; today is Friday 11-20.
    expect(page).toContain('<h2 id="trend">Readiness over time</h2>');
    expect(page).toContain('id="trend-now">Today (2026-11-20): 1 confirmed, 0 due by today; 27 due by go-live (2027-02-15), 27 items in all.');
    expect(page).toMatch(/<svg class="trend-svg" viewBox="0 0 880 270" role="img" aria-labelledby="trend-svg-title trend-svg-desc"/);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const cells = (date: string) => new RegExp(`<tr data-date="${date}"[^>]*><td class="nowrap">[^<]*</td><td class="num due">(\\d+)</td><td class="num confirmed">([\\d—]+)</td>`).exec(page)?.slice(1);
    expect(cells('2026-11-16')).toEqual(['0', '0']);
    expect(cells('2026-11-18')).toEqual(['0', '1']); // 21:30 Shanghai is still 11-18 in Berlin
    expect(cells('2026-11-19')).toEqual(['0', '2']);
    expect(cells('2026-11-20')).toEqual(['0', '1']); // the undo
    expect(cells('2026-11-21')).toBeUndefined(); // a Saturday
    expect(cells('2027-01-18')).toEqual(['2', '—']); // T-30 (01-16) and T-28 (01-18)
    expect(cells('2027-02-15')).toEqual(['27', '—']);
    expect(page).toContain('<tr data-date="2026-11-20" class="today" aria-current="date">');
  });
});
