import { describe, expect, it } from 'vitest';
import { decideCancel, decideCancelSignUp, decideChange, decideCreate, decideSignUp, type SessionDraft } from '../src/training/decide.ts';
import type { Session } from '../src/training/model.ts';
import { parseTrainingCommand } from '../src/training/parse.ts';
import { shanghaiProject } from './support/fixtures.ts';

const TODAY = '2026-09-29';

describe('reading training commands', () => {
  it('reads the Chinese and English forms of a new session, with their defaults and options', () => {
    expect(parseTrainingCommand('新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室', TODAY)).toEqual({
      kind: 'create',
      lang: 'zh',
      draft: { date: '2026-12-10', from: '14:00', to: '16:00', audience: 'middle', capacity: 40, delivery: { kind: 'onsite', place: '三楼会议室' } },
    });
    expect(parseTrainingCommand('new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3', TODAY)).toMatchObject({ kind: 'create', lang: 'en', draft: { audience: 'middle', capacity: 40, delivery: { kind: 'onsite', place: 'Room 3' } } });
    expect(parseTrainingCommand('新建培训 2027年1月8日 9点-11点 普通员工 链接 https://meeting.example.com/j/1 讲师 客户 部门 财务部、人事部 标题 报销流程 超额原因 不需要', TODAY)).toMatchObject({
      draft: { date: '2027-01-08', from: '09:00', to: '11:00', audience: 'staff', delivery: { kind: 'video', link: 'https://meeting.example.com/j/1' }, trainer: 'customer-admin', departments: ['财务部', '人事部'], title: '报销流程', overrideReason: '不需要' },
    });
    expect(parseTrainingCommand('new training 12-11 10:00-11:00 key users recorded https://video.example.com/v/9 trainer vendor', TODAY)).toMatchObject({ draft: { audience: 'key-users', delivery: { kind: 'recorded' }, trainer: 'vendor' } });
    // The override reason is the rest of the message, whatever it says.
    expect(parseTrainingCommand('新建培训 12-10 14:00-16:00 高层领导 上限80 地点 礼堂 超额原因 年度大会 地点 另定', TODAY)).toMatchObject({ draft: { overrideReason: '年度大会 地点 另定', delivery: { place: '礼堂' } } });
    // "01-12" said in December is next January; a day just past stays this year's (the reply says it is past).
    expect(parseTrainingCommand('新建培训 01-12 14:00-16:00 员工 地点 A', '2026-12-20')).toMatchObject({ draft: { date: '2027-01-12' } });
    expect(parseTrainingCommand('新建培训 09-20 14:00-16:00 员工 地点 A', TODAY)).toMatchObject({ draft: { date: '2026-09-20' } });
  });

  it('says what is wrong with a malformed command, with the usage, and leaves other text alone', () => {
    const bad = (s: string) => parseTrainingCommand(s, TODAY);
    expect(bad('新建培训 12-10 14:00-16:00 中层管理 上限40')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('缺少地点') });
    expect(bad('新建培训 12-10 中层管理 地点 A')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('缺少时间段') });
    expect(bad('新建培训 02-30 14:00-16:00 中层管理 地点 A')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('不是有效日期') });
    expect(bad('新建培训 12-10 14:00-16:00 经理们 地点 A')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('不认识培训对象 "经理们"') });
    expect(bad('new training 12-10 14:00-16:00 staff at A link https://x.example')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('give one of place, link or recorded') });
    expect(bad('new training 12-10 14:00-16:00 staff link javascript:alert(1)')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('not an http(s) link') });
    expect(bad('new training 12-10 14:00-16:00 staff cap many at A')).toMatchObject({ kind: 'invalid' });
    // Typed markup in an error is text (core markdown escapes).
    expect(bad('新建培训 12-10 14:00-16:00 @{all}**x** 地点 A')).toMatchObject({ error: expect.stringContaining('\\@{all}\\*\\*x\\*\\*') });
    expect(bad('修改培训 3')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('没有要修改的内容') });
    expect(bad('修改培训 3 上限50 地点 B')).toEqual({ kind: 'change', lang: 'zh', no: 3, patch: { capacity: 50, delivery: { kind: 'onsite', place: 'B' } } });
    expect(bad('取消培训 #2')).toEqual({ kind: 'cancel', lang: 'zh', no: 2 });
    expect(bad('培训列表')).toEqual({ kind: 'list', lang: 'zh' });
    expect(bad('training 4')).toEqual({ kind: 'show', lang: 'en', no: 4 });
    for (const other of ['培训人数多怎么办', '取消 3', 'too many trainees in one session', '确认 3', 'training plan signed?']) expect(bad(other)).toBeNull();
  });
});

