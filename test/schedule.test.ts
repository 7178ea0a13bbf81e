import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeCron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cardText } from '../src/core/card.ts';
import { silentLogger } from '../src/core/log.ts';
import { createCalendar, loadCalendarFiles } from '../src/calendar/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../src/calendar/dates.ts';
import { createScheduler, type CronSchedule } from '../src/readiness/schedule/scheduler.ts';
import { jobWorld, recordingTransport, shanghaiProject, tempStore } from './support/checklist-world.ts';

const HOUR = 3600_000;

describe('working-day calendar', () => {
  const cal = createCalendar();
  it('follows the official Chinese calendar in Asia/Shanghai: National Day off, make-up Saturday on', () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkingDay(`2026-10-0${d}`, 'Asia/Shanghai')).toBe(false);
    expect(cal.isWorkingDay('2026-10-08', 'Asia/Shanghai')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10', 'Asia/Shanghai')).toBe(true); // 调休 Saturday
    expect(cal.isWorkingDay('2026-10-11', 'Asia/Shanghai')).toBe(false);
  });
  it('skips only weekends elsewhere', () => {
    expect(cal.isWorkingDay('2026-10-01', 'Europe/Berlin')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10', 'Europe/Berlin')).toBe(false);
    expect(cal.knows('2031-01-01', 'Europe/Berlin')).toBe(true);
  });
  it('knows when a year is beyond its data, and takes a user file for it', () => {
    expect(cal.knows('2027-02-08', 'Asia/Shanghai')).toBe(false);
    expect(cal.isWorkingDay('2027-02-08', 'Asia/Shanghai')).toBe(true); // plain Monday without data
    const dir = mkdtempSync(join(tmpdir(), 'cal-'));
    writeFileSync(join(dir, '2027.yaml'), 'year: 2027\nholidays:\n  - { from: 2027-02-06, to: 2027-02-12, name: 春节 }\nworkdays:\n  - 2027-02-20\n');
    const ext = createCalendar({ dir });
    expect(ext.knows('2027-02-08', 'Asia/Shanghai')).toBe(true);
    expect(ext.isWorkingDay('2027-02-08', 'Asia/Shanghai')).toBe(false);
    expect(ext.isWorkingDay('2027-02-20', 'Asia/Shanghai')).toBe(true); // a Saturday made a workday
    expect(ext.isWorkingDay('2027-02-15', 'Asia/Shanghai')).toBe(true);
    expect(ext.knownYears().at(-1)).toBe(2027);
  });
  it.each([
    ['year: 2027\nholidays: [2028-01-01]\n', /2028-01-01 is not in year 2027/],
    ['year: 2027\nholidays: [2027-02-30]\n', /holidays\[0\].*real date/],
    ['year: 2027\nholidays: [{ from: 2027-02-10, to: 2027-02-01 }]\n', /ends before it starts/],
    ['year: 2027\nholidays: [2027-02-06]\nworkdays: [2027-02-06]\n', /both as a holiday and as a workday/],
    ['year: [', /not valid YAML/],
  ])('rejects a broken calendar file %#, naming the problem', (yaml, err) => {
    const dir = mkdtempSync(join(tmpdir(), 'cal-'));
    writeFileSync(join(dir, '2027.yaml'), yaml);
    expect(() => loadCalendarFiles(dir)).toThrow(err);
  });
});

describe('local dates and times', () => {
  it('computes the date in the project zone, not the process zone', () => {
    const t = new Date('2026-10-09T16:30:00Z');
    expect(localDate(t, 'Asia/Shanghai')).toBe('2026-10-10');
    expect(localDate(t, 'Europe/Berlin')).toBe('2026-10-09');
    expect(localTime(t, 'America/New_York')).toBe('12:30');
    expect(isoWithOffset(t, 'Asia/Shanghai')).toBe('2026-10-10T00:30:00+08:00');
    expect(isoWithOffset(t, 'America/New_York')).toBe('2026-10-09T12:30:00-04:00');
    expect(isoWithOffset(new Date('2026-12-01T12:00:00Z'), 'Europe/Berlin')).toBe('2026-12-01T13:00:00+01:00');
  });
});

