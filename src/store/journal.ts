import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { z } from 'zod';
import { StoreError } from './store-error.ts';

/**
 * A key → record map kept as an append-only file of JSON lines, for what changes on every
 * event (delivery keys, the inbox). Rewriting the whole lowdb file for each of those made
 * the file, not the bot, set the webhook's pace: an append costs the same at any size.
 *
 * Changes apply in memory at once; `commit()` resolves when they are written (one append
 * for everything changed in one event-loop turn). A write reaches the OS before commit()
 * resolves, so it survives kill -9 of the bot (not a power cut: no fsync, like lowdb).
 * The append is a synchronous write to a file kept open: a few kB into the page cache
 * costs less than a trip through the thread pool, and keeps the appends in order.
 * The file is rewritten without dead lines once they outnumber the live records.
 */
export interface Journal<T> {
  get(key: string): T | undefined;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[string, T]>;
  readonly size: number;
  set(key: string, value: T): void;
  /**
   * Changes some fields of a record that exists (nothing if it does not): the line written
   * holds only those fields, not the whole record (a lease renewal must not copy payloads).
   */
  patch(key: string, fields: Partial<T>): void;
  delete(key: string): void;
  commit(): Promise<void>;
  close(): void;
}

/** A whole record (v), a deletion (d), or some fields of a record already there (p, see patch()). */
type Line<T> = { k: string; v: T } | { k: string; d: 1 } | { k: string; p: Partial<T> };

/** Reads a journal file into a map, validating each record; a torn last line (a crash mid-append) is dropped. */
export function readJournal<T>(file: string, schema: z.ZodType<T>): { map: Map<string, T>; lines: number; torn: boolean } {
  const map = new Map<string, T>();
  if (!existsSync(file)) return { map, lines: 0, torn: false };
  const text = readFileSync(file, 'utf8');
  const rows = text.split('\n');
  // Everything before the last newline was written whole; what follows it was cut off.
  const whole = rows.slice(0, -1);
  whole.forEach((row, i) => {
    if (!row) return;
    let line: Line<unknown>;
    try {
      line = JSON.parse(row);
    } catch {
      throw new StoreError(`${file}:${i + 1}: not a JSON line; fix or move the file away, it was left untouched`);
    }
    if ('d' in line) {
      map.delete(line.k);
      return;
    }
    let value: unknown;
    if ('p' in line) {
      // patch() writes one only for a record that exists, so one without is never live.
      const old = map.get(line.k);
      if (old === undefined) return;
      value = { ...old, ...(line.p as object) };
    } else value = line.v;
    const r = schema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new StoreError(`${file}:${i + 1}: ${issue.path.join('.') || 'record'}: ${issue.message}; fix or move the file away, it was left untouched`);
    }
    map.set(line.k, r.data);
  });
  return { map, lines: whole.length, torn: rows.at(-1) !== '' };
}

/** Writes all of `text`: writeSync may write less than asked (a filling disk) without throwing. */
function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text);
  while (buf.length) buf = buf.subarray(writeSync(fd, buf));
}

/**
 * `readOnly`: for a look while the bot runs (the CLI): nothing is written, and a change fails.
 * A writer never lets the file and the map disagree for long: after a failed append (disk
 * full) the next commit rewrites the whole file from the map before anyone is told "written".
 */
export async function openJournal<T>(file: string, schema: z.ZodType<T>, opts: { readOnly?: boolean } = {}): Promise<Journal<T>> {
  const { map, lines: existing, torn } = readJournal(file, schema);
  let lines = existing;
  let staged: string[] = [];
  let flush: Promise<void> | undefined;
  let broken = false;
  let fd = -1;

  const rewrite = () => {
    const tmp = `${file}.tmp`;
    // The new descriptor first: a failed open must not leave a closed number in `fd`.
    const next = openSync(tmp, 'w');
    try {
      writeAll(next, [...map].map(([k, v]) => `${JSON.stringify({ k, v })}\n`).join(''));
      renameSync(tmp, file); // the descriptor follows the file: appends go on after the rename
    } catch (e) {
      closeSync(next);
      throw e;
    }
    if (fd >= 0) closeSync(fd);
    fd = next;
    lines = map.size;
    broken = false;
  };
  // A torn last line must not stay in front of the next append.
  if (!opts.readOnly) {
    if (torn) rewrite();
    else fd = openSync(file, 'a');
  }

  const write = (batch: string[]) => {
    if (opts.readOnly) throw new StoreError(`${file} was opened read-only`);
    if (broken || (lines > 1000 && lines > 2 * map.size)) return rewrite(); // the map already holds this batch
    try {
      writeAll(fd, batch.join(''));
    } catch (e) {
      broken = true; // part of the batch may be on disk: the next commit rewrites the file
      throw e;
    }
    lines += batch.length;
  };

  return {
    get: (key) => map.get(key),
    values: () => map.values(),
    entries: () => map.entries(),
    get size() {
      return map.size;
    },
    set(key, value) {
      map.set(key, value);
      staged.push(`${JSON.stringify({ k: key, v: value })}\n`);
    },
    patch(key, fields) {
      const old = map.get(key);
      if (old === undefined) return;
      map.set(key, { ...old, ...fields });
      staged.push(`${JSON.stringify({ k: key, p: fields })}\n`);
    },
    delete(key) {
      if (!map.delete(key)) return;
      staged.push(`${JSON.stringify({ k: key, d: 1 })}\n`);
    },
    commit() {
      flush ??= new Promise<void>((r) => setImmediate(r)).then(() => {
        flush = undefined;
        const batch = staged;
        staged = [];
        if (batch.length || broken) write(batch);
      });
      return flush;
    },
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
