import { describe, expect, it } from 'vitest';
import { createNameCache } from '../../adapters/names.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';

describe('display names', () => {
  it('logs a failed lookup once per person at warn (a missing contact permission shows at once, without a line per message)', async () => {
    const lines: string[] = [];
    const clock = fixedClock('2026-10-09T01:00:00Z');
    let calls = 0;
    const names = createNameCache(createLogger('debug', [], (l) => void lines.push(l)), clock, async (id) => {
      calls++;
      if (id === 'ou_known') return '王经理';
      throw new Error('99991672 Access denied: contact:contact.base:readonly');
    });
    expect(await names.get('ou_known')).toBe('王经理');
    for (let i = 0; i < 5; i++) expect(await names.get('ou_hidden')).toBeUndefined();
    clock.set('2026-10-09T02:00:00Z'); // retried after a while, still not warned again
    expect(await names.get('ou_hidden')).toBeUndefined();
    const warns = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ userId: 'ou_hidden' });
    expect(calls).toBe(3); // the known name once, the failing one twice (cached failure in between)
  });
});