/** Runs the job at every quarter hour from `from` for `days` days; returns the local date and time of each post. */
async function simulate(job: { run(): Promise<unknown> }, clock: { set(d: string | Date): void; now(): Date }, from: string, days: number, tz: string, posts: { card: { title: string } }[]) {
  const seen: string[] = [];
  const start = new Date(from).getTime();
  for (let t = start; t < start + days * 24 * HOUR; t += HOUR / 4) {
    clock.set(new Date(t));
    const before = posts.length;
    await job.run();
    if (posts.length > before) seen.push(`${localDate(clock.now(), tz)} ${localTime(clock.now(), tz)}`);
  }
  return seen;
}

describe('daily checklist job (fake clock)', () => {
  it('posts once per Shanghai working day at 09:00: holidays skipped, make-up Saturday posted', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject());
    const rec = recordingTransport();
    const { job, clock } = jobWorld(store, '2026-09-29T16:00:00Z', rec.t);
    const seen = await simulate(job, clock, '2026-09-29T16:00:00Z', 14, 'Asia/Shanghai', rec.posts);
    expect(seen).toEqual(['2026-09-30 09:00', '2026-10-08 09:00', '2026-10-09 09:00', '2026-10-10 09:00', '2026-10-12 09:00', '2026-10-13 09:00']);
    expect(rec.posts.every((p) => p.chat.chatId === 'oc_1')).toBe(true);
  });

  it('posts a Berlin project on weekdays at its own 09:00, through the DST change', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject({ id: 'slack:C1', platform: 'slack', chatId: 'C1', timeZone: 'Europe/Berlin', postTime: '09:00', goLive: '2026-11-20', lang: 'en' }));
    const rec = recordingTransport();
    const { job, clock } = jobWorld(store, '2026-10-22T22:00:00Z', rec.t);
    const seen = await simulate(job, clock, '2026-10-22T22:00:00Z', 7, 'Europe/Berlin', rec.posts);
    // Oct 25 is the end of summer time; Oct 24/25 are a weekend.
    expect(seen).toEqual(['2026-10-23 09:00', '2026-10-26 09:00', '2026-10-27 09:00', '2026-10-28 09:00', '2026-10-29 09:00']);
  });

  it('posts once when two runs (or two job instances) race', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject());
    const rec = recordingTransport();
    const a = jobWorld(store, '2026-10-09T01:05:00Z', rec.t);
    const b = jobWorld(store, '2026-10-09T01:05:00Z', rec.t);
    const results = await Promise.all([a.job.run(), b.job.run(), a.job.run()]);
    expect(rec.posts).toHaveLength(1);
    expect(results.flat().filter((r) => r.outcome === 'posted')).toHaveLength(1);
  });

  it('does not post again after a restart shortly after posting', async () => {
    const { store, file } = await tempStore();
    await store.putProject(shanghaiProject());
    const rec = recordingTransport();
    await jobWorld(store, '2026-10-09T01:00:30Z', rec.t).job.run();
    await store.close();
    const { store: again } = await tempStore(file);
    const after = jobWorld(again, '2026-10-09T01:03:00Z', rec.t);
    const scheduled: string[] = [];
    const cron: CronSchedule = (expr, _fn, o) => (scheduled.push(`${o.name} ${expr} ${o.timezone ?? ''}`.trim()), { stop() {} });
    await createScheduler({ store: again, job: after.job, log: silentLogger, cron }).start();
    expect(rec.posts).toHaveLength(1);
    expect(scheduled).toContain('checklist:feishu:oc_1 0 9 * * * Asia/Shanghai');
  });

  it('catches up at start-up when the bot was down at posting time, the same day', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject());
    const rec = recordingTransport();
    const { job } = jobWorld(store, '2026-10-09T03:40:00Z', rec.t); // 11:40 in Shanghai
    const cron: CronSchedule = () => ({ stop() {} });
    await createScheduler({ store, job, log: silentLogger, cron }).start();
    expect(rec.posts).toHaveLength(1);
    expect(await store.getPost('feishu:oc_1', '2026-10-09')).toMatchObject({ status: 'sent', messageId: rec.posts[0]!.messageId });
  });

  it('retries a post whose send failed, and one whose process died between claim and send', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject());
    const rec = recordingTransport();
    const { job, clock } = jobWorld(store, '2026-10-09T01:00:00Z', rec.t);
    rec.failNextPosts(1);
    expect((await job.run())[0]).toMatchObject({ outcome: 'failed' });
    expect((await job.run())[0]).toMatchObject({ outcome: 'posted' });
    // Died after claiming the next day's post: nobody posts for 10 minutes, then it is retried.
    clock.set('2026-10-12T01:00:00Z');
    expect(await store.claimPost('feishu:oc_1', '2026-10-12', clock.now(), 600_000)).toBe('claimed');
    expect((await job.run())[0]).toMatchObject({ outcome: 'busy' });
    clock.set('2026-10-12T01:10:00Z');
    expect((await job.run())[0]).toMatchObject({ outcome: 'posted' });
    expect(rec.posts).toHaveLength(2);
  });

  it('posts one final summary after go-live, then stops', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject({ goLive: '2026-10-12' }));
    const rec = recordingTransport();
    const { job, clock } = jobWorld(store, '2026-10-12T01:00:00Z', rec.t);
    expect((await job.run())[0]).toMatchObject({ outcome: 'posted' }); // T-0
    clock.set('2026-10-13T01:00:00Z');
    expect((await job.run())[0]).toMatchObject({ outcome: 'final' });
    expect(rec.posts.at(-1)!.card.title).toBe('上线准备总结 · ACME OA');
    for (const d of ['2026-10-13T05:00:00Z', '2026-10-14T01:00:00Z', '2026-10-20T01:00:00Z']) {
      clock.set(d);
      expect((await job.run())[0]).toMatchObject({ outcome: 'finished' });
    }
    expect(rec.posts).toHaveLength(2);
  });

  it('warns in the post when go-live lies beyond the known calendar', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject({ goLive: '2027-01-20' }));
    const rec = recordingTransport();
    await jobWorld(store, '2026-12-01T01:00:00Z', rec.t).job.run();
    expect(cardText(rec.posts[0]!.card)).toMatch(/上线日期 2027-01-20 超出已知节假日历\(已知至 2026 年\)/);
  });
});

