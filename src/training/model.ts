import { z } from 'zod';
import { Exam, ExternalExam } from './exam-model.ts';

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

/** A check-in (签到), the second check near the end (课堂确认, 5.3-5), or for a recorded video the viewer's "watched" (已观看), as it was recorded. */
export const CheckIn = z.strictObject({
  userId: z.string().min(1),
  kind: z.enum(['check-in', 'second-check', 'watched']),
  /** ISO 8601 with the project's offset. */
  at: z.string(),
  /** Whether they had signed up (a seat) when they checked in: walk-ins count, and show as such. */
  signedUp: z.boolean().optional(),
  /** 5.3-5: they held a customer-side manager's role (customer-lead, it-lead) when they checked in. */
  manager: z.boolean().optional(),
  /** The code from the trainer's screen was required and given. */
  code: z.boolean().optional(),
});
export type CheckIn = z.infer<typeof CheckIn>;

export const NOTICE_KINDS = ['remind-day', 'remind-hour', 'manager-absent'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A message the bot posted by itself about the session (src/training/job.ts), kept so it goes out once. */
export const SentNotice = z.strictObject({
  kind: z.enum(NOTICE_KINDS),
  /** The claim it went out under (noticeSlot): kind and the start it was for, so a moved session is reminded again. */
  slot: z.string().min(1),
  /** ISO 8601 with the project's offset. */
  at: z.string(),
  messageId: z.string().min(1),
});
export type SentNotice = z.infer<typeof SentNotice>;

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
  /** 5.2-16 (attendees who only listen): the attendee's duty, e.g. teach their department afterwards; shown on the card and in the reminders. */
  duty: z.string().min(1).max(300).optional(),
  /** 5.2-16: the exercises published with the notice (text, or a link to them); shown on the card and in the reminders. */
  exercises: z.string().min(1).max(500).optional(),
  /** Above MAX_SESSION_SIZE only with a reason, audited. */
  override: z.strictObject({ by: z.string().min(1), reason: z.string().min(5) }).optional(),
  signedUp: z.array(z.string()).default([]),
  waitlist: z.array(z.string()).default([]),
  /** The department each person signed up (or waits) for, where the session names departments (报名 · 财务部): counts per department. */
  departmentOf: z.record(z.string(), z.string()).optional(),
  /** Display names the platform gave for the people signed up, waiting or checked in, by user id (shown, never mentioned from). */
  names: z.record(z.string(), z.string()).default({}),
  checkIns: z.array(CheckIn).default([]),
  /** On site only: check-in and the second check need the code the trainer's screen shows (code.ts). */
  codeRequired: z.boolean().default(false),
  /** Reminders and warnings the bot posted (src/training/job.ts). */
  notices: z.array(SentNotice).default([]),
  cancelled: z.boolean().default(false),
  /** The exam after the session (exam.ts): its bank as at the start, the answers, the scores once closed. */
  exam: Exam.optional(),
  /** Results of an exam held outside the bot, imported from a CSV (exam-results.ts): counted with the bot's own rounds. */
  externalExam: ExternalExam.optional(),
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
  if (s.codeRequired && s.delivery.kind !== 'onsite')
    return { ok: false, why: { zh: '签到码只用于现场培训(讲师屏幕显示签到码);视频会议或录播不能要求签到码。', en: "The check-in code is for on-site sessions only (the trainer's screen shows it); a video meeting or a recording cannot require it." } };
  return { ok: true, session: s, warnings };
}

export type SignUpOutcome = 'signed-up' | 'waitlisted' | 'already' | 'cancelled' | 'moved-up' | 'not-signed-up';

export type SignUpDecision = { ok: true; outcome: SignUpOutcome; session: Session; movedUp?: string } | Refusal;

/**
 * 接龙: a seat while there is one, else the waitlist; the same person again changes nothing.
 * `department` (one of the session's): what the person signs up for, counted per department.
 */
