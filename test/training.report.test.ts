import { describe, expect, it } from 'vitest';
import { cardText } from '../src/core/card.ts';
import { sessionCard } from '../src/training/card.ts';
import { decideChange, decideCreate } from '../src/training/decide.ts';
import { pickBank } from '../src/training/exam.ts';
import { ExamBank } from '../src/training/exam-model.ts';
import { Session, type CheckIn } from '../src/training/model.ts';
import { reminderCard } from '../src/training/notice-card.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { parseTrainingCommand } from '../src/training/parse.ts';
import { factLine, ruleFacts, trainingReport } from '../src/training/report-model.ts';

const P = 'feishu:oc_1';
const ci = (userId: string, kind: CheckIn['kind'], at: string, over: Partial<CheckIn> = {}): CheckIn => ({ userId, kind, at: `${at}:00+08:00`, signedUp: true, ...over });
const session = (no: number, over: Partial<Session>): Session =>
  Session.parse({ id: `${P}#${no}`, projectId: P, no, title: `S${no}`, audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, start: '2026-12-10T14:00', end: '2026-12-10T16:00', trainer: 'vendor', capacity: 40, ...over });

describe('the training report (report-model.ts)', () => {
  const sessions = [
    // Held: three signed up, two came, one stayed to the second check, one walk-in; a manager came.
    session(1, { departments: ['财务部', '人事部'], signedUp: ['a', 'b', 'c'], checkIns: [ci('a', 'check-in', '2026-12-10T13:50'), ci('b', 'check-in', '2026-12-10T13:55', { manager: true }), ci('w', 'check-in', '2026-12-10T14:05', { signedUp: false }), ci('a', 'second-check', '2026-12-10T15:52')] }),
    // Held, staff, no manager came (5.3-5), given by the customer's admin (5.3-4), its exam closed.
    session(2, { departments: ['财务部'], trainer: 'customer-admin', signedUp: ['d', 'e'], checkIns: [ci('d', 'check-in', '2026-12-10T13:58')], exam: { bank: { example: false, module: 'm', title: { zh: 't', en: 't' }, passMark: 60, questions: [{ id: 'q', text: { zh: 'q', en: 'q' }, choices: [{ zh: 'a', en: 'a' }, { zh: 'b', en: 'b' }], answer: 'A' }] }, startedBy: 'pm', startedAt: 'x', answers: {}, results: [{ userId: 'd', correct: 1, total: 1, percent: 100, passed: true }] } }),
    // Not yet held: leaders, over 60 with an audited override; remote by video.
    session(3, { audience: 'leaders', start: '2026-12-11T09:00', end: '2026-12-11T10:00', capacity: 80, override: { by: 'pm', reason: '全体高管一次讲完' }, delivery: { kind: 'video', link: 'https://meet.example/1' }, signedUp: ['l1'] }),
    session(4, { cancelled: true, signedUp: ['x', 'y'] }),
  ];
  const r = trainingReport(sessions, '2026-12-10T17:00');

  it('counts sessions, people, who stayed and who signed in and left, leaving cancelled ones out', () => {
    expect(r.cancelled).toBe(1);
    expect(r.totals).toEqual({ sessions: 3, held: 2, signedUp: 6, checkedIn: 4, stayed: 1, left: 3, examined: 1, passed: 1 });
    expect(r.sessions.map((f) => [f.no, f.checkedIn, f.walkIns, f.stayed, f.left, f.managerPresent])).toEqual([
      [1, 3, 1, 1, 2, true],
      [2, 1, 0, 0, 1, false],
      [3, 0, 0, 0, 0, undefined],
    ]);
  });

  it('per level and per department, the leaders, the customer-admin share, remote, the largest, the manager gaps', () => {
    expect(r.byAudience).toEqual([
      { audience: 'leaders', sessions: 1, signedUp: 1, checkedIn: 0, stayed: 0 },
      { audience: 'staff', sessions: 2, signedUp: 5, checkedIn: 4, stayed: 1 },
    ]);
    expect(r.byDepartment).toEqual([
      { department: '财务部', sessions: 2, signedUp: 5, checkedIn: 4, stayed: 1 },
      { department: '人事部', sessions: 1, signedUp: 3, checkedIn: 3, stayed: 1 },
    ]);
    expect(r.leaders).toEqual({ leaderSessions: 1, middleSessions: 0, stayed: 0 });
    expect(r.customerTrainer).toEqual({ sessions: 1, percent: 33 });
    expect(r.remote).toEqual({ video: 1, recorded: 0, checkedIn: 0 });
    expect(r.largest).toEqual({ capacity: 80, withinLimit: false, overrides: [3] });
    expect(r.managerMissing).toEqual([2]);
  });

  it('says what the plan keeps of 5.2-10, 5.2-15, 5.3-4 and 5.3-5, and nothing when nothing is planned', () => {
    const zh = new Map([...ruleFacts(r, 'zh')].map(([k, f]) => [k, factLine(f)]));
    expect(zh.get('5.2-10')).toBe('⚠️ 第 3 场超过60人(经批准)');
    expect(zh.get('5.2-15')).toBe('⚠️ 尚未安排中层管理的培训场次');
    expect(zh.get('5.3-4')).toBe('客户管理员主讲 1/3 场(33%)');
    expect(zh.get('5.3-5')).toBe('⚠️ 第 2 场员工培训没有客户管理人员在场');
    expect(factLine(ruleFacts(r, 'en').get('5.2-15')!)).toBe('⚠️ no session yet for middle managers');
    expect(ruleFacts(r, 'zh').get('5.3-4')).toEqual({ text: '客户管理员主讲 1/3 场(33%)' });
    expect(ruleFacts(trainingReport([sessions[3]!], '2026-12-10T17:00'), 'zh').size).toBe(0);
    const fine = trainingReport([session(5, { audience: 'leaders' }), session(6, { audience: 'middle' })], '2026-12-01T09:00');
    expect(ruleFacts(fine, 'zh').get('5.2-15')).toEqual({ ok: true, text: '已安排高层领导 1 场、中层管理 1 场' });
    expect(factLine(ruleFacts(fine, 'zh').get('5.2-10')!)).toBe('✅ 2 场培训,最大一场 40 人(不超过60人)');
    expect(ruleFacts(fine, 'zh').has('5.3-5')).toBe(false);
  });
});

