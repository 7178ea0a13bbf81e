/**
 * Group commit: calls made while the previous batch is still being written (or in the same
 * event-loop turn) are handed to `run` together, and each caller gets its own result (or the
 * batch's error). One batch is in flight at a time, so when the database is slow the next
 * batch simply grows: one statement and one commit serve many events, instead of many
 * statements queueing for the same WAL flush.
 */
export function groupCommit<I, O>(run: (items: I[]) => Promise<O[]>): (item: I) => Promise<O> {
  let queue: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  let busy = false;
  const flush = async () => {
    busy = true;
    const batch = queue;
    queue = [];
    try {
      const out = await run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(out[i]!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      busy = false;
      if (queue.length) void flush();
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0 && !busy) setImmediate(() => void flush());
      queue.push({ item, resolve, reject });
    });
}
