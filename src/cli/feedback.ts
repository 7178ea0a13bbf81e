import { loadConfig } from '../config.ts';
import { openStore } from '../store/open.ts';
import { summariseFeedback } from '../qa/feedback.ts';
import type { CliContext } from './context.ts';

/** `feedback [--json]`: the 👍/👎 votes on answers, worst first, for the rulebook's owners. */
export async function feedbackCommand(args: string[], ctx: CliContext): Promise<number> {
  const config = loadConfig(ctx.env);
  const store = await openStore(config, { readOnly: true }); // the bot may be running
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
