import { describe, expect, it } from 'vitest';
import { parseProjectCommand } from '../src/readiness/chat/project-commands.ts';

describe('project commands', () => {
  it.each([
    ['绑定项目 ACME OA 上线日期 2026-10-20', { kind: 'bind', lang: 'zh', name: 'ACME OA', goLive: '2026-10-20' }],
    ['绑定项目「华东OA」，上线日期：2026年10月20日', { kind: 'bind', lang: 'zh', name: '华东OA', goLive: '2026-10-20' }],
    ['绑定项目 X 上线 2026/10/20 时区 Europe/Berlin', { kind: 'bind', lang: 'zh', name: 'X', goLive: '2026-10-20', timeZone: 'Europe/Berlin' }],
    ['bind project ACME OA go-live 2026-10-20', { kind: 'bind', lang: 'en', name: 'ACME OA', goLive: '2026-10-20' }],
    ['bind "ACME" golive on 2026-10-20 tz America/New_York', { kind: 'bind', lang: 'en', name: 'ACME', goLive: '2026-10-20', timeZone: 'America/New_York' }],
    ['设置角色 @{ou_1} 客户项目负责人', { kind: 'set-role', lang: 'zh', userId: 'ou_1', role: 'customer-lead' }],
    ['设置 @{ou_1} 为项目经理', { kind: 'set-role', lang: 'zh', userId: 'ou_1', role: 'vendor-pm' }],
    ['设置角色 @{ou_1} 成员', { kind: 'set-role', lang: 'zh', userId: 'ou_1', role: null }],
    ['set role @{U1} customer-lead', { kind: 'set-role', lang: 'en', userId: 'U1', role: 'customer-lead' }],
    ['set @{U1} as it-lead', { kind: 'set-role', lang: 'en', userId: 'U1', role: 'it-lead' }],
    ['设置提醒时间 08:30', { kind: 'set-time', lang: 'zh', time: '08:30' }],
    ['设置提醒时间 8点', { kind: 'set-time', lang: 'zh', time: '08:00' }],
    ['set time 8:30', { kind: 'set-time', lang: 'en', time: '08:30' }],
    ['设置时区 Asia/Tokyo', { kind: 'set-timezone', lang: 'zh', timeZone: 'Asia/Tokyo' }],
    ['清单', { kind: 'checklist', lang: 'zh' }],
    ['checklist', { kind: 'checklist', lang: 'en' }],
    ['进度', { kind: 'status', lang: 'zh' }],
    ['status', { kind: 'status', lang: 'en' }],
    ['签字记录', { kind: 'signoffs', lang: 'zh' }],
    ['sign-offs', { kind: 'signoffs', lang: 'en' }],
  ])('reads %j', (text, want) => expect(parseProjectCommand(text)).toEqual(want));

  it.each([
    ['绑定项目 ACME 上线日期 2026-02-30', /不是有效日期/],
    ['绑定项目', /用法/],
    ['bind project X go-live tomorrow', /not a valid date/],
    ['bind X go-live 2026-10-20 tz Mars/Base', /unknown time zone/],
    ['设置角色 @{ou_1} 老板', /不认识角色/],
    ['设置角色 客户项目负责人', /请 @/],
    ['set role @{U1} boss', /unknown role/],
    ['设置提醒时间 25:00', /时间无效/],
    ['set time soon', /usage: set time/],
    ['设置时区 Nowhere', /用法/],
  ])('explains a malformed %j', (text, err) => {
    const c = parseProjectCommand(text);
    expect(c?.kind).toBe('invalid');
    expect(c && c.kind === 'invalid' ? c.error : '').toMatch(err);
  });

  it.each(['培训人数多怎么办', '5.2-17', '确认 3', 'help', '清单里第3项是什么意思', 'set up the server'])('leaves %j to others', (text) => {
    expect(parseProjectCommand(text)).toBeNull();
  });
});
