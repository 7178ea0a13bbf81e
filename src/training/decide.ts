import type { z } from 'zod';
import type { Person, Stamp } from '../readiness/model/authority.ts';
import { auditRole, roleLabel, rolesOf } from '../readiness/model/roles.ts';
import type { NewSignoffEvent, ProjectRecord, Role, TrainingAction } from '../store/records.ts';
import { cancelSignUp, checkIn, fillSeats, MAX_SESSION_SIZE, needsManager, planSession, signUp, type Audience, type CheckKind, type CodeVerdict, type Delivery, type DueNotice, type Session, watched, audienceLabel } from './model.ts';
import { changeWords, defaultTitle, sessionLabel, termsWords, type Lang, type Said } from './words.ts';

/**
 * Training decisions with who may and what the audit trail records, as pure functions (like
 * src/readiness/model/authority.ts for roles): each takes the project and the session as they are and
 * returns the session as it must become with its audit events (the store writes both in one
 * step, under the session's lock), or why not, naming the rule a refusal keeps. Nothing here
 * reads a clock, a store or a platform: `now` is the project's local time ("2026-12-10T13:50").
 */

/** Who plans sessions: the project admin and these roles (accepted, not pending). */
export const PLANNER_ROLES: readonly Role[] = ['vendor-pm', 'customer-lead', 'it-lead'];
/**
 * Who may take a session above 5.2-10's 60 people, with a reason: the project admin, the
 * implementer's PM and the customer's lead (who signs the training plan, 5.2-17).
 */
export const OVERRIDE_ROLES: readonly Role[] = ['vendor-pm', 'customer-lead'];

/**
 * 5.3-5 (IT department management at every session): whose check-in counts as a customer-side
 * manager's. A role in force on the project, never a word someone types about themselves; more
 * managers are nominated it-lead (and accept) like any customer-side role.
 */
export const MANAGER_ROLES: readonly Role[] = ['customer-lead', 'it-lead'];
export const isManager = (p: ProjectRecord, userId: string) => rolesOf(p, userId).some((r) => MANAGER_ROLES.includes(r));

/** Who the bot is in the audit trail when it posts by itself (reminders, the 5.3-5 warning). */
export const BOT_ACTOR: Person = { id: 'bot', name: 'bot' };

export const mayPlan = (p: ProjectRecord, userId: string) => p.adminId === userId || rolesOf(p, userId).some((r) => PLANNER_ROLES.includes(r));
export const mayOverride = (p: ProjectRecord, userId: string) => p.adminId === userId || rolesOf(p, userId).some((r) => OVERRIDE_ROLES.includes(r));

/** "项目管理员、项目经理或客户项目负责人" / "project admin, vendor-pm or customer-lead". */
export function whoMay(roles: readonly Role[], lang: Lang): string {
  const all = [roleLabel.admin[lang], ...roles.map((r) => roleLabel[r][lang])];
  const head = all.slice(0, -1).join(lang === 'zh' ? '、' : ', ');
  return `${head}${lang === 'zh' ? '或' : ' or '}${all.at(-1)}`;
}
const who = whoMay;

/** The shortest override reason taken (the model's rule). */
export const MIN_REASON = 5;

/** What a person asked for: a new session, or (all optional) a change of one. Times are local to the project. */
export interface SessionDraft {
  date: string;
  from: string;
  to: string;
  audience: Audience;
  title?: string;
  departments?: string[];
  delivery: z.infer<typeof Delivery>;
  trainer?: Session['trainer'];
  capacity?: number;
  /** 超额原因 / override: needed above MAX_SESSION_SIZE. */
  overrideReason?: string;
  /** 签到码 必须 / code required: check-in needs the code the trainer's screen shows (on site only). */
  codeRequired?: boolean;
  /** 职责 … / duty …: what the attendees must do (5.2-16). */
  duty?: string;
  /** 练习 … / exercises …: published with the notice (5.2-16). */
  exercises?: string;
}
export type SessionPatch = Partial<SessionDraft>;

export interface Refused {
  ok: false;
  why: Said;
  /** The rule the refusal keeps: the caller quotes it verbatim from the rulebook. */
  rule?: string;
}

export type TrainingOutcome = 'created' | 'changed' | 'unchanged' | 'cancelled' | 'signed-up' | 'waitlisted' | 'already' | 'unsigned' | 'not-signed-up' | 'checked-in' | 'noticed';

