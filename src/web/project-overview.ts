import type { WorkCalendar } from '../calendar/calendar.ts';
import { calendarGap } from '../calendar/calendar-gap.ts';
import { localDate } from '../calendar/dates.ts';
import type { Clock } from '../core/clock.ts';
import { buildChecklist, numberingFor, type Checklist } from '../readiness/model/checklist.ts';
import { mustAct } from '../readiness/model/must-act.ts';
import { roleName } from '../readiness/model/roles.ts';
import type { Template } from '../readiness/model/template.ts';
import type { Trend } from '../readiness/model/trend.ts';
import type { AuditCheck } from '../store/audit-check.ts';
import type { EvidenceRecord, ProjectRecord, SignoffEvent, Store } from '../store/store.ts';
import { demoUser } from './demo.ts';
import { t, type Lang } from './i18n.ts';

/** A person as shown: the stored name, a playground demo name, or the id. */
export function personName(p: ProjectRecord, id: string, lang: Lang, stored?: string): string {
  return stored ?? (p.platform === 'web' ? demoUser(id)?.name[lang] : undefined) ?? id;
}

/** One project's readiness, computed with the checklist code the bot posts with. */
export interface ProjectOverview {
  project: ProjectRecord;
  checklist: Checklist;
  signoffs: SignoffEvent[];
  lastPost?: string;
  /** Overdue items' responsible people (names), and roles nobody holds. */
  responsible: string[];
  unassigned: string[];
  /**
   * The go-live year's holidays are not known (data/calendar/ has no such year) and the daily
   * posts reach it within CALENDAR_WARN_DAYS: they would fall on Monday–Friday regardless of 调休.
   */
  calendarUnknown?: { year: number; inDays: number };
  /** Evidence kept with the project's sign-offs, oldest first. */
  evidence: EvidenceRecord[];
  /** Readiness over time (trend-chart.ts projectTrend): set for the project page only. */
  trend?: Trend;
  /** The audit check `cli audit verify` runs (chain and evidence, files hashed again): set for the project page only. */
  audit?: AuditCheck;
}


export async function projectOverview(store: Store, template: Template, clock: Clock, project: ProjectRecord, lang: Lang, calendar?: Pick<WorkCalendar, 'knows'>): Promise<ProjectOverview> {
  const [signoffs, latest, evidence] = await Promise.all([store.listSignoffs(project.id), store.latestChecklistMessage(project.id), store.listEvidence(project.id)]);
  // Numbered as in the last posted checklist, so "#3" here is "确认 3" there.
  const checklist = buildChecklist(template, project, signoffs, localDate(clock.now(), project.timeZone), numberingFor(template, latest?.items), evidence);
  const responsible = new Set<string>();
  const unassigned = new Set<string>();
  for (const l of checklist.lines) {
    if (l.state !== 'overdue') continue;
    // The same people the daily card mentions; a nominee acts by accepting, shown as such.
    const who = mustAct(project, l.item.confirm);
    for (const a of who.actors) responsible.add(a.as === 'admin' ? personName(project, a.userId, lang, a.name) : `${personName(project, a.userId, lang, a.name)} (${roleName[a.as][lang]}${a.pending ? `, ${t(lang).dbPending}` : ''})`);
    if (who.unassigned) unassigned.add(roleName[who.unassigned][lang]);
  }
  const gap = calendar && calendarGap(calendar, project, checklist.today);
  return { project, checklist, signoffs, evidence, lastPost: latest?.postedAt, responsible: [...responsible], unassigned: [...unassigned], ...(gap ? { calendarUnknown: gap } : {}) };
}
