import pg from 'pg';
import { StoreError } from './store-error.ts';
import { migrate } from './migrations.ts';
import { chained, GENESIS } from './chain.ts';
import { postgresInbox } from './postgres-inbox.ts';
import { EvidenceRecord, evidenceEvent, sha256Hex } from './evidence.ts';
import { ChecklistMessage, FeedbackRecord, ProjectRecord, ReviewItem, SignoffEvent, type PostClaim, type Store } from './store.ts';
import { Session } from '../training/model.ts';
import { checkSession } from './training.ts';

const NewSignoff = SignoffEvent.omit({ seq: true });

/** Where to connect, with the password masked, for error messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/**
 * Splits our own `schema` query parameter off the URL (pg does not know it): it lets
 * several installations, or parallel test runs, share one database.
 */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreError(`DATABASE_URL is not a URL; expected postgres://user@host:5432/dbname (see .env.example)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StoreError(`DATABASE_URL must start with postgres:// (got ${u.protocol}//) (see .env.example)`);
  }
  const schema = u.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(`DATABASE_URL schema=${schema} is not a plain lower-case identifier (letters, digits, _)`);
  }
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

export interface PostgresOptions {
  /** Pool size per process; each replica holds this many connections at most. */
  max?: number;
  /** Called when an idle connection breaks (e.g. PostgreSQL restarted); the pool replaces it. */
  onError?: (err: Error) => void;
  /**
   * How long an operation keeps retrying while PostgreSQL is unreachable or restarting
   * (default 15 s), so work accepted just before an outage completes after it.
   */
  outageRetryMs?: number;
}

/** Connection-level failures: the server is down, restarting or dropped us; trying again later can succeed. */
export function isTransient(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'].includes(err.code ?? '') ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message ?? '')
  );
}

import { toClaim, toMessage, toSignoff, type Row } from './pg-rows.ts';
export { toClaim, toMessage, toSignoff, type Row };

