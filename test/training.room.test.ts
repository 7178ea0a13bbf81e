import { describe, expect, it } from 'vitest';
import { checkInCode, codeMatches } from '../src/training/code.ts';
import { decideChange, decideCheckIn, decideCreate, decideNotice, decideSignUp, warnedOf, type SessionDraft } from '../src/training/decide.ts';
import { attendanceOf, checkWindows, dueNotices, noticeSlot, type Session } from '../src/training/model.ts';
import { parseTrainingCommand } from '../src/training/parse.ts';
import { shanghaiProject } from './support/fixtures.ts';

const TODAY = '2026-09-29';
const st = (at = '2026-10-15T13:50:00+08:00') => ({ at, via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: 'cmd' });
// Mon–Fri; 2026-10-15 is a Thursday, 10-19 a Monday.
const cal = { isWorkingDay: (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()) };
const p = shanghaiProject({
  roles: [
    { userId: 'ou_pm', role: 'vendor-pm' },
    { userId: 'ou_it', role: 'it-lead' },
    { userId: 'ou_lead', role: 'customer-lead' },
    { userId: 'ou_nominee', role: 'it-lead', pending: true },
  ],
});
const draft: SessionDraft = { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 10 };
const made = (over: Partial<SessionDraft> = {}, signUps: string[] = ['ou_a', 'ou_b']): Session => {
  const d = decideCreate(p, 3, { ...draft, ...over }, { id: 'ou_pm' }, st('2026-10-09T09:00:00+08:00'), cal, '2026-10-09T09:00');
  if (!d.ok) throw new Error(d.why.en);
  let s = d.session;
  for (const u of signUps) {
    const r = decideSignUp(p, s, { id: u, name: u.slice(3).toUpperCase() }, st('2026-10-09T09:00:00+08:00'), '2026-10-09T09:00');
    if (r.ok) s = r.session;
  }
  return s;
};
const noCode = { matches: () => false };
const take = (d: ReturnType<typeof decideCheckIn>): Session => {
  if (!d.ok) throw new Error(d.why.en);
  return d.session;
};

describe('reading the in-the-room commands', () => {
  it('reads check-in, the second check, attendance and the code page in both languages, with or without a number and a code', () => {
    const r = (s: string) => parseTrainingCommand(s, TODAY);
    expect(r('签到 3')).toEqual({ kind: 'check', lang: 'zh', check: 'check-in', no: 3 });
    expect(r('签到 #3 4821')).toEqual({ kind: 'check', lang: 'zh', check: 'check-in', no: 3, code: '4821' });
    expect(r('签到3 签到码 4821')).toEqual({ kind: 'check', lang: 'zh', check: 'check-in', no: 3, code: '4821' });
    expect(r('签到')).toEqual({ kind: 'check', lang: 'zh', check: 'check-in' });
    expect(r('签到 0482')).toEqual({ kind: 'check', lang: 'zh', check: 'check-in', no: 482, maybeCode: '0482' }); // a code without the number, unless #482 exists
    expect(r('确认在场 3 ４８２１')).toEqual({ kind: 'check', lang: 'zh', check: 'second-check', no: 3, code: '4821' }); // full-width digits
    expect(r('课堂确认 3')).toMatchObject({ check: 'second-check', no: 3 });
    expect(r('check in 3 4821')).toEqual({ kind: 'check', lang: 'en', check: 'check-in', no: 3, code: '4821' });
    expect(r('Check-in 3')).toMatchObject({ lang: 'en', check: 'check-in', no: 3 });
    expect(r('still here 3 code 4821')).toEqual({ kind: 'check', lang: 'en', check: 'second-check', no: 3, code: '4821' });
    expect(r('签到情况 3')).toEqual({ kind: 'attendance', lang: 'zh', no: 3 });
    expect(r('attendance 3')).toEqual({ kind: 'attendance', lang: 'en', no: 3 });
    expect(r('签到码 3')).toEqual({ kind: 'code-page', lang: 'zh', no: 3 });
    expect(r('check-in code 3')).toEqual({ kind: 'code-page', lang: 'en', no: 3 });
    // Questions about the rule stay questions.
    for (const q of ['签到之后就走了怎么办', 'users check in and leave', '签到码是什么', '确认 3']) expect(r(q)).toBeNull();
    expect(r('签到 3 1 2')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('用法:签到 3') });
  });

  it('reads 签到码 / code required when planning and changing, and leaves a place named "Code Lab" alone', () => {
    const r = (s: string) => parseTrainingCommand(s, TODAY);
    expect(r('新建培训 12-10 14:00-16:00 普通员工 地点 三楼 签到码 必须')).toMatchObject({ kind: 'create', draft: { delivery: { place: '三楼' }, codeRequired: true } });
    expect(r('修改培训 3 签到码')).toEqual({ kind: 'change', lang: 'zh', no: 3, patch: { codeRequired: true } });
    expect(r('修改培训 3 签到码 不需要')).toEqual({ kind: 'change', lang: 'zh', no: 3, patch: { codeRequired: false } });
    expect(r('new training 12-10 14:00-16:00 staff at Room 3 code required')).toMatchObject({ draft: { delivery: { place: 'Room 3' }, codeRequired: true } });
    expect(r('change training 3 no code')).toEqual({ kind: 'change', lang: 'en', no: 3, patch: { codeRequired: false } });
    expect(r('new training 12-10 14:00-16:00 staff at Code Lab')).toMatchObject({ draft: { delivery: { place: 'Code Lab' } } });
    expect(r('修改培训 3 签到码 也许')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('签到码 必须 / 签到码 不需要') });
  });
});

