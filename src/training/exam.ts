import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Exam, ExamBank, ExamBankError, LETTERS, type ExamResult } from './exam-model.ts';
import { readDataFile } from '../data/yaml-file.ts';
import type { Person, Stamp } from '../readiness/model/authority.ts';
import type { NewSignoffEvent, ProjectRecord } from '../store/records.ts';
import { mayPlan, PLANNER_ROLES, trainingEvent, whoMay, type Refused } from './decide.ts';
import type { Session } from './model.ts';
import type { Said } from './words.ts';

export { Exam, ExamBank, ExamBankError, LETTERS, type ExamResult };

/**
 * Exams after a training session (issue 15, third slice; rulebook 5.3-3: announce an exam so
 * users learn): a question bank per module in data/training/*.yaml, an exam on the session
 * started and closed by those who run it, one answer per person per question (a second click
 * changes it until the close), the scores against the bank's pass mark. Pure functions like
 * decide.ts: the session as it must become with its audit events, or why not.
 */

/** Reads data/training/*.yaml (every error names the file, the entry and the field); two files with one module are refused. */
export function loadExamBanks(dir: string): ExamBank[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return [];
  }
  const banks: ExamBank[] = [];
  const from = new Map<string, string>();
  for (const f of files) {
    const shown = join(dir, f);
    const b = readDataFile(shown, ExamBank, shown, ExamBankError);
    if (from.has(b.module)) throw new ExamBankError(`${shown}: module "${b.module}" is already defined by ${from.get(b.module)}`);
    from.set(b.module, shown);
    banks.push(b);
  }
  return banks;
}

export type ExamOutcome = 'started' | 'answered' | 'changed' | 'same' | 'closed';
export type ExamDecision = Refused | { ok: true; outcome: ExamOutcome; session: Session; events: NewSignoffEvent[] };

const refuse = (zh: string, en: string): Refused => ({ ok: false, why: { zh, en } });
const notRunner = () => refuse(`只有${whoMay(PLANNER_ROLES, 'zh')}可以开始或结束考试。`, `Only the ${whoMay(PLANNER_ROLES, 'en')} can start or end an exam.`);

/**
 * The bank a start names, or the only one there is; or why not. With `projectId`, only the
 * banks for that project (its own, named by `projects`, and those for every project).
 */
export function pickBank(all: readonly ExamBank[], module: string | undefined, projectId?: string): ExamBank | Said {
  const banks = projectId === undefined ? all : all.filter((b) => !b.projects || b.projects.includes(projectId));
  if (module) {
    const b = banks.find((x) => x.module === module);
    return b ?? { zh: `没有题库 "${module}"。题库有:${banks.map((x) => x.module).join('、') || '(无)'}。`, en: `No question bank "${module}". The banks: ${banks.map((x) => x.module).join(', ') || '(none)'}.` };
  }
  if (banks.length === 1) return banks[0]!;
  if (!banks.length) return { zh: '还没有题库:在 data/training/ 放一个题库文件(YAML)。', en: 'No question bank yet: put a bank file (YAML) in data/training/.' };
  return { zh: `有 ${banks.length} 个题库,请指明:开始考试 N ${banks[0]!.module}(${banks.map((x) => x.module).join('、')})。`, en: `There are ${banks.length} banks; name one: start exam N ${banks[0]!.module} (${banks.map((x) => x.module).join(', ')}).` };
}

/** Who takes the exam: those who checked in; for a recorded video, those who said they watched it (已观看). */
export const mayAnswer = (s: Session, userId: string) => s.checkIns.some((c) => c.userId === userId && c.kind === (s.delivery.kind === 'recorded' ? 'watched' : 'check-in'));

/** 开始考试 N: once per session, from its start on. */
export function decideStartExam(p: ProjectRecord, s: Session, bank: ExamBank, actor: Person, st: Stamp, now: string): ExamDecision {
  if (!mayPlan(p, actor.id)) return notRunner();
  if (s.cancelled) return refuse(`培训 #${s.no} 已取消。`, `Session #${s.no} was cancelled.`);
  if (now < s.start) return refuse(`培训 #${s.no} 还没有开始,考试在培训开始后进行。`, `Session #${s.no} has not started yet; the exam comes after it starts.`);
  if (s.exam) return refuse(s.exam.closedAt ? `培训 #${s.no} 的考试已经结束。` : `培训 #${s.no} 的考试已经开始。`, s.exam.closedAt ? `The exam of session #${s.no} has ended.` : `The exam of session #${s.no} has already started.`);
  const next: Session = { ...s, exam: { bank, startedBy: actor.id, startedAt: st.at, answers: {} }, updatedAt: st.at };
  const detail = p.lang === 'zh' ? `开始考试:题库 ${bank.module},${bank.questions.length} 题,及格线 ${bank.passMark}%` : `exam started: bank ${bank.module}, ${bank.questions.length} questions, pass mark ${bank.passMark}%`;
  return { ok: true, outcome: 'started', session: next, events: [trainingEvent(p, next, 'training-exam', actor, st, { detail })] };
}