describe('scheduler with node-cron', () => {
  it('schedules each project at its posting time in its own zone', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject({ postTime: '08:30' }));
    await store.putProject(shanghaiProject({ id: 'slack:C1', platform: 'slack', chatId: 'C1', timeZone: 'America/New_York' }));
    const rec = recordingTransport();
    const { job } = jobWorld(store, '2026-10-09T00:00:00Z', rec.t);
    const s = createScheduler({ store, job, log: silentLogger });
    await s.refresh();
    try {
      const tasks = [...nodeCron.getTasks().values()];
      const sh = tasks.find((t) => t.name === 'checklist:feishu:oc_1')!.getNextRun()!;
      const ny = tasks.find((t) => t.name === 'checklist:slack:C1')!.getNextRun()!;
      expect(localTime(sh, 'Asia/Shanghai')).toBe('08:30');
      expect(localTime(ny, 'America/New_York')).toBe('09:00');
      expect(s.describe()).toContain('checklist:sweep → */15 * * * *');
    } finally {
      await s.stop();
    }
  });
});

describe('scheduler refresh', () => {
  it('keeps one task per project when refreshes overlap', async () => {
    const { store } = await tempStore();
    await store.putProject(shanghaiProject());
    const live = new Set<string>();
    let n = 0;
    const cron: CronSchedule = (_expr, _fn, o) => {
      const id = `${o.name}#${++n}`;
      live.add(id);
      return { stop: async () => void (await Promise.resolve(), live.delete(id)) };
    };
    const rec = recordingTransport();
    const s = createScheduler({ store, job: jobWorld(store, '2026-10-09T00:00:00Z', rec.t).job, log: silentLogger, cron });
    await Promise.all([s.refresh(), s.refresh(), s.refresh()]);
    expect([...live].map((x) => x.split('#')[0]).sort()).toEqual(['checklist:feishu:oc_1', 'checklist:sweep']);
  });
});
