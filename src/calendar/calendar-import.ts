/**
 * Turns an official holiday schedule, as an iCalendar file (the chinese-days format) or as
 * a data/calendar YAML file, into the year file calendar.ts loads, checking it first.
 * Every problem names the file, the line, the event or field, and how to fix it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { CalendarError, loadCalendarFiles } from './calendar.ts';
import { addDays, isValidDate, weekday } from './dates.ts';
import { dayEvents, eventLabel, IcsError, parseIcs, property, unescapeText, type IcsDayEvent } from './ics.ts';

export type DayKind = 'holiday' | 'workday';

/** One day as the source file states it. */
export interface SourceDay {
  date: string;
  kind: DayKind;
  /** The festival: "春节" (without "(休)"). */
  name?: string;
  line?: number;
  /** The event or entry: 'event "春节(班)" (line 40)', 'holidays[2]'. */
  where: string;
  /** What to edit: "DTSTART", "holidays[2].from". */
  field: string;
}

export interface ReadSource {
  format: 'ics' | 'yaml';
  days: SourceDay[];
  /** What the file says it is ("-//yaavi.me//Chinese Days//CN, 2027年中国节假日日历"), for the header. */
  describe?: string;
  notes: string[];
  /** YAML: the file's `year`. */
  year?: number;
  /** YAML: what the bot's loader said about the file, if it refused it (the day checks usually say it better). */
  loaderError?: string;
}

export interface YearPlan {
  year: number;
  /** Sorted, consecutive days of one name merged. */
  holidays: { from: string; to: string; name?: string }[];
  workdays: { date: string; name?: string }[];
}

