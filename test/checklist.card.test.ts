import { describe, expect, it } from 'vitest';
import { buildChecklist } from '../src/readiness/model/checklist.ts';
import { checklistCard, finalCard, statusLine } from '../src/readiness/views/checklist-card.ts';
import { makeTemplate, TemplateError } from '../src/readiness/model/template.ts';
import { cardText } from '../src/core/card.ts';
import type { SignoffEvent } from '../src/store/records.ts';
import { rulebook, shanghaiProject, template } from './support/checklist-world.ts';

const confirm = (itemId: string, seq: number, over: Partial<SignoffEvent> = {}): SignoffEvent => ({
  seq,
  projectId: 'feishu:oc_1',
  action: 'confirm',
  itemId,
  itemText: 'x',
  userId: 'ou_lead',
  userName: '王经理',
  role: 'customer-lead',
  at: '2026-10-09T09:12:00+08:00',
  via: 'reply',
  platform: 'feishu',
  evidenceMessageId: 'om_r',
  text: '确认',
  ...over,
});

describe('checklist template', () => {
  it('has 20–30 items, each traced to rulebook entries, with 5.2-17 signed by the customer lead', () => {
    expect(template.items.length).toBeGreaterThanOrEqual(20);
    expect(template.items.length).toBeLessThanOrEqual(30);
    for (const i of template.items) for (const r of i.rules) expect(rulebook.byId.has(r)).toBe(true);
    expect(template.items[2]).toMatchObject({ id: 'training-plan-signed', confirm: 'customer-lead', rules: ['5.2-17'], due: -21 });
    expect(template.items.find((i) => i.rules.includes('5.2-10'))!.text.zh).toContain('60人');
  });

  it('refuses unknown rule ids and duplicate ids, naming the item', () => {
    const item = template.items[0]!;
    expect(() => makeTemplate([{ ...item, rules: ['5.9-99'] }], 't.yaml', rulebook)).toThrow(TemplateError);
    expect(() => makeTemplate([{ ...item, rules: ['5.9-99'] }], 't.yaml', rulebook)).toThrow(/training-approach-agreed.*5\.9-99 is not in the rulebook/);
    expect(() => makeTemplate([item, item], 't.yaml', rulebook)).toThrow(/appears twice/);
  });
});

