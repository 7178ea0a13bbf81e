import { z } from 'zod';
import type { Answerer } from './types.ts';

export const EvalLine = z.object({ q: z.string().min(1), expect: z.array(z.string()) });
export type EvalLine = z.infer<typeof EvalLine>;

export interface EvalReport {
  inScope: { total: number; correct: number };
  outOfScope: { total: number; rejected: number };
  misses: { q: string; expect: string[]; got: string | null; score: number }[];
}

/** Parses a JSONL file of {q, expect}; a bad line is an error naming the line. */
export function parseEvalFile(text: string, name: string): EvalLine[] {
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
      if (!r.success) throw new Error(`${name}:${no}: expected {"q": string, "expect": [ids]}`);
      return r.data;
    });
}

/** Top-1 accuracy on in-scope lines (expect non-empty) and rejection rate on the rest. */
export function evaluate(answerer: Answerer, lines: EvalLine[]): EvalReport {
  const report: EvalReport = { inScope: { total: 0, correct: 0 }, outOfScope: { total: 0, rejected: 0 }, misses: [] };
  for (const { q, expect } of lines) {
    const r = answerer.answer(q);
    const ok = expect.length ? r.id !== null && expect.includes(r.id) : r.id === null;
    if (expect.length) {
      report.inScope.total++;
      if (ok) report.inScope.correct++;
    } else {
      report.outOfScope.total++;
      if (ok) report.outOfScope.rejected++;
    }
    if (!ok) report.misses.push({ q, expect, got: r.id, score: r.score });
  }
  return report;
}