/** Problems found; nothing may be written. */
export class CalendarImportError extends Error {
  override name = 'CalendarImportError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const isWeekend = (d: string) => [0, 6].includes(weekday(d));
/** The longest official holiday so far is 10 days (春节 2020 with its extension); more is a DTEND typo. */
const LONGEST_HOLIDAY = 14;
/**
 * A whole year's official schedule has 16–23 weekdays off (chinese-days 2004–2026: 11 or 13
 * statutory days plus the days swapped for 补班 Saturdays). Far fewer means the file holds
 * only part of the year, and a year file replaces everything chinese-days knows about it.
 */
const MIN_WEEKDAY_HOLIDAYS = 9;

const at = (file: string, line?: number) => (line ? `${file}:${line}` : file);

// ---------------------------------------------------------------- iCalendar

const SUFFIX = /^(.*?)\s*[(（]\s*(休|班|假|holiday|workday|day off|working day)\s*[)）]\s*$/i;
const kindOfWord = (w: string): DayKind => (/^(休|假|holiday|day off)$/i.test(w) ? 'holiday' : 'workday');

/** What an event says it is: SUMMARY "春节(班)", else X-APPLE-SPECIAL-DAY, else DESCRIPTION "休"/"班". */
function classify(ev: IcsDayEvent, file: string): { kind: DayKind; name: string; line?: number } | string {
  const label = eventLabel(ev.summary, ev.line);
  const summaryLine = property(ev.component, 'SUMMARY')?.line ?? ev.line;
  const m = SUFFIX.exec(ev.summary);
  const fromSummary: DayKind | undefined = m ? kindOfWord(m[2]!) : /补班|调休上班|上班/.test(ev.summary) ? 'workday' : undefined;
  const apple = property(ev.component, 'X-APPLE-SPECIAL-DAY');
  const appleValue = apple?.value.trim().toUpperCase();
  const fromApple: DayKind | undefined = appleValue === 'WORK-HOLIDAY' ? 'holiday' : appleValue === 'ALTERNATE-WORKDAY' ? 'workday' : undefined;
  const desc = ev.description ?? '';
  const fromDescription: DayKind | undefined = /^(休|假|holiday)$/i.test(desc) ? 'holiday' : /^(班|workday)$/i.test(desc) ? 'workday' : undefined;
  if (fromSummary && fromApple && fromSummary !== fromApple) {
    return `${at(file, apple!.line)}: ${label}, X-APPLE-SPECIAL-DAY: ${appleValue} says ${fromApple === 'holiday' ? 'a day off' : 'a working day'}, SUMMARY says ${fromSummary === 'holiday' ? 'a day off (休)' : 'a working day (班)'}; make them agree (WORK-HOLIDAY with (休), ALTERNATE-WORKDAY with (班))`;
  }
  const kind = fromSummary ?? fromApple ?? fromDescription;
  if (!kind) {
    return `${at(file, summaryLine)}: ${label}, SUMMARY: cannot tell a day off from a 补班 working day; end SUMMARY with (休) for a holiday or (班) for a make-up working day, as chinese-days does ("春节(休)", "春节(班)")`;
  }
  const name = (m ? m[1]! : ev.summary).trim() || (kind === 'holiday' ? '休' : '班');
  return { kind, name, line: summaryLine };
}

/** The days of a chinese-days style .ics file (events "春节(休)" and "春节(班)"). */
export function readIcs(bytes: Uint8Array, file: string): ReadSource {
  const notes: string[] = [];
  let events: IcsDayEvent[];
  let describe: string | undefined;
  try {
    const cal = parseIcs(bytes);
    const parsed = dayEvents(cal);
    if (parsed.errors.length) throw new CalendarImportError(parsed.errors.map((e) => `${at(file, e.line)}: ${e.message}`));
    events = parsed.events;
    for (const c of parsed.cancelled) notes.push(`${at(file, c.line)}: ${eventLabel(c.summary, c.line)} is STATUS:CANCELLED, left out`);
    const text = (n: string) => {
      const p = property(cal, n);
      return p ? unescapeText(p.value).trim() : undefined;
    };
    describe = [text('PRODID'), text('X-WR-CALDESC') ?? text('X-WR-CALNAME') ?? text('NAME')].filter(Boolean).join(', ') || undefined;
  } catch (e) {
    if (e instanceof IcsError) throw new CalendarImportError([`${at(file, e.line)}: ${e.message}`]);
    throw e;
  }
  if (events.length === 0) throw new CalendarImportError([`${file}: no VEVENT in the calendar; export the holidays as events (BEGIN:VEVENT … END:VEVENT)`]);
  const problems: string[] = [];
  const days: SourceDay[] = [];
  for (const ev of events) {
    const c = classify(ev, file);
    if (typeof c === 'string') {
      problems.push(c);
      continue;
    }
    const label = eventLabel(ev.summary, ev.line);
    const length = Math.round((Date.parse(ev.end) - Date.parse(ev.start)) / 86_400_000);
    const endField = ev.endFrom === 'DTSTART' ? 'DTSTART' : ev.endFrom;
    const endLine = property(ev.component, ev.endFrom)?.line ?? ev.line;
    if (c.kind === 'holiday' && length > LONGEST_HOLIDAY) {
      problems.push(`${at(file, endLine)}: ${label}, ${endField}: ${ev.start} to ${addDays(ev.end, -1)} is ${length} days off; the longest official holiday is 10 days; check ${endField} (DTEND is the day after the last day off)`);
      continue;
    }
    const startLine = property(ev.component, 'DTSTART')?.line ?? ev.line;
    for (let d = ev.start; d < ev.end; d = addDays(d, 1)) {
      const field = d === ev.start ? 'DTSTART' : `DTSTART..${endField}`;
      days.push({ date: d, kind: c.kind, name: c.name, line: startLine, where: label, field });
    }
  }
  if (problems.length) throw new CalendarImportError(problems);
  return { format: 'ics', days, describe, notes };
}

// ---------------------------------------------------------------- YAML

/** The line of `holidays[2]` / `holidays[2].from` / `year` in a block-style data/calendar file (1-based), if it can be found. */
export function yamlLine(text: string, path: (string | number)[]): number | undefined {
  const lines = text.split(/\r?\n/);
  const [key, index, sub] = path;
  if (typeof key !== 'string') return undefined;
  const keyAt = lines.findIndex((l) => new RegExp(`^["']?${key}["']?\\s*:`).test(l));
  if (keyAt < 0) return undefined;
  if (typeof index !== 'number') return keyAt + 1;
  const items: number[] = [];
  let indent: number | undefined;
  for (let i = keyAt + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\S/.test(l) && !l.startsWith('#') && !l.startsWith('-')) break; // next top-level key
    const m = /^(\s*)-(\s|$)/.exec(l);
    if (m && (indent === undefined || m[1]!.length === indent)) {
      indent ??= m[1]!.length;
      items.push(i);
    }
  }
  const item = items[index];
  if (item === undefined) return keyAt + 1; // a flow sequence [a, b]: the key's line
  if (typeof sub !== 'string') return item + 1;
  const next = items[index + 1] ?? lines.length;
  for (let i = item; i < next; i++) if (new RegExp(`(^|[\\s{,-])${sub}\\s*:`).test(lines[i]!)) return i + 1;
  return item + 1;
}

