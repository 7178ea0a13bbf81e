import { loadConfig } from '../config.ts';
import { openStore } from '../store/open.ts';
import type { FeedbackRecord } from '../store/store.ts';
import type { CliContext } from './context.ts';

export interface FeedbackRow {
  ruleId: string;
  question: string;
  up: number;
  down: number;
  last: string;
}

/** Groups votes by (rule, question), worst first: most 👎, then fewest 👍, then latest. */
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

/** `feedback [--json]`: the 👍/👎 votes on answers, worst first, for the rulebook's owners. */
export async function feedbackCommand(args: string[], ctx: CliContext): Promise<number> {
  const config = loadConfig(ctx.env);
  const store = await openStore(config);
  try {
    const rows = summariseFeedback(await store.listFeedback());
    if (args.includes('--json')) for (const r of rows) ctx.out(JSON.stringify(r));
    else if (!rows.length) ctx.out('no feedback yet');
    else for (const r of rows) ctx.out(`👎 ${r.down}  👍 ${r.up}  ${r.ruleId}  ${r.question}  (last ${r.last})`);
    return 0;
  } finally {
    await store.close();
  }
}
