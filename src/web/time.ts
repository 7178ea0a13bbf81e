import { isValidTimeZone, localDate, localTime } from '../calendar/dates.ts';

/**
 * A moment as the dashboard shows it: in the project's time zone, one format everywhere:
 * `2026-12-02 14:05 (Asia/Shanghai)`. Stored times carry their offset (ISO 8601), so a sign-off
 * written at +08:00 reads in Berlin time on a Berlin project. Empty for no time; a text that is
 * not a time is shown as it is (escaped by the caller, like every value).
 */
export function shownTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const tz = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const at = new Date(t);
  return `${localDate(at, tz)} ${localTime(at, tz)} (${tz})`;
}

/** The same, bound to one project's zone: what the page's helpers take. */
export const timeIn = (timeZone: string) => (iso: string | undefined) => shownTime(iso, timeZone);
