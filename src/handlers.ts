import type { ChecklistEnv } from './checklist/env.ts';
import { projectHandlers } from './checklist/feature.ts';
import type { Handler } from './core/bot.ts';
import { qaHandlers } from './qa/handlers.ts';

/**
 * Every handler of the bot, in the order they are tried. Commands and sign-off
 * replies come before question answering, which takes whatever is left.
 */
export function allHandlers(checklists?: ChecklistEnv): Handler[] {
  return [...(checklists ? projectHandlers(checklists) : []), ...qaHandlers(checklists ? { projectStatus: checklists.projectStatusFor } : {})];
}
