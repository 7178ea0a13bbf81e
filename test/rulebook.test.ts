import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulebook, RulebookError } from '../src/rulebook/load.ts';

/** A copy of data/ with one file edited, so each broken case is a real file on disk. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rulebook-'));
  cpSync('data', dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

describe('the rulebook data', () => {
  const rb = loadRulebook('data');

  it('has the three stages of chapter 5 and 31 risks with their public ids', () => {
    expect(rb.stages.map((s) => `${s.id} ${s.title.zh}`)).toEqual(['5.1 上线前检查', '5.2 上线前培训准备', '5.3 用户使用培训']);
    expect(rb.risks.filter((r) => r.stageId === '5.1').map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rb.risks.filter((r) => r.stageId === '5.2').map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(rb.risks.filter((r) => r.stageId === '5.3').map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps the source text verbatim', () => {
    const seed = readFileSync('../shared/seeds/000_01d4ba3fad778014.txt', 'utf8');
    const r = rb.byId.get('5.2-10');
    expect(r?.kind === 'risk' && r.countermeasure.zh).toBe('单场培训人员控制在60人以下;同时控制在培训现场的用户交流时间,尽量让有疑问的培训用户会议结束之后单独沟通;');
    for (const risk of rb.risks) {
      expect(seed).toContain(risk.problem.zh);
      for (const line of risk.countermeasure.zh.split('\n')) expect(seed).toContain(line);
    }
  });

  it('has an English translation and alternate questions for every entry', () => {
    for (const e of rb.byId.values()) {
      expect(e.questions.zh.length, e.id).toBeGreaterThan(0);
      expect(e.questions.en.length, e.id).toBeGreaterThan(0);
    }
  });

  it('carries a version that changes with the content', () => {
    expect(rb.version).toMatch(/^[0-9a-f]{12}$/);
    const dir = brokenCopy('rulebook/5.3.yaml', (t) => t.replace('必须工作。', '必须的工作。'));
    expect(loadRulebook(dir).version).not.toBe(rb.version);
  });
});

describe('a broken rulebook file', () => {
  const cases: [string, string, (t: string) => string, RegExp][] = [
    ['a missing countermeasure', 'rulebook/5.2.yaml', (t) => t.replace(/( {2}- row: 5\n(?:.*\n){3})    countermeasure:\n.*\n.*\n/, '$1'), /rulebook\/5\.2\.yaml: risks\[3\]\.countermeasure is required/],
    ['an empty translation', 'rulebook/5.1.yaml', (t) => t.replace('en: Pre-launch check', 'en: ""'), /rulebook\/5\.1\.yaml: title\.en/],
    ['a row given twice', 'rulebook/5.3.yaml', (t) => t.replace('- row: 2', '- row: 1'), /rulebook\/5\.3\.yaml: risks\[1\]\.row 1 appears twice \(5\.3-1\)/],
    ['invalid YAML', 'rulebook/5.1.yaml', (t) => t.replace('id: "5.1"', 'id: "5.1\n  : ['), /rulebook\/5\.1\.yaml: not valid YAML/],
    ['alternates for an unknown id', 'qa/alternates.yaml', (t) => t + '\n"5.2-99":\n  questions: { zh: [问], en: [q] }\n', /qa\/alternates\.yaml: 5\.2-99 is not an entry/],
    ['a text cut at an unquoted comma', 'rulebook/5.1.yaml', (t) => t.replace(/ {2}- text:\n {6}zh: "检查领导关注内容,向领导汇报,与关键领导达成一致。"\n {6}en: (.*)/, '  - text: { zh: 检查领导关注内容,向领导汇报,与关键领导达成一致。, en: $1 }'), /rulebook\/5\.1\.yaml: workPoints\[3\]\.text: unknown key "向领导汇报"/],
    ['a misspelt field of a risk', 'rulebook/5.3.yaml', (t) => t.replace('    countermeasure:', '    countermeasures:'), /rulebook\/5\.3\.yaml: .*risks\[0\]: unknown key "countermeasures"/],
    ['a misspelt field of the alternates', 'qa/alternates.yaml', (t) => t.replace(/^"5\.1":\n {2}questions:/m, '"5.1":\n  question:'), /qa\/alternates\.yaml: 5\.1: unknown key "question"/],
    ['a misspelt section of the lexicon', 'qa/lexicon.yaml', (t) => t.replace(/^fillers:/m, 'filler:'), /qa\/lexicon\.yaml: .*\(top level\): unknown key "filler"/],
    ['a confidence model missing a weight', 'qa/confidence.yaml', (t) => t.replace(/^ {2}margin: .*\n/m, ''), /qa\/confidence\.yaml: weights\.margin is required/],
    ['an off-topic list with a misspelt language', 'qa/offtopic.yaml', (t) => t.replace(/^en:/m, 'eng:'), /qa\/offtopic\.yaml: .*unknown key "eng"/],
    ['another name for a stage that does not exist', 'qa/lexicon.yaml', (t) => t.replace(/^stageNames:\n/m, 'stageNames:\n  "5.4": [验收]\n'), /qa\/lexicon\.yaml: stageNames: 5\.4 is not a stage \(the stages are 5\.1, 5\.2, 5\.3\)/],
    ['a reject cue that is only a wildcard', 'qa/lexicon.yaml', (t) => t.replace(/^( {4}zh: \[)哪个\*软件,/m, '$1"*",'), /qa\/lexicon\.yaml: offTopic\.reject\.zh\[0\]: a reject cue is words with a single \*/],
    ['a synonym group of one', 'qa/lexicon.yaml', (t) => t.replace(/synonyms:\n(\s+)zh:\n/, 'synonyms:\n$1zh:\n$1  - [孤单]\n'), /qa\/lexicon\.yaml: synonyms\.zh\[0\]/],
  ];
  it.each(cases)('%s stops loading with an error naming file, entry and field', (_name, file, edit, message) => {
    const dir = brokenCopy(file, edit);
    expect(() => loadRulebook(dir)).toThrow(RulebookError);
    expect(() => loadRulebook(dir)).toThrow(message);
  });

  it('a missing stage file is named', () => {
    const dir = brokenCopy('rulebook/chapter.yaml', (t) => t.replace('"5.3"]', '"5.3", "5.4"]'));
    expect(() => loadRulebook(dir)).toThrow(/rulebook\/5\.4\.yaml: cannot read \(ENOENT\)/);
  });
});
