/**
 * Ranking by cross-validation on data/qa/examples.yaml: each fifth of every entry's example
 * messages is left out of the engine in turn and asked; prints how often the best entry is
 * the right one (before the confidence decision). The fitting sets of fit:confidence are
 * written close to the alternates and rank at about 98% whatever the options; the examples
 * are everyday-words messages, so this is where options that change ranking show.
 *
 *   npm run cv:examples -- '[{"bayesWeight":1},{"bayesWeight":3}]'
 */
import { createEngine, type EngineOptions } from '../src/qa/engine.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

const rulebook = loadRulebook(process.env.DATA_DIR ?? 'data');
const variants = JSON.parse(process.argv[2] ?? '[{}]') as Partial<EngineOptions>[];
const K = 5;
const tally = new Map<string, Record<string, [number, number]>>();
for (let k = 0; k < K; k++) {
  const held: { q: string; id: string; lang: 'zh' | 'en' }[] = [];
  const leaveOut = <T extends { id: string; examples: { zh: string[]; en: string[] } }>(e: T): T => {
    const keep = (lang: 'zh' | 'en') => e.examples[lang].filter((q, i) => (i % K === k ? (held.push({ q, id: e.id, lang }), false) : true));
    return { ...e, examples: { zh: keep('zh'), en: keep('en') } };
  };
  const stages = rulebook.stages.map(leaveOut);
  const risks = rulebook.risks.map(leaveOut);
  const fold = { ...rulebook, stages, risks, byId: new Map([...stages, ...risks].map((e) => [e.id, e])) } as typeof rulebook;
  for (const options of variants) {
    const engine = createEngine(fold, options);
    const key = JSON.stringify(options);
    const t = tally.get(key) ?? tally.set(key, {}).get(key)!;
    for (const h of held) {
      const r = (t[h.lang] ??= [0, 0]);
      r[1]++;
      if (engine.features(h.q)?.id === h.id) r[0]++;
    }
  }
}
for (const [key, t] of tally)
  console.log(`${key}: ${Object.entries(t).map(([lang, [ok, n]]) => `${lang} ${ok}/${n} = ${((100 * ok) / n).toFixed(1)}%`).join('; ')}`);
