import { describe, expect, it } from 'vitest';
import { cardText } from '../src/core/card.ts';
import { createEngine } from '../src/qa/engine.ts';
import { answerCard } from '../src/qa/present.ts';
import { createTypoFixer } from '../src/qa/typos.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

const rb = loadRulebook('data');
const engine = createEngine(rb);
const shown = (q: string) => cardText(answerCard(rb, engine.answer(q)));

describe('a rule id the rulebook does not have', () => {
  it('says there is no such rule, in the asker\'s language, with the nearest ids', () => {
    const r = engine.answer('@bot 5.2-99');
    expect(r.id).toBeNull();
    expect(r.candidates.map((c) => c.id)).toEqual(['5.2-17', '5.2-16', '5.2-15']);
    expect(shown('5.2-99')).toContain('规则书里没有 5.2-99。5.2 的风险是 5.2-2 到 5.2-17');
    expect(shown('rule 5.2-99')).toContain('The rulebook has no 5.2-99. The risks of 5.2 are 5.2-2 to 5.2-17');
  });

  it('says that row 1 of 5.1 and 5.2 is the source table\'s heading, and where the risks start', () => {
    expect(shown('5.2-1')).toContain('5.2-1 不是一条风险：它是原文 5.2 表格的表头行。5.2 的风险从 5.2-2 开始');
    expect(shown('rule 5.1-1')).toContain('the risks of 5.1 start at 5.1-2'.replace('the', 'The'));
    // 5.3 starts at row 1: 5.3-1 is a real risk
    expect(engine.answer('5.3-1').id).toBe('5.3-1');
  });

  it('lists the stages for a stage that does not exist', () => {
    expect(engine.answer('5.9-3').candidates.map((c) => c.id)).toEqual(['5.1', '5.2', '5.3']);
    expect(shown('5.9-3')).toContain('规则书里没有 5.9-3');
  });

  it('treats a number inside a question as part of the question, not as an id', () => {
    expect(engine.answer('版本1.5怎么升级').unknownId).toBeUndefined();
  });
});

describe('the language of the reply', () => {
  it('is Chinese for a message with no language of its own', () => {
    expect(engine.answer('@bot OA').lang).toBe('zh');
    expect(engine.answer('OA PPT').lang).toBe('zh');
    expect(engine.answer('what about OA training').lang).toBe('en');
  });
});

describe('pinyin slips', () => {
  const fixer = createTypoFixer(['培训人员太多', '领导不参加培训', '数据备份策略', '登录后无信息']);
  it('swaps a character of the same sound for the one that makes a known word', () => {
    expect(fixer.fix('陪训人员太多')).toBe('培训人员太多');
    expect(fixer.fix('领道不参加')).toBe('领导不参加');
    expect(fixer.fix('没有被份')).toBe('没有备份');
    expect(fixer.fix('登陆后')).toBe('登录后'); // near sound: lu/lu
  });
  it('never changes a question made of known words, numerals or unknown words with no such neighbour', () => {
    expect(fixer.fix('领导不参加培训')).toBe('领导不参加培训');
    expect(fixer.fix('三五个人')).toBe('三五个人');
    expect(fixer.fix('明天天气怎么样')).toBe('明天天气怎么样');
  });
  it('answers questions typed with slips in their key words', () => {
    expect(engine.answer('陪训的时候领道都不来').id).toBe('5.2-15');
    expect(engine.answer('上线前没有数据被份策略').id).toBe('5.1-8');
  });
});
