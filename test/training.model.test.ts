import { describe, expect, it } from 'vitest';
import { checkInCode, codeMatches } from '../src/training/code.ts';
import { attendance, cancelSignUp, MAX_SESSION_SIZE, openCheck, planSession, signUp, type Session } from '../src/training/model.ts';
import { rulebook } from './support/checklist-world.ts';

const workingDays = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
const base = { id: 's1', projectId: 'feishu:oc_1', no: 1, title: '中层管理培训', audience: 'middle' as const, delivery: { kind: 'onsite' as const, place: '三楼会议室' }, start: '2026-12-10T14:00', end: '2026-12-10T16:00', trainer: 'vendor' as const, capacity: 40 };
const planned = (over: Partial<Session> = {}) => {
  const p = planSession({ ...base, ...over }, workingDays);
  if (!p.ok) throw new Error(p.why.en);
  return p.session;
};

describe('planning a training session', () => {
  it('refuses more than 60 per session with the rule 5.2-10, unless an admin overrides with a reason', () => {
    const r = planSession({ ...base, capacity: 80 }, workingDays);
    expect(r).toMatchObject({ ok: false, rule: '5.2-10' });
    // The rule it quotes is the rulebook's 5.2-10, which says 60.
    const rule = rulebook.byId.get('5.2-10');
    expect(rule?.kind === 'risk' && rule.countermeasure.zh).toContain(`${MAX_SESSION_SIZE}人以下`);
    expect(planSession({ ...base, capacity: 80, override: { by: 'ou_admin', reason: '全员大会式的宣贯,另有分场答疑' } }, workingDays).ok).toBe(true);
    expect(planSession({ ...base, capacity: 80, override: { by: 'ou_admin', reason: '' } }, workingDays).ok).toBe(false);
  });

  it('warns about a day that is not a working day, and refuses an end before the start or a limit below the sign-ups', () => {
    const sat = planSession({ ...base, start: '2026-12-12T09:00', end: '2026-12-12T11:00' }, workingDays);
    expect(sat.ok && sat.warnings.map((w) => w.zh)).toEqual(['2026-12-12 不是本项目日历的工作日。']);
    expect(planSession({ ...base, end: '2026-12-10T13:00' }, workingDays).ok).toBe(false);
    expect(planSession({ ...base, capacity: 1, signedUp: ['a', 'b'] }, workingDays).ok).toBe(false);
    expect(planSession({ ...base, delivery: { kind: 'video', link: 'javascript:alert(1)' } }, workingDays).ok).toBe(false);
    expect(planSession({ ...base, surprise: 1 } as never, workingDays).ok).toBe(false); // strict
  });
});

describe('sign-up (接龙)', () => {
  it('fills the seats, then the waitlist; a cancel moves the first waiting person up', () => {
    let s = planned({ capacity: 2 });
    for (const u of ['a', 'b', 'c', 'd']) {
      const r = signUp(s, u);
      if (!r.ok) throw new Error('refused');
      s = r.session;
    }
    expect([s.signedUp, s.waitlist]).toEqual([['a', 'b'], ['c', 'd']]);
    expect(signUp(s, 'a')).toMatchObject({ ok: true, outcome: 'already' });
    const c = cancelSignUp(s, 'a');
    expect(c).toMatchObject({ ok: true, outcome: 'moved-up', movedUp: 'c' });
    if (!c.ok) return;
    expect([c.session.signedUp, c.session.waitlist]).toEqual([['b', 'c'], ['d']]);
    expect(cancelSignUp(c.session, 'zz')).toMatchObject({ outcome: 'not-signed-up' });
    expect(signUp({ ...c.session, cancelled: true }, 'e').ok).toBe(false);
  });
});

describe('in the room', () => {
  it('opens check-in 15 minutes before the start until 30 after, and the second check near the end', () => {
    const s = planned();
    expect(openCheck(s, '2026-12-10T13:44')).toBe('closed');
    expect(openCheck(s, '2026-12-10T13:45')).toBe('check-in');
    expect(openCheck(s, '2026-12-10T14:30')).toBe('check-in');
    expect(openCheck(s, '2026-12-10T14:31')).toBe('closed');
    expect(openCheck(s, '2026-12-10T15:50')).toBe('second-check');
    expect(openCheck(s, '2026-12-10T16:05')).toBe('second-check');
    expect(openCheck(s, '2026-12-10T16:06')).toBe('closed');
  });

  it('names who signed in and left (5.3-5)', () => {
    expect(attendance(['a', 'b', 'c'], ['a', 'c', 'x'])).toEqual({ stayed: ['a', 'c'], left: ['b'] });
  });

  it('takes the code shown this minute or the one before, and no other', () => {
    const at = new Date('2026-12-10T06:00:30Z');
    const code = checkInCode('secret', 's1', at);
    expect(code).toMatch(/^\d{4}$/);
    expect(codeMatches('secret', 's1', at, code)).toBe(true);
    expect(codeMatches('secret', 's1', new Date(at.getTime() + 60_000), code)).toBe(true);
    expect(codeMatches('secret', 's1', new Date(at.getTime() + 120_000), code)).toBe(false);
    expect(codeMatches('other-secret', 's1', at, code)).toBe(false);
  });
});
