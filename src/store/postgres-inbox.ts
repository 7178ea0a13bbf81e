import type pg from 'pg';
import type { Delivery, NewDelivery, Store } from './store.ts';

type InboxMethods = Pick<Store, 'acceptDelivery' | 'finishDelivery' | 'takeDeliveries'>;
type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult<Record<string, unknown>>>;

interface Waiting {
  d: NewDelivery;
  t: number;
  ttlMs: number;
  resolve(fresh: boolean): void;
  reject(err: unknown): void;
}

const toDelivery = (r: Record<string, unknown>): Delivery => ({
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
 * `accept` and `sweep` may retry through outages (they are idempotent); accepting does
 * not: the webhook must fail at once so the platform redelivers.
 */
export function postgresInbox(durable: pg.Pool, sweep: Query, fast: Query): InboxMethods {
  // Group commit: every delivery accepted in one event-loop turn goes in one statement,
  // so under load a commit (and its WAL flush) is shared by many webhooks.
  let queue: Waiting[] = [];
  let lastPurge = 0;

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    // The same key twice in one statement would be an error; the second is a duplicate anyway.
    const first = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    for (const w of batch) {
      if (first.has(w.d.key)) repeats.push(w);
      else first.set(w.d.key, w);
    }
    const rows = [...first.values()];
    try {
      const { rows: won } = await durable.query<{ key: string }>(
        `INSERT INTO deliveries (key, platform, kind, payload, received_at, taken_at, attempts, status)
         SELECT k, p, kd, pl, t, tk, CASE WHEN tk = 0 THEN 0 ELSE 1 END, 'pending'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS x(k, p, kd, pl, t, tk)
         ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, kind = EXCLUDED.kind, payload = EXCLUDED.payload,
           received_at = EXCLUDED.received_at, taken_at = EXCLUDED.taken_at, attempts = EXCLUDED.attempts, status = 'pending'
         WHERE deliveries.status <> 'pending' AND deliveries.received_at < EXCLUDED.received_at - $7::bigint
         RETURNING key`,
        [
          rows.map((w) => w.d.key),
          rows.map((w) => w.d.platform),
          rows.map((w) => w.d.kind),
          rows.map((w) => (w.d.payload === undefined ? null : JSON.stringify(w.d.payload))),
          rows.map((w) => w.t),
          rows.map((w) => ((w.d.taken ?? true) ? w.t : 0)),
          Math.max(...rows.map((w) => w.ttlMs)),
        ],
      );
      const fresh = new Set(won.map((r) => r.key));
      for (const w of rows) w.resolve(fresh.has(w.d.key));
      for (const w of repeats) w.resolve(false);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    const t = rows[0]!.t;
    if (t - lastPurge > 60_000) {
      lastPurge = t;
      await fast('DELETE FROM deliveries WHERE status <> $1 AND received_at < $2', ['pending', t - rows[0]!.ttlMs]).catch(() => {});
    }
  }

  return {
    acceptDelivery(d, now, ttlMs) {
      return new Promise<boolean>((resolve, reject) => {
        if (queue.length === 0) setImmediate(() => void flush());
        queue.push({ d, t: now.getTime(), ttlMs, resolve, reject });
      });
    },
    async finishDelivery(key, status) {
      // Losing this to a PostgreSQL crash only means the event is handled once more.
      await fast(`UPDATE deliveries SET status = $2, payload = NULL WHERE key = $1 AND status = 'pending'`, [key, status]);
    },
    async takeDeliveries(now, leaseMs, limit) {
      const t = now.getTime();
      // SKIP LOCKED plus the re-checked WHERE under the row lock: two sweeping replicas never take one row.
      const { rows } = await sweep(
        `UPDATE deliveries d SET taken_at = $1, attempts = d.attempts + 1
         FROM (SELECT key FROM deliveries WHERE status = 'pending' AND taken_at <= $2
               ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED) s
         WHERE d.key = s.key
         RETURNING d.*`,
        [t, t - leaseMs, limit],
      );
      return rows.map(toDelivery).sort((a, b) => a.receivedAt - b.receivedAt);
    },
  };
}