/** One answer by button: the question's index and the choice's; the same person again changes it until the close. Not audited one by one: the close records the scores. */
export function decideAnswer(s: Session, actor: Person, q: number, choice: number, at: string): ExamDecision {
  const e = s.exam;
  if (!e) return refuse(`培训 #${s.no} 还没有开始考试。`, `Session #${s.no} has no exam open.`);
  if (e.closedAt) return refuse(`培训 #${s.no} 的考试已经结束,答案不能再改。`, `The exam of session #${s.no} has ended; answers can no longer change.`);
  const question = e.bank.questions[q];
  if (!question || choice < 0 || choice >= question.choices.length) return refuse('这道题或选项不存在。', 'No such question or choice.');
  if (passedBefore(e, actor.id)) return refuse(`你已经通过了培训 #${s.no} 的考试,补考只给没通过的人。`, `You passed the exam of session #${s.no} already; the retake is for those who did not.`);
  if (!mayAnswer(s, actor.id))
    return refuse(s.delivery.kind === 'recorded' ? `只有看过录播培训 #${s.no} 的人(「已观看 ${s.no}」)参加考试。` : `只有签到了培训 #${s.no} 的人参加考试。`, s.delivery.kind === 'recorded' ? `Only those who watched session #${s.no} ("watched ${s.no}") take its exam.` : `Only those who checked in to session #${s.no} take its exam.`);
  const mine = e.answers[actor.id] ?? {};
  const before = mine[question.id];
  if (before === choice) return { ok: true, outcome: 'same', session: s, events: [] };
  const next: Session = {
    ...s,
    names: actor.name ? { ...s.names, [actor.id]: actor.name } : s.names,
    exam: { ...e, answers: { ...e.answers, [actor.id]: { ...mine, [question.id]: choice } } },
    updatedAt: at,
  };
  return { ok: true, outcome: before === undefined ? 'answered' : 'changed', session: next, events: [] };
}

/** Scores of everyone who answered at least one question (unanswered questions count as wrong). */
export function scoreExam(e: Exam): ExamResult[] {
  const total = e.bank.questions.length;
  return Object.entries(e.answers)
    .map(([userId, a]) => {
      const correct = e.bank.questions.filter((q) => a[q.id] === LETTERS.indexOf(q.answer)).length;
      const percent = Math.round((correct * 100) / total);
      return { userId, correct, total, percent, passed: percent >= e.bank.passMark };
    })
    .sort((x, y) => y.correct - x.correct || x.userId.localeCompare(y.userId));
}

/** Each person's best result over every closed round (a retake that passes counts), by user id. */
export function bestResults(e: Exam): ExamResult[] {
  const best = new Map<string, ExamResult>();
  for (const r of [...(e.rounds ?? []).flatMap((x) => x.results), ...(e.results ?? [])]) {
    const b = best.get(r.userId);
    if (!b || (r.passed && !b.passed) || (r.passed === b.passed && r.correct > b.correct)) best.set(r.userId, r);
  }
  return [...best.values()].sort((x, y) => y.correct - x.correct || x.userId.localeCompare(y.userId));
}

/** Who may sit the retake: took part in the session, and has not passed a round yet. */
const passedBefore = (e: Exam, userId: string) => (e.rounds ?? []).some((r) => r.results.some((x) => x.userId === userId && x.passed));

/** Who answers the open round: those who may answer (mayAnswer), less those who passed an earlier one. */
export const examTakers = (s: Session): string[] => [...new Set(s.checkIns.map((c) => c.userId))].filter((u) => mayAnswer(s, u) && !(s.exam && passedBefore(s.exam, u)));

/**
 * 补考 N / retake exam N: once an exam has ended, a new round of the same bank for those who did
 * not pass (and those who did not answer); the closed round is kept with its scores. Audited.
 */
export function decideRetake(p: ProjectRecord, s: Session, actor: Person, st: Stamp): ExamDecision {
  if (!mayPlan(p, actor.id)) return notRunner();
  const e = s.exam;
  if (!e) return refuse(`培训 #${s.no} 还没有考过试:请「开始考试 ${s.no}」。`, `Session #${s.no} has had no exam: "start exam ${s.no}".`);
  if (!e.closedAt || !e.results) return refuse(`培训 #${s.no} 的考试还在进行:先「结束考试 ${s.no}」。`, `The exam of session #${s.no} is still open: "end exam ${s.no}" first.`);
  const round = { startedBy: e.startedBy, startedAt: e.startedAt, closedBy: e.closedBy ?? actor.id, closedAt: e.closedAt, results: e.results };
  const next: Session = { ...s, exam: { rounds: [...(e.rounds ?? []), round], bank: e.bank, startedBy: actor.id, startedAt: st.at, answers: {} }, updatedAt: st.at };
  const n = (e.rounds ?? []).length + 2;
  const detail = p.lang === 'zh' ? `补考(第 ${n} 次):题库 ${e.bank.module},及格线 ${e.bank.passMark}%` : `retake (round ${n}): bank ${e.bank.module}, pass mark ${e.bank.passMark}%`;
  return { ok: true, outcome: 'started', session: next, events: [trainingEvent(p, next, 'training-exam', actor, st, { detail })] };
}

/** 结束考试 N: closes the exam and keeps the scores; a training-exam event with the counts. */
export function decideEndExam(p: ProjectRecord, s: Session, actor: Person, st: Stamp): ExamDecision {
  if (!mayPlan(p, actor.id)) return notRunner();
  const e = s.exam;
  if (!e) return refuse(`培训 #${s.no} 还没有开始考试。`, `Session #${s.no} has no exam to end.`);
  if (e.closedAt) return refuse(`培训 #${s.no} 的考试已经结束。`, `The exam of session #${s.no} has already ended.`);
  const results = scoreExam(e);
  const next: Session = { ...s, exam: { ...e, closedBy: actor.id, closedAt: st.at, results }, updatedAt: st.at };
  const passed = results.filter((r) => r.passed).length;
  const detail =
    p.lang === 'zh'
      ? `考试结束:题库 ${e.bank.module},${results.length} 人作答,${passed} 人通过(及格线 ${e.bank.passMark}%)`
      : `exam ended: bank ${e.bank.module}, ${results.length} answered, ${passed} passed (pass mark ${e.bank.passMark}%)`;
  return { ok: true, outcome: 'closed', session: next, events: [trainingEvent(p, next, 'training-exam', actor, st, { detail })] };
}
