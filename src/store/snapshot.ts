import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { backfill } from './chain.ts';
import { openJournal, readJournal } from './journal.ts';
import { takeLock } from './lock.ts';
import { journalFiles } from './lowdb.ts';
import { describeUrl, liveLockKey, parseDatabaseUrl, toClaim, toMessage, toSignoff, type Row } from './postgres.ts';
import { toDelivery } from './postgres-inbox.ts';
import { migrate } from './migrations.ts';
import { ChecklistMessage, Delivery, FeedbackRecord, PostClaim, ProjectRecord, ReviewItem, SignoffEvent } from './store.ts';
import { StoreError } from './store-error.ts';
import { EvidenceRecord, evidenceDir, readEvidenceFile, Sha256, sha256Hex, writeEvidenceFile } from './evidence.ts';
import { readdirSync } from 'node:fs';
import { Session } from '../training/model.ts';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/**
 * Everything a store holds, as one value: what `migrate` copies, `backup` writes and
 * `restore` reads. The same shape whichever store it came from, so a lowdb backup restores
 * into PostgreSQL and the reverse.
 */
export const Snapshot = z.object({
  events: z.record(z.string(), z.number()).default({}),
  feedback: z.array(FeedbackRecord).default([]),
  projects: z.record(z.string(), ProjectRecord).default({}),
  posts: z.record(z.string(), PostClaim).default({}),
  checklistMessages: z.array(ChecklistMessage).default([]),
  signoffs: z.array(SignoffEvent).default([]),
  deliveries: z.record(z.string(), Delivery).default({}),
  review: z.array(ReviewItem).default([]),
  evidence: z.array(EvidenceRecord).default([]),
  /** The stored evidence files: SHA-256 → the bytes, base64. */
  evidenceFiles: z.record(Sha256, z.string()).default({}),
  /** Training sessions with their sign-ups, waitlists and check-ins. */
  sessions: z.array(Session).default([]),
});
export type Snapshot = z.infer<typeof Snapshot>;

export function counts(s: Snapshot): Record<string, number> {
  return {
    projects: Object.keys(s.projects).length,
    signoffs: s.signoffs.length,
    checklistMessages: s.checklistMessages.length,
    posts: Object.keys(s.posts).length,
    feedback: s.feedback.length,
    'review items': s.review.length,
    evidence: s.evidence.length,
    'training sessions': s.sessions.length,
    events: Object.keys(s.events).length,
    'unfinished events': Object.values(s.deliveries).filter((d) => d.status === 'pending').length,
  };
}
export const describeCounts = (s: Snapshot) =>
  Object.entries(counts(s))
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

/**
 * A lowdb installation read as it is, also while the bot runs: the JSON file is replaced
 * atomically (never seen half-written) and the journals are append-only (a torn last line is
 * what a crash leaves, and is skipped).
 */
export function readLowdbSnapshot(file: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new StoreError(`${file} is not a readable store (${(e as Error).message})`);
  }
  const parsed = Snapshot.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new StoreError(`${file}: ${i.path.join('.')}: ${i.message}`);
  }
  // Delivery keys and the inbox live in journals next to the file (older files held them inside).
  const files = journalFiles(file);
  for (const [k, t] of readJournal(files.events, z.number()).map) parsed.data.events[k] = t;
  for (const [k, d] of readJournal(files.inbox, Delivery).map) parsed.data.deliveries[k] = d;
  // Evidence files beside it, by content hash (a record is written after its file).
  const dir = evidenceDir(file);
  const wanted = new Set(parsed.data.evidence.flatMap((e) => (e.sha256 ? [e.sha256] : [])));
  for (const sha of existsSync(dir) ? readdirSync(dir) : []) {
    if (!wanted.has(sha)) continue;
    const b = readEvidenceFile(dir, sha);
    if (b) parsed.data.evidenceFiles[sha] = Buffer.from(b).toString('base64');
  }
  return parsed.data;
}

