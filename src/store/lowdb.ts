import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { FeedbackRecord, type Store } from './store.ts';

export class StoreError extends Error {
  override name = 'StoreError';
}

const DbShape = z.object({
  events: z.record(z.string(), z.number()).default({}), // key → first seen (ms)
  feedback: z.array(FeedbackRecord).default([]),
});
type DbShape = z.infer<typeof DbShape>;

/**
 * The embedded store: one JSON file, rewritten atomically (temp file + rename) on
 * every write. One process per file: two processes on one file lose writes.
 */
export async function openLowdbStore(file: string): Promise<Store> {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Low<DbShape>(new JSONFile<DbShape>(file), DbShape.parse({}));
  try {
    await db.read();
  } catch (e) {
    // Never overwrite a file we could not read: the operator must look at it.
    throw new StoreError(`${file} is not a readable store (${(e as Error).message}); fix or move it away, it was left untouched`);
  }
  const parsed = DbShape.safeParse(db.data ?? {});
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new StoreError(`${file}: ${i.path.join('.')}: ${i.message}; fix or move it away, it was left untouched`);
  }
  db.data = parsed.data;

  return {
    async claimEvent(key, now, ttlMs) {
      let first = false;
      await db.update((d) => {
        const cutoff = now.getTime() - ttlMs;
        for (const [k, t] of Object.entries(d.events)) if (t < cutoff) delete d.events[k];
        if (d.events[key] === undefined) {
          d.events[key] = now.getTime();
          first = true;
        }
      });
      return first;
    },
    async addFeedback(record) {
      await db.update((d) => {
        d.feedback.push(record);
      });
    },
    async listFeedback() {
      return structuredClone(db.data.feedback);
    },
    async ping() {
      return true;
    },
    async close() {},
  };
}
