import { z } from 'zod';
import { Platform } from '../core/message.ts';
import type { ChecklistMessage, Delivery, DownReason, NewDelivery, NewReviewItem, NewSignoffEvent, PostClaim, ProjectRecord, ReviewDecision, ReviewItem, SignoffEvent } from './records.ts';

export * from './records.ts';
export { EvidenceRecord, EvidenceSource, type NewEvidence, type EvidenceAudit } from './evidence.ts';
import type { EvidenceAudit, EvidenceRecord, NewEvidence } from './evidence.ts';
import type { Session } from '../training/model.ts';

export const FeedbackRecord = z.object({
  question: z.string(),
  ruleId: z.string(),
  vote: z.enum(['up', 'down']),
  platform: Platform,
  userId: z.string(),
  at: z.string(), // ISO 8601 with offset
  /** The click it came from (`platform:event id`): a click handled again after a crash is still one vote. */
  eventId: z.string().optional(),
  /** The answer voted on (`platform:chat:message id`): one vote per person per answer, a second click changes it. */
  answerKey: z.string().optional(),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;

export interface ProjectChange<T> {
  result: T;
  project?: ProjectRecord;
  events?: NewSignoffEvent[];
}

/** What a training decision (src/training/decide.ts) hands the store: the session as it must become (none: left as it is) and its audit events. */
export interface SessionChange<T> {
  result: T;
  session?: Session;
  events?: NewSignoffEvent[];
}

/**
 * Everything the bot keeps. Implementations: lowdb (embedded default) and,
 * later, PostgreSQL; both run the same contract tests in test/store.contract.ts.
 * Each method is atomic on its own; none may lose a write it resolved.
 */
export interface Store {
  /**
   * Remembers a delivery key (event id, message id, button click) and tells
   * whether this is the first time it is seen. Keys older than `ttlMs` are forgotten.
   */
  claimEvent(key: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Whether `key` was claimed less than `ttlMs` ago; changes nothing (revoked web sessions, seen by every replica). */
  hasEvent(key: string, now: Date, ttlMs: number): Promise<boolean>;
  /**
   * Records a vote. The same click again changes nothing; with `answerKey`, a person's later
   * vote on the same answer replaces their earlier one. Says which of the three happened.
   */
  addFeedback(record: FeedbackRecord): Promise<'new' | 'changed' | 'unchanged'>;
  listFeedback(): Promise<FeedbackRecord[]>;

  // ---- the review queue: questions the rulebook's owners should look at ----
  /** Keeps the question; the same `eventId` again (a retry after a crash) returns the item kept the first time. */
  addReview(item: NewReviewItem): Promise<ReviewItem>;
  /** Oldest first; only those with the given statuses when given. */
  listReview(statuses?: ReviewItem['status'][]): Promise<ReviewItem[]>;
  /** Decides open items (decided ones are left as they are); returns the items it changed. Atomic. */
  decideReview(ids: number[], decision: ReviewDecision): Promise<ReviewItem[]>;
  /** Sets the 👎 reason of an item, only when `userId` is who kept it (the voter); false otherwise. */
  setReviewReason(id: number, userId: string, reason: DownReason): Promise<boolean>;

  // ---- projects (one per group chat; id = `${platform}:${chatId}`) ----
  getProject(id: string): Promise<ProjectRecord | undefined>;
  listProjects(): Promise<ProjectRecord[]>;
  /**
   * Creates the project, or, when it exists, changes only its name and go-live date
   * (roles, admin, time zone, posting time and sign-offs are kept). Atomic.
   */
  bindProject(p: ProjectRecord): Promise<{ project: ProjectRecord; created: boolean }>;
  /** Replaces the whole record (declared projects from data/projects.yaml). */
  putProject(p: ProjectRecord): Promise<void>;
  /**
   * Reads the project under its lock and hands it to `decide`, which returns the record as it
   * must become (or none: left as it is) and audit events to append; both are written in one
   * step, so a role change is never without its audit event, nor the reverse. Undefined when
   * no such project. `decide` must be pure: PostgreSQL may run it again after a connection failure.
   */
  changeProject<T>(projectId: string, decide: (p: ProjectRecord) => ProjectChange<T>): Promise<{ result: T; project: ProjectRecord; events: SignoffEvent[] } | undefined>;
  /** Changes the posting time and/or time zone. Atomic; undefined when no such project. */
  updateSchedule(projectId: string, change: { postTime?: string; timeZone?: string }, at: string): Promise<ProjectRecord | undefined>;

  // ---- scheduled posts: exactly once per (project, slot) ----
  /**
   * Claims the post for (project, slot). 'claimed': the caller must send, then call
   * completePost (or releasePost on failure). 'reclaimed': the same, but an earlier claim
   * was released or went stale without completing, so its send may have reached the
   * platform. 'sent': already posted. 'busy': another caller holds a fresh claim. A claim
   * older than `staleMs` that never completed is handed out again (PostgreSQL: INSERT ...
   * ON CONFLICT DO UPDATE ... WHERE status = 'claimed' AND claimed_at <= now - stale).
   */
  claimPost(projectId: string, slot: string, now: Date, staleMs: number): Promise<'claimed' | 'reclaimed' | 'sent' | 'busy'>;
  /** Marks the claim sent and records the posted checklist message, in one write. */
  completePost(projectId: string, slot: string, message: ChecklistMessage): Promise<void>;
  /**
   * Marks the claim sent for a post that is not a checklist (a training reminder or warning:
   * what it said is recorded on the session and in the trail, src/training/job.ts), with the
   * platform's message id. Nothing is added to the checklist messages. A sent post stays sent.
   */
  finishPost(projectId: string, slot: string, messageId: string, now: Date): Promise<void>;
  /**
   * Gives up a claim whose send failed, so the next run retries (as 'reclaimed': a send that
   * timed out may still have been posted). A sent post is never released.
   */
  releasePost(projectId: string, slot: string): Promise<void>;
  getPost(projectId: string, slot: string): Promise<PostClaim | undefined>;

  // ---- checklist messages (what replies and buttons refer to) ----
  addChecklistMessage(m: ChecklistMessage): Promise<void>;
  findChecklistMessage(platform: Platform, chatId: string, messageId: string): Promise<ChecklistMessage | undefined>;
  latestChecklistMessage(projectId: string): Promise<ChecklistMessage | undefined>;

  // ---- sign-offs: append-only audit trail ----
  /** Appends all events or none; returns them with their sequence numbers. Nothing is ever updated or deleted. */
  appendSignoffs(events: NewSignoffEvent[]): Promise<SignoffEvent[]>;
  /**
   * Appends only the events that change an item's state now: a confirm of an item whose
   * latest event is not a confirm, an undo of an item whose latest event is a confirm.
   * Atomic against every other writer, other processes included, so two people (or two
   * replicas) confirming one item at the same moment record it once. Returns what was written.
   */
  recordSignoffs(events: NewSignoffEvent[]): Promise<SignoffEvent[]>;
  /** In the order they were written. */
  listSignoffs(projectId: string): Promise<SignoffEvent[]>;

  // ---- training sessions (src/training/model.ts Session): whole records, per project by number ----
  /** Oldest (lowest number) first. */
  listSessions(projectId: string): Promise<Session[]>;
  getSession(projectId: string, no: number): Promise<Session | undefined>;
  /**
   * Creates a session: `decide` gets the project's next number and returns the session with that
   * number (or none: refused, nothing written) and its audit events, written in one step. Two
   * callers at once get different numbers. `decide` must be pure (PostgreSQL may run it again).
   */
  addSession<T>(projectId: string, decide: (no: number) => SessionChange<T>): Promise<{ result: T; session?: Session; events: SignoffEvent[] }>;
  /**
   * Reads the session under its lock and hands it to `decide`, which returns the session as it
   * must become (or none) and audit events; both are written in one step, atomic against every
   * other writer, other processes included: of two people clicking 报名 on the last seat at once
   * (on two replicas), one gets it and the other is waitlisted. Undefined when no such session.
   * `decide` must be pure (PostgreSQL may run it again after a connection failure).
   */
  changeSession<T>(projectId: string, no: number, decide: (s: Session) => SessionChange<T>): Promise<{ result: T; session: Session; events: SignoffEvent[] } | undefined>;

  // ---- evidence attached to sign-offs (src/store/evidence.ts) ----
  /**
   * Keeps an evidence record, and with `bytes` its file: the SHA-256 is computed here and the
   * bytes are durable before the record is (lowdb: a file beside the store file; PostgreSQL: a
   * bytea row, so every replica serves it). The same content twice is kept once.
   * With `audit` (and `e.signoffSeq`), its `evidence` event (src/store/evidence.ts evidenceEvent)
   * is appended to the project's hash chain in the same step as the record (lowdb: the same file
   * write; PostgreSQL: the same transaction), and the record keeps the event's seq (`auditSeq`).
   */
  addEvidence(e: NewEvidence, bytes?: Uint8Array, audit?: EvidenceAudit): Promise<EvidenceRecord>;
  /** In the order they were kept. */
  listEvidence(projectId: string): Promise<EvidenceRecord[]>;
  getEvidence(id: number): Promise<EvidenceRecord | undefined>;
  /** The bytes of a stored file, by content hash (lowdb: none when the file no longer matches its hash). */
  readEvidence(sha256: string): Promise<Uint8Array | undefined>;
  // ---- inbox: acknowledged events, kept until handled ----
  /**
   * Records a platform event before it is acknowledged. True when it is new: it is stored as
   * pending (taken by the caller, who must finish it). False when the key was accepted before
   * (a platform retry, or the copy another replica got): acknowledge it and do nothing. A
   * finished key is forgotten after `ttlMs`. Resolves only once the record survives a crash
   * of the bot; rejects (never resolves false) when it could not be written.
   */
  acceptDelivery(d: NewDelivery, now: Date, ttlMs: number): Promise<boolean>;
  /** Handled ('done') or given up ('failed'): it is not handed out again, and its payload is dropped. */
  finishDelivery(key: string, status: 'done' | 'failed'): Promise<void>;
  /**
   * Takes pending deliveries of the given kinds (what the caller can handle) nobody has taken
   * for `leaseMs` (their process died, or an attempt failed), oldest first, at most `limit`:
   * marks them taken now with one more attempt. Atomic: of two replicas sweeping at once,
   * each delivery goes to one.
   */
  takeDeliveries(now: Date, leaseMs: number, limit: number, kinds: string[]): Promise<Delivery[]>;
  /** The caller is still handling these (slowly): their lease starts again now, so nobody takes them meanwhile. */
  renewDeliveries(keys: string[], now: Date): Promise<void>;
  /**
   * How many deliveries are pending (accepted, not finished: being handled or waiting for a
   * retry), and when the oldest of them was received (ms since the epoch; absent when none).
   * Read-only and cheap, for /metrics; on PostgreSQL it counts every replica's.
   */
  inboxDepth(): Promise<{ pending: number; oldestReceivedAt?: number }>;

  /** For /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
