import { DUE_SOON_DAYS } from '../readiness/model/checklist.ts';
import { countdown } from '../readiness/views/checklist-card.ts';
import { platformTag, progress, projectHref } from './dashboard.ts';
import type { ProjectOverview } from './project-overview.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';
import { shownTime } from './time.ts';

/**
 * The dashboard's front page: the portfolio summary (how many projects are on track, at risk,
 * overdue) and the project list, sorted and filtered on the server from the query string
 * (`?sort=overdue&dir=desc&platform=slack&status=at-risk`), so it works without JavaScript.
 */

export type PortfolioStatus = 'overdue' | 'at-risk' | 'on-track';
export const PORTFOLIO_STATUSES: readonly PortfolioStatus[] = ['overdue', 'at-risk', 'on-track'];
export const SORT_KEYS = ['golive', 'overdue', 'platform', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
const PLATFORMS = ['feishu', 'slack', 'web'] as const;
type PlatformFilter = (typeof PLATFORMS)[number];

/** What the front page shows: one sort, and at most one platform and one status. */
export interface PortfolioView {
  sort: SortKey;
  dir: SortDir;
  platform?: PlatformFilter;
  status?: PortfolioStatus;
}

/** The direction a heading sorts in when first clicked: soonest go-live, most overdue, worst status first. */
const FIRST_DIR: Record<SortKey, SortDir> = { golive: 'asc', overdue: 'desc', platform: 'asc', status: 'asc' };
export const DEFAULT_VIEW: PortfolioView = { sort: 'golive', dir: 'asc' };

const W = {
  zh: {
    summary: '项目总览',
    of: '共 {n} 个项目',
    ofPlatform: '{platform} 上共 {n} 个项目',
    status: { overdue: '逾期', 'at-risk': '有风险', 'on-track': '正常' } as Record<PortfolioStatus, string>,
    rule: `怎么算:逾期 = 至少一项已过截止日期仍未确认;有风险 = 没有逾期项,但有未确认的事项今天或 ${DUE_SOON_DAYS} 天内到期(清单上的「到期」),或上线年份的节假日尚未收录;正常 = 其余(包括已全部确认的项目)。`,
    overdueN: '{n} 项逾期',
    dueN: '{n} 项 {d} 天内到期',
    calendar: '缺 {year} 年日历',
    sortBy: '按{col}排序',
    asc: '升序',
    desc: '降序',
    clear: '清除筛选',
    sort: '排序',
    order: '顺序',
    showing: '显示 {shown} / {n} 个项目',
  },
  en: {
    summary: 'Portfolio',
    of: '{n} project{s} in all',
    ofPlatform: '{n} project{s} on {platform}',
    status: { overdue: 'Overdue', 'at-risk': 'At risk', 'on-track': 'On track' } as Record<PortfolioStatus, string>,
    rule: `How this is counted: overdue = at least one item is past its due date and not confirmed; at risk = nothing overdue, but an unconfirmed item is due today or within the next ${DUE_SOON_DAYS} days (“due” on the checklist), or the go-live year's holidays are not in the calendar yet; on track = everything else (including projects with every item confirmed).`,
    overdueN: '{n} overdue',
    dueN: '{n} due within {d} days',
    calendar: 'no {year} calendar',
    sortBy: 'Sort by {col}',
    asc: 'ascending',
    desc: 'descending',
    clear: 'Clear filters',
    sort: 'Sort by',
    order: 'Order',
    showing: 'Showing {shown} of {n} project{s}',
  },
};

/** English plural ending (the Chinese strings have no {s}). */
const plural = (n: number) => (n === 1 ? '' : 's');
const overdueCount = (r: ProjectOverview) => r.checklist.lines.filter((l) => l.state === 'overdue').length;
const dueCount = (r: ProjectOverview) => r.checklist.lines.filter((l) => l.state === 'due').length;

/**
 * A project's standing, from its readiness status: overdue when an item is overdue; at risk when
 * none is but an unconfirmed item is due within DUE_SOON_DAYS, or the go-live year has no calendar
 * (ProjectOverview.calendarUnknown); on track otherwise.
 */
export function portfolioStatus(r: Pick<ProjectOverview, 'checklist' | 'calendarUnknown'>): PortfolioStatus {
  const lines = r.checklist.lines;
  if (lines.some((l) => l.state === 'overdue')) return 'overdue';
  if (lines.some((l) => l.state === 'due') || r.calendarUnknown) return 'at-risk';
  return 'on-track';
}

/** How many projects stand where. */
export function portfolioSummary(rows: Pick<ProjectOverview, 'checklist' | 'calendarUnknown'>[]): Record<PortfolioStatus, number> {
  const out: Record<PortfolioStatus, number> = { overdue: 0, 'at-risk': 0, 'on-track': 0 };
  for (const r of rows) out[portfolioStatus(r)]++;
  return out;
}

const one = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined => (typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined);

/** The view a query string asks for; anything unknown falls back to the default (soonest go-live first, everything). */
export function readPortfolioQuery(q: Record<string, unknown>): PortfolioView {
  const sort = one(q.sort, SORT_KEYS) ?? DEFAULT_VIEW.sort;
  const dir = one(q.dir, ['asc', 'desc'] as const) ?? FIRST_DIR[sort];
  const platform = one(q.platform, PLATFORMS);
  const status = one(q.status, PORTFOLIO_STATUSES);
  return { sort, dir, ...(platform ? { platform } : {}), ...(status ? { status } : {}) };
}

/** The front page's address for a view; the default sort is left out. */
export function portfolioHref(v: PortfolioView): string {
  const q = new URLSearchParams();
  if (v.sort !== DEFAULT_VIEW.sort || v.dir !== DEFAULT_VIEW.dir) {
    q.set('sort', v.sort);
    q.set('dir', v.dir);
  }
  if (v.platform) q.set('platform', v.platform);
  if (v.status) q.set('status', v.status);
  return q.size ? `/dashboard?${q}` : '/dashboard';
}

const STATUS_RANK: Record<PortfolioStatus, number> = { overdue: 0, 'at-risk': 1, 'on-track': 2 };

/** The rows the view shows, in its order; ties by go-live date, then name. */
export function portfolioRows(all: ProjectOverview[], v: PortfolioView): ProjectOverview[] {
  const rows = all.filter((r) => (!v.platform || r.project.platform === v.platform) && (!v.status || portfolioStatus(r) === v.status));
  const key = (r: ProjectOverview): number | string => {
    switch (v.sort) {
      case 'golive':
        return r.project.goLive;
      case 'overdue':
        return overdueCount(r);
      case 'platform':
        return r.project.platform;
      case 'status':
        return STATUS_RANK[portfolioStatus(r)];
    }
  };
  const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
  const sign = v.dir === 'asc' ? 1 : -1;
  return rows
    .map((r) => ({ r, k: key(r) }))
    .sort((a, b) => sign * cmp(a.k, b.k) || cmp(a.r.project.goLive, b.r.project.goLive) || a.r.project.name.localeCompare(b.r.project.name) || cmp(a.r.project.id, b.r.project.id))
    .map((x) => x.r);
}

const platformWord = (lang: Lang, p: PlatformFilter) => (p === 'web' ? t(lang).dbPlayground : p === 'feishu' ? 'Feishu' : 'Slack');

/** Counts of on track / at risk / overdue, each a link that filters the list to it, and what the words mean. */
export function portfolioSummarySection(lang: Lang, all: ProjectOverview[], v: PortfolioView): Raw {
  const w = W[lang];
  const scope = v.platform ? all.filter((r) => r.project.platform === v.platform) : all;
  const counts = portfolioSummary(scope);
  const scopeWords = v.platform ? w.ofPlatform.replace('{platform}', platformWord(lang, v.platform)) : w.of;
  return html`<section class="portfolio" aria-labelledby="portfolio-title">
<h2 id="portfolio-title">${w.summary} <span class="muted">· ${scopeWords.replace('{n}', String(scope.length)).replace('{s}', plural(scope.length))}</span></h2>
<ul class="summary" id="summary">
${PORTFOLIO_STATUSES.map((st) => {
  const current = v.status === st;
  return html`<li class="sum sum-${st}"><a href="${portfolioHref({ ...v, status: current ? undefined : st })}"${current ? html` aria-current="true"` : ''} data-status="${st}"><strong class="count">${counts[st]}</strong> <span>${w.status[st]}</span></a></li>`;
})}
</ul>
<p class="muted rule" id="status-rule">${w.rule}</p>
</section>`;
}

/** A column heading that sorts: a link to the same view sorted by it (the other way round when it is the current sort). */
function sortHeading(lang: Lang, v: PortfolioView, key: SortKey, label: string, cls = ''): Raw {
  const w = W[lang];
  const current = v.sort === key;
  const dir: SortDir = current ? (v.dir === 'asc' ? 'desc' : 'asc') : FIRST_DIR[key];
  const aria = current ? html` aria-sort="${v.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
  const arrow = current ? html` <span class="arrow" aria-hidden="true">${v.dir === 'asc' ? '▲' : '▼'}</span>` : '';
  const title = `${w.sortBy.replace('{col}', label)} (${w[dir]})`;
  return html`<th${cls ? html` class="${cls}"` : ''}${aria} data-sort="${key}"><a class="sort${current ? ' current' : ''}" href="${portfolioHref({ ...v, sort: key, dir })}" title="${title}">${label}${arrow}</a></th>`;
}

/** Why a project stands where it does, in a few words. */
function statusCell(lang: Lang, r: ProjectOverview): Raw {
  const w = W[lang];
  const st = portfolioStatus(r);
  const why: string[] = [];
  const overdue = overdueCount(r);
  const due = dueCount(r);
  if (overdue) why.push(w.overdueN.replace('{n}', String(overdue)));
  if (due) why.push(w.dueN.replace('{n}', String(due)).replace('{d}', String(DUE_SOON_DAYS)));
  if (r.calendarUnknown) why.push(w.calendar.replace('{year}', String(r.calendarUnknown.year)));
  // One element, so a phone's card row (a flex line) keeps the reasons under the badge.
  return html`<span class="status-cell"><span class="status status-${st}">${w.status[st]}</span>${why.map((x) => html`<br><span class="muted why">${x}</span>`)}</span>`;
}

/** A sort key in words: its column's heading. */
function sortLabel(lang: Lang, k: SortKey): string {
  const s = t(lang);
  return { golive: s.dbGoLive, overdue: s.dbOverdue, platform: s.dbPlatform, status: s.dbStatus }[k];
}

/** The front page: summary, filters (with the sort, for a phone, where the headings are hidden), and the sorted list. */
export function portfolioBody(lang: Lang, all: ProjectOverview[], v: PortfolioView = DEFAULT_VIEW): Raw {
  const s = t(lang);
  const w = W[lang];
  if (!all.length) return html`<h1>${s.dbTitle}</h1><p class="muted">${s.dbNone}</p>`;
  const rows = portfolioRows(all, v);
  const opt = (value: string, label: string, current?: string) => html`<option value="${value}"${current === value || (!current && !value) ? html` selected` : ''}>${label}</option>`;
  const filtered = !!(v.platform || v.status);
  return html`<h1>${s.dbTitle}</h1>
${portfolioSummarySection(lang, all, v)}
<form class="filters" method="get" action="/dashboard" id="project-filters">
  <label>${s.dbPlatform} <select name="platform">${opt('', s.dbAll, v.platform)}${PLATFORMS.map((p) => opt(p, platformWord(lang, p), v.platform))}</select></label>
  <label>${s.dbStatus} <select name="status">${opt('', s.dbAll, v.status)}${PORTFOLIO_STATUSES.map((st) => opt(st, w.status[st], v.status))}</select></label>
  <label>${w.sort} <select name="sort">${SORT_KEYS.map((k) => opt(k, sortLabel(lang, k), v.sort))}</select></label>
  <label>${w.order} <select name="dir">${opt('asc', w.asc, v.dir)}${opt('desc', w.desc, v.dir)}</select></label>
  <button type="submit" class="btn">${s.dbFilter}</button>
  ${filtered ? html`<a href="${portfolioHref({ sort: v.sort, dir: v.dir })}" id="clear-filters">${w.clear}</a>` : ''}
  <span class="muted" id="showing">${w.showing.replace('{shown}', String(rows.length)).replace('{n}', String(all.length)).replace('{s}', plural(all.length))}</span>
</form>
${rows.length ? '' : html`<p class="muted">${s.dbNoRows}</p>`}
<div class="scroll"><table id="projects" class="stack" data-sort="${v.sort}" data-dir="${v.dir}"><thead><tr>
  <th>${s.dbProject}</th>${sortHeading(lang, v, 'platform', sortLabel(lang, 'platform'))}${sortHeading(lang, v, 'status', sortLabel(lang, 'status'))}${sortHeading(lang, v, 'golive', sortLabel(lang, 'golive'))}<th>${s.dbCountdown}</th><th>${s.dbProgress}</th>${sortHeading(lang, v, 'overdue', sortLabel(lang, 'overdue'), 'num')}<th>${s.dbResponsible}</th><th>${s.dbLastPost}</th>
</tr></thead><tbody>
${rows.map((r) => {
  const overdue = overdueCount(r);
  return html`<tr data-project="${r.project.id}" data-status="${portfolioStatus(r)}">
  <td data-label="${s.dbProject}"><a href="${projectHref(r.project.id)}">${r.project.name}</a></td>
  <td data-label="${s.dbPlatform}">${platformTag(s, r.project)}</td>
  <td data-label="${s.dbStatus}">${statusCell(lang, r)}</td>
  <td data-label="${s.dbGoLive}" class="nowrap">${r.project.goLive}${r.calendarUnknown ? html`<br><span class="state-overdue calendar-unknown">${s.dbCalendarUnknown.replace('{year}', String(r.calendarUnknown.year))}</span>` : ''}</td>
  <td data-label="${s.dbCountdown}" class="nowrap">${countdown(r.checklist.daysToGoLive)}</td>
  <td data-label="${s.dbProgress}">${progress(r.checklist)}</td>
  <td data-label="${s.dbOverdue}" class="num${overdue ? ' state-overdue' : ''}">${overdue}</td>
  <td data-label="${s.dbResponsible}">${r.responsible.join(', ')}${r.unassigned.length ? html` <span class="state-overdue">${s.unassigned}: ${r.unassigned.join(', ')}</span>` : ''}</td>
  <td data-label="${s.dbLastPost}" class="last-post">${shownTime(r.lastPost, r.project.timeZone) || s.dbNever}</td>
</tr>`;
})}
</tbody></table></div>`;
}