describe('check-in and the second check', () => {
  it('accepts check-in only from 15 minutes before the start to 30 after, and says when it opens', () => {
    const s = made();
    expect(checkWindows(s)).toEqual({ 'check-in': { from: '2026-10-15T13:45', to: '2026-10-15T14:30' }, 'second-check': { from: '2026-10-15T15:50', to: '2026-10-15T16:05' } });
    const early = decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T13:44', 'check-in', noCode);
    expect(early).toMatchObject({ ok: false, why: { zh: expect.stringContaining('签到时间:10-15 13:45–14:30;课堂确认时间:10-15 15:50–16:05'), en: expect.stringContaining('Check-in: 10-15 13:45–14:30') } });
    expect(decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T14:31', 'check-in', noCode).ok).toBe(false);
    const ok = decideCheckIn(p, s, { id: 'ou_a', name: 'A' }, st(), '2026-10-15T13:45', 'check-in', noCode);
    expect(ok).toMatchObject({ ok: true, outcome: 'checked-in', session: { checkIns: [{ userId: 'ou_a', kind: 'check-in', at: '2026-10-15T13:50:00+08:00', signedUp: true }] } });
    expect(ok.ok && ok.events.map((e) => [e.action, e.userId, e.role, e.detail])).toEqual([['training-checkin', 'ou_a', 'member', '签到,已报名']]);
    // Once per person; the same again changes nothing and records nothing.
    expect(decideCheckIn(p, take(ok), { id: 'ou_a' }, st(), '2026-10-15T14:00', 'check-in', noCode)).toMatchObject({ ok: true, outcome: 'already', events: [] });
  });

  it('lets anyone in the group check in, marking walk-ins and customer-side managers (roles in force only)', () => {
    let s = made();
    s = take(decideCheckIn(p, s, { id: 'ou_walkin', name: '路人' }, st(), '2026-10-15T14:05', 'check-in', noCode));
    s = take(decideCheckIn(p, s, { id: 'ou_it', name: '刘工' }, st(), '2026-10-15T14:06', 'check-in', noCode));
    const nominee = decideCheckIn(p, s, { id: 'ou_nominee' }, st(), '2026-10-15T14:07', 'check-in', noCode);
    expect(nominee.ok && nominee.session.checkIns.at(-1)).toMatchObject({ userId: 'ou_nominee', signedUp: false });
    expect(nominee.ok && nominee.session.checkIns.at(-1)!.manager).toBeUndefined(); // nominated, not accepted
    expect(s.checkIns.map((c) => [c.userId, c.signedUp, c.manager ?? false])).toEqual([['ou_walkin', false, false], ['ou_it', false, true]]);
    expect(s.names).toMatchObject({ ou_walkin: '路人', ou_it: '刘工' });
    const ev = decideCheckIn(p, s, { id: 'ou_lead' }, st(), '2026-10-15T14:08', 'check-in', noCode);
    expect(ev.ok && ev.events[0]).toMatchObject({ role: 'customer-lead', detail: '签到,未报名(现场加入),客户方管理人员(5.3-5)' });
  });

  it('needs the room\'s code when the session requires it: missing and wrong refused, this minute\'s or the last accepted', () => {
    expect(decideCreate(p, 1, { ...draft, delivery: { kind: 'video', link: 'https://meet.example.com/1' }, codeRequired: true }, { id: 'ou_pm' }, st(), cal, '2026-10-09T09:00')).toMatchObject({ ok: false, why: { zh: expect.stringContaining('签到码只用于现场培训') } });
    const s = made({ codeRequired: true });
    const at = new Date('2026-10-15T05:50:30Z'); // 13:50:30 in Shanghai
    const code = checkInCode('sekrit', s.id, at);
    const matches = (id: string, t: string) => codeMatches('sekrit', id, at, t);
    expect(decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T13:50', 'check-in', { matches })).toMatchObject({ ok: false, why: { zh: expect.stringContaining('需要讲师屏幕上的签到码:请发「签到 3 签到码」') } });
    const wrong = String((Number(code) + 1) % 10_000).padStart(4, '0');
    expect(decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T13:50', 'check-in', { typed: wrong, matches })).toMatchObject({ ok: false, why: { zh: expect.stringContaining('签到码不对或已过期') } });
    const ok = decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T13:50', 'check-in', { typed: code, matches });
    expect(ok).toMatchObject({ ok: true, session: { checkIns: [{ userId: 'ou_a', code: true }] } });
    expect(ok.ok && ok.events[0]!.detail).toBe('签到,已报名,凭签到码');
    // The code of the minute before still counts; two minutes back does not.
    const prev = checkInCode('sekrit', s.id, new Date(at.getTime() - 60_000));
    expect(decideCheckIn(p, s, { id: 'ou_b' }, st(), '2026-10-15T13:50', 'check-in', { typed: prev, matches }).ok).toBe(true);
    const old = checkInCode('sekrit', s.id, new Date(at.getTime() - 120_000));
    if (old !== code && old !== prev) expect(decideCheckIn(p, s, { id: 'ou_b' }, st(), '2026-10-15T13:50', 'check-in', { typed: old, matches }).ok).toBe(false);
    // Another session's code is not this one's.
    expect(checkInCode('sekrit', 'feishu:oc_1#4', at) === code ? true : decideCheckIn(p, s, { id: 'ou_b' }, st(), '2026-10-15T13:50', 'check-in', { typed: checkInCode('sekrit', 'feishu:oc_1#4', at), matches }).ok).toBe(false);
  });

  it('takes the second check near the end only from those who checked in; the attendance shows who signed in and left', () => {
    let s = made({}, ['ou_a', 'ou_b', 'ou_c']);
    for (const u of ['ou_a', 'ou_b']) s = take(decideCheckIn(p, s, { id: u }, st(), '2026-10-15T14:00', 'check-in', noCode));
    expect(decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T15:49', 'second-check', noCode)).toMatchObject({ ok: false, why: { en: expect.stringContaining('the second check: 10-15 15:50–16:05') } });
    // Typed 签到 during the second check: pointed at the right command.
    expect(decideCheckIn(p, s, { id: 'ou_c' }, st(), '2026-10-15T15:55', 'check-in', noCode)).toMatchObject({ ok: false, why: { zh: expect.stringContaining('现在是课堂确认时间:请发「确认在场 3」') } });
    expect(decideCheckIn(p, s, { id: 'ou_c' }, st(), '2026-10-15T15:55', 'second-check', noCode)).toMatchObject({ ok: false, why: { zh: expect.stringContaining('你没有签到培训 #3') } });
    const here = decideCheckIn(p, s, { id: 'ou_a' }, st(), '2026-10-15T15:55', 'second-check', noCode);
    expect(here.ok && here.events.map((e) => [e.action, e.detail])).toEqual([['training-secondcheck', '课堂确认']]);
    s = take(here);
    expect(attendanceOf(s, '2026-10-15T15:56')).toMatchObject({ checkedIn: ['ou_a', 'ou_b'], stayed: ['ou_a'], unconfirmed: ['ou_b'], absent: ['ou_c'], phase: 'second-check' });
    expect(attendanceOf(s, '2026-10-15T16:06')).toMatchObject({ unconfirmed: ['ou_b'], phase: 'over' });
    expect(decideCheckIn(p, { ...s, delivery: { kind: 'recorded', link: 'https://v.example.com/1' } }, { id: 'ou_a' }, st(), '2026-10-15T14:00', 'check-in', noCode)).toMatchObject({ ok: false, why: { en: expect.stringContaining('recorded video') } });
  });

  it('turns the code on or off until the end, but nothing else once started', () => {
    const s = made();
    expect(decideChange(p, s, { codeRequired: true }, { id: 'ou_pm' }, st(), cal, '2026-10-15T14:10')).toMatchObject({ ok: true, outcome: 'changed', changes: ['签到码 不需要 → 必须'], session: { codeRequired: true } });
    expect(decideChange(p, s, { codeRequired: true }, { id: 'ou_pm' }, st(), cal, '2026-10-15T16:00').ok).toBe(false);
    expect(decideChange(p, s, { capacity: 20 }, { id: 'ou_pm' }, st(), cal, '2026-10-15T14:10')).toMatchObject({ ok: false, why: { zh: expect.stringContaining('结束前只能开关签到码') } });
    expect(decideChange(p, s, { delivery: { kind: 'video', link: 'https://meet.example.com/1' } }, { id: 'ou_pm' }, st(), cal, '2026-10-09T09:00').ok).toBe(true);
    expect(decideChange(p, { ...s, codeRequired: true }, { delivery: { kind: 'video', link: 'https://meet.example.com/1' } }, { id: 'ou_pm' }, st(), cal, '2026-10-09T09:00').ok).toBe(false);
  });
});

describe('what the bot posts by itself', () => {
  const due = (s: Session, now: string) => dueNotices(s, '09:00', now, cal.isWorkingDay).map((n) => n.kind);

  it('reminds the day before at the posting time and an hour before, once each; none with nobody signed up', () => {
    const s = made(); // Thursday 10-15 14:00
    expect(due(s, '2026-10-14T08:59')).toEqual([]);
    expect(due(s, '2026-10-14T09:00')).toEqual(['remind-day']);
    expect(due(s, '2026-10-14T23:59')).toEqual(['remind-day']);
    expect(due(s, '2026-10-15T09:00')).toEqual([]); // its day passed: the hour before covers it
    expect(due(s, '2026-10-15T12:59')).toEqual([]);
    expect(due(s, '2026-10-15T13:00')).toEqual(['remind-hour']);
    expect(due(s, '2026-10-15T14:00')).toEqual([]);
    expect(due(made({}, []), '2026-10-14T09:00')).toEqual([]);
    // Recorded as sent: not due again; moved to another start, due again.
    const n = dueNotices(s, '09:00', '2026-10-14T09:00', cal.isWorkingDay)[0]!;
    expect(n.slot).toBe(noticeSlot(s, 'remind-day'));
    expect(n.slot).toBe('training:3:remind-day:2026-10-15T14:00');
    const d = decideNotice(p, s, n, 'om_r1', s.signedUp, { ...st('2026-10-14T09:00:00+08:00'), via: 'schedule' });
    expect(d).toMatchObject({ ok: true, outcome: 'noticed', session: { notices: [{ kind: 'remind-day', slot: n.slot, messageId: 'om_r1' }] } });
    expect(d.ok && d.events.map((e) => [e.action, e.userId, e.role, e.via, e.detail])).toEqual([['training-remind', 'bot', 'bot', 'schedule', '提前一天提醒,提及 2 人']]);
    if (!d.ok) return;
    expect(due(d.session, '2026-10-14T10:00')).toEqual([]);
    expect(decideNotice(p, d.session, n, 'om_r2', [], st())).toMatchObject({ outcome: 'unchanged', events: [] });
    expect(due({ ...d.session, start: '2026-10-16T14:00', end: '2026-10-16T16:00' }, '2026-10-15T10:00')).toEqual(['remind-day']);
  });

  it('sends nothing on a day off unless the session is that day: a Monday session is reminded on Friday', () => {
    const monday = made({ date: '2026-10-19', from: '08:30', to: '10:00' });
    expect(due(monday, '2026-10-18T09:00')).toEqual([]); // Sunday
    expect(due(monday, '2026-10-16T09:00')).toEqual(['remind-day']); // Friday
    expect(due(monday, '2026-10-19T07:30')).toEqual(['remind-hour']);
    // Just after midnight on a Monday: the hour before falls on Sunday, a day off that is not the session's.
    const early = made({ date: '2026-10-19', from: '00:30', to: '02:00' });
    expect(due(early, '2026-10-18T23:30')).toEqual([]);
    // A Saturday session: reminded on Friday, and on the Saturday itself an hour before.
    const saturday = made({ date: '2026-10-17', from: '10:00', to: '12:00' });
    expect(due(saturday, '2026-10-16T09:00')).toEqual(['remind-day']);
    expect(due(saturday, '2026-10-17T09:00')).toEqual(['remind-hour']);
  });

  it('warns 15 minutes into a staff session without a customer-side manager, until the end; not when one checked in', () => {
    const s = made({}, []);
    expect(due(s, '2026-10-15T14:14')).toEqual([]);
    expect(due(s, '2026-10-15T14:15')).toEqual(['manager-absent']);
    expect(due(s, '2026-10-15T15:59')).toEqual(['manager-absent']);
    expect(due(s, '2026-10-15T16:00')).toEqual([]);
    const withIt = take(decideCheckIn(p, s, { id: 'ou_it' }, st(), '2026-10-15T14:10', 'check-in', noCode));
    expect(due(withIt, '2026-10-15T14:15')).toEqual([]);
    expect(due(made({ audience: 'middle' }, []), '2026-10-15T14:15')).toEqual([]);
    expect(due(made({ delivery: { kind: 'recorded', link: 'https://v.example.com/1' } }, []), '2026-10-15T14:15')).toEqual([]);
    expect(due({ ...s, cancelled: true }, '2026-10-15T14:15')).toEqual([]);
    expect(warnedOf(p)).toEqual({ vendorPm: ['ou_pm'], customerLead: ['ou_lead'] });
    const n = dueNotices(s, '09:00', '2026-10-15T14:15', cal.isWorkingDay)[0]!;
    const d = decideNotice(p, s, n, 'om_w', ['ou_pm', 'ou_lead'], { ...st(), via: 'schedule' });
    expect(d.ok && d.events[0]).toMatchObject({ action: 'training-warn', role: 'bot', detail: '开始 15 分钟仍无客户方管理人员签到(5.3-5),提及 2 人' });
  });
});
