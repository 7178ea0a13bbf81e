import type { Handler } from './core/bot.ts';
import { qaHandlers } from './qa/handlers.ts';

/**
 * Every handler of the bot, in the order they are tried. Commands and sign-off
 * replies come before question answering, which takes whatever is left.
 */
export function allHandlers(): Handler[] {
  return [...qaHandlers()];
}
