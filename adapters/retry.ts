import type { Logger } from '../src/core/log.ts';

/** What to do after a failed call: give up, or try again (after `afterMs` if the platform said so). */
export type Verdict = { retry: false } | { retry: true; afterMs?: number };

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  /** No single wait is longer than this, whatever the platform's header says. */
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseMs: 500, maxDelayMs: 30_000 };

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds from a Retry-After or x-ogw-ratelimit-reset header, as ms; undefined if absent or unreadable. */
export function headerDelayMs(value: unknown): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n * 1000;
  const at = Date.parse(String(v)); // Retry-After may be an HTTP date
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Runs `fn`, retrying what `classify` calls retryable (429, 5xx) with exponential
 * backoff, or the platform's own delay when it gives one. Bounded by `policy`.
 * The final failure is logged once with `fields` (platform, message id) and rethrown,
 * so the caller decides; it is never swallowed silently.
 */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  classify: (err: unknown) => Verdict,
  opts: { log: Logger; fields?: Record<string, unknown>; policy?: RetryPolicy },
): Promise<T> {
  const policy = opts.policy ?? defaultRetryPolicy;
  const sleep = policy.sleep ?? wait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const v = classify(err);
      if (!v.retry || attempt >= policy.attempts) {
        opts.log.error(`${what} failed`, { ...opts.fields, attempts: attempt, err });
        throw err;
      }
      const backoff = policy.baseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
      const delay = Math.min(policy.maxDelayMs, v.afterMs ?? backoff);
      opts.log.warn(`${what} will be retried`, { ...opts.fields, attempt, delayMs: Math.round(delay), err });
      await sleep(delay);
    }
  }
}
