import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../src/rulebook/load.ts';
import type { Rulebook } from '../src/rulebook/model.ts';

/**
 * The rulebook's Chinese texts held against the source document: every text the bot can
 * quote appears there whole, and nothing of the three stages is left out of the data.
 * Only whitespace and full-/half-width punctuation may differ.
 */
const SOURCE = '../shared/seeds/000_01d4ba3fad778014.txt';

const WIDTH: Record<string, string> = { '，': ',', '：': ':', '；': ';', '（': '(', '）': ')', '！': '!', '？': '?', '“': '"', '”': '"' };
const norm = (s: string) => s.replace(/\s+/g, '').replace(/[，：；（）！？“”]/g, (c) => WIDTH[c] ?? c);

/**
 * Every Chinese text of the data, with where it lives (for the failure message). A text of
 * several lines (a stage's numbered purposes) is held line by line: the flattened table
 * put other cells between its lines.
 */
function texts(rb: Rulebook): [string, string][] {
  const out: [string, string][] = [];
  for (const s of rb.stages) {
    out.push([`${s.id} title`, s.title.zh], [`${s.id} purpose`, s.purpose.zh], [`${s.id} preparation`, s.preparation.zh]);
    s.deliverables.forEach((d, i) => out.push([`${s.id} deliverables[${i}]`, d.zh]));
    s.workPoints.forEach((w, i) => {
      out.push([`${s.id} workPoints[${i}]`, w.text.zh]);
      w.sub.forEach((p) => out.push([`${s.id} workPoints[${i}].${p.label}`, p.zh]));
    });
  }
  for (const r of rb.risks) out.push([`${r.id} problem`, r.problem.zh], [`${r.id} countermeasure`, r.countermeasure.zh]);
  return out.flatMap(([where, text]) => text.split('\n').map((line, i, all): [string, string] => [all.length > 1 ? `${where} line ${i + 1}` : where, line]));
}

/** The part of the source that is the three stages: from "5.1、" to the site's link list. */
function stagesOfSource(): string {
  const seed = readFileSync(SOURCE, 'utf8');
  const start = seed.indexOf('5.1、');
  const end = seed.indexOf('\n- 1');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return seed.slice(start, end);
}

/** Table labels of the flattened source that are layout, not rulebook text. */
const LAYOUT = ['①核心工作②项目文档③问题、风险、对策', '核心目的', '准备工作', '工作要点', '模版&样例', '此阶段工作未进行或无效,可能带来的后果。', '。。。'];

describe('the rulebook text is the source text', () => {
  const rb = loadRulebook('data');
  const source = norm(stagesOfSource());

  it('quotes every problem, countermeasure, purpose, preparation and work point whole', () => {
    const missing = texts(rb).filter(([, t]) => !source.includes(norm(t)));
    expect(missing).toEqual([]);
  });

  it('leaves no text of the three stages out of the data', () => {
    let rest = source;
    // Longest first, so a short text inside a longer one does not break the longer one up.
    const all = [...texts(rb).map(([, t]) => norm(t)), ...LAYOUT.map(norm)].sort((a, b) => b.length - a.length);
    for (const t of all) rest = rest.split(t).join('|');
    for (const s of rb.stages) rest = rest.split(norm(`${s.id}、`)).join('|');
    // What may remain: row numbers, "1、" and "A:" numbering, the source's quote marks.
    const left = rest.replace(/\d+、|[A-D]:|\d+|"|\||[:;,。]/g, '');
    expect(left).toBe('');
  });

  it('keeps the texts a flow mapping once cut at a comma', () => {
    const point = (id: string, i: number) => {
      const s = rb.byId.get(id);
      return s?.kind === 'stage' ? s.workPoints[i] : undefined;
    };
    expect(point('5.1', 3)?.text.zh).toBe('检查领导关注内容,向领导汇报,与关键领导达成一致。');
    expect(point('5.2', 0)?.sub.find((p) => p.label === 'C')?.zh).toBe('培训几个场次,每个场次多少人');
    expect(point('5.2', 3)?.text.zh).toBe('以上工作完成后,按培训的方案计划执行培训。');
    expect(point('5.1', 1)?.text.en).toBe('Decide the system operations strategy, safeguards and rules');
  });
});
