import { createHash } from 'node:crypto';
import type { Clock } from '../src/core/clock.ts';
import { EVENT_TTL_MS } from '../src/core/bot.ts';
import type { Store } from '../src/store/store.ts';

/** Two clicks on the same button by the same person this close together are one click. */
export const DOUBLE_CLICK_MS = 5_000;
/** Bucket width: a click 5 s after another is always a repeat, one 6 s after never. */
const BUCKET_MS = 1_000;

/**
 * Platforms give each click of a double click its own id (Feishu event_id, Slack
 * trigger_id), so the store's event dedupe cannot see them as one. This remembers
 * (message, user, value) in the store, so a double click that spans a restart (or two
 * replicas) is still one click.
 *
 * The store only offers claimEvent(key) → first?, so time is cut into 1 s buckets and a
 * click claims the keys of the 5 buckets before its own and then its own, oldest first,
 * stopping at the first key already taken; a taken key makes it a repeat. So a click 5 s
 * (or less) after an answered one is a repeat and one 6 s (or more) after is answered,
 * also across a bucket boundary. The marks a click leaves on older buckets are harmless:
 * any later click that reaches such a key also reaches the key of the answered click at
 * or after it. A repeat stops at the answered click's key or before, never marking its
 * own bucket, so repeats do not stretch the window. Every click walks the keys in the
 * same (ascending) order and stops at the first taken one, so of two racing clicks
 * exactly one is answered.
 *
 * The keys are kept as long as event ids (EVENT_TTL_MS): the stores sweep expired keys
 * with the ttl of whichever claim runs the sweep, so a short ttl here would sweep event
 * ids too. Each key is unique to its bucket, so the long ttl does not widen the window.
 */
export function createClickGuard(clock: Clock, store: Pick<Store, 'claimEvent'>, windowMs = DOUBLE_CLICK_MS) {
  const span = Math.ceil(windowMs / BUCKET_MS);
  return {
    /** True for the first click; false for a repeat inside the window. */
    async first(messageId: string, userId: string, value: string): Promise<boolean> {
      const now = clock.now();
      const bucket = Math.floor(now.getTime() / BUCKET_MS);
      // Hashed: values can be long JSON, and ids could contain the separator.
      const id = createHash('sha256').update(JSON.stringify([messageId, userId, value])).digest('base64url').slice(0, 22);
      for (let b = bucket - span; b <= bucket; b++) {
        if (!(await store.claimEvent(`click:${id}:${b}`, now, EVENT_TTL_MS))) return false;
      }
      return true;
    },
    /**
     * `first` for a click handled from the inbox, which hands a click out again after a crash.
     * Each click is marked (by its event id) before it is judged; a click found marked was
     * judged by an earlier attempt, which may have answered first and died before finishing,
     * so it is handled. A click that died before it was judged is judged normally: a double
     * click whose two clicks both wait out a crash is still one click. Left: a repeat that
     * dies between its verdict and being marked done is handled when handed out again.
     */
    async firstAttempt(eventId: string, messageId: string, userId: string, value: string): Promise<boolean> {
      if (!(await store.claimEvent(`click-judged:${eventId}`, clock.now(), EVENT_TTL_MS))) return true;
      return this.first(messageId, userId, value);
    },
  };
}
