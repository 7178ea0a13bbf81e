import { performance } from 'node:perf_hooks';
import { EVENT_TTL_MS } from '../src/core/bot.ts';
import type { Clock } from '../src/core/clock.ts';
import type { Logger } from '../src/core/log.ts';
import type { Platform } from '../src/core/message.ts';
import type { Delivery, Store } from '../src/store/store.ts';

/** Handles one stored event; `redelivered` when a crashed or failed attempt came before. */
export type Processor = (payload: unknown, redelivered: boolean) => Promise<void>;

export interface InboxOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** See INBOX_LEASE_SECONDS. */
  leaseMs: number;
  /** How often unfinished events are looked for (default 5 s). */
  sweepMs?: number;
  /** Tries before an event is given up and logged as an error (default 5). */
  maxAttempts?: number;
  /** How long handling may wait behind acknowledgements before it starts anyway (default 2 s). */
  maxDeferMs?: number;
}

/**
 * Webhooks are acknowledged before they are handled (the platforms want an answer in
 * 3 s), and the platform never sends an acknowledged event again. So an event is written
 * here first and acknowledged only once that write is durable; it is marked finished once
 * handled. What a crash (kill -9, a lost replica) or a failure leaves unfinished is taken up
 * again by the sweep: at start-up, and every few seconds once its lease has run out. The
 * same key accepted twice (platform retries, the copy another replica got) is handled once.
 *
 * A crash between sending the reply and marking the event finished means it is handled a
 * second time: at least once, never zero times.
 */
export function createInbox(opts: InboxOptions) {
  const { store, clock, log, leaseMs } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  const processors = new Map<string, Processor>();
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let renewer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> | undefined;

  // Acknowledging first. Handling (answering, rendering, platform calls) runs on the same event
  // loop as the webhooks, and an acknowledgement that waits behind it is what the platforms
  // time out on (3 s), while an answer can wait: it is paced at about one message a second per
  // chat anyway. So handling starts only once the intake has been quiet for QUIET_MS (no event
  // being stored, none received since), one start per event-loop turn so that the I/O of new
  // requests is polled between two starts. A start that has waited maxDeferMs goes ahead
  // regardless: a flood of webhooks delays answers by up to that much, it never starves them.
  const maxDeferMs = opts.maxDeferMs ?? 10_000;
  const QUIET_MS = 20;
  const turns: { at: number; go(): void }[] = [];
  let receiving = 0;
  let lastIntake = -Infinity;
  let turnScheduled = false;
  let wake: NodeJS.Timeout | undefined;
  const kick = () => {
    if (turnScheduled || !turns.length) return;
    turnScheduled = true;
    setImmediate(nextTurn);
  };
  function nextTurn(): void {
    turnScheduled = false;
    const head = turns[0];
    if (!head) return;
    const now = performance.now();
    if (now - head.at < maxDeferMs && (receiving > 0 || now - lastIntake < QUIET_MS)) {
      // Looked at again when the intake may have gone quiet, or when the head may wait no longer.
      clearTimeout(wake);
      wake = setTimeout(kick, Math.max(1, Math.min(lastIntake + QUIET_MS, head.at + maxDeferMs) - now));
      return;
    }
    turns.shift()!.go();
    kick();
  }
  const turn = () =>
    new Promise<void>((go) => {
      turns.push({ at: performance.now(), go });
      kick();
    });

  function run(d: Pick<Delivery, 'key' | 'kind' | 'payload' | 'attempts'>, redelivered: boolean): void {
    if (running.has(d.key)) return; // still being handled here, only slower than its lease
    const work = (async () => {
      // Never in the microtask run of the store batch that accepted it: the acknowledgements of
      // that batch are written first (see `turns`).
      await turn();
      const process = processors.get(d.kind);
      if (!process) return log.error('no handler registered for an acknowledged event', { key: d.key, kind: d.kind }); // taken by kind: unreachable
      try {
        await process(d.payload, redelivered);
        await store.finishDelivery(d.key, 'done');
      } catch (err) {
        if (d.attempts >= maxAttempts) {
          log.error('event given up after repeated failures', { key: d.key, attempts: d.attempts, err });
          await store.finishDelivery(d.key, 'failed').catch(() => {});
        } else {
          log.warn('event handling failed; it will be tried again', { key: d.key, attempts: d.attempts, retryInS: Math.round(leaseMs / 1000), err });
        }
      }
    })()
      .catch((err) => log.error('inbox bookkeeping failed', { key: d.key, err }))
      .finally(() => running.delete(d.key));
    running.set(d.key, work);
  }

  async function sweepOnce(): Promise<number> {
    let n = 0;
    for (;;) {
      // Only kinds this process handles: an adapter that is off here leaves its events to a
      // replica (or a later start) where it is on, instead of using up their attempts.
      const batch = await store.takeDeliveries(clock.now(), leaseMs, 100, [...processors.keys()]);
      for (const d of batch) {
        if (d.attempts > maxAttempts) {
          log.error('event given up after repeated failures', { key: d.key, attempts: d.attempts - 1 });
          await store.finishDelivery(d.key, 'failed');
          continue;
        }
        log.info('handling an acknowledged event again', { key: d.key, attempt: d.attempts });
        run(d, true);
        n++;
      }
      if (batch.length < 100) return n;
    }
  }

  return {
    /** Registers how a kind of event is handled; each adapter, once, before start(). */
    on(kind: string, process: Processor): void {
      processors.set(kind, process);
    },
    /**
     * Stores the event, then handles it in the background. Resolves (true) when it is safe to
     * acknowledge; false: a duplicate, acknowledge it and do nothing. Rejects when the store
     * could not take it: do not acknowledge, the platform will deliver it again.
     */
    async receive(platform: Platform, eventId: string, kind: string, payload: unknown): Promise<boolean> {
      const key = `${platform}:${eventId}`;
      receiving++;
      lastIntake = performance.now();
      try {
        if (!(await store.acceptDelivery({ key, platform, kind, payload }, clock.now(), EVENT_TTL_MS))) return false;
      } finally {
        receiving--;
        kick();
      }
      run({ key, kind, payload, attempts: 1 }, false);
      return true;
    },
    /** Takes up what is left unfinished (also what a previous run left). */
    sweep(): Promise<number> {
      sweeping ??= sweepOnce().finally(() => (sweeping = undefined));
      return sweeping;
    },
    /** First sweep now, then every sweepMs. */
    start(): void {
      const tick = () => void this.sweep().catch((err) => log.warn('inbox sweep failed; trying again later', { err }));
      tick();
      timer = setInterval(tick, opts.sweepMs ?? 5_000);
      timer.unref();
      // An attempt slower than its lease (pacing behind a fan-out, long retries) keeps it, so
      // another replica does not answer the same event while this one still works on it.
      renewer = setInterval(() => {
        if (running.size) store.renewDeliveries([...running.keys()], clock.now()).catch((err) => log.warn('inbox lease renewal failed', { err }));
      }, Math.max(1_000, leaseMs / 3));
      renewer.unref();
    },
    /** Resolves when every event accepted or taken so far is handled. */
    async idle(): Promise<void> {
      while (running.size || sweeping) await Promise.all([...running.values(), sweeping?.catch(() => 0)]);
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      clearInterval(renewer);
      await this.idle();
      clearTimeout(wake); // nothing waits for it now; it must not keep the process alive
    },
  };
}
export type Inbox = ReturnType<typeof createInbox>;