/**
 * The store for several replicas: every method is one statement or one transaction,
 * so concurrent processes on one database never lose or duplicate a write.
 * Each write resolves only after PostgreSQL committed it.
 */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
    // A request during an outage fails within seconds (the platform retries it) instead of hanging.
    query_timeout: 10_000,
  });
  // Delivery keys only prevent a duplicate answer: they are committed without waiting for the
  // WAL flush (synchronous_commit=off), which roughly doubles webhook throughput. A crash of
  // PostgreSQL itself may forget the last fraction of a second of keys; sign-offs, claims and
  // projects always go through the durable pool.
  const fast = new pg.Pool({
    connectionString,
    max: Math.max(2, Math.ceil((opts.max ?? 10) / 2)),
    options: `-c search_path=${schema} -c synchronous_commit=off`,
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  // Without a listener, a connection dropped by a PostgreSQL restart would crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  fast.on('error', (err) => opts.onError?.(err));

  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => {});
    await fast.end().catch(() => {});
    throw new StoreError(`PostgreSQL at ${describeUrl(url)} is not usable: ${(e as Error).message}; check DATABASE_URL and that the server is running`);
  }

  const live = holdLiveLock(connectionString, schema, opts.onError);
  await live.ready;

  const outageMs = opts.outageRetryMs ?? 15_000;
  /** Retries connection failures for up to outageMs; any other error is the caller's. */
  async function retrying<T>(fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (!isTransient(e) || Date.now() - start > outageMs) throw e;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** i, 2_000)));
      }
    }
  }
  const q = <R extends Row = Row>(text: string, values: unknown[] = []) => retrying(() => pool.query<R>(text, values));
  const qFast = <R extends Row = Row>(text: string, values: unknown[] = []) => retrying(() => fast.query<R>(text, values));
  /** Runs fn in one transaction on one connection (again from the start after a connection failure). */
  function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return retrying(() => txOnce(fn));
  }
  async function txOnce<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      // A connection that failed is thrown away, not handed to the next caller.
      if (isTransient(e)) broken = e as Error;
      else await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release(broken);
    }
  }
  /** Changes one project under a row lock; undefined when it does not exist. */
  async function changeProject(id: string, change: (p: ProjectRecord) => void): Promise<ProjectRecord | undefined> {
    return tx(async (c) => {
      const { rows } = await c.query<{ data: ProjectRecord }>('SELECT data FROM projects WHERE id = $1 FOR UPDATE', [id]);
      const p = rows[0]?.data;
      if (!p) return undefined;
      change(p);
      await c.query('UPDATE projects SET data = $2 WHERE id = $1', [id, ProjectRecord.parse(p)]);
      return p;
    });
  }

  let lastPurge = 0;
  return {
    ...postgresInbox(pool, q, qFast),
    async hasEvent(key, now, ttlMs) {
      const { rowCount } = await qFast('SELECT 1 FROM events WHERE key = $1 AND seen_at >= $2', [key, now.getTime() - ttlMs]);
      return (rowCount ?? 0) > 0;
    },
    async claimEvent(key, now, ttlMs) {
      const t = now.getTime();
      // A key seen before but expired counts as new: the conditional update takes it over.
      const { rowCount } = await qFast(
        `INSERT INTO events (key, seen_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE events.seen_at < $3`,
        [key, t, t - ttlMs],
      );
      // Forget old keys now and then rather than on every event.
      if (t - lastPurge > 60_000) {
        lastPurge = t;
        await qFast('DELETE FROM events WHERE seen_at < $1', [t - ttlMs]);
      }
      return rowCount === 1;
    },
    async addFeedback(r) {
      const v = FeedbackRecord.parse(r);
      const values = [v.question, v.ruleId, v.vote, v.platform, v.userId, v.at, v.eventId ?? null, v.answerKey ?? null];
      if (!v.answerKey) {
        const { rowCount } = await q(
          `INSERT INTO feedback (question, rule_id, vote, platform, user_id, at, event_id, answer_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
           ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING`,
          values,
        );
        return rowCount === 1 ? 'new' : 'unchanged';
      }
      // One row per (answer, person): a later click replaces the vote; the same click again (same event id) does nothing.
      const { rows } = await q<{ inserted: boolean; old_vote: string | null }>(
        `WITH old AS (SELECT vote FROM feedback WHERE answer_key = $8 AND user_id = $5)
         INSERT INTO feedback (question, rule_id, vote, platform, user_id, at, event_id, answer_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (answer_key, user_id) WHERE answer_key IS NOT NULL
         DO UPDATE SET vote = EXCLUDED.vote, at = EXCLUDED.at, event_id = EXCLUDED.event_id, question = EXCLUDED.question, rule_id = EXCLUDED.rule_id
           WHERE feedback.event_id IS DISTINCT FROM EXCLUDED.event_id
         RETURNING (xmax = 0) AS inserted, (SELECT vote FROM old) AS old_vote`,
        values,
      );
      const row = rows[0];
      if (!row) return 'unchanged';
      return row.inserted ? 'new' : row.old_vote === v.vote ? 'unchanged' : 'changed';
    },
    async listFeedback() {
      const { rows } = await q('SELECT * FROM feedback ORDER BY id');
      return rows.map((r) => ({
        question: r.question as string,
        ruleId: r.rule_id as string,
        vote: r.vote as 'up' | 'down',
        platform: r.platform as FeedbackRecord['platform'],
        userId: r.user_id as string,
        at: r.at as string,
        ...(r.event_id != null ? { eventId: r.event_id as string } : {}),
        ...(r.answer_key != null ? { answerKey: r.answer_key as string } : {}),
      }));
    },
    // The review queue: one row per item, its fields in `data` (the status also as a column, for the index).
    async addReview(item) {
      const fresh = { ...item, status: 'open' as const };
      const { rows } = await q<{ id: string; status: string; data: Omit<ReviewItem, 'id' | 'status'> }>(
        `INSERT INTO review (event_id, status, data) VALUES ($1, 'open', $2)
         ON CONFLICT (event_id) DO UPDATE SET event_id = review.event_id
         RETURNING id, status, data`,
        [item.eventId, JSON.stringify(fresh)],
      );
      const r = rows[0]!;
      return ReviewItem.parse({ ...r.data, id: Number(r.id), status: r.status });
    },
    async listReview(statuses) {
      const { rows } = statuses
        ? await q<{ id: string; status: string; data: object }>('SELECT id, status, data FROM review WHERE status = ANY($1) ORDER BY id', [statuses])
        : await q<{ id: string; status: string; data: object }>('SELECT id, status, data FROM review ORDER BY id');
      return rows.map((r) => ReviewItem.parse({ ...r.data, id: Number(r.id), status: r.status }));
    },
    async decideReview(ids, d) {
      const extra = { ...(d.ruleId ? { decidedRuleId: d.ruleId } : {}), decidedBy: d.by, decidedAt: d.at, status: d.status };
      const { rows } = await q<{ id: string; status: string; data: object }>(
        `UPDATE review SET status = $2, data = data || $3::jsonb WHERE id = ANY($1) AND status = 'open' RETURNING id, status, data`,
        [ids, d.status, JSON.stringify(extra)],
      );
      return rows.map((r) => ReviewItem.parse({ ...r.data, id: Number(r.id), status: r.status })).sort((a, b) => a.id - b.id);
    },
    async setReviewReason(id, userId, reason) {
      const { rowCount } = await q(`UPDATE review SET data = jsonb_set(data, '{downReason}', to_jsonb($3::text)) WHERE id = $1 AND data->>'userId' = $2`, [id, userId, reason]);
      return rowCount === 1;
    },
    async getProject(id) {
      const { rows } = await q<{ data: ProjectRecord }>('SELECT data FROM projects WHERE id = $1', [id]);
      return rows[0]?.data;
    },
    async listProjects() {
      const { rows } = await q<{ data: ProjectRecord }>('SELECT data FROM projects ORDER BY id');
      return rows.map((r) => r.data);
    },
    async bindProject(p) {
      const v = ProjectRecord.parse(p);
      // xmax = 0 only on a freshly inserted row: that is how we tell "created".
      const { rows } = await q<{ data: ProjectRecord; created: boolean }>(
        `INSERT INTO projects (id, data) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET data = projects.data
           || jsonb_build_object('name', $2::jsonb->'name', 'goLive', $2::jsonb->'goLive', 'updatedAt', $2::jsonb->'updatedAt')
         RETURNING data, (xmax = 0) AS created`,
        [v.id, v],
      );
      return { project: rows[0]!.data, created: rows[0]!.created };
    },
    async putProject(p) {
      const v = ProjectRecord.parse(p);
      await q('INSERT INTO projects (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data', [v.id, v]);
    },
    async changeProject(projectId, decide) {
      return tx(async (c) => {
        const { rows } = await c.query<{ data: ProjectRecord }>('SELECT data FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
        const p = rows[0]?.data;
        if (!p) return undefined;
        const { result, project, events = [] } = decide(structuredClone(p));
        const next = project ? ProjectRecord.parse(project) : undefined;
        const valid = events.map((e) => NewSignoff.parse(e));
        if (next) await c.query('UPDATE projects SET data = $2 WHERE id = $1', [projectId, next]);
        const written: SignoffEvent[] = [];
        written.push(...(await insertChained(c, valid)));
        return { result, project: next ?? p, events: written };
      });
    },
    async updateSchedule(projectId, change, at) {
      return changeProject(projectId, (p) => {
        if (change.postTime) p.postTime = change.postTime;
        if (change.timeZone) p.timeZone = change.timeZone;
        p.updatedAt = at;
      });
    },
    async claimPost(projectId, slot, now, staleMs) {
      const t = now.getTime();
      // The unique row is the claim; a stale unsent claim is taken over by exactly one caller
      // (ON CONFLICT DO UPDATE locks the row and re-checks the condition on its newest version).
      const won = await q(
        `INSERT INTO posts (project_id, slot, status, claimed_at, attempts) VALUES ($1, $2, 'claimed', $3, 1)
         ON CONFLICT (project_id, slot) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, attempts = posts.attempts + 1
           WHERE posts.status = 'claimed' AND posts.claimed_at <= $4
         RETURNING attempts`,
        [projectId, slot, t, t - staleMs],
      );
      if (won.rowCount === 1) return (won.rows[0] as { attempts: number }).attempts > 1 ? 'reclaimed' : 'claimed';
      const { rows } = await q<{ status: string }>('SELECT status FROM posts WHERE project_id = $1 AND slot = $2', [projectId, slot]);
      return rows[0]?.status === 'sent' ? 'sent' : 'busy';
    },
    async completePost(projectId, slot, message) {
      const m = ChecklistMessage.parse(message);
      await tx(async (c) => {
        await c.query(
          `INSERT INTO posts (project_id, slot, status, claimed_at, attempts, message_id) VALUES ($1, $2, 'sent', $3, 1, $4)
           ON CONFLICT (project_id, slot) DO UPDATE SET status = 'sent', message_id = EXCLUDED.message_id`,
          [projectId, slot, Date.parse(m.postedAt) || 0, m.messageId],
        );
        await insertMessage(c, m);
      });
    },
    async finishPost(projectId, slot, messageId, now) {
      await q(
        `INSERT INTO posts (project_id, slot, status, claimed_at, attempts, message_id) VALUES ($1, $2, 'sent', $3, 1, $4)
         ON CONFLICT (project_id, slot) DO UPDATE SET status = 'sent', message_id = EXCLUDED.message_id`,
        [projectId, slot, now.getTime(), messageId],
      );
    },
    async releasePost(projectId, slot) {
      // Kept, stale at once: the next claim knows an attempt came before it.
      await q(`UPDATE posts SET claimed_at = 0 WHERE project_id = $1 AND slot = $2 AND status = 'claimed'`, [projectId, slot]);
    },
    async getPost(projectId, slot) {
      const { rows } = await q('SELECT * FROM posts WHERE project_id = $1 AND slot = $2', [projectId, slot]);
      return rows[0] && toClaim(rows[0]);
    },
    async addChecklistMessage(m) {
      await insertMessage(pool, ChecklistMessage.parse(m));
    },
    async findChecklistMessage(platform, chatId, messageId) {
      const { rows } = await q('SELECT * FROM checklist_messages WHERE platform = $1 AND chat_id = $2 AND message_id = $3 ORDER BY id LIMIT 1', [
        platform, chatId, messageId,
      ]);
      return rows[0] && toMessage(rows[0]);
    },
    async latestChecklistMessage(projectId) {
      const { rows } = await q('SELECT * FROM checklist_messages WHERE project_id = $1 ORDER BY id DESC LIMIT 1', [projectId]);
      return rows[0] && toMessage(rows[0]);
    },
    async appendSignoffs(events) {
      // Validate the whole batch before writing anything: all or nothing.
      const valid = events.map((e) => NewSignoff.parse(e));
      if (valid.length === 0) return [];
      return tx(async (c) => {
        const out: SignoffEvent[] = [];
        out.push(...(await insertChained(c, valid)));
        return out;
      });
    },
    async recordSignoffs(events) {
      const valid = events.map((e) => NewSignoff.parse(e));
      if (valid.length === 0) return [];
      return tx(async (c) => {
        // One writer per project at a time, across replicas: the lock is held until COMMIT,
        // and each statement after it (READ COMMITTED) sees what the previous holder wrote.
        for (const p of [...new Set(valid.map((e) => e.projectId))].sort()) {
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oa-golive-bot:signoffs:${p}`]);
        }
        const confirmed = new Map<string, boolean>();
        const { rows } = await c.query<{ project_id: string; item_id: string; action: string }>(
          `SELECT DISTINCT ON (project_id, item_id) project_id, item_id, action FROM signoffs
           WHERE project_id = ANY($1) AND item_id = ANY($2) ORDER BY project_id, item_id, seq DESC`,
          [[...new Set(valid.map((e) => e.projectId))], [...new Set(valid.map((e) => e.itemId))]],
        );
        for (const r of rows) confirmed.set(`${r.project_id}\u0000${r.item_id}`, r.action === 'confirm');
        const changes = valid.filter((e) => {
          const k = `${e.projectId}\u0000${e.itemId}`;
          if ((confirmed.get(k) ?? false) === (e.action === 'confirm')) return false;
          confirmed.set(k, e.action === 'confirm');
          return true;
        });
        return insertChained(c, changes);
      });
    },
    async listSignoffs(projectId) {
      const { rows } = await q('SELECT * FROM signoffs WHERE project_id = $1 ORDER BY seq', [projectId]);
      return rows.map(toSignoff);
    },
    async listSessions(projectId) {
      const { rows } = await q<{ data: object }>('SELECT data FROM training_sessions WHERE project_id = $1 ORDER BY no', [projectId]);
      return rows.map((r) => Session.parse(r.data));
    },
    async getSession(projectId, no) {
      const { rows } = await q<{ data: object }>('SELECT data FROM training_sessions WHERE project_id = $1 AND no = $2', [projectId, no]);
      return rows[0] && Session.parse(rows[0].data);
    },
    async addSession(projectId, decide) {
      return tx(async (c) => {
        // One creator per project at a time, across replicas: the number read here is the one written.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oa-golive-bot:training:${projectId}`]);
        const { rows } = await c.query<{ n: number }>('SELECT COALESCE(max(no), 0) + 1 AS n FROM training_sessions WHERE project_id = $1', [projectId]);
        const no = Number(rows[0]!.n);
        const { result, session, events = [] } = decide(no);
        const next = session ? checkSession(session, projectId, no) : undefined;
        const valid = events.map((e) => NewSignoff.parse(e));
        if (next) await c.query('INSERT INTO training_sessions (project_id, no, data) VALUES ($1, $2, $3)', [projectId, no, next]);
        const written = await insertChained(c, valid);
        return { result, ...(next ? { session: next } : {}), events: written };
      });
    },
    async changeSession(projectId, no, decide) {
      return tx(async (c) => {
        // The row lock is held until COMMIT: a second click (this replica or another) waits here,
        // then reads the session as the first one left it (READ COMMITTED re-reads the locked row).
        const { rows } = await c.query<{ data: object }>('SELECT data FROM training_sessions WHERE project_id = $1 AND no = $2 FOR UPDATE', [projectId, no]);
        if (!rows[0]) return undefined;
        const current = Session.parse(rows[0].data);
        const { result, session, events = [] } = decide(structuredClone(current));
        const next = session ? checkSession(session, projectId, no) : undefined;
        const valid = events.map((e) => NewSignoff.parse(e));
        if (next) await c.query('UPDATE training_sessions SET data = $3 WHERE project_id = $1 AND no = $2', [projectId, no, next]);
        const written = await insertChained(c, valid);
        return { result, session: next ?? current, events: written };
      });
    },
    async addEvidence(e, bytes, audit) {
      const sha256 = bytes ? sha256Hex(bytes) : undefined;
      const draft = EvidenceRecord.parse({ ...e, id: 1, ...(sha256 ? { sha256, size: bytes!.byteLength } : {}) });
      const event = audit ? NewSignoff.parse(evidenceEvent(draft, audit)) : undefined;
      return tx(async (c) => {
        // The bytes, the record and its audit event in one transaction: a record never points at
        // bytes that are not there, and is never without its event in the chain, nor the reverse.
        if (sha256) await c.query('INSERT INTO evidence_files (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [sha256, Buffer.from(bytes!)]);
        const linked = event ? (await insertChained(c, [event]))[0] : undefined;
        const kept: EvidenceRecord = linked ? { ...draft, auditSeq: linked.seq } : draft;
        const { id: _, ...data } = kept;
        const { rows } = await c.query<{ id: string }>('INSERT INTO evidence (project_id, data) VALUES ($1, $2) RETURNING id', [draft.projectId, JSON.stringify(data)]);
        return { ...kept, id: Number(rows[0]!.id) };
      });
    },
    async listEvidence(projectId) {
      const { rows } = await q<{ id: string; data: object }>('SELECT id, data FROM evidence WHERE project_id = $1 ORDER BY id', [projectId]);
      return rows.map((r) => EvidenceRecord.parse({ ...r.data, id: Number(r.id) }));
    },
    async getEvidence(id) {
      const { rows } = await q<{ id: string; data: object }>('SELECT id, data FROM evidence WHERE id = $1', [id]);
      return rows[0] && EvidenceRecord.parse({ ...rows[0].data, id: Number(rows[0].id) });
    },
    async readEvidence(sha) {
      const { rows } = await q<{ bytes: Buffer }>('SELECT bytes FROM evidence_files WHERE sha256 = $1', [sha]);
      return rows[0] && new Uint8Array(rows[0].bytes);
    },
    async ping() {
      try {
        // No retrying here: the webhook gate must learn about an outage at once.
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all([pool.end(), fast.end(), live.release()]);
    },
  };
}

/**
 * The key every open store holds shared, and `migrate` / `restore` take exclusively
 * (src/store/snapshot.ts): a schema a live bot uses is never written behind its back.
 */
export const liveLockKey = (schema: string) => `oa-golive-bot:live:${schema}`;

/**
 * Holds the live lock on its own connection for as long as the store is open. A connection
 * lost (PostgreSQL restarted) takes the lock with it; it is taken again every few seconds
 * until it is back. A store that could not take it still works: the lock only guards restores.
 */
function holdLiveLock(connectionString: string, schema: string, onError?: (err: Error) => void) {
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const take = async (): Promise<void> => {
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    c.on('error', (err) => {
      onError?.(err);
      if (client === c) client = undefined;
      if (!closed) timer = setTimeout(() => void take().catch(() => {}), 5_000);
    });
    try {
      await c.connect();
      await c.query('SELECT pg_advisory_lock_shared(hashtext($1))', [liveLockKey(schema)]);
      if (closed) await c.end();
      else client = c;
    } catch (err) {
      await c.end().catch(() => {});
      if (!closed) timer = setTimeout(() => void take().catch(() => {}), 5_000);
      throw err;
    }
  };
  return {
    ready: take().catch((err) => onError?.(err as Error)),
    async release() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}

/**
 * Appends events to their projects' hash chains (src/store/chain.ts). One writer per project at
 * a time, across replicas: the advisory lock is held until COMMIT, so the head read here is
 * the one the next writer links to.
 */
async function insertChained(c: pg.PoolClient, events: Omit<SignoffEvent, 'seq' | 'prevHash' | 'hash'>[]): Promise<SignoffEvent[]> {
  const heads = new Map<string, string>();
  for (const p of [...new Set(events.map((e) => e.projectId))].sort()) {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oa-golive-bot:signoffs:${p}`]);
    const { rows } = await c.query<{ hash: string | null }>('SELECT hash FROM signoffs WHERE project_id = $1 ORDER BY seq DESC LIMIT 1', [p]);
    heads.set(p, rows[0]?.hash ?? GENESIS);
  }
  const out: SignoffEvent[] = [];
  for (const e of events) {
    const linked = chained(e, heads.get(e.projectId)!);
    heads.set(e.projectId, linked.hash);
    out.push(await insertSignoff(c, linked));
  }
  return out;
}

async function insertSignoff(c: pg.PoolClient, e: Omit<SignoffEvent, 'seq'>): Promise<SignoffEvent> {
  const { rows } = await c.query(
    `INSERT INTO signoffs (project_id, action, item_id, item_text, user_id, user_name, role, at, via, platform, evidence_message_id, text, subject_id, subject_name, org, role_grant, rulebook_version, prev_hash, hash, detail, evidence)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21) RETURNING *`,
    [
      e.projectId,
      e.action,
      e.itemId,
      e.itemText,
      e.userId,
      e.userName ?? null,
      e.role,
      e.at,
      e.via,
      e.platform,
      e.evidenceMessageId,
      e.text,
      e.subjectId ?? null,
      e.subjectName ?? null,
      e.org ?? null,
      e.roleGrant ? JSON.stringify(e.roleGrant) : null,
      e.rulebookVersion ?? null,
      e.prevHash ?? null,
      e.hash ?? null,
      e.detail ?? null,
      e.evidence ? JSON.stringify(e.evidence) : null,
    ],
  );
  return toSignoff(rows[0]!);
}

function insertMessage(c: pg.Pool | pg.PoolClient, m: ChecklistMessage) {
  return c.query(
    'INSERT INTO checklist_messages (project_id, platform, chat_id, message_id, items, posted_at, kind) VALUES ($1,$2,$3,$4,$5,$6,$7)',
    [m.projectId, m.platform, m.chatId, m.messageId, JSON.stringify(m.items), m.postedAt, m.kind],
  );
}
