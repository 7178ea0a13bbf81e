import { z } from 'zod';
import type { Answerer, Lang } from './types.ts';

export const EvalLine = z.strictObject({ q: z.string().min(1), expect: z.array(z.string()) });
export type EvalLine = z.infer<typeof EvalLine>;

export interface EvalPart {
  /** Questions the rulebook answers: top-1 right, and the right rule among the answer and its choices. */
  inScope: { total: number; correct: number; offered: number };
  /** Questions it does not answer: rejected means no answer was given. */
  outOfScope: { total: number; rejected: number };
}

export interface EvalReport extends EvalPart {
  /** The same figures per language of the question (Chinese when it has Chinese characters). */
  byLang: Record<Lang, EvalPart>;
  misses: { q: string; expect: string[]; got: string | null; score: number; offered: boolean }[];
}

const emptyPart = (): EvalPart => ({ inScope: { total: 0, correct: 0, offered: 0 }, outOfScope: { total: 0, rejected: 0 } });

/**
 * Parses a JSONL file of {q, expect}; a bad line is an error naming the line. With `ruleIds`
 * (the rulebook's `byId`), a line expecting a rule the rulebook does not have is an error
 * too: scored, it would only count as a miss nobody could mend (a typo such as 5.2-1).
 */
export function parseEvalFile(text: string, name: string, ruleIds?: Pick<ReadonlySet<string>, 'has'>): EvalLine[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l)
    .map(([l, no]) => {
      let raw: unknown;
      try {
        raw = JSON.parse(l);
      } catch {
        throw new Error(`${name}:${no}: not valid JSON`);
      }
      const r = EvalLine.safeParse(raw);
      if (!r.success) {
        const extra = r.error.issues.find((i) => i.code === 'unrecognized_keys');
        const keys = extra && 'keys' in extra ? ` (unknown key ${extra.keys.map((k) => JSON.stringify(k)).join(', ')})` : '';
        throw new Error(`${name}:${no}: expected {"q": string, "expect": [ids]}${keys}`);
      }
      const unknown = ruleIds && r.data.expect.find((id) => !ruleIds.has(id));
      if (unknown !== undefined) throw new Error(`${name}:${no}: "${unknown}" is not a rule of the rulebook; "expect" lists rule or stage ids (5.2-10, 5.3), or is [] for a question it must not answer`);
      return r.data;
    });
}

/**
 * Top-1 accuracy on in-scope lines (expect non-empty), how often the right rule is at least
 * among the answer and its "did you mean" choices, and the rejection rate on the rest.
 */
export function evaluate(answerer: Answerer, lines: EvalLine[]): EvalReport {
  const all = emptyPart();
  const byLang: Record<Lang, EvalPart> = { zh: emptyPart(), en: emptyPart() };
  const misses: EvalReport['misses'] = [];
  for (const { q, expect } of lines) {
    const r = answerer.answer(q);
    const ok = expect.length ? r.id !== null && expect.includes(r.id) : r.id === null;
    const offered = ok || (expect.length > 0 && r.candidates.some((c) => expect.includes(c.id)));
    for (const part of [all, byLang[/[\u3400-\u9fff]/.test(q) ? 'zh' : 'en']]) {
      if (expect.length) {
        part.inScope.total++;
        if (ok) part.inScope.correct++;
        if (offered) part.inScope.offered++;
      } else {
        part.outOfScope.total++;
        if (ok) part.outOfScope.rejected++;
      }
    }
    if (!ok) misses.push({ q, expect, got: r.id, score: r.score, offered });
  }
  return { ...all, byLang, misses };
}
