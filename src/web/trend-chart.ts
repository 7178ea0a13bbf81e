import { readinessTrend, type Trend } from '../readiness/model/trend.ts';
import type { WorkCalendar } from '../calendar/calendar.ts';
import type { ProjectRecord } from '../store/records.ts';
import type { ProjectOverview } from './project-overview.ts';
import { html, raw, type Raw } from './html.ts';
import type { Lang } from './i18n.ts';

/**
 * The project page's readiness-over-time chart: items confirmed by each working day against
 * items due by then (src/readiness/model/trend.ts, the numbers the pre-launch check report draws too),
 * as inline SVG: no script, no request, colours from the page's light style (app.css). The
 * same numbers are in a table beneath it, and the SVG has a title and a description.
 */

/** The trend of a project as the dashboard shows it: from its first day, one point per working day of its calendar. */
export function projectTrend(r: Pick<ProjectOverview, 'project' | 'checklist' | 'signoffs' | 'evidence'>, calendar?: Pick<WorkCalendar, 'isWorkingDay'>): Trend {
  const tz = r.project.timeZone;
  return readinessTrend({
    project: r.project,
    items: r.checklist.lines.map((l) => l.item),
    signoffs: r.signoffs,
    today: r.checklist.today,
    evidence: r.evidence,
    from: 'created',
    ...(calendar ? { isDay: (d: string) => calendar.isWorkingDay(d, tz) } : {}),
  });
}

const W = {
  zh: {
    title: '准备进度趋势',
    svgTitle: '{name}:每个工作日已确认的事项与到期的事项',
    now: '今天({today}):已确认 {c} 项,截至今天到期 {d} 项;上线日({goLive})前共到期 {g} 项,清单共 {n} 项。',
    after: '上线日({goLive})已过:今天({today})已确认 {c} / {n} 项。',
    note: '自项目创建({start})起,每个项目工作日一个点(今天和上线日总在其中);已确认数按签字记录重放(最后一次确认或撤销为准),到期数按清单模板的截止日。',
    confirmed: '截至当天已确认',
    due: '截至当天到期',
    today: '今天',
    goLive: '上线',
    table: '查看每天的数字',
    date: '日期',
    empty: '还没有可画的日子。',
  },
  en: {
    title: 'Readiness over time',
    svgTitle: '{name}: items confirmed against items due, per working day',
    now: 'Today ({today}): {c} confirmed, {d} due by today; {g} due by go-live ({goLive}), {n} items in all.',
    after: 'Go-live ({goLive}) has passed: {c} of {n} items confirmed today ({today}).',
    note: 'From the project’s first day ({start}), one point per working day of its calendar (today and go-live always shown); confirmed counts replay the sign-off trail (the last confirm or undo of each item wins), due counts follow the checklist template’s due dates.',
    confirmed: 'Confirmed by that day',
    due: 'Due by that day',
    today: 'Today',
    goLive: 'Go-live',
    table: 'Show the numbers per day',
    date: 'Date',
    empty: 'No day to draw yet.',
  },
};

const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
const n1 = (x: number) => (Math.round(x * 10) / 10).toString();

