import type pg from 'pg';
import { groupCommit } from './batch.ts';
import type { Delivery, NewDelivery, Store } from './store.ts';

type InboxMethods = Pick<Store, 'acceptDelivery' | 'finishDelivery' | 'takeDeliveries' | 'renewDeliveries' | 'inboxDepth'>;
type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult<Record<string, unknown>>>;

interface Accept {
  d: NewDelivery;
  t: number;
  ttlMs: number;
}

export const toDelivery = (r: Record<string, unknown>): Delivery => ({
  key: r.key as string,
  platform: r.platform as Delivery['platform'],
  kind: r.kind as string,
  payload: r.payload == null ? undefined : JSON.parse(r.payload as string),
  receivedAt: Number(r.received_at),
  takenAt: Number(r.taken_at),
  attempts: Number(r.attempts),
  status: r.status as Delivery['status'],
});

/**
 * The inbox in PostgreSQL. `durable` must commit synchronously: an accepted delivery has
 * been acknowledged to the platform, so it has to outlive a crash of either process.
 * `sweep` and `fast` retry through outages (what they do is idempotent); accepting does
 * not: the webhook must fail at once so the platform redelivers.
 */
export function postgresInbox(durable: pg.Pool, sweep: Query, fast: Query): InboxMethods {
  let lastPurge = 0;

  // One statement for every delivery accepted in an event-loop turn: under load a commit
  // (and its WAL flush) is shared by many webhooks.
  const accept = groupCommit<Accept, boolean>(async (batch) => {
    // The same key twice in one statement would be an error; only the first can be new.
    const first = new Map<string, Accept>();
    for (const a of batch) if (!first.has(a.d.key)) first.set(a.d.key, a);
    // In key order: two batches locking the same keys in opposite orders would deadlock.
    const rows = [...first.values()].sort((a, b) => (a.d.key < b.d.key ? -1 : a.d.key > b.d.key ? 1 : 0));
    // Named: prepared once per connection, not parsed and planned for every webhook.
    const { rows: won } = await durable.query<{ key: string }>({
      name: 'inbox-accept',
      text: `INSERT INTO deliveries (key, platform, kind, payload, received_at, taken_at, attempts, status)
       SELECT k, p, kd, pl, t, tk, CASE WHEN tk = 0 THEN 0 ELSE 1 END, 'pending'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS x(k, p, kd, pl, t, tk)
       ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, kind = EXCLUDED.kind, payload = EXCLUDED.payload,
         received_at = EXCLUDED.received_at, taken_at = EXCLUDED.taken_at, attempts = EXCLUDED.attempts, status = 'pending'
       WHERE deliveries.status <> 'pending' AND deliveries.received_at < EXCLUDED.received_at - $7::bigint
       RETURNING key`,
      values: [
        rows.map((a) => a.d.key),
        rows.map((a) => a.d.platform),
        rows.map((a) => a.d.kind),
        rows.map((a) => (a.d.payload === undefined ? null : JSON.stringify(a.d.payload))),
        rows.map((a) => a.t),
        rows.map((a) => ((a.d.taken ?? true) ? a.t : 0)),
        Math.max(...rows.map((a) => a.ttlMs)),
      ],
    });
    const t = rows[0]!.t;
    if (t - lastPurge > 60_000) {
      lastPurge = t;
      // Not awaited: these webhooks' acknowledgements must not wait for housekeeping.
      void fast('DELETE FROM deliveries WHERE status <> $1 AND received_at < $2', ['pending', t - rows[0]!.ttlMs]).catch(() => {});
    }
    const fresh = new Set(won.map((r) => r.key));
    return batch.map((a) => first.get(a.d.key) === a && fresh.has(a.d.key));
  });

  // Losing a finish to a PostgreSQL crash only means the event is handled once more: no WAL wait.
  const finish = groupCommit<{ key: string; status: 'done' | 'failed' }, void>(async (batch) => {
    for (const status of ['done', 'failed'] as const) {
      const keys = batch.filter((f) => f.status === status).map((f) => f.key);
      if (keys.length) await fast(`UPDATE deliveries SET status = $2, payload = NULL WHERE key = ANY($1::text[]) AND status = 'pending'`, [keys, status]);
    }
    return batch.map(() => undefined);
  });

  return {
    acceptDelivery: (d, now, ttlMs) => accept({ d, t: now.getTime(), ttlMs }),
    finishDelivery: (key, status) => finish({ key, status }),
    async takeDeliveries(now, leaseMs, limit, kinds) {
      const t = now.getTime();
      // SKIP LOCKED plus the re-checked WHERE under the row lock: two sweeping replicas never take one row.
      const { rows } = await sweep(
        `UPDATE deliveries d SET taken_at = $1, attempts = d.attempts + 1
         FROM (SELECT key FROM deliveries WHERE status = 'pending' AND taken_at <= $2 AND kind = ANY($4::text[])
               ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED) s
         WHERE d.key = s.key
         RETURNING d.*`,
        [t, t - leaseMs, limit, kinds],
      );
      return rows.map(toDelivery).sort((a, b) => a.receivedAt - b.receivedAt);
    },
    async renewDeliveries(keys, now) {
      if (keys.length) await fast(`UPDATE deliveries SET taken_at = $2 WHERE key = ANY($1::text[]) AND status = 'pending'`, [keys, now.getTime()]);
    },
    async inboxDepth() {
      // Straight to the pool, not through the retrying query: a scrape during an outage must
      // fail fast. The partial index deliveries_pending holds exactly these rows.
      const { rows } = await durable.query<{ n: number; oldest: string | null }>(`SELECT count(*)::int AS n, min(received_at) AS oldest FROM deliveries WHERE status = 'pending'`);
      const r = rows[0];
      return r?.oldest == null ? { pending: Number(r?.n ?? 0) } : { pending: Number(r.n), oldestReceivedAt: Number(r.oldest) };
    },
  };
}
