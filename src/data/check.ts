import { join } from 'node:path';
import { loadTemplate } from '../readiness/model/template.ts';
import { loadDeclaredProjects } from '../readiness/model/declared.ts';
import { loadRulebook } from '../rulebook/load.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { loadCalendarFiles } from '../calendar/calendar.ts';
import { loadExamBanks } from '../training/exam.ts';

export interface DataReport {
  rulebook: Rulebook;
  templateItems: number;
  calendarYears: number[];
  declaredProjects: number;
  /** data/training/*.yaml: the exams' question banks. */
  examBanks: number;
}

/**
 * Loads every data file the bot reads at start-up, with the same loaders and so the same
 * errors (RulebookError, TemplateError, CalendarError, ProjectsFileError, ExamBankError naming the file,
 * the entry and the field): `rulebook check` says ok only when start-up would.
 */
export function checkDataFiles(dataDir: string): DataReport {
  const rulebook = loadRulebook(dataDir);
  const template = loadTemplate(dataDir, rulebook);
  const calendarYears = [...loadCalendarFiles(join(dataDir, 'calendar')).keys()].sort((a, b) => a - b);
  const declaredProjects = loadDeclaredProjects(dataDir).length;
  const examBanks = loadExamBanks(join(dataDir, 'training')).length;
  return { rulebook, templateItems: template.items.length, calendarYears, declaredProjects, examBanks };
}
