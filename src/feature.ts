import type { Handler } from './core/bot.ts';
import type { RouteModule } from './server/routes.ts';

/** A job on a fixed cron schedule, run once at start too (the training notices, every minute). */
export interface ScheduledJob {
  name: string;
  expr: string;
  run(): Promise<unknown>;
}

/**
 * One feature of the bot, registered in one place (like Probot's `load(app)` or a grammY
 * Composer): its chat handlers, its HTTP routes, its scheduled jobs, and what it does at start
 * and stop. `commands` are tried before every feature's `replies` (a bare "确认 3" in a thread),
 * and both before question answering, which takes whatever is left (src/handlers.ts).
 */
export interface Feature {
  name: string;
  commands?: Handler[];
  replies?: Handler[];
  routes?: RouteModule;
  schedules?: ScheduledJob[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
