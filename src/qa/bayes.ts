import { GAP } from './analyze.ts';

/**
 * A naive Bayes view of the rulebook: each entry is a class whose "documents" are its own
 * phrases (problem, countermeasure, stage texts, alternate questions, keywords), its features
 * the symbols and adjacent pairs of symbols. Phrase matching asks "which single phrase does
 * this question resemble?"; this asks "whose vocabulary is this question written in?", which
 * is what a long message in everyday words still has: many small clues spread over several
 * of an entry's phrases. Features found in many entries are weighted down (idf), so 的/培训
 * decide nothing.
 */
export interface BayesModel {
  /**
   * Log-likelihood per entry index for a question's symbols, per unit of feature weight (so a
   * long message is not more certain for being long); features the model never saw are ignored.
   */
  logLikelihoods(syms: string[]): Float64Array;
  /** Share of the question's features (by weight) the model knows at all: low for off-topic text. */
  known(syms: string[]): number;
}

/**
 * Features as numbers (a symbol's id, or a pair's id above every symbol's): no strings are
 * built per question, which matters at a thousand entries.
 */
class FeatureIds {
  private syms = new Map<string, number>();
  // Small enough that every key is a small integer (a V8 Smi, hashed fast): pairs of symbols
  // beyond the first 16,383 are left out, which only a rulebook far larger than any here has.
  // Symbols are keyed by their negated id, pairs by positive numbers.
  private static readonly STRIDE = 2 ** 14;
  /** Symbol ids, and -1 for a gap (or, when not `add`, a symbol never seen). */
  ids(syms: string[], add: boolean): number[] {
    return syms.map((s) => {
      if (s === GAP) return -1;
      let id = this.syms.get(s);
      if (id === undefined && add) this.syms.set(s, (id = this.syms.size + 1));
      return id ?? -1;
    });
  }
  /** Symbols and adjacent pairs, once each (a phrase repeating a word says it once); pair keys lie above every symbol id. */
  features(ids: number[], pairs = true): number[] {
    const out = new Set<number>();
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i]!;
      if (s < 0) continue;
      out.add(-s); // symbols negative, pairs positive: never the same key
      const p = ids[i - 1];
      if (pairs && p !== undefined && p >= 0 && p < FeatureIds.STRIDE && s < FeatureIds.STRIDE) out.add(FeatureIds.STRIDE * p + s);
    }
    return [...out];
  }
}

export function createBayes(classes: string[][][], smoothing: number): BayesModel {
  const n = classes.length;
  const ids = new FeatureIds();
  const totals = new Float64Array(n);
  // Per feature, the entries that use it and how often (in entry order), built in one pass.
  const lists = new Map<number, { c: number[]; k: number[] }>();
  classes.forEach((docs, c) => {
    const counts = new Map<number, number>();
    for (const syms of docs)
      for (const f of ids.features(ids.ids(syms, true))) {
        counts.set(f, (counts.get(f) ?? 0) + 1);
        totals[c]!++;
      }
    for (const [f, k] of counts) {
      let l = lists.get(f);
      if (!l) lists.set(f, (l = { c: [], k: [] }));
      l.c.push(c);
      l.k.push(k);
    }
  });
  const vocab = lists.size;
  // log P(f|c) = base[c] + gain(f, c), where gain is 0 for a feature c never used: so scoring
  // touches only the postings of the question's features, not every entry for every feature.
  const base = Float64Array.from(totals, (t) => Math.log(smoothing / (t + smoothing * vocab)));
  // Typed arrays: this is the inner loop of every question.
  const postings = new Map<number, { weight: number; classes: Int32Array; gains: Float64Array }>();
  for (const [f, l] of lists)
    postings.set(f, { weight: Math.log(1 + n / l.c.length), classes: Int32Array.from(l.c), gains: Float64Array.from(l.k, (k) => Math.log((k + smoothing) / smoothing)) });

  return {
    logLikelihoods(syms) {
      const out = new Float64Array(n);
      let weight = 0;
      for (const f of ids.features(ids.ids(syms, false))) {
        const p = postings.get(f);
        if (!p) continue;
        weight += p.weight;
        const { classes, gains } = p;
        for (let i = 0; i < classes.length; i++) out[classes[i]!]! += p.weight * gains[i]!;
      }
      for (let c = 0; c < n; c++) out[c] = weight ? out[c]! / weight + base[c]! : 0;
      return out;
    },
    known(syms) {
      // Single symbols only: a pair of known symbols may still be new.
      const all = syms.filter((x) => x !== GAP);
      const seen = ids.ids(all, false).filter((id) => id >= 0 && postings.has(-id)).length;
      return all.length ? seen / all.length : 0;
    },
  };
}

/**
 * Posterior probabilities from log-likelihoods (uniform prior), computed stably. The
 * temperature says how far apart two entries' mean log-likelihoods must be for the
 * posterior to prefer one clearly: the smaller, the more certain.
 */
export function posterior(logs: Float64Array, temperature: number): Float64Array {
  const n = logs.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logs[i]! > max) max = logs[i]!;
  const out = new Float64Array(n);
  let z = 0;
  for (let i = 0; i < n; i++) z += out[i] = Math.exp((logs[i]! - max) / temperature);
  for (let i = 0; i < n; i++) out[i]! /= z;
  return out;
}
