import { GAP, isCjk } from './analyze.ts';

const SEP = '\u0001';
const pairKey = (a: string, b: string) => a + SEP + b;

/** One matchable phrase of an entry: a problem text, an alternate question, a keyword … */
export interface Doc {
  entry: number;
  /** How much a match on this phrase counts (alternate questions 1, countermeasures less). */
  boost: number;
  syms: string[];
  pairs: Set<string>;
  symSet: Set<string>;
}

export function makeDoc(entry: number, boost: number, syms: string[]): Doc {
  const pairs = new Set<string>();
  for (let i = 1; i < syms.length; i++) if (syms[i] !== GAP && syms[i - 1] !== GAP) pairs.add(pairKey(syms[i - 1]!, syms[i]!));
  return { entry, boost, syms, pairs, symSet: new Set(syms.filter((s) => s !== GAP)) };
}

export interface Weights {
  /** Credit for a symbol found alone (not as part of a shared pair). */
  loneCjk: number;
  loneWord: number;
}

/**
 * IDF-weighted share of `seq` that the other side covers. A symbol is fully covered
 * when a pair it belongs to is shared, partly when only the symbol itself is.
 */
export function coverage(seq: string[], pairs: Set<string>, symSet: Set<string>, idf: (s: string) => number, w: Weights): number {
  let total = 0;
  let got = 0;
  for (let i = 0; i < seq.length; i++) {
    const s = seq[i]!;
    if (s === GAP) continue;
    const weight = idf(s);
    total += weight;
    const prev = seq[i - 1];
    const next = seq[i + 1];
    if ((prev !== undefined && prev !== GAP && pairs.has(pairKey(prev, s))) || (next !== undefined && next !== GAP && pairs.has(pairKey(s, next)))) got += weight;
    else if (symSet.has(s)) got += weight * (isCjk(s) ? w.loneCjk : w.loneWord);
  }
  return total ? got / total : 0;
}

export { pairKey };
