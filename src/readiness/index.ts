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
import { randomBytes } from 'node:crypto';
import { trainingHandlers } from '../training/chat.ts';
import { loadExamBanks } from '../training/exam.ts';
import { createTrainingJob, type TrainingJob } from '../training/job.ts';
import { trainingRoutes } from '../training/routes.ts';
import type { Store } from '../store/store.ts';
import type { ChecklistEnv } from './env.ts';
import { checklistRoutes } from './routes.ts';
import { createProjectStatus } from './status.ts';
import { loadTemplate } from './template.ts';

export interface ChecklistFeature {
  env: ChecklistEnv;
  scheduler: Scheduler;
  /** Training reminders and the 5.3-5 warning, run every minute by the scheduler. */
  trainingJob: TrainingJob;
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
  /** The rulebook in force now (review decisions included); default `rulebook`. */
  currentRulebook?: () => Rulebook;
  /** The training check-in codes' secret (Config.trainingCodeSecret); absent: this process makes its own, with a warning. */
  trainingCodeSecret?: string;
}

/** Training check-ins are checked against codes from this: the same on every replica, or a warning that it is not. */
function codeSecret(deps: ChecklistFeatureDeps): string {
  if (deps.trainingCodeSecret) return deps.trainingCodeSecret;
  deps.log.warn('TRAINING_CODE_SECRET and ADMIN_TOKEN are unset: training check-in codes come from a secret of this process (they change at a restart and differ between replicas); set TRAINING_CODE_SECRET');
  return randomBytes(32).toString('hex');
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
  const trainingCodeSecret = codeSecret(deps);
  const trainingJob = createTrainingJob({ store: deps.store, clock: deps.clock, log: deps.log, calendar, transport: deps.transport, rulebook: deps.currentRulebook ?? (() => deps.rulebook) });
  const scheduler = createScheduler({
    store: deps.store,
    job,
    log: deps.log,
    ...(deps.cron ? { cron: deps.cron } : {}),
    // Reminders (the day before, an hour before) and the 5.3-5 warning, to the minute; claims keep them once.
    also: [{ name: 'training:notices', expr: '* * * * *', run: () => trainingJob.run() }],
  });
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
    trainingCodeSecret,
    examBanks: loadExamBanks(join(deps.dataDir, 'training')), // src/training/exam.ts
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
  };
  const routes = [checklistRoutes(job), trainingRoutes({ job: trainingJob, codeSecret: trainingCodeSecret })];
  return {
    env,
    scheduler,
    trainingJob,
    handlers: () => projectHandlers(env),
    routes: (router, server) => routes.forEach((r) => r(router, server)),
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
