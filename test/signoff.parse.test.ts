import { describe, expect, it } from 'vitest';
import { parseSignoff } from '../src/readiness/chat/signoff-parse.ts';

const accepted: [string, ReturnType<typeof parseSignoff>][] = [
  ['确认 3', { kind: 'confirm', items: [3] }],
  ['确认3', { kind: 'confirm', items: [3] }],
  ['确认 3、5', { kind: 'confirm', items: [3, 5] }],
  ['3,5 已完成', { kind: 'confirm', items: [3, 5] }],
  ['3，5已完成', { kind: 'confirm', items: [3, 5] }],
  ['确认 1-3', { kind: 'confirm', items: [1, 2, 3] }],
  ['确认 1～3', { kind: 'confirm', items: [1, 2, 3] }],
  ['确认 1到3', { kind: 'confirm', items: [1, 2, 3] }],
  ['全部确认', { kind: 'confirm', items: 'all' }],
  ['都确认了', { kind: 'confirm', items: 'all' }],
  ['确认全部', { kind: 'confirm', items: 'all' }],
  ['confirm 2', { kind: 'confirm', items: [2] }],
  ['Confirm 2.', { kind: 'confirm', items: [2] }],
  ['done 4', { kind: 'confirm', items: [4] }],
  ['4 done', { kind: 'confirm', items: [4] }],
  ['confirm all', { kind: 'confirm', items: 'all' }],
  ['all done', { kind: 'confirm', items: 'all' }],
  ['撤销 2', { kind: 'undo', items: [2] }],
  ['撤销确认 2', { kind: 'undo', items: [2] }],
  ['undo 2', { kind: 'undo', items: [2] }],
  ['2 撤回', { kind: 'undo', items: [2] }],
  ['第3项已确认', { kind: 'confirm', items: [3] }],
  ['确认第3、5项', { kind: 'confirm', items: [3, 5] }],
  ['3和5都已完成', { kind: 'confirm', items: [3, 5] }],
  ['好的，确认 3，谢谢', { kind: 'confirm', items: [3] }],
  ['@{ou_bot} 确认 3', { kind: 'confirm', items: [3] }],
  ['确认 3 5 7', { kind: 'confirm', items: [3, 5, 7] }],
  ['confirmed items 3 and 5', { kind: 'confirm', items: [3, 5] }],
  ['confirm #3', { kind: 'confirm', items: [3] }],
  ['确认：３', { kind: 'confirm', items: [3] }],
  ['3 ok', { kind: 'confirm', items: [3] }],
  ['确认 3, 1-2', { kind: 'confirm', items: [3, 1, 2] }],
];

const junk = [
  '',
  '确认',
  '确认一下上线时间',
  '什么时候确认',
  '3个人确认了吗',
  '确认 3 吗',
  'done?',
  'confirm the plan',
  '确认 0',
  '确认 3-1',
  '确认 1-300',
  '2026-10-01 确认',
  '确认 2026-10-01',
  '培训人数多怎么办',
  '5.2-17',
  '确认 5.2-17',
  '撤销全部',
  'undo',
  '我觉得第3项还没完成',
  '3',
  'ok',
];

describe('sign-off parser', () => {
  it.each(accepted)('reads %j', (text, want) => {
    expect(parseSignoff(text)).toEqual(want);
  });
  it.each(junk)('rejects %j', (text) => {
    expect(parseSignoff(text)).toBeNull();
  });
});
