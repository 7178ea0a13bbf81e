import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../adapters/inbox.ts';
import { systemClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/log.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import type { Store } from '../src/store/store.ts';

/**
 * Acknowledging comes before answering: an event is acknowledged once it is stored, and the
 * work of answering (here a handler that holds the event loop for 30 ms, like a slow answer)
 * does not start while webhooks keep arriving, so their acknowledgements do not wait behind it.
 */
let dir: string;
let store: Store;
let inbox: Inbox | undefined;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inbox-priority-'));
  store = await openLowdbStore(join(dir, 'db.json'));
});
afterEach(async () => {
  await inbox?.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('acknowledges a stream of events without waiting for the handling of earlier ones', async () => {
  inbox = createInbox({ store, clock: systemClock, log: silentLogger, leaseMs: 60_000 });
  const handled: string[] = [];
  inbox.on('q', async (p) => {
    busy(30);
    handled.push((p as { id: string }).id);
  });
  const ackMs: number[] = [];
  // 20 events, one every 5 ms: together their handling (600 ms) is far more than the stream lasts.
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    expect(await inbox.receive('slack', `e${i}`, 'q', { id: `e${i}` })).toBe(true);
    ackMs.push(performance.now() - t0);
    await sleep(5);
  }
  // Handled in the gaps would have put a 30 ms block in front of most acknowledgements.
  expect(Math.max(...ackMs)).toBeLessThan(25);
  expect(handled.length).toBeLessThan(20);
  await inbox.idle();
  // Every acknowledged event handled once, in the order it came.
  expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
  expect((await store.inboxDepth()).pending).toBe(0);
});

it('starts handling once the intake is quiet, and under a flood after maxDeferMs at the latest', async () => {
  inbox = createInbox({ store, clock: systemClock, log: silentLogger, leaseMs: 60_000, maxDeferMs: 300 });
  const startedAt: number[] = [];
  inbox.on('q', async () => {
    startedAt.push(performance.now());
  });
  const t0 = performance.now();
  await inbox.receive('feishu', 'one', 'q', {});
  await inbox.idle();
  // A single event is handled soon after it was acknowledged.
  expect(startedAt[0]! - t0).toBeLessThan(200);

  // A flood that never pauses for more than a few ms: handling still starts, after about 300 ms.
  const f0 = performance.now();
  let i = 0;
  while (performance.now() - f0 < 700) {
    await inbox.receive('feishu', `flood${i++}`, 'q', {});
    await sleep(2);
  }
  const firstInFlood = startedAt[1]!;
  expect(firstInFlood - f0).toBeGreaterThanOrEqual(250);
  expect(firstInFlood - f0).toBeLessThan(650);
  await inbox.idle();
  expect(startedAt).toHaveLength(i + 1);
});