export interface Decided {
  ok: true;
  outcome: TrainingOutcome;
  session: Session;
  events: NewSignoffEvent[];
  /** Said in the reply, not refusals: a non-working day, an override reason not needed. */
  warnings: Said[];
  /** People moved up from the waitlist into a seat: the caller tells them (a mention it builds from these ids). */
  movedUp: string[];
  /** Changes: what changed, in the project's language. */
  changes?: string[];
}
export type TrainingDecision = Refused | Decided;

const refuse = (zh: string, en: string, rule?: string): Refused => ({ ok: false, why: { zh, en }, ...(rule ? { rule } : {}) });

const notPlanner = () =>
  refuse(`只有${who(PLANNER_ROLES, 'zh')}可以安排培训。`, `Only the ${who(PLANNER_ROLES, 'en')} can plan training sessions.`);

export function trainingEvent(p: ProjectRecord, s: Session, action: TrainingAction, actor: Person, st: Stamp, extra: { subject?: Person; detail?: string } = {}): NewSignoffEvent {
  return {
    projectId: p.id,
    action,
    itemId: `training:${s.no}`,
    itemText: sessionLabel(s),
    userId: actor.id,
    ...(actor.name ? { userName: actor.name } : {}),
    role: actor.id === BOT_ACTOR.id ? 'bot' : auditRole(p, actor.id),
    at: st.at,
    via: st.via,
    platform: st.platform,
    evidenceMessageId: st.evidenceMessageId,
    text: st.text,
    ...(extra.subject ? { subjectId: extra.subject.id, ...(extra.subject.name ? { subjectName: extra.subject.name } : {}) } : {}),
    ...(extra.detail ? { detail: extra.detail } : {}),
    ...(st.rulebookVersion ? { rulebookVersion: st.rulebookVersion } : {}),
  };
}

const started = (s: Session, now: string) => now >= s.start;

/**
 * The override a session over 60 carries: a new reason from someone who may give one, else the
 * one it had (a change that keeps it above 60 keeps the reason it was allowed with); none at or
 * below 60 (a reason given then is only a warning). Or why not.
 */
function overrideFor(p: ProjectRecord, capacity: number, reason: string | undefined, kept: Session['override'], actor: Person): { override?: Session['override']; fresh: boolean; warnings: Said[] } | Refused {
  const r = reason?.trim();
  if (capacity <= MAX_SESSION_SIZE) {
    const warnings = r ? [{ zh: `上限未超过 ${MAX_SESSION_SIZE} 人,超额原因没有使用。`, en: `The limit is not above ${MAX_SESSION_SIZE}, so the override reason was not used.` }] : [];
    return { fresh: false, warnings };
  }
  if (!r) return kept ? { override: kept, fresh: false, warnings: [] } : { fresh: false, warnings: [] }; // planSession refuses, quoting 5.2-10
  if (!mayOverride(p, actor.id))
    return refuse(
      `单场超过 ${MAX_SESSION_SIZE} 人只能由${who(OVERRIDE_ROLES, 'zh')}注明原因覆盖;你的角色是${roleLabel[auditRole(p, actor.id)].zh}。`,
      `Only the ${who(OVERRIDE_ROLES, 'en')} can take a session above ${MAX_SESSION_SIZE} people, with a reason; your role is ${roleLabel[auditRole(p, actor.id)].en}.`,
      '5.2-10',
    );
  if ([...r].length < MIN_REASON) return refuse(`超额原因至少 ${MIN_REASON} 个字,说明为什么这一场必须超过 ${MAX_SESSION_SIZE} 人。`, `The override reason needs at least ${MIN_REASON} characters: say why this session must exceed ${MAX_SESSION_SIZE} people.`, '5.2-10');
  return { override: { by: actor.id, reason: r }, fresh: true, warnings: [] };
}

export interface Calendar {
  isWorkingDay(date: string): boolean;
}

