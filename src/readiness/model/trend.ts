import { addDays, localDate } from '../../calendar/dates.ts';
import type { EvidenceRecord } from '../../store/evidence.ts';
import type { ProjectRecord, SignoffEvent } from '../../store/records.ts';
import type { TemplateItem } from './template.ts';

/**
 * Readiness over time, as plain data: for each day, how many checklist items were confirmed by
 * the end of that day (the sign-off trail replayed: the last confirm or undo of each item
 * wins) against how many were due by then (the template's due offsets from go-live). Pure: no
 * store, no clock. The pre-launch check report (src/reports/model.ts) draws it for every
 * calendar day; the dashboard's project page for the project's working days.
 */

export interface TrendPoint {
  date: string;
  /** Items whose due date is on or before this day. */
  due: number;
  /** Items confirmed at the end of this day; undefined after today (nothing is known yet). */
  confirmed?: number;
}

export interface Trend {
  total: number;
  start: string;
  end: string;
  today: string;
  goLive: string;
  /** One point per day shown, from start to end. */
  points: TrendPoint[];
  /** The days on which something changed (a due date passed, a confirm or an undo), plus today, go-live and the end. */
  steps: TrendPoint[];
}

export interface TrendInput {
  project: Pick<ProjectRecord, 'id' | 'goLive' | 'createdAt' | 'timeZone'>;
  /** The checklist's items (template.items, or the lines of a checklist). */
  items: readonly Pick<TemplateItem, 'id' | 'due' | 'evidence'>[];
  /** The project's audit trail in the order it was written; events other than confirm and undo are ignored. */
  signoffs: readonly SignoffEvent[];
  /** The project's local date now. */
  today: string;
  /**
   * The project's evidence. With it, an item marked `evidence: required` counts from the day
   * evidence was kept with its confirm (as the checklist counts it); without it, from the confirm.
   */
  evidence?: readonly Pick<EvidenceRecord, 'signoffSeq' | 'status' | 'at'>[];
  /** The days to show (the project's working days); every calendar day without. Today and go-live are always shown. */
  isDay?: (date: string) => boolean;
  /**
   * Where the line starts: `created` (the dashboard) the project's first day, its creation or
   * its first sign-off if earlier; `first-due` (the reports, the default) also the first due
   * date when that is earlier, so the due line is seen rising.
   */
  from?: 'created' | 'first-due';
}

/** At most this many days are drawn (the latest ones). */
export const TREND_MAX_DAYS = 800;
/** After go-live the line runs on to today, at most this many days. */
export const TREND_AFTER_GO_LIVE_DAYS = 60;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The local date of an ISO time in the project's zone (an unparsable one: its first ten characters). */
function dayOf(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : localDate(new Date(t), timeZone);
}

export function readinessTrend(input: TrendInput): Trend {
  const { project: p, items, today } = input;
  const tz = p.timeZone;
  const byId = new Map(items.map((i) => [i.id, i]));
  const dues = items.map((i) => addDays(p.goLive, i.due)).sort();
  const signoffs = input.signoffs
    .filter((e) => e.projectId === p.id && (e.action === 'confirm' || e.action === 'undo') && byId.has(e.itemId))
    .map((e) => ({ e, day: dayOf(e.at, tz) }));
  // When required evidence came: the first stored record of each confirm.
  const evidenceDay = new Map<number, string>();
  for (const x of input.evidence ?? []) {
    if (x.status !== 'stored' || !x.signoffSeq) continue;
    const d = dayOf(x.at, tz);
    const had = evidenceDay.get(x.signoffSeq);
    if (!had || d < had) evidenceDay.set(x.signoffSeq, d);
  }

  const created = dayOf(p.createdAt, tz);
  const firsts = [created, ...signoffs.map((s) => s.day), ...((input.from ?? 'first-due') === 'first-due' ? [dues[0] ?? p.goLive] : [])];
  let start = firsts.filter((d) => DATE.test(d)).sort()[0] ?? today;
  // Up to go-live; after it, up to today (at most TREND_AFTER_GO_LIVE_DAYS on).
  const end = today <= p.goLive ? p.goLive : [today, addDays(p.goLive, TREND_AFTER_GO_LIVE_DAYS)].sort()[0]!;
  if (addDays(start, TREND_MAX_DAYS - 1) < end) start = addDays(end, -(TREND_MAX_DAYS - 1));

  // Replay the trail day by day: `last` holds each item's latest confirm or undo so far.
  const last = new Map<string, SignoffEvent>();
  const ordered = [...signoffs].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)); // stable: trail order within a day
  let next = 0;
  const confirmedBy = (day: string): number => {
    while (next < ordered.length && ordered[next]!.day <= day) {
      const { e } = ordered[next++]!;
      last.set(e.itemId, e);
    }
    let n = 0;
    for (const [id, e] of last) {
      if (e.action !== 'confirm') continue;
      if (input.evidence && byId.get(id)!.evidence === 'required') {
        const got = evidenceDay.get(e.seq);
        if (!got || got > day) continue;
      }
      n++;
    }
    return n;
  };

  const points: TrendPoint[] = [];
  let d = 0;
  for (let day = start; day <= end; day = addDays(day, 1)) {
    const shown = !input.isDay || day === today || day === p.goLive || input.isDay(day);
    if (!shown) continue;
    while (d < dues.length && dues[d]! <= day) d++;
    points.push(day <= today ? { date: day, due: d, confirmed: confirmedBy(day) } : { date: day, due: d });
  }
  const steps = points.filter((pt, i) => {
    const prev = points[i - 1];
    return !prev || pt.date === today || pt.date === p.goLive || pt.date === end || pt.due !== prev.due || pt.confirmed !== prev.confirmed;
  });
  return { total: items.length, start, end, today, goLive: p.goLive, points, steps };
}
