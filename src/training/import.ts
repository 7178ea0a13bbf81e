import yaml from 'js-yaml';
import { z } from 'zod';
import { isValidDate } from '../calendar/dates.ts';
import type { Person, Stamp } from '../readiness/model/authority.ts';
import { auditRole } from '../readiness/model/roles.ts';
import type { ProjectRecord } from '../store/records.ts';
import { decideCreate, type Calendar, type Decided, type SessionDraft } from './decide.ts';
import { Audience } from './model.ts';
import { parseTrainingCommand } from './parse.ts';

/**
 * Training sessions planned in a file (issue 15: "imported from a CSV/YAML file"), read as pure
 * functions: the file's rows become the same drafts the chat command `新建培训` makes, and each
 * goes through the chat's decision (decide.ts decideCreate: 5.2-10's 60 people, the calendar,
 * a start in the past) with the same audit events. Every problem names the file, where in it
 * (CSV: the line the row starts on; YAML: the entry) and the column. Nothing here reads a clock
 * or a store: src/cli/training.ts does, and writes only when no row has a problem.
 */

/** The columns (CSV header) and keys (YAML) of a session. */
export const IMPORT_COLUMNS = ['title', 'audience', 'departments', 'start', 'end', 'place', 'link', 'recorded', 'trainer', 'capacity', 'code', 'duty', 'exercises', 'override'] as const;
export type Column = (typeof IMPORT_COLUMNS)[number];

/** CSV headers as people write them (case, spaces, `_` and `-` ignored), in English or Chinese. */
const HEADER_ALIASES: Record<string, Column> = {
  title: 'title', 标题: 'title', 主题: 'title',
  audience: 'audience', level: 'audience', 培训对象: 'audience', 对象: 'audience',
  departments: 'departments', department: 'departments', dept: 'departments', 部门: 'departments',
  start: 'start', 开始: 'start', 开始时间: 'start',
  end: 'end', 结束: 'end', 结束时间: 'end',
  place: 'place', location: 'place', 地点: 'place',
  link: 'link', meetinglink: 'link', 链接: 'link', 会议链接: 'link',
  recorded: 'recorded', recordedlink: 'recorded', recording: 'recorded', 录播: 'recorded',
  trainer: 'trainer', 讲师: 'trainer',
  capacity: 'capacity', cap: 'capacity', limit: 'capacity', 上限: 'capacity', 人数上限: 'capacity',
  code: 'code', coderequired: 'code', 签到码: 'code',
  duty: 'duty', 职责: 'duty', 学员职责: 'duty',
  exercises: 'exercises', homework: 'exercises', 练习: 'exercises', 课前练习: 'exercises',
  override: 'override', overridereason: 'override', reason: 'override', 超额原因: 'override',
};
const headerKey = (h: string) => h.normalize('NFKC').trim().toLowerCase().replace(/[\s_-]+/g, '');

/** One problem, printed as `file:12: audience: unknown audience "经理们" …`. */
export interface Problem {
  /** `file:12` (CSV, the line the row starts on) or `file: sessions[2]` (YAML, the entry). */
  where: string;
  column?: Column | string;
  message: string;
  /** The rule a refusal keeps (5.2-10): the caller quotes it from the rulebook. */
  rule?: string;
}
export const problemLine = (p: Problem) => `${p.where}: ${p.column ? `${p.column}: ` : ''}${p.message}`;

/** A row as read: where it is, and its cells by column (absent: empty). */
export interface RawRow {
  where: string;
  /** CSV: the line the row starts on. */
  line?: number;
  /** YAML: the entry's index in `sessions`. */
  entry?: number;
  cells: Partial<Record<Column, string | number | boolean>>;
}

// ---- CSV (RFC 4180: a header row, comma-separated, quoted fields may hold commas, quotes "" and line breaks) ----

export interface CsvRecord {
  /** The line (from 1) the record starts on. */
  line: number;
  fields: string[];
}

