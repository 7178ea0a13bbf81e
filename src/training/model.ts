import { z } from 'zod';

/**
 * Training sessions (rulebook 5.2 上线前培训准备, 5.3 用户使用培训) as pure decisions: each takes
 * the session as it is and returns what it must become, or why not, quoting the rule the
 * refusal keeps. Nothing here reads a clock, a store or a platform; the chat and store edges
 * are on top (decide.ts adds who may and the audit events, chat.ts speaks; the store keeps the
 * session whole and changes it under a lock: Store.changeSession).
 */

export const AUDIENCES = ['leaders', 'middle', 'staff', 'key-users', 'admins'] as const;
export const Audience = z.enum(AUDIENCES);
export type Audience = z.infer<typeof Audience>;

export const audienceLabel: Record<Audience, { zh: string; en: string }> = {
  leaders: { zh: '高层领导', en: 'senior leaders' },
  middle: { zh: '中层管理', en: 'middle managers' },
  staff: { zh: '普通员工', en: 'staff' },
  'key-users': { zh: '关键用户', en: 'key users' },
  admins: { zh: '管理员', en: 'administrators' },
};

/** 5.2-10: 单场培训人员控制在60人以下. */
export const MAX_SESSION_SIZE = 60;

export const Delivery = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('onsite'), place: z.string().min(1).max(100) }),
  z.strictObject({ kind: z.literal('video'), link: z.url({ protocol: /^https?$/ }) }),
  z.strictObject({ kind: z.literal('recorded'), link: z.url({ protocol: /^https?$/ }) }),
]);

/** A check-in (签到) or the second check near the end (课堂确认, 5.3-5), as it was recorded. */
export const CheckIn = z.strictObject({
  userId: z.string().min(1),
  kind: z.enum(['check-in', 'second-check']),
  /** ISO 8601 with the project's offset. */
  at: z.string(),
});
export type CheckIn = z.infer<typeof CheckIn>;

