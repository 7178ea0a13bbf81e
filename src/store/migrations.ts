import type pg from 'pg';
import { backfill } from './chain.ts';
import { toSignoff } from './pg-rows.ts';

/**
 * Versioned schema changes, applied in order at start-up. Never edit a migration
 * that has shipped: add a new one with the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** What SQL alone cannot do, in the same transaction, after `sql`. */
  run?: (c: pg.ClientBase) => Promise<void>;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE events (
        key     text PRIMARY KEY,
        seen_at bigint NOT NULL                 -- ms since epoch, from the bot's clock
      );
      CREATE INDEX events_seen_at ON events (seen_at);

      CREATE TABLE feedback (
        id       bigserial PRIMARY KEY,
        question text NOT NULL,
        rule_id  text NOT NULL,
        vote     text NOT NULL CHECK (vote IN ('up', 'down')),
        platform text NOT NULL,
        user_id  text NOT NULL,
        at       text NOT NULL
      );

      -- The record itself is the zod-validated ProjectRecord; only the key is a column.
      CREATE TABLE projects (
        id   text PRIMARY KEY,
        data jsonb NOT NULL
      );

      -- One row per (project, slot): the row is the claim, so exactly one caller wins it.
      CREATE TABLE posts (
        project_id text NOT NULL,
        slot       text NOT NULL,
        status     text NOT NULL CHECK (status IN ('claimed', 'sent')),
        claimed_at bigint NOT NULL,
        attempts   integer NOT NULL,
        message_id text,
        PRIMARY KEY (project_id, slot)
      );

      CREATE TABLE checklist_messages (
        id         bigserial PRIMARY KEY,
        project_id text NOT NULL,
        platform   text NOT NULL,
        chat_id    text NOT NULL,
        message_id text NOT NULL,
        items      jsonb NOT NULL,
        posted_at  text NOT NULL,
        kind       text NOT NULL
      );
      CREATE INDEX checklist_messages_by_message ON checklist_messages (platform, chat_id, message_id);
      CREATE INDEX checklist_messages_by_project ON checklist_messages (project_id, id);

      CREATE TABLE signoffs (
        seq                 bigserial PRIMARY KEY,
        project_id          text NOT NULL,
        action              text NOT NULL CHECK (action IN ('confirm', 'undo')),
        item_id             text NOT NULL,
        item_text           text NOT NULL,
        user_id             text NOT NULL,
        user_name           text,
        role                text NOT NULL,
        at                  text NOT NULL,
        via                 text NOT NULL,
        platform            text NOT NULL,
        evidence_message_id text NOT NULL,
        text                text NOT NULL
      );
      CREATE INDEX signoffs_by_project ON signoffs (project_id, seq);

      -- The audit trail is append-only, also for anyone with a SQL prompt.
      CREATE FUNCTION signoffs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'signoffs is append-only: record an undo instead of changing or deleting a row';
      END $$;
      CREATE TRIGGER signoffs_append_only BEFORE UPDATE OR DELETE ON signoffs
        FOR EACH ROW EXECUTE FUNCTION signoffs_append_only();
    `,
  },
  {
    version: 2,
    name: 'inbox of acknowledged events',
    sql: `
      CREATE TABLE deliveries (
        key         text PRIMARY KEY,           -- platform:event id
        platform    text NOT NULL,
        kind        text NOT NULL,
        payload     text,                       -- JSON as received (text, not jsonb: jsonb refuses some strings); dropped once handled
        received_at bigint NOT NULL,            -- ms since epoch, from the bot's clock
        taken_at    bigint NOT NULL,            -- 0 = nobody holds it
        attempts    integer NOT NULL,
        status      text NOT NULL CHECK (status IN ('pending', 'done', 'failed'))
      );
      CREATE INDEX deliveries_pending ON deliveries (taken_at) WHERE status = 'pending';
      CREATE INDEX deliveries_received ON deliveries (received_at);
    `,
  },
  {
    version: 3,
    name: 'one vote per click',
    sql: `
      ALTER TABLE feedback ADD COLUMN event_id text;
      CREATE UNIQUE INDEX feedback_event ON feedback (event_id) WHERE event_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'review queue',
    sql: `
      CREATE TABLE review (
        id         bigserial PRIMARY KEY,
        event_id   text NOT NULL UNIQUE,
        status     text NOT NULL CHECK (status IN ('open', 'accepted', 'offtopic', 'dismissed')),
        data       jsonb NOT NULL
      );
      CREATE INDEX review_by_status ON review (status, id);
    `,
  },
  {
    version: 5,
    name: 'one vote per person per answer',
    sql: `
      ALTER TABLE feedback ADD COLUMN answer_key text;
      CREATE UNIQUE INDEX feedback_answer_user ON feedback (answer_key, user_id) WHERE answer_key IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'role changes in the audit trail',
    sql: `
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove'));
      ALTER TABLE signoffs ADD COLUMN subject_id text, ADD COLUMN subject_name text, ADD COLUMN org text, ADD COLUMN role_grant text;
    `,
  },
  {
    version: 7,
    name: 'hash chain over the audit trail',
    sql: `
      ALTER TABLE signoffs ADD COLUMN rulebook_version text, ADD COLUMN prev_hash text, ADD COLUMN hash text;
    `,
    // Rows written before: chained once, in the order they were written. The append-only trigger
    // is lifted for this one transaction only (nothing else can write while it holds the table).
    async run(c) {
      const { rows } = await c.query('SELECT * FROM signoffs ORDER BY seq');
      if (!rows.length) return;
      await c.query('LOCK TABLE signoffs IN EXCLUSIVE MODE');
      await c.query('ALTER TABLE signoffs DISABLE TRIGGER signoffs_append_only');
      for (const e of backfill(rows.map(toSignoff))) await c.query('UPDATE signoffs SET prev_hash = $2, hash = $3 WHERE seq = $1', [e.seq, e.prevHash, e.hash]);
      await c.query('ALTER TABLE signoffs ENABLE TRIGGER signoffs_append_only');
    },
  },
  {
    version: 8,
    name: 'reports generated in the audit trail',
    sql: `
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report'));
    `,
  },
  {
    version: 9,
    name: 'evidence attached to sign-offs',
    sql: `
      -- The files themselves, by content hash, in the database: every replica serves them.
      CREATE TABLE evidence_files (
        sha256 text PRIMARY KEY,
        bytes  bytea NOT NULL
      );
      -- The record is the zod-validated EvidenceRecord (src/store/evidence.ts) without its id.
      CREATE TABLE evidence (
        id         bigserial PRIMARY KEY,
        project_id text NOT NULL,
        data       jsonb NOT NULL
      );
      CREATE INDEX evidence_by_project ON evidence (project_id, id);
    `,
  },
  {
    version: 10,
    name: 'training sessions, their actions in the audit trail',
    sql: `
      -- The record is the zod-validated Session (src/training/model.ts) with its sign-ups,
      -- waitlist and check-ins; a change locks its row (SELECT ... FOR UPDATE), so two replicas
      -- signing people up at once never give one seat twice.
      CREATE TABLE training_sessions (
        project_id text NOT NULL,
        no         integer NOT NULL CHECK (no > 0),
        data       jsonb NOT NULL,
        PRIMARY KEY (project_id, no)
      );
      ALTER TABLE signoffs ADD COLUMN detail text;
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report',
          'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist',
          'training-unsignup', 'training-moveup', 'training-checkin'));
    `,
  },
  {
    version: 11,
    name: 'training in the room: second check, reminders and warnings in the audit trail',
    sql: `
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report',
          'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist',
          'training-unsignup', 'training-moveup', 'training-checkin', 'training-secondcheck', 'training-remind', 'training-warn'));
    `,
  },
  {
    version: 12,
    name: 'evidence attached: its own event in the audit trail',
    sql: `
      -- What the event says of the evidence (src/store/evidence.ts EvidenceFacts), hashed with it.
      ALTER TABLE signoffs ADD COLUMN evidence jsonb;
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report', 'evidence',
          'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist',
          'training-unsignup', 'training-moveup', 'training-checkin', 'training-secondcheck', 'training-remind', 'training-warn'));
    `,
  },
  {
    version: 13,
    name: 'training exams: their start and close in the audit trail',
    sql: `
      -- The exam itself (bank, answers, scores) is part of the session's jsonb record (training_sessions.data).
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report', 'evidence',
          'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist',
          'training-unsignup', 'training-moveup', 'training-checkin', 'training-secondcheck', 'training-remind', 'training-warn', 'training-exam'));
    `,
  },
  {
    version: 14,
    name: 'the training goal (a go-live criterion) in the audit trail',
    sql: `
      -- The goal itself is part of the project's jsonb record (projects.data.trainingGoal).
      ALTER TABLE signoffs DROP CONSTRAINT IF EXISTS signoffs_action_check;
      ALTER TABLE signoffs ADD CONSTRAINT signoffs_action_check
        CHECK (action IN ('confirm', 'undo', 'role-grant', 'role-nominate', 'role-accept', 'role-decline', 'role-remove', 'report', 'evidence',
          'training-create', 'training-change', 'training-cancel', 'training-override', 'training-signup', 'training-waitlist',
          'training-unsignup', 'training-moveup', 'training-checkin', 'training-secondcheck', 'training-remind', 'training-warn', 'training-exam',
          'training-goal'));
    `,
  },
];

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Brings `schema` up to the latest version. Several replicas may start at once:
 * a session advisory lock (keyed by the schema name) lets one of them migrate while
 * the others wait, then find nothing left to do. Each migration commits with its
 * row in schema_migrations, so a crash mid-way leaves a consistent version.
 */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [`oa-golive-bot:migrate:${schema}`]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const have = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...have);
    const known = Math.max(...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(`the database schema is at version ${newest}, newer than this bot knows (${known}); upgrade the bot or use another schema`);
    }
    for (const m of migrations) {
      if (have.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await m.run?.(client);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`oa-golive-bot:migrate:${schema}`]).catch(() => {});
  }
  return applied;
}
