import { expect, it } from 'vitest';
import { createNameCache } from '../../adapters/names.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';

it('a failed name lookup is not retried for 10 minutes of the bot clock, then is', async () => {
  const clock = fixedClock('2026-11-28T03:00:00Z');
  const asked: string[] = [];
  let answer: string | undefined;
  const names = createNameCache(createLogger('error', [], () => {}), clock, async (id) => {
    asked.push(id);
    return answer;
  });
  expect(await names.get('ou_1')).toBeUndefined();
  clock.advance(9 * 60_000);
  answer = 'Li Lei';
  expect(await names.get('ou_1')).toBeUndefined();
  expect(asked).toEqual(['ou_1']);
  clock.advance(61_000);
  expect(await names.get('ou_1')).toBe('Li Lei');
  expect(await names.get('ou_1')).toBe('Li Lei');
  expect(asked).toEqual(['ou_1', 'ou_1']);
});
