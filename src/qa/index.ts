import { GAP, isCjk } from './analyze.ts';

/** Symbols are interned to small integers so pairs become one number and lookups stay cheap. */
export const NO_SYM = -1; // a symbol the rulebook never uses
export const BREAK = -2; // GAP

export class SymbolTable {
  private ids = new Map<string, number>();
  readonly cjk: boolean[] = [];
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.cjk.push(isCjk(s));
    }
    return id;
  }
  lookup(s: string): number {
    return this.ids.get(s) ?? NO_SYM;
  }
  get size() {
    return this.ids.size;
  }
  /**
   * A number for the pair (a, b). With fewer than 32,768 symbols it stays a small integer
   * (no heap allocation per lookup); call only once every symbol is interned.
   */
  pairKeyFn(): PairKey {
    const stride = this.size < 32_768 ? 32_768 : 1 << 26;
    return (a, b) => a * stride + b;
  }
}

export type PairKey = (a: number, b: number) => number;

/** One matchable phrase of an entry (a problem text, an alternate question, a keyword), or a whole query. */
export interface Doc {
  entry: number;
  /** How much a match on this phrase counts (alternate questions 1, countermeasures less). */
  boost: number;
  syms: Int32Array;
  pairs: Set<number>;
  symSet: Set<number>;
  key: PairKey;
  /**
   * 64-bit Bloom filter (two words) of the pairs and English words: when a question's
   * and a phrase's filters share no bit, the phrase cannot count as evidence and is skipped.
   */
  bloom: [number, number];
}

function bloomAdd(bloom: [number, number], h: number): void {
  const bit = h >>> 26; // 0..63
  bloom[bit >> 5] = (bloom[bit >> 5]! | (1 << (bit & 31))) >>> 0;
}

export const bloomMeets = (a: Doc, b: Doc) => ((a.bloom[0] & b.bloom[0]) | (a.bloom[1] & b.bloom[1])) !== 0;

export function makeDoc(entry: number, boost: number, syms: string[], toId: (s: string) => number, pairKey: PairKey): Doc {
  const ids = Int32Array.from(syms, (s) => (s === GAP ? BREAK : toId(s)));
  const pairs = new Set<number>();
  const symSet = new Set<number>();
  const bloom: [number, number] = [0, 0];
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0) continue;
    symSet.add(s);
    if (!isCjk(syms[i]!)) bloomAdd(bloom, Math.imul(s + 1, 0xc2b2ae35));
    const p = ids[i - 1];
    if (i > 0 && p! >= 0) {
      pairs.add(pairKey(p!, s));
      bloomAdd(bloom, Math.imul(p! + 1, 0x9e3779b1) ^ Math.imul(s + 1, 0x85ebca6b));
    }
  }
  return { entry, boost, syms: ids, pairs, symSet, key: pairKey, bloom };
}

export interface Weights {
  /** Credit for a symbol found alone (not as part of a shared pair). */
  loneCjk: number;
  loneWord: number;
}

/**
 * IDF-weighted share of `seq` that the other side covers. A symbol is fully covered
 * when a pair it belongs to is shared, partly when only the symbol itself is.
 * Unknown symbols (NO_SYM) weigh `unknown` and are never covered.
 */
export function coverage(seq: Int32Array, other: Doc, idf: Float64Array, unknown: number, cjk: boolean[], w: Weights, evidence?: { units: number }): number {
  let total = 0;
  let got = 0;
  let units = 0;
  const n = seq.length;
  const key = other.key;
  let prevShared = false; // the pair (i-1, i) is shared: each pair is looked up once
  for (let i = 0; i < n; i++) {
    const s = seq[i]!;
    const next = i + 1 < n ? seq[i + 1]! : -1;
    const nextShared = s >= 0 && next >= 0 && other.pairs.has(key(s, next));
    if (s === BREAK) {
      prevShared = false;
      continue;
    }
    if (s === NO_SYM) {
      total += unknown;
      prevShared = false;
      continue;
    }
    const weight = idf[s]!;
    total += weight;
    if (prevShared || nextShared) {
      got += weight;
      // Evidence units: each shared pair, and each shared English word.
      if (prevShared || !cjk[s]) units++;
    } else if (other.symSet.has(s)) {
      got += weight * (cjk[s] ? w.loneCjk : w.loneWord);
      if (!cjk[s]) units++;
    }
    prevShared = nextShared;
  }
  if (evidence) evidence.units = units;
  return total ? got / total : 0;
}
