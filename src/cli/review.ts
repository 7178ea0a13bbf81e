import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { createEngine } from '../qa/engine.ts';
import { evaluate, parseEvalFile } from '../qa/evaluate.ts';
import { mergeAccepted } from '../review/live.ts';
import { exportPatch, groupReview } from '../review/queue.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { CliContext } from './context.ts';

export const REVIEW_HELP =
  'review [--json] | review accept ID... --rule ID | review offtopic ID... | review dismiss ID... | review export | review eval FILE.jsonl   the rulebook owner\'s review queue';

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '100.0') + '%';

/**
 * `review`: questions the bot answered with "did you mean", with nothing, or that got a 👎,
 * grouped by similarity, most frequent first, with what the bot would answer now. Decisions
 * (accept as an alternate question of a rule, mark off-topic, dismiss) go to the store, and
 * every running bot picks them up within REVIEW_REFRESH_SECONDS; `export` writes them as YAML
 * for data/qa; `eval` scores a question set with and without them. With lowdb a decision needs
 * the bot stopped (one process per file): use the web page /review while it runs.
 */
export async function reviewCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub = 'list', ...rest] = args[0]?.startsWith('--') ? ['list', ...args] : args;
  const config = loadConfig(ctx.env);
  const writes = ['accept', 'offtopic', 'dismiss'].includes(sub);
  const store = await openStore(config, { readOnly: !writes });
  try {
    switch (sub) {
      case 'list':
        return await list(store, rest, ctx);
      case 'accept':
      case 'offtopic':
      case 'dismiss':
        return await decide(store, sub, rest, ctx);
      case 'export':
        ctx.out(exportPatch(await store.listReview(['accepted', 'offtopic'])).trimEnd());
        return 0;
      case 'eval':
        return await evalWith(store, rest, ctx);
      default:
        ctx.err(`usage: ${REVIEW_HELP}`);
        return 2;
    }
  } finally {
    await store.close();
  }
}

async function list(store: Store, args: string[], ctx: CliContext): Promise<number> {
  const { rulebook } = ctx.load();
  const live = mergeAccepted(rulebook, await store.listReview(['accepted', 'offtopic']));
  const engine = createEngine(live);
  const groups = groupReview(await store.listReview(['open']));
  if (args.includes('--json')) {
    for (const g of groups) {
      const now = engine.answer(g.question);
      // No asker ids: the reviewer sees the questions, not who asked them.
      ctx.out(JSON.stringify({ question: g.question, count: g.items.length, ids: g.items.map((i) => i.id), rules: g.rules, reasons: g.reasons, downReasons: g.items.flatMap((i) => (i.downReason ? [i.downReason] : [])), now: { id: now.id, score: now.score } }));
    }
    return 0;
  }
  if (!groups.length) {
    ctx.out('the review queue is empty');
    return 0;
  }
  for (const g of groups) {
    const now = engine.answer(g.question);
    const why = Object.entries(g.reasons).map(([k, v]) => `${k} ${v}`).join(', ');
    const down = g.items.flatMap((i) => (i.downReason ? [i.downReason] : []));
    ctx.out(`${g.items.length}×  ${g.question}`);
    ctx.out(`    ids ${g.items.map((i) => i.id).join(',')} · ${why}${down.length ? ` (${down.join(', ')})` : ''} · bot chose/offered ${g.rules.join(', ') || 'nothing'} · answers now: ${now.id ?? 'no answer'} (${now.score})`);
  }
  return 0;
}

async function decide(store: Store, status: 'accept' | 'offtopic' | 'dismiss', args: string[], ctx: CliContext): Promise<number> {
  const ids: number[] = [];
  let rule: string | undefined;
  let by = ctx.env.USER ?? 'cli';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--rule') rule = args[++i];
    else if (a === '--by') by = args[++i] ?? by;
    else for (const part of a.split(',')) if (/^\d+$/.test(part)) ids.push(Number(part));
    else {
      ctx.err(`not an item id: ${part}\nusage: ${REVIEW_HELP}`);
      return 2;
    }
  }
  if (!ids.length) {
    ctx.err(`which items? usage: ${REVIEW_HELP}`);
    return 2;
  }
  const { rulebook } = ctx.load();
  if (status === 'accept' && (!rule || !rulebook.byId.has(rule))) {
    ctx.err(rule ? `${rule} is not in the rulebook (ids look like 5.2 or 5.2-10)` : 'accept needs --rule ID, the rule these questions belong to');
    return 2;
  }
  const open = new Set((await store.listReview(['open'])).map((r) => r.id));
  const unknown = ids.filter((id) => !open.has(id));
  if (unknown.length) {
    ctx.err(`not open in the review queue: ${unknown.join(', ')} (decided already, or no such item); nothing changed`);
    return 1;
  }
  const changed = await store.decideReview(ids, { status: status === 'accept' ? 'accepted' : status === 'dismiss' ? 'dismissed' : 'offtopic', ...(rule ? { ruleId: rule } : {}), by, at: new Date().toISOString() });
  ctx.out(`${status === 'accept' ? `accepted as questions of ${rule}` : status === 'offtopic' ? 'marked off-topic' : 'dismissed'}: ${changed.map((r) => r.id).join(', ')}`);
  if (status !== 'dismiss') ctx.out('running bots answer with it within REVIEW_REFRESH_SECONDS; `review export` gives the YAML for data/qa');
  return 0;
}

async function evalWith(store: Store, args: string[], ctx: CliContext): Promise<number> {
  const file = args[0];
  if (!file) {
    ctx.err('usage: review eval FILE.jsonl');
    return 2;
  }
  const { rulebook } = ctx.load();
  const lines = parseEvalFile(readFileSync(file, 'utf8'), file, rulebook.byId);
  const decided = await store.listReview(['accepted', 'offtopic']);
  const rows: [string, ReturnType<typeof evaluate>][] = [
    ['data files only', evaluate(createEngine(rulebook), lines)],
    [`with the ${decided.length} decided in review`, evaluate(createEngine(mergeAccepted(rulebook, decided)), lines)],
  ];
  for (const [name, r] of rows) ctx.out(`${name}: in-scope top-1 ${r.inScope.correct}/${r.inScope.total} = ${pct(r.inScope.correct, r.inScope.total)}; off-topic rejected ${r.outOfScope.rejected}/${r.outOfScope.total} = ${pct(r.outOfScope.rejected, r.outOfScope.total)}`);
  const before = new Set(rows[0]![1].misses.map((m) => m.q));
  const after = new Set(rows[1]![1].misses.map((m) => m.q));
  for (const q of before) if (!after.has(q)) ctx.out(`FIXED  ${q}`);
  for (const m of rows[1]![1].misses) if (!before.has(m.q)) ctx.out(`BROKEN ${m.q}  expected ${m.expect.join('|') || '(no answer)'}  got ${m.got ?? '(no answer)'}`);
  return 0;
}
