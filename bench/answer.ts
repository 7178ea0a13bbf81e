/**
 * Answering benchmark: `npm run bench`. Prints load/index time, throughput and
 * p50/p99 latency in-process, for the real rulebook and for a synthetic one of
 * 1,000 entries (companies add their own chapters). Targets: p99 < 2 ms at 1,000
 * entries; load + index < 300 ms.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src/qa/engine.ts';
import { parseEvalFile } from '../src/qa/evaluate.ts';
import type { Answerer } from '../src/qa/types.ts';
import { loadRulebook } from '../src/rulebook/load.ts';
import type { RiskEntry, Rulebook, StageEntry } from '../src/rulebook/model.ts';

const questions = [
  ...parseEvalFile(readFileSync('test/fixtures/paraphrases.jsonl', 'utf8'), 'paraphrases').map((l) => l.q),
  '培训人数多怎么办', 'too many trainees in one session', '明天放假吗', 'hello',
];

/** A deterministic pseudo-random generator, so every run measures the same rulebook. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** 1,000 entries built from the real rulebook's phrases, shuffled and recombined. */
function synthetic(real: Rulebook, size: number): Rulebook {
  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const zh = real.risks.flatMap((r) => [r.problem.zh, r.countermeasure.zh, ...r.questions.zh]);
  const en = real.risks.flatMap((r) => [r.problem.en, ...r.questions.en]);
  const mix = (xs: string[]) => {
    const a = pick(xs);
    const b = pick(xs);
    return a.slice(0, Math.ceil(a.length / 2)) + b.slice(Math.floor(b.length / 2));
  };
  const stages: StageEntry[] = [];
  const risks: RiskEntry[] = [];
  for (let s = 0; stages.length * 30 < size; s++) {
    const base = real.stages[s % real.stages.length]!;
    const id = `${10 + s}.1`;
    stages.push({ ...base, id });
    for (let r = 1; r <= 29 && stages.length + risks.length < size; r++) {
      risks.push({
        kind: 'risk', id: `${id}-${r}`, stageId: id, row: r,
        problem: { zh: mix(zh), en: mix(en) }, countermeasure: { zh: mix(zh), en: mix(en) },
        questions: { zh: Array.from({ length: 12 }, () => mix(zh)), en: Array.from({ length: 8 }, () => mix(en)) },
        keywords: { zh: [], en: [] },
        examples: { zh: Array.from({ length: 6 }, () => mix(zh)), en: Array.from({ length: 3 }, () => mix(en)) },
      });
    }
  }
  const byId = new Map([...stages, ...risks].map((e) => [e.id, e] as const));
  return { ...real, stages, risks, byId, version: 'synthetic' };
}

function measure(name: string, engine: Answerer, rounds: number) {
  const lat: number[] = [];
  for (const q of questions) engine.answer(q); // warm up
  const start = performance.now();
  for (let i = 0; i < rounds; i++)
    for (const q of questions) {
      const t = performance.now();
      engine.answer(q);
      lat.push(performance.now() - t);
    }
  const total = performance.now() - start;
  lat.sort((a, b) => a - b);
  const p = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]!.toFixed(3);
  console.log(`${name.padEnd(28)} ${lat.length} questions  ${(lat.length / (total / 1000)).toFixed(0)} q/s  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  max ${lat.at(-1)!.toFixed(3)} ms`);
}

let t = performance.now();
const real = loadRulebook('data');
const loadMs = performance.now() - t;
t = performance.now();
const realEngine = createEngine(real);
const buildMs = performance.now() - t;
console.log(`real rulebook: ${real.stages.length + real.risks.length} entries, load ${loadMs.toFixed(1)} ms + index ${buildMs.toFixed(1)} ms = ${(loadMs + buildMs).toFixed(1)} ms (target < 300 ms)`);
measure('real rulebook', realEngine, 20);

const big = synthetic(real, 1000);
t = performance.now();
const bigEngine = createEngine(big);
console.log(`synthetic rulebook: ${big.stages.length + big.risks.length} entries, index ${(performance.now() - t).toFixed(1)} ms`);
measure('synthetic 1,000 entries', bigEngine, 5);
console.log('target: p99 < 2 ms at 1,000 entries');
