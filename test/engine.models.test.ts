import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBayes, posterior } from '../src/qa/bayes.ts';
import { confidenceOf, FEATURES, fitLogistic, type Features, type Labelled } from '../src/qa/confidence.ts';
import { createEngine } from '../src/qa/engine.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

const chars = (s: string) => [...s];

describe('the naive Bayes view of the rulebook', () => {
  const model = createBayes(
    [
      [chars('培训人员太多'), chars('单场培训控制在六十人以下')],
      [chars('数据备份策略'), chars('应急处理人员和联系方式')],
      [chars('服务器配置'), chars('合同付款节点')], // the off-topic class
    ],
    0.05,
  );
  const best = (q: string) => {
    const p = posterior(model.logLikelihoods(chars(q)), 0.05);
    return p.indexOf(Math.max(...p));
  };

  it('finds the entry whose vocabulary a question is written in, though it matches no phrase whole', () => {
    expect(best('一场来了太多人')).toBe(0);
    expect(best('出事了找谁,联系方式呢')).toBe(1);
  });

  it('gives questions in off-topic vocabulary to the off-topic class', () => {
    expect(best('服务器要什么配置')).toBe(2);
  });

  it('says how much of a question it knows', () => {
    expect(model.known(chars('培训人员'))).toBe(1);
    expect(model.known(chars('今天天气'))).toBe(0);
  });

  it('has posteriors that sum to one', () => {
    const p = posterior(model.logLikelihoods(chars('培训')), 0.05);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
});

describe('the confidence model', () => {
  const x = (lexical: number): Features => ({ ...(Object.fromEntries(FEATURES.map((f) => [f, 0])) as Features), lexical });
  const rows: Labelled[] = [...[0.9, 0.8, 0.7, 0.75].map((v) => ({ x: x(v), y: 1 as const })), ...[0.1, 0.2, 0.3, 0.25].map((v) => ({ x: x(v), y: 0 as const }))];

  it('learns to answer strong matches and not weak ones', () => {
    const fit = fitLogistic(rows);
    const model = { ...fit, threshold: 0.5 };
    expect(confidenceOf(model, x(0.85))).toBeGreaterThan(0.5);
    expect(confidenceOf(model, x(0.15))).toBeLessThan(0.5);
    expect(fitLogistic(rows)).toEqual(fit); // deterministic
  });

  it('is what decides: a model that never answers turns every question into choices', () => {
    const rb = loadRulebook('data');
    const never = createEngine(rb, { confidence: { ...rb.confidence, bias: -50 } });
    const r = never.answer('培训人数太多怎么办');
    expect(r.id).toBeNull();
    expect(r.candidates[0]?.id).toBe('5.2-10');
  });
});

describe('how far the vocabulary view leans', () => {
  const engine = createEngine(loadRulebook('data'));
  const x = (q: string) => engine.features(q)!.x;

  it('says by how much a request is closer to the off-topic class than to any rule, where the posterior only says 0', () => {
    const rule = x('培训人数太多怎么办');
    const request = x('帮我订一间下午开培训用的会议室');
    expect(request.offGap).toBeGreaterThan(rule.offGap);
    expect(rule.offTopicClass).toBeLessThan(1e-3);
    for (const v of [rule.offGap, request.offGap, rule.bayesGap, request.bayesGap]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('is larger for a question clearly about one rule than for one between two', () => {
    expect(x('培训人数太多怎么办').bayesGap).toBeGreaterThan(x('培训的事情怎么安排').bayesGap);
  });
});

describe('the choices of a question the bot does not answer', () => {
  const rb = loadRulebook('data');
  // Same weights, a threshold nothing reaches: every question gets choices, scored as usual.
  const shy = { ...rb.confidence, threshold: 0.9999 };
  const unsure = createEngine(rb, { confidence: shy });
  const old = createEngine(rb, { confidence: shy, unsureAt: 1 });
  const offered = (e: ReturnType<typeof createEngine>, lines: { q: string; expect: string[] }[]) =>
    lines.filter((l) => e.answer(l.q).candidates.some((c) => l.expect.includes(c.id))).length;
  const lines = readFileSync('test/fixtures/tune-b-2026-12.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { q: string; expect: string[] });

  it('are the three best rules when the question is about the rulebook, so the right one is offered more often', () => {
    const inScope = lines.filter((l) => l.expect.length);
    const choices = inScope.map((l) => unsure.answer(l.q).candidates.length);
    expect(choices.reduce((a, b) => a + b, 0) / choices.length).toBeGreaterThan(2.8);
    expect(offered(unsure, inScope)).toBeGreaterThan(offered(old, inScope));
  });

  it('stay few for a question that looks off-topic (its confidence is lower than any rule question\'s)', () => {
    const off = lines.filter((l) => !l.expect.length).map((l) => unsure.answer(l.q));
    const withThree = off.filter((r) => r.candidates.length === 3).length;
    expect(withThree / off.length).toBeLessThan(0.35);
  });
});

describe('questions about a stage as a whole', () => {
  const engine = createEngine(loadRulebook('data'));
  it.each([
    ['用户使用培训阶段的工作要点有哪些?', '5.3'],
    ['上线前培训准备阶段要做什么?', '5.2'],
    ['培训准备', '5.2'],
    ['What are the key points of the user training stage?', '5.3'],
    // by the names people give a stage (lexicon.yaml stageNames), with 阶段/stage after them
    ['用户培训阶段要做什么', '5.3'],
    ['培训准备阶段的工作要点有哪些?', '5.2'],
    ['上线检查阶段要做什么', '5.1'],
    ['what happens in the training prep stage', '5.2'],
  ])('%s → %s', (q, id) => {
    expect(engine.answer(q).id).toBe(id);
  });
  it('a risk question that names a stage is still about the risk', () => {
    expect(engine.answer('用户使用培训的时候有人中途打断提需求').id).toBe('5.3-6');
    expect(engine.answer('用户培训的时候有人打断要做什么').id).toBe('5.3-6');
  });
});