/** The SVG itself (a Raw of our own markup; every text in it is escaped). */
export function trendSvg(lang: Lang, p: Pick<ProjectRecord, 'name'>, c: Trend, desc: string): Raw {
  const w = W[lang];
  const VW = 880;
  const VH = 270;
  const x0 = 44;
  const y0 = 40;
  const PW = VW - x0 - 16;
  const PH = VH - y0 - 40;
  const n = Math.max(1, c.points.length);
  const max = Math.max(1, c.total);
  const X = (i: number) => x0 + (PW * i) / n;
  const Y = (v: number) => y0 + PH - (PH * v) / max;
  const ticks = [...new Set([0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f)))];
  const grid = ticks.map((v) => html`<line class="grid" x1="${n1(x0)}" x2="${n1(x0 + PW)}" y1="${n1(Y(v))}" y2="${n1(Y(v))}"/><text class="ylabel" x="${n1(x0 - 6)}" y="${n1(Y(v) + 4)}" text-anchor="end">${v}</text>`);
  // Step lines: each point holds its value for its column.
  const steps = (pts: { i: number; v: number }[]) => pts.map((q) => `L${n1(X(q.i))} ${n1(Y(q.v))} L${n1(X(q.i + 1))} ${n1(Y(q.v))}`).join(' ');
  const known = c.points.map((pt, i) => ({ i, v: pt.confirmed })).filter((q): q is { i: number; v: number } => q.v !== undefined);
  const due = c.points.map((pt, i) => ({ i, v: pt.due }));
  const area = known.length ? `M${n1(X(known[0]!.i))} ${n1(Y(0))} ${steps(known)} L${n1(X(known.at(-1)!.i + 1))} ${n1(Y(0))} Z` : '';
  const confirmedLine = known.length ? `M${n1(X(known[0]!.i))} ${n1(Y(known[0]!.v))} ${steps(known)}` : '';
  const dueLine = due.length ? `M${n1(X(0))} ${n1(Y(due[0]!.v))} ${steps(due)}` : '';
  const mark = (date: string, label: string, cls: string, row: number) => {
    const i = c.points.findIndex((pt) => pt.date === date);
    if (i < 0) return '';
    const x = X(i + 0.5);
    const anchor = x < x0 + 60 ? 'start' : x > x0 + PW - 60 ? 'end' : 'middle';
    return html`<line class="mark ${cls}" x1="${n1(x)}" x2="${n1(x)}" y1="${n1(y0 - 4)}" y2="${n1(y0 + PH)}"/><text class="mark-label ${cls}" x="${n1(x)}" y="${15 + row * 15}" text-anchor="${anchor}">${label} ${date.slice(5)}</text>`;
  };
  const every = Math.max(1, Math.ceil(n / 10));
  const xlabels = c.points.map((pt, i) => (i % every ? '' : html`<line class="tick" x1="${n1(X(i + 0.5))}" x2="${n1(X(i + 0.5))}" y1="${n1(Y(0))}" y2="${n1(Y(0) + 4)}"/><text class="xlabel" x="${n1(X(i + 0.5))}" y="${n1(Y(0) + 17)}" text-anchor="middle">${pt.date.slice(5)}</text>`));
  // One invisible column per day, whose title says its numbers on hover.
  const hits = c.points.map((pt, i) => html`<rect class="hit" x="${n1(X(i))}" y="${n1(y0)}" width="${n1(PW / n)}" height="${n1(PH)}" fill="transparent"><title>${pt.date}: ${w.confirmed} ${pt.confirmed ?? '—'}, ${w.due} ${pt.due}</title></rect>`);
  return html`<svg class="trend-svg" viewBox="0 0 ${VW} ${VH}" role="img" aria-labelledby="trend-svg-title trend-svg-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">
<title id="trend-svg-title">${fill(w.svgTitle, { name: p.name })}</title>
<desc id="trend-svg-desc">${desc}</desc>
${grid}
${area ? html`<path class="confirmed-area" d="${area}"/>` : ''}
${confirmedLine ? html`<path class="confirmed-line" d="${confirmedLine}" fill="none"/>` : ''}
${dueLine ? html`<path class="due-line" d="${dueLine}" fill="none"/>` : ''}
<line class="axis" x1="${n1(x0)}" x2="${n1(x0 + PW)}" y1="${n1(Y(0))}" y2="${n1(Y(0))}"/>
${xlabels}
${mark(c.today, w.today, 'today', 0)}
${c.goLive !== c.today ? mark(c.goLive, w.goLive, 'golive', 1) : ''}
${hits}
</svg>`;
}

/** The section of the project page: a sentence with today's numbers, the chart, its legend, and the numbers as a table. */
export function trendSection(lang: Lang, p: Pick<ProjectRecord, 'name'>, c: Trend): Raw {
  const w = W[lang];
  const head = html`<h2 id="trend">${w.title}</h2>`;
  if (!c.points.length) return html`${head}<p class="muted">${w.empty}</p>`;
  const now = [...c.points].reverse().find((pt) => pt.confirmed !== undefined);
  const atGoLive = c.points.find((pt) => pt.date === c.goLive)?.due ?? c.total;
  const sentence =
    c.today > c.goLive
      ? fill(w.after, { goLive: c.goLive, today: c.today, c: now?.confirmed ?? 0, n: c.total })
      : fill(w.now, { today: c.today, c: now?.confirmed ?? 0, d: now?.due ?? 0, g: atGoLive, goLive: c.goLive, n: c.total });
  return html`${head}
<p id="trend-now">${sentence}</p>
<figure class="trend" id="trend-chart">
<div class="trend-scroll">${trendSvg(lang, p, c, sentence)}</div>
<figcaption class="legend">${(['confirmed', 'due', 'today', 'goLive'] as const).map((k) => html`<span><span class="key key-${k.toLowerCase()}" aria-hidden="true"></span>${w[k]}</span> `)}</figcaption>
</figure>
<p class="muted">${fill(w.note, { start: c.start })}</p>
<details class="trend-data"><summary>${w.table}</summary>
<div class="scroll"><table id="trend-data"><thead><tr><th>${w.date}</th><th class="num">${w.due}</th><th class="num">${w.confirmed}</th></tr></thead><tbody>
${c.points.map((pt) => html`<tr data-date="${pt.date}"${pt.date === c.today ? raw(' class="today" aria-current="date"') : ''}><td class="nowrap">${pt.date}${pt.date === c.today ? ` (${w.today})` : pt.date === c.goLive ? ` (${w.goLive})` : ''}</td><td class="num due">${pt.due}</td><td class="num confirmed">${pt.confirmed ?? '—'}</td></tr>`)}
</tbody></table></div>
</details>`;
}