/** A PostgreSQL schema read in one REPEATABLE READ transaction: one consistent moment, while replicas keep writing. */
export async function readPostgresSnapshot(url: string): Promise<Snapshot> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const c = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const all = async (sql: string) => (await c.query<Row>(sql)).rows;
    const snap: Snapshot = Snapshot.parse({});
    for (const r of await all('SELECT key, seen_at FROM events')) snap.events[r.key as string] = Number(r.seen_at);
    for (const r of await all('SELECT * FROM deliveries')) snap.deliveries[r.key as string] = toDelivery(r);
    snap.feedback = (await all('SELECT * FROM feedback ORDER BY id')).map((r) =>
      FeedbackRecord.parse({ question: r.question, ruleId: r.rule_id, vote: r.vote, platform: r.platform, userId: r.user_id, at: r.at, ...(r.event_id != null ? { eventId: r.event_id } : {}), ...(r.answer_key != null ? { answerKey: r.answer_key } : {}) }),
    );
    snap.review = (await all('SELECT id, status, data FROM review ORDER BY id')).map((r) => ReviewItem.parse({ ...(r.data as object), id: Number(r.id), status: r.status }));
    for (const r of await all('SELECT data FROM projects ORDER BY id')) {
      const p = ProjectRecord.parse(r.data);
      snap.projects[p.id] = p;
    }
    for (const r of await all('SELECT * FROM posts')) {
      const p = toClaim(r);
      snap.posts[`${p.projectId}|${p.slot}`] = p;
    }
    snap.checklistMessages = (await all('SELECT * FROM checklist_messages ORDER BY id')).map(toMessage);
    snap.signoffs = (await all('SELECT * FROM signoffs ORDER BY seq')).map(toSignoff);
    snap.evidence = (await all('SELECT id, data FROM evidence ORDER BY id')).map((r) => EvidenceRecord.parse({ ...(r.data as object), id: Number(r.id) }));
    for (const r of await all('SELECT sha256, bytes FROM evidence_files')) snap.evidenceFiles[r.sha256 as string] = (r.bytes as Buffer).toString('base64');
    snap.sessions = (await all('SELECT data FROM training_sessions ORDER BY project_id, no')).map((r) => Session.parse(r.data));
    await c.query('COMMIT');
    return snap;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw new StoreError(`could not read ${describeUrl(url)}: ${(e as Error).message}`);
  } finally {
    await c.end();
  }
}

/**
 * Writes a snapshot into an empty PostgreSQL schema in one transaction (all or nothing),
 * keeping sign-off sequence numbers, and checks that every sign-off arrived. Refuses a schema
 * that holds projects or sign-offs, and one a running bot holds.
 */
