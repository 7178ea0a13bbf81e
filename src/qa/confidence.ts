import { z } from 'zod';

/**
 * When to answer. Ranking says which entry fits a question best; this says whether it fits
 * well enough to answer, or the bot should offer "did you mean" choices (or nothing). It is a
 * logistic model over what the two views of the question say about the best entry, fitted
 * by `npm run fit:confidence` on question sets whose right answers are known, with the
 * decision threshold chosen by cross-validation (data/qa/confidence.yaml keeps the result).
 */
export const FEATURES = [
  /** Phrase-match score of the best entry (0..1). */
  'lexical',
  /** Shared pairs of characters and English words between the question and the entry, up to 4, over 4. */
  'evidence',
  /** Its naive Bayes posterior (0..1). */
  'bayes',
  /** Combined score of the best entry minus the runner-up's. */
  'margin',
  /** Share of the question's words the rulebook knows at all. */
  'known',
  /** log(1 + symbols in the question): long messages score lower for the same evidence. */
  'length',
  /** 1 when the question has an off-topic cue of the lexicon. */
  'offTopic',
  /** 1 when the best entry is also the phrase matcher's own first choice. */
  'lexicalAgrees',
  /** 1 when it is also the naive Bayes model's first choice. */
  'bayesAgrees',
  /** The naive Bayes posterior of the off-topic class (data/qa/offtopic.yaml). */
  'offTopicClass',
  /**
   * The off-topic class's mean log-likelihood minus the best entry's, clipped to ±3 and over 3.
   * The posteriors above are sharp (a low temperature ranks well) and so say 0 or 1; these
   * gaps say by how much, which is what tells a near-domain request from a rule question.
   */
  'offGap',
  /** The best entry's mean log-likelihood minus the next rule's, clipped and scaled alike. */
  'bayesGap',
] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, number>;

export const ConfidenceFile = z.strictObject({
  bias: z.number(),
  weights: z.strictObject(Object.fromEntries(FEATURES.map((f) => [f, z.number()])) as Record<Feature, z.ZodNumber>),
  /** Answer when the confidence is at least this; below it, offer choices. */
  threshold: z.number().gt(0).lt(1),
  /** How the model was fitted, for whoever refits it. */
  fitted: z.strictObject({ on: z.array(z.string()).min(1), at: z.string(), crossValidated: z.string() }).optional(),
});
export type ConfidenceModel = z.infer<typeof ConfidenceFile>;

export function confidenceOf(model: ConfidenceModel, x: Features): number {
  let z = model.bias;
  for (const f of FEATURES) z += model.weights[f] * x[f];
  return 1 / (1 + Math.exp(-z));
}

export interface Labelled {
  x: Features;
  /** 1 when answering with the best entry would be right. */
  y: 0 | 1;
}

/**
 * L2-regularised logistic regression by gradient descent: a few hundred questions and
 * eight features need nothing more. Deterministic (starts from zero, fixed steps).
 */
export function fitLogistic(rows: Labelled[], l2 = 0.01, steps = 4000, rate = 0.5): Pick<ConfidenceModel, 'bias' | 'weights'> {
  const w = new Float64Array(FEATURES.length);
  let b = 0;
  const n = rows.length || 1;
  for (let step = 0; step < steps; step++) {
    const gw = new Float64Array(FEATURES.length);
    let gb = 0;
    for (const { x, y } of rows) {
      let z = b;
      FEATURES.forEach((f, i) => (z += w[i]! * x[f]));
      const err = 1 / (1 + Math.exp(-z)) - y;
      gb += err;
      FEATURES.forEach((f, i) => (gw[i]! += err * x[f]));
    }
    b -= (rate * gb) / n;
    FEATURES.forEach((_, i) => (w[i]! -= rate * (gw[i]! / n + l2 * w[i]!)));
  }
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return { bias: round(b), weights: Object.fromEntries(FEATURES.map((f, i) => [f, round(w[i]!)])) as Features };
}
