import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WorkCalendar } from '../calendar/calendar.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Platform } from '../core/message.ts';
import type { OutgoingFile, Transport } from '../core/transport.ts';
import type { Feature } from '../feature.ts';
import type { Rulebook } from '../rulebook/model.ts';
import type { ProjectRecord, Store } from '../store/store.ts';
import { localDate, localTime } from '../calendar/dates.ts';
import { factLine, ruleFacts, trainingReport, type TrainingReport } from './report-model.ts';
import { trainingHandlers, type TrainingEnv } from './chat.ts';
import { loadExamBanks } from './exam.ts';
import { createTrainingJob, type TrainingJob } from './job.ts';
import { trainingRoutes } from './routes.ts';
import { planFile } from './plan-file.ts';

export interface TrainingFeatureDeps {
  dataDir: string;
  store: Store;
  clock: Clock;
  log: Logger;
  calendar: WorkCalendar;
  transport(platform: Platform): Transport;
  /** The rulebook in force now (the 5.3-5 warning quotes it). */
  rulebook(): Rulebook;
  /** The check-in codes' secret (Config.trainingCodeSecret); absent: this process makes its own, with a warning. */
  trainingCodeSecret?: string;
  /** PUBLIC_URL, for the code page's address in chat. */
  publicUrl?: string;
}

export interface TrainingFeature extends Feature {
  env: TrainingEnv;
  /** Reminders and the 5.3-5 warning (scheduled every minute). */
  job: TrainingJob;
  /** The training report of a project now (report-model.ts). */
  report(project: ProjectRecord): Promise<TrainingReport>;
  /** What the plan says of the rules behind checklist items (5.2-10, 5.2-15, 5.3-4, 5.3-5), in the project's language. */
  ruleFacts(project: ProjectRecord): Promise<Map<string, string>>;
  /** The plan as a file (plan-file.ts), by the rule it is the evidence of (5.2-17); none without sessions. */
  planEvidence(project: ProjectRecord): Promise<Map<string, OutgoingFile>>;
}

/** Check-ins are checked against codes from this: the same on every replica, or a warning that it is not. */
function codeSecret(deps: TrainingFeatureDeps): string {
  if (deps.trainingCodeSecret) return deps.trainingCodeSecret;
  deps.log.warn('TRAINING_CODE_SECRET and ADMIN_TOKEN are unset: training check-in codes come from a secret of this process (they change at a restart and differ between replicas); set TRAINING_CODE_SECRET');
  return randomBytes(32).toString('hex');
}

/**
 * Training sessions (plan, sign-up, check-in, exams): their chat commands and buttons, the
 * trainer's code page, and the notices job. Loading the exam banks throws naming the broken file.
 */
export function createTrainingFeature(deps: TrainingFeatureDeps): TrainingFeature {
  const secret = codeSecret(deps);
  const env: TrainingEnv = {
    calendar: deps.calendar,
    trainingCodeSecret: secret,
    examBanks: loadExamBanks(join(deps.dataDir, 'training')),
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
  };
  const job = createTrainingJob({ store: deps.store, clock: deps.clock, log: deps.log, calendar: deps.calendar, transport: deps.transport, rulebook: deps.rulebook });
  const report = async (p: ProjectRecord) => trainingReport(await deps.store.listSessions(p.id), `${localDate(deps.clock.now(), p.timeZone)}T${localTime(deps.clock.now(), p.timeZone)}`, p.trainingGoal);
  return {
    name: 'training',
    env,
    job,
    report,
    ruleFacts: async (p) => new Map([...ruleFacts(await report(p), p.lang)].map(([rule, f]) => [rule, factLine(f)])),
    planEvidence: async (p) => {
      const f = planFile(p, await deps.store.listSessions(p.id), localDate(deps.clock.now(), p.timeZone));
      return new Map(f ? [['5.2-17', f]] : []);
    },
    commands: trainingHandlers(env),
    routes: trainingRoutes({ job, codeSecret: secret }),
    // Reminders (the day before, an hour before) and the 5.3-5 warning, to the minute; claims keep them once.
    schedules: [{ name: 'training:notices', expr: '* * * * *', run: () => job.run() }],
  };
}
