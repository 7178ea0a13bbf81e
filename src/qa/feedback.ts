import type { FeedbackRecord } from '../store/store.ts';

export interface FeedbackRow {
  ruleId: string;
  question: string;
  up: number;
  down: number;
  last: string;
}

/**
 * Votes grouped by (rule, question), worst first: most 👎, then fewest 👍, then latest,
 * so the rulebook's owners see the misses before the hits (CLI and web page alike).
 */
export function summariseFeedback(records: FeedbackRecord[]): FeedbackRow[] {
  const rows = new Map<string, FeedbackRow>();
  for (const r of records) {
    const key = `${r.ruleId}\u0000${r.question}`;
    const row = rows.get(key) ?? { ruleId: r.ruleId, question: r.question, up: 0, down: 0, last: r.at };
    row[r.vote]++;
    if (r.at > row.last) row.last = r.at;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.down - a.down || a.up - b.up || b.last.localeCompare(a.last));
}
