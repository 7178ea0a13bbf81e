import type { Logger } from '../src/core/log.ts';

/**
 * Work started after the webhook was answered. Failures are logged (with the
 * platform message id in `fields`), never thrown into the void; `idle()` lets tests
 * and shutdown wait for everything accepted so far.
 */
export function createInflight(log: Logger) {
  const pending = new Set<Promise<void>>();
  return {
    run(what: string, fields: Record<string, unknown>, fn: () => Promise<void>): void {
      const p: Promise<void> = Promise.resolve()
        .then(fn)
        .catch((err) => log.error(`${what} failed`, { ...fields, err }))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async idle(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
export type Inflight = ReturnType<typeof createInflight>;
