import type { Handler } from '../core/bot.ts';

// Placeholder until answer cards land (being written now): help, rule lookup, questions.
export function qaHandlers(): Handler[] {
  return [];
}
