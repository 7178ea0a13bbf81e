import { readFileSync } from 'node:fs';
import pg from 'pg';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { readJournal } from '../store/journal.ts';
import { journalFiles } from '../store/lowdb.ts';
import { describeUrl, openPostgresStore, parseDatabaseUrl } from '../store/postgres.ts';
import { ChecklistMessage, Delivery, FeedbackRecord, PostClaim, ProjectRecord, ReviewItem, SignoffEvent } from '../store/store.ts';
import type { CliContext } from './context.ts';

/** What a lowdb file holds (the same shape src/store/lowdb.ts writes). */
const Snapshot = z.object({
  events: z.record(z.string(), z.number()).default({}),
  feedback: z.array(FeedbackRecord).default([]),
  projects: z.record(z.string(), ProjectRecord).default({}),
  posts: z.record(z.string(), PostClaim).default({}),
  checklistMessages: z.array(ChecklistMessage).default([]),
  signoffs: z.array(SignoffEvent).default([]),
  deliveries: z.record(z.string(), Delivery).default({}),
  review: z.array(ReviewItem).default([]),
});
type Snapshot = z.infer<typeof Snapshot>;

const USAGE = 'usage: migrate --from data/db.json --to postgres://user@host:5432/db [--dry-run]';

function readSnapshot(file: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not a readable store (${(e as Error).message}); nothing was copied`);
  }
  const parsed = Snapshot.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${file}: ${i.path.join('.')}: ${i.message}; nothing was copied`);
  }
  // Delivery keys and the inbox live in journals next to the file (older files held them inside).
  const files = journalFiles(file);
  try {
    for (const [k, t] of readJournal(files.events, z.number()).map) parsed.data.events[k] = t;
    for (const [k, d] of readJournal(files.inbox, Delivery).map) parsed.data.deliveries[k] = d;
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/; fix or move.*$/, '')}; nothing was copied`);
  }
  return parsed.data;
}

/**
 * `migrate --from FILE --to URL`: copies a lowdb installation into an empty PostgreSQL
 * schema in one transaction (all or nothing), keeping sign-off sequence numbers, then
 * checks that every sign-off arrived. The source file is only read.
 */
export async function migrateCommand(args: string[], ctx: CliContext): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = loadConfig(ctx.env);
  const from = opt('--from') ?? config.dbFile;
  const to = opt('--to') ?? config.databaseUrl;
  if (!to || to.startsWith('--')) {
    ctx.err(`${USAGE}\n--to (or DATABASE_URL) is missing`);
    return 2;
  }
  const snap = readSnapshot(from);
  const counts = {
    projects: Object.keys(snap.projects).length,
    signoffs: snap.signoffs.length,
    checklistMessages: snap.checklistMessages.length,
    posts: Object.keys(snap.posts).length,
    feedback: snap.feedback.length,
    'review items': snap.review.length,
    events: Object.keys(snap.events).length,
    'unfinished events': Object.values(snap.deliveries).filter((d) => d.status === 'pending').length,
  };
  ctx.out(`${from}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  if (args.includes('--dry-run')) return 0;

  // Opening the store creates or upgrades the schema.
  await (await openPostgresStore(to)).close();
  const { connectionString, schema } = parseDatabaseUrl(to);
  const c = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await c.query('BEGIN');
    const { rows } = await c.query<{ n: string }>('SELECT (SELECT count(*) FROM projects) + (SELECT count(*) FROM signoffs) AS n');
    if (Number(rows[0]!.n) > 0) {
      await c.query('ROLLBACK');
      ctx.err(`${describeUrl(to)} already holds projects or sign-offs; migrate only into an empty database (or a new ?schema=), nothing was copied`);
      return 1;
    }
    for (const [key, seen] of Object.entries(snap.events)) {
      await c.query('INSERT INTO events (key, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, seen]);
    }
    // Acknowledged events not yet handled: the bot on PostgreSQL handles them at its first sweep.
    // Finished ones only keep their key, so a late platform retry is still a duplicate.
    for (const d of Object.values(snap.deliveries)) {
      await c.query(
        `INSERT INTO deliveries (key, platform, kind, payload, received_at, taken_at, attempts, status) VALUES ($1,$2,$3,$4,$5,0,$6,$7) ON CONFLICT DO NOTHING`,
        [d.key, d.platform, d.kind, d.payload === undefined ? null : JSON.stringify(d.payload), d.receivedAt, d.attempts, d.status],
      );
    }
    for (const f of snap.feedback) {
      await c.query('INSERT INTO feedback (question, rule_id, vote, platform, user_id, at, event_id, answer_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING', [f.question, f.ruleId, f.vote, f.platform, f.userId, f.at, f.eventId ?? null, f.answerKey ?? null]);
    }
    for (const r of snap.review) {
      const { id: _id, status, ...data } = r;
      await c.query('INSERT INTO review (event_id, status, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [r.eventId, status, JSON.stringify({ ...data, status })]);
    }
    for (const p of Object.values(snap.projects)) await c.query('INSERT INTO projects (id, data) VALUES ($1, $2)', [p.id, p]);
    for (const p of Object.values(snap.posts)) {
      await c.query('INSERT INTO posts (project_id, slot, status, claimed_at, attempts, message_id) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING', [
        p.projectId, p.slot, p.status, p.claimedAt, p.attempts, p.messageId ?? null,
      ]);
    }
    for (const m of snap.checklistMessages) {
      await c.query('INSERT INTO checklist_messages (project_id, platform, chat_id, message_id, items, posted_at, kind) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        m.projectId, m.platform, m.chatId, m.messageId, JSON.stringify(m.items), m.postedAt, m.kind,
      ]);
    }
    for (const e of snap.signoffs) {
      await c.query(
        `INSERT INTO signoffs (seq, project_id, action, item_id, item_text, user_id, user_name, role, at, via, platform, evidence_message_id, text)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
        [e.seq, e.projectId, e.action, e.itemId, e.itemText, e.userId, e.userName ?? null, e.role, e.at, e.via, e.platform, e.evidenceMessageId, e.text],
      );
    }
    // New sign-offs continue after the copied ones.
    await c.query(`SELECT setval(pg_get_serial_sequence('signoffs', 'seq'), GREATEST((SELECT max(seq) FROM signoffs), 1), (SELECT count(*) > 0 FROM signoffs))`);
    const check = await c.query<{ seq: string; text: string; evidence_message_id: string }>('SELECT seq, text, evidence_message_id FROM signoffs ORDER BY seq');
    const copied = new Map(check.rows.map((r) => [Number(r.seq), r]));
    const lost = snap.signoffs.filter((e) => copied.get(e.seq)?.text !== e.text || copied.get(e.seq)?.evidence_message_id !== e.evidenceMessageId);
    if (lost.length > 0 || check.rows.length !== snap.signoffs.length) {
      await c.query('ROLLBACK');
      ctx.err(`verification failed (${lost.length} sign-offs differ); nothing was copied`);
      return 1;
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw new Error(`copy into ${describeUrl(to)} failed, nothing was copied: ${(e as Error).message}`);
  } finally {
    await c.end();
  }
  ctx.out(`copied into ${describeUrl(to)}; all ${counts.signoffs} sign-offs verified. Set DATABASE_URL to it and restart the bot; keep ${from} as a backup.`);
  return 0;
}
