import type { ProjectRecord } from '../store/records.ts';
import { sessionResults } from './exam-results.ts';
import { attendanceOf, AUDIENCES, MAX_SESSION_SIZE, needsManager, type Audience, type Session } from './model.ts';

/**
 * The training report's figures (issue 15, "The training report"), pure: what the sessions of a
 * project came to at local time `now`. Counts are of people by user id; a session's departments
 * are the ones it was planned for (people carry no department of their own). Cancelled sessions
 * are counted apart and left out of everything else.
 */

export interface SessionFigures {
  no: number;
  title: string;
  audience: Audience;
  departments: string[];
  delivery: Session['delivery']['kind'];
  trainer: Session['trainer'];
  start: string;
  end: string;
  capacity: number;
  /** The session's start has passed (local time). */
  held: boolean;
  signedUp: number;
  waitlist: number;
  checkedIn: number;
  walkIns: number;
  /** Confirmed at the second check (课堂确认). */
  stayed: number;
  /** Checked in and not confirmed at the end, once the second check closed (5.3-5). */
  left: number;
  /** Sessions that need one (staff, not a recording: 5.3-5): whether a customer-side manager checked in. */
  managerPresent?: boolean;
  exam?: { closed: boolean; taken: number; passed: number };
}

export interface GroupFigures {
  sessions: number;
  signedUp: number;
  checkedIn: number;
  stayed: number;
}

export interface TrainingReport {
  sessions: SessionFigures[];
  cancelled: number;
  totals: GroupFigures & { held: number; left: number; examined: number; passed: number };
  /** Per audience level, in AUDIENCES order, only levels with a session. */
  byAudience: ({ audience: Audience } & GroupFigures)[];
  /** Per department a session was planned for, most people first. */
  byDepartment: ({ department: string } & GroupFigures)[];
  /** 5.2-15: sessions for senior leaders and for middle managers. */
  leaders: { leaderSessions: number; middleSessions: number; stayed: number };
  /** 5.3-4: sessions given by the customer's own administrators. */
  customerTrainer: { sessions: number; percent: number };
  /** Remote staff (5.2 / 5.3 work points): video meetings and recordings. */
  remote: { video: number; recorded: number; checkedIn: number };
  /** 5.2-10: the largest session planned, and whether every one keeps to 60. */
  largest: { capacity: number; withinLimit: boolean; overrides: number[] };
  /** 5.3-5: held sessions for staff without a customer-side manager checked in. */
  managerMissing: number[];
  /** The project's go-live criterion (ProjectRecord.trainingGoal) and where it stands. */
  goal?: GoalFigures;
}

export interface GoalFigures {
  percent: number;
  audience: Audience | 'all';
  /** People signed up to the sessions of that audience, walk-ins included. */
  invited: number;
  /** Of them, who stayed to the end of a session (a recording: watched it) and passed its exam. */
  met: number;
  /** met / invited, in whole percent. */
  reached: number;
  ok: boolean;
}

/** Where the goal stands: of the people invited to the audience's sessions, who stayed to the end and passed an exam. */
export function goalFigures(all: Session[], goal: NonNullable<ProjectRecord['trainingGoal']>, now: string): GoalFigures {
  const sessions = all.filter((s) => !s.cancelled && (goal.audience === 'all' || s.audience === goal.audience));
  const invited = new Set<string>();
  const stayed = new Set<string>();
  const passed = new Set<string>();
  for (const s of sessions) {
    const a = attendanceOf(s, now);
    for (const u of [...s.signedUp, ...a.walkIns]) invited.add(u);
    for (const u of a.stayed) stayed.add(u);
    for (const r of sessionResults(s)) if (r.passed) passed.add(r.userId);
  }
  const met = [...invited].filter((u) => stayed.has(u) && passed.has(u)).length;
  const reached = pct(met, invited.size);
  return { percent: goal.percent, audience: goal.audience, invited: invited.size, met, reached, ok: invited.size > 0 && reached >= goal.percent };
}

