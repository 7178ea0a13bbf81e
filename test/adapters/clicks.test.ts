import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClickGuard } from '../../adapters/clicks.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';

/** The double-click window against the real lowdb store: edges and races. */
const dir = mkdtempSync(join(tmpdir(), 'clicks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
async function guard(start: string) {
  const clock = fixedClock(start);
  const store = await openLowdbStore(join(dir, `db${++n}.json`));
  return { clock, store, clicks: createClickGuard(clock, store) };
}

it('a second click up to 5 s later is a repeat, wherever the bucket boundaries fall', async () => {
  for (const start of ['2026-11-28T03:00:00.000Z', '2026-11-28T03:00:00.999Z', '2026-11-28T03:00:00.500Z']) {
    for (const gap of [0, 1, 999, 1000, 4_000, 4_999, 5_000]) {
      const { clock, clicks } = await guard(start);
      expect(await clicks.first('m1', 'u1', 'v')).toBe(true);
      clock.advance(gap);
      expect(await clicks.first('m1', 'u1', 'v'), `${start} +${gap} ms`).toBe(false);
    }
  }
});

it('a click 6 s or more after the answered one counts, even after repeats in between', async () => {
  for (const start of ['2026-11-28T03:00:00.000Z', '2026-11-28T03:00:00.999Z']) {
    const { clock, clicks } = await guard(start);
    expect(await clicks.first('m1', 'u1', 'v')).toBe(true);
    clock.advance(4_000);
    expect(await clicks.first('m1', 'u1', 'v')).toBe(false);
    clock.advance(2_000);
    expect(await clicks.first('m1', 'u1', 'v'), start).toBe(true);
  }
});

it('other buttons, messages and people are other clicks', async () => {
  const { clicks } = await guard('2026-11-28T03:00:00.000Z');
  expect(await clicks.first('m1', 'u1', 'v')).toBe(true);
  expect(await clicks.first('m1', 'u1', 'w')).toBe(true);
  expect(await clicks.first('m2', 'u1', 'v')).toBe(true);
  expect(await clicks.first('m1', 'u2', 'v')).toBe(true);
});

it('of clicks racing within the window exactly one is answered, and the guard survives reopening the store', async () => {
  const { clock, store } = await guard('2026-11-28T03:00:00.400Z');
  const times = [0, 300, 700, 1_200, 2_600];
  const results = await Promise.all(
    times.map(async (dt) => {
      const c = createClickGuard({ now: () => new Date(clock.now().getTime() + dt) }, store);
      return c.first('m1', 'u1', 'v');
    }),
  );
  expect(results.filter(Boolean)).toHaveLength(1);
  const again = createClickGuard(clock, await openLowdbStore(join(dir, `db${n}.json`)));
  expect(await again.first('m1', 'u1', 'v')).toBe(false);
});

it('clicks handed out again after a crash: a judged click is handled again, an unjudged double click is still one click', async () => {
  const { clock, clicks } = await guard('2026-11-28T03:00:00.000Z');
  // Click A was judged first and the process died before it answered: handed out again, it is handled.
  expect(await clicks.firstAttempt('ev_A', 'm1', 'u1', 'v')).toBe(true);
  clock.advance(1_000); // restarted within the window: only the mark lets it through
  expect(await clicks.firstAttempt('ev_A', 'm1', 'u1', 'v')).toBe(true);
  // Clicks B and C (a double click) were acknowledged and the process died before judging either.
  expect([await clicks.firstAttempt('ev_B', 'm2', 'u1', 'v'), await clicks.firstAttempt('ev_C', 'm2', 'u1', 'v')]).toEqual([true, false]);
});
