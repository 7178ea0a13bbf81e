import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDataFiles } from '../src/data/check.ts';
import { decideCheckIn, decideCreate, decideSignUp, type SessionDraft } from '../src/training/decide.ts';
import { answerNote, examCard, resultsCard } from '../src/training/exam-card.ts';
import { decideAnswer, decideEndExam, decideStartExam, ExamBankError, loadExamBanks, pickBank, scoreExam } from '../src/training/exam.ts';
import type { Session } from '../src/training/model.ts';
import { parseTrainingCommand } from '../src/training/parse.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { feishuMarkdown } from '../adapters/feishu/render.ts';
import type { Card } from '../src/core/card.ts';

/** What Feishu would show of a card's text: person text escaped stays text. */
const shown = (c: Card) => c.blocks.map((b) => ('md' in b ? feishuMarkdown(b.md) : '')).join('\n');

const st = (at = '2026-10-15T13:50:00+08:00') => ({ at, via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: 'cmd' });
const cal = { isWorkingDay: () => true };
const p = shanghaiProject({ roles: [{ userId: 'ou_pm', role: 'vendor-pm' }] });
const draft: SessionDraft = { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 10 };
const banks = loadExamBanks('data/training');
const bank = banks[0]!;
const EVIL = '**粗体** <at id=all></at> [点我](http://evil.example)';

const session = (): Session => {
  const d = decideCreate(p, 3, draft, { id: 'ou_pm' }, st('2026-10-09T09:00:00+08:00'), cal, '2026-10-09T09:00');
  if (!d.ok) throw new Error(d.why.en);
  let s = d.session;
  for (const u of ['ou_a', 'ou_b']) {
    const r = decideSignUp(p, s, { id: u }, st(), '2026-10-09T09:00');
    if (r.ok) s = r.session;
  }
  for (const u of ['ou_a', 'ou_b']) {
    const r = decideCheckIn(p, s, { id: u, name: u === 'ou_a' ? `A${EVIL}` : 'B' }, st(), '2026-10-15T13:50', 'check-in', { matches: () => false });
    if (!r.ok) throw new Error(r.why.en);
    s = r.session;
  }
  return s;
};
const ok = <T extends { ok: boolean }>(d: T): Extract<T, { ok: true }> => {
  if (!d.ok) throw new Error(JSON.stringify(d));
  return d as Extract<T, { ok: true }>;
};

describe('the question bank', () => {
  it('the sample bank loads, is marked an example, and rulebook check counts it', () => {
    expect(banks.map((b) => b.module)).toEqual(['oa-basics']);
    expect(bank.example).toBe(true);
    expect(bank.questions).toHaveLength(5);
    expect(checkDataFiles('data').examBanks).toBe(1);
  });
  it('errors name the file, the entry and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-'));
    writeFileSync(join(dir, 'x.yaml'), 'module: x\ntitle: { zh: 甲, en: a }\npassMark: 60\nquestions:\n  - id: q1\n    text: { zh: 问, en: q }\n    choices: [{ zh: 是, en: y }, { zh: 否, en: n }]\n    answer: C\n');
    expect(() => loadExamBanks(dir)).toThrow(ExamBankError);
    expect(() => loadExamBanks(dir)).toThrow(/x\.yaml: questions\[0\]\.answer: answer names a choice/);
    writeFileSync(join(dir, 'x.yaml'), 'module: x\ntitle: { zh: 甲, en: a }\npassMark: 60\nquestions:\n  - id: q1\n    txt: { zh: 问, en: q }\n');
    expect(() => loadExamBanks(dir)).toThrow(/x\.yaml: .*questions\[0\]/);
  });
  it('a start names a bank, or the only one', () => {
    expect(pickBank(banks, undefined)).toBe(bank);
    expect(pickBank(banks, 'nope')).toMatchObject({ en: expect.stringContaining('No question bank "nope"') });
    expect(pickBank([], undefined)).toMatchObject({ en: expect.stringContaining('No question bank yet') });
  });
});

describe('reading the exam commands', () => {
  it('both languages', () => {
    const r = (s: string) => parseTrainingCommand(s, '2026-10-01');
    expect(r('开始考试 3')).toEqual({ kind: 'exam-start', lang: 'zh', no: 3 });
    expect(r('开始考试 3 oa-basics')).toEqual({ kind: 'exam-start', lang: 'zh', no: 3, module: 'oa-basics' });
    expect(r('start exam 3 bank oa-basics')).toEqual({ kind: 'exam-start', lang: 'en', no: 3, module: 'oa-basics' });
    expect(r('结束考试 3')).toEqual({ kind: 'exam-end', lang: 'zh', no: 3 });
    expect(r('end exam #3')).toEqual({ kind: 'exam-end', lang: 'en', no: 3 });
    expect(r('考试成绩 3')).toEqual({ kind: 'exam-results', lang: 'zh', no: 3 });
    expect(r('exam results 3')).toEqual({ kind: 'exam-results', lang: 'en', no: 3 });
  });
});