export async function writePostgresSnapshot(url: string, snap: Snapshot): Promise<void> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const c = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await migrate(c, schema);
    await c.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
    const { rows: lock } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [liveLockKey(schema)]);
    if (!lock[0]?.ok) throw new StoreError(`a running bot holds ${describeUrl(url)}: stop every replica first (nothing was written)`);
    await c.query('BEGIN');
    const { rows } = await c.query<{ n: string }>('SELECT (SELECT count(*) FROM projects) + (SELECT count(*) FROM signoffs) AS n');
    if (Number(rows[0]!.n) > 0) throw new StoreError(`${describeUrl(url)} already holds projects or sign-offs; write only into an empty database (or a new ?schema=); nothing was written`);
    for (const [key, seen] of Object.entries(snap.events)) await c.query('INSERT INTO events (key, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, seen]);
    // Acknowledged events not yet handled: the bot on PostgreSQL handles them at its first sweep.
    for (const d of Object.values(snap.deliveries)) {
      await c.query(`INSERT INTO deliveries (key, platform, kind, payload, received_at, taken_at, attempts, status) VALUES ($1,$2,$3,$4,$5,0,$6,$7) ON CONFLICT DO NOTHING`, [
        d.key, d.platform, d.kind, d.payload === undefined ? null : JSON.stringify(d.payload), d.receivedAt, d.attempts, d.status,
      ]);
    }
    for (const f of snap.feedback) {
      await c.query('INSERT INTO feedback (question, rule_id, vote, platform, user_id, at, event_id, answer_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING', [
        f.question, f.ruleId, f.vote, f.platform, f.userId, f.at, f.eventId ?? null, f.answerKey ?? null,
      ]);
    }
    for (const r of snap.review) {
      const { id, status, ...data } = r;
      await c.query('INSERT INTO review (id, event_id, status, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [id, r.eventId, status, JSON.stringify({ ...data, status })]);
    }
    await c.query(`SELECT setval(pg_get_serial_sequence('review', 'id'), GREATEST((SELECT max(id) FROM review), 1), (SELECT count(*) > 0 FROM review))`);
    for (const p of Object.values(snap.projects)) await c.query('INSERT INTO projects (id, data) VALUES ($1, $2)', [p.id, p]);
    for (const p of Object.values(snap.posts)) {
      await c.query('INSERT INTO posts (project_id, slot, status, claimed_at, attempts, message_id) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING', [p.projectId, p.slot, p.status, p.claimedAt, p.attempts, p.messageId ?? null]);
    }
    for (const m of snap.checklistMessages) {
      await c.query('INSERT INTO checklist_messages (project_id, platform, chat_id, message_id, items, posted_at, kind) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        m.projectId, m.platform, m.chatId, m.messageId, JSON.stringify(m.items), m.postedAt, m.kind,
      ]);
    }
    // The chain is copied as it is (a trail from before the chain is chained first), so `audit verify` holds on the copy.
    const trail = snap.signoffs.some((e) => !e.hash) ? backfill(snap.signoffs) : snap.signoffs;
    for (const e of trail) {
      await c.query(
        `INSERT INTO signoffs (seq, project_id, action, item_id, item_text, user_id, user_name, role, at, via, platform, evidence_message_id, text, subject_id, subject_name, org, role_grant, rulebook_version, prev_hash, hash, detail, evidence)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
        [
          e.seq, e.projectId, e.action, e.itemId, e.itemText, e.userId, e.userName ?? null, e.role, e.at, e.via, e.platform, e.evidenceMessageId, e.text,
          e.subjectId ?? null, e.subjectName ?? null, e.org ?? null, e.roleGrant ? JSON.stringify(e.roleGrant) : null,
          e.rulebookVersion ?? null, e.prevHash ?? null, e.hash ?? null, e.detail ?? null, e.evidence ? JSON.stringify(e.evidence) : null,
        ],
      );
    }
    for (const [sha, b64] of Object.entries(snap.evidenceFiles)) {
      const bytes = Buffer.from(b64, 'base64');
      if (sha256Hex(bytes) !== sha) throw new StoreError(`evidence file ${sha} does not match its hash; nothing was written`);
      await c.query('INSERT INTO evidence_files (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sha, bytes]);
    }
    for (const e of snap.evidence) {
      const { id, ...data } = e;
      await c.query('INSERT INTO evidence (id, project_id, data) VALUES ($1, $2, $3)', [id, e.projectId, JSON.stringify(data)]);
    }
    for (const s of snap.sessions) await c.query('INSERT INTO training_sessions (project_id, no, data) VALUES ($1, $2, $3)', [s.projectId, s.no, s]);
    await c.query(`SELECT setval(pg_get_serial_sequence('evidence', 'id'), GREATEST((SELECT max(id) FROM evidence), 1), (SELECT count(*) > 0 FROM evidence))`);
    // New sign-offs continue after the copied ones.
    await c.query(`SELECT setval(pg_get_serial_sequence('signoffs', 'seq'), GREATEST((SELECT max(seq) FROM signoffs), 1), (SELECT count(*) > 0 FROM signoffs))`);
    const check = (await c.query<Row>('SELECT * FROM signoffs ORDER BY seq')).rows.map(toSignoff);
    const copied = new Map(check.map((e) => [e.seq, JSON.stringify(e)]));
    const lost = trail.filter((e) => copied.get(e.seq) !== JSON.stringify(SignoffEvent.parse(e)));
    if (lost.length > 0 || check.length !== trail.length) throw new StoreError(`verification failed (${lost.length} sign-offs differ); nothing was written`);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    if (e instanceof StoreError) throw e;
    throw new StoreError(`writing into ${describeUrl(url)} failed, nothing was written: ${(e as Error).message}`);
  } finally {
    await c.end();
  }
}

/**
 * Writes a snapshot as a new lowdb installation at `file` (the JSON file and its journals).
 * Refuses a file that exists (move it away first) and one a running bot holds.
 */
export async function writeLowdbSnapshot(file: string, snap: Snapshot): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const lock = takeLock(file); // throws, naming the process, when a bot holds the file
  try {
    const files = journalFiles(file);
    const present = [file, files.events, files.inbox].filter((f) => existsSync(f));
    if (present.length) throw new StoreError(`${present.join(', ')} already exist${present.length === 1 ? 's' : ''}: restore only into a new file (move the old one away first); nothing was written`);
    // Journals first: a file without its journals is an empty-handed store, journals without a file are ignored.
    const events = await openJournal(files.events, z.number());
    for (const [k, t] of Object.entries(snap.events)) events.set(k, t);
    const inbox = await openJournal(files.inbox, Delivery);
    for (const [k, d] of Object.entries(snap.deliveries)) inbox.set(k, d);
    await Promise.all([events.commit(), inbox.commit()]);
    events.close();
    inbox.close();
    // Evidence files before the records that point at them.
    for (const [sha, b64] of Object.entries(snap.evidenceFiles)) {
      const bytes = Buffer.from(b64, 'base64');
      if (sha256Hex(bytes) !== sha) throw new StoreError(`evidence file ${sha} does not match its hash; nothing was written`);
      writeEvidenceFile(evidenceDir(file), bytes);
    }
    const { evidenceFiles: _files, ...rest } = snap;
    const db = new Low<Omit<Snapshot, 'evidenceFiles'>>(new JSONFile(file), { ...rest, events: {}, deliveries: {} });
    await db.write();
  } finally {
    lock.release();
  }
}
