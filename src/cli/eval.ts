import { readFileSync } from 'node:fs';
import { evaluate, parseEvalFile } from '../qa/evaluate.ts';
import type { CliContext } from './context.ts';

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '100.0') + '%';

/** `eval FILE`: scores a {q, expect} JSONL file and lists every miss. */
export async function evalCommand(args: string[], ctx: CliContext): Promise<number> {
  const file = args[0];
  if (!file) {
    ctx.err('usage: eval FILE.jsonl');
    return 2;
  }
  const lines = parseEvalFile(readFileSync(file, 'utf8'), file);
  const { answerer } = ctx.load();
  const r = evaluate(answerer, lines);
  for (const m of r.misses) ctx.out(`MISS  ${m.q}  expected ${m.expect.length ? m.expect.join('|') : '(no answer)'}  got ${m.got ?? '(no answer)'} ${m.score}`);
  ctx.out(`in-scope top-1: ${r.inScope.correct}/${r.inScope.total} = ${pct(r.inScope.correct, r.inScope.total)}`);
  ctx.out(`out-of-scope rejected: ${r.outOfScope.rejected}/${r.outOfScope.total} = ${pct(r.outOfScope.rejected, r.outOfScope.total)}`);
  return 0;
}
