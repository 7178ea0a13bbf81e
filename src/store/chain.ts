import { createHash } from 'node:crypto';
import type { SignoffEvent } from './records.ts';

/**
 * The audit trail as a hash chain per project: every event carries the hash of the project's
 * previous event (`prevHash`; the first one GENESIS) and its own `hash`, SHA-256 over a
 * canonical form of everything it says (all fields but `seq`, which is where a store keeps it,
 * and `hash` itself). Changing, removing or reordering a stored event breaks the chain at that
 * event or the next one; `cli audit verify` recomputes it.
 */
export const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level and undefined left out: the same bytes for the same event, whichever store wrote it. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x === undefined ? null : x)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}

type Hashable = Omit<SignoffEvent, 'seq' | 'hash'> & { seq?: number; hash?: string };

export function eventHash(e: Hashable): string {
  const { seq: _seq, hash: _hash, ...rest } = e;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

/** `e` with its place in the chain after `prev` (the project's latest hash, or GENESIS). */
export function chained<T extends Omit<SignoffEvent, 'seq' | 'hash' | 'prevHash'>>(e: T, prev: string): T & { prevHash: string; hash: string } {
  const withPrev = { ...e, prevHash: prev };
  return { ...withPrev, hash: eventHash(withPrev) };
}

export type ChainCheck =
  | { ok: true; projectId: string; events: number; head: string }
  | { ok: false; projectId: string; events: number; seq: number; why: string };

/** Walks one project's events in the order they were written; names the first that does not fit. */
export function verifyChain(projectId: string, events: SignoffEvent[]): ChainCheck {
  let prev = GENESIS;
  for (const e of events) {
    const what = `event #${e.seq} (${e.action} ${e.itemId} by ${e.userId} at ${e.at})`;
    if (!e.hash || !e.prevHash) return { ok: false, projectId, events: events.length, seq: e.seq, why: `${what} has no hash` };
    if (e.prevHash !== prev) return { ok: false, projectId, events: events.length, seq: e.seq, why: `${what} does not follow the event before it: an event was removed, reordered or changed before it` };
    if (eventHash(e) !== e.hash) return { ok: false, projectId, events: events.length, seq: e.seq, why: `${what} does not match its hash: it was changed after it was written` };
    prev = e.hash;
  }
  return { ok: true, projectId, events: events.length, head: prev };
}

/** Hashes a trail written before events were chained, in the order they were written (a one-time upgrade). */
export function backfill(events: SignoffEvent[]): SignoffEvent[] {
  const heads = new Map<string, string>();
  return events.map((e) => {
    const { prevHash: _p, hash: _h, seq, ...rest } = e;
    const c = chained(rest, heads.get(e.projectId) ?? GENESIS);
    heads.set(e.projectId, c.hash);
    return { ...c, seq };
  });
}
