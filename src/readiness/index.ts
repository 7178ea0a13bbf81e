/**
 * The readiness feature: projects bound to group chats, their roles, the daily checklist counted
 * down to go-live, and sign-offs with evidence. Inside:
 *   model/     pure: the template, a project's checklist, roles and authority, who must act,
 *              the sign-off decision (what to record, or why not), readiness over time;
 *   views/     the checklist card, an item's words (one place for every renderer), the trail's
 *              words, the sign-off CSV;
 *   chat/      thin edges: project commands, role answers, sign-offs and their evidence;
 *   schedule/  the daily job and its cron;
 *   routes.ts  the admin job and the projects API.
 * Other features and the dashboard use this file and model/; nothing here imports them.
 */
import type { WorkCalendar } from '../calendar/calendar.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Platform } from '../core/message.ts';
import type { Transport } from '../core/transport.ts';
import type { Feature, ScheduledJob } from '../feature.ts';
import type { Metrics } from '../metrics.ts';
import type { Rulebook } from '../rulebook/model.ts';
import type { ProjectRecord, Store } from '../store/store.ts';
import type { RuleFacts } from './views/checklist-card.ts';
import { createProjectStatus } from './answer-status.ts';
import { commandHandler } from './chat/project.ts';
import { roleButtonHandler } from './chat/roles.ts';
import { signoffHandler } from './chat/signoff.ts';
import type { ReadinessEnv } from './env.ts';
import { loadDeclaredProjects, syncDeclaredProjects } from './model/declared.ts';
import { loadTemplate } from './model/template.ts';
import { readinessRoutes } from './routes.ts';
import { createDailyJob } from './schedule/daily-job.ts';
import { createScheduler, type CronSchedule, type Scheduler } from './schedule/scheduler.ts';

export type { ReadinessEnv } from './env.ts';

export interface ReadinessFeature extends Feature {
  env: ReadinessEnv;
  scheduler: Scheduler;
  /** Writes data/projects.yaml into the store, posts what is overdue (catch-up), schedules. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReadinessFeatureDeps {
  dataDir: string;
  rulebook: Rulebook;
  store: Store;
  clock: Clock;
  log: Logger;
  calendar: WorkCalendar;
  /** Usually `(p) => bot.transport(p)`; only called when posting. */
  transport(platform: Platform): Transport;
  cron?: CronSchedule;
  /** Other features' jobs, run by the same scheduler (the training notices). */
  schedules?: ScheduledJob[];
  /** PUBLIC_URL: the daily card links to each project's dashboard page there. */
  publicUrl?: string;
  /** EVIDENCE_MAX_BYTES: the largest file kept as sign-off evidence. */
  evidenceMaxBytes?: number;
  /** Daily posts are counted here by outcome. */
  metrics?: Pick<Metrics, 'dailyPosts'>;
  /** What other features say of the rules behind items (the training plan), shown under them on the daily card. */
  ruleFacts?: (project: ProjectRecord) => Promise<RuleFacts>;
  /** Snapshots other features make of what an item confirms (ReadinessEnv.itemEvidence). */
  itemEvidence?: ReadinessEnv['itemEvidence'];
}

/**
 * Loading throws (TemplateError, ProjectsFileError) naming the broken file, so a bad edit stops
 * start-up.
 */
export function createReadinessFeature(deps: ReadinessFeatureDeps): ReadinessFeature {
  const template = loadTemplate(deps.dataDir, deps.rulebook);
  const declared = loadDeclaredProjects(deps.dataDir);
  const { calendar } = deps;
  const job = createDailyJob({ store: deps.store, clock: deps.clock, log: deps.log, template, calendar, transport: deps.transport, metrics: deps.metrics, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}), ...(deps.ruleFacts ? { ruleFacts: deps.ruleFacts } : {}) });
  const scheduler = createScheduler({ store: deps.store, job, log: deps.log, ...(deps.cron ? { cron: deps.cron } : {}), also: deps.schedules ?? [] });
  let started = false;
  const env: ReadinessEnv = {
    template,
    calendar,
    job,
    scheduleChanged: async () => {
      if (started) await scheduler.refresh();
    },
    projectStatusFor: createProjectStatus({ store: deps.store, template, job }),
    ...(deps.evidenceMaxBytes ? { evidenceMaxBytes: deps.evidenceMaxBytes } : {}),
    ...(deps.itemEvidence ? { itemEvidence: deps.itemEvidence } : {}),
  };
  return {
    name: 'readiness',
    env,
    scheduler,
    // Project commands and role answers first; a sign-off reply ("确认 3") only after every
    // feature's commands, so that "课堂确认 3" reaches training.
    commands: [commandHandler(env), roleButtonHandler()],
    replies: [signoffHandler(env)],
    routes: readinessRoutes(job),
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
