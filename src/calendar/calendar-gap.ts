import type { ProjectRecord } from '../store/records.ts';
import type { WorkCalendar } from './calendar.ts';
import { daysBetween } from './dates.ts';

/** How long before an unknown year's first posting day the dashboard and /metrics say so. */
export const CALENDAR_WARN_DAYS = 60;

/** The go-live year, when its holidays are unknown and the posts reach it within CALENDAR_WARN_DAYS (also for /metrics). */
export function calendarGap(calendar: Pick<WorkCalendar, 'knows'>, project: ProjectRecord, today: string): { year: number; inDays: number } | undefined {
  if (calendar.knows(project.goLive, project.timeZone) || project.goLive < today) return undefined;
  const year = Number(project.goLive.slice(0, 4));
  const inDays = Math.max(0, daysBetween(today, `${year}-01-01`));
  return inDays <= CALENDAR_WARN_DAYS ? { year, inDays } : undefined;
}

