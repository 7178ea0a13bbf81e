import { z } from 'zod';
import { Platform } from '../core/message.ts';
import { EvidenceFacts } from './evidence-facts.ts';

/** A day in a project's own time zone, never a Date: "2026-10-10". */
export const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-10-20');
/** A wall-clock time in a project's own time zone: "09:00". */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 09:00');

/** Who may confirm what. Anyone without a role is a member; the admin is whoever bound the project. */
export const Role = z.enum(['customer-lead', 'vendor-pm', 'it-lead']);
export type Role = z.infer<typeof Role>;

export const RoleHolder = z.object({
  userId: z.string().min(1),
  name: z.string().optional(),
  role: Role,
  /** Given by the PMO in data/projects.yaml: chat commands cannot change it. */
  declared: z.boolean().optional(),
  /**
   * A customer-side role named in chat that the person has not accepted yet: it gives no
   * authority until they do (only they can), so nobody signs as the customer on another's word.
   */
  pending: z.boolean().optional(),
  /** Who gave or nominated it in chat, and when. */
  grantedBy: z.string().optional(),
  grantedByName: z.string().optional(),
  grantedAt: z.string().optional(),
  /** When the person accepted it (customer-side roles given in chat). */
  acceptedAt: z.string().optional(),
  /** The organisation the platform said the person belongs to when they accepted (Slack team, Feishu tenant). */
  org: z.string().optional(),
});
export type RoleHolder = z.infer<typeof RoleHolder>;