const sum = (xs: SessionFigures[], k: 'signedUp' | 'checkedIn' | 'stayed'): number => xs.reduce((a, s) => a + s[k], 0);
const group = (xs: SessionFigures[]): GroupFigures => ({ sessions: xs.length, signedUp: sum(xs, 'signedUp'), checkedIn: sum(xs, 'checkedIn'), stayed: sum(xs, 'stayed') });
const pct = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);

export function sessionFigures(s: Session, now: string): SessionFigures {
  const a = attendanceOf(s, now);
  const held = s.start <= now;
  // Over every round (a retake that passes counts; while a retake is open, the rounds before it) and an imported external exam.
  const all = sessionResults(s);
  const results = all.length || s.externalExam ? all : undefined;
  return {
    no: s.no,
    title: s.title,
    audience: s.audience,
    departments: s.departments,
    delivery: s.delivery.kind,
    trainer: s.trainer,
    start: s.start,
    end: s.end,
    capacity: s.capacity,
    held,
    signedUp: s.signedUp.length,
    waitlist: s.waitlist.length,
    checkedIn: a.checkedIn.length,
    walkIns: a.walkIns.length,
    stayed: a.stayed.length,
    left: a.phase === 'over' ? a.unconfirmed.length : 0,
    ...(needsManager(s) ? { managerPresent: a.managers.length > 0 } : {}),
    ...(s.exam || s.externalExam ? { exam: { closed: !!results, taken: results ? results.length : Object.keys(s.exam?.answers ?? {}).length, passed: results ? results.filter((r) => r.passed).length : 0 } } : {}),
  };
}

export function trainingReport(all: Session[], now: string, goal?: ProjectRecord['trainingGoal']): TrainingReport {
  const live = all.filter((s) => !s.cancelled).sort((a, b) => a.no - b.no);
  const sessions = live.map((s) => sessionFigures(s, now));
  const departments = new Map<string, SessionFigures[]>();
  for (const f of sessions) for (const d of f.departments) departments.set(d, [...(departments.get(d) ?? []), f]);
  const byCustomer = sessions.filter((f) => f.trainer === 'customer-admin').length;
  const largest = Math.max(0, ...sessions.map((f) => f.capacity));
  return {
    sessions,
    cancelled: all.length - live.length,
    totals: {
      ...group(sessions),
      held: sessions.filter((f) => f.held).length,
      left: sessions.reduce((a, f) => a + f.left, 0),
      examined: sessions.reduce((a, f) => a + (f.exam?.closed ? f.exam.taken : 0), 0),
      passed: sessions.reduce((a, f) => a + (f.exam?.passed ?? 0), 0),
    },
    byAudience: AUDIENCES.flatMap((audience) => {
      const xs = sessions.filter((f) => f.audience === audience);
      return xs.length ? [{ audience, ...group(xs) }] : [];
    }),
    byDepartment: [...departments].map(([department, xs]) => ({ department, ...group(xs) })).sort((a, b) => b.signedUp - a.signedUp || a.department.localeCompare(b.department)),
    leaders: {
      leaderSessions: sessions.filter((f) => f.audience === 'leaders').length,
      middleSessions: sessions.filter((f) => f.audience === 'middle').length,
      stayed: sum(sessions.filter((f) => f.audience === 'leaders' || f.audience === 'middle'), 'stayed'),
    },
    customerTrainer: { sessions: byCustomer, percent: pct(byCustomer, sessions.length) },
    remote: {
      video: sessions.filter((f) => f.delivery === 'video').length,
      recorded: sessions.filter((f) => f.delivery === 'recorded').length,
      checkedIn: sum(sessions.filter((f) => f.delivery !== 'onsite'), 'checkedIn'),
    },
    largest: { capacity: largest, withinLimit: largest <= MAX_SESSION_SIZE, overrides: sessions.filter((f) => f.capacity > MAX_SESSION_SIZE).map((f) => f.no) },
    managerMissing: sessions.filter((f) => f.held && f.managerPresent === false).map((f) => f.no),
    ...(goal ? { goal: goalFigures(all, goal, now) } : {}),
  };
}

/** What the plan says of one rule: kept (`ok: true`), not kept (`false`), or a figure only. */
export interface RuleFact {
  ok?: boolean;
  text: string;
}

