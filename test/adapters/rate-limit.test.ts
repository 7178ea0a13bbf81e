import { describe, expect, it } from 'vitest';
import { FeishuApiError, feishuPauses } from '../../adapters/feishu/transport.ts';
import { createRateLimiter, paced, windows, type Timer } from '../../adapters/rate-limit.ts';
import { slackPauses } from '../../adapters/slack/transport.ts';

/** A clock that only moves when told; timers fire in order as it passes them. */
function fakeTimer() {
  let t = 0;
  let seq = 0;
  const pending: { at: number; id: number; fn: () => void }[] = [];
  const flush = () => new Promise<void>((r) => setImmediate(r));
  const timer: Timer = {
    now: () => t,
    after(ms, fn) {
      const entry = { at: t + ms, id: seq++, fn };
      pending.push(entry);
      return () => {
        const i = pending.indexOf(entry);
        if (i >= 0) pending.splice(i, 1);
      };
    },
  };
  return {
    timer,
    now: () => t,
    /** Moves the clock by `ms`, firing due timers and letting the sends they start run. */
    async advance(ms: number) {
      const end = t + ms;
      await flush();
      for (;;) {
        pending.sort((a, b) => a.at - b.at || a.id - b.id);
        const next = pending[0];
        if (!next || next.at > end) break;
        pending.shift();
        t = Math.max(t, next.at);
        next.fn();
        await flush();
      }
      t = end;
      await flush();
    },
  };
}

/** A send answered `latency` ms after it leaves (on the fake clock), recording when it left. */
function platform(clock: ReturnType<typeof fakeTimer>, latency = 0) {
  const started: { id: string; at: number }[] = [];
  const send = (id: string) => async () => {
    started.push({ id, at: clock.now() });
    if (latency) await new Promise<void>((r) => clock.timer.after(latency, r));
    return id;
  };
  return { started, send };
}