/** "holidays[2].from: must be…" → ['holidays', 2, 'from'] (the paths the data loader prints). */
function issuePath(segment: string): (string | number)[] | undefined {
  const m = /^([A-Za-z_]\w*)((?:\[\d+\]|\.[A-Za-z_]\w*)*)(?=[: ])/.exec(segment);
  if (!m) return undefined;
  const path: (string | number)[] = [m[1]!];
  for (const p of m[2]!.matchAll(/\[(\d+)\]|\.([A-Za-z_]\w*)/g)) path.push(p[1] !== undefined ? Number(p[1]) : p[2]!);
  return path;
}

type RawEntry = string | { from: string; to: string; name?: string };
interface RawYear {
  year: number;
  holidays: RawEntry[];
  workdays: string[];
}
/** Shaped as the loader's schema wants, for the day checks below (the loader itself decides what is valid). */
function isShaped(raw: unknown): raw is RawYear {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  const only = (o: object, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));
  const date = (d: unknown) => typeof d === 'string' && isValidDate(d);
  const entry = (h: unknown) => {
    if (date(h)) return true;
    if (!h || typeof h !== 'object') return false;
    const e = h as Record<string, unknown>;
    return only(e, ['from', 'to', 'name']) && date(e.from) && date(e.to) && (e.name === undefined || typeof e.name === 'string');
  };
  r.holidays ??= [];
  r.workdays ??= [];
  return only(r, ['year', 'holidays', 'workdays']) && Number.isInteger(r.year) && Array.isArray(r.holidays) && r.holidays.every(entry) && Array.isArray(r.workdays) && r.workdays.every(date);
}

/** The loader's checks after its schema, which the day checks below say with lines. */
const AFTER_SCHEMA = /ends before it starts|is not in year|is listed both as a holiday/;

const FORMAT_HINT = 'the format is in data/calendar/README.md';

