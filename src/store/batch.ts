/**
 * Group commit: every call made in one event-loop turn is handed to `run` together, and
 * each caller gets its own result (or the batch's error). Under load one statement (and
 * one commit) then serves many events instead of one each.
 */
export function batchPerTurn<I, O>(run: (items: I[]) => Promise<O[]>): (item: I) => Promise<O> {
  let queue: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      const out = await run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(out[i]!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(() => void flush());
      queue.push({ item, resolve, reject });
    });
}