it('reads 培训报告 / training report, and leaves the pre-launch reports and questions alone', () => {
  expect(parseTrainingCommand('培训报告', '2026-12-01')).toEqual({ kind: 'report', lang: 'zh' });
  expect(parseTrainingCommand('Training report', '2026-12-01')).toEqual({ kind: 'report', lang: 'en' });
  for (const q of ['报告', 'risk report', '培训报告怎么写']) expect(parseTrainingCommand(q, '2026-12-01')?.kind).not.toBe('report');
});

describe('the training goal (a go-live criterion)', () => {
  const ex = (results: { userId: string; passed: boolean }[]) => ({ bank: { example: false, module: 'm', title: { zh: 't', en: 't' }, passMark: 60, questions: [{ id: 'q', text: { zh: 'q', en: 'q' }, choices: [{ zh: 'a', en: 'a' }, { zh: 'b', en: 'b' }], answer: 'A' as const }] }, startedBy: 'pm', startedAt: 'x', answers: {}, results: results.map((r) => ({ ...r, correct: r.passed ? 1 : 0, total: 1, percent: r.passed ? 100 : 0 })) });
  const ku = [
    // Four invited key users: a stayed and passed; b stayed and failed; c passed but left before the second check; d never came. A walk-in w stayed and passed.
    session(7, { audience: 'key-users', signedUp: ['a', 'b', 'c', 'd'], checkIns: [ci('a', 'check-in', '2026-12-10T13:50'), ci('b', 'check-in', '2026-12-10T13:50'), ci('c', 'check-in', '2026-12-10T13:50'), ci('w', 'check-in', '2026-12-10T14:00', { signedUp: false }), ci('a', 'second-check', '2026-12-10T15:52'), ci('b', 'second-check', '2026-12-10T15:52'), ci('w', 'second-check', '2026-12-10T15:53')], exam: ex([{ userId: 'a', passed: true }, { userId: 'b', passed: false }, { userId: 'c', passed: true }, { userId: 'w', passed: true }]) }),
    session(8, { audience: 'staff', signedUp: ['s1'] }),
  ];
  it('counts who was invited to the audience, stayed to the end and passed; says it under 5.3-3', () => {
    const r = trainingReport(ku, '2026-12-10T17:00', { percent: 40, audience: 'key-users', by: 'pm', at: 'x' });
    expect(r.goal).toEqual({ percent: 40, audience: 'key-users', invited: 5, met: 2, reached: 40, ok: true });
    expect(factLine(ruleFacts(r, 'zh').get('5.3-3')!)).toBe('✅ 培训目标:受邀关键用户 40% 完成培训并通过考试,当前 40%(2/5)');
    const strict = trainingReport(ku, '2026-12-10T17:00', { percent: 90, audience: 'all', by: 'pm', at: 'x' });
    expect(strict.goal).toMatchObject({ invited: 6, met: 2, reached: 33, ok: false });
    expect(factLine(ruleFacts(strict, 'en').get('5.3-3')!)).toBe('⚠️ Training goal: 90% of everyone invited trained and passed, now 33% (2/6)');
    // No goal, no line; a goal with nobody invited is not met.
    expect(ruleFacts(trainingReport(ku, '2026-12-10T17:00'), 'zh').has('5.3-3')).toBe(false);
    expect(trainingReport([], '2026-12-10T17:00', { percent: 50, audience: 'leaders', by: 'pm', at: 'x' }).goal).toMatchObject({ invited: 0, ok: false });
  });
  it('reads 设置培训目标 90% 关键用户 / training goal 80% all / 取消培训目标, and says how to write it', () => {
    expect(parseTrainingCommand('设置培训目标 90% 关键用户', '2026-12-01')).toEqual({ kind: 'goal', lang: 'zh', percent: 90, audience: 'key-users' });
    expect(parseTrainingCommand('培训目标 80%', '2026-12-01')).toEqual({ kind: 'goal', lang: 'zh', percent: 80, audience: 'key-users' });
    expect(parseTrainingCommand('training goal 80% all', '2026-12-01')).toEqual({ kind: 'goal', lang: 'en', percent: 80, audience: 'all' });
    expect(parseTrainingCommand('取消培训目标', '2026-12-01')).toEqual({ kind: 'goal', lang: 'zh', audience: 'all' });
    expect(parseTrainingCommand('设置培训目标 150%', '2026-12-01')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('用法:设置培训目标') });
    expect(parseTrainingCommand('培训目标怎么定', '2026-12-01')).toMatchObject({ kind: 'invalid' });
  });
});

