import type { Clock } from '../src/core/clock.ts';

/** Two clicks on the same button by the same person this close together are one click. */
export const DOUBLE_CLICK_MS = 5_000;

/**
 * Platforms give each click of a double click its own id (Feishu event_id, Slack
 * trigger_id), so the store's event dedupe cannot see them as one. This remembers
 * (message, user, value) for a few seconds. Redeliveries of one click are still caught
 * by the store through the click's own id, also across a restart.
 */
export function createClickGuard(clock: Clock, windowMs = DOUBLE_CLICK_MS) {
  const seen = new Map<string, number>();
  return {
    /** True for the first click; false for a repeat inside the window. */
    first(messageId: string, userId: string, value: string): boolean {
      const now = clock.now().getTime();
      for (const [k, t] of seen) if (now - t > windowMs) seen.delete(k);
      const key = `${messageId}\n${userId}\n${value}`;
      if (seen.has(key)) return false;
      seen.set(key, now);
      return true;
    },
  };
}