/** A new session numbered `no` (the store's next number for the project). */
export function decideCreate(p: ProjectRecord, no: number, d: SessionDraft, actor: Person, st: Stamp, cal: Calendar, now: string): TrainingDecision {
  if (!mayPlan(p, actor.id)) return notPlanner();
  const capacity = d.capacity ?? MAX_SESSION_SIZE;
  const o = overrideFor(p, capacity, d.overrideReason, undefined, actor);
  if ('ok' in o) return o;
  const planned = planSession(
    {
      id: `${p.id}#${no}`,
      projectId: p.id,
      no,
      title: d.title ?? defaultTitle(d.audience, p.lang),
      audience: d.audience,
      departments: d.departments ?? [],
      delivery: d.delivery,
      start: `${d.date}T${d.from}`,
      end: `${d.date}T${d.to}`,
      trainer: d.trainer ?? 'vendor',
      capacity,
      codeRequired: d.codeRequired ?? false,
      ...(d.duty ? { duty: d.duty } : {}),
      ...(d.exercises ? { exercises: d.exercises } : {}),
      ...(o.override ? { override: o.override } : {}),
      createdBy: actor.id,
      createdAt: st.at,
      updatedAt: st.at,
    },
    cal.isWorkingDay,
  );
  if (!planned.ok) return { ok: false, why: planned.why, ...(planned.rule ? { rule: planned.rule } : {}) };
  const s = planned.session;
  if (started(s, now)) return refuse(`开始时间 ${s.start.replace('T', ' ')} 已经过去。`, `The start, ${s.start.replace('T', ' ')}, is in the past.`);
  const events = [trainingEvent(p, s, 'training-create', actor, st, { detail: termsWords(s, p.lang) })];
  if (o.fresh) events.push(trainingEvent(p, s, 'training-override', actor, st, { detail: overrideDetail(s, p.lang) }));
  return { ok: true, outcome: 'created', session: s, events, warnings: [...o.warnings, ...planned.warnings], movedUp: [] };
}

const overrideDetail = (s: Session, lang: Lang) =>
  lang === 'zh' ? `上限 ${s.capacity} 人(超过 ${MAX_SESSION_SIZE} 人),原因:${s.override!.reason}` : `limit ${s.capacity} (above ${MAX_SESSION_SIZE}), reason: ${s.override!.reason}`;

/**
 * A change of a session not yet started; a larger limit moves people up from the waitlist. The
 * check-in code alone may still be turned on or off until the session ends (the trainer decides
 * in the room).
 */
export function decideChange(p: ProjectRecord, s: Session, patch: SessionPatch, actor: Person, st: Stamp, cal: Calendar, now: string): TrainingDecision {
  if (!mayPlan(p, actor.id)) return notPlanner();
  if (s.cancelled) return refuse(`培训 #${s.no} 已取消,不能再修改;请新建一场。`, `Session #${s.no} was cancelled and cannot be changed; plan a new one.`);
  const codeOnly = Object.keys(patch).every((k) => k === 'codeRequired');
  if (started(s, now) && !(codeOnly && now < s.end))
    return refuse(
      `培训 #${s.no} 已经开始,不能再修改${codeOnly ? '' : '(结束前只能开关签到码)'}。`,
      `Session #${s.no} has started and can no longer be changed${codeOnly ? '' : ' (until its end only the check-in code can be turned on or off)'}.`,
    );
  const capacity = patch.capacity ?? s.capacity;
  const o = overrideFor(p, capacity, patch.overrideReason, s.override, actor);
  if ('ok' in o) return o;
  const date = patch.date ?? s.start.slice(0, 10);
  const { override: _old, ...rest } = s;
  const planned = planSession(
    {
      ...rest,
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.audience ? { audience: patch.audience } : {}),
      ...(patch.departments ? { departments: patch.departments } : {}),
      ...(patch.delivery ? { delivery: patch.delivery } : {}),
      ...(patch.trainer ? { trainer: patch.trainer } : {}),
      ...(patch.codeRequired !== undefined ? { codeRequired: patch.codeRequired } : {}),
      ...(patch.duty !== undefined ? { duty: patch.duty } : {}),
      ...(patch.exercises !== undefined ? { exercises: patch.exercises } : {}),
      start: `${date}T${patch.from ?? s.start.slice(11)}`,
      end: `${date}T${patch.to ?? s.end.slice(11)}`,
      capacity,
      ...(o.override ? { override: o.override } : {}),
      updatedAt: st.at,
    },
    cal.isWorkingDay,
  );
  if (!planned.ok) return { ok: false, why: planned.why, ...(planned.rule ? { rule: planned.rule } : {}) };
  if ((patch.date || patch.from) && started(planned.session, now))
    return refuse(`新的开始时间 ${planned.session.start.replace('T', ' ')} 已经过去。`, `The new start, ${planned.session.start.replace('T', ' ')}, is in the past.`);
  const { session: next, movedUp } = fillSeats(planned.session);
  const changes = changeWords(s, next, p.lang);
  if (!changes.length && !o.fresh) return { ok: true, outcome: 'unchanged', session: s, events: [], warnings: o.warnings, movedUp: [] };
  const events = [
    ...(changes.length ? [trainingEvent(p, next, 'training-change', actor, st, { detail: changes.join('; ') })] : []),
    ...(o.fresh ? [trainingEvent(p, next, 'training-override', actor, st, { detail: overrideDetail(next, p.lang) })] : []),
    ...movedUp.map((u) => trainingEvent(p, next, 'training-moveup', actor, st, { subject: { id: u, ...(next.names[u] ? { name: next.names[u] } : {}) }, detail: seatDetail(next, u, p.lang) })),
  ];
  return { ok: true, outcome: 'changed', session: next, events, warnings: [...o.warnings, ...planned.warnings], movedUp, changes };
}

