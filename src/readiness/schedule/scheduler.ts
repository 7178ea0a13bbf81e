import nodeCron from 'node-cron';
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../store/store.ts';
import type { ScheduledJob } from '../../feature.ts';
import type { DailyJob } from './daily-job.ts';

export interface CronTask {
  stop(): void | Promise<void>;
}
export type CronSchedule = (expr: string, fn: () => Promise<void>, opts: { timezone?: string; name: string }) => CronTask;

/** Every so often, any post that is due and not yet sent (failed send, late start) goes out. */
export const SWEEP_CRON = '*/15 * * * *';

const realCron: CronSchedule = (expr, fn, opts) => nodeCron.schedule(expr, fn, { ...opts, noOverlap: true });

export interface Scheduler {
  /** Posts what is due now (catch-up after a down time), then schedules every project. */
  start(): Promise<void>;
  /** Reschedules after a project was bound or changed its time or zone. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
  /** `name → cron expression @ zone` of what is scheduled; for /healthz and tests. */
  describe(): string[];
}

/**
 * One node-cron task per project at its posting time in its own time zone, plus a sweep, plus
 * the `also` jobs on their own schedules (each run once at start too).
 * node-cron never runs a slot that passed while we were down, so start() runs the job
 * once itself; the store's post claim keeps all of these from posting twice.
 */
export function createScheduler(deps: { store: Store; job: DailyJob; log: Logger; cron?: CronSchedule; also?: ScheduledJob[] }): Scheduler {
  const cron = deps.cron ?? realCron;
  const tasks = new Map<string, { task: CronTask; desc: string }>();
  const stopAll = async () => {
    for (const { task } of tasks.values()) await task.stop();
    tasks.clear();
  };
  const add = (name: string, expr: string, fn: () => Promise<void>, timezone?: string) => {
    tasks.set(name, { task: cron(expr, fn, { name, ...(timezone ? { timezone } : {}) }), desc: `${name} → ${expr}${timezone ? ` @ ${timezone}` : ''}` });
  };
  const log = async (p: Promise<unknown>): Promise<void> => {
    await p.catch((err) => deps.log.error('scheduled checklist run failed', { err }));
  };

  // Two binds at once must not interleave stop/add and leave a task running twice.
  let chain: Promise<void> = Promise.resolve();
  const refresh = () => (chain = chain.then(rebuild, rebuild));
  const rebuild = async () => {
    await stopAll();
    for (const p of await deps.store.listProjects()) {
      const [hh, mm] = p.postTime.split(':');
      add(`checklist:${p.id}`, `${Number(mm)} ${Number(hh)} * * *`, () => log(deps.job.runProject(p.id)), p.timeZone);
    }
    add('checklist:sweep', SWEEP_CRON, () => log(deps.job.run()));
    for (const j of deps.also ?? []) add(j.name, j.expr, () => log(j.run()));
  };

  return {
    async start() {
      const results = await deps.job.run();
      const posted = results.filter((r) => r.outcome === 'posted' || r.outcome === 'final');
      if (posted.length) deps.log.info('catch-up: posted checklists that were due while the bot was down', { projects: posted.map((r) => r.projectId) });
      for (const j of deps.also ?? []) await log(j.run());
      await refresh();
    },
    refresh,
    stop: stopAll,
    describe: () => [...tasks.values()].map((t) => t.desc),
  };
}