/** A fact as chat shows it: ✅ kept, ⚠️ not, nothing for a figure. */
export const factLine = (f: RuleFact) => `${f.ok === true ? '✅ ' : f.ok === false ? '⚠️ ' : ''}${f.text}`;

const GOAL_WHO: Record<GoalFigures['audience'], { zh: string; en: string }> = {
  all: { zh: '全部受邀人员', en: 'everyone invited' },
  leaders: { zh: '受邀高层领导', en: 'invited senior leaders' },
  middle: { zh: '受邀中层管理', en: 'invited middle managers' },
  staff: { zh: '受邀员工', en: 'invited staff' },
  'key-users': { zh: '受邀关键用户', en: 'invited key users' },
  admins: { zh: '受邀管理员', en: 'invited administrators' },
};

/** "培训目标:受邀关键用户 90% 完成培训并通过考试,当前 45%(9/20)". */
export function goalFact(g: GoalFigures, lang: 'zh' | 'en'): RuleFact {
  const who = GOAL_WHO[g.audience][lang];
  return {
    ok: g.ok,
    text: lang === 'zh' ? `培训目标:${who} ${g.percent}% 完成培训并通过考试,当前 ${g.reached}%(${g.met}/${g.invited})` : `Training goal: ${g.percent}% of ${who} trained and passed, now ${g.reached}% (${g.met}/${g.invited})`,
  };
}

/**
 * What the training plan says of the rules behind checklist items, one per rule it can speak to
 * (shown under the item on the daily card and in the reports): 5.2-10 whether every session
 * keeps to 60, 5.2-15 whether leaders and middle managers have sessions, 5.3-4 the share the
 * customer's admins give, 5.3-5 held staff sessions without a manager. Nothing for a project
 * with no sessions, so an item never looks kept because nothing was planned.
 */
export function ruleFacts(r: TrainingReport, lang: 'zh' | 'en'): Map<string, RuleFact> {
  const out = new Map<string, RuleFact>();
  if (!r.sessions.length) {
    if (r.goal) out.set('5.3-3', goalFact(r.goal, lang));
    return out;
  }
  const zh = lang === 'zh';
  out.set(
    '5.2-10',
    r.largest.withinLimit
      ? { ok: true, text: zh ? `${r.sessions.length} 场培训,最大一场 ${r.largest.capacity} 人(不超过60人)` : `${r.sessions.length} sessions, the largest for ${r.largest.capacity} (at most 60)` }
      : { ok: false, text: zh ? `第 ${r.largest.overrides.join('、')} 场超过60人(经批准)` : `session ${r.largest.overrides.join(', ')} above 60 (overridden)` },
  );
  const { leaderSessions, middleSessions } = r.leaders;
  out.set(
    '5.2-15',
    leaderSessions && middleSessions
      ? { ok: true, text: zh ? `已安排高层领导 ${leaderSessions} 场、中层管理 ${middleSessions} 场` : `${leaderSessions} sessions for senior leaders, ${middleSessions} for middle managers` }
      : { ok: false, text: zh ? `尚未安排${leaderSessions ? '' : '高层领导'}${!leaderSessions && !middleSessions ? '和' : ''}${middleSessions ? '' : '中层管理'}的培训场次` : `no session yet for ${[leaderSessions ? '' : 'senior leaders', middleSessions ? '' : 'middle managers'].filter(Boolean).join(' or ')}` },
  );
  out.set('5.3-4', { text: zh ? `客户管理员主讲 ${r.customerTrainer.sessions}/${r.sessions.length} 场(${r.customerTrainer.percent}%)` : `${r.customerTrainer.sessions} of ${r.sessions.length} sessions given by the customer's admins (${r.customerTrainer.percent}%)` });
  // The go-live criterion sits with 5.3-3 (an exam announced, so users learn).
  if (r.goal) out.set('5.3-3', goalFact(r.goal, lang));
  if (r.managerMissing.length) out.set('5.3-5', { ok: false, text: zh ? `第 ${r.managerMissing.join('、')} 场员工培训没有客户管理人员在场` : `staff session ${r.managerMissing.join(', ')} held without a customer-side manager` });
  return out;
}