describe('the exam decisions', () => {
  it('start (who, when, once) → answers (checked-in only, change until the close) → close scores against the pass mark, audited', () => {
    const s0 = session();
    expect(decideStartExam(p, s0, bank, { id: 'ou_a' }, st(), '2026-10-15T15:00')).toMatchObject({ ok: false, why: { en: expect.stringContaining('Only the') } });
    expect(decideStartExam(p, s0, bank, { id: 'ou_pm' }, st(), '2026-10-15T13:00')).toMatchObject({ ok: false, why: { en: expect.stringContaining('has not started') } });
    const started = ok(decideStartExam(p, s0, bank, { id: 'ou_pm' }, st(), '2026-10-15T15:00'));
    expect(started.events).toMatchObject([{ action: 'training-exam', itemId: 'training:3', detail: expect.stringContaining('及格线 60%') }]);
    let s = started.session;
    expect(decideStartExam(p, s, bank, { id: 'ou_pm' }, st(), '2026-10-15T15:00')).toMatchObject({ ok: false });
    expect(decideAnswer(s, { id: 'ou_z' }, 0, 0, 'x')).toMatchObject({ ok: false, why: { en: expect.stringContaining('checked in') } });
    expect(decideAnswer(s, { id: 'ou_a' }, 9, 0, 'x')).toMatchObject({ ok: false });
    expect(decideAnswer(s, { id: 'ou_a' }, 0, 7, 'x')).toMatchObject({ ok: false });
    // ou_a: all right (A B B A A), first a wrong one changed; ou_b: two right.
    const aWrong = ok(decideAnswer(s, { id: 'ou_a' }, 0, 1, 'x'));
    expect(aWrong.outcome).toBe('answered');
    s = aWrong.session;
    const changed = ok(decideAnswer(s, { id: 'ou_a' }, 0, 0, 'x'));
    expect(changed.outcome).toBe('changed');
    s = changed.session;
    expect(ok(decideAnswer(s, { id: 'ou_a' }, 0, 0, 'x')).outcome).toBe('same');
    for (const [q, c] of [[1, 1], [2, 1], [3, 0], [4, 0]] as const) s = ok(decideAnswer(s, { id: 'ou_a' }, q, c, 'x')).session;
    for (const [q, c] of [[0, 0], [1, 1], [2, 0]] as const) s = ok(decideAnswer(s, { id: 'ou_b' }, q, c, 'x')).session;
    expect(scoreExam(s.exam!)).toEqual([
      { userId: 'ou_a', correct: 5, total: 5, percent: 100, passed: true },
      { userId: 'ou_b', correct: 2, total: 5, percent: 40, passed: false },
    ]);
    expect(decideEndExam(p, s, { id: 'ou_b' }, st())).toMatchObject({ ok: false });
    const closed = ok(decideEndExam(p, s, { id: 'ou_pm' }, st('2026-10-15T16:10:00+08:00')));
    expect(closed.events).toMatchObject([{ action: 'training-exam', detail: '考试结束:题库 oa-basics,2 人作答,1 人通过(及格线 60%)' }]);
    s = closed.session;
    expect(s.exam!.results).toHaveLength(2);
    expect(decideAnswer(s, { id: 'ou_a' }, 0, 1, 'x')).toMatchObject({ ok: false, why: { en: expect.stringContaining('has ended') } });
    expect(decideEndExam(p, s, { id: 'ou_pm' }, st())).toMatchObject({ ok: false });
  });

  it('cards: no answer key, buttons while open, person text escaped, own score only for others', () => {
    let s = ok(decideStartExam(p, session(), { ...bank, title: { zh: `题${EVIL}`, en: `T${EVIL}` } }, { id: 'ou_pm' }, st(), '2026-10-15T15:00')).session;
    const card = examCard(s, s.exam!, 'zh');
    const text = JSON.stringify(card);
    expect(text).not.toContain('"answer":');
    expect(shown(card)).not.toContain('<at id=all>');
    expect(shown(card)).not.toContain('](http');
    expect(shown(card)).not.toMatch(/(?<!\\)\*\*粗体/);
    expect(card.blocks.filter((b) => b.type === 'buttons')).toHaveLength(5);
    expect(text).toContain('示例题库');
    s = ok(decideAnswer(s, { id: 'ou_a', name: `A${EVIL}` }, 0, 0, 'x')).session;
    const n = shown(answerNote('answered', s, 0, { id: 'ou_a', name: `A${EVIL}`, isBot: false }, 'zh'));
    expect(n).not.toContain('<at id=all>');
    expect(n).toContain('答了第 1 题');
    expect(n).not.toContain('A. ');
    s = ok(decideEndExam(p, s, { id: 'ou_pm' }, st())).session;
    const all = shown(resultsCard(s, 'en'));
    expect(all).toContain('1/5 (20%) not passed');
    expect(all).not.toContain('<at id=all>');
    expect(all).not.toContain('](http');
    const own = JSON.stringify(resultsCard(s, 'zh', { id: 'ou_b', name: 'B', isBot: false }));
    expect(own).toContain('没有作答');
    expect(own).not.toContain('20%');
    expect(examCard(s, s.exam!, 'en').blocks.some((b) => b.type === 'buttons')).toBe(false);
  });
});
