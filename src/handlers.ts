import type { Handler } from './core/bot.ts';
import type { Features } from './features.ts';
import { qaHandlers } from './qa/handlers.ts';

/**
 * Every handler of the bot, in the order they are tried. The features' commands and sign-off
 * replies come before question answering, which takes whatever is left; answers in a project
 * group show the checklist items behind the rule.
 */
export function allHandlers(features?: Pick<Features, 'handlers' | 'readiness'>): Handler[] {
  return [...(features ? features.handlers() : []), ...qaHandlers(features ? { projectStatus: features.readiness.env.projectStatusFor } : {})];
}
