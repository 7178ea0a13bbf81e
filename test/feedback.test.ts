import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processContext } from '../src/cli/context.ts';
import { runCli } from '../src/cli/main.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import type { FeedbackRecord } from '../src/store/store.ts';

const vote = (ruleId: string, question: string, v: 'up' | 'down', at: string): FeedbackRecord => ({ ruleId, question, vote: v, platform: 'slack', userId: 'U1', at });

describe('npm run cli -- feedback', () => {
  it('lists the stored votes grouped by question, the most 👎 first', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fb-')), 'db.json');
    const store = await openLowdbStore(file);
    for (const r of [
      vote('5.2-10', '培训人数多怎么办', 'up', '2026-11-20T09:00:00+08:00'),
      vote('5.1-2', '登录没东西', 'down', '2026-11-21T09:00:00+08:00'),
      vote('5.1-2', '登录没东西', 'down', '2026-11-22T09:00:00+08:00'),
      vote('5.2-9', '人少', 'down', '2026-11-23T09:00:00+08:00'),
      vote('5.2-9', '人少', 'up', '2026-11-23T10:00:00+08:00'),
    ]) await store.addFeedback(r);
    await store.close();

    const out: string[] = [];
    const ctx = { ...processContext({ ...process.env, DB_FILE: file, DATABASE_URL: '' }), out: (l: string) => void out.push(l), err: () => {} };
    expect(await runCli(['feedback', '--json'], ctx)).toBe(0);
    const rows = out.map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.ruleId, r.down, r.up])).toEqual([['5.1-2', 2, 0], ['5.2-9', 1, 1], ['5.2-10', 0, 1]]);
  });
});
