import { describe, expect, it } from 'vitest';
import { cardText } from '../src/core/card.ts';
import { fixedClock } from '../src/core/clock.ts';
import { buildChecklist, itemStates } from '../src/readiness/model/checklist.ts';
import { decideSignoff, type SignoffInput } from '../src/readiness/model/signoff-decision.ts';
import { checklistCard } from '../src/readiness/views/checklist-card.ts';
import { reportData } from '../src/reports/model.ts';
import { statusText, words } from '../src/reports/words.ts';
import type { NewSignoffEvent, SignoffEvent } from '../src/store/records.ts';
import { projectBody, readFilter } from '../src/web/dashboard.ts';
import { projectOverview } from '../src/web/project-overview.ts';
import { createCalendar } from '../src/calendar/calendar.ts';
import { silentLogger } from '../src/core/log.ts';
import { makeTemplate, type Template } from '../src/readiness/model/template.ts';
import { createDailyJob } from '../src/readiness/schedule/daily-job.ts';
import { recordingTransport, rulebook, shanghaiProject, template, tempStore } from './support/checklist-world.ts';

const item = (id: string) => template.byId.get(id)!;
const confirmOf = (itemId: string, seq: number, userId = 'ou_lead'): SignoffEvent => ({
  seq,
  projectId: 'feishu:oc_1',
  action: 'confirm',
  itemId,
  itemText: 'x',
  userId,
  userName: '王经理',
  role: 'customer-lead',
  at: '2026-10-01T09:12:00+08:00',
  via: 'reply',
  platform: 'feishu',
  evidenceMessageId: 'om_r',
  text: '确认',
});

describe('the sign-off decision (model/signoff-decision.ts): what is recorded, or why not', () => {
  const lead = template.items.find((i) => i.confirm === 'customer-lead')!;
  const pm = template.items.find((i) => i.confirm === 'vendor-pm')!;
  const anyone = template.items.find((i) => i.confirm === 'anyone');
  const order = [lead, pm, ...(anyone ? [anyone] : [])];
  const base: SignoffInput = { kind: 'confirm', items: [1], order, states: new Map(), userId: 'ou_pm', roles: ['vendor-pm'], adminId: 'ou_admin', evidenced: new Set(), carriesEvidence: false, unfinished: () => false };

  it('refuses an item whose role this person does not hold, and an explicit list is all or nothing', () => {
    expect(decideSignoff(base)).toEqual({ outcome: 'refused', refused: [{ kind: 'refuse', n: 1, item: lead, why: 'role' }] });
    const both = decideSignoff({ ...base, items: [1, 2] });
    expect(both.outcome).toBe('refused');
  });

  it('"confirm all" records what this person may and names the rest', () => {
    const d = decideSignoff({ ...base, items: 'all' });
    expect(d.outcome).toBe('record');
    if (d.outcome !== 'record') return;
    expect(d.write.map((w) => w.item.id)).toContain(pm.id);
    expect(d.write.map((w) => w.item.id)).not.toContain(lead.id);
    expect(d.refused).toEqual([{ kind: 'refuse', n: 1, item: lead, why: 'role' }]);
  });

  it('names numbers the checklist does not have, with the valid range, and records nothing', () => {
    expect(decideSignoff({ ...base, items: [2, 9] })).toEqual({ outcome: 'unknown-item', unknown: [9], valid: order.map((_, i) => i + 1) });
  });

  it('an undo is only for whoever confirmed the item, or the project admin', () => {
    const states = itemStates([confirmOf(pm.id, 1, 'ou_other')]);
    expect(decideSignoff({ ...base, kind: 'undo', items: [2], states })).toMatchObject({ outcome: 'refused', refused: [{ why: 'not-yours', n: 2 }] });
    expect(decideSignoff({ ...base, kind: 'undo', items: [2], states, userId: 'ou_admin', roles: [] })).toMatchObject({ outcome: 'record', write: [{ n: 2 }] });
    expect(decideSignoff({ ...base, kind: 'undo', items: [1] })).toMatchObject({ outcome: 'unchanged', skipped: [{ why: 'not-confirmed' }] });
  });

  it('a second confirm changes nothing, unless it brings the evidence the item still needs', () => {
    const signed = item('training-plan-signed');
    expect(signed.evidence).toBe('required');
    const o = { ...base, order: [signed], userId: 'ou_lead', roles: ['customer-lead' as const], states: itemStates([confirmOf(signed.id, 4)]) };
    expect(decideSignoff(o)).toMatchObject({ outcome: 'unchanged', skipped: [{ why: 'needs-evidence' }] });
    expect(decideSignoff({ ...o, carriesEvidence: true })).toMatchObject({ outcome: 'record', write: [], attach: [{ n: 1, event: { seq: 4 } }] });
    expect(decideSignoff({ ...o, evidenced: new Set([4]), carriesEvidence: true })).toMatchObject({ outcome: 'unchanged', skipped: [{ why: 'confirmed' }] });
  });
});

