import { z } from 'zod';
import { Platform } from '../core/message.ts';

export const FeedbackRecord = z.object({
  question: z.string(),
  ruleId: z.string(),
  vote: z.enum(['up', 'down']),
  platform: Platform,
  userId: z.string(),
  at: z.string(), // ISO 8601 with offset
});
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;

/**
 * Everything the bot keeps. Implementations: lowdb (embedded default) and,
 * later, PostgreSQL; both run the same contract tests in test/store.contract.ts.
 * Each method is atomic on its own; none may lose a write it resolved.
 */
export interface Store {
  /**
   * Remembers a delivery key (event id, message id, button click) and tells
   * whether this is the first time it is seen. Keys older than `ttlMs` are forgotten.
   */
  claimEvent(key: string, now: Date, ttlMs: number): Promise<boolean>;
  addFeedback(record: FeedbackRecord): Promise<void>;
  listFeedback(): Promise<FeedbackRecord[]>;
  /** For /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
