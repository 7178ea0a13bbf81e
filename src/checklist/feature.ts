import { join } from 'node:path';
import type { Handler } from '../core/bot.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Platform } from '../core/message.ts';
import type { Transport } from '../core/transport.ts';
import type { Metrics } from '../metrics.ts';
import { loadDeclaredProjects, syncDeclaredProjects } from '../projects/declared.ts';
import { commandHandler } from '../projects/handlers.ts';
import { roleButtonHandler } from '../projects/role-chat.ts';
import { reportCommandHandler } from '../reports/chat-command.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { createCalendar } from '../schedule/calendar.ts';
import { createDailyJob } from '../schedule/job.ts';
import { createScheduler, type CronSchedule, type Scheduler } from '../schedule/scheduler.ts';
import type { RouteModule } from '../server/routes.ts';
import { signoffHandler } from '../signoff/handlers.ts';
import { trainingHandlers } from '../training/chat.ts';
import type { Store } from '../store/store.ts';
import type { ChecklistEnv } from './env.ts';
import { checklistRoutes } from './routes.ts';
import { createProjectStatus } from './status.ts';
import { loadTemplate } from './template.ts';

export interface ChecklistFeature {
  env: ChecklistEnv;
  scheduler: Scheduler;
  /** Project commands and sign-offs: put them before question answering. */
  handlers(): Handler[];
  routes: RouteModule;
  /** Writes data/projects.yaml into the store, posts what is overdue (catch-up), schedules. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ChecklistFeatureDeps {
  dataDir: string;
  rulebook: Rulebook;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Usually `(p) => bot.transport(p)`; only called when posting. */
  transport(platform: Platform): Transport;
  cron?: CronSchedule;
  /** PUBLIC_URL: the daily card links to each project's dashboard page there. */
  publicUrl?: string;
  /** EVIDENCE_MAX_BYTES: the largest file kept as sign-off evidence. */
  evidenceMaxBytes?: number;
  /** Daily posts are counted here by outcome. */
  metrics?: Pick<Metrics, 'dailyPosts'>;
}

/**
 * Projects, daily checklists and sign-offs, wired together. Loading throws (TemplateError,
 * CalendarError, ProjectsFileError) naming the broken file, so a bad edit stops start-up.
 */
export function createChecklistFeature(deps: ChecklistFeatureDeps): ChecklistFeature {
  const template = loadTemplate(deps.dataDir, deps.rulebook);
  const calendar = createCalendar({ dir: join(deps.dataDir, 'calendar') });
  const declared = loadDeclaredProjects(deps.dataDir);
  const job = createDailyJob({ store: deps.store, clock: deps.clock, log: deps.log, template, calendar, transport: deps.transport, metrics: deps.metrics, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) });
  const scheduler = createScheduler({ store: deps.store, job, log: deps.log, ...(deps.cron ? { cron: deps.cron } : {}) });
  let started = false;
  const env: ChecklistEnv = {
    template,
    calendar,
    job,
    scheduleChanged: async () => {
      if (started) await scheduler.refresh();
    },
    projectStatusFor: createProjectStatus({ store: deps.store, template, job }),
    ...(deps.evidenceMaxBytes ? { evidenceMaxBytes: deps.evidenceMaxBytes } : {}),
  };
  return {
    env,
    scheduler,
    handlers: () => projectHandlers(env),
    routes: checklistRoutes(job),
    async start() {
      await syncDeclaredProjects(deps.store, declared, deps.clock);
      await scheduler.start();
      started = true;
    },
    async stop() {
      started = false;
      await scheduler.stop();
    },
  };
}

/** Commands first (the reports' too), then role answers, training and sign-offs (a reply "确认 3" is never mistaken for a question). */
export function projectHandlers(env: ChecklistEnv): Handler[] {
  return [commandHandler(env), reportCommandHandler(env), roleButtonHandler(), ...trainingHandlers(env), signoffHandler(env)];
}
