import type { Stamp } from '../readiness/model/authority.ts';
import type { NewSignoffEvent, ProjectRecord } from '../store/records.ts';
import { trainingEvent } from './decide.ts';
import { bestResults } from './exam.ts';
import type { ExamResult, ExternalExam } from './exam-model.ts';
import { parseCsv, problemLine, type Problem } from './import.ts';
import type { Session } from './model.ts';

export { problemLine };

/**
 * Results of an exam held outside the bot (5.3-3's exam on paper or in another system), from a CSV
 * file: a header row with `user` (the platform's user id, as the bot knows people), optionally
 * `name`, and either `score` (percent) or `correct` and `total`; optionally `passed` (yes/no, 是/否,
 * 通过/未通过) where the external exam decided it, else the pass mark decides. Pure: the CLI reads the
 * file and writes what this returns.
 */

const COLUMNS = ['user', 'name', 'score', 'correct', 'total', 'passed'] as const;
type Col = (typeof COLUMNS)[number];
const ALIASES: Record<string, Col> = {
  user: 'user', userid: 'user', id: 'user', 用户: 'user', 用户id: 'user', 账号: 'user',
  name: 'name', 姓名: 'name', 名字: 'name',
  score: 'score', percent: 'score', 分数: 'score', 成绩: 'score', 得分: 'score',
  correct: 'correct', 答对: 'correct', 答对题数: 'correct',
  total: 'total', 总题数: 'total', 题数: 'total',
  passed: 'passed', pass: 'passed', 是否通过: 'passed', 通过: 'passed',
};
const key = (h: string) => h.normalize('NFKC').trim().toLowerCase().replace(/[\s_-]+/g, '');
const YES = /^(yes|y|true|1|是|通过|合格|pass(ed)?)$/iu;
const NO = /^(no|n|false|0|否|未通过|不合格|fail(ed)?)$/iu;

export interface ResultRow {
  line: number;
  result: ExamResult;
  name?: string;
}

/** Every row, or every problem (file:line: column: message), all at once. */
export function readResultsCsv(text: string, file: string, passMark: number): { rows: ResultRow[]; problems: Problem[] } {
  const parsed = parseCsv(text);
  if ('error' in parsed) return { rows: [], problems: [{ where: `${file}:${parsed.error.line}`, message: parsed.error.message }] };
  const [header, ...records] = parsed.records;
  if (!header) return { rows: [], problems: [{ where: `${file}:1`, message: `the file is empty; the first line names the columns (${COLUMNS.join(', ')})` }] };
  const problems: Problem[] = [];
  const cols = header.fields.map((h) => {
    const c = ALIASES[key(h)];
    if (!c) problems.push({ where: `${file}:${header.line}`, column: h.trim() || '(empty)', message: `unknown column (the columns: ${COLUMNS.join(', ')})` });
    return c;
  });
  if (!cols.includes('user')) problems.push({ where: `${file}:${header.line}`, column: 'user', message: 'the column is missing' });
  if (!cols.includes('score') && !(cols.includes('correct') && cols.includes('total'))) problems.push({ where: `${file}:${header.line}`, column: 'score', message: 'give score (percent), or correct and total' });
  if (problems.length) return { rows: [], problems };
  const rows: ResultRow[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    const where = `${file}:${r.line}`;
    if (r.fields.length !== cols.length) {
      problems.push({ where, message: `${r.fields.length} fields, the header has ${cols.length}` });
      continue;
    }
    const cell = (c: Col) => r.fields[cols.indexOf(c)]?.trim() || undefined;
    const bad = (column: Col, message: string) => problems.push({ where, column, message });
    const user = cell('user');
    if (!user) {
      bad('user', 'the user id is missing');
      continue;
    }
    if (seen.has(user)) {
      bad('user', `${user} is already on line ${seen.get(user)}`);
      continue;
    }
    seen.set(user, r.line);
    let correct: number;
    let total: number;
    let percent: number;
    const c = cell('correct');
    const t = cell('total');
    if (c !== undefined || t !== undefined) {
      correct = Number(c);
      total = Number(t);
      if (!Number.isInteger(correct) || !Number.isInteger(total) || total < 1 || correct < 0 || correct > total) {
        bad('correct', `"${c ?? ''}/${t ?? ''}" is not a number right of a total`);
        continue;
      }
      percent = Math.round((correct * 100) / total);
    } else {
      const s = Number((cell('score') ?? '').replace(/[%％]$/u, ''));
      if (!Number.isFinite(s) || s < 0 || s > 100) {
        bad('score', `"${cell('score') ?? ''}" is not a percent from 0 to 100`);
        continue;
      }
      percent = Math.round(s);
      correct = percent;
      total = 100;
    }
    const pv = cell('passed');
    if (pv !== undefined && !YES.test(pv) && !NO.test(pv)) {
      bad('passed', `"${pv}" is not yes or no`);
      continue;
    }
    const passed = pv === undefined ? percent >= passMark : YES.test(pv);
    const name = cell('name');
    rows.push({ line: r.line, result: { userId: user, correct, total, percent, passed }, ...(name ? { name } : {}) });
  }
  if (!problems.length && !rows.length) problems.push({ where: `${file}:${header.line + 1}`, message: 'no results after the header row' });
  return { rows, problems };
}