describe('rate limiter (fake clock)', () => {
  it('spreads sends over the limit across windows instead of sending them at once', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(5), chat: [] }, clock.timer);
    const p = platform(clock);
    const done = Array.from({ length: 12 }, (_, i) => limiter.run(`C${i}`, 'bulk', p.send(`m${i}`)));
    await clock.advance(0);
    expect(p.started.map((s) => s.at)).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.waiting()).toBe(7);
    await clock.advance(3000);
    expect(await Promise.all(done)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(p.started.map((s) => s.at)).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
    expect(p.started.map((s) => s.id)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`)); // in order
  });

  it('keeps every window: 3 per second and 4 per minute', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(3, 4), chat: [] }, clock.timer);
    const p = platform(clock);
    for (let i = 0; i < 6; i++) void limiter.run(`C${i}`, 'bulk', p.send(`m${i}`));
    await clock.advance(120_000);
    expect(p.started.map((s) => s.at)).toEqual([0, 0, 0, 1000, 60_000, 60_000]);
  });

  it('counts a send from when the platform answered, so a slow answer delays the next one', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(1), chat: [] }, clock.timer);
    const p = platform(clock, 300);
    void limiter.run('C1', 'bulk', p.send('a'));
    void limiter.run('C2', 'bulk', p.send('b'));
    await clock.advance(5000);
    expect(p.started.map((s) => s.at)).toEqual([0, 1300]);
  });

  it('a chat at its limit waits without holding up other chats', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(50), chat: windows(1) }, clock.timer);
    const p = platform(clock);
    for (const id of ['A1', 'A2', 'A3']) void limiter.run('A', 'interactive', p.send(id));
    for (const id of ['B1', 'B2']) void limiter.run('B', 'interactive', p.send(id));
    void limiter.run('C', 'bulk', p.send('C1'));
    await clock.advance(5000);
    const at = Object.fromEntries(p.started.map((s) => [s.id, s.at]));
    expect(at).toEqual({ A1: 0, B1: 0, C1: 0, A2: 1000, B2: 1000, A3: 2000 });
    expect(p.started.filter((s) => s.id.startsWith('A')).map((s) => s.id)).toEqual(['A1', 'A2', 'A3']);
  });

  it('answers to people go before the fan-out waiting for the same app budget', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(2), chat: [] }, clock.timer);
    const p = platform(clock);
    for (let i = 0; i < 6; i++) void limiter.run(`C${i}`, 'bulk', p.send(`post${i}`));
    await clock.advance(500);
    void limiter.run('Q', 'interactive', p.send('reply'));
    await clock.advance(5000);
    expect(p.started.map((s) => `${s.id}@${s.at}`)).toEqual(['post0@0', 'post1@0', 'reply@1000', 'post2@1000', 'post3@2000', 'post4@2000', 'post5@3000']);
  });

  it('after a 429 the key pauses for Retry-After and the waiting sends follow in order', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(10), chat: [] }, clock.timer);
    const p = platform(clock);
    let refused = false;
    const limited = Object.assign(new Error('ratelimited'), { retryAfter: 2 });
    const first = paced(limiter, 'C0', 'bulk', () => [{ key: 'app', ms: 2000 }], 30_000, async () => {
      p.started.push({ id: 'refused', at: clock.now() });
      refused = true;
      throw limited;
    });
    const failed = first().catch((e: unknown) => e);
    await clock.advance(0);
    expect(refused).toBe(true);
    expect(await failed).toBe(limited);
    const rest = Array.from({ length: 3 }, (_, i) => limiter.run(`C${i + 1}`, 'bulk', p.send(`m${i + 1}`)));
    await clock.advance(1999);
    expect(p.started.map((s) => s.id)).toEqual(['refused']); // nobody went during the pause
    await clock.advance(1);
    await Promise.all(rest);
    expect(p.started.map((s) => `${s.id}@${s.at}`)).toEqual(['refused@0', 'm1@2000', 'm2@2000', 'm3@2000']);
  });

  it('a paused chat waits while other chats go on', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(50), chat: windows(5) }, clock.timer);
    const p = platform(clock);
    limiter.pause({ chat: 'A' }, 1500);
    void limiter.run('A', 'interactive', p.send('A1'));
    void limiter.run('B', 'interactive', p.send('B1'));
    await clock.advance(3000);
    expect(p.started.map((s) => `${s.id}@${s.at}`)).toEqual(['B1@0', 'A1@1500']);
  });

  it('a failed send gives its place back and its error to the caller', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(1), chat: [] }, clock.timer);
    const p = platform(clock);
    const boom = limiter.run('C1', 'bulk', async () => {
      throw new Error('500');
    });
    const next = limiter.run('C2', 'bulk', p.send('next'));
    await expect(boom).rejects.toThrow('500');
    await clock.advance(1000);
    expect(await next).toBe('next');
    expect(p.started).toEqual([{ id: 'next', at: 1000 }]);
  });

  it('no windows: nothing waits', async () => {
    const clock = fakeTimer();
    const limiter = createRateLimiter({ app: windows(0, 0), chat: windows(0) }, clock.timer);
    const p = platform(clock);
    const all = Array.from({ length: 100 }, (_, i) => limiter.run('C', 'bulk', p.send(`m${i}`)));
    await clock.advance(0);
    await Promise.all(all);
    expect(new Set(p.started.map((s) => s.at))).toEqual(new Set([0]));
  });
});

describe('what a refusal teaches the limiter', () => {
  it('Slack: a 429 pauses the whole app for Retry-After (it does not say which limit it was)', () => {
    expect(slackPauses({ code: 'slack_webapi_rate_limited_error', retryAfter: 2 })).toEqual([{ key: 'app', ms: 2000 }]);
    expect(slackPauses({ code: 'slack_webapi_http_error', statusCode: 429, headers: { 'retry-after': '1' } })).toEqual([{ key: 'app', ms: 1000 }]);
    expect(slackPauses({ code: 'slack_webapi_http_error', statusCode: 500, headers: {} })).toEqual([]);
    expect(slackPauses({ code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } })).toEqual([]);
  });

  it("Feishu: the gateway's and the tenant's limits pause the app, the group's limit only that group", () => {
    expect(feishuPauses({ response: { status: 429, headers: { 'x-ogw-ratelimit-reset': '3' }, data: { code: 99991400 } } })).toEqual([{ key: 'app', ms: 3000 }]);
    expect(feishuPauses(new FeishuApiError(11232, 'create message service trigger rate limit'))).toEqual([{ key: 'app', ms: 1000 }]);
    expect(feishuPauses({ response: { status: 400, headers: {}, data: { code: 230020 } } })).toEqual([{ key: 'chat', ms: 1000 }]);
    expect(feishuPauses({ response: { status: 400, headers: {}, data: { code: 230001 } } })).toEqual([]);
    expect(feishuPauses({ response: { status: 503, headers: {} } })).toEqual([]);
  });
});