export function signUp(s: Session, userId: string, department?: string): SignUpDecision {
  if (s.cancelled) return { ok: false, why: { zh: '这场培训已取消。', en: 'This session was cancelled.' } };
  if (department !== undefined && !s.departments.includes(department)) return { ok: false, why: { zh: '这场培训没有这个部门。', en: 'This session has no such department.' } };
  if (s.signedUp.includes(userId) || s.waitlist.includes(userId)) return { ok: true, outcome: 'already', session: s };
  const dept = department ? { departmentOf: { ...s.departmentOf, [userId]: department } } : {};
  if (s.signedUp.length < s.capacity) return { ok: true, outcome: 'signed-up', session: { ...s, signedUp: [...s.signedUp, userId], ...dept } };
  return { ok: true, outcome: 'waitlisted', session: { ...s, waitlist: [...s.waitlist, userId], ...dept } };
}

/** Signed up per department (the session's departments, in order; people who gave none are not counted). */
export const signUpsByDepartment = (s: Pick<Session, 'departments' | 'departmentOf' | 'signedUp'>): [string, number][] =>
  s.departments.map((d) => [d, s.signedUp.filter((u) => s.departmentOf?.[u] === d).length]);

/** Cancelling frees the seat; the first on the waitlist moves up (and is told so by the caller). */
export function cancelSignUp(s: Session, userId: string): SignUpDecision {
  const { [userId]: _dept, ...rest0 } = s.departmentOf ?? {};
  const departmentOf = s.departmentOf ? { departmentOf: rest0 } : {};
  if (s.waitlist.includes(userId)) return { ok: true, outcome: 'cancelled', session: { ...s, waitlist: s.waitlist.filter((u) => u !== userId), ...departmentOf } };
  if (!s.signedUp.includes(userId)) return { ok: true, outcome: 'not-signed-up', session: s };
  const [next, ...rest] = s.waitlist;
  const signedUp = [...s.signedUp.filter((u) => u !== userId), ...(next ? [next] : [])];
  return { ok: true, outcome: next ? 'moved-up' : 'cancelled', session: { ...s, signedUp, waitlist: rest, ...departmentOf }, ...(next ? { movedUp: next } : {}) };
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
/** A local time "YYYY-MM-DDTHH:MM" moved by `n` minutes (wall-clock arithmetic, as `minutes`). */
export const addMinutes = (t: string, n: number) => new Date(Date.parse(`${t}:00Z`) + n * 60_000).toISOString().slice(0, 16);

export const CHECK_IN_OPENS_BEFORE_MIN = 15;
export const CHECK_IN_CLOSES_AFTER_MIN = 30;
/** 5.3-5: the second check (课堂确认) opens this long before the end, for this long. */
export const SECOND_CHECK_BEFORE_END_MIN = 10;
export const SECOND_CHECK_OPEN_MIN = 15;

export type CheckKind = 'check-in' | 'second-check';
export type CheckWindow = CheckKind | 'closed';

/** When each check is open, local times "YYYY-MM-DDTHH:MM", both ends included. */
export function checkWindows(s: Pick<Session, 'start' | 'end'>): Record<CheckKind, { from: string; to: string }> {
  const second = addMinutes(s.end, -SECOND_CHECK_BEFORE_END_MIN);
  return {
    'check-in': { from: addMinutes(s.start, -CHECK_IN_OPENS_BEFORE_MIN), to: addMinutes(s.start, CHECK_IN_CLOSES_AFTER_MIN) },
    'second-check': { from: second, to: addMinutes(second, SECOND_CHECK_OPEN_MIN) },
  };
}

/** Which check is open at local time `now`: check-in from 15 min before the start to 30 after, the second check near the end (check-in first where they overlap). */
export function openCheck(s: Pick<Session, 'start' | 'end'>, now: string): CheckWindow {
  const sinceStart = minutes(s.start, now);
  if (sinceStart >= -CHECK_IN_OPENS_BEFORE_MIN && sinceStart <= CHECK_IN_CLOSES_AFTER_MIN) return 'check-in';
  const sinceSecond = minutes(s.end, now) + SECOND_CHECK_BEFORE_END_MIN;
  if (sinceSecond >= 0 && sinceSecond <= SECOND_CHECK_OPEN_MIN) return 'second-check';
  return 'closed';
}

/** Is `kind` open at `now`? (Where the windows overlap, a short session's second check is open too.) */
export const isOpen = (s: Pick<Session, 'start' | 'end'>, kind: CheckKind, now: string) => {
  const w = checkWindows(s)[kind];
  return now >= w.from && now <= w.to;
};

/** "12-10 13:45–14:30": a window as people read it (the date only when it is not the session's day). */
export function windowWords(s: Pick<Session, 'start'>, w: { from: string; to: string }): string {
  const day = s.start.slice(0, 10);
  const at = (t: string) => (t.slice(0, 10) === day ? t.slice(11) : `${t.slice(5, 10)} ${t.slice(11)}`);
  return `${day.slice(5)} ${at(w.from)}–${at(w.to)}`;
}

/** How the room's code was found: not needed (not required), given and right, given and wrong, not given. */
export type CodeVerdict = 'not-needed' | 'ok' | 'wrong' | 'missing';

export interface CheckRequest {
  kind: CheckKind;
  code: CodeVerdict;
  /** Holds a customer-side manager's role now (decide.ts MANAGER_ROLES). */
  manager: boolean;
}

export type CheckInDecision = { ok: true; outcome: 'checked-in' | 'already'; kind: CheckKind | 'watched'; session: Session; checkIn?: CheckIn } | Refusal;

const CHECK_WORD = { 'check-in': { zh: '签到', en: 'Check-in' }, 'second-check': { zh: '课堂确认', en: 'The second check' } } as const;

/**
 * 签到 (check-in) or 课堂确认 (the second check) at local time `now` (`at`: the same moment as
 * ISO with offset, recorded): only while that check is open, once per person and check; with
 * the room's code when the session requires it; the second check only for people who checked
 * in (so "signed in and left", 5.3-5, shows). Walk-ins (not signed up) count and are marked.
 */
export function checkIn(s: Session, userId: string, now: string, at: string, req: CheckRequest): CheckInDecision {
  if (s.cancelled) return { ok: false, why: { zh: '这场培训已取消。', en: 'This session was cancelled.' } };
  if (s.delivery.kind === 'recorded')
    return { ok: false, why: { zh: `培训 #${s.no} 是录播视频,不签到。`, en: `Session #${s.no} is a recorded video: there is no check-in.` } };
  const { kind } = req;
  const w = checkWindows(s);
  if (!isOpen(s, kind, now)) {
    const other: CheckKind = kind === 'check-in' ? 'second-check' : 'check-in';
    const hint = isOpen(s, other, now)
      ? other === 'second-check'
        ? { zh: `现在是课堂确认时间:请发「确认在场 ${s.no}」。`, en: `The second check is open now: send "still here ${s.no}".` }
        : { zh: `现在是签到时间:请发「签到 ${s.no}」。`, en: `Check-in is open now: send "check in ${s.no}".` }
      : undefined;
    return {
      ok: false,
      why: {
        zh: `现在不能${CHECK_WORD[kind].zh}(培训 #${s.no})。签到时间:${windowWords(s, w['check-in'])};课堂确认时间:${windowWords(s, w['second-check'])}。${hint ? hint.zh : ''}`,
        en: `${CHECK_WORD[kind].en} is not open now (session #${s.no}). Check-in: ${windowWords(s, w['check-in'])}; the second check: ${windowWords(s, w['second-check'])}.${hint ? ` ${hint.en}` : ''}`,
      },
    };
  }
  if (s.checkIns.some((c) => c.userId === userId && c.kind === kind)) return { ok: true, outcome: 'already', kind, session: s };
  if (kind === 'second-check' && !s.checkIns.some((c) => c.userId === userId && c.kind === 'check-in'))
    return {
      ok: false,
      why: {
        zh: `你没有签到培训 #${s.no}(签到时间 ${windowWords(s, w['check-in'])}),课堂确认只对已签到的人。`,
        en: `You did not check in to session #${s.no} (check-in was ${windowWords(s, w['check-in'])}); the second check is for those who did.`,
      },
    };
  if (s.codeRequired && req.code === 'missing')
    return {
      ok: false,
      why: {
        zh: `培训 #${s.no} 的${CHECK_WORD[kind].zh}需要讲师屏幕上的签到码:请发「${kind === 'check-in' ? '签到' : '确认在场'} ${s.no} 签到码」,例如「${kind === 'check-in' ? '签到' : '确认在场'} ${s.no} 1234」。`,
        en: `${CHECK_WORD[kind].en} for session #${s.no} needs the code on the trainer's screen: send "${kind === 'check-in' ? 'check in' : 'still here'} ${s.no} <code>", e.g. "${kind === 'check-in' ? 'check in' : 'still here'} ${s.no} 1234".`,
      },
    };
  if (s.codeRequired && req.code !== 'ok')
    return { ok: false, why: { zh: `签到码不对或已过期(每分钟更换):请看讲师屏幕上现在的签到码再发一次。`, en: "That code is wrong or has expired (it changes every minute): look at the trainer's screen and send the code it shows now." } };
  const c: CheckIn = { userId, kind, at, signedUp: s.signedUp.includes(userId), ...(req.manager ? { manager: true } : {}), ...(s.codeRequired ? { code: true } : {}) };
  return { ok: true, outcome: 'checked-in', kind, session: { ...s, checkIns: [...s.checkIns, c] }, checkIn: c };
}

/**
 * 5.3-5 (people who sign in and leave): whoever checked in but did not confirm at the end.
 * 5.2-15 (leaders not attending): for a leaders' session, whether any leader stayed.
 */
export function attendance(checkedIn: string[], confirmedAtEnd: string[]): { stayed: string[]; left: string[] } {
  const end = new Set(confirmedAtEnd);
  return { stayed: checkedIn.filter((u) => end.has(u)), left: checkedIn.filter((u) => !end.has(u)) };
}

export interface Attendance {
  /** Who checked in, in order. */
  checkedIn: string[];
  /** Of them, not signed up (walk-ins). */
  walkIns: string[];
  /** Signed up, not checked in. */
  absent: string[];
  /** Customer-side managers checked in (5.3-5). */
  managers: string[];
  /** Confirmed at the second check. */
  stayed: string[];
  /** Checked in, not confirmed: "left" once the second check has closed, "not yet" while it is open or to come. */
  unconfirmed: string[];
  /** Where the session stands at `now`: before the second check, during it, or after it closed. */
  phase: 'before-second-check' | 'second-check' | 'over';
}

/**
 * 已观看 / watched: a recorded video has no room and no check-in; whoever watched it says so, from
 * the session's start (when the recording is published) on, once. It counts as being there and
 * staying to the end: the same duty and the same exam as a session in the room. Walk-ins (not
 * signed up) count and are marked.
 */
export function watched(s: Session, userId: string, now: string, at: string): CheckInDecision {
  if (s.cancelled) return { ok: false, why: { zh: '这场培训已取消。', en: 'This session was cancelled.' } };
  if (s.delivery.kind !== 'recorded') return { ok: false, why: { zh: `培训 #${s.no} 不是录播视频:请「签到 ${s.no}」。`, en: `Session #${s.no} is not a recording: "check in ${s.no}".` } };
  if (now < s.start) return { ok: false, why: { zh: `培训 #${s.no} 的录播 ${s.start.replace('T', ' ')} 起开放。`, en: `The recording of session #${s.no} opens at ${s.start.replace('T', ' ')}.` } };
  if (s.checkIns.some((c) => c.userId === userId && c.kind === 'watched')) return { ok: true, outcome: 'already', kind: 'watched', session: s };
  const c: CheckIn = { userId, kind: 'watched', at, signedUp: s.signedUp.includes(userId) };
  return { ok: true, outcome: 'checked-in', kind: 'watched', session: { ...s, checkIns: [...s.checkIns, c] }, checkIn: c };
}

/** Who came, who stayed and who signed in and left (5.3-5), at local time `now`. A recording: who watched it (they came and stayed). */
export function attendanceOf(s: Session, now: string): Attendance {
  if (s.delivery.kind === 'recorded') {
    const seen = s.checkIns.filter((c) => c.kind === 'watched');
    const ids = seen.map((c) => c.userId);
    return { checkedIn: ids, walkIns: seen.filter((c) => c.signedUp === false).map((c) => c.userId), absent: s.signedUp.filter((u) => !ids.includes(u)), managers: [], stayed: ids, unconfirmed: [], phase: 'over' };
  }
  const ins = s.checkIns.filter((c) => c.kind === 'check-in');
  const checkedIn = ins.map((c) => c.userId);
  const { stayed, left } = attendance(checkedIn, s.checkIns.filter((c) => c.kind === 'second-check').map((c) => c.userId));
  const w = checkWindows(s)['second-check'];
  return {
    checkedIn,
    walkIns: ins.filter((c) => c.signedUp === false).map((c) => c.userId),
    absent: s.signedUp.filter((u) => !checkedIn.includes(u)),
    managers: ins.filter((c) => c.manager).map((c) => c.userId),
    stayed,
    unconfirmed: left,
    phase: now < w.from ? 'before-second-check' : now <= w.to ? 'second-check' : 'over',
  };
}

/** 5.3-5: a session for staff (普通员工) needs a customer-side manager in the room; a recording has no room. */
export const needsManager = (s: Pick<Session, 'audience' | 'delivery'>) => s.audience === 'staff' && s.delivery.kind !== 'recorded';

/** The reminder the day before goes out at the project's posting time; the hour before, 60 minutes before the start. */
export const REMIND_HOUR_BEFORE_MIN = 60;
/** 5.3-5: this long after the start without a customer-side manager checked in, the bot says so. */
export const MANAGER_GRACE_MIN = 15;

export interface DueNotice {
  kind: NoticeKind;
  /** The claim it goes out under (Store.claimPost, per project): `training:<no>:<kind>:<start>`. */
  slot: string;
  /** Local time it became due. */
  due: string;
}

export const noticeSlot = (s: Pick<Session, 'no' | 'start'>, kind: NoticeKind) => `training:${s.no}:${kind}:${s.start}`;

/**
 * What the bot should post about the session at local time `now` and has not yet (its
 * `notices`): the reminder the day before (at `postTime` on the last working day before the
 * session's day, that day only), the reminder an hour before the start (until the start; not
 * when that hour falls on a non-working day other than the session's), both only when someone
 * signed up; and for staff sessions (5.3-5), from 15 minutes after the start to the end, the
 * warning that no customer-side manager has checked in. Nothing for a cancelled session.
 */
export function dueNotices(s: Session, postTime: string, now: string, isWorkingDay: (date: string) => boolean): DueNotice[] {
  if (s.cancelled) return [];
  const sent = new Set(s.notices.map((n) => n.slot));
  const day = s.start.slice(0, 10);
  const out: DueNotice[] = [];
  const add = (kind: NoticeKind, due: string, until: string) => {
    const slot = noticeSlot(s, kind);
    if (!sent.has(slot) && now >= due && now < until) out.push({ kind, slot, due });
  };
  if (s.signedUp.length) {
    // The day before, stepping back over days off (a Monday session is reminded on Friday), at most a week.
    let before = addMinutes(`${day}T00:00`, -24 * 60).slice(0, 10);
    for (let i = 0; i < 7 && !isWorkingDay(before); i++) before = addMinutes(`${before}T00:00`, -24 * 60).slice(0, 10);
    if (isWorkingDay(before)) add('remind-day', `${before}T${postTime}`, [addMinutes(`${before}T00:00`, 24 * 60), s.start].sort()[0]!);
    const hour = addMinutes(s.start, -REMIND_HOUR_BEFORE_MIN);
    if (hour.slice(0, 10) === day || isWorkingDay(hour.slice(0, 10))) add('remind-hour', hour, s.start);
  }
  if (needsManager(s) && !s.checkIns.some((c) => c.kind === 'check-in' && c.manager)) add('manager-absent', addMinutes(s.start, MANAGER_GRACE_MIN), s.end);
  return out;
}