describe('training decisions', () => {
  const st = { at: '2026-10-09T09:12:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: 'cmd' };
  const cal = { isWorkingDay: (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()) };
  const NOW = '2026-10-09T09:12';
  const draft: SessionDraft = { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 2 };
  const p = shanghaiProject({
    roles: [
      { userId: 'ou_pm', role: 'vendor-pm' },
      { userId: 'ou_it', role: 'it-lead' },
      { userId: 'ou_lead', role: 'customer-lead', pending: true },
    ],
  });
  const made = (over: Partial<SessionDraft> = {}): Session => {
    const d = decideCreate(p, 1, { ...draft, ...over }, { id: 'ou_pm' }, st, cal, NOW);
    if (!d.ok) throw new Error(d.why.en);
    return d.session;
  };

  it('lets the admin and the planning roles plan, not members nor a role still pending; only some may override 60', () => {
    expect(decideCreate(p, 1, draft, { id: 'ou_admin' }, st, cal, NOW).ok).toBe(true);
    expect(decideCreate(p, 1, draft, { id: 'ou_it' }, st, cal, NOW).ok).toBe(true);
    expect(decideCreate(p, 1, draft, { id: 'ou_member' }, st, cal, NOW)).toMatchObject({ ok: false, why: { en: expect.stringContaining('Only the project admin, vendor-pm, customer-lead or it-lead') } });
    expect(decideCreate(p, 1, draft, { id: 'ou_lead' }, st, cal, NOW).ok).toBe(false); // nominated, not accepted
    const big = { ...draft, capacity: 61, overrideReason: '全员宣贯,另有分场答疑' };
    expect(decideCreate(p, 1, { ...big, overrideReason: undefined }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: false, rule: '5.2-10' });
    expect(decideCreate(p, 1, big, { id: 'ou_it' }, st, cal, NOW)).toMatchObject({ ok: false, rule: '5.2-10', why: { en: expect.stringContaining('your role is it-lead') } });
    expect(decideCreate(p, 1, { ...big, overrideReason: '大会' }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: false, why: { zh: expect.stringContaining('至少 5 个字') } });
    const ok = decideCreate(p, 1, big, { id: 'ou_pm', name: '张经理' }, st, cal, NOW);
    expect(ok).toMatchObject({ ok: true, session: { capacity: 61, override: { by: 'ou_pm', reason: '全员宣贯,另有分场答疑' } } });
    expect(ok.ok && ok.events.map((e) => [e.action, e.role, e.userName])).toEqual([['training-create', 'vendor-pm', '张经理'], ['training-override', 'vendor-pm', '张经理']]);
    // A reason where none is needed is only a warning; a past start is refused; a Saturday is warned about.
    const unneeded = decideCreate(p, 1, { ...draft, overrideReason: '用不上的理由' }, { id: 'ou_pm' }, st, cal, NOW);
    expect(unneeded).toMatchObject({ ok: true, warnings: [{ zh: expect.stringContaining('超额原因没有使用') }] });
    expect(unneeded.ok && [unneeded.session.override, unneeded.events.map((e) => e.action)]).toEqual([undefined, ['training-create']]);
    expect(decideCreate(p, 1, { ...draft, date: '2026-10-08' }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: false, why: { en: expect.stringContaining('in the past') } });
    expect(decideCreate(p, 1, { ...draft, date: '2026-10-17' }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: true, warnings: [{ zh: '2026-10-17 不是本项目日历的工作日。' }] });
  });

  it('changes a session: a larger limit moves the waiting up, a limit below the sign-ups is refused, 60 stays the rule', () => {
    let s = made();
    for (const u of ['a', 'b', 'c', 'd']) {
      const d = decideSignUp(p, s, { id: u, name: u.toUpperCase() }, st, NOW);
      if (!d.ok) throw new Error('refused');
      s = d.session;
    }
    expect([s.signedUp, s.waitlist]).toEqual([['a', 'b'], ['c', 'd']]);
    const grown = decideChange(p, s, { capacity: 3, delivery: { kind: 'onsite', place: 'B' } }, { id: 'ou_pm' }, st, cal, NOW);
    expect(grown).toMatchObject({ ok: true, outcome: 'changed', movedUp: ['c'], changes: ['方式 现场:A → 现场:B', '上限 2 → 3'], session: { signedUp: ['a', 'b', 'c'], waitlist: ['d'] } });
    expect(grown.ok && grown.events.map((e) => [e.action, e.subjectId ?? null, e.detail])).toEqual([['training-change', null, '方式 现场:A → 现场:B; 上限 2 → 3'], ['training-moveup', 'c', '座位 3/3']]);
    expect(decideChange(p, s, { capacity: 1 }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: false });
    expect(decideChange(p, s, { capacity: 70 }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: false, rule: '5.2-10' });
    expect(decideChange(p, s, { capacity: 2 }, { id: 'ou_pm' }, st, cal, NOW)).toMatchObject({ ok: true, outcome: 'unchanged', events: [] });
    expect(decideChange(p, s, { capacity: 3 }, { id: 'ou_member' }, st, cal, NOW).ok).toBe(false);
    expect(decideChange(p, s, { capacity: 3 }, { id: 'ou_pm' }, st, cal, '2026-10-15T14:00')).toMatchObject({ ok: false, why: { en: expect.stringContaining('has started') } });
    // An overridden session keeps its reason while it stays above 60.
    const big = made({ capacity: 80, overrideReason: '全员宣贯,另有分场答疑' });
    expect(decideChange(p, big, { capacity: 75 }, { id: 'ou_it' }, st, cal, NOW)).toMatchObject({ ok: true, session: { capacity: 75, override: { reason: '全员宣贯,另有分场答疑' } } });
  });

  it('closes sign-up at the start and on cancellation; cancelling one\'s sign-up moves the first waiting up', () => {
    let s = made({ capacity: 1 });
    for (const u of ['a', 'b']) {
      const d = decideSignUp(p, s, { id: u, name: u.toUpperCase() }, st, NOW);
      if (d.ok) s = d.session;
    }
    expect(decideSignUp(p, s, { id: 'c' }, st, '2026-10-15T14:00')).toMatchObject({ ok: false, why: { en: expect.stringContaining('sign-up is closed') } });
    const gone = decideCancelSignUp(p, s, { id: 'a' }, st, NOW);
    expect(gone).toMatchObject({ ok: true, outcome: 'unsigned', movedUp: ['b'], session: { signedUp: ['b'], waitlist: [], names: { b: 'B' } } });
    expect(gone.ok && gone.events.map((e) => [e.action, e.userId, e.subjectId, e.subjectName, e.detail])).toEqual([
      ['training-unsignup', 'a', undefined, undefined, '让出座位'],
      ['training-moveup', 'a', 'b', 'B', '座位 1/1'],
    ]);
    const cancelled = decideCancel(p, s, { id: 'ou_pm' }, st);
    expect(cancelled).toMatchObject({ ok: true, outcome: 'cancelled', session: { cancelled: true } });
    if (!cancelled.ok) return;
    expect(decideCancel(p, cancelled.session, { id: 'ou_pm' }, st)).toMatchObject({ outcome: 'unchanged', events: [] });
    expect(decideSignUp(p, cancelled.session, { id: 'c' }, st, NOW).ok).toBe(false);
    expect(decideCancel(p, s, { id: 'ou_member' }, st).ok).toBe(false);
  });
});
