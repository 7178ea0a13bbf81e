import { join } from 'node:path';
import { createCalendar, type WorkCalendar } from './calendar/calendar.ts';
import type { Handler } from './core/bot.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/log.ts';
import type { Platform } from './core/message.ts';
import type { Transport } from './core/transport.ts';
import type { Feature } from './feature.ts';
import type { Metrics } from './metrics.ts';
import { createReadinessFeature, type ReadinessFeature } from './readiness/index.ts';
import type { CronSchedule } from './readiness/schedule/scheduler.ts';
import { reportsFeature } from './reports/feature.ts';
import type { Rulebook } from './rulebook/model.ts';
import type { RouteModule } from './server/routes.ts';
import type { Store } from './store/store.ts';
import { createTrainingFeature, type TrainingFeature } from './training/feature.ts';

export interface FeaturesDeps {
  dataDir: string;
  rulebook: Rulebook;
  /** The rulebook in force now (review decisions included); default `rulebook`. */
  currentRulebook?: () => Rulebook;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Usually `(p) => bot.transport(p)`; only called when posting. */
  transport(platform: Platform): Transport;
  cron?: CronSchedule;
  publicUrl?: string;
  evidenceMaxBytes?: number;
  metrics?: Pick<Metrics, 'dailyPosts'>;
  trainingCodeSecret?: string;
}

/** The bot's features, composed: what the server mounts, the bot tries, and start/stop run. */
export interface Features {
  calendar: WorkCalendar;
  readiness: ReadinessFeature;
  training: TrainingFeature;
  all: Feature[];
  /** Every feature's commands, then every feature's replies (question answering comes after, src/handlers.ts). */
  handlers(): Handler[];
  routes: RouteModule;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Readiness (projects, checklists, sign-offs), reports and training, wired together. Loading
 * throws (TemplateError, CalendarError, ProjectsFileError, an exam bank's error) naming the
 * broken file, so a bad edit stops start-up.
 */
export function createFeatures(deps: FeaturesDeps): Features {
  const calendar = createCalendar({ dir: join(deps.dataDir, 'calendar') });
  const training = createTrainingFeature({ dataDir: deps.dataDir, store: deps.store, clock: deps.clock, log: deps.log, calendar, transport: deps.transport, rulebook: deps.currentRulebook ?? (() => deps.rulebook), ...(deps.trainingCodeSecret ? { trainingCodeSecret: deps.trainingCodeSecret } : {}), ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) });
  const readiness = createReadinessFeature({
    dataDir: deps.dataDir,
    rulebook: deps.rulebook,
    store: deps.store,
    clock: deps.clock,
    log: deps.log,
    calendar,
    transport: deps.transport,
    // One scheduler runs every feature's jobs beside the checklists' (src/readiness/schedule/scheduler.ts).
    schedules: training.schedules ?? [],
    // The training plan's live status under the checklist items it speaks to.
    ruleFacts: (p) => training.ruleFacts(p),
    // The plan the customer's lead signs (5.2-17), kept with the confirm.
    itemEvidence: { rules: ['5.2-17'], make: (p) => training.planEvidence(p) },
    ...(deps.cron ? { cron: deps.cron } : {}),
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    ...(deps.evidenceMaxBytes ? { evidenceMaxBytes: deps.evidenceMaxBytes } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const all: Feature[] = [readiness, reportsFeature(readiness.env), training];
  return {
    calendar,
    readiness,
    training,
    all,
    handlers: () => [...all.flatMap((f) => f.commands ?? []), ...all.flatMap((f) => f.replies ?? [])],
    routes: (router, server) => all.forEach((f) => f.routes?.(router, server)),
    // Readiness starts the one scheduler, which runs the other features' jobs too.
    start: async () => {
      for (const f of all) await f.start?.();
    },
    stop: async () => {
      for (const f of [...all].reverse()) await f.stop?.();
    },
  };
}
