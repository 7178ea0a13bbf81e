import type { Block, Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import { mdText, personMd } from '../core/markdown.ts';
import type { UserRef } from '../core/message.ts';
import { nameMd } from './card.ts';
import { LETTERS, type Exam } from './exam-model.ts';
import type { Session } from './model.ts';
import type { Lang } from './words.ts';
import { say } from '../core/reply.ts';
import { bestResults } from './exam.ts';

/**
 * The exam's one renderer: the card with the questions as buttons (never the answer key), the
 * note after a click (never the choice, so the group does not see it), and the scores. The bank's
 * text and people's names go in through mdText / personMd.
 */

const finish = (card: Omit<Card, 'fallback'>): Card => {
  const c: Card = { ...card, fallback: '' };
  c.fallback = cardText(c);
  return c;
};

/** The exam card: each question with its choices as buttons while the exam is open. */
export function examCard(s: Session, e: Exam, lang: Lang, head?: string): Card {
  const open = !e.closedAt;
  const blocks: Block[] = [];
  if (head) blocks.push({ type: 'text', md: head });
  blocks.push({
    type: 'text',
    md: say(
      lang,
      `**${nameMd(s)}** 的考试:${mdText(e.bank.title.zh)},共 ${e.bank.questions.length} 题,答对 ${e.bank.passMark}% 及格。签到的人每题点一个选项;结束前再点可以改。`,
      `Exam of **${nameMd(s)}**: ${mdText(e.bank.title.en)}, ${e.bank.questions.length} questions, ${e.bank.passMark}% right to pass. Those who checked in press one choice per question; pressing again changes it until the exam ends.`,
    ),
  });
  if (e.bank.example) blocks.push({ type: 'context', md: say(lang, '示例题库:上线前由客户换成自己的题目。', 'Example bank: the customer replaces it with their own questions before go-live.') });
  e.bank.questions.forEach((q, i) => {
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'text', md: `**${i + 1}.** ${mdText(q.text[lang])}\n${q.choices.map((c, j) => `${LETTERS[j]}. ${mdText(c[lang])}`).join('\n')}` });
    if (open) blocks.push({ type: 'buttons', buttons: q.choices.map((_, j) => ({ label: `${i + 1}${LETTERS[j]}`, action: { type: 'training' as const, op: 'answer' as const, no: s.no, q: i, c: j } })) });
  });
  if (!open) blocks.push({ type: 'context', md: say(lang, '考试已结束。', 'The exam has ended.') });
  return finish({ title: say(lang, `考试 · 培训 #${s.no}`, `Exam · session #${s.no}`), tone: 'info', blocks });
}

/** After a click: which question was answered, not the choice. */
export function answerNote(outcome: 'answered' | 'changed' | 'same', s: Session, q: number, user: UserRef, lang: Lang): Card {
  const e = s.exam!;
  const done = Object.keys(e.answers[user.id] ?? {}).length;
  const who = personMd(user);
  const what =
    outcome === 'changed'
      ? say(lang, `${who} 改了第 ${q + 1} 题的答案`, `${who} changed the answer to question ${q + 1}`)
      : outcome === 'same'
        ? say(lang, `${who} 第 ${q + 1} 题的答案没有变化`, `${who}: question ${q + 1} is as it was`)
        : say(lang, `${who} 答了第 ${q + 1} 题`, `${who} answered question ${q + 1}`);
  return finish({ title: say(lang, '答案已记录', 'Answer kept'), tone: 'success', blocks: [{ type: 'text', md: `${what}(${done}/${e.bank.questions.length})。` }] });
}

/**
 * The scores: everyone for those who run the session; `only`: that person's own; `summary`: the
 * counts alone (what the group sees when the exam ends).
 */
