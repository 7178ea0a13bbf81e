import type { WorkCalendar } from '../calendar/calendar.ts';
import type { OutgoingFile } from '../core/transport.ts';
import type { ProjectRecord } from '../store/records.ts';
import type { ProjectStatusFor } from './answer-status.ts';
import type { Template } from './model/template.ts';
import type { DailyJob } from './schedule/daily-job.ts';

/** What the readiness feature's chat edges (projects, roles, sign-offs) need besides the bot's deps. */
export interface ReadinessEnv {
  template: Template;
  calendar: WorkCalendar;
  job: DailyJob;
  /** Called after a project was bound or changed its posting time or zone. */
  scheduleChanged(): Promise<void>;
  /** For answers in a project group: the checklist items a rule is behind, with their status. */
  projectStatusFor: ProjectStatusFor;
  /** EVIDENCE_MAX_BYTES: the largest file kept as sign-off evidence (default 20 MB). */
  evidenceMaxBytes?: number;
  /**
   * Snapshots other features make of what an item confirms, by rule id (training: the plan, for
   * 5.2-17): kept as the confirm's evidence (source bot-file), so the trail holds what was signed.
   */
  itemEvidence?: {
    /** The rules it makes snapshots for: only a confirm of an item behind one of them asks for it. */
    rules: readonly string[];
    make(project: ProjectRecord): Promise<ReadonlyMap<string, OutgoingFile>>;
  };
}
