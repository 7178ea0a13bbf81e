import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { openJournal } from './journal.ts';
import { backfill, chained, GENESIS } from './chain.ts';
import { takeLock } from './lock.ts';
import { lowdbInbox } from './lowdb-inbox.ts';
import { ChecklistMessage, Delivery, FeedbackRecord, PostClaim, ProjectRecord, ReviewItem, SignoffEvent, type Store } from './store.ts';

import { StoreError } from './store-error.ts';
import { EvidenceRecord, evidenceDir, evidenceEvent, readEvidenceFile, sha256Hex, writeEvidenceFile } from './evidence.ts';
import { Session } from '../training/model.ts';
import { checkSession } from './training.ts';

const DbShape = z.object({
  // Kept in this file by earlier versions; now in the journals (see journalFiles), moved there at open.
  events: z.record(z.string(), z.number()).default({}),
  feedback: z.array(FeedbackRecord).default([]),
  projects: z.record(z.string(), ProjectRecord).default({}),
  posts: z.record(z.string(), PostClaim).default({}), // `${projectId}|${slot}` → claim
  checklistMessages: z.array(ChecklistMessage).default([]),
  signoffs: z.array(SignoffEvent).default([]),
  review: z.array(ReviewItem).default([]),
  deliveries: z.record(z.string(), Delivery).default({}),
  evidence: z.array(EvidenceRecord).default([]),
  /** Training sessions, every project's, in the order they were created. */
  sessions: z.array(Session).default([]),
});
export type DbShape = z.infer<typeof DbShape>;

/**
 * Next to the JSON file: what changes on every event, as append-only journals (journal.ts):
 * delivery keys (key → first seen, ms) and the inbox (key → Delivery).
 */
export function journalFiles(file: string): { events: string; inbox: string } {
  const base = file.replace(/\.json$/, '');
  return { events: `${base}.events.jsonl`, inbox: `${base}.inbox.jsonl` };
}

/**
 * The embedded store: one JSON file, rewritten atomically (temp file + rename) after
 * every change (grouped per event-loop turn), plus two journals for the per-event keys.
 * One process per file: two processes on one file lose writes.
 */