export function resultsCard(s: Session, lang: Lang, only?: UserRef, summary = false): Card {
  const e = s.exam!;
  // Over every round: each person's best (a retake that passes counts).
  const results = e.closedAt ? bestResults(e) : [];
  const retakes = e.rounds?.length ?? 0;
  const blocks: Block[] = [];
  const passed = results.filter((r) => r.passed).length;
  blocks.push({
    type: 'text',
    md: e.closedAt
      ? say(lang, `**${nameMd(s)}**:${mdText(e.bank.title.zh)},及格线 ${e.bank.passMark}%。${results.length} 人作答,**${passed}** 人通过。`, `**${nameMd(s)}**: ${mdText(e.bank.title.en)}, pass mark ${e.bank.passMark}%. ${results.length} answered, **${passed}** passed.`)
      : say(lang, `**${nameMd(s)}** 的考试还在进行(${Object.keys(e.answers).length} 人已作答),结束后才有成绩。`, `The exam of **${nameMd(s)}** is still open (${Object.keys(e.answers).length} have answered); scores come when it ends.`),
  });
  if (e.closedAt && retakes) blocks.push({ type: 'context', md: say(lang, `含 ${retakes} 次补考:每人取最好的一次。`, `Including ${retakes} retake${retakes > 1 ? 's' : ''}: each person's best round counts.`) });
  if (e.closedAt && summary) blocks.push({ type: 'context', md: say(lang, '各人成绩只给本人和培训负责人看:「@机器人 考试成绩 N」私下回复。', "Scores are for each person and those who run the session: \"@bot exam results N\" answers privately.") });
  else if (e.closedAt) {
    const shown = only ? results.filter((r) => r.userId === only.id) : results;
    if (only && !shown.length) blocks.push({ type: 'text', md: say(lang, `${personMd(only)} 没有作答。`, `${personMd(only)} did not answer.`) });
    else if (shown.length)
      blocks.push({
        type: 'text',
        md: shown.map((r) => `- ${personMd({ id: r.userId, name: s.names[r.userId] })}${say(lang, ':', ': ')}${r.correct}/${r.total}${say(lang, `(${r.percent}%)`, ` (${r.percent}%)`)}${r.passed ? say(lang, ' 通过', ' passed') : say(lang, ' 未通过', ' not passed')}`).join('\n'),
      });
    if (only) blocks.push({ type: 'context', md: say(lang, '只显示你自己的成绩;全部成绩由培训负责人查看。', 'Your own score only; those who run the session see everyone\'s.') });
  }
  return finish({ title: say(lang, `考试成绩 · 培训 #${s.no}`, `Exam results · session #${s.no}`), tone: e.closedAt ? 'success' : 'info', blocks });
}

/** An external exam's imported results (exam-results.ts): everyone for those who run the session, `only` one's own otherwise. */
export function externalResultsCard(s: Session, lang: Lang, only?: UserRef): Card {
  const x = s.externalExam!;
  const passed = x.results.filter((r) => r.passed).length;
  const shown = only ? x.results.filter((r) => r.userId === only.id) : x.results;
  const blocks: Block[] = [
    { type: 'text', md: say(lang, `**${nameMd(s)}**:外部考试(${mdText(x.file)}),及格线 ${x.passMark}%。${x.results.length} 人,**${passed}** 人通过。`, `**${nameMd(s)}**: an external exam (${mdText(x.file)}), pass mark ${x.passMark}%. ${x.results.length} people, **${passed}** passed.`) },
    {
      type: 'text',
      md: shown.length
        ? shown.map((r) => `- ${personMd({ id: r.userId, name: s.names[r.userId] })}${say(lang, ':', ': ')}${r.percent}%${r.passed ? say(lang, ' 通过', ' passed') : say(lang, ' 未通过', ' not passed')}`).join('\n')
        : say(lang, `${personMd(only!)} 不在导入的成绩里。`, `${personMd(only!)} is not in the imported results.`),
    },
  ];
  if (only) blocks.push({ type: 'context', md: say(lang, '只显示你自己的成绩;全部成绩由培训负责人查看。', "Your own score only; those who run the session see everyone's.") });
  return finish({ title: say(lang, `考试成绩 · 培训 #${s.no}`, `Exam results · session #${s.no}`), tone: 'success', blocks });
}
