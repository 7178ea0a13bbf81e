import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/qa/engine.ts';
import { evaluate, parseEvalFile, type EvalLine } from '../src/qa/evaluate.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

const rulebook = loadRulebook('data');
const engine = createEngine(rulebook);
const read = (f: string) => parseEvalFile(readFileSync(f, 'utf8'), f, rulebook.byId);
const zh = (l: EvalLine) => /[\u3400-\u9fff]/.test(l.q);

function rates(lines: EvalLine[]) {
  const part = (xs: EvalLine[]) => evaluate(engine, xs);
  const inZh = part(lines.filter((l) => l.expect.length && zh(l))).inScope;
  const inEn = part(lines.filter((l) => l.expect.length && !zh(l))).inScope;
  const off = part(lines.filter((l) => !l.expect.length)).outOfScope;
  return { zh: inZh.correct / inZh.total, en: inEn.correct / inEn.total, off: off.rejected / off.total };
}

// Regression guards on answer quality. The development set is the floor (100%); the two
// held-out sets were written independently of data/qa (one of them with long, mixed-language
// and tricky off-topic messages) and keep the engine honest about generalising.
describe('answer quality', () => {
  it('every question set kept here names only rules the rulebook has (a typo would count as a miss nobody could mend)', () => {
    const sets = readdirSync('test/fixtures').filter((f) => f.endsWith('.jsonl'));
    expect(sets.length).toBeGreaterThanOrEqual(15);
    for (const f of [...sets.map((f) => `test/fixtures/${f}`), '../shared/eval/dev-qa.jsonl']) expect(read(f).length).toBeGreaterThan(0);
  });

  it('answers the whole development set', () => {
    expect(evaluate(engine, read('../shared/eval/dev-qa.jsonl')).misses).toEqual([]);
  });

  it('stays above the bar on the held-out colloquial paraphrases', () => {
    const r = rates(read('test/fixtures/paraphrases.jsonl'));
    expect(r.zh).toBeGreaterThanOrEqual(0.95);
    expect(r.en).toBeGreaterThanOrEqual(0.9);
    expect(r.off).toBeGreaterThanOrEqual(0.95);
  });

  it('stays above the bar on the question set the confidence model is fitted on (narratives, pinyin slips, near-domain off-topic)', () => {
    // Fitted data, so this guards against regressions, it does not measure generalisation
    // (README: the held-out figures, from `npm run cli -- eval … --summary`).
    const r = rates(read('test/fixtures/tune-2026-12.jsonl'));
    expect(r.zh).toBeGreaterThanOrEqual(0.82);
    expect(r.en).toBeGreaterThanOrEqual(0.86);
    expect(r.off).toBeGreaterThanOrEqual(0.93);
  });

  it.each([
    // [set, zh, en, off-topic], a little below what they score (README): tune-c is in the
    // confidence fit; tune-d, -e, -h and -i are in data/qa/examples.yaml and offtopic.yaml; tune-f,
    // -g, -j and -k are in neither (adding them came out even: README), their misses were read
    ['test/fixtures/tune-c-2026-12.jsonl', 0.93, 0.83, 0.92], // indirect and very short English, "不是X,而是Y"
    ['test/fixtures/tune-d-2026-12.jsonl', 0.97, 0.95, 0.95], // Chinese narratives and pinyin slips (now examples)
    ['test/fixtures/tune-e-2026-12.jsonl', 0.97, 0.95, 0.95], // close rules, stage questions, slips (now examples)
    ['test/fixtures/tune-f-2026-12.jsonl', 0.95, 0.95, 0.97], // customer-side askers, short asks, work-point questions (off-topic 99/100 with the reject cues)
    ['test/fixtures/tune-g-2026-12.jsonl', 0.94, 0.95, 0.93], // stories, close pairs, mixed Chinese and English (off-topic 95/100)
    ['test/fixtures/tune-h-2026-12.jsonl', 0.96, 0.96, 0.95], // mostly English, indirect (now examples; English read 90.4% before)
    ['test/fixtures/tune-i-2026-12.jsonl', 0.96, 0.96, 0.95], // mostly English, indirect, "Not about X" (now examples; 89.5% before)
    ['test/fixtures/tune-j-2026-12.jsonl', 0.97, 0.9, 0.95], // chat-style and non-native English (in neither: adding it came out even)
    ['test/fixtures/tune-k-2026-12.jsonl', 0.94, 0.95, 0.92], // Chinese narratives, slips, stage sub-points (likewise)
  ])('stays above the bar on the later fitting set %s', (file, zhBar, enBar, offBar) => {
    const r = rates(read(file));
    expect(r.zh).toBeGreaterThanOrEqual(zhBar);
    expect(r.en).toBeGreaterThanOrEqual(enBar);
    expect(r.off).toBeGreaterThanOrEqual(offBar);
  });

  it('stays above the bar on narrative, mixed-language and tricky off-topic messages', () => {
    const r = rates(read('test/fixtures/paraphrases-2.jsonl'));
    expect(r.zh).toBeGreaterThanOrEqual(0.88);
    expect(r.en).toBeGreaterThanOrEqual(0.85);
    expect(r.off).toBeGreaterThanOrEqual(0.85);
  });
});
