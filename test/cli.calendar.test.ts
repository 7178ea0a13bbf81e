import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processContext, type CliContext } from '../src/cli/context.ts';
import { runCli } from '../src/cli/main.ts';
import { CalendarImportError, planDays, planYear, readIcs } from '../src/calendar/calendar-import.ts';
import { createCalendar, loadCalendarFiles } from '../src/calendar/calendar.ts';
import { dayEvents, parseIcs, unescapeText, unfold } from '../src/calendar/ics.ts';

/** Invented 2027 dates in the chinese-days format (no official 2027 schedule is published yet). */
const ICS_2027 = 'test/fixtures/calendar/2027-test-fixture-not-official.ics';
const YAML_2028 = 'test/fixtures/calendar/2028-test-fixture-not-official.yaml';
const ics2027 = readFileSync(ICS_2027, 'utf8');
const SH = 'Asia/Shanghai';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
/** A file with `text`, named `name`, in a fresh folder. */
const input = (name: string, text: string) => {
  const f = join(tmp('calendar-in-'), name);
  writeFileSync(f, text);
  return f;
};
/** Runs `npm run cli -- …` in-process with DATA_DIR = `dataDir`, through the configuration like the real CLI. */
async function cli(args: string[], dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { ...processContext({ DATA_DIR: dataDir }), out: (l) => void out.push(l), err: (l) => void err.push(l) };
  const code = await runCli(args, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const calendarFiles = (dataDir: string) => (existsSync(join(dataDir, 'calendar')) ? readdirSync(join(dataDir, 'calendar')) : []);
/** The fixture with `change` applied to the one event that starts on `start` with SUMMARY `summary`. */
const editEvent = (summary: string, start: string, change: (event: string) => string) => {
  const parts = ics2027.split(/(?=BEGIN:VEVENT\r\n)/);
  const i = parts.findIndex((p) => p.includes(`DTSTART;VALUE=DATE:${start}\r\n`) && p.includes(`SUMMARY:${summary}\r\n`));
  if (i < 0) throw new Error(`no event ${summary} on ${start} in the fixture`);
  parts[i] = change(parts[i]!);
  return parts.join('');
};

describe('npm run cli -- calendar import', () => {
  it('imports a chinese-days .ics file into DATA_DIR/calendar/<year>.yaml, which the bot then answers from', async () => {
    const data = tmp('calendar-data-');
    const r = await cli(['calendar', 'import', ICS_2027], data);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const file = join(data, 'calendar', '2027.yaml');
    expect(r.out).toContain(`wrote ${file}`);
    expect(r.out).toMatch(/2027: 7 holiday entries, 29 days off \(18 of them weekdays\), 5 补班 working days/);
    expect(r.out).toMatch(/loaded .* as the bot does: 2027 known; 2027-01-01 \(Friday\) day off, 2027-02-20 \(Saturday\) working day/);

    const text = readFileSync(file, 'utf8');
    // Header: the source file, its checksum and what it says it is, and the import date.
    expect(text).toMatch(/^# 2027: holidays and 调休 make-up working days/);
    expect(text).toContain('# Source: 2027-test-fixture-not-official.ics (sha256 ');
    expect(text).toContain('TEST FIXTURE, invented 2027 dates, not the official schedule'); // unescaped, unfolded X-WR-CALDESC
    expect(text).toMatch(new RegExp(`# Imported ${new Date().toISOString().slice(0, 10)} with \`npm run cli -- calendar import\``));
    expect(text.slice(text.indexOf('year:'))).toBe(`year: 2027
holidays:            # days off: single dates or ranges
  - { from: 2027-01-01, to: 2027-01-03, name: 元旦 }
  - { from: 2027-02-05, to: 2027-02-13, name: 春节 }
  - { from: 2027-04-03, to: 2027-04-05, name: 清明 }
  - { from: 2027-05-01, to: 2027-05-05, name: 劳动节 }
  - 2027-06-09          # 端午
  - 2027-09-15          # 中秋
  - { from: 2027-10-01, to: 2027-10-07, name: 国庆节 }
workdays:            # 调休: weekend days that are working days
  - 2027-02-20          # Saturday, 春节 补班
  - 2027-04-25          # Sunday, 劳动节 补班
  - 2027-05-08          # Saturday, 劳动节 补班
  - 2027-09-26          # Sunday, 国庆节 补班
  - 2027-10-09          # Saturday, 国庆节 补班
`);

    // The loader and calendar the bot uses (src/readiness/index.ts: createCalendar({ dir: DATA_DIR/calendar })).
    expect([...loadCalendarFiles(join(data, 'calendar')).keys()]).toEqual([2027]);
    const cal = createCalendar({ dir: join(data, 'calendar') });
    expect(cal.knows('2027-03-01', SH)).toBe(true);
    expect(cal.isWorkingDay('2027-02-08', SH)).toBe(false); // Monday in 春节
    expect(cal.isWorkingDay('2027-02-13', SH)).toBe(false); // the holiday's last day (DTEND 20270214 is exclusive)
    expect(cal.isWorkingDay('2027-02-15', SH)).toBe(true); // Monday after
    expect(cal.isWorkingDay('2027-02-20', SH)).toBe(true); // 补班 Saturday
    expect(cal.isWorkingDay('2027-06-09', SH)).toBe(false); // one-day 端午
    expect(cal.isWorkingDay('2027-06-10', SH)).toBe(true);
    expect(cal.isWorkingDay('2027-10-09', SH)).toBe(true); // 补班 Saturday after 国庆
    expect(cal.isWorkingDay('2027-10-16', SH)).toBe(false); // an ordinary Saturday
    expect(cal.isWorkingDay('2027-02-08', 'Europe/Berlin')).toBe(true); // other zones: Monday–Friday
    expect(cal.isWorkingDay('2026-10-10', SH)).toBe(true); // the package's 2026 untouched
  });

  it('--dry-run shows the file and writes nothing', async () => {
    const data = tmp('calendar-data-');
    const r = await cli(['calendar', 'import', ICS_2027, '--dry-run'], data);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`dry run: would write ${join(data, 'calendar', '2027.yaml')}:`);
    expect(r.out).toContain('    - { from: 2027-02-05, to: 2027-02-13, name: 春节 }');
    expect(r.out).toContain('dry run: nothing was written');
    expect(calendarFiles(data)).toEqual([]);
  });

  it('imports a YAML file in the data/calendar format (the same strict schema), keeping its first comment as the source', async () => {
    const data = tmp('calendar-data-');
    const r = await cli(['calendar', 'import', YAML_2028], data);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(join(data, 'calendar', '2028.yaml'), 'utf8');
    expect(text).toContain('# Source: 2028-test-fixture-not-official.yaml (sha256 ');
    expect(text).toContain('TEST FIXTURE: invented 2028 dates');
    expect(text).toContain('  - { from: 2028-01-25, to: 2028-02-02, name: 春节 }'); // a block mapping in, one line out
    const cal = createCalendar({ dir: join(data, 'calendar') });
    expect(cal.isWorkingDay('2028-01-31', SH)).toBe(false);
    expect(cal.isWorkingDay('2028-09-30', SH)).toBe(true);
    expect(cal.isWorkingDay('2028-05-29', SH)).toBe(false);
    // The written file imports again unchanged (the command reads its own output).
    const again = await cli(['calendar', 'import', join(data, 'calendar', '2028.yaml'), '--dry-run'], tmp('calendar-data-'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('  - { from: 2028-01-25, to: 2028-02-02, name: 春节 }');
  });

  it('writes under DATA_DIR, creating calendar/ when it is missing', async () => {
    const data = join(tmp('calendar-data-'), 'nested', 'data');
    const r = await cli(['calendar', 'import', ICS_2027], data);
    expect(r.code).toBe(0);
    expect(calendarFiles(data)).toEqual(['2027.yaml']);
  });

  it('refuses to overwrite a year without --force; with --force it replaces it and says which days changed', async () => {
    const data = tmp('calendar-data-');
    expect((await cli(['calendar', 'import', ICS_2027], data)).code).toBe(0);
    const file = join(data, 'calendar', '2027.yaml');
    const first = readFileSync(file, 'utf8');
    // A corrected schedule: the 春节 补班 moves from Saturday 20 to Saturday 27 February, 端午 gets a second day.
    const corrected = input(
      'corrected-2027.ics',
      editEvent('春节(班)', '20270220', (e) => e.replace('DTSTART;VALUE=DATE:20270220', 'DTSTART;VALUE=DATE:20270227').replace('DTEND;VALUE=DATE:20270221', 'DTEND;VALUE=DATE:20270228')).replace(
        'DTEND;VALUE=DATE:20270610',
        'DTEND;VALUE=DATE:20270611',
      ),
    );
    const refused = await cli(['calendar', 'import', corrected], data);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `${file} already holds 2027; replacing it would change: holidays added: 2027-06-10; workdays added: 2027-02-27; workdays removed: 2027-02-20. Nothing was written; add --force to replace it`,
    );
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect((await cli(['calendar', 'import', corrected, '--dry-run'], data)).code).toBe(1); // a dry run predicts the refusal

    const forced = await cli(['calendar', 'import', corrected, '--force'], data);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain(`replaced ${file} (holidays added: 2027-06-10; workdays added: 2027-02-27; workdays removed: 2027-02-20)`);
    const cal = createCalendar({ dir: join(data, 'calendar') });
    expect(cal.isWorkingDay('2027-02-27', SH)).toBe(true);
    expect(cal.isWorkingDay('2027-02-20', SH)).toBe(false);
    expect(cal.isWorkingDay('2027-06-10', SH)).toBe(false);
    expect(calendarFiles(data)).toEqual(['2027.yaml']);
  });

  it('finds the year in a file of another name and replaces that file, so the year is never defined twice', async () => {
    const data = tmp('calendar-data-');
    mkdirSync(join(data, 'calendar'));
    writeFileSync(join(data, 'calendar', 'official-2027.yaml'), 'year: 2027\nholidays:\n  - 2027-01-01\n');
    const refused = await cli(['calendar', 'import', ICS_2027], data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${join(data, 'calendar', 'official-2027.yaml')} already holds 2027`);
    const forced = await cli(['calendar', 'import', ICS_2027, '--force'], data);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('holidays added: 2027-01-02, 2027-01-03, 2027-02-05');
    expect(calendarFiles(data)).toEqual(['official-2027.yaml']);
    expect(readFileSync(join(data, 'calendar', 'official-2027.yaml'), 'utf8')).toContain('2027-test-fixture-not-official.ics');
  });

  it('refuses while another calendar file does not load (the bot would not start either)', async () => {
    const data = tmp('calendar-data-');
    mkdirSync(join(data, 'calendar'));
    writeFileSync(join(data, 'calendar', '2029.yaml'), 'year: 2029\nholidays: [2029-02-30]\n');
    const r = await cli(['calendar', 'import', ICS_2027], data);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/2029\.yaml: holidays\[0\]: must be a real date.*Fix or remove that file first; nothing was written/);
    expect(calendarFiles(data)).toEqual(['2029.yaml']);
  });

  it('takes one year of a multi-year file with --year, and compares a year chinese-days knows with the package', async () => {
    const subscription = 'node_modules/chinese-days/dist/holidays.ics'; // the published feed: the last three years
    const data = tmp('calendar-data-');
    const several = await cli(['calendar', 'import', subscription], data);
    expect(several.code).toBe(1);
    expect(several.err).toMatch(/holidays\.ics: holds days of several years: 2024 \(\d+ days\), 2025 \(\d+ days\), 2026 \(\d+ days\); import one year at a time with --year YYYY/);
    const one = await cli(['calendar', 'import', subscription, '--year', '2026', '--dry-run'], data);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/note: left out \d+ days outside 2026/);
    expect(one.out).toMatch(/chinese-days 1\.5\.\d+ also knows 2026; the file takes precedence \(the same days\)/);
    const none = await cli(['calendar', 'import', subscription, '--year', '2030'], data);
    expect(none.err).toMatch(/no day of 2030 in the file \(it holds 2024, 2025, 2026\)/);
    expect(calendarFiles(data)).toEqual([]);
  });

  it('reads every year chinese-days publishes as .ics (zh and en) to exactly the package’s own data', () => {
    const req = createRequire(import.meta.url);
    const pkg = req('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
    const dir = join(req.resolve('chinese-days/dist/chinese-days.json'), '..', 'years');
    const years = readdirSync(dir).filter((f) => /^\d{4}\.ics$/.test(f)).map((f) => Number(f.slice(0, 4)));
    expect(years.length).toBeGreaterThanOrEqual(23);
    for (const y of years) {
      for (const f of [`${y}.ics`, `${y}.en.ics`]) {
        const file = join(dir, f);
        const { plan } = planYear(readIcs(readFileSync(file), file), file, { year: y });
        const { holidays, workdays } = planDays(plan);
        const of = (m: Record<string, string>) => Object.keys(m).filter((d) => d.startsWith(`${y}-`)).sort();
        expect([[...holidays].sort(), [...workdays].sort()], f).toEqual([of(pkg.holidays), of(pkg.workdays)]);
      }
    }
  });

  describe('broken input: a named error, and nothing written', () => {
    const F = 'FILE';
    const cases: [string, string, string, RegExp][] = [
      [
        'a 补班 day on a weekday',
        'bad.ics',
        editEvent('春节(班)', '20270220', (e) => e.replace('20270220', '20270222').replace('20270221', '20270223')),
        /FILE:\d+: event "春节\(班\)", DTSTART: 2027-02-22 is a Monday, a working day anyway; a 补班 make-up day is a Saturday or Sunday: check the date, or end SUMMARY with \(休\) if it is a day off/,
      ],
      [
        'a day both off and a working day',
        'bad.ics',
        editEvent('春节(班)', '20270220', (e) => e.replace('20270220', '20270213').replace('20270221', '20270214')),
        /FILE:\d+: event "春节\(班\)", DTSTART: 2027-02-13 is a working day here and a holiday by line \d+ \(event "春节\(休\)"\); a day is one or the other: keep what the official notice says and remove the other/,
      ],
      ['not a real date', 'bad.ics', ics2027.replace('DTSTART;VALUE=DATE:20270915', 'DTSTART;VALUE=DATE:20270231'), /FILE:\d+: event "中秋\(休\)", DTSTART: 20270231 is not a real date/],
      [
        'DTEND not after DTSTART',
        'bad.ics',
        ics2027.replace('DTEND;VALUE=DATE:20270610', 'DTEND;VALUE=DATE:20270609'),
        /FILE:\d+: event "端午\(休\)", DTEND: 20270609 is not after DTSTART 20270609; DTEND is the day after the last day off \(a one-day event on 2027-06-09 ends 20270610\)/,
      ],
      ['a time of day', 'bad.ics', ics2027.replace('DTSTART;VALUE=DATE:20270609', 'DTSTART:20270609T090000'), /FILE:\d+: event "端午\(休\)", DTSTART: 20270609T090000 has a time of day; holiday events are all-day: write DTSTART;VALUE=DATE:20270609/],
      [
        'an event neither 休 nor 班',
        'bad.ics',
        editEvent('中秋(休)', '20270915', (e) => e.replace('SUMMARY:中秋(休)', 'SUMMARY:中秋').replace('DESCRIPTION:休\r\n', '').replace('X-APPLE-SPECIAL-DAY:WORK-HOLIDAY\r\n', '')),
        /FILE:\d+: event "中秋", SUMMARY: cannot tell a day off from a 补班 working day; end SUMMARY with \(休\) for a holiday or \(班\) for a make-up working day/,
      ],
      [
        'SUMMARY and X-APPLE-SPECIAL-DAY disagree',
        'bad.ics',
        editEvent('中秋(休)', '20270915', (e) => e.replace('X-APPLE-SPECIAL-DAY:WORK-HOLIDAY', 'X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY')),
        /FILE:\d+: event "中秋\(休\)", X-APPLE-SPECIAL-DAY: ALTERNATE-WORKDAY says a working day, SUMMARY says a day off \(休\); make them agree/,
      ],
      ['a holiday of months (DTEND typo)', 'bad.ics', ics2027.replace('DTEND;VALUE=DATE:20271008', 'DTEND;VALUE=DATE:20271108'), /FILE:\d+: event "国庆节\(休\)", DTEND: 2027-10-01 to 2027-11-07 is 38 days off; the longest official holiday is 10 days; check DTEND/],
      ['a file cut short', 'bad.ics', ics2027.slice(0, ics2027.indexOf('END:VEVENT')), /FILE:\d+: BEGIN:VEVENT is never closed \(the file ends before END:VEVENT; is it cut short\?\)/],
      ['END that closes the wrong BEGIN', 'bad.ics', ics2027.replace('END:VEVENT', 'END:VCALENDAR'), /FILE:\d+: END:VCALENDAR closes BEGIN:VEVENT of line \d+ \(add END:VEVENT before it\)/],
      ['not iCalendar', 'bad.ics', 'hello\r\n', /FILE:1: an iCalendar file starts with BEGIN:VCALENDAR; this one starts with "hello"/],
      ['a recurring event', 'bad.ics', ics2027.replace('SUMMARY:端午(休)', 'SUMMARY:端午(休)\r\nRRULE:FREQ=YEARLY'), /FILE:\d+: event "端午\(休\)", RRULE: recurring events are not supported/],
      ['only part of a year', 'part.ics', ics2027.replace(/BEGIN:VEVENT[\s\S]*END:VEVENT\r\n/, (all) => all.split('END:VEVENT\r\n').slice(0, 1).join('') + 'END:VEVENT\r\n'), /FILE: 2027 has only 1 weekday off; a whole year's official schedule has 16 or more .* import the complete schedule for 2027/],
      ['YAML: not a real date', 'bad.yaml', 'year: 2027\nholidays:\n  - 2027-01-01\n  - { from: 2027-02-30, to: 2027-03-02 }\n', /FILE:4: holidays\[1\]\.from: must be a real date like 2027-02-06 \(the format is in data\/calendar\/README\.md\)/],
      ['YAML: unknown key', 'bad.yaml', 'year: 2027\nholiday:\n  - 2027-01-01\n', /FILE:2: \(top level\): unknown key "holiday" \(a misspelt field/],
      ['YAML: a range backwards', 'bad.yaml', 'year: 2027\nholidays:\n  - from: 2027-02-12\n    to: 2027-02-06\n', /FILE:4: holidays\[0\]\.to: the range 2027-02-12\.\.2027-02-06 ends before it starts; swap from and to/],
      ['YAML: a date of another year', 'bad.yaml', 'year: 2027\nholidays:\n  - { from: 2027-01-01, to: 2027-01-03 }\n  - 2028-02-06\n', /FILE:4: holidays\[1\]: 2028-02-06 is not in year 2027 \(line 1\); one file holds one year/],
      ['YAML: both', 'bad.yaml', 'year: 2027\nholidays:\n  - { from: 2027-02-06, to: 2027-02-12 }\nworkdays:\n  - 2027-02-07\n', /FILE:5: workdays\[0\]: 2027-02-07 is a working day here and a holiday by line 3 \(holidays\[0\]\); a day is one or the other/],
      ['YAML: a workday on a weekday', 'bad.yaml', readFileSync(YAML_2028, 'utf8').replace('  - 2028-02-12', '  - 2028-02-14'), /FILE:\d+: workdays\[1\]: 2028-02-14 is a Monday, a working day anyway; a 补班 make-up day is a Saturday or Sunday: check the date, or move it to holidays if it is a day off/],
      ['YAML: syntax', 'bad.yaml', 'year: 2027\nholidays:\n  - { from: 2027-02-06, to: 2027-02-12\n', /FILE:4: not valid YAML: /],
    ];
    it.each(cases)('%s', async (_, name, text, error) => {
      const data = tmp('calendar-data-');
      const file = input(name, text);
      const r = await cli(['calendar', 'import', file], data);
      expect(r.code).toBe(1);
      expect(r.err.split(file).join(F)).toMatch(error);
      expect(r.err).toMatch(/nothing was written$/);
      expect(calendarFiles(data)).toEqual([]);
    });

    it('reports every broken event at once', async () => {
      const data = tmp('calendar-data-');
      const file = input('two.ics', ics2027.replace('DTSTART;VALUE=DATE:20270915', 'DTSTART;VALUE=DATE:20270931').replace('DTEND;VALUE=DATE:20270610', 'DTEND;VALUE=DATE:2027-06-10'));
      const r = await cli(['calendar', 'import', file], data);
      expect(r.err.split(file).join('FILE').split('\n')).toEqual([
        expect.stringMatching(/^FILE:\d+: event "端午\(休\)", DTEND: "2027-06-10" is not a date; write DTEND;VALUE=DATE:YYYYMMDD, e\.g\. 20270206$/),
        expect.stringMatching(/^FILE:\d+: event "中秋\(休\)", DTSTART: 20270931 is not a real date \(no 2027-09-31 in the calendar\)$/),
        '2 problems in FILE; nothing was written',
      ]);
      expect(calendarFiles(data)).toEqual([]);
    });

    it('--year that does not match the YAML file, a missing file, bad arguments', async () => {
      const data = tmp('calendar-data-');
      expect((await cli([], data)).err).toContain('calendar import FILE.ics|FILE.yaml [--year YYYY] [--dry-run] [--force]');
      expect((await cli(['calendar', 'import', YAML_2028, '--year', '2027'], data)).err).toContain('year: the file is for 2028, not 2027 (--year)');
      const missing = await cli(['calendar', 'import', 'no/such.ics'], data);
      expect([missing.code, missing.err]).toEqual([1, 'no/such.ics: cannot read (ENOENT); nothing was written']);
      expect((await cli(['calendar', 'import'], data)).code).toBe(2);
      expect((await cli(['calendar', 'import', ICS_2027, '--year', '27'], data)).err).toMatch(/^--year needs a year like 2027, not 27\nusage:/);
      expect((await cli(['calendar', 'export'], data)).err).toMatch(/^unknown calendar command "export"/);
      expect(calendarFiles(data)).toEqual([]);
    });
  });
});

describe('iCalendar reader (src/calendar/ics.ts)', () => {
  it('unfolds lines on bytes, so a fold inside a UTF-8 character reads right; CRLF, LF and a BOM', () => {
    const summary = Buffer.from('SUMMARY:中秋(休)', 'utf8');
    const cut = 'SUMMARY:中'.length + 1; // inside 秋 (3 bytes)
    const bytes = Buffer.concat([Buffer.from('\uFEFFBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270915\r\n'), summary.subarray(0, cut), Buffer.from('\r\n '), summary.subarray(cut), Buffer.from('\nEND:VEVENT\nEND:VCALENDAR')]);
    expect(unfold(bytes).map((l) => [l.line, l.text])).toEqual([
      [1, 'BEGIN:VCALENDAR'],
      [2, 'BEGIN:VEVENT'],
      [3, 'DTSTART;VALUE=DATE:20270915'],
      [4, 'SUMMARY:中秋(休)'],
      [6, 'END:VEVENT'],
      [7, 'END:VCALENDAR'],
    ]);
    const { events } = dayEvents(parseIcs(bytes));
    // No DTEND: a DATE DTSTART alone is one day (RFC 5545 3.6.1).
    expect(events.map((e) => [e.summary, e.start, e.end, e.endFrom])).toEqual([['中秋(休)', '2027-09-15', '2027-09-16', 'DTSTART']]);
  });

  it('reads escaped text, quoted parameters, DURATION and leaves out cancelled events', () => {
    const cal = parseIcs(
      [
        'BEGIN:VCALENDAR',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE;X-NOTE="a;b:c":20271001',
        'DURATION:P7D',
        'SUMMARY:中秋\\, 国庆\\;\\\\ 连休\\n(休)',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20270101',
        'DTEND;VALUE=DATE:20270102',
        'STATUS:CANCELLED',
        'SUMMARY:元旦(休)',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    expect(cal.components[0]!.properties[0]!.params).toEqual({ VALUE: 'DATE', 'X-NOTE': 'a;b:c' });
    const { events, cancelled } = dayEvents(cal);
    expect(events.map((e) => [e.summary, e.start, e.end])).toEqual([['中秋, 国庆;\\ 连休\n(休)', '2027-10-01', '2027-10-08']]);
    expect(cancelled.map((e) => e.summary)).toEqual(['元旦(休)']);
    expect(unescapeText('a\\,b\\;c\\\\n\\N')).toBe('a,b;c\\n\n');
  });

  it('classifies the English chinese-days events too, and says which file and line it could not read', () => {
    const en = ics2027.replaceAll('(休)', '(Holiday)').replaceAll('(班)', '(Workday)');
    const { plan } = planYear(readIcs(Buffer.from(en), 'en.ics'), 'en.ics');
    expect(plan.workdays.map((w) => w.date)).toEqual(['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09']);
    expect(() => readIcs(Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'), 'empty.ics')).toThrow(new CalendarImportError(['empty.ics: no VEVENT in the calendar; export the holidays as events (BEGIN:VEVENT … END:VEVENT)']));
  });
});