/** Cancelling a session: those signed up and waiting are told by the caller. */
export function decideCancel(p: ProjectRecord, s: Session, actor: Person, st: Stamp): TrainingDecision {
  if (!mayPlan(p, actor.id)) return notPlanner();
  if (s.cancelled) return { ok: true, outcome: 'unchanged', session: s, events: [], warnings: [], movedUp: [] };
  const next = { ...s, cancelled: true, updatedAt: st.at };
  const detail = p.lang === 'zh' ? `已报名 ${s.signedUp.length} 人,候补 ${s.waitlist.length} 人` : `${s.signedUp.length} signed up, ${s.waitlist.length} waiting`;
  return { ok: true, outcome: 'cancelled', session: next, events: [trainingEvent(p, next, 'training-cancel', actor, st, { detail })], warnings: [], movedUp: [] };
}

const seatDetail = (s: Session, u: string, lang: Lang) => {
  const seat = s.signedUp.indexOf(u);
  if (seat >= 0) return lang === 'zh' ? `座位 ${seat + 1}/${s.capacity}` : `seat ${seat + 1}/${s.capacity}`;
  const wait = s.waitlist.indexOf(u);
  return lang === 'zh' ? `候补第 ${wait + 1} 位` : `waitlist place ${wait + 1}`;
};

const notOpen = (s: Session, now: string): Refused | undefined => {
  if (s.cancelled) return refuse(`培训 #${s.no} 已取消。`, `Session #${s.no} was cancelled.`);
  if (started(s, now)) return refuse(`培训 #${s.no} 已经开始,报名已截止。`, `Session #${s.no} has started; sign-up is closed.`);
  return undefined;
};

/** 报名: a seat while there is one, else the waitlist (5.2-10 keeps the seats at the limit). */
export function decideSignUp(p: ProjectRecord, s: Session, actor: Person, st: Stamp, now: string, department?: string): TrainingDecision {
  const closed = notOpen(s, now);
  if (closed) return closed;
  const r = signUp(s, actor.id, department);
  if (!r.ok) return { ok: false, why: r.why };
  if (r.outcome === 'already') return { ok: true, outcome: 'already', session: s, events: [], warnings: [], movedUp: [] };
  const next: Session = { ...r.session, names: actor.name ? { ...r.session.names, [actor.id]: actor.name } : r.session.names, updatedAt: st.at };
  const action = r.outcome === 'signed-up' ? 'training-signup' : 'training-waitlist';
  return { ok: true, outcome: r.outcome === 'signed-up' ? 'signed-up' : 'waitlisted', session: next, events: [trainingEvent(p, next, action, actor, st, { detail: seatDetail(next, actor.id, p.lang) })], warnings: [], movedUp: [] };
}

