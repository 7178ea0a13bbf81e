import type { DbShape } from './lowdb.ts';
import type { Delivery, Store } from './store.ts';

type InboxMethods = Pick<Store, 'acceptDelivery' | 'finishDelivery' | 'takeDeliveries'>;

/** The inbox in the lowdb file; `update` is the file's group commit (see lowdb.ts). */
export function lowdbInbox(data: () => DbShape, update: (change: (d: DbShape) => void) => Promise<void>): InboxMethods {
  let lastPurge = 0;
  return {
    async acceptDelivery(nd, now, ttlMs) {
      const t = now.getTime();
      let fresh = false;
      await update((d) => {
        if (t - lastPurge > 60_000) {
          lastPurge = t;
          for (const [k, x] of Object.entries(d.deliveries)) if (x.status !== 'pending' && x.receivedAt < t - ttlMs) delete d.deliveries[k];
        }
        const seen = d.deliveries[nd.key];
        if (seen && (seen.status === 'pending' || seen.receivedAt >= t - ttlMs)) return;
        const taken = nd.taken ?? true;
        d.deliveries[nd.key] = { key: nd.key, platform: nd.platform, kind: nd.kind, payload: structuredClone(nd.payload), receivedAt: t, takenAt: taken ? t : 0, attempts: taken ? 1 : 0, status: 'pending' };
        fresh = true;
      });
      return fresh;
    },
    async finishDelivery(key, status) {
      if (data().deliveries[key]?.status !== 'pending') return;
      await update((d) => {
        const x = d.deliveries[key];
        if (!x || x.status !== 'pending') return;
        x.status = status;
        delete x.payload;
      });
    },
    async takeDeliveries(now, leaseMs, limit) {
      const t = now.getTime();
      const due = (x: Delivery) => x.status === 'pending' && x.takenAt <= t - leaseMs;
      // The sweep runs every few seconds: a file write only when there is something to take.
      if (!Object.values(data().deliveries).some(due)) return [];
      let out: Delivery[] = [];
      await update((d) => {
        out = Object.values(d.deliveries)
          .filter(due)
          .sort((a, b) => a.receivedAt - b.receivedAt)
          .slice(0, limit);
        for (const x of out) {
          x.takenAt = t;
          x.attempts += 1;
        }
        out = structuredClone(out);
      });
      return out;
    },
  };
}