/** Splits CSV text (a BOM is dropped; CRLF or LF) into records; an unterminated quote or text after a closing quote is an error at its line. */
export function parseCsv(text: string): { records: CsvRecord[] } | { error: { line: number; message: string } } {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= s.length) return { error: { line: quoteLine, message: 'a quoted field is not closed (a " is missing)' } };
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && !(s[i] === '\r' && s[i + 1] === '\n'))
          return { error: { line, message: `text after a closing quote (write a " inside a quoted field as "")` } };
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && !(s[i] === '\r' && s[i + 1] === '\n')) {
          if (s[i] === '"') return { error: { line, message: 'a " inside an unquoted field (quote the whole field and write the " as "")' } };
          field += s[i];
          i++;
        }
      }
      fields.push(field);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '\r') i++;
      if (s[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
  }
  return { records };
}

/** The rows of a CSV file with a header row of IMPORT_COLUMNS (or their aliases). */
export function readCsvRows(text: string, file: string): { rows: RawRow[]; problems: Problem[] } {
  const parsed = parseCsv(text);
  if ('error' in parsed) return { rows: [], problems: [{ where: `${file}:${parsed.error.line}`, message: parsed.error.message }] };
  const [header, ...records] = parsed.records;
  if (!header) return { rows: [], problems: [{ where: `${file}:1`, message: `the file is empty; the first line names the columns (${IMPORT_COLUMNS.join(', ')})` }] };
  const problems: Problem[] = [];
  const columns: (Column | undefined)[] = header.fields.map((h) => {
    const c = HEADER_ALIASES[headerKey(h)];
    if (!c) problems.push({ where: `${file}:${header.line}`, column: h.trim() || '(empty)', message: `unknown column (the columns: ${IMPORT_COLUMNS.join(', ')})` });
    return c;
  });
  for (const c of IMPORT_COLUMNS) {
    const n = columns.filter((x) => x === c).length;
    if (n > 1) problems.push({ where: `${file}:${header.line}`, column: c, message: `the column is named ${n} times` });
  }
  for (const c of ['audience', 'start', 'end'] as const) if (!columns.includes(c)) problems.push({ where: `${file}:${header.line}`, column: c, message: 'the column is missing' });
  if (problems.length) return { rows: [], problems };
  if (!records.length) return { rows: [], problems: [{ where: `${file}:${header.line + 1}`, message: 'no sessions after the header row' }] };
  const rows: RawRow[] = [];
  for (const r of records) {
    const where = `${file}:${r.line}`;
    if (r.fields.length !== columns.length) {
      problems.push({ where, message: `${r.fields.length} field${r.fields.length === 1 ? '' : 's'}, the header has ${columns.length} (a comma in a value needs the value in "quotes")` });
      continue;
    }
    const cells: RawRow['cells'] = {};
    r.fields.forEach((v, k) => {
      const t = v.trim();
      if (t) cells[columns[k]!] = t;
    });
    rows.push({ where, line: r.line, cells });
  }
  return { rows, problems };
}

// ---- YAML: `sessions: [ {...} ]`, strict ----

/** One entry of a YAML file: the keys are IMPORT_COLUMNS; a misspelt key is an error. */
export const YamlSession = z.strictObject({
  title: z.string().optional(),
  audience: z.string(),
  departments: z.union([z.string(), z.array(z.string())]).optional(),
  start: z.string(),
  end: z.string(),
  place: z.string().optional(),
  link: z.string().optional(),
  recorded: z.string().optional(),
  trainer: z.string().optional(),
  capacity: z.number().int().positive().optional(),
  code: z.boolean().optional(),
  duty: z.string().optional(),
  exercises: z.string().optional(),
  override: z.string().optional(),
});
export const YamlFile = z.strictObject({ sessions: z.array(z.unknown()).min(1) });