/** 取消报名: frees the seat; the first on the waitlist moves up into it. */
export function decideCancelSignUp(p: ProjectRecord, s: Session, actor: Person, st: Stamp, now: string): TrainingDecision {
  const closed = notOpen(s, now);
  if (closed) return closed;
  const wasWaiting = s.waitlist.includes(actor.id);
  const r = cancelSignUp(s, actor.id);
  if (!r.ok) return { ok: false, why: r.why };
  if (r.outcome === 'not-signed-up') return { ok: true, outcome: 'not-signed-up', session: s, events: [], warnings: [], movedUp: [] };
  const { [actor.id]: _gone, ...names } = r.session.names;
  const next: Session = { ...r.session, names, updatedAt: st.at };
  const from = wasWaiting ? (p.lang === 'zh' ? '退出候补' : 'left the waitlist') : p.lang === 'zh' ? '让出座位' : 'gave up a seat';
  const events = [trainingEvent(p, next, 'training-unsignup', actor, st, { detail: from })];
  const movedUp = r.movedUp ? [r.movedUp] : [];
  for (const u of movedUp) events.push(trainingEvent(p, next, 'training-moveup', actor, st, { subject: { id: u, ...(next.names[u] ? { name: next.names[u] } : {}) }, detail: seatDetail(next, u, p.lang) }));
  return { ok: true, outcome: 'unsigned', session: next, events, warnings: [], movedUp };
}

/** The room's code as typed (none: not given), checked by the caller's `matches` (code.ts codeMatches with the secret and the moment). */
export interface TypedCode {
  typed?: string;
  matches(sessionId: string, typed: string): boolean;
}

/**
 * 签到 (`check-in`) or 课堂确认 (`second-check`) while that check is open (model.ts checkIn),
 * with the code when the session requires it. Anyone in the group may check in: whether they
 * had signed up is recorded with it, and so is whether they hold a customer-side manager's role
 * (5.3-5), in the check-in and in its audit event.
 */
export function decideCheckIn(p: ProjectRecord, s: Session, actor: Person, st: Stamp, now: string, kind: CheckKind, code: TypedCode): TrainingDecision {
  const verdict: CodeVerdict = !s.codeRequired ? 'not-needed' : code.typed === undefined ? 'missing' : code.matches(s.id, code.typed) ? 'ok' : 'wrong';
  const manager = isManager(p, actor.id);
  const r = checkIn(s, actor.id, now, st.at, { kind, code: verdict, manager });
  if (!r.ok) return { ok: false, why: r.why };
  if (r.outcome === 'already') return { ok: true, outcome: 'already', session: s, events: [], warnings: [], movedUp: [] };
  const c = r.checkIn!;
  const next: Session = { ...r.session, names: actor.name ? { ...r.session.names, [actor.id]: actor.name } : r.session.names, updatedAt: st.at };
  const zh = [kind === 'check-in' ? '签到' : '课堂确认', kind === 'check-in' ? (c.signedUp ? '已报名' : '未报名(现场加入)') : '', c.manager ? '客户方管理人员(5.3-5)' : '', c.code ? '凭签到码' : ''];
  const en = [kind === 'check-in' ? 'check-in' : 'second check', kind === 'check-in' ? (c.signedUp ? 'signed up' : 'not signed up (walk-in)') : '', c.manager ? 'customer-side manager (5.3-5)' : '', c.code ? 'with the code' : ''];
  const detail = (p.lang === 'zh' ? zh : en).filter(Boolean).join(p.lang === 'zh' ? ',' : ', ');
  const action = kind === 'check-in' ? 'training-checkin' : 'training-secondcheck';
  return { ok: true, outcome: 'checked-in', session: next, events: [trainingEvent(p, next, action, actor, st, { detail })], warnings: [], movedUp: [] };
}

export type GoalDecision = Refused | { ok: true; outcome: 'set' | 'cleared' | 'unchanged'; project: ProjectRecord; events: NewSignoffEvent[] };

/**
 * 设置培训目标 90% [关键用户] / training goal 90% [key-users]: the project's go-live criterion for
 * training (report-model.ts goalFigures), set or cleared (`percent` undefined) by those who plan
 * training, as a training-goal event in the trail.
 */
