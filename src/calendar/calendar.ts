import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import cd from 'chinese-days';
import { readDataFile } from '../data/yaml-file.ts';
import { z } from 'zod';
import { addDays, isValidDate, weekday } from './dates.ts';

export class CalendarError extends Error {
  override name = 'CalendarError';
}

/** Zones that follow the official calendar of mainland China (holidays and 调休 make-up days). */
const CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Urumqi', 'Asia/Kashgar', 'PRC']);
export const followsChineseCalendar = (tz: string) => CHINA_ZONES.has(tz);

const Day = z.string().refine(isValidDate, 'must be a real date like 2027-02-06');
const CalendarFile = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  /** Days off: single dates or ranges. */
  holidays: z.array(z.union([Day, z.strictObject({ from: Day, to: Day, name: z.string().optional() })])).default([]),
  /** 调休: weekend days that are working days. */
  workdays: z.array(Day).default([]),
});

export interface WorkCalendar {
  /** Is `date` (local to `timeZone`) a day the bot posts on? */
  isWorkingDay(date: string, timeZone: string): boolean;
  /** False when `date` lies in a year the Chinese calendar data does not cover (answered as Mon–Fri). */
  knows(date: string, timeZone: string): boolean;
  /** Years of the Chinese calendar the bot knows, ascending. */
  knownYears(): number[];
}

interface YearData {
  holidays: Set<string>;
  workdays: Set<string>;
  source: string;
}

/** Years bundled with chinese-days (2004–2026 in 1.5.x), read from its own data so an upgrade extends them. */
function packageYears(): number[] {
  const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string> };
  return [...new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
}

/** Reads data/calendar/*.yaml: one file per year the package does not know yet (or overrides). */
export function loadCalendarFiles(dir: string): Map<number, YearData> {
  const years = new Map<number, YearData>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return years; // no directory: nothing added
  }
  for (const f of files) {
    const shown = join(dir, f);
    const data = readDataFile(shown, CalendarFile, shown, CalendarError);
    const { year } = data;
    if (years.has(year)) throw new CalendarError(`${shown}: year ${year} is already defined by ${years.get(year)!.source}`);
    const holidays = new Set<string>();
    for (const h of data.holidays) {
      const [from, to] = typeof h === 'string' ? [h, h] : [h.from, h.to];
      if (from > to) throw new CalendarError(`${shown}: holiday range ${from}..${to} ends before it starts`);
      for (let d = from; d <= to; d = addDays(d, 1)) holidays.add(d);
    }
    const workdays = new Set(data.workdays);
    for (const d of [...holidays, ...workdays]) {
      if (!d.startsWith(`${year}-`)) throw new CalendarError(`${shown}: ${d} is not in year ${year}`);
      if (holidays.has(d) && workdays.has(d)) throw new CalendarError(`${shown}: ${d} is listed both as a holiday and as a workday`);
    }
    years.set(year, { holidays, workdays, source: shown });
  }
  return years;
}

/**
 * The working-day calendar. China zones: the user's files first, then chinese-days, then
 * Monday–Friday for years nobody knows (reported by `knows`). Other zones: Monday–Friday.
 */
export function createCalendar(opts: { dir?: string; years?: Map<number, YearData> } = {}): WorkCalendar {
  const extra = opts.years ?? (opts.dir ? loadCalendarFiles(opts.dir) : new Map<number, YearData>());
  const bundled = new Set(packageYears());
  const weekdayRule = (d: string) => ![0, 6].includes(weekday(d));
  return {
    isWorkingDay(date, timeZone) {
      if (!followsChineseCalendar(timeZone)) return weekdayRule(date);
      const y = extra.get(Number(date.slice(0, 4)));
      if (y) return y.workdays.has(date) || (!y.holidays.has(date) && weekdayRule(date));
      if (bundled.has(Number(date.slice(0, 4)))) return cd.isWorkday(date);
      return weekdayRule(date);
    },
    knows(date, timeZone) {
      if (!followsChineseCalendar(timeZone)) return true;
      const year = Number(date.slice(0, 4));
      return extra.has(year) || bundled.has(year);
    },
    knownYears() {
      return [...new Set([...bundled, ...extra.keys()])].sort((a, b) => a - b);
    },
  };
}