export function readYamlRows(text: string, file: string): { rows: RawRow[]; problems: Problem[] } {
  let raw: unknown;
  try {
    // Core schema: "2026-12-10 14:00" and "16:00" stay strings.
    raw = yaml.load(text.startsWith('\uFEFF') ? text.slice(1) : text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (e) {
    const m = e as { mark?: { line: number }; reason?: string; message: string };
    return { rows: [], problems: [{ where: m.mark ? `${file}:${m.mark.line + 1}` : file, message: `not valid YAML: ${m.reason ?? m.message.split('\n')[0]}` }] };
  }
  const top = YamlFile.safeParse(raw);
  if (!top.success) {
    const i = top.error.issues[0]!;
    const keys = i.code === 'unrecognized_keys' ? ` ${i.keys.join(', ')}` : '';
    return { rows: [], problems: [{ where: file, message: `the file is \`sessions:\` with a list of sessions (${i.path.join('.') || 'top level'}: ${i.message}${keys})` }] };
  }
  const rows: RawRow[] = [];
  const problems: Problem[] = [];
  top.data.sessions.forEach((entry, k) => {
    const where = `${file}: sessions[${k}]`;
    const e = YamlSession.safeParse(entry);
    if (!e.success) {
      for (const i of e.error.issues) {
        if (i.code === 'unrecognized_keys') for (const key of i.keys) problems.push({ where, column: key, message: `unknown key (the keys: ${IMPORT_COLUMNS.join(', ')})` });
        else if (i.path.length === 0) problems.push({ where, message: `an entry is a mapping of ${IMPORT_COLUMNS.join(', ')} (${i.message})` });
        else problems.push({ where, column: String(i.path[0]), message: i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'is required' : i.message });
      }
      return;
    }
    const cells: RawRow['cells'] = {};
    for (const [key, v] of Object.entries(e.data)) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join('|') : typeof v === 'string' ? v.trim() : v;
      if (value !== '') cells[key as Column] = value;
    }
    rows.push({ where, entry: k, cells });
  });
  return { rows, problems };
}

// ---- a row → the chat's draft ----

/** The chat's own words (parse.ts): the value read as what it is in `新建培训 …`, and nothing else with it. */
function chatWord<K extends 'audience' | 'trainer'>(field: K, v: string): SessionDraft[K] | undefined {
  if (/[\r\n]/.test(v)) return undefined;
  const cmd = field === 'audience' ? `新建培训 2030-01-02 10:00-11:00 ${v} 地点 x` : `新建培训 2030-01-02 10:00-11:00 staff 地点 x 讲师 ${v}`;
  const r = parseTrainingCommand(cmd, '2030-01-01');
  if (r?.kind !== 'create') return undefined;
  const { date: _d, from: _f, to: _t, audience, delivery, ...rest } = r.draft;
  const only = delivery.kind === 'onsite' && delivery.place === 'x' && Object.keys(rest).length === (field === 'trainer' ? 1 : 0);
  return only ? (r.draft[field] as SessionDraft[K]) : undefined;
}

const AUDIENCE_WORDS = '高层领导 / 中层管理 / 普通员工 / 关键用户 / 管理员, leaders / middle-managers / staff / key-users / admins';

const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !/\s/.test(s);
  } catch {
    return false;
  }
};

