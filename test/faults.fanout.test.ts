import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import type { ProjectRecord } from '../src/store/store.ts';
import { LimitedSlack } from './fakes/limited-slack.ts';
import { PG_SKIP, assertPostgresReachable } from './helpers/postgres.ts';
import { startReplicas, type Replicas } from './helpers/replicas.ts';

// 09:05 in Shanghai on a working day.
const MORNING = '2026-09-29T01:05:00Z';
const FEISHU_OFF = { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' };

const project = (chatId: string): ProjectRecord => ({
  id: `slack:${chatId}`, platform: 'slack', chatId, name: chatId, goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'zh',
  adminId: 'U0ADMIN', roles: [], source: 'chat', createdAt: '2026-09-01T09:00:00+08:00', updatedAt: '2026-09-01T09:00:00+08:00',
});

let r: Replicas | undefined;
let api: LimitedSlack | undefined;
afterEach(async () => {
  await r?.close();
  await api?.stop();
  r = api = undefined;
});

describe.skipIf(PG_SKIP)('daily fan-out while the platform answers 429 (Retry-After) and some 500s', () => {
  beforeAll(assertPostgresReachable);

  it('gives every project exactly one post, across two replicas and the sweep that retries failures', { timeout: 90_000 }, async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    api = await LimitedSlack.start({ perChannel: 1, perApp: 5, error500Rate: 0.15, random });
    const channels = Array.from({ length: 30 }, (_, i) => `C0FAN${String(i).padStart(3, '0')}`);
    const started = Date.now();
    // Both replicas run the job at start-up (catch-up), at the same moment.
    r = await startReplicas(2, {
      clock: fixedClock(MORNING),
      env: { ...FEISHU_OFF, SLACK_API_URL: api.apiUrl },
      seed: async (s) => {
        for (const c of channels) await s.putProject(project(c));
      },
    });
    const rr = r;
    // What the 15-minute sweep does: run again while something failed for good.
    for (let sweep = 0; sweep < 5; sweep++) {
      const outcomes = (await Promise.all(rr.apps.map(async (_, i) => ((await (await rr.runJob(i)).json()) as { results: { outcome: string }[] }).results.map((x) => x.outcome)))).flat();
      if (!outcomes.includes('failed') && !outcomes.includes('busy')) break;
    }
    const seconds = (Date.now() - started) / 1000;

    const s = api.summary();
    expect(s.duplicates).toEqual([]);
    expect(s.channels).toBe(channels.length);
    expect(s.posts).toBe(channels.length);
    // The faults really happened.
    expect(api.stats.limited).toBeGreaterThan(0);
    expect(api.stats.errors).toBeGreaterThan(0);
    for (const c of channels) expect((await rr.store.getPost(`slack:${c}`, '2026-09-29'))?.status).toBe('sent');
    console.log(`fan-out: ${channels.length} projects in ${seconds.toFixed(1)} s (rate-limit bound ${(channels.length / 5).toFixed(1)} s), ${api.stats.limited} × 429, ${api.stats.errors} × 500`);
  });
});
