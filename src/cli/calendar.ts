import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { CalendarImportError, describeChange, planDays, planYear, readIcs, readYaml, renderYear, type YearPlan } from '../calendar/calendar-import.ts';
import { CalendarError, createCalendar, loadCalendarFiles } from '../calendar/calendar.ts';
import { weekday } from '../calendar/dates.ts';
import { readInputFile } from './input-file.ts';
import type { CliContext } from './context.ts';

const USAGE = `usage: npm run cli -- calendar import FILE [--year YYYY] [--dry-run] [--force]
  FILE       an iCalendar file of holidays "(休)" and make-up working days "(班)" as chinese-days
             publishes them (https://cdn.jsdelivr.net/npm/chinese-days/dist/years/<year>.ics),
             or a YAML file in the format of data/calendar/<year>.yaml
  --year     the year to take from a file that holds several
  --dry-run  check and show the file that would be written; write nothing
  --force    replace the year's existing file (says which days change)`;

const DAY = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Options {
  file: string;
  year?: number;
  dryRun: boolean;
  force: boolean;
}

function options(args: string[]): Options | string {
  const [sub, ...rest] = args;
  if (sub !== 'import') return sub ? `unknown calendar command "${sub}"` : '';
  let file: string | undefined;
  const o: Omit<Options, 'file'> = { dryRun: false, force: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--dry-run') o.dryRun = true;
    else if (a === '--force') o.force = true;
    else if (a === '--year' || a.startsWith('--year=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!v || !/^\d{4}$/.test(v)) return `--year needs a year like 2027, not ${v ?? 'nothing'}`;
      o.year = Number(v);
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (file) return `one FILE at a time (got ${file} and ${a})`;
    else file = a;
  }
  if (!file) return 'FILE is missing';
  return { file, ...o };
}

/** The package's own data for a year, to say what a file for that year changes. */
function packageYear(year: number): { version: string; holidays: Set<string>; workdays: Set<string> } | undefined {
  const req = createRequire(import.meta.url);
  const data = req('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
  const pick = (m: Record<string, string>) => new Set(Object.keys(m).filter((d) => d.startsWith(`${year}-`)));
  const holidays = pick(data.holidays);
  const workdays = pick(data.workdays);
  if (!holidays.size && !workdays.size) return undefined;
  let version = '?';
  try {
    version = (req('chinese-days/package.json') as { version: string }).version;
  } catch {
    /* only for the message */
  }
  return { version, holidays, workdays };
}

/** Loads `text` as the only file of a fresh folder with the bot's loader: the days it yields. */
function loadAlone(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-out-'));
  try {
    writeFileSync(join(dir, 'year.yaml'), text);
    return [...loadCalendarFiles(dir).values()][0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

function summary(plan: YearPlan): string {
  const { holidays, workdays } = planDays(plan);
  const onWeekdays = [...holidays].filter((d) => ![0, 6].includes(weekday(d))).length;
  return `${plan.holidays.length} holiday entries, ${holidays.size} days off (${onWeekdays} of them weekdays), ${workdays.size} 补班 working day${workdays.size === 1 ? '' : 's'}`;
}

/** `calendar import FILE`: checks the schedule and writes DATA_DIR/calendar/<year>.yaml, then loads it as the bot does. */
export async function calendarCommand(args: string[], ctx: CliContext): Promise<number> {
  const o = options(args);
  if (typeof o === 'string') {
    ctx.err(`${o ? `${o}\n` : ''}${USAGE}`);
    return 2;
  }
  const input = readInputFile(ctx, o.file);
  if (!input) return 1;
  const { bytes } = input;
  const ext = extname(o.file).toLowerCase();
  const isIcs = ext === '.ics' || ext === '.ical' || ext === '.ifb' || (!['.yaml', '.yml'].includes(ext) && /^(\uFEFF)?\s*BEGIN:VCALENDAR/i.test(bytes.subarray(0, 64).toString('utf8')));

  let plan: YearPlan;
  let notes: string[];
  let describe: string | undefined;
  try {
    const source = isIcs ? readIcs(bytes, o.file) : readYaml(bytes.toString('utf8'), o.file);
    describe = source.describe;
    ({ plan, notes } = planYear(source, o.file, o.year !== undefined ? { year: o.year } : {}));
  } catch (e) {
    if (!(e instanceof CalendarImportError)) throw e;
    for (const p of e.problems) ctx.err(p);
    ctx.err(`${e.problems.length} problem${e.problems.length > 1 ? 's' : ''} in ${o.file}; nothing was written`);
    return 1;
  }
  for (const n of notes) ctx.out(`note: ${n}`);
  ctx.out(`${o.file} (${isIcs ? 'iCalendar' : 'YAML'}): ${plan.year}: ${summary(plan)}`);

  const dir = join(ctx.dataDir(), 'calendar');
  const importedOn = new Date().toISOString().slice(0, 10);
  const text = renderYear(plan, { source: basename(o.file), sha256: createHash('sha256').update(bytes).digest('hex'), ...(describe ? { describe } : {}), importedOn });
  // What the bot's loader makes of the text must be exactly the checked days.
  const want = planDays(plan);
  let got: ReturnType<typeof loadAlone>;
  try {
    got = loadAlone(text);
  } catch (e) {
    if (!(e instanceof CalendarError)) throw e;
  }
  if (!got || !sameSet(got.holidays, want.holidays) || !sameSet(got.workdays, want.workdays)) {
    ctx.err(`internal error: the file written for ${plan.year} would not load as checked; nothing was written`);
    return 1;
  }

  // The folder as the bot reads it: which file already holds the year?
  let existing: ReturnType<typeof loadCalendarFiles>;
  try {
    existing = loadCalendarFiles(dir);
  } catch (e) {
    if (!(e instanceof CalendarError)) throw e;
    ctx.err(`${dir} does not load as it is: ${e.message}; the bot would not start either. Fix or remove that file first; nothing was written`);
    return 1;
  }
  const held = existing.get(plan.year);
  const target = held?.source ?? join(dir, `${plan.year}.yaml`);
  if (!held && existsSync(target)) {
    ctx.err(`${target} exists but is not a calendar file the bot loads; move it away first; nothing was written`);
    return 1;
  }
  const change = held ? describeChange(held, want) : undefined;
  if (held && !o.force) {
    ctx.err(`${target} already holds ${plan.year}; replacing it would change: ${change!.text}. Nothing was written; add --force to replace it`);
    return 1;
  }
  const pkg = held ? undefined : packageYear(plan.year);
  if (pkg) {
    const c = describeChange(pkg, want);
    ctx.out(`chinese-days ${pkg.version} also knows ${plan.year}; the file takes precedence (${c.same ? 'the same days' : `compared with the package: ${c.text}`})`);
  }

  if (o.dryRun) {
    ctx.out(`dry run: would ${held ? 'replace' : 'write'} ${target}${change ? ` (${change.text})` : ''}:`);
    for (const l of text.trimEnd().split('\n')) ctx.out(`  ${l}`);
    ctx.out('dry run: nothing was written');
    return 0;
  }

  const before = existsSync(target) ? readFileSync(target) : undefined;
  mkdirSync(dir, { recursive: true });
  const tmp = `${target}.import-${process.pid}`; // not *.yaml: a bot starting now does not read it
  writeFileSync(tmp, text);
  renameSync(tmp, target);

  // Proof: the folder loads with the calendar the bot builds, and answers every day as checked.
  try {
    const calendar = createCalendar({ dir });
    const wrong: string[] = [];
    for (const d of want.holidays) if (calendar.isWorkingDay(d, 'Asia/Shanghai')) wrong.push(`${d} should be a day off`);
    for (const d of want.workdays) if (!calendar.isWorkingDay(d, 'Asia/Shanghai')) wrong.push(`${d} should be a working day`);
    if (!calendar.knows(`${plan.year}-06-01`, 'Asia/Shanghai')) wrong.push(`${plan.year} is still unknown`);
    if (wrong.length) throw new CalendarError(`the bot's calendar does not answer as the file says: ${wrong.slice(0, 3).join('; ')}`);
  } catch (e) {
    if (before) writeFileSync(target, before);
    else unlinkSync(target);
    ctx.err(`${target} did not load: ${(e as Error).message}; ${before ? 'the previous file is back' : 'removed it again'}`);
    return 1;
  }
  ctx.out(`${held ? 'replaced' : 'wrote'} ${target}${change ? ` (${change.text})` : ''}`);
  const sample = [plan.holidays.map((h) => h.from).find((d) => ![0, 6].includes(weekday(d))), plan.workdays[0]?.date].filter((d): d is string => !!d);
  const calendar = createCalendar({ dir });
  const answers = sample.map((d) => `${d} (${DAY[weekday(d)]}) ${calendar.isWorkingDay(d, 'Asia/Shanghai') ? 'working day' : 'day off'}`);
  ctx.out(`loaded ${dir} as the bot does: ${plan.year} known${answers.length ? `; ${answers.join(', ')}` : ''}. Restart the bot to use it`);
  return 0;
}
