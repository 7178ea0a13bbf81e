/**
 * Fits the answer-confidence model (src/qa/confidence.ts) on question sets whose right
 * answers are known, and picks the decision threshold and regularisation by 5-fold
 * cross-validation. Prints the cross-validated figures; `--write` stores the model in
 * data/qa/confidence.yaml. Never fit on a set you report as held out.
 *
 *   npm run fit:confidence -- [--write] [--options '{"bayesWeight":1}'] FILE.jsonl ...
 *
 * `--options` tries other engine options (src/qa/engine.ts EngineOptions) against the same
 * cross-validation, to choose them by their figures rather than by looking at misses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type EngineOptions } from '../src/qa/engine.ts';
import { confidenceOf, fitLogistic, type ConfidenceModel, type Labelled } from '../src/qa/confidence.ts';
import { parseEvalFile } from '../src/qa/evaluate.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

const args = process.argv.slice(2);
const write = args.includes('--write');
const optionsAt = args.indexOf('--options');
const options = optionsAt >= 0 ? (JSON.parse(args[optionsAt + 1] ?? '{}') as Partial<EngineOptions>) : {};
const files = args.filter((a, i) => !a.startsWith('--') && (optionsAt < 0 || i !== optionsAt + 1));
if (!files.length) {
  console.error('usage: npm run fit:confidence -- [--write] FILE.jsonl ...');
  process.exit(2);
}
const dataDir = process.env.DATA_DIR ?? 'data';
const rulebook = loadRulebook(dataDir);
const engine = createEngine(rulebook, options);

interface Row extends Labelled {
  lang: 'zh' | 'en';
  inScope: boolean;
}
const rows: Row[] = [];
/** Questions with no candidate at all: never answered, whatever the model (counted in the rates). */
const unanswerable: Record<string, [number, number]> = {};
for (const file of files)
  for (const { q, expect } of parseEvalFile(readFileSync(file, 'utf8'), file, rulebook.byId)) {
    if (engine.answer(q).evidence === undefined) continue; // a rule id: answered without the model
    const f = engine.features(q);
    const key = `${/[\u3400-\u9fff]/.test(q) ? 'zh' : 'en'} ${expect.length ? 'in-scope' : 'off-topic'}`;
    if (!f) {
      const t = (unanswerable[key] ??= [0, 0]);
      t[0] += expect.length ? 0 : 1;
      t[1]++;
      continue;
    }
    rows.push({ x: f.x, y: expect.includes(f.id) ? 1 : 0, lang: /[\u3400-\u9fff]/.test(q) ? 'zh' : 'en', inScope: expect.length > 0 });
  }

/** The four rates the bot is judged on, and their mean (what the threshold maximises). */
function rates(model: Pick<ConfidenceModel, 'bias' | 'weights' | 'threshold'>, set: Row[], extra: Record<string, [number, number]> = {}) {
  const tally: Record<string, [number, number]> = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [...v] as [number, number]]));
  for (const r of set) {
    const answered = confidenceOf(model as ConfidenceModel, r.x) >= model.threshold;
    const ok = r.inScope ? answered && r.y === 1 : !answered;
    const t = (tally[`${r.lang} ${r.inScope ? 'in-scope' : 'off-topic'}`] ??= [0, 0]);
    t[0] += ok ? 1 : 0;
    t[1]++;
  }
  const parts = Object.values(tally);
  return { tally, mean: parts.reduce((a, [ok, n]) => a + ok / n, 0) / parts.length };
}

const thresholds = Array.from({ length: 17 }, (_, i) => 0.3 + i * 0.025);
const l2s = [0.001, 0.01, 0.05];
function choose(train: Row[]) {
  let best: (Pick<ConfidenceModel, 'bias' | 'weights' | 'threshold'> & { l2: number; mean: number }) | undefined;
  for (const l2 of l2s) {
    const fit = fitLogistic(train, l2);
    for (const threshold of thresholds) {
      const { mean } = rates({ ...fit, threshold }, train);
      if (!best || mean > best.mean) best = { ...fit, threshold, l2, mean };
    }
  }
  return best!;
}

// 5-fold cross-validation, folds by position after a fixed shuffle (deterministic).
const order = rows.map((_, i) => i).sort((a, b) => ((a * 7919) % 1009) - ((b * 7919) % 1009));
const cv: Record<string, [number, number]> = Object.fromEntries(Object.entries(unanswerable).map(([k, v]) => [k, [...v] as [number, number]]));
for (let k = 0; k < 5; k++) {
  const test = order.filter((_, j) => j % 5 === k).map((i) => rows[i]!);
  const train = order.filter((_, j) => j % 5 !== k).map((i) => rows[i]!);
  const { tally } = rates(choose(train), test);
  for (const [key, [ok, n]] of Object.entries(tally)) {
    const t = (cv[key] ??= [0, 0]);
    t[0] += ok;
    t[1] += n;
  }
}
const pct = ([ok, n]: [number, number]) => `${ok}/${n} = ${((100 * ok) / n).toFixed(1)}%`;
const cvText = Object.entries(cv)
  .sort()
  .map(([k, v]) => `${k} ${pct(v)}`)
  .join('; ');
console.log(`5-fold cross-validated: ${cvText}`);

const final = choose(rows);
console.log(`fitted on all ${rows.length} questions: threshold ${final.threshold}, l2 ${final.l2}`);
for (const [k, v] of Object.entries(rates(final, rows, unanswerable).tally).sort()) console.log(`  ${k} ${pct(v)} (on the fitting data)`);
console.log(`  weights ${JSON.stringify(final.weights)} bias ${final.bias}`);

if (write) {
  const w = final.weights;
  const text = [
    '# When the bot answers: a logistic model over what the ranking says of the best entry',
    '# (src/qa/confidence.ts). Written by `npm run fit:confidence -- --write FILES`; refit after',
    '# editing alternates.yaml or lexicon.yaml, and never on a question set you report as held out.',
    `bias: ${final.bias}`,
    'weights:',
    ...Object.entries(w).map(([k, v]) => `  ${k}: ${v}`),
    `threshold: ${Math.round(final.threshold * 1000) / 1000}`,
    'fitted:',
    `  on: [${files.map((f) => JSON.stringify(f.replace(/^\.\//, ''))).join(', ')}]`,
    `  at: "${new Date().toISOString().slice(0, 10)}"`,
    `  crossValidated: ${JSON.stringify(cvText)}`,
    '',
  ].join('\n');
  writeFileSync(join(dataDir, 'qa', 'confidence.yaml'), text);
  console.log(`wrote ${join(dataDir, 'qa', 'confidence.yaml')}`);
}