export function decideGoal(p: ProjectRecord, goal: { percent: number; audience: NonNullable<ProjectRecord['trainingGoal']>['audience'] } | undefined, actor: Person, st: Stamp): GoalDecision {
  if (!mayPlan(p, actor.id)) return refuse(`只有${who(PLANNER_ROLES, 'zh')}可以设置培训目标。`, `Only the ${who(PLANNER_ROLES, 'en')} can set the training goal.`);
  const cur = p.trainingGoal;
  if (goal ? cur?.percent === goal.percent && cur.audience === goal.audience : !cur) return { ok: true, outcome: 'unchanged', project: p, events: [] };
  const { trainingGoal: _old, ...rest } = p;
  const project: ProjectRecord = goal ? { ...p, trainingGoal: { ...goal, by: actor.id, at: st.at }, updatedAt: st.at } : { ...rest, updatedAt: st.at };
  const detail = goal ? (p.lang === 'zh' ? `培训目标:${goal.audience === 'all' ? '全部' : audienceLabel[goal.audience].zh} ${goal.percent}%` : `training goal: ${goal.percent}% of ${goal.audience === 'all' ? 'everyone' : audienceLabel[goal.audience].en}`) : p.lang === 'zh' ? '取消培训目标' : 'training goal cleared';
  const event: NewSignoffEvent = {
    projectId: p.id,
    action: 'training-goal',
    itemId: 'training:goal',
    itemText: p.lang === 'zh' ? '培训目标' : 'training goal',
    userId: actor.id,
    ...(actor.name ? { userName: actor.name } : {}),
    role: auditRole(p, actor.id),
    at: st.at,
    via: st.via,
    platform: st.platform,
    evidenceMessageId: st.evidenceMessageId,
    text: st.text,
    detail,
    ...(st.rulebookVersion ? { rulebookVersion: st.rulebookVersion } : {}),
  };
  return { ok: true, outcome: goal ? 'set' : 'cleared', project, events: [event] };
}

/** 已观看 / watched (a recorded video): a check-in event with what it was, like 签到 in the room. */
export function decideWatched(p: ProjectRecord, s: Session, actor: Person, st: Stamp, now: string): TrainingDecision {
  const r = watched(s, actor.id, now, st.at);
  if (!r.ok) return { ok: false, why: r.why };
  if (r.outcome === 'already') return { ok: true, outcome: 'already', session: s, events: [], warnings: [], movedUp: [] };
  const c = r.checkIn!;
  const next: Session = { ...r.session, names: actor.name ? { ...r.session.names, [actor.id]: actor.name } : r.session.names, updatedAt: st.at };
  const detail = p.lang === 'zh' ? `已观看录播,${c.signedUp ? '已报名' : '未报名'}` : `watched the recording, ${c.signedUp ? 'signed up' : 'not signed up'}`;
  return { ok: true, outcome: 'checked-in', session: next, events: [trainingEvent(p, next, 'training-checkin', actor, st, { detail })], warnings: [], movedUp: [] };
}

/** Who a 5.3-5 warning is for: the implementer's PM (the trainer's side) and the customer's lead, by the ids the project keeps. */
export function warnedOf(p: ProjectRecord): { vendorPm: string[]; customerLead: string[] } {
  const held = (r: Role) => p.roles.filter((h) => h.role === r && !h.pending).map((h) => h.userId);
  return { vendorPm: held('vendor-pm'), customerLead: held('customer-lead') };
}

/**
 * A reminder or warning the bot has posted (`messageId`), recorded on the session and in the
 * trail once: the same notice again (another replica, a retry after a crash) records nothing.
 * `mentioned`: the ids the message mentioned.
 */
export function decideNotice(p: ProjectRecord, s: Session, n: DueNotice, messageId: string, mentioned: string[], st: Stamp): TrainingDecision {
  if (s.notices.some((x) => x.slot === n.slot)) return { ok: true, outcome: 'unchanged', session: s, events: [], warnings: [], movedUp: [] };
  const next: Session = { ...s, notices: [...s.notices, { kind: n.kind, slot: n.slot, at: st.at, messageId }] };
  const zh = n.kind === 'remind-day' ? '提前一天提醒' : n.kind === 'remind-hour' ? '开始前一小时提醒' : `开始 15 分钟仍无客户方管理人员签到(5.3-5)`;
  const en = n.kind === 'remind-day' ? 'reminder the day before' : n.kind === 'remind-hour' ? 'reminder an hour before' : 'no customer-side manager checked in 15 minutes after the start (5.3-5)';
  const who = p.lang === 'zh' ? `,提及 ${mentioned.length} 人` : `, ${mentioned.length} mentioned`;
  const action = n.kind === 'manager-absent' ? 'training-warn' : 'training-remind';
  return { ok: true, outcome: 'noticed', session: next, events: [trainingEvent(p, next, action, BOT_ACTOR, st, { detail: `${p.lang === 'zh' ? zh : en}${who}` })], warnings: [], movedUp: [] };
}

/** Whether the warning is still true: a staff session with no customer-side manager checked in. */
export const managerAbsent = (s: Session) => needsManager(s) && !s.checkIns.some((c) => c.kind === 'check-in' && c.manager);
