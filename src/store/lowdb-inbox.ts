import type { Journal } from './journal.ts';
import type { Delivery, Store } from './store.ts';

type InboxMethods = Pick<Store, 'acceptDelivery' | 'finishDelivery' | 'takeDeliveries' | 'renewDeliveries' | 'inboxDepth'>;

/**
 * The inbox of the lowdb store, in its own journal (see lowdb.ts, journal.ts). `orphaned`:
 * what is pending at open was held by a process that is gone (the lock file says so), so it
 * is handed out at once, lease or not; remembered in memory, nothing is written at open.
 */
export function lowdbInbox(inbox: Journal<Delivery>, opts: { orphaned: boolean }): InboxMethods {
  let lastPurge = 0;
  const orphans = new Set(opts.orphaned ? [...inbox.values()].filter((x) => x.status === 'pending').map((x) => x.key) : []);
  return {
    async acceptDelivery(nd, now, ttlMs) {
      const t = now.getTime();
      if (t - lastPurge > 60_000) {
        lastPurge = t;
        for (const x of inbox.values()) if (x.status !== 'pending' && x.receivedAt < t - ttlMs) inbox.delete(x.key);
      }
      const seen = inbox.get(nd.key);
      const fresh = !seen || (seen.status !== 'pending' && seen.receivedAt < t - ttlMs);
      if (fresh) {
        const taken = nd.taken ?? true;
        inbox.set(nd.key, { key: nd.key, platform: nd.platform, kind: nd.kind, payload: structuredClone(nd.payload), receivedAt: t, takenAt: taken ? t : 0, attempts: taken ? 1 : 0, status: 'pending' });
      }
      await inbox.commit();
      return fresh;
    },
    async finishDelivery(key, status) {
      const x = inbox.get(key);
      if (!x || x.status !== 'pending') return;
      const { payload: _dropped, ...rest } = x;
      inbox.set(key, { ...rest, status });
      await inbox.commit();
    },
    async takeDeliveries(now, leaseMs, limit, kinds) {
      const t = now.getTime();
      const out = [...inbox.values()]
        .filter((x) => x.status === 'pending' && kinds.includes(x.kind) && (orphans.has(x.key) || x.takenAt <= t - leaseMs))
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .slice(0, limit)
        .map((x) => ({ ...x, takenAt: t, attempts: x.attempts + 1 }));
      if (!out.length) return [];
      for (const x of out) {
        inbox.set(x.key, x);
        orphans.delete(x.key);
      }
      await inbox.commit();
      return structuredClone(out);
    },
    async renewDeliveries(keys, now) {
      for (const k of keys) {
        const x = inbox.get(k);
        // Only the lease goes into the journal line, not the whole event with its payload.
        if (x?.status === 'pending') inbox.patch(k, { takenAt: now.getTime() });
      }
      await inbox.commit();
    },
    async inboxDepth() {
      let pending = 0;
      let oldest: number | undefined;
      for (const x of inbox.values()) {
        if (x.status !== 'pending') continue;
        pending++;
        if (oldest === undefined || x.receivedAt < oldest) oldest = x.receivedAt;
      }
      return oldest === undefined ? { pending } : { pending, oldestReceivedAt: oldest };
    },
  };
}
