import type { Clock } from '../src/core/clock.ts';
import type { Logger } from '../src/core/log.ts';

const LOOKUP_TIMEOUT_MS = 1500;
const FAILED_RETRY_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 5000;

/**
 * Display names by user id, cached. A lookup that fails or is slow gives undefined
 * (the core then shows the id) and is not retried for a while, so a missing contact
 * scope does not cost a call per message.
 */
export function createNameCache(log: Logger, clock: Clock, lookup: (id: string) => Promise<string | undefined>) {
  const names = new Map<string, string>();
  const failedAt = new Map<string, number>();
  // A failed lookup is worth one warning per person (a missing scope shows at once), not one per message.
  const warned = new Set<string>();
  const warnOnce = (id: string, fields: Record<string, unknown>) => {
    if (warned.has(id)) return;
    if (warned.size >= MAX_ENTRIES) warned.clear();
    warned.add(id);
    log.warn('user name lookup failed; the id is shown instead (check the contact permission, docs/platforms.md)', { userId: id, ...fields });
  };
  return {
    async get(id: string): Promise<string | undefined> {
      const hit = names.get(id);
      if (hit) return hit;
      const f = failedAt.get(id);
      if (f && clock.now().getTime() - f < FAILED_RETRY_MS) return undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const name = await Promise.race([lookup(id), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), LOOKUP_TIMEOUT_MS)))]);
        if (name) {
          if (names.size >= MAX_ENTRIES) names.clear();
          names.set(id, name);
        } else {
          failedAt.set(id, clock.now().getTime());
          warnOnce(id, { reason: 'no name in the answer, or no answer in time' });
        }
        return name;
      } catch (err) {
        warnOnce(id, { err });
        failedAt.set(id, clock.now().getTime());
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