const TIME = /^(\d{1,2}):(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$/;
const pad = (n: string) => n.padStart(2, '0');
const time = (h: string, m: string) => (Number(h) <= 23 && Number(m) <= 59 ? `${pad(h)}:${m}` : undefined);

function dateTime(v: string): { date: string; time: string } | undefined {
  const m = DATE_TIME.exec(v);
  if (!m) return undefined;
  const date = `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
  const t = time(m[4]!, m[5]!);
  return isValidDate(date) && t ? { date, time: t } : undefined;
}

const TRUE = /^(true|yes|y|1|required|是|必须|需要)$/iu;
const FALSE = /^(false|no|n|0|不需要|否|不)$/iu;

/** A row's draft as the chat command would make it, or each problem of the row (one per column). */
export function draftOf(row: RawRow): { draft: SessionDraft; problems: [] } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (column: Column | string, message: string) => void problems.push({ where: row.where, column, message });
  const text = (c: Column) => {
    const v = row.cells[c];
    // As the chat reads a message: NFKC (full-width digits and letters), runs of white space as one space.
    const t = v === undefined ? '' : String(v).normalize('NFKC').replace(/\s+/g, ' ').trim();
    return t === '' ? undefined : t;
  };
  const draft: Partial<SessionDraft> = {};

  const title = text('title');
  if (title !== undefined) {
    if ([...title].length > 100) bad('title', 'at most 100 characters');
    else draft.title = title;
  }

  const audience = text('audience');
  if (audience === undefined) bad('audience', `is required (${AUDIENCE_WORDS})`);
  else {
    const a = Audience.safeParse(audience.toLowerCase()).success ? (audience.toLowerCase() as SessionDraft['audience']) : chatWord('audience', audience);
    if (a) draft.audience = a;
    else bad('audience', `unknown audience "${audience}" (one of: ${AUDIENCE_WORDS})`);
  }

  const departments = text('departments');
  if (departments !== undefined) draft.departments = departments.split(/\s*[、,，;；|｜]\s*/u).map((d) => d.trim()).filter(Boolean);

  const start = text('start');
  const s = start === undefined ? undefined : dateTime(start);
  if (start === undefined) bad('start', 'is required (YYYY-MM-DD HH:mm, in the project\'s time zone)');
  else if (!s) bad('start', `"${start}" is not a date and time like 2026-12-10 14:00`);
  else {
    draft.date = s.date;
    draft.from = s.time;
  }

  const end = text('end');
  if (end === undefined) bad('end', 'is required (HH:mm, or YYYY-MM-DD HH:mm on the start\'s day)');
  else {
    const short = TIME.exec(end);
    const e = short ? { date: s?.date, time: time(short[1]!, short[2]!) } : dateTime(end);
    if (!e?.time) bad('end', `"${end}" is not a time like 16:00 (or 2026-12-10 16:00)`);
    else if (s && e.date !== s.date) bad('end', `a session starts and ends on one day (${s.date}), as in the chat`);
    else if (s && e.time <= s.time) bad('end', `the end (${e.time}) must be after the start (${s.time})`);
    else draft.to = e.time;
  }

  const deliveries = (['place', 'link', 'recorded'] as const).filter((c) => text(c) !== undefined);
  if (deliveries.length === 0) bad('place', 'one of place, link or recorded is required');
  else if (deliveries.length > 1) bad(deliveries.join(', '), 'give one of place, link or recorded, not several');
  else {
    const c = deliveries[0]!;
    const v = text(c)!;
    if (c === 'place') {
      if ([...v].length > 100) bad('place', 'at most 100 characters');
      else draft.delivery = { kind: 'onsite', place: v };
    } else if (!isHttpUrl(v)) bad(c, `"${v}" is not an http(s) link`);
    else draft.delivery = { kind: c === 'link' ? 'video' : 'recorded', link: v };
  }

  const trainer = text('trainer');
  if (trainer !== undefined) {
    const t = trainer === 'customer-admin' || trainer === 'vendor' ? trainer : chatWord('trainer', trainer);
    if (t) draft.trainer = t;
    else bad('trainer', `unknown trainer "${trainer}" (vendor / customer-admin, 厂商 / 客户)`);
  }

  const capacity = typeof row.cells.capacity === 'number' ? row.cells.capacity : text('capacity');
  if (capacity !== undefined) {
    const n = typeof capacity === 'number' ? capacity : /^\d{1,5}$/.test(String(capacity)) ? Number(capacity) : NaN;
    if (!Number.isInteger(n) || n < 1) bad('capacity', `"${String(capacity)}" is not a number of people`);
    else draft.capacity = n;
  }

  const code = typeof row.cells.code === 'boolean' ? row.cells.code : text('code');
  if (code !== undefined) {
    if (typeof code === 'boolean') draft.codeRequired = code;
    else if (TRUE.test(String(code))) draft.codeRequired = true;
    else if (FALSE.test(String(code))) draft.codeRequired = false;
    else bad('code', `"${String(code)}" is not true or false`);
  }

  // 5.2-16: the attendees' duty and the exercises published with the notice.
  const duty = text('duty');
  if (duty !== undefined) [...duty].length > 300 ? bad('duty', 'at most 300 characters') : (draft.duty = duty);
  const exercises = text('exercises');
  if (exercises !== undefined) [...exercises].length > 500 ? bad('exercises', 'at most 500 characters') : (draft.exercises = exercises);

  const override = text('override');
  if (override !== undefined) draft.overrideReason = override;

  if (problems.length) return { problems };
  return { draft: draft as SessionDraft, problems: [] };
}

// ---- the decision, row by row ----

/** Which column a refusal of decideCreate is about, for the problem line. */
function columnOf(d: { why: { en: string }; rule?: string }, draft: SessionDraft): Column | undefined {
  if (d.rule === '5.2-10') return draft.overrideReason ? 'override' : 'capacity';
  const w = d.why.en;
  if (/in the past/.test(w)) return 'start';
  if (/end must be after/.test(w)) return 'end';
  if (/check-in code/.test(w)) return 'code';
  if (/limit cannot be below/.test(w)) return 'capacity';
  const field = /^(\w+)[.:]/.exec(w)?.[1];
  if (field === 'delivery') return draft.delivery.kind === 'onsite' ? 'place' : draft.delivery.kind === 'video' ? 'link' : 'recorded';
  return (IMPORT_COLUMNS as readonly string[]).includes(field ?? '') ? (field as Column) : undefined;
}

export interface ImportContext {
  project: ProjectRecord;
  /** Who imports: the CLI's operator (`cli:<os user>`, as `cli report` records it). */
  actor: Person;
  /** The stamp of a row's events; `text` says the file and the row. */
  stamp(row: RawRow): Stamp;
  calendar: Calendar;
  /** The project's local time now, "2026-12-01T10:00". */
  now: string;
}

/**
 * The CLI's operator holds the store, so they plan as the project admin would (who may plan and
 * take a session above 60 with a reason); every rule of the chat's decision holds for them. The
 * trail records who they are and, as `cli report` does, the role they hold in the project.
 */
export function decideImportRow(c: ImportContext, row: RawRow, draft: SessionDraft, no: number): ({ ok: true; decided: Decided } | { ok: false; problem: Problem }) {
  const asOperator: ProjectRecord = { ...c.project, adminId: c.actor.id };
  const d = decideCreate(asOperator, no, draft, c.actor, c.stamp(row), c.calendar, c.now);
  if (!d.ok) {
    const column = columnOf(d, draft);
    return { ok: false, problem: { where: row.where, ...(column ? { column } : {}), message: d.why.en, ...(d.rule ? { rule: d.rule } : {}) } };
  }
  if (d.outcome !== 'created') throw new Error(`decideCreate said ${d.outcome}`);
  const role = auditRole(c.project, c.actor.id);
  return { ok: true, decided: { ...d, events: d.events.map((e) => ({ ...e, role })) } };
}

export interface PlannedRow {
  row: RawRow;
  draft: SessionDraft;
  decided: Decided;
}

/**
 * Every row decided as if it were created now, numbered after the project's sessions
 * (`lastNo`, the highest number it has): what would be created, or every problem of the file.
 */
export function planImport(c: ImportContext, rows: RawRow[], lastNo: number): { planned: PlannedRow[]; problems: Problem[] } {
  const planned: PlannedRow[] = [];
  const problems: Problem[] = [];
  for (const row of rows) {
    const r = draftOf(row);
    if (r.problems.length || !('draft' in r)) {
      problems.push(...r.problems);
      continue;
    }
    const d = decideImportRow(c, row, r.draft, lastNo + planned.length + 1);
    if (!d.ok) problems.push(d.problem);
    else planned.push({ row, draft: r.draft, decided: d.decided });
  }
  return { planned, problems };
}
