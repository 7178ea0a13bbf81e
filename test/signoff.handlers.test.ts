import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChecklistFeature } from '../src/checklist/feature.ts';
import { createBot } from '../src/core/bot.ts';
import { cardText } from '../src/core/card.ts';
import { fixedClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/log.ts';
import type { Incoming } from '../src/core/message.ts';
import { allHandlers } from '../src/handlers.ts';
import { loadDeclaredProjects, ProjectsFileError } from '../src/projects/declared.ts';
import { createEngine } from '../src/qa/engine.ts';
import type { CronSchedule } from '../src/schedule/scheduler.ts';
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
  const feature = createChecklistFeature({ dataDir: opts.dataDir ?? 'data', rulebook, store, clock, log: silentLogger, transport: () => rec.t, cron });
  const bot = createBot({ rulebook, answerer: createEngine(rulebook), store, clock, log: silentLogger }, allHandlers(feature.env));
  bot.useTransport('feishu', rec.t);
  const origRefresh = feature.scheduler.refresh;
  feature.scheduler.refresh = async () => {
    scheduled.push([]);
    await origRefresh();
  };
  scheduled.push([]);
  await feature.start();
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
  return { store, clock, rec, bot, feature, scheduled, text, at, click };
}

async function boundWithChecklist() {
  const w = await world();
  await w.at('ou_admin', '绑定项目 ACME 上线日期 2026-10-20');
  await w.at('ou_admin', '设置角色 @{ou_lead} 客户项目负责人', [{ id: 'ou_lead', name: '王经理' }]);
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
    expect((await w.store.getProject('feishu:oc_1'))?.roles).toEqual([{ userId: 'ou_pm', role: 'vendor-pm' }]);
    // The vendor PM may still be made a member, and then given a customer role by someone else.
    await w.at('ou_admin', '设置角色 @{ou_pm} 成员', [{ id: 'ou_pm' }]);
    expect(await w.at('ou_admin', '设置角色 @{ou_pm} 客户项目负责人', [{ id: 'ou_pm' }])).toContain('现在是 客户项目负责人');
  });
});

describe('project commands', () => {
  it('lets only the admin or a vendor-pm change settings; rebinding keeps admin, roles and sign-offs', async () => {
    const w = await boundWithChecklist();
    expect(await w.at('ou_x', '设置角色 @{ou_x} 客户项目负责人', [{ id: 'ou_x' }])).toContain('没有权限');
    expect(await w.at('ou_x', '绑定项目 Mine 上线日期 2026-12-01')).toContain('没有权限');
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm' }]);
    expect(await w.at('ou_pm', '设置角色 @{ou_it} IT负责人', [{ id: 'ou_it' }])).toContain('@ou_it 现在是 IT负责人');
    await w.text('ou_lead', '确认 3', { replyTo: w.checklistId });
    expect(await w.at('ou_pm', '绑定项目 ACME 上线日期 2026-10-27')).toContain('已有签字记录保留');
    const p = (await w.store.getProject('feishu:oc_1'))!;
    expect(p).toMatchObject({ goLive: '2026-10-27', adminId: 'ou_admin' });
    expect(p.roles.map((r) => r.role).sort()).toEqual(['customer-lead', 'it-lead', 'vendor-pm']);
    expect(await w.store.listSignoffs('feishu:oc_1')).toHaveLength(1);
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
    expect(await w.store.listSignoffs('feishu:oc_1')).toEqual([]);
    expect(w.rec.updates).toEqual([]);
  });

  it('"全部确认" confirms what the sender may and names the rest', async () => {
    const w = await boundWithChecklist();
    const r = await w.text('ou_lead', '全部确认', { replyTo: w.checklistId, name: '王经理' });
    const mine = template.items.filter((i) => i.confirm === 'customer-lead' || i.confirm === 'anyone');
    const rows = await w.store.listSignoffs('feishu:oc_1');
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
    expect(await w.store.listSignoffs('feishu:oc_1')).toEqual([]);
  });

  it('posts the final readiness summary once when the last item is confirmed, then the daily post stops', async () => {
    const w = await boundWithChecklist();
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm' }]);
    await w.at('ou_admin', '设置角色 @{ou_it} IT负责人', [{ id: 'ou_it' }]);
    await w.text('ou_lead', '全部确认', { replyTo: w.checklistId });
    await w.text('ou_pm', '全部确认', { replyTo: w.checklistId });
    expect(w.rec.posts.filter((p) => p.card.title.startsWith('上线准备总结'))).toHaveLength(0);
    await w.text('ou_it', 'all done', { replyTo: w.checklistId });
    const finals = w.rec.posts.filter((p) => p.card.title.startsWith('上线准备总结'));
    expect(finals).toHaveLength(1);
    expect(cardText(finals[0]!.card)).toContain('全部事项已确认');
    w.clock.set('2026-09-30T01:00:00Z');
    expect(await w.feature.env.job.run()).toEqual([expect.objectContaining({ outcome: 'finished' })]);
  });
});