export const Session = z.strictObject({
  /** `${projectId}#${no}`: unique across projects (the check-in code is derived from it). */
  id: z.string().min(1),
  projectId: z.string().min(1),
  /** The number people use in chat (`取消培训 3`), per project from 1, assigned by the store. */
  no: z.number().int().positive(),
  title: z.string().min(1).max(100),
  audience: Audience,
  departments: z.array(z.string().min(1)).default([]),
  delivery: Delivery,
  /** Local to the project's time zone: "2026-12-10T14:00". */
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
  end: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
  /** 5.3-4: the vendor hands training over to the customer's own administrators. */
  trainer: z.enum(['vendor', 'customer-admin']),
  capacity: z.number().int().positive(),
  /** Above MAX_SESSION_SIZE only with a reason, audited. */
  override: z.strictObject({ by: z.string().min(1), reason: z.string().min(5) }).optional(),
  signedUp: z.array(z.string()).default([]),
  waitlist: z.array(z.string()).default([]),
  /** Display names the platform gave for the people signed up or waiting, by user id (shown, never mentioned from). */
  names: z.record(z.string(), z.string()).default({}),
  checkIns: z.array(CheckIn).default([]),
  cancelled: z.boolean().default(false),
  createdBy: z.string().optional(),
  /** ISO 8601 with the project's offset. */
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type Session = z.infer<typeof Session>;

export interface Refusal {
  ok: false;
  /** What to tell the person, in both languages. */
  why: { zh: string; en: string };
  /** The rule the refusal keeps, to be quoted verbatim from the rulebook by the caller. */
  rule?: string;
}

export type Planned = { ok: true; session: Session; warnings: { zh: string; en: string }[] } | Refusal;

/**
 * A new or changed session. Over 60 people is refused with 5.2-10 unless an override with a
 * reason is given; an end before the start is refused; a day that is not a working day of the
 * project's calendar is a warning, not a refusal (training on a Saturday happens).
 */
export function planSession(input: z.input<typeof Session>, isWorkingDay: (date: string) => boolean): Planned {
  const parsed = Session.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return { ok: false, why: { zh: `${i.path.join('.')}: ${i.message}`, en: `${i.path.join('.')}: ${i.message}` } };
  }
  const s = parsed.data;
  if (s.end <= s.start) return { ok: false, why: { zh: '结束时间必须晚于开始时间。', en: 'The end must be after the start.' } };
  if (s.capacity > MAX_SESSION_SIZE && !s.override)
    return {
      ok: false,
      // How to split it or who may override is the caller's to say (src/training/card.ts refusalCard).
      why: {
        zh: `单场上限 ${s.capacity} 人超过 ${MAX_SESSION_SIZE} 人。`,
        en: `A limit of ${s.capacity} exceeds ${MAX_SESSION_SIZE} people per session.`,
      },
      rule: '5.2-10',
    };
  const warnings: { zh: string; en: string }[] = [];
  const day = s.start.slice(0, 10);
  if (!isWorkingDay(day)) warnings.push({ zh: `${day} 不是本项目日历的工作日。`, en: `${day} is not a working day of this project's calendar.` });
  if (s.signedUp.length > s.capacity) return { ok: false, why: { zh: `已有 ${s.signedUp.length} 人报名,上限不能低于此数。`, en: `${s.signedUp.length} people have signed up; the limit cannot be below that.` } };
  return { ok: true, session: s, warnings };
}

export type SignUpOutcome = 'signed-up' | 'waitlisted' | 'already' | 'cancelled' | 'moved-up' | 'not-signed-up';

export type SignUpDecision = { ok: true; outcome: SignUpOutcome; session: Session; movedUp?: string } | Refusal;

/** 接龙: a seat while there is one, else the waitlist; the same person again changes nothing. */
export function signUp(s: Session, userId: string): SignUpDecision {
  if (s.cancelled) return { ok: false, why: { zh: '这场培训已取消。', en: 'This session was cancelled.' } };
  if (s.signedUp.includes(userId) || s.waitlist.includes(userId)) return { ok: true, outcome: 'already', session: s };
  if (s.signedUp.length < s.capacity) return { ok: true, outcome: 'signed-up', session: { ...s, signedUp: [...s.signedUp, userId] } };
  return { ok: true, outcome: 'waitlisted', session: { ...s, waitlist: [...s.waitlist, userId] } };
}

/** Cancelling frees the seat; the first on the waitlist moves up (and is told so by the caller). */
export function cancelSignUp(s: Session, userId: string): SignUpDecision {
  if (s.waitlist.includes(userId)) return { ok: true, outcome: 'cancelled', session: { ...s, waitlist: s.waitlist.filter((u) => u !== userId) } };
  if (!s.signedUp.includes(userId)) return { ok: true, outcome: 'not-signed-up', session: s };
  const [next, ...rest] = s.waitlist;
  const signedUp = [...s.signedUp.filter((u) => u !== userId), ...(next ? [next] : [])];
  return { ok: true, outcome: next ? 'moved-up' : 'cancelled', session: { ...s, signedUp, waitlist: rest }, ...(next ? { movedUp: next } : {}) };
}

/**
 * Seats freed by a larger capacity go to the waitlist in order; returns who moved up.
 * (A smaller capacity than the sign-ups is refused by planSession.)
 */
export function fillSeats(s: Session): { session: Session; movedUp: string[] } {
  const free = Math.max(0, s.capacity - s.signedUp.length);
  const movedUp = s.waitlist.slice(0, free);
  if (!movedUp.length) return { session: s, movedUp };
  return { session: { ...s, signedUp: [...s.signedUp, ...movedUp], waitlist: s.waitlist.slice(movedUp.length) }, movedUp };
}

/** Minutes between two local times "YYYY-MM-DDTHH:MM" (same time zone, so plain arithmetic holds but for DST jumps). */
const minutes = (a: string, b: string) => (Date.parse(`${b}:00Z`) - Date.parse(`${a}:00Z`)) / 60_000;

export const CHECK_IN_OPENS_BEFORE_MIN = 15;
export const CHECK_IN_CLOSES_AFTER_MIN = 30;
/** 5.3-5: the second check (课堂确认) opens this long before the end, for this long. */
export const SECOND_CHECK_BEFORE_END_MIN = 10;
export const SECOND_CHECK_OPEN_MIN = 15;

export type CheckWindow = 'check-in' | 'second-check' | 'closed';

/** Which check is open at local time `now`: check-in from 15 min before the start to 30 after, the second check near the end. */
export function openCheck(s: Pick<Session, 'start' | 'end'>, now: string): CheckWindow {
  const sinceStart = minutes(s.start, now);
  if (sinceStart >= -CHECK_IN_OPENS_BEFORE_MIN && sinceStart <= CHECK_IN_CLOSES_AFTER_MIN) return 'check-in';
  const sinceSecond = minutes(s.end, now) + SECOND_CHECK_BEFORE_END_MIN;
  if (sinceSecond >= 0 && sinceSecond <= SECOND_CHECK_OPEN_MIN) return 'second-check';
  return 'closed';
}

export type CheckInDecision = { ok: true; outcome: 'checked-in' | 'already'; kind: 'check-in' | 'second-check'; session: Session } | Refusal;

/**
 * 签到 at local time `now` (`at`: the same moment as ISO with offset, recorded): while check-in
 * or the second check is open, once per person and check. Walk-ins count: the room decides.
 */
export function checkIn(s: Session, userId: string, now: string, at: string): CheckInDecision {
  if (s.cancelled) return { ok: false, why: { zh: '这场培训已取消。', en: 'This session was cancelled.' } };
  const kind = openCheck(s, now);
  if (kind === 'closed')
    return {
      ok: false,
      why: {
        zh: `现在不能签到:签到在开始前 ${CHECK_IN_OPENS_BEFORE_MIN} 分钟至开始后 ${CHECK_IN_CLOSES_AFTER_MIN} 分钟开放,课堂确认在结束前 ${SECOND_CHECK_BEFORE_END_MIN} 分钟开放 ${SECOND_CHECK_OPEN_MIN} 分钟。`,
        en: `Check-in is not open now: it opens ${CHECK_IN_OPENS_BEFORE_MIN} minutes before the start until ${CHECK_IN_CLOSES_AFTER_MIN} after, and the second check ${SECOND_CHECK_BEFORE_END_MIN} minutes before the end for ${SECOND_CHECK_OPEN_MIN} minutes.`,
      },
    };
  if (s.checkIns.some((c) => c.userId === userId && c.kind === kind)) return { ok: true, outcome: 'already', kind, session: s };
  return { ok: true, outcome: 'checked-in', kind, session: { ...s, checkIns: [...s.checkIns, { userId, kind, at }] } };
}

/**
 * 5.3-5 (people who sign in and leave): whoever checked in but did not confirm at the end.
 * 5.2-15 (leaders not attending): for a leaders' session, whether any leader stayed.
 */
export function attendance(checkedIn: string[], confirmedAtEnd: string[]): { stayed: string[]; left: string[] } {
  const end = new Set(confirmedAtEnd);
  return { stayed: checkedIn.filter((u) => end.has(u)), left: checkedIn.filter((u) => !end.has(u)) };
}
