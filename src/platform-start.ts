import type { Logger } from './core/log.ts';
import type { PlatformAdapter } from './server/routes.ts';

export interface Backoff {
  /** Wait before the second attempt; doubled after each failure, up to maxMs (±20 % jitter). */
  baseMs: number;
  maxMs: number;
  /**
   * A start that returned with the platform not up yet (a long connection still opening) is
   * given this long to come up before it counts as failed (default 10 s).
   */
  settleMs?: number;
}
/** 5 s, 10 s, 20 s … up to 5 minutes between attempts. */
export const PLATFORM_BACKOFF: Backoff = { baseMs: 5_000, maxMs: 5 * 60_000, settleMs: 10_000 };

type Startable = PlatformAdapter & { start(): Promise<void> };

/**
 * Starts the configured platforms and keeps trying the ones that fail (bad credentials, the
 * platform unreachable, a start that returned without the platform being up) with backoff,
 * instead of leaving them off until a restart. `problem(platform)` is why the last attempt
 * failed (for /readyz; configured secrets masked). start() resolves once the first attempt's
 * start returned (or failed); waiting for it to come up and the retries run in the background
 * until stop().
 */
export function createPlatformStarter(opts: { log: Logger; backoff?: Backoff; describe?: (a: Startable) => Record<string, unknown>; secrets?: (string | undefined)[] }) {
  const { log } = opts;
  const backoff = opts.backoff ?? PLATFORM_BACKOFF;
  const secrets = (opts.secrets ?? []).filter((s): s is string => !!s && s.length >= 4);
  const mask = (s: string) => secrets.reduce((acc, m) => acc.split(m).join('***'), s).slice(0, 300);
  const problems = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const track = (p: Promise<void>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

  function on(a: Startable, n: number): void {
    problems.delete(a.platform);
    log.info(`${a.platform} is on`, { ...opts.describe?.(a), ...(n > 1 ? { attempt: n } : {}) });
  }

  function failed(a: Startable, n: number, err: unknown): void {
    if (stopped) return;
    problems.set(a.platform, mask((err as Error)?.message ?? String(err)));
    const delay = Math.round(Math.min(backoff.maxMs, backoff.baseMs * 2 ** (n - 1)) * (0.8 + Math.random() * 0.4));
    log.error(`${a.platform} could not start; trying again in ${Math.max(1, Math.round(delay / 1000))} s`, { err, attempt: n });
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) void track(attempt(a, n + 1));
    }, delay);
    t.unref();
    timers.add(t);
  }

  /** Resolves when the adapter's start() returned or failed; coming up is waited for in the background. */
  async function attempt(a: Startable, n: number): Promise<void> {
    try {
      // What a failed attempt may have left half open (a socket, a long connection).
      if (n > 1) await a.stop().catch(() => {});
      if (stopped) return;
      await a.start();
    } catch (err) {
      return failed(a, n, err);
    }
    if (a.isUp()) return on(a, n);
    problems.set(a.platform, 'started, not up yet');
    void track(settle(a, n));
  }

  async function settle(a: Startable, n: number): Promise<void> {
    const until = Date.now() + (backoff.settleMs ?? 10_000);
    while (!stopped && !a.isUp() && Date.now() < until) await sleep(50);
    if (stopped) return;
    if (a.isUp()) on(a, n);
    else failed(a, n, new Error(`started but not up within ${(backoff.settleMs ?? 10_000) / 1000} s (its identity could not be fetched, or its connection did not open)`));
  }

  return {
    /** The first attempt (resolves either way; a failure is retried in the background). */
    start: (a: Startable) => track(attempt(a, 1)),
    problem: (platform: string) => problems.get(platform),
    /** No more attempts; resolves when the one under way (if any) has ended. */
    async stop(): Promise<void> {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