describe("the attendees' duty and the exercises (5.2-16)", () => {
  const p = shanghaiProject({ roles: [{ userId: 'ou_pm', role: 'vendor-pm' }] });
  const st = { at: '2026-12-01T09:00:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: 'cmd' };
  const cal = { isWorkingDay: () => true };
  it('are read from the command, kept on the session, shown on its card and in the reminders, and a change is audited', () => {
    const cmd = parseTrainingCommand('新建培训 12-10 14:00-16:00 普通员工 上限40 地点 三楼 职责 回部门给同事讲一遍 **务必** 练习 https://x.example/ex.pdf', '2026-12-01');
    expect(cmd).toMatchObject({ kind: 'create', draft: { duty: '回部门给同事讲一遍 **务必**', exercises: 'https://x.example/ex.pdf', delivery: { kind: 'onsite', place: '三楼' } } });
    if (cmd?.kind !== 'create') return;
    const d = decideCreate(p, 1, cmd.draft, { id: 'ou_pm' }, st, cal, '2026-12-01T09:00');
    if (!d.ok) throw new Error(d.why.en);
    expect(d.session).toMatchObject({ duty: '回部门给同事讲一遍 **务必**', exercises: 'https://x.example/ex.pdf' });
    const card = sessionCard(p, d.session, { open: true, checks: true }).blocks.map((b) => ('md' in b ? b.md : '')).join('\n');
    expect(card).toContain('📌 学员职责: 回部门给同事讲一遍 \\*\\*务必\\*\\*'); // people's text is data
    expect(card).toContain('📝 课前练习: https://x.example/ex.pdf');
    expect(cardText(reminderCard(p, d.session, 'remind-day', 'zh'))).toContain('课前练习: https://x.example/ex.pdf');
    const ch = parseTrainingCommand('修改培训 1 职责 写一份部门操作说明', '2026-12-01');
    if (ch?.kind !== 'change') throw new Error('not a change');
    const c = decideChange(p, d.session, ch.patch, { id: 'ou_pm' }, st, cal, '2026-12-01T09:00');
    if (!c.ok) throw new Error(c.why.en);
    expect(c.events.map((e) => e.detail)).toEqual(['职责 回部门给同事讲一遍 **务必** → 写一份部门操作说明']);
    expect(parseTrainingCommand(`新建培训 12-10 14:00-16:00 普通员工 地点 三楼 职责 ${'长'.repeat(301)}`, '2026-12-01')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('职责最多 300 个字') });
  });
});

describe('question banks per project', () => {
  const q = [{ id: 'q', text: { zh: 'q', en: 'q' }, choices: [{ zh: 'a', en: 'a' }, { zh: 'b', en: 'b' }], answer: 'A' as const }];
  const bank = (module: string, projects?: string[]) => ({ example: false, module, title: { zh: module, en: module }, passMark: 60, questions: q, ...(projects ? { projects } : {}) });
  it('a project sees its own banks and those for every project, never another project\'s', () => {
    const banks = [bank('common'), bank('acme-finance', ['feishu:oc_acme']), bank('beta-hr', ['slack:C_BETA'])];
    expect(pickBank(banks, 'acme-finance', 'feishu:oc_acme')).toMatchObject({ module: 'acme-finance' });
    expect(pickBank(banks, 'beta-hr', 'feishu:oc_acme')).toMatchObject({ zh: expect.stringContaining('没有题库 "beta-hr"') });
    expect(pickBank(banks, undefined, 'slack:C_OTHER')).toMatchObject({ module: 'common' }); // the only one it sees
    expect(pickBank(banks, undefined, 'feishu:oc_acme')).toMatchObject({ en: expect.stringContaining('There are 2 banks') });
    expect(() => ExamBank.parse({ ...bank('x'), projects: [] })).toThrow();
  });
});
