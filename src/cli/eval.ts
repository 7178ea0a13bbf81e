import { readFileSync } from 'node:fs';
import { evaluate, parseEvalFile } from '../qa/evaluate.ts';
import type { CliContext } from './context.ts';

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '100.0') + '%';

/**
 * `eval FILE [--summary]`: scores a {q, expect} JSONL file, per language, and lists every
 * miss (`--summary` leaves the misses out: for a held-out set nobody should tune on).
 */
export async function evalCommand(args: string[], ctx: CliContext): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    ctx.err('usage: eval FILE.jsonl [--summary]');
    return 2;
  }
  const { answerer, rulebook } = ctx.load();
  const lines = parseEvalFile(readFileSync(file, 'utf8'), file, rulebook.byId);
  const r = evaluate(answerer, lines);
  if (!args.includes('--summary'))
    for (const m of r.misses) ctx.out(`MISS  ${m.q}  expected ${m.expect.length ? m.expect.join('|') : '(no answer)'}  got ${m.got ?? '(no answer)'} ${m.score}${m.offered ? '  (offered)' : ''}`);
  for (const lang of ['zh', 'en'] as const) {
    const p = r.byLang[lang];
    if (!p.inScope.total && !p.outOfScope.total) continue;
    ctx.out(
      `${lang}: in-scope top-1 ${p.inScope.correct}/${p.inScope.total} = ${pct(p.inScope.correct, p.inScope.total)}, ` +
        `among answer and choices ${pct(p.inScope.offered, p.inScope.total)}; off-topic rejected ${p.outOfScope.rejected}/${p.outOfScope.total} = ${pct(p.outOfScope.rejected, p.outOfScope.total)}`,
    );
  }
  ctx.out(`in-scope top-1: ${r.inScope.correct}/${r.inScope.total} = ${pct(r.inScope.correct, r.inScope.total)}`);
  ctx.out(`out-of-scope rejected: ${r.outOfScope.rejected}/${r.outOfScope.total} = ${pct(r.outOfScope.rejected, r.outOfScope.total)}`);
  return 0;
}