/** Runs the bot's own loader over a copy of `text`; its error, with the temporary path replaced by `file`. */
function loaderCheck(text: string, file: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-import-'));
  const copy = join(dir, 'input.yaml');
  try {
    writeFileSync(copy, text);
    loadCalendarFiles(dir);
    return undefined;
  } catch (e) {
    if (!(e instanceof CalendarError)) throw e;
    return e.message.split(copy).join(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A data/calendar/<year>.yaml file: validated by the loader the bot uses, then with lines for each day. */
export function readYaml(text: string, file: string): ReadSource {
  let raw: unknown;
  try {
    raw = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (e) {
    const err = e as yaml.YAMLException;
    throw new CalendarImportError([`${at(file, err.mark ? err.mark.line + 1 : undefined)}: not valid YAML: ${err.reason ?? err.message.split('\n')[0]} (${FORMAT_HINT})`]);
  }
  const loaderError = loaderCheck(text, file);
  if (!isShaped(raw) || (loaderError && !AFTER_SCHEMA.test(loaderError))) {
    // The schema failed: name the line of each field the loader names.
    const message = loaderError ?? `${file}: not a calendar file`;
    const body = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
    const problems = body.split('; ').map((segment) => {
      let path = segment.startsWith('(top level)') ? [] : issuePath(segment);
      const unknown = /unknown key "([^"]+)"/.exec(segment)?.[1];
      if (path && unknown) path = [...path, unknown];
      const line = path?.length ? yamlLine(text, path) : undefined;
      return `${at(file, line)}: ${segment}`;
    });
    problems[problems.length - 1] += ` (${FORMAT_HINT})`;
    throw new CalendarImportError(problems);
  }
  const days: SourceDay[] = [];
  const problems: string[] = [];
  raw.holidays.forEach((h, i) => {
    const [from, to, name] = typeof h === 'string' ? [h, h, undefined] : [h.from, h.to, h.name];
    const field = typeof h === 'string' ? `holidays[${i}]` : `holidays[${i}].from`;
    if (from > to) {
      problems.push(`${at(file, yamlLine(text, ['holidays', i, 'to']))}: holidays[${i}].to: the range ${from}..${to} ends before it starts; swap from and to`);
      return;
    }
    for (let d = from; d <= to; d = addDays(d, 1)) days.push({ date: d, kind: 'holiday', name, line: yamlLine(text, ['holidays', i, ...(typeof h === 'string' ? [] : ['from'])]), where: `holidays[${i}]`, field });
  });
  raw.workdays.forEach((d, i) => days.push({ date: d, kind: 'workday', line: yamlLine(text, ['workdays', i]), where: `workdays[${i}]`, field: `workdays[${i}]` }));
  for (const d of days) {
    if (!d.date.startsWith(`${raw.year}-`)) problems.push(`${at(file, d.line)}: ${d.field}: ${d.date} is not in year ${raw.year} (line ${yamlLine(text, ['year'])}); one file holds one year: move it to data/calendar/${d.date.slice(0, 4)}.yaml or fix the date`);
  }
  if (problems.length) throw new CalendarImportError(problems);
  if (days.length === 0) throw new CalendarImportError([`${at(file, yamlLine(text, ['year']))}: year ${raw.year} lists no holidays and no workdays; add the schedule (${FORMAT_HINT})`]);
  // The day checks below cover everything the loader checks after its schema; keep its word as a last resort.
  // The file's own first comment line says what it is ("# 国务院办公厅 2028 …"): kept for the header.
  const lead = /^\s*#\s*(.+)/.exec(text.replace(/^\uFEFF/, ''))?.[1]?.trim().slice(0, 200);
  return { format: 'yaml', days, notes: [], year: raw.year, ...(lead ? { describe: lead } : {}), ...(loaderError ? { loaderError } : {}) };
}

// ---------------------------------------------------------------- checks

const show = (d: SourceDay, file: string) => `${at(file, d.line)}: ${d.where}${d.field !== d.where ? `, ${d.field}` : ''}`;
/** Another day of the same file: 'line 25 (event "元旦(休)")'. */
const ref = (d: SourceDay) => `${d.line ? `line ${d.line} ` : ''}(${d.where})`;
const dayName = (d: string) => WEEKDAYS[weekday(d)]!;

/**
 * Checks the days and picks the year: one year per file, or `year` chosen from several
 * (days of other years are left out and said so). Throws CalendarImportError with every problem.
 */
export function planYear(source: ReadSource, file: string, opts: { year?: number } = {}): { plan: YearPlan; notes: string[] } {
  const notes = [...source.notes];
  const problems: string[] = [];
  const all = source.days;
  const fileYear = source.year;
  if (fileYear !== undefined && opts.year !== undefined && fileYear !== opts.year) {
    throw new CalendarImportError([`${file}: year: the file is for ${fileYear}, not ${opts.year} (--year); import it without --year, or with --year ${fileYear}`]);
  }
  const years = new Map<number, number>();
  for (const d of all) years.set(Number(d.date.slice(0, 4)), (years.get(Number(d.date.slice(0, 4))) ?? 0) + 1);
  let year: number;
  if (opts.year !== undefined) {
    year = opts.year;
    if (!years.has(year)) {
      throw new CalendarImportError([`${file}: no day of ${year} in the file (it holds ${[...years.keys()].sort().join(', ')}); check --year or the file`]);
    }
  } else if (years.size > 1) {
    const list = [...years].sort((a, b) => a[0] - b[0]).map(([y, n]) => `${y} (${n} day${n > 1 ? 's' : ''})`).join(', ');
    throw new CalendarImportError([`${file}: holds days of several years: ${list}; import one year at a time with --year YYYY (days of other years are then left out)`]);
  } else {
    year = [...years.keys()][0]!;
  }
  if (year < 2000 || year > 2100) throw new CalendarImportError([`${file}: year ${year} is outside 2000–2100, which the calendar loader accepts; check the dates`]);
  const days = all.filter((d) => d.date.startsWith(`${year}-`));
  const left = all.filter((d) => !d.date.startsWith(`${year}-`));
  if (left.length) {
    const shown = left.slice(0, 3).map((d) => `${d.date} (${d.name ?? d.kind}, ${at(file, d.line)})`).join(', ');
    notes.push(`left out ${left.length} day${left.length > 1 ? 's' : ''} outside ${year}: ${shown}${left.length > 3 ? ', …' : ''}`);
  }

  const holidays = new Map<string, SourceDay>();
  const workdays = new Map<string, SourceDay>();
  for (const d of days) {
    const mine = d.kind === 'holiday' ? holidays : workdays;
    const other = d.kind === 'holiday' ? workdays : holidays;
    const clash = other.get(d.date);
    if (clash) {
      const kinds = (k: DayKind) => (k === 'holiday' ? 'a holiday' : 'a working day');
      problems.push(`${show(d, file)}: ${d.date} is ${kinds(d.kind)} here and ${kinds(clash.kind)} by ${ref(clash)}; a day is one or the other: keep what the official notice says and remove the other`);
      continue;
    }
    const twice = mine.get(d.date);
    if (twice) {
      notes.push(`${show(d, file)}: ${d.date} is already a ${d.kind} by ${ref(twice)}; counted once`);
      continue;
    }
    mine.set(d.date, d);
  }
  for (const d of workdays.values()) {
    if (!isWeekend(d.date)) {
      problems.push(`${show(d, file)}: ${d.date} is a ${dayName(d.date)}, a working day anyway; a 补班 make-up day is a Saturday or Sunday: check the date${source.format === 'ics' ? ', or end SUMMARY with (休) if it is a day off' : ', or move it to holidays if it is a day off'}`);
    }
  }
  // A holiday that lies only on a weekend changes nothing for the bot. It happens in official
  // schedules (2015: 中秋 on Sunday 27 September, no day in lieu), so it is said, not refused.
  // Runs of days off bridge weekends (chinese-days leaves out some weekend days inside a holiday)
  // and are taken over the whole file, so a New Year holiday from 31 December counts its January days.
  const offDates = new Set(all.filter((d) => d.kind === 'holiday').map((d) => d.date));
  const isOff = (d: string) => offDates.has(d) || (isWeekend(d) && !workdays.has(d));
  const blocks = new Set<string>();
  for (const d of [...holidays.values()].sort((a, b) => a.date.localeCompare(b.date))) {
    let from = d.date;
    while (isOff(addDays(from, -1))) from = addDays(from, -1);
    if (blocks.has(from)) continue;
    blocks.add(from);
    let to = d.date;
    while (isOff(addDays(to, 1))) to = addDays(to, 1);
    const run: string[] = [];
    for (let x = from; x <= to; x = addDays(x, 1)) if (offDates.has(x)) run.push(x);
    if (run.some((x) => !isWeekend(x)) || /-(12-31|01-01)$/.test(from) || /-(12-31|01-01)$/.test(to)) continue;
    notes.push(`${show(d, file)}: ${run.join(', ')} ${run.length > 1 ? 'are' : 'is'} ${run.map(dayName).join(' and ')}, days off anyway (no weekday off next to ${run.length > 1 ? 'them' : 'it'}); fine if the official notice says so${source.format === 'ics' ? ', else check DTSTART/DTEND (DTEND is the day after the last day off)' : ''}`);
  }
  const weekdayOff = [...holidays.keys()].filter((d) => !isWeekend(d)).length;
  if (!problems.length && weekdayOff < MIN_WEEKDAY_HOLIDAYS) {
    problems.push(`${file}: ${year} has only ${weekdayOff} weekday${weekdayOff === 1 ? '' : 's'} off; a whole year's official schedule has 16 or more (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 and the days swapped for 补班), and a year file replaces everything the bot knows about ${year}: import the complete schedule for ${year}`);
  }
  const loaderError = source.loaderError;
  if (!problems.length && loaderError) problems.push(loaderError);
  if (problems.length) throw new CalendarImportError(problems);

  // Consecutive days of one name become one range.
  const sortedHolidays = [...holidays.values()].sort((a, b) => a.date.localeCompare(b.date));
  const ranges: YearPlan['holidays'] = [];
  for (const d of sortedHolidays) {
    const last = ranges.at(-1);
    if (last && addDays(last.to, 1) === d.date && last.name === d.name) last.to = d.date;
    else ranges.push(d.name ? { from: d.date, to: d.date, name: d.name } : { from: d.date, to: d.date });
  }
  const wd = [...workdays.values()].sort((a, b) => a.date.localeCompare(b.date)).map((d) => (d.name ? { date: d.date, name: d.name } : { date: d.date }));
  return { plan: { year, holidays: ranges, workdays: wd }, notes };
}

// ---------------------------------------------------------------- output

export const planDays = (plan: YearPlan) => {
  const holidays = new Set<string>();
  for (const h of plan.holidays) for (let d = h.from; d <= h.to; d = addDays(d, 1)) holidays.add(d);
  return { holidays, workdays: new Set(plan.workdays.map((w) => w.date)) };
};

/** A name inside a flow mapping: plain when it is only letters, digits and a little punctuation, else double-quoted (JSON is valid YAML there). */
const scalar = (s: string) => (/^[\p{L}\p{N}][\p{L}\p{N} '’·、()（）._-]*$/u.test(s) && !/\s$/.test(s) ? s : JSON.stringify(s));
const comment = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** The year file, in the format calendar.ts loads, with a header naming where it came from. */
export function renderYear(plan: YearPlan, header: { source: string; sha256: string; describe?: string; importedOn: string }): string {
  const out = [
    `# ${plan.year}: holidays and 调休 make-up working days of mainland China, read by src/calendar/calendar.ts`,
    `# (for ${plan.year} this file replaces what the chinese-days package knows).`,
    `# Source: ${comment(header.source)} (sha256 ${header.sha256.slice(0, 16)}…)${header.describe ? `: ${comment(header.describe)}` : ''}`,
    `# Imported ${header.importedOn} with \`npm run cli -- calendar import\`; check it against the official notice.`,
    `year: ${plan.year}`,
    'holidays:            # days off: single dates or ranges',
  ];
  for (const h of plan.holidays) {
    if (h.from === h.to) out.push(`  - ${h.from}${h.name ? `          # ${comment(h.name)}` : ''}`);
    else out.push(`  - { from: ${h.from}, to: ${h.to}${h.name ? `, name: ${scalar(h.name)}` : ''} }`);
  }
  if (!plan.holidays.length) out[out.length - 1] = 'holidays: []';
  out.push(plan.workdays.length ? 'workdays:            # 调休: weekend days that are working days' : 'workdays: []');
  for (const w of plan.workdays) out.push(`  - ${w.date}          # ${dayName(w.date)}${w.name ? `, ${comment(w.name)} 补班` : ''}`);
  return out.join('\n') + '\n';
}

/** What replacing `before` with `after` changes: days added and removed, per kind. */
export function describeChange(before: { holidays: Set<string>; workdays: Set<string> }, after: { holidays: Set<string>; workdays: Set<string> }): { text: string; same: boolean } {
  const diff = (a: Set<string>, b: Set<string>) => [...b].filter((d) => !a.has(d)).sort();
  const parts: string[] = [];
  const list = (ds: string[]) => (ds.length > 8 ? `${ds.slice(0, 8).join(', ')}, … (${ds.length})` : ds.join(', '));
  const add = (label: string, ds: string[]) => ds.length && parts.push(`${label} ${list(ds)}`);
  add('holidays added:', diff(before.holidays, after.holidays));
  add('holidays removed:', diff(after.holidays, before.holidays));
  add('workdays added:', diff(before.workdays, after.workdays));
  add('workdays removed:', diff(after.workdays, before.workdays));
  return parts.length ? { text: parts.join('; '), same: false } : { text: 'no day changes', same: true };
}