describe('undo buttons', () => {
  const buttonsOf = (card: { blocks: { type: string; buttons?: { label: string; action: { type: string; item?: number } }[] }[] }) => card.blocks.flatMap((b) => b.buttons ?? []);

  it('the confirmer\'s undo button takes the sign-off back (audited via button) and the card is updated in place', async () => {
    const w = await boundWithChecklist();
    await w.text('ou_lead', '确认 3', { replyTo: w.checklistId, name: '王经理' });
    const confirmed = w.rec.updates.at(-1)!.card;
    expect(buttonsOf(confirmed).filter((b) => b.action.type === 'undo')).toEqual([{ label: '撤销 3', action: { type: 'undo', item: 3 } }]);
    expect(buttonsOf(confirmed).some((b) => b.action.type === 'confirm' && b.action.item === 3)).toBe(false);

    const r = await w.click('ou_lead', w.checklistId, { type: 'undo', item: 3 }, '王经理');
    expect(r).toContain('已撤销');
    expect(r).toContain('培训方案和时间计划已由客户项目负责人签字确认');
    const rows = await w.store.listSignoffs('feishu:oc_1');
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
    expect((await w.store.listSignoffs('feishu:oc_1')).map((e) => e.action)).toEqual(['confirm']);
    expect(w.rec.updates).toHaveLength(updates);

    expect(await w.click('ou_admin', w.checklistId, { type: 'undo', item: 3 })).toContain('已撤销');
    expect((await w.store.listSignoffs('feishu:oc_1')).map((e) => `${e.action} ${e.userId} ${e.via}`)).toEqual(['confirm ou_lead reply', 'undo ou_admin button']);
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
    expect(answer).toMatch(/」：⏰ 到期\(截止 09-29\),需项目经理确认/);
    expect(actionsOf(lastReplyCard(w))).toContainEqual({ type: 'confirm', item: n });
    const answerId = w.rec.replies.at(-1)!.id;

    // The button on the answer: roles apply (item 4 is the vendor-pm's).
    expect(await w.click('ou_x', answerId, { type: 'confirm', item: n })).toContain('需由 项目经理 确认');
    expect(await w.store.listSignoffs('feishu:oc_1')).toEqual([]);
    await w.at('ou_admin', '设置角色 @{ou_pm} 项目经理', [{ id: 'ou_pm', name: '张工' }]);
    expect(await w.click('ou_pm', answerId, { type: 'confirm', item: n }, '张工')).toContain('已确认');
    expect(await w.store.listSignoffs('feishu:oc_1')).toEqual([expect.objectContaining({ itemId: template.items[n - 1]!.id, userId: 'ou_pm', via: 'button', evidenceMessageId: answerId })]);
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
    expect(answer).toContain(`': ⏰ due 09-29; to be confirmed by the vendor-pm`);
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
    expect(await w.at('ou_admin', '设置角色 @{ou_it} IT负责人', [{ id: 'ou_it' }])).toContain('现在是 IT负责人');
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
