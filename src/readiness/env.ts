import type { Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import type { DailyJob } from '../schedule/job.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';
import type { ProjectStatusFor } from './status.ts';
import type { Template } from './template.ts';
import type { ExamBank } from '../training/exam-model.ts';

/** What the project and sign-off handlers need besides the bot's deps. */
export interface ChecklistEnv {
  template: Template;
  calendar: WorkCalendar;
  job: DailyJob;
  /** Called after a project was bound or changed its posting time or zone. */
  scheduleChanged(): Promise<void>;
  /** For answers in a project group: the checklist items a rule is behind, with their status. */
  projectStatusFor: ProjectStatusFor;
  /** EVIDENCE_MAX_BYTES: the largest file kept as sign-off evidence (default 20 MB). */
  evidenceMaxBytes?: number;
  /** The training check-in codes' secret (src/training/chat.ts TrainingEnv). */
  trainingCodeSecret?: string;
  /** PUBLIC_URL, for links the bot gives in chat (the training code page). */
  publicUrl?: string;
  /** The exams' question banks (data/training/*.yaml, src/training/exam.ts). */
  examBanks?: readonly ExamBank[];
}

export type Lang = 'zh' | 'en';
export const say = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

/** A short reply card. */
export function note(title: string, md: string, tone: Card['tone'] = 'info'): Card {
  const card: Card = { title, tone, blocks: [{ type: 'text', md }], fallback: '' };
  card.fallback = cardText(card);
  return card;
}