describe('one readiness, said alike by the daily card, the dashboard and the reports', () => {
  it('names the same people who must act, and shows "needs evidence" for a confirm without it everywhere', async () => {
    // At T-8 items of the customer lead, the vendor PM and "anyone" are overdue. The customer
    // lead is only nominated (she acts by accepting), nobody is vendor PM, the admin has the rest.
    const project = shanghaiProject({ adminName: '赵管理', roles: [{ userId: 'ou_lead', name: '王经理', role: 'customer-lead', pending: true }] });
    const now = new Date('2026-10-12T02:00:00Z');
    const { store } = await tempStore();
    await store.putProject(project);
    const { seq: _seq, ...signed } = confirmOf('training-plan-signed', 0);
    const events = await store.recordSignoffs([signed as NewSignoffEvent]);

    const cl = buildChecklist(template, project, events, '2026-10-12', undefined, []);
    expect(new Set(cl.lines.filter((l) => l.state === 'overdue').map((l) => l.item.confirm))).toEqual(new Set(['customer-lead', 'vendor-pm', 'anyone']));
    const attention = checklistCard(cl).blocks.map((b) => ('md' in b ? b.md : '')).find((md) => md.startsWith('请处理逾期事项'))!;
    expect(attention).toContain('@{ou_lead}');
    expect(attention).toContain('@{ou_admin}');
    expect(attention).toContain('未设置项目经理');

    const overview = await projectOverview(store, template, fixedClock(now), project, 'zh');
    expect(overview.responsible).toEqual(expect.arrayContaining([expect.stringMatching(/^王经理 \(客户项目负责人, /), '赵管理']));
    expect(overview.unassigned).toEqual(['项目经理']);

    const report = reportData({ kind: 'risk', project, template, rulebook, signoffs: events, posts: [], now, evidence: [] });
    const actors = new Set(report.items.filter((i) => i.state === 'overdue').flatMap((i) => i.mustAct));
    expect([...actors]).toEqual(expect.arrayContaining(['王经理 (客户项目负责人,待本人接受角色)', '赵管理 (项目管理员)', expect.stringMatching(/^未设置项目经理/)]));

    const card = cardText(checklistCard(cl));
    // 5.2-17's plan was confirmed without the signed file: not done, and every view says why.
    expect(card).toContain('📎 待补证据');
    const page = String(projectBody('zh', overview, readFilter({}), new URLSearchParams()));
    expect(page).toMatch(/<tr data-item="training-plan-signed">[\s\S]*?state-needs-evidence">待补证据</);
    const row = report.items.find((i) => i.id === 'training-plan-signed')!;
    expect(row.needsEvidence).toBe(true);
    expect(statusText(row, words('zh'))).toContain('待补证据');
  });
});

describe('item numbers are the project\'s for life', () => {
  it('a template change keeps every number: a removed item leaves its number unused, a new one comes after the rest', async () => {
    const { store } = await tempStore();
    const project = shanghaiProject({});
    await store.putProject(project);
    const rec = recordingTransport();
    const clock = fixedClock('2026-09-28T02:00:00Z'); // a Monday, 10:00 in Shanghai
    const calendar = createCalendar({});
    const jobWith = (t: Template) => createDailyJob({ store, clock, log: silentLogger, template: t, calendar, transport: () => rec.t });

    await jobWith(template).runProject(project.id);
    const first = (await store.latestChecklistMessage(project.id))!;
    expect(first.items).toEqual(template.items.map((i) => i.id));

    // Item 2 is dropped from the template and a new item is added at the top.
    const [one, two, ...rest] = template.items;
    const added = { ...one!, id: 'new-item-at-the-top', text: { zh: '新增的检查事项', en: 'An item added later' } };
    const changed = makeTemplate([added, one!, ...rest], 'changed.yaml', rulebook);
    clock.set('2026-09-29T02:00:00Z');
    await jobWith(changed).runProject(project.id);
    const second = (await store.latestChecklistMessage(project.id))!;
    expect(second.messageId).not.toBe(first.messageId);
    expect(second.items).toEqual([...first.items, added.id]);

    const { checklist } = await jobWith(changed).card(project);
    const numberOf = (id: string) => checklist.lines.find((l) => l.item.id === id)?.n;
    expect(numberOf(one!.id)).toBe(1);
    expect(numberOf(two!.id)).toBeUndefined();
    expect(numberOf(rest[0]!.id)).toBe(3);
    expect(numberOf(added.id)).toBe(template.items.length + 1);
    // The dashboard numbers it the same way.
    const overview = await projectOverview(store, changed, clock, project, 'zh');
    expect(overview.checklist.lines.map((l) => l.n)).toEqual(checklist.lines.map((l) => l.n));
    // "确认 2" now names no item, rather than another one.
    expect(decideSignoff({ kind: 'confirm', items: [2], order: second.items.map((id) => changed.byId.get(id)), states: new Map(), userId: 'ou_admin', roles: [], adminId: 'ou_admin', evidenced: new Set(), carriesEvidence: false, unfinished: () => false })).toMatchObject({ outcome: 'unknown-item', unknown: [2] });
  });
});