/** One group chat bound to one go-live. The id is `${platform}:${chatId}`. */
export const ProjectRecord = z.object({
  id: z.string().min(1),
  platform: Platform,
  chatId: z.string().min(1),
  name: z.string().min(1),
  goLive: LocalDate,
  timeZone: z.string().min(1),
  postTime: LocalTime,
  lang: z.enum(['zh', 'en']),
  adminId: z.string().min(1),
  adminName: z.string().optional(),
  roles: z.array(RoleHolder),
  /**
   * The customer's organisation (Slack team or enterprise, Feishu tenant): declared in
   * data/projects.yaml, or taken from the first customer-lead who accepted in chat.
   * Customer-side roles can then only be accepted by its members.
   */
  customerOrg: z.object({ id: z.string().min(1), source: z.enum(['file', 'first-lead']), by: z.string().optional(), byName: z.string().optional(), at: z.string().optional() }).optional(),
  /**
   * The go-live criterion for training (issue 15): `percent` of the people invited to the
   * sessions for `audience` (signed up, walk-ins counted) trained to the end and passed the
   * exam. Set in chat by the admin or a planner (设置培训目标 90%), audited as training-goal.
   */
  trainingGoal: z.strictObject({ percent: z.number().int().min(1).max(100), audience: z.enum(['leaders', 'middle', 'staff', 'key-users', 'admins', 'all']), by: z.string().min(1), at: z.string() }).optional(),
  /** Where it was declared: a chat command or data/projects.yaml. */
  source: z.enum(['chat', 'file']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectRecord = z.infer<typeof ProjectRecord>;

/**
 * A checklist the bot posted. `items` maps the numbers shown in that message
 * (index + 1) to template item ids, so "确认 3" means what the message showed
 * even after the template changed.
 */
export const ChecklistMessage = z.object({
  projectId: z.string().min(1),
  platform: Platform,
  chatId: z.string().min(1),
  messageId: z.string().min(1),
  items: z.array(z.string().min(1)),
  postedAt: z.string(),
  kind: z.enum(['daily', 'manual', 'final']),
});
export type ChecklistMessage = z.infer<typeof ChecklistMessage>;

/**
 * A scheduled post's claim. `slot` is the project-local date ("2026-10-10") for the
 * daily post, or "final" for the readiness summary. A claim that stays `claimed`
 * (the process died between claim and send) can be taken again once stale.
 */
export const PostClaim = z.object({
  projectId: z.string().min(1),
  slot: z.string().min(1),
  status: z.enum(['claimed', 'sent']),
  claimedAt: z.number(), // ms
  attempts: z.number().int().nonnegative(),
  messageId: z.string().optional(),
});
export type PostClaim = z.infer<typeof PostClaim>;

/** `schedule`: the bot itself, from a scheduled job (training reminders and warnings). */
export const SignoffVia = z.enum(['reply', 'button', 'web', 'cli', 'schedule']);

/** Role changes made in chat, kept in the same trail as sign-offs. */
export const RoleAction = z.enum(['role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove']);
export type RoleAction = z.infer<typeof RoleAction>;
export const isRoleAction = (a: string): a is RoleAction => (RoleAction.options as string[]).includes(a);

/**
 * Training sessions (src/training), kept in the same trail: a session planned, changed or
 * cancelled, the 60-person limit of 5.2-10 overridden (with its reason), a sign-up (a seat or
 * the waitlist), a sign-up cancelled, someone moved up from the waitlist, a check-in (签到), the
 * second check near the end (课堂确认), and what the bot posted by itself: a reminder (the day
 * before, an hour before) and the 5.3-5 warning that no customer-side manager checked in.
 */
export const TrainingAction = z.enum([
  'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist', 'training-unsignup', 'training-moveup', 'training-checkin',
  'training-secondcheck', 'training-remind', 'training-warn', 'training-exam', 'training-goal',
]);
export type TrainingAction = z.infer<typeof TrainingAction>;
export const isTrainingAction = (a: string): a is TrainingAction => (TrainingAction.options as string[]).includes(a);

/** How the signer came to hold the role they signed with, frozen into the sign-off. */
export const RoleGrant = z.object({
  source: z.enum(['file', 'chat']),
  by: z.string().optional(),
  byName: z.string().optional(),
  acceptedAt: z.string().optional(),
  /** The signer's organisation as the platform said at acceptance, and whether it is the project's customer organisation. */
  org: z.string().optional(),
  orgChecked: z.boolean().optional(),
});
export type RoleGrant = z.infer<typeof RoleGrant>;

/**
 * One line of the append-only audit trail: a sign-off (confirm, undo), a role change or a
 * report generated. `seq` is assigned by the store. For a role change, `itemId` is
 * `role:<role>`, `itemText` the role's name, `user*` who acted and `subject*` whose role it is.
 * For a report (src/reports), `itemId` is `report:<kind>`, `itemText` its title,
 * `evidenceMessageId` `sha256:<the file's hash>` and `text` what was generated.
 * For a training action, `itemId` is `training:<the session's number>`, `itemText` the session
 * as it was then (number, title, time), `subject*` the person moved up, and `detail` what was
 * decided (the session's terms, the override's reason, what changed, the seat or waitlist place).
 * For evidence attached to a sign-off (`evidence`), `itemId` is `evidence:<the item's id>`
 * (so it never counts as the item's confirm or undo), `itemText` the item's text, `user*` who
 * attached it, `evidenceMessageId` the message the file came from, and `evidence` what was kept
 * (EvidenceFacts: the sign-off's seq and hash, name, type, size, SHA-256 or link, or missing: why).
 */
export const SignoffEvent = z.object({
  seq: z.number().int().positive(),
  projectId: z.string().min(1),
  action: z.union([z.enum(['confirm', 'undo', 'report', 'evidence']), RoleAction, TrainingAction]),
  itemId: z.string().min(1),
  /** The item's text when it was signed, in the project's language. */
  itemText: z.string(),
  userId: z.string().min(1),
  userName: z.string().optional(),
  /** The signer's role at that moment; "admin" or "member" when they hold none; "bot" for what the bot did by itself (via `schedule`). */
  role: z.union([Role, z.literal('admin'), z.literal('member'), z.literal('bot')]),
  /** ISO 8601 with the project's UTC offset, e.g. 2026-10-09T09:12:00+08:00. */
  at: z.string(),
  via: SignoffVia,
  platform: Platform,
  /** The platform message id of the reply or of the clicked card. */
  evidenceMessageId: z.string().min(1),
  /** The literal reply text, or a description of the click. */
  text: z.string(),
  /** Role changes: whose role changed. */
  subjectId: z.string().optional(),
  subjectName: z.string().optional(),
  /** The actor's organisation, when the platform said (role acceptances). */
  org: z.string().optional(),
  /** Sign-offs: how the signer's role was given. */
  roleGrant: RoleGrant.optional(),
  /** Training actions: what was decided, in the project's language (see above). */
  detail: z.string().optional(),
  /** Evidence events: what was kept, as the evidence record says it (src/store/evidence.ts). */
  evidence: EvidenceFacts.optional(),
  /** The rulebook version the bot answered from when this was recorded. */
  rulebookVersion: z.string().optional(),
  /** The hash chain (src/store/chain.ts): the project's previous event's hash, and this one's. Set by the store. */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type SignoffEvent = z.infer<typeof SignoffEvent>;
/** What callers hand the store: it assigns `seq` and the chain. */
export type NewSignoffEvent = Omit<SignoffEvent, 'seq' | 'prevHash' | 'hash'>;

/**
 * A platform event the bot acknowledged, kept until it is handled (the inbox). Written
 * before the acknowledgement, so an event that got its HTTP 200 survives a crash: at
 * start-up (lowdb) or after the lease (PostgreSQL, any replica) it is handled again.
 */
export const Delivery = z.object({
  /** `${platform}:${event id}`: also what makes a platform retry a duplicate. */
  key: z.string().min(1),
  platform: Platform,
  /** Which adapter routine handles the payload ("feishu.message", "slack", …). */
  kind: z.string().min(1),
  /** The event as the platform sent it (checked); dropped once handled. */
  payload: z.unknown().optional(),
  receivedAt: z.number(), // ms
  /** When a process last took it to handle it; 0 = nobody holds it. */
  takenAt: z.number(),
  attempts: z.number().int().nonnegative(),
  status: z.enum(['pending', 'done', 'failed']),
});
export type Delivery = z.infer<typeof Delivery>;
export interface NewDelivery {
  key: string;
  platform: Delivery['platform'];
  kind: string;
  payload: unknown;
  /** False: recorded for someone else to take (migration); default: the caller handles it now. */
  taken?: boolean;
}

/** Why a question is in the review queue. */
export const ReviewReason = z.enum(['unsure', 'none', 'down']);
/** What the person who voted 👎 said was wrong. */
export const DownReason = z.enum(['wrong-rule', 'unclear', 'outdated', 'other']);
export type DownReason = z.infer<typeof DownReason>;

/**
 * A question kept for the rulebook's owners: answered below the confidence threshold
 * ("did you mean"), answered with nothing, or voted 👎. `id` is assigned by the store.
 * The asker's id is kept so a 👎 reason can only come from the voter; exports leave it out.
 */
export const ReviewItem = z.object({
  id: z.number().int().positive(),
  question: z.string(),
  lang: z.enum(['zh', 'en']),
  reason: ReviewReason,
  /** The rule answered (👎) or offered first (unsure); null when nothing was offered. */
  ruleId: z.string().nullable(),
  offered: z.array(z.string()),
  downReason: DownReason.optional(),
  platform: Platform,
  projectId: z.string().nullable(),
  userId: z.string(),
  at: z.string(),
  /** The event it came from: the same question handled again after a crash is one item. */
  eventId: z.string().min(1),
  status: z.enum(['open', 'accepted', 'offtopic', 'dismissed']),
  /** accepted: the question becomes an alternate question of this rule. */
  decidedRuleId: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;
export type NewReviewItem = Omit<ReviewItem, 'id' | 'status' | 'decidedRuleId' | 'decidedBy' | 'decidedAt'>;
export interface ReviewDecision {
  status: 'accepted' | 'offtopic' | 'dismissed';
  /** Required for 'accepted'. */
  ruleId?: string;
  by: string;
  at: string;
}
