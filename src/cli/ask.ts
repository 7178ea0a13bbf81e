import { cardText } from '../core/card.ts';
import { answerCard } from '../qa/present.ts';
import type { CliContext } from './context.ts';

/**
 * `ask "question"` prints the answer as a person reads it.
 * `ask --json` reads questions from stdin, one per line, and writes one JSON object
 * per line: {"question", "id", "score", "candidates": [{"id", "score"}]}. This format
 * is read by evaluation tooling: keep it stable.
 */
export async function askCommand(args: string[], ctx: CliContext): Promise<number> {
  const { rulebook, answerer, implementerName } = ctx.load();
  if (args[0] === '--json') {
    const inline = args.slice(1);
    const emit = (q: string) => {
      const r = answerer.answer(q);
      ctx.out(JSON.stringify({ question: q, id: r.id, score: r.score, candidates: r.candidates.map((c) => ({ id: c.id, score: c.score })) }));
    };
    if (inline.length) inline.forEach(emit);
    else for await (const line of ctx.stdin()) if (line.trim()) emit(line.trim());
    return 0;
  }
  const q = args.join(' ').trim();
  if (!q) {
    ctx.err('usage: ask "培训人数多怎么办"  |  ask --json < questions.txt');
    return 2;
  }
  ctx.out(cardText(answerCard(rulebook, answerer.answer(q), { implementerName })));
  return 0;
}