/** Each person's best result: the bot's own rounds (exam.ts bestResults) and an imported external exam together. */
export function sessionResults(s: Pick<Session, 'exam' | 'externalExam'>): ExamResult[] {
  const own = s.exam && (s.exam.results || s.exam.rounds?.length) ? bestResults(s.exam) : [];
  const best = new Map(own.map((r) => [r.userId, r]));
  for (const r of s.externalExam?.results ?? []) {
    const b = best.get(r.userId);
    if (!b || (r.passed && !b.passed) || (r.passed === b.passed && r.percent > b.percent)) best.set(r.userId, r);
  }
  return [...best.values()].sort((x, y) => y.percent - x.percent || x.userId.localeCompare(y.userId));
}

export type ResultsDecision = { ok: false; why: { zh: string; en: string } } | { ok: true; session: Session; events: NewSignoffEvent[]; replaced: boolean };

/**
 * The imported results on the session (they replace an earlier import of the same session, said
 * in the trail): only for a session that is not cancelled and has started. A training-exam event
 * names the file, its SHA-256 and the counts.
 */
export function decideExternalResults(p: ProjectRecord, s: Session, rows: ResultRow[], ext: Omit<ExternalExam, 'results'>, actor: { id: string; name?: string }, st: Stamp, now: string): ResultsDecision {
  if (s.cancelled) return { ok: false, why: { zh: `培训 #${s.no} 已取消。`, en: `Session #${s.no} was cancelled.` } };
  if (now < s.start) return { ok: false, why: { zh: `培训 #${s.no} 还没有开始。`, en: `Session #${s.no} has not started yet.` } };
  const results = rows.map((r) => r.result);
  const names = { ...s.names, ...Object.fromEntries(rows.flatMap((r) => (r.name && !s.names[r.result.userId] ? [[r.result.userId, r.name]] : []))) };
  const next: Session = { ...s, names, externalExam: { ...ext, results }, updatedAt: st.at };
  const passed = results.filter((r) => r.passed).length;
  const detail =
    p.lang === 'zh'
      ? `导入外部考试成绩${s.externalExam ? '(替换上次导入)' : ''}:${ext.file},${results.length} 人,${passed} 人通过(及格线 ${ext.passMark}%),SHA-256 ${ext.sha256.slice(0, 12)}`
      : `external exam results imported${s.externalExam ? ' (replacing the earlier import)' : ''}: ${ext.file}, ${results.length} people, ${passed} passed (pass mark ${ext.passMark}%), SHA-256 ${ext.sha256.slice(0, 12)}`;
  return { ok: true, session: next, events: [trainingEvent(p, next, 'training-exam', actor, st, { detail })], replaced: !!s.externalExam };
}