export async function openLowdbStore(file: string, opts: { readOnly?: boolean } = {}): Promise<Store> {
  const readOnly = opts.readOnly ?? false;
  if (!readOnly) mkdirSync(dirname(file), { recursive: true });
  const lock = readOnly ? undefined : takeLock(file);
  try {
    return await openLocked(file, readOnly, lock);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function openLocked(file: string, readOnly: boolean, lock: { release(): void } | undefined): Promise<Store> {
  const db = new Low<DbShape>(new JSONFile<DbShape>(file), DbShape.parse({}));
  try {
    await db.read();
  } catch (e) {
    // Never overwrite a file we could not read: the operator must look at it.
    throw new StoreError(`${file} is not a readable store (${(e as Error).message}); fix or move it away, it was left untouched`);
  }
  // A file that exists but lacks what every store file has ({}, null, a stray JSON file) would
  // be taken for an empty store, and its first write would replace whatever it held: refused.
  if (existsSync(file)) {
    // lowdb puts its default data in place of a null file: look at what the file holds.
    let d: unknown;
    try {
      d = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      d = undefined;
    }
    // Every version of this bot writes "signoffs" (the audit trail) into the file.
    const missing = d === null || typeof d !== 'object' || Array.isArray(d) ? ['signoffs'] : ['signoffs'].filter((k) => !(k in d));
    if (missing.length) throw new StoreError(`${file} exists but has no ${missing.map((k) => `"${k}"`).join(' or ')}: it is not a store this bot wrote, or it was emptied; restore it from a backup or move it away (it was left untouched)`);
  }
  const parsed = DbShape.safeParse(db.data ?? {});
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new StoreError(`${file}: ${i.path.join('.')}: ${i.message}; fix or move it away, it was left untouched`);
  }
  db.data = parsed.data;
  const files = journalFiles(file);
  const events = await openJournal(files.events, z.number(), { readOnly });
  const inbox = await openJournal(files.inbox, Delivery, { readOnly });
  if (!readOnly && (Object.keys(db.data.events).length || Object.keys(db.data.deliveries).length)) {
    // The file changes its format here (keys move to the journals): keep a copy of it first.
    copyFileSync(file, `${file}.before-journals.bak`);
    // Journal first, then the file: a crash in between only repeats the move.
    for (const [k, t] of Object.entries(db.data.events)) if (events.get(k) === undefined) events.set(k, t);
    for (const [k, d] of Object.entries(db.data.deliveries)) if (!inbox.get(k)) inbox.set(k, d);
    await Promise.all([events.commit(), inbox.commit()]);
    db.data.events = {};
    db.data.deliveries = {};
    await db.write();
  }
  if (!readOnly && db.data.signoffs.some((e) => !e.hash)) {
    // A trail from before the hash chain: chained once, in the order it was written, after a copy of the file.
    if (existsSync(file)) copyFileSync(file, `${file}.before-chain.bak`);
    db.data.signoffs = backfill(db.data.signoffs);
    await db.write();
  }
  if (!readOnly && !existsSync(file)) await db.write(); // so an operator finds the store where the config says
  // Each project's latest hash: the next event of the project links to it.
  const heads = new Map<string, string>();
  for (const e of db.data.signoffs) if (e.hash) heads.set(e.projectId, e.hash);
  /** Runs inside update(): events of one turn are chained in the order they are written. */
  const link = (e: Omit<SignoffEvent, 'seq' | 'prevHash' | 'hash'>, seq: number): SignoffEvent => {
    const c = SignoffEvent.parse({ ...chained(e, heads.get(e.projectId) ?? GENESIS), seq });
    heads.set(e.projectId, c.hash!);
    return c;
  };
  let lastPurge = 0;

  /**
   * Group commit: a change is applied at once (one event loop turn, so it is atomic) and
   * every change made in the same turn is written by one file rewrite; each caller resolves
   * only after the write that holds its change, so nothing is acknowledged before it is on
   * disk. Rewriting the whole file per event was the webhook's main cost under load.
   */
  let flush: Promise<void> | undefined;
  const update = async (change: (d: DbShape) => void): Promise<void> => {
    if (readOnly) throw new StoreError(`${file} was opened read-only`);
    change(db.data);
    flush ??= new Promise<void>((r) => setImmediate(r)).then(() => {
      flush = undefined;
      return db.write();
    });
    await flush;
  };

  return {
    ...lowdbInbox(inbox, { orphaned: !readOnly }),
    async claimEvent(key, now, ttlMs) {
      const t = now.getTime();
      const cutoff = t - ttlMs;
      // Sweeping every key on every event cost a fifth of the webhook CPU under load: once a minute is enough.
      if (t - lastPurge > 60_000) {
        lastPurge = t;
        for (const [k, seen] of events.entries()) if (seen < cutoff) events.delete(k);
      }
      const seen = events.get(key);
      const first = seen === undefined || seen < cutoff;
      if (first) events.set(key, t);
      await events.commit();
      return first;
    },
    async hasEvent(key, now, ttlMs) {
      const seen = events.get(key);
      return seen !== undefined && seen >= now.getTime() - ttlMs;
    },
    async addFeedback(record) {
      let result: 'new' | 'changed' | 'unchanged' = 'unchanged';
      await update((d) => {
        if (record.eventId && d.feedback.some((f) => f.eventId === record.eventId)) return;
        const i = record.answerKey ? d.feedback.findIndex((f) => f.answerKey === record.answerKey && f.userId === record.userId) : -1;
        if (i < 0) {
          d.feedback.push(record);
          result = 'new';
        } else {
          result = d.feedback[i]!.vote === record.vote ? 'unchanged' : 'changed';
          d.feedback[i] = record;
        }
      });
      return result;
    },
    async listFeedback() {
      return structuredClone(db.data.feedback);
    },
    async addReview(item) {
      let kept!: ReviewItem;
      await update((d) => {
        const old = d.review.find((r) => r.eventId === item.eventId);
        kept = old ?? { ...structuredClone(item), id: (d.review.at(-1)?.id ?? 0) + 1, status: 'open' };
        if (!old) d.review.push(kept);
      });
      return structuredClone(kept);
    },
    async listReview(statuses) {
      return structuredClone(db.data.review.filter((r) => !statuses || statuses.includes(r.status)));
    },
    async decideReview(ids, decision) {
      const changed: ReviewItem[] = [];
      await update((d) => {
        for (const r of d.review) {
          if (!ids.includes(r.id) || r.status !== 'open') continue;
          r.status = decision.status;
          if (decision.ruleId) r.decidedRuleId = decision.ruleId;
          r.decidedBy = decision.by;
          r.decidedAt = decision.at;
          changed.push(structuredClone(r));
        }
      });
      return changed;
    },
    async setReviewReason(id, userId, reason) {
      let ok = false;
      await update((d) => {
        const r = d.review.find((x) => x.id === id);
        if (r && r.userId === userId) [r.downReason, ok] = [reason, true];
      });
      return ok;
    },
    async getProject(id) {
      const p = db.data.projects[id];
      return p && structuredClone(p);
    },
    async listProjects() {
      return structuredClone(Object.values(db.data.projects));
    },
    async bindProject(p) {
      let result!: { project: ProjectRecord; created: boolean };
      await update((d) => {
        const old = d.projects[p.id];
        const project = old ? { ...old, name: p.name, goLive: p.goLive, updatedAt: p.updatedAt } : structuredClone(p);
        d.projects[p.id] = project;
        result = { project: structuredClone(project), created: !old };
      });
      return result;
    },
    async putProject(p) {
      await update((d) => {
        d.projects[p.id] = structuredClone(p);
      });
    },
    async changeProject(projectId, decide) {
      const p = db.data.projects[projectId];
      if (!p) return undefined;
      const { result, project, events = [] } = decide(structuredClone(p));
      // Checked before anything is changed: all or nothing.
      const next = project ? ProjectRecord.parse(project) : undefined;
      for (const e of events) SignoffEvent.omit({ seq: true }).parse(e);
      let written: SignoffEvent[] = [];
      await update((d) => {
        if (next) d.projects[projectId] = structuredClone(next);
        let seq = d.signoffs.at(-1)?.seq ?? 0;
        written = events.map((e) => link(e, ++seq));
        d.signoffs.push(...structuredClone(written));
      });
      return { result, project: structuredClone(next ?? p), events: written };
    },
    async updateSchedule(projectId, change, at) {
      let out: ProjectRecord | undefined;
      await update((d) => {
        const p = d.projects[projectId];
        if (!p) return;
        if (change.postTime) p.postTime = change.postTime;
        if (change.timeZone) p.timeZone = change.timeZone;
        p.updatedAt = at;
        out = structuredClone(p);
      });
      return out;
    },
    async claimPost(projectId, slot, now, staleMs) {
      // Checked synchronously before any await, so a losing caller costs no file write.
      const seen = db.data.posts[`${projectId}|${slot}`];
      if (seen?.status === 'sent') return 'sent';
      if (seen && now.getTime() - seen.claimedAt < staleMs) return 'busy';
      let out: 'claimed' | 'reclaimed' | 'sent' | 'busy' = 'busy';
      await update((d) => {
        const key = `${projectId}|${slot}`;
        const c = d.posts[key];
        if (!c) {
          d.posts[key] = { projectId, slot, status: 'claimed', claimedAt: now.getTime(), attempts: 1 };
          out = 'claimed';
        } else if (c.status === 'sent') {
          out = 'sent';
        } else if (now.getTime() - c.claimedAt >= staleMs) {
          c.claimedAt = now.getTime();
          c.attempts += 1;
          out = 'reclaimed';
        } else {
          out = 'busy';
        }
      });
      return out;
    },
    async completePost(projectId, slot, message) {
      await update((d) => {
        const key = `${projectId}|${slot}`;
        const c = d.posts[key] ?? { projectId, slot, status: 'claimed' as const, claimedAt: Date.parse(message.postedAt), attempts: 1 };
        d.posts[key] = { ...c, status: 'sent', messageId: message.messageId };
        d.checklistMessages.push(structuredClone(message));
      });
    },
    async finishPost(projectId, slot, messageId, now) {
      await update((d) => {
        const key = `${projectId}|${slot}`;
        const c = d.posts[key] ?? { projectId, slot, status: 'claimed' as const, claimedAt: now.getTime(), attempts: 1 };
        d.posts[key] = { ...c, status: 'sent', messageId };
      });
    },
    async releasePost(projectId, slot) {
      await update((d) => {
        const key = `${projectId}|${slot}`;
        // Kept, stale at once: the next claim knows an attempt came before it.
        const c = d.posts[key];
        if (c?.status === 'claimed') c.claimedAt = 0;
      });
    },
    async getPost(projectId, slot) {
      const c = db.data.posts[`${projectId}|${slot}`];
      return c && structuredClone(c);
    },
    async addChecklistMessage(m) {
      await update((d) => {
        d.checklistMessages.push(structuredClone(m));
      });
    },
    async findChecklistMessage(platform, chatId, messageId) {
      const m = db.data.checklistMessages.find((x) => x.platform === platform && x.chatId === chatId && x.messageId === messageId);
      return m && structuredClone(m);
    },
    async latestChecklistMessage(projectId) {
      const m = db.data.checklistMessages.findLast((x) => x.projectId === projectId);
      return m && structuredClone(m);
    },
    async appendSignoffs(events) {
      let out: SignoffEvent[] = [];
      for (const e of events) SignoffEvent.omit({ seq: true }).parse(e); // all or nothing
      await update((d) => {
        let seq = d.signoffs.at(-1)?.seq ?? 0;
        out = events.map((e) => link(e, ++seq));
        d.signoffs.push(...structuredClone(out));
      });
      return out;
    },
    async recordSignoffs(events) {
      let out: SignoffEvent[] = [];
      // Validate the whole batch first: all or nothing, like appendSignoffs.
      for (const e of events) SignoffEvent.omit({ seq: true }).parse(e);
      await update((d) => {
        // db.update runs this synchronously: nothing else reads or writes in between.
        const confirmed = new Map<string, boolean>();
        for (const e of d.signoffs) confirmed.set(`${e.projectId}\u0000${e.itemId}`, e.action === 'confirm');
        const changes = events.filter((e) => {
          const k = `${e.projectId}\u0000${e.itemId}`;
          if ((confirmed.get(k) ?? false) === (e.action === 'confirm')) return false;
          confirmed.set(k, e.action === 'confirm');
          return true;
        });
        let seq = d.signoffs.at(-1)?.seq ?? 0;
        out = changes.map((e) => link(e, ++seq));
        d.signoffs.push(...structuredClone(out));
      });
      return out;
    },
    async listSignoffs(projectId) {
      return structuredClone(db.data.signoffs.filter((e) => e.projectId === projectId));
    },
    async listSessions(projectId) {
      return structuredClone(db.data.sessions.filter((x) => x.projectId === projectId).sort((a, b) => a.no - b.no));
    },
    async getSession(projectId, no) {
      const x = db.data.sessions.find((r) => r.projectId === projectId && r.no === no);
      return x && structuredClone(x);
    },
    // Read, decide and apply in one synchronous stretch (update() applies its change before it
    // awaits the write): nothing else reads or writes in between, so a seat is never given twice.
    async addSession(projectId, decide) {
      if (readOnly) throw new StoreError(`${file} was opened read-only`);
      const no = Math.max(0, ...db.data.sessions.filter((x) => x.projectId === projectId).map((x) => x.no)) + 1;
      const { result, session, events = [] } = decide(no);
      const next = session ? checkSession(session, projectId, no) : undefined;
      for (const e of events) SignoffEvent.omit({ seq: true }).parse(e);
      let written: SignoffEvent[] = [];
      await update((d) => {
        if (next) d.sessions.push(structuredClone(next));
        let seq = d.signoffs.at(-1)?.seq ?? 0;
        written = events.map((e) => link(e, ++seq));
        d.signoffs.push(...structuredClone(written));
      });
      return { result, ...(next ? { session: structuredClone(next) } : {}), events: written };
    },
    async changeSession(projectId, no, decide) {
      if (readOnly) throw new StoreError(`${file} was opened read-only`);
      const i = db.data.sessions.findIndex((r) => r.projectId === projectId && r.no === no);
      if (i < 0) return undefined;
      const { result, session, events = [] } = decide(structuredClone(db.data.sessions[i]!));
      const next = session ? checkSession(session, projectId, no) : undefined;
      for (const e of events) SignoffEvent.omit({ seq: true }).parse(e);
      let written: SignoffEvent[] = [];
      await update((d) => {
        if (next) d.sessions[i] = structuredClone(next);
        let seq = d.signoffs.at(-1)?.seq ?? 0;
        written = events.map((e) => link(e, ++seq));
        d.signoffs.push(...structuredClone(written));
      });
      return { result, session: structuredClone(next ?? db.data.sessions[i]!), events: written };
    },
    async addEvidence(e, bytes, audit) {
      if (readOnly) throw new StoreError(`${file} was opened read-only`);
      const draft = EvidenceRecord.parse({ ...e, id: 1, ...(bytes ? { sha256: sha256Hex(bytes), size: bytes.byteLength } : {}) });
      const event = audit ? SignoffEvent.omit({ seq: true }).parse(evidenceEvent(draft, audit)) : undefined;
      // The bytes first: a record never points at a file that is not there.
      if (bytes) writeEvidenceFile(evidenceDir(file), bytes);
      let kept!: EvidenceRecord;
      await update((d) => {
        kept = { ...draft, id: (d.evidence.at(-1)?.id ?? 0) + 1 };
        // The record and its audit event in one change, so one file write holds both or neither.
        if (event) {
          const linked = link(event, (d.signoffs.at(-1)?.seq ?? 0) + 1);
          d.signoffs.push(structuredClone(linked));
          kept.auditSeq = linked.seq;
        }
        d.evidence.push(structuredClone(kept));
      });
      return structuredClone(kept);
    },
    async listEvidence(projectId) {
      return structuredClone(db.data.evidence.filter((x) => x.projectId === projectId));
    },
    async getEvidence(id) {
      const x = db.data.evidence.find((r) => r.id === id);
      return x && structuredClone(x);
    },
    async readEvidence(sha) {
      const b = readEvidenceFile(evidenceDir(file), sha);
      // A file changed on disk is not served as evidence.
      return b && sha256Hex(b) === sha ? b : undefined;
    },
    async ping() {
      return true;
    },
    async close() {
      try {
        if (!readOnly) await Promise.all([events.commit(), inbox.commit(), flush]);
      } finally {
        events.close();
        inbox.close();
        lock?.release();
      }
    },
  };
}
