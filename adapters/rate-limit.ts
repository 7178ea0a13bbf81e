/**
 * Client-side pacing of message sends, so the platforms' documented limits are kept
 * before they answer 429 (docs/operations.md, "Outbound rate limits").
 *
 * Two kinds of keys: the app (every send of this process) and each chat. A key has one
 * or more windows, "at most `limit` sends in any `ms`", written as the platforms
 * document them (Feishu: 50/s and 1000/min per app, 5/s per group). A send holds its
 * place in the window from the moment it leaves until the platform has answered, and the
 * window counts from the answer: the platform saw the request somewhere between the two,
 * so counting from the answer never runs ahead of the platform's own count, whatever the
 * network delay. On a loopback fake that costs nothing; against a remote API it costs
 * about one round trip per window, which is cheaper than the whole second a 429 costs.
 *
 * Waiting sends are served interactive first (answers to people), then bulk (the daily
 * fan-out), in arrival order within each; a chat that is at its limit does not hold up
 * other chats. When a 429 still arrives, `pause` stops the key for the platform's delay,
 * and every waiting send for that key waits here, in order, instead of each caller
 * sleeping and retrying on its own.
 */

export interface Window {
  limit: number;
  ms: number;
}
export type Priority = 'interactive' | 'bulk';

/** Monotonic time and one-shot timers; tests pass a fake one they advance by hand. */
export interface Timer {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}
export const realTimer: Timer = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export interface RateLimits {
  /** Windows for every send of the app; [] = no app-wide limit. */
  app: Window[];
  /** Windows for each chat on its own; [] = no per-chat limit. */
  chat: Window[];
}

export interface RateLimiter {
  /** Runs `send` once the app and `chatId` both have room; resolves or rejects with it. */
  run<T>(chatId: string, priority: Priority, send: () => Promise<T>): Promise<T>;
  /** The platform refused with 429: nothing more goes to that key for `ms`. */
  pause(key: 'app' | { chat: string }, ms: number): void;
  /** Sends waiting for room (for logs and tests). */
  waiting(): number;
}

class Key {
  /** When the platform answered recent sends, oldest first. */
  done: number[] = [];
  inflight = 0;
  pausedUntil = 0;
  constructor(private readonly windows: Window[]) {}

  /** The earliest time this key has room again: <= now means now; Infinity means after an answer. */
  freeAt(now: number): number {
    let at = this.pausedUntil;
    for (const w of this.windows) {
      const first = firstAfter(this.done, now - w.ms);
      const over = this.inflight + (this.done.length - first) - w.limit; // >= 0: no room
      if (over < 0) continue;
      if (over >= this.done.length - first) return Infinity;
      at = Math.max(at, this.done[first + over]! + w.ms);
    }
    return at;
  }

  finish(now: number, keepMs: number) {
    this.inflight--;
    this.done.push(now);
    const drop = firstAfter(this.done, now - keepMs);
    if (drop) this.done.splice(0, drop);
  }

  idle(now: number, keepMs: number): boolean {
    return this.inflight === 0 && this.pausedUntil <= now && (this.done.length === 0 || this.done.at(-1)! <= now - keepMs);
  }
}

/** Index of the first element of the ascending `xs` greater than `t`. */
function firstAfter(xs: number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Waiter {
  chatId: string;
  start(): void;
}

export function createRateLimiter(limits: RateLimits, timer: Timer = realTimer): RateLimiter {
  const keepApp = Math.max(0, ...limits.app.map((w) => w.ms));
  const keepChat = Math.max(0, ...limits.chat.map((w) => w.ms));
  const app = new Key(limits.app);
  const chats = new Map<string, Key>();
  const queues: Record<Priority, Waiter[]> = { interactive: [], bulk: [] };
  let cancel: (() => void) | undefined;
  let lastSweep = 0;

  const chatKey = (id: string) => {
    let k = chats.get(id);
    if (!k) chats.set(id, (k = new Key(limits.chat)));
    return k;
  };

  /** Starts every waiter that has room now, and sets one timer for the earliest that will. */
  const pump = () => {
    cancel?.();
    cancel = undefined;
    const now = timer.now();
    let wake = Infinity;
    const full = new Set<string>();
    scan: for (const q of [queues.interactive, queues.bulk]) {
      for (let i = 0; i < q.length; ) {
        const appAt = app.freeAt(now);
        if (appAt > now) {
          wake = Math.min(wake, appAt);
          break scan; // nobody can go before the app has room
        }
        const w = q[i]!;
        if (full.has(w.chatId)) {
          i++;
          continue;
        }
        const chatAt = chatKey(w.chatId).freeAt(now);
        if (chatAt > now) {
          full.add(w.chatId); // later sends to this chat keep their order behind this one
          wake = Math.min(wake, chatAt);
          i++;
          continue;
        }
        q.splice(i, 1);
        w.start();
      }
    }
    if (now - lastSweep >= 1000) {
      lastSweep = now;
      for (const [id, k] of chats) if (k.idle(now, keepChat)) chats.delete(id);
    }
    if (wake < Infinity) cancel = timer.after(Math.max(0, wake - now), pump);
  };

  return {
    run(chatId, priority, send) {
      return new Promise((resolve, reject) => {
        queues[priority].push({
          chatId,
          start() {
            const chat = chatKey(chatId);
            app.inflight++;
            chat.inflight++;
            const settle = () => {
              const t = timer.now();
              app.finish(t, keepApp);
              chat.finish(t, keepChat);
              pump();
            };
            // A microtask later: a send never runs inside pump(), and a synchronous throw becomes a rejection.
            Promise.resolve().then(send).then(
              (v) => (settle(), resolve(v)),
              (e) => (settle(), reject(e)),
            );
          },
        });
        pump();
      });
    },
    pause(key, ms) {
      const k = key === 'app' ? app : chatKey(key.chat);
      k.pausedUntil = Math.max(k.pausedUntil, timer.now() + ms);
      pump();
    },
    waiting: () => queues.interactive.length + queues.bulk.length,
  };
}

/** Per-second and per-minute figures from the configuration as windows; 0 means no such limit. */
export function windows(perSecond: number, perMinute = 0): Window[] {
  return [...(perSecond > 0 ? [{ limit: perSecond, ms: 1000 }] : []), ...(perMinute > 0 ? [{ limit: perMinute, ms: 60_000 }] : [])];
}

/** What a refusal teaches: pause the app or the chat the send was for, for `ms`. */
export interface Pause {
  key: 'app' | 'chat';
  ms: number;
}

/**
 * `send` through `limiter`. A refusal that `pauses` recognises as a rate limit pauses
 * those keys (at most `maxMs`) before it is rethrown; the caller's retry then queues in
 * the limiter, behind the pause, in order (so its classifier should answer afterMs 0).
 */
export function paced<T>(
  limiter: RateLimiter,
  chatId: string,
  priority: Priority,
  pauses: (err: unknown) => Pause[],
  maxMs: number,
  send: () => Promise<T>,
): () => Promise<T> {
  return () =>
    limiter.run(chatId, priority, async () => {
      try {
        return await send();
      } catch (err) {
        for (const p of pauses(err)) limiter.pause(p.key === 'app' ? 'app' : { chat: chatId }, Math.min(maxMs, p.ms));
        throw err;
      }
    });
}
