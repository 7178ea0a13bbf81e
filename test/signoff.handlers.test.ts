import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFeatures } from '../src/features.ts';
import { createBot } from '../src/core/bot.ts';
import { cardText } from '../src/core/card.ts';
import { fixedClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/log.ts';
import type { Incoming } from '../src/core/message.ts';
import { allHandlers } from '../src/handlers.ts';
import { loadDeclaredProjects, ProjectsFileError } from '../src/readiness/model/declared.ts';
import { createEngine } from '../src/qa/engine.ts';
import type { CronSchedule } from '../src/readiness/schedule/scheduler.ts';
import { isRoleAction } from '../src/store/records.ts';
import { recordingTransport, rulebook, template, tempStore } from './support/checklist-world.ts';

/** The real bot and handlers on a temp store; only the platform (Transport) and cron are recorded. */
async function world(opts: { dataDir?: string; start?: string } = {}) {
  const { store } = await tempStore();
  const clock = fixedClock(opts.start ?? '2026-09-29T01:00:00Z');
  const rec = recordingTransport();
  const scheduled: string[][] = [];
  const cron: CronSchedule = (expr, _fn, o) => {
    scheduled.at(-1)?.push(`${o.name} ${expr} ${o.timezone ?? ''}`.trim());
    return { stop() {} };
  };
  const features = createFeatures({ dataDir: opts.dataDir ?? 'data', rulebook, store, clock, log: silentLogger, transport: () => rec.t, cron });
  const bot = createBot({ rulebook, answerer: createEngine(rulebook), store, clock, log: silentLogger }, allHandlers(features));
  bot.useTransport('feishu', rec.t);
  const { scheduler } = features.readiness;
  const origRefresh = scheduler.refresh;
  scheduler.refresh = async () => {
    scheduled.push([]);
    await origRefresh();
  };
  scheduled.push([]);
  await features.start();
  let n = 0;
  const text = async (user: string, t: string, o: { replyTo?: string; mentionsBot?: boolean; mentions?: { id: string; name?: string }[]; name?: string } = {}) => {
    const msg: Incoming = {
      kind: 'text',
      chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' },
      user: { id: user, isBot: false, ...(o.name ? { name: o.name } : {}) },
      eventId: `e${++n}`,
      at: clock.now(),
      messageId: `om_in_${n}`,
      text: t,
      mentionsBot: o.mentionsBot ?? false,
      mentions: (o.mentions ?? []).map((m) => ({ ...m, isBot: false })),
      ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    };
    const before = rec.replies.length;
    await bot.handle(msg);
    return rec.replies.slice(before).map((r) => cardText(r.card)).join('\n');
  };
  const at = (user: string, t: string, mentions?: { id: string; name?: string }[]) => text(user, t, { mentionsBot: true, mentions });
  /** A card button press, as the adapters hand it to the bot. */
  const click = async (user: string, messageId: string, action: Extract<Incoming, { kind: 'action' }>['action'], name?: string) => {
    const before = rec.replies.length;
    await bot.handle({ kind: 'action', chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' }, user: { id: user, isBot: false, ...(name ? { name } : {}) }, eventId: `e${++n}`, at: clock.now(), messageId, action });
    return rec.replies.slice(before).map((r) => cardText(r.card)).join('\n');
  };
  /** The sign-offs of the trail (it also holds role changes). */
  const signoffs = async () => (await store.listSignoffs('feishu:oc_1')).filter((e) => !isRoleAction(e.action));
  /** A role the admin gives in chat and the person accepts, as it must go for customer-side roles. */
  const give = async (userId: string, role: string, name?: string) => {
    await at('ou_admin', `设置角色 @{${userId}} ${role}`, [{ id: userId, ...(name ? { name } : {}) }]);
    return text(userId, '接受角色', { mentionsBot: true, ...(name ? { name } : {}) });
  };
  return { store, clock, rec, bot, features, scheduled, text, at, click, signoffs, give };
}

async function boundWithChecklist() {
  const w = await world();
  await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-10-20');
  await w.give('ou_lead', '客户项目负责人', '王经理');
  await w.at('ou_admin', '清单');
  const checklistId = w.rec.posts.at(-1)!.messageId;
  return { ...w, checklistId };
}

describe('who may hold which role', () => {
  it('nobody gives themselves a customer-side role, and nobody moves sides in one command', async () => {
    const w = await world();
    await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-10-20');
    const self = await w.at('ou_admin', '设置角色 @{ou_admin} 客户项目负责人', [{ id: 'ou_admin' }]);
    expect(self).toContain('不能给自己设置客户方角色');
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm' }]);
    const pmSelf = await w.at('ou_pm', '设置角色 @{ou_pm} 客户项目负责人', [{ id: 'ou_pm' }]);
    expect(pmSelf).toContain('不能给自己设置客户方角色');
    const move = await w.at('ou_admin', '设置角色 @{ou_pm} 客户项目负责人', [{ id: 'ou_pm' }]);
    expect(move).toContain('不能改为另一方的角色');
    expect((await w.store.getProject('feishu:oc_1'))?.roles).toEqual([expect.objectContaining({ userId: 'ou_pm', role: 'vendor-pm', grantedBy: 'ou_admin' })]);
    // The vendor PM may still be made a member, and then given a customer role by someone else.
    await w.at('ou_admin', '设置角色 @{ou_pm} 成员', [{ id: 'ou_pm' }]);
    expect(await w.at('ou_admin', '设置角色 @{ou_pm} 客户项目负责人', [{ id: 'ou_pm' }])).toContain('提名 @ou_pm 为 客户项目负责人');
  });
});

describe('customer-side roles take effect only when the person named accepts', () => {
  /** The latest reply card's buttons. */
  const buttons = (w: { rec: ReturnType<typeof recordingTransport> }) => w.rec.replies.at(-1)!.card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));

  it('a nomination gives no authority; only the nominee can accept; the receipt says who gave the role in chat', async () => {
    const w = await world();
    await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-10-20', undefined);
    await w.at('ou_admin', '清单');
    const checklistId = w.rec.posts.at(-1)!.messageId;
    const nominated = await w.text('ou_admin', '设置角色 @{ou_lead} 客户项目负责人', { mentionsBot: true, mentions: [{ id: 'ou_lead', name: '王经理' }], name: '张工' });
    expect(nominated).toContain('角色待接受');
    expect(nominated).toContain('张工 提名 @ou_lead 为 客户项目负责人');
    const [accept, decline] = buttons(w);
    expect(accept!.action).toEqual({ type: 'role', answer: 'accept', user: 'ou_lead', role: 'customer-lead' });
    expect(decline!.action).toEqual({ type: 'role', answer: 'decline', user: 'ou_lead', role: 'customer-lead' });

    // Until accepted: items stay open, and the checklist says who is pending.
    expect(await w.text('ou_lead', '确认 3', { replyTo: checklistId, name: '王经理' })).toContain('需由 客户项目负责人 确认');
    expect(await w.signoffs()).toEqual([]);
    await w.at('ou_admin', '清单');
    expect(cardText(w.rec.posts.at(-1)!.card)).toContain('角色待本人接受:@ou_lead(客户项目负责人)');

    // The admin (or anyone else) pressing the nominee's button changes nothing.
    expect(await w.click('ou_admin', w.rec.replies.at(-1)!.id, accept!.action)).toContain('这个提名只能由 王经理 本人接受或拒绝');
    expect((await w.store.getProject('feishu:oc_1'))!.roles).toEqual([expect.objectContaining({ userId: 'ou_lead', pending: true })]);

    expect(await w.click('ou_lead', 'om_card', accept!.action, '王经理')).toContain('王经理 接受了角色,现在是 客户项目负责人(由 张工 提名)');
    const receipt = await w.text('ou_lead', '确认 3', { replyTo: checklistId, name: '王经理' });
    expect(receipt).toContain('已确认');
    expect(receipt).toMatch(/角色由 张工 在群聊中指定,本人 09-29 09:00 接受,平台未提供组织信息/);
    expect((await w.signoffs())[0]).toMatchObject({ role: 'customer-lead', roleGrant: { source: 'chat', by: 'ou_admin', byName: '张工', acceptedAt: expect.any(String) }, rulebookVersion: rulebook.version, itemText: '培训方案和时间计划已由客户项目负责人签字确认' });
  });

  it('every role change is in the trail: nominated, declined, accepted, removed, given; by whom and whose', async () => {
    const w = await world();
    await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-10-20');
    await w.at('ou_admin', '设置角色 @{ou_a} IT负责人', [{ id: 'ou_a', name: 'A' }]);
    expect(await w.text('ou_a', '拒绝角色', { mentionsBot: true, name: 'A' })).toContain('A 拒绝了 IT负责人 的提名');
    expect((await w.store.getProject('feishu:oc_1'))!.roles).toEqual([]);
    expect(await w.at('ou_a', '接受角色')).toContain('没有等你接受的角色');
    await w.give('ou_b', '客户项目负责人', 'B');
    await w.at('ou_admin', '设置角色 @{ou_b} 成员', [{ id: 'ou_b', name: 'B' }]);
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm', name: 'PM' }]);
    const trail = await w.store.listSignoffs('feishu:oc_1');
    expect(trail.map((e) => `${e.action} ${e.itemId} by ${e.userId} of ${e.subjectId}`)).toEqual([
      'role-nominate role:it-lead by ou_admin of ou_a',
      'role-decline role:it-lead by ou_a of ou_a',
      'role-nominate role:customer-lead by ou_admin of ou_b',
      'role-accept role:customer-lead by ou_b of ou_b',
      'role-remove role:customer-lead by ou_admin of ou_b',
      'role-grant role:vendor-pm by ou_admin of ou_pm',
    ]);
    const card = await w.at('ou_x', '签字记录');
    expect(card).toContain('ou_admin (项目管理员) 提名角色 IT负责人:A');
    expect(card).toContain('B (成员) 接受角色 客户项目负责人');
    expect(card).toContain('ou_admin (项目管理员) 设置角色 项目经理:PM');
    expect(card).toMatch(/🔗 审计链完整:6 条记录,链头 [0-9a-f]{12}…/);
    expect(trail.every((e) => e.rulebookVersion === rulebook.version)).toBe(true);
  });

  it('where the platform names organisations: the first accepted customer-lead names the customer, others must belong to it', async () => {
    const w = await world();
    const say = (user: string, t: string, org: string, mentions: { id: string; name?: string }[] = []) =>
      w.bot.handle({ kind: 'text', chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' }, user: { id: user, isBot: false, org }, eventId: `o${Math.random()}`, at: w.clock.now(), messageId: `om_${Math.random()}`, text: t, mentionsBot: true, mentions: mentions.map((m) => ({ ...m, isBot: false })) }).then(() => cardText(w.rec.replies.at(-1)!.card));
    await say('ou_admin', '绑定项目 ACME 上线日期 2026-10-20', 'tenant_vendor');
    await say('ou_admin', '设置角色 @{ou_lead} 客户项目负责人', 'tenant_vendor', [{ id: 'ou_lead' }]);
    expect(await say('ou_lead', '接受角色', 'tenant_customer')).toContain('本项目的客户方组织记为 tenant_customer');
    expect((await w.store.getProject('feishu:oc_1'))!.customerOrg).toMatchObject({ id: 'tenant_customer', source: 'first-lead', by: 'ou_lead' });
    // A colleague of the vendor nominated as IT lead cannot accept; a customer's member can.
    await say('ou_admin', '设置角色 @{ou_vendor2} IT负责人', 'tenant_vendor', [{ id: 'ou_vendor2' }]);
    expect(await say('ou_vendor2', '接受角色', 'tenant_vendor')).toContain('不属于本项目的客户方组织(tenant_customer)');
    expect((await w.store.getProject('feishu:oc_1'))!.roles.find((r) => r.userId === 'ou_vendor2')).toMatchObject({ pending: true });
    await say('ou_admin', '设置角色 @{ou_it} IT负责人', 'tenant_vendor', [{ id: 'ou_it' }]);
    expect(await say('ou_it', '接受角色', 'tenant_customer')).toContain('现在是 **IT负责人**'.replace(/\*/g, ''));
    expect((await w.store.getProject('feishu:oc_1'))!.roles.find((r) => r.userId === 'ou_it')).toMatchObject({ role: 'it-lead', org: 'tenant_customer' });
  });
});

describe('an organisation id is data, not markup', () => {
  it('a tenant key with markdown and a mention shows as text in the acceptance, the refusal and the receipt', async () => {
    const w = await world();
    const org = '**x**@{all}';
    const mdOf = () => w.rec.replies.at(-1)!.card.blocks.flatMap((b) => (b.type === 'text' || b.type === 'context' ? [b.md] : [])).join('\n');
    const say = (user: string, t: string, o: string, mentions: { id: string }[] = []) =>
      w.bot.handle({ kind: 'text', chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' }, user: { id: user, isBot: false, org: o }, eventId: `m${Math.random()}`, at: w.clock.now(), messageId: `om_${Math.random()}`, text: t, mentionsBot: true, mentions: mentions.map((m) => ({ ...m, isBot: false })) });
    await say('ou_admin', '绑定项目 ACME 上线日期 2026-10-20', 'tv');
    await say('ou_admin', '设置角色 @{ou_lead} 客户项目负责人', 'tv', [{ id: 'ou_lead' }]);
    await say('ou_lead', '接受角色', org);
    expect(mdOf()).toContain('\\*\\*x\\*\\*\\@{all}');
    await say('ou_admin', '设置角色 @{ou_it} IT负责人', 'tv', [{ id: 'ou_it' }]);
    await say('ou_it', '接受角色', 'other');
    expect(mdOf()).toContain('(\\*\\*x\\*\\*\\@{all})');
    await say('ou_admin', '清单', 'tv');
    await w.text('ou_lead', '确认 5', { replyTo: w.rec.posts.at(-1)!.messageId });
    expect(mdOf()).toContain('组织 \\*\\*x\\*\\*\\@{all}(客户方组织)');
    expect(mdOf()).not.toMatch(/(^|[^\\])@\{all\}/);
  });
});

describe('project commands', () => {
  it('lets only the admin or a vendor-pm change settings; rebinding keeps admin, roles and sign-offs', async () => {
    const w = await boundWithChecklist();
    expect(await w.at('ou_x', '设置角色 @{ou_x} 客户项目负责人', [{ id: 'ou_x' }])).toContain('没有权限');
    expect(await w.at('ou_x', '绑定项目 Mine 上线日期 2026-12-01')).toContain('没有权限');
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm' }]);
    expect(await w.at('ou_pm', '设置角色 @{ou_it} IT负责人', [{ id: 'ou_it' }])).toContain('提名 @ou_it 为 IT负责人');
    expect(await w.at('ou_it', '接受角色')).toContain('ou_it 接受了角色,现在是 IT负责人');
    await w.text('ou_lead', '确认 3', { replyTo: w.checklistId });
    expect(await w.at('ou_pm', '绑定项目 ACME 上线日期 2026-10-27')).toContain('已有签字记录保留');
    const p = (await w.store.getProject('feishu:oc_1'))!;
    expect(p).toMatchObject({ goLive: '2026-10-27', adminId: 'ou_admin' });
    expect(p.roles.map((r) => r.role).sort()).toEqual(['customer-lead', 'it-lead', 'vendor-pm']);
    expect(await w.signoffs()).toHaveLength(1);
    expect(await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-09-01')).toContain('上线日期已过');
  });

  it('reschedules node-cron when the posting time changes', async () => {
    const w = await boundWithChecklist();
    expect(await w.at('ou_admin', '设置提醒时间 08:30')).toContain('每个工作日 08:30(Asia/Shanghai)');
    expect(w.scheduled.at(-1)).toContain('checklist:feishu:oc_1 30 8 * * * Asia/Shanghai');
    expect(await w.at('ou_admin', '进度')).toMatch(/ACME · T-21(.*)已确认 0\/27/);
  });

  it('answers commands in a direct chat with where to use them', async () => {
    const w = await world();
    const msg: Incoming = { kind: 'text', chat: { platform: 'feishu', chatId: 'dm1', chatType: 'direct' }, user: { id: 'u', isBot: false }, eventId: 'x', at: new Date(), messageId: 'm', text: '清单', mentionsBot: true, mentions: [] };
    await w.bot.handle(msg);
    expect(cardText(w.rec.replies[0]!.card)).toContain('请在项目群里使用');
  });
});

describe('sign-off authority', () => {
  it('records nothing when any item of an explicit list needs another role', async () => {
    const w = await boundWithChecklist();
    const r = await w.text('ou_x', '确认 3、13', { replyTo: w.checklistId });
    expect(r).toContain('第 3 项「培训方案和时间计划已由客户项目负责人签字确认」需由 客户项目负责人 确认');
    expect(r).toContain('未记录任何确认');
    expect(await w.signoffs()).toEqual([]);
    expect(w.rec.updates).toEqual([]);
  });

  it('"全部确认" confirms what the sender may and names the rest', async () => {
    const w = await boundWithChecklist();
    const r = await w.text('ou_lead', '全部确认', { replyTo: w.checklistId, name: '王经理' });
    const mine = template.items.filter((i) => i.confirm === 'customer-lead' || i.confirm === 'anyone');
    const rows = await w.signoffs();
    expect(rows.map((e) => e.itemId)).toEqual(mine.map((i) => i.id));
    expect(rows.every((e) => e.role === 'customer-lead' && e.text === '全部确认')).toBe(true);
    expect(r).toContain('需由 项目经理 确认');
    expect(w.rec.updates.map((u) => u.messageId)).toEqual([w.checklistId]);
  });

  it('tells "@bot 确认 3" in a group without a project how to bind one', async () => {
    const w = await world();
    expect(await w.at('ou_x', '确认 3')).toContain('本群还没有绑定项目');
    expect(await w.text('ou_x', '确认 3')).toBe('');
  });

  it('ignores replies that are not sign-offs, and says so when a confirm is not under a checklist', async () => {
    const w = await boundWithChecklist();
    expect(await w.text('ou_lead', '第3项下午再看', { replyTo: w.checklistId })).toBe('');
    expect(await w.text('ou_lead', '确认 3', { replyTo: 'om_someone_else' })).toContain('没有找到对应的清单');
    expect(await w.signoffs()).toEqual([]);
  });

  it('posts the final readiness summary once when the last item is confirmed, then the daily post stops', async () => {
    const w = await boundWithChecklist();
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm' }]);
    await w.give('ou_it', 'IT负责人');
    await w.text('ou_lead', '全部确认 https://mail.example.com/plan-signed', { replyTo: w.checklistId });
    await w.text('ou_pm', '全部确认', { replyTo: w.checklistId });
    expect(w.rec.posts.filter((p) => p.card.title.startsWith('上线准备总结'))).toHaveLength(0);
    await w.text('ou_it', 'all done', { replyTo: w.checklistId });
    const finals = w.rec.posts.filter((p) => p.card.title.startsWith('上线准备总结'));
    expect(finals).toHaveLength(1);
    expect(cardText(finals[0]!.card)).toContain('全部事项已确认');
    w.clock.set('2026-09-30T01:00:00Z');
    expect(await w.features.readiness.env.job.run()).toEqual([expect.objectContaining({ outcome: 'finished' })]);
  });
});

describe('evidence when the bot stops between the sign-off and its evidence', () => {
  it('the receipt claims nothing that was not stored; the same message handled again attaches it to the confirm it wrote, once', async () => {
    const w = await boundWithChecklist();
    // Item 5 (customer-lead, no evidence required). The evidence write fails, as if the bot had stopped right there.
    const addEvidence = w.store.addEvidence.bind(w.store);
    w.store.addEvidence = async () => {
      throw new Error('the bot stopped');
    };
    const msg: Incoming = {
      kind: 'text', chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' }, user: { id: 'ou_lead', isBot: false, name: '王经理' }, eventId: 'e-crash', at: w.clock.now(),
      messageId: 'om_crash', text: '确认 5 https://mail.example.com/a/5', mentionsBot: false, mentions: [], replyTo: w.checklistId,
    };
    let before = w.rec.replies.length;
    await w.bot.handle(msg);
    const first = w.rec.replies.slice(before).map((r) => cardText(r.card)).join('\n');
    expect(first).toContain('已确认');
    expect(first).not.toContain('🔗 链接:');
    expect(first).toContain('⚠️ 链接未能保存:https://mail.example.com/a/5');
    expect((await w.signoffs()).map((e) => e.action)).toEqual(['confirm']);
    expect(await w.store.listEvidence('feishu:oc_1')).toEqual([]);

    // The inbox hands the same message over again (the bot restarted): the evidence goes to the confirm it wrote.
    w.store.addEvidence = addEvidence;
    before = w.rec.replies.length;
    await w.bot.handle({ ...msg, deduplicated: true, redelivered: true });
    const again = w.rec.replies.slice(before).map((r) => cardText(r.card)).join('\n');
    expect(again).toContain('补充证据');
    expect(again).toContain('链接:https://mail.example.com/a/5');
    const rows = await w.signoffs();
    expect(rows.map((e) => e.action)).toEqual(['confirm', 'evidence']);
    expect(rows[1]!.evidence).toMatchObject({ signoffSeq: rows[0]!.seq, url: 'https://mail.example.com/a/5' });
    // A third time: nothing more is kept.
    before = w.rec.replies.length;
    await w.bot.handle({ ...msg, deduplicated: true, redelivered: true });
    expect(w.rec.replies.slice(before).map((r) => cardText(r.card)).join('\n')).toContain('已由 王经理 确认');
    expect(await w.store.listEvidence('feishu:oc_1')).toHaveLength(1);
    // Another message confirming the same item with a link is not this one: "already confirmed".
    expect(await w.text('ou_lead', '确认 5 https://mail.example.com/a/6', { replyTo: w.checklistId })).toContain('已由 王经理 确认');
    expect(await w.store.listEvidence('feishu:oc_1')).toHaveLength(1);
  });
});

describe('required evidence', () => {
  it('keeps 5.2-17 (evidence: required) open with "needs evidence" until a confirm of it carries evidence, then counts it', async () => {
    const w = await boundWithChecklist();
    expect(template.byId.get('training-plan-signed')!.evidence).toBe('required');
    const first = await w.text('ou_lead', '确认 3', { replyTo: w.checklistId, name: '王经理' });
    expect(first).toContain('已确认');
    expect(first).toContain('第 3 项需要证据');
    const pending = cardText(w.rec.updates.at(-1)!.card);
    expect(pending).toContain('0/27');
    expect(pending).toContain('3. 📎 待补证据(王经理 已确认 09-29 09:00,须附文件或链接)');
    // Confirming again without evidence changes nothing and says what is missing.
    expect(await w.text('ou_lead', '确认 3', { replyTo: w.checklistId, name: '王经理' })).toContain('仍待补证据');
    // Someone without the role cannot add it either.
    expect(await w.text('ou_x', '确认 3 https://mail.example.com/**m**/@1', { replyTo: w.checklistId })).toContain('需由 客户项目负责人 确认');
    // A confirm with a link adds the evidence to the confirm already recorded: no second sign-off, an evidence event.
    const second = await w.text('ou_lead', '确认 3 https://mail.example.com/**m**/@1', { replyTo: w.checklistId, name: '王经理' });
    expect(second).toContain('补充证据');
    expect(second).toContain('链接:https://mail.example.com/**m**/@1');
    expect(second).not.toContain('需要证据');
    const rows = await w.signoffs();
    expect(rows.map((e) => e.action)).toEqual(['confirm', 'evidence']);
    expect(rows[1]).toMatchObject({ itemId: `evidence:${rows[0]!.itemId}`, userId: 'ou_lead', evidence: { signoffSeq: rows[0]!.seq, signoffHash: rows[0]!.hash, source: 'link', url: 'https://mail.example.com/**m**/@1', status: 'stored' } });
    expect(await w.store.listEvidence('feishu:oc_1')).toEqual([expect.objectContaining({ signoffSeq: rows[0]!.seq, source: 'link', url: 'https://mail.example.com/**m**/@1', auditSeq: rows[1]!.seq })]);
    const done = cardText(w.rec.updates.at(-1)!.card);
    expect(done).toContain('1/27');
    expect(done).toContain('✅ 王经理 已确认');
    expect(done).not.toContain('待补证据');
  });
});

describe('the training plan the lead signs (5.2-17)', () => {
  it('a confirm of item 3 keeps the plan as it stands (a CSV the bot makes) as its evidence, so the item counts', async () => {
    const w = await boundWithChecklist();
    // The clock is 2026-09-29 09:00 in Shanghai: a session on 10-12, its title in a spreadsheet's formula syntax.
    await w.at('ou_admin', '新建培训 10-12 14:00-16:00 中层管理 上限40 地点 三楼会议室 标题 =HYPERLINK("http://evil.example")');
    expect(cardText(w.rec.posts.at(-1)!.card)).toContain('培训报名 #1');
    const r = await w.text('ou_lead', '确认 3', { replyTo: w.checklistId, name: '王经理' });
    expect(r).toContain('已确认');
    expect(r).toContain('📎 附:培训计划-ACME-2026-09-29.csv');
    expect(r).toMatch(/SHA-256 [0-9a-f]{12}.,机器人按确认时的内容生成/);
    expect(r).not.toContain('需要证据');
    const done = cardText(w.rec.updates.at(-1)!.card);
    expect(done).toContain('1/27');
    expect(done).not.toContain('待补证据');
    const [kept] = await w.store.listEvidence('feishu:oc_1');
    expect(kept).toMatchObject({ source: 'bot-file', mime: 'text/csv', status: 'stored' });
    const csv = new TextDecoder().decode(await w.store.readEvidence(kept!.sha256!));
    expect(csv).toContain('编号,标题,开始,结束,对象');
    expect(csv).toContain('1,"\'=HYPERLINK(""http://evil.example"")",2026-10-12 14:00,2026-10-12 16:00,中层管理');
    const rows = await w.signoffs();
    expect(rows.map((e) => e.action)).toEqual(['training-create', 'confirm', 'evidence']);
    expect(rows[2]).toMatchObject({ evidence: { source: 'bot-file', name: kept!.name, sha256: kept!.sha256 } });
  });
});

describe('undo buttons', () => {
  const buttonsOf = (card: { blocks: { type: string; buttons?: { label: string; action: { type: string; item?: number } }[] }[] }) => card.blocks.flatMap((b) => b.buttons ?? []);

  it('the confirmer\'s undo button takes the sign-off back (audited via button) and the card is updated in place', async () => {
    const w = await boundWithChecklist();
    await w.text('ou_lead', '确认 3 https://mail.example.com/plan-signed', { replyTo: w.checklistId, name: '王经理' });
    const confirmed = w.rec.updates.at(-1)!.card;
    expect(buttonsOf(confirmed).filter((b) => b.action.type === 'undo')).toEqual([{ label: '撤销 3', action: { type: 'undo', item: 3 } }]);
    expect(buttonsOf(confirmed).some((b) => b.action.type === 'confirm' && b.action.item === 3)).toBe(false);

    const r = await w.click('ou_lead', w.checklistId, { type: 'undo', item: 3 }, '王经理');
    expect(r).toContain('已撤销');
    expect(r).toContain('培训方案和时间计划已由客户项目负责人签字确认');
    const rows = await w.signoffs();
    expect(rows.at(-1)).toMatchObject({ action: 'undo', itemId: 'training-plan-signed', userId: 'ou_lead', via: 'button', evidenceMessageId: w.checklistId, text: '[button] undo 3' });
    const after = w.rec.updates.at(-1)!;
    expect(after.messageId).toBe(w.checklistId);
    expect(cardText(after.card)).toContain('0/27');
    expect(buttonsOf(after.card).some((b) => b.action.type === 'undo')).toBe(false);
    expect(buttonsOf(after.card).some((b) => b.action.type === 'confirm' && b.action.item === 3)).toBe(true);
  });

  it('refuses someone else\'s press, naming who may undo, and changes nothing; the admin may', async () => {
    const w = await boundWithChecklist();
    await w.text('ou_lead', '确认 3', { replyTo: w.checklistId, name: '王经理' });
    const updates = w.rec.updates.length;
    const r = await w.click('ou_x', w.checklistId, { type: 'undo', item: 3 });
    expect(r).toContain('无权撤销');
    expect(r).toContain('第 3 项只能由确认人 王经理 或项目管理员撤销');
    expect((await w.signoffs()).map((e) => e.action)).toEqual(['confirm']);
    expect(w.rec.updates).toHaveLength(updates);

    expect(await w.click('ou_admin', w.checklistId, { type: 'undo', item: 3 })).toContain('已撤销');
    expect((await w.signoffs()).map((e) => `${e.action} ${e.userId} ${e.via}`)).toEqual(['confirm ou_lead reply', 'undo ou_admin button']);
  });
});

describe('answers that know the project', () => {
  const lastReplyCard = (w: { rec: ReturnType<typeof recordingTransport> }) => w.rec.replies.at(-1)!.card;
  const actionsOf = (card: { blocks: { type: string; buttons?: { action: unknown }[] }[] }) => card.blocks.flatMap((b) => (b.buttons ?? []).map((x) => x.action));
  const n = template.items.findIndex((i) => i.rules.includes('5.2-10')) + 1;

  it('adds the 5.2-10 checklist item with its status and a confirm button that goes through the sign-off path', async () => {
    const w = await boundWithChecklist();
    const answer = await w.at('ou_x', '培训人数多怎么办');
    expect(answer).toContain('5.2-10');
    expect(answer).toContain(`本项目清单 第${n}项「每场培训人数不超过60人`);
    expect(answer).toMatch(/」：⏰ 即将到期\(截止 09-29\),需项目经理确认/);
    expect(actionsOf(lastReplyCard(w))).toContainEqual({ type: 'confirm', item: n });
    const answerId = w.rec.replies.at(-1)!.id;

    // The button on the answer: roles apply (item 4 is the vendor-pm's).
    expect(await w.click('ou_x', answerId, { type: 'confirm', item: n })).toContain('需由 项目经理 确认');
    expect(await w.signoffs()).toEqual([]);
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm', name: '张工' }]);
    expect(await w.click('ou_pm', answerId, { type: 'confirm', item: n }, '张工')).toContain('已确认');
    expect(await w.signoffs()).toEqual([expect.objectContaining({ itemId: template.items[n - 1]!.id, userId: 'ou_pm', via: 'button', evidenceMessageId: answerId })]);
    expect(w.rec.updates.at(-1)!.messageId).toBe(w.checklistId);
    expect(cardText(w.rec.updates.at(-1)!.card)).toContain('1/27');

    // Asked again: confirmed by whom and when, and no confirm button.
    expect(await w.at('ou_x', '培训人数多怎么办')).toContain(`本项目清单 第${n}项「每场培训人数不超过60人,各部门关键用户已安排参加」：✅ 张工 已确认 09-29 09:00`);
    expect(actionsOf(lastReplyCard(w)).some((a) => (a as { type: string }).type === 'confirm')).toBe(false);
  });

  it('speaks the asker\'s language', async () => {
    const w = await world();
    await w.at('ou_admin', 'bind project ACME go-live 2026-10-20');
    const answer = await w.at('ou_x', 'too many trainees in one session');
    expect(answer).toContain(`Checklist item ${n} 'Each training session has at most 60 people`);
    expect(answer).toContain(`': ⏰ due soon (by 09-29); to be confirmed by the vendor-pm`);
    expect(answer).toContain(`[Confirm ${n}]`);
  });

  it('leaves answers in a group without a project, and answers with no checklist item, as they were', async () => {
    const w = await world();
    const answer = await w.at('ou_x', '培训人数多怎么办');
    expect(answer).toContain('5.2-10');
    expect(answer).not.toContain('本项目清单');
    expect(actionsOf(lastReplyCard(w)).some((a) => (a as { type: string }).type === 'confirm')).toBe(false);
    const bound = await boundWithChecklist();
    expect(await bound.at('ou_x', '5.2-1')).not.toContain('本项目清单');
  });
});

describe('declared projects (data/projects.yaml)', () => {
  const dataDirWith = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'data-'));
    cpSync('data/rulebook', join(dir, 'rulebook'), { recursive: true });
    cpSync('data/qa', join(dir, 'qa'), { recursive: true });
    mkdirSync(join(dir, 'checklist'));
    cpSync('data/checklist/template.yaml', join(dir, 'checklist/template.yaml'));
    writeFileSync(join(dir, 'projects.yaml'), yaml);
    return dir;
  };

  it('accepts the shipped example file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decl-'));
    cpSync('data/projects.example.yaml', join(dir, 'projects.yaml'));
    expect(loadDeclaredProjects(dir)).toEqual([expect.objectContaining({ platform: 'feishu', goLive: '2026-12-21', roles: expect.arrayContaining([expect.objectContaining({ role: 'customer-lead' })]) })]);
  });

  it('creates declared projects at start-up with their roles, and schedules them', async () => {
    const dir = dataDirWith(`projects:\n  - platform: slack\n    chatId: C0DECL\n    name: Declared\n    goLive: 2026-12-01\n    timeZone: Europe/Berlin\n    postTime: "08:45"\n    lang: en\n    admin: U0ADMIN\n    roles:\n      - { userId: U0LEAD, role: customer-lead }\n`);
    const w = await world({ dataDir: dir });
    expect(await w.store.getProject('slack:C0DECL')).toMatchObject({ name: 'Declared', source: 'file', roles: [{ userId: 'U0LEAD', role: 'customer-lead' }] });
    expect(w.scheduled.flat()).toContain('checklist:slack:C0DECL 45 8 * * * Europe/Berlin');
  });

  it('keeps the roles the PMO declared out of reach of chat commands', async () => {
    const dir = dataDirWith(`projects:\n  - platform: feishu\n    chatId: oc_1\n    name: Declared\n    goLive: 2026-10-20\n    admin: ou_admin\n    roles:\n      - { userId: ou_lead, name: 王经理, role: customer-lead }\n`);
    const w = await world({ dataDir: dir });
    const reply = await w.at('ou_admin', '设置角色 @{ou_lead} 成员', [{ id: 'ou_lead' }]);
    expect(reply).toContain('由 PMO 在 data/projects.yaml 中指定');
    expect((await w.store.getProject('feishu:oc_1'))?.roles).toEqual([{ userId: 'ou_lead', name: '王经理', role: 'customer-lead', declared: true }]);
    // Others can still be given roles in chat.
    expect(await w.give('ou_it', 'IT负责人')).toContain('现在是 IT负责人');
  });

  it('a customer organisation declared in the file gates who may accept a customer-side role', async () => {
    const dir = dataDirWith(`projects:\n  - platform: feishu\n    chatId: oc_1\n    name: Declared\n    goLive: 2026-10-20\n    admin: ou_admin\n    customerOrg: tenant_customer\n`);
    const w = await world({ dataDir: dir });
    expect((await w.store.getProject('feishu:oc_1'))!.customerOrg).toEqual({ id: 'tenant_customer', source: 'file' });
    const from = (org: string) => async (t: string) => {
      await w.bot.handle({ kind: 'text', chat: { platform: 'feishu', chatId: 'oc_1', chatType: 'group' }, user: { id: 'ou_x', isBot: false, org }, eventId: `d${org}${t}`, at: w.clock.now(), messageId: `om_${org}`, text: t, mentionsBot: true, mentions: [] });
      return cardText(w.rec.replies.at(-1)!.card);
    };
    await w.at('ou_admin', '设置角色 @{ou_x} 客户项目负责人', [{ id: 'ou_x' }]);
    expect(await from('tenant_vendor')('接受角色')).toContain('不属于本项目的客户方组织(tenant_customer)');
    expect(await from('tenant_customer')('接受角色')).toContain('现在是 客户项目负责人');
    // The first lead does not replace an organisation the PMO declared.
    expect((await w.store.getProject('feishu:oc_1'))!.customerOrg).toEqual({ id: 'tenant_customer', source: 'file' });
  });

  it('does not let a file give itself the "declared" mark', async () => {
    const yaml = `projects:\n  - platform: feishu\n    chatId: oc\n    name: X\n    goLive: 2026-12-01\n    admin: ou\n    roles: [{ userId: u, role: it-lead, declared: false }]\n`;
    await expect(world({ dataDir: dataDirWith(yaml) })).rejects.toThrow(/unknown key "declared"/);
  });

  it.each([
    ['projects:\n  - platform: feishu\n    chatId: oc\n    name: X\n    goLive: 2026-02-30\n    admin: ou\n', /projects\[0\]\.goLive: must be a real date/],
    ['projects:\n  - platform: feishu\n    chatId: oc\n    name: X\n    goLive: 2026-12-01\n    timeZone: Mars/Base\n    admin: ou\n', /projects\[0\]\.timeZone/],
    ['projects:\n  - platform: feishu\n    chatId: oc\n    name: X\n    goLive: 2026-12-01\n    admin: ou\n    roles: [{ userId: u, role: boss }]\n', /projects\[0\]\.roles\[0\]\.role/],
  ])('stops start-up on a broken file %#, naming the field', async (yaml, err) => {
    await expect(world({ dataDir: dataDirWith(yaml) })).rejects.toThrow(ProjectsFileError);
    await expect(world({ dataDir: dataDirWith(yaml) })).rejects.toThrow(err);
  });
});