describe('checklist card', () => {
  const project = shanghaiProject({ roles: [{ userId: 'ou_lead', role: 'customer-lead' }] });

  it('shows countdown, progress, what is overdue or due in number order, and @mentions who must act', () => {
    // 2026-10-02: T-18. Items due at T-30, T-28, T-21 are overdue; T-18 is due today.
    const cl = buildChecklist(template, project, [confirm('training-approach-agreed', 1)], '2026-10-02');
    const text = cardText(checklistCard(cl));
    expect(text).toContain('T-18 · 上线日期 2026-10-20 (Asia/Shanghai)');
    expect(text).toContain(`进度 ░░░░░░░░░░ 1/${template.items.length} (4%)`);
    const urgent = text.slice(text.indexOf('到期 / 逾期'), text.indexOf('其余'));
    expect(urgent).toMatch(/2\. ⛔ 逾期 培训活动中双方的职责/);
    expect(urgent).toMatch(/3\. ⛔ 逾期 培训方案和时间计划已由客户项目负责人签字确认 \(截止 09-29 · 需 客户项目负责人 · 来源 5\.2-17\)/);
    expect(urgent).toMatch(/6\. ⏰ 即将到期 培训方案和文档已逐一检查/);
    // In number order: the numbers people type never jump around.
    const shown = [...urgent.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // Everything else is one line; the item confirmed on another day is counted there, not listed.
    expect(text).not.toMatch(/1\. ✅/);
    const open = cl.lines.filter((l) => l.state === 'open');
    expect(text).toContain(`其余:${open.length} 项待办(第 ${open.slice(0, 12).map((l) => l.n).join('、')} 项等),1 项此前已确认。回复「确认 N」可确认任一项,编号不变。`);
    expect(text).toContain('请处理逾期事项:@ou_lead');
    expect(text).toContain('未设置项目经理');
    const card = checklistCard(cl);
    const buttons = card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    const due = cl.lines.filter((l) => l.state === 'overdue' || l.state === 'due');
    expect(buttons.filter((b) => b.action.type === 'confirm').map((b) => (b.action as { item: number }).item)).toEqual(due.map((l) => l.n));
    // A phone-sized card: the daily post no longer lists all items with a button each.
    expect(card.blocks.length).toBeLessThan(12);
    expect(buttons.some((b) => b.action.type === 'show' && b.action.id === '5.2-17')).toBe(true);
    expect(card.tone).toBe('danger');
  });

  it("links the rest to the project's dashboard page when PUBLIC_URL is set", () => {
    const cl = buildChecklist(template, project, [], '2026-10-02');
    expect(cardText(checklistCard(cl, { dashboardUrl: 'https://oabot.example.com/dashboard/projects/feishu%3Aoc_1' }))).toContain('全部事项:https://oabot.example.com/dashboard/projects/feishu%3Aoc_1');
    expect(cardText(checklistCard(cl))).toContain('全部事项:@机器人 进度,或在仪表板查看。');
  });

  it('renders English for English projects, and a one-line status', () => {
    const cl = buildChecklist(template, shanghaiProject({ lang: 'en', name: 'ACME' }), [], '2026-10-02');
    const text = cardText(checklistCard(cl));
    expect(text).toContain('Go-live readiness · ACME');
    expect(text).toContain('3. ⛔ overdue The training plan and schedule are signed off');
    expect(text).toContain('im:message.group_msg');
    expect(statusLine(cl)).toBe(`ACME · T-18 (go-live 2026-10-20) · confirmed 0/${template.items.length} · overdue 5 · due soon 2`);
  });

  it('keeps the numbering of an earlier message, and the final summary lists what is still open', () => {
    const order = ['portal-filled', 'training-plan-signed'];
    const cl = buildChecklist(template, project, [confirm('training-plan-signed', 1)], '2026-10-21', order);
    expect(cl.lines.map((l) => `${l.n} ${l.item.id} ${l.state}`)).toEqual(['1 portal-filled overdue', '2 training-plan-signed confirmed']);
    const text = cardText(finalCard(cl));
    expect(text).toContain('上线准备总结');
    expect(text).toContain('T+1');
    expect(text).toContain('门户内容已填充');
    expect(text).not.toContain('培训方案和时间计划');
  });

  it('lists what was confirmed today with an undo button each, five to a row after the confirm rows', () => {
    const k = template.items.length - 1;
    // Six confirmed today, the rest the day before.
    const events = template.items.slice(0, k).map((i, n) => confirm(i.id, n + 1, { at: n < 6 ? '2026-10-02T09:12:00+08:00' : '2026-10-01T09:12:00+08:00' }));
    const cl = buildChecklist(template, project, events, '2026-10-02');
    const card = checklistCard(cl);
    const rows = card.blocks.filter((b) => b.type === 'buttons').map((b) => b.buttons.map((x) => x.action)).filter((r) => r.every((a) => a.type !== 'show'));
    const last = cl.lines.at(-1)!;
    expect(rows.flat().filter((a) => a.type === 'confirm')).toEqual(last.state === 'open' ? [] : [{ type: 'confirm', item: template.items.length }]);
    expect(rows.flat().filter((a) => a.type === 'undo')).toEqual([1, 2, 3, 4, 5, 6].map((item) => ({ type: 'undo', item })));
    expect(rows.every((r) => r.length <= 5)).toBe(true);
    const text = cardText(card);
    expect(text).toContain('今天已确认');
    expect(text).toMatch(/6\. ✅ 王经理 已确认 10-02 09:12/);
    expect(text).not.toMatch(/7\. ✅/);
    expect(text).toContain(`${k - 6} 项此前已确认`);
    expect(text).toContain('[撤销 1] [撤销 2]');
  });

  it('an undo reopens the item', () => {
    const cl = buildChecklist(template, project, [confirm('portal-filled', 1), confirm('portal-filled', 2, { action: 'undo' })], '2026-10-02');
    expect(cl.lines.find((l) => l.item.id === 'portal-filled')!.state).toBe('open');
    expect(cl.done).toBe(0);
  });
});
