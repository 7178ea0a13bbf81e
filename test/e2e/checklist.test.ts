import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { cliRun } from '../helpers/cli.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
// 2026-09-29 09:00 in Shanghai (a Tuesday), three weeks before go-live.
const START = '2026-09-29T01:00:00Z';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});


// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (r: Response): Promise<any> => r.json();

const runJob = async (app: TestApp, token: string | undefined = ADMIN_TOKEN) =>
  fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('checklists and sign-offs through Feishu', () => {
  it('bind → customer-lead → checklist → member refused → lead accepted → card patched → audit exported', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const say = async (text: string, o: { senderId: string; parentId?: string; messageId?: string }) => {
      const res = await app.postFeishu(feishuTextEvent({ text, token, chatId: 'oc_group1', ...o }), { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const replies = () => app.feishu.sent().filter((c) => c.kind === 'reply');
    const lastReply = () => JSON.stringify(replies().at(-1)?.card);

    app.feishu.names.set('ou_lead', '王经理');
    app.feishu.names.set('ou_member', '小李');
    await say('@bot 绑定项目 ACME OA 上线日期 2026-10-20', { senderId: 'ou_admin' });
    expect(lastReply()).toContain('项目已绑定');
    await say('@bot 设置角色 @ou_lead 客户项目负责人', { senderId: 'ou_admin' });
    expect(lastReply()).toContain('角色待接受');
    // The nominee accepts with the card's button; their click is the one that counts.
    const accept = { type: 'role', answer: 'accept', user: 'ou_lead', role: 'customer-lead' };
    expect(lastReply()).toContain(JSON.stringify(accept).slice(1, -1));
    const cardId = 'om_nomination_card'; // the handler needs only the chat and the button's value
    await app.postFeishu(feishuCardAction({ value: accept, token, messageId: cardId, chatId: 'oc_group1', userId: 'ou_member' }), { timestamp: ts() });
    await app.idle();
    expect(lastReply()).toContain('只能由');
    await app.postFeishu(feishuCardAction({ value: accept, token, messageId: cardId, chatId: 'oc_group1', userId: 'ou_lead' }), { timestamp: ts() });
    await app.idle();
    expect(lastReply()).toContain('现在是 **客户项目负责人**');

    // The admin job posts today's checklist once, through the same claim as the schedule.
    const first = await json(await runJob(app));
    expect(first.results).toEqual([expect.objectContaining({ projectId: 'feishu:oc_group1', outcome: 'posted' })]);
    expect((await json(await runJob(app))).results[0].outcome).toBe('already-posted');
    expect((await runJob(app, 'wrong-token')).status).toBe(401);
    const checklistId: string = first.results[0].messageId;
    const created = app.feishu.sent().filter((c) => c.kind === 'create');
    expect(created).toHaveLength(1);
    const posted = JSON.stringify(created[0]!.card);
    expect(posted).toContain('上线准备清单 · ACME OA');
    expect(posted).toContain('T-21');
    expect(posted).toContain('im:message.group_msg');
    expect(posted).toMatch(/3\.\*\* ⏰ 即将到期 培训方案和时间计划已由客户项目负责人签字确认.*5\.2-17/);

    // A member's 确认 of the 5.2-17 item: refused, naming the role, nothing recorded.
    await say('确认 3', { senderId: 'ou_member', parentId: checklistId, messageId: 'om_member_reply' });
    expect(lastReply()).toContain('无权确认');
    expect(lastReply()).toContain('客户项目负责人');
    expect(app.feishu.sent().filter((c) => c.kind === 'patch')).toHaveLength(0);
    expect((await json(await fetch(`${app.url}/api/projects/feishu:oc_group1/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).signoffs.map((e: { action: string }) => e.action)).toEqual(['role-nominate', 'role-accept']);

    // Unknown numbers get the valid range.
    await say('确认 99', { senderId: 'ou_lead', parentId: checklistId });
    expect(lastReply()).toContain('有效编号为 1–27');

    // The customer-lead's reply is accepted and the card is patched in place.
    clock.set('2026-09-29T02:12:00Z');
    await say('确认 3 https://mail.example.com/plan-signed', { senderId: 'ou_lead', parentId: checklistId, messageId: 'om_lead_reply' });
    expect(lastReply()).toContain('已确认');
    expect(lastReply()).toContain('王经理');
    const patches = app.feishu.sent().filter((c) => c.kind === 'patch');
    expect(patches.map((p) => p.messageId)).toEqual([checklistId]);
    expect(JSON.stringify(patches[0]!.card)).toMatch(/3\.\*\* ✅ 王经理 已确认 09-29 10:12/);
    expect(JSON.stringify(patches[0]!.card)).toContain('1/27');

    // Confirming twice is harmless; the button does the same as a reply.
    await say('确认 3', { senderId: 'ou_lead', parentId: checklistId });
    expect(lastReply()).toContain('已由 王经理 确认');
    const button = JSON.stringify(created[0]!.card).includes('"type":"confirm","item":5');
    expect(button).toBe(true);
    await app.postFeishu(feishuCardAction({ value: { type: 'confirm', item: 5 }, token, messageId: checklistId, chatId: 'oc_group1', userId: 'ou_lead' }), { timestamp: ts() });
    await app.idle();

    // Export: CLI (JSON and CSV) and the API agree, with the literal text and the evidence id.
    const cli = await cliRun(app.env, ['signoffs', '--project', 'feishu:oc_group1', '--json']);
    expect(cli.code).toBe(0);
    const trail = JSON.parse(cli.out);
    expect(trail.slice(0, 2).map((e: { action: string }) => e.action)).toEqual(['role-nominate', 'role-accept']);
    const rows = trail.slice(2);
    expect(rows[0]).toMatchObject({
      projectId: 'feishu:oc_group1',
      action: 'confirm',
      itemId: 'training-plan-signed',
      itemText: '培训方案和时间计划已由客户项目负责人签字确认',
      userId: 'ou_lead',
      userName: '王经理',
      role: 'customer-lead',
      at: '2026-09-29T10:12:00+08:00',
      via: 'reply',
      platform: 'feishu',
      evidenceMessageId: 'om_lead_reply',
      text: '确认 3 https://mail.example.com/plan-signed',
    });
    // The link kept with it: its own event of the trail.
    expect(rows[1]).toMatchObject({ action: 'evidence', itemId: 'evidence:training-plan-signed', userId: 'ou_lead', evidenceMessageId: 'om_lead_reply', evidence: { signoffSeq: rows[0].seq, source: 'link', url: 'https://mail.example.com/plan-signed' } });
    expect(rows[2]).toMatchObject({ itemId: 'leaders-training-scheduled', via: 'button', evidenceMessageId: checklistId });
    expect(rows).toHaveLength(3);
    const csv = await cliRun(app.env, ['signoffs', '--project', 'feishu:oc_group1', '--csv']);
    expect(csv.out.split(/\r?\n/)[0]).toBe('seq,projectId,action,itemId,itemText,userId,userName,role,at,via,platform,evidenceMessageId,text,subjectId,subjectName,org,roleGrant,evidence,hash');
    expect(csv.out).toContain('role-accept,role:customer-lead');
    expect(csv.out).toMatch(/确认 3 https:\/\/mail.example.com\/plan-signed,,,,"role given in chat by ou_admin, accepted by them 09-29 \d\d:\d\d, organisation t1 \(the customer organisation\)"/);
    expect(csv.out).toContain('om_lead_reply,确认 3 https://mail.example.com/plan-signed');
    const api = await json(await fetch(`${app.url}/api/projects/feishu:oc_group1/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
    expect(api.signoffs).toEqual(trail);
    expect((await fetch(`${app.url}/api/projects`)).status).toBe(401);

    // Undo: only by the person who confirmed or the admin; the undo is itself audited.
    await say('撤销 3', { senderId: 'ou_member', parentId: checklistId });
    expect(lastReply()).toContain('只能由确认人 王经理 或项目管理员撤销');
    await say('撤销 3', { senderId: 'ou_admin', parentId: checklistId, messageId: 'om_admin_undo' });
    expect(lastReply()).toContain('已撤销');
    const after = await openLowdbStore(app.dbFile, { readOnly: true }); // the app still holds it
    expect((await after.listSignoffs('feishu:oc_group1')).map((e) => `${e.action} ${e.itemId}`)).toEqual(['role-nominate role:customer-lead', 'role-accept role:customer-lead', 'confirm training-plan-signed', 'evidence evidence:training-plan-signed', 'confirm leaders-training-scheduled', 'undo training-plan-signed']);
  });

  it('undo button: someone else\'s press is refused naming who may undo; the confirmer\'s works and the card is patched', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const say = async (text: string, o: { senderId: string; parentId?: string }) => {
      await app.postFeishu(feishuTextEvent({ text, token, chatId: 'oc_undo', ...o }), { timestamp: ts() });
      await app.idle();
    };
    const press = async (userId: string, messageId: string, item: number) => {
      const res = await app.postFeishu(feishuCardAction({ value: { type: 'undo', item }, token, messageId, chatId: 'oc_undo', userId }), { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const lastReply = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'reply').at(-1)?.card);
    const patches = () => app.feishu.sent().filter((c) => c.kind === 'patch');
    const undoValue = '"type":"undo","item":3';

    app.feishu.names.set('ou_lead', '王经理');
    await say('@bot 绑定项目 U 上线日期 2026-10-20', { senderId: 'ou_admin' });
    await say('@bot 设置角色 @ou_lead 客户项目负责人', { senderId: 'ou_admin' });
    await say('@bot 接受角色', { senderId: 'ou_lead' });
    const checklistId: string = (await json(await runJob(app))).results[0].messageId;
    await say('确认 3 https://mail.example.com/plan-signed', { senderId: 'ou_lead', parentId: checklistId });
    expect(JSON.stringify(patches().at(-1)!.card)).toContain(undoValue);

    await press('ou_member', checklistId, 3);
    expect(lastReply()).toContain('无权撤销');
    expect(lastReply()).toContain('只能由确认人 王经理 或项目管理员撤销');
    expect(patches()).toHaveLength(1);

    await press('ou_lead', checklistId, 3);
    expect(lastReply()).toContain('已撤销');
    expect(patches()).toHaveLength(2);
    const patched = patches().at(-1)!;
    expect(patched.messageId).toBe(checklistId);
    expect(JSON.stringify(patched.card)).toMatch(/3\.\*\* (⏰ 即将到期|⬜ 待办) 培训方案和时间计划/);
    expect(JSON.stringify(patched.card)).not.toContain(undoValue);
    expect(JSON.stringify(patched.card)).toContain('"type":"confirm","item":3');
    const rows = (await json(await fetch(`${app.url}/api/projects/feishu:oc_undo/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).signoffs;
    expect(rows.map((e: { action: string; userId: string; via: string }) => `${e.action} ${e.userId} ${e.via}`)).toEqual(['role-nominate ou_admin reply', 'role-accept ou_lead reply', 'confirm ou_lead reply', 'evidence ou_lead reply', 'undo ou_lead button']);
    expect(rows[4]).toMatchObject({ itemId: 'training-plan-signed', evidenceMessageId: checklistId });
  });

  it('leaves unrelated group chatter alone and refers "@bot 确认 3" to the latest checklist', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const say = async (text: string, o: { senderId: string; parentId?: string }) => {
      await app.postFeishu(feishuTextEvent({ text, token, chatId: 'oc_group2', ...o }), { timestamp: Math.floor(clock.now().getTime() / 1000) });
      await app.idle();
    };
    await say('@bot 绑定项目 B 上线日期 2026-10-20', { senderId: 'ou_admin' });
    await say('@bot 清单', { senderId: 'ou_admin' });
    const before = app.feishu.sent().length;
    await say('确认 13', { senderId: 'ou_x' }); // no mention, not a reply: not for the bot
    await say('大家辛苦了', { senderId: 'ou_x', parentId: 'om_sent_2' }); // chatter in the checklist thread
    expect(app.feishu.sent()).toHaveLength(before);
    await say('@bot 确认 13', { senderId: 'ou_x' }); // item 13 is for anyone
    expect(JSON.stringify(app.feishu.sent().at(-2)?.card)).toContain('已确认');
    expect(app.feishu.sent().at(-1)?.kind).toBe('patch');
  });
});

describe('daily post across restarts (real wiring, fake clock)', () => {
  it('catches up at start-up after missing 09:00, and a restart after posting does not post again', async () => {
    const clock = fixedClock('2026-10-08T00:30:00Z'); // 08:30 in Shanghai, first working day after National Day
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    await app.postFeishu(feishuTextEvent({ text: '@bot 绑定项目 R 上线日期 2026-10-30', token: app.env.FEISHU_VERIFICATION_TOKEN, chatId: 'oc_r', senderId: 'ou_admin' }), { timestamp: Math.floor(clock.now().getTime() / 1000) });
    await app.idle();
    const creates = () => app.feishu.sent().filter((c) => c.kind === 'create');
    expect(creates()).toHaveLength(0); // before posting time
    clock.set('2026-10-08T03:00:00Z'); // 11:00: the bot "was down" at 09:00
    await app.restart();
    expect(creates()).toHaveLength(1);
    expect(JSON.stringify(creates()[0]!.card)).toContain('T-22');
    await app.restart();
    expect((await json(await runJob(app))).results[0].outcome).toBe('already-posted');
    expect(creates()).toHaveLength(1);
  });
});

describe('checklists and sign-offs through Slack', () => {
  it('bind → customer-lead → checklist → member refused in thread → lead accepted → chat.update → API', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const send = async (text: string, o: { user: string; threadTs?: string; type?: 'app_mention' | 'message'; ts?: string }) => {
      const res = await app.postSlack(slackEvent({ text, channel: 'C0PROJ1', ...o }));
      expect(res.status).toBe(200);
      await app.idle();
    };
    const lastText = () => JSON.stringify(app.slack.sent().at(-1));
    await send('@bot bind project ACME go-live 2026-10-20 tz Asia/Shanghai', { user: 'U0ADMIN' });
    expect(lastText()).toContain('Project bound');
    await send('@bot set role <@U0LEAD> customer-lead', { user: 'U0ADMIN' });
    expect(lastText()).toContain('Role awaiting acceptance');
    const nomination = app.slack.sent().at(-1)!;
    const acceptValue = nomination.blocks.flatMap((b: { type: string; elements?: { value?: string }[] }) => (b.type === 'actions' ? b.elements! : [])).map((e: { value?: string }) => e.value).find((v: string | undefined) => v?.includes('"accept"')) as string;
    expect(JSON.parse(acceptValue)).toEqual({ type: 'role', answer: 'accept', user: 'U0LEAD', role: 'customer-lead' });
    await app.postSlack(slackAction({ value: acceptValue, messageTs: nomination.body.ts ?? '1700000000.000001', channel: 'C0PROJ1', user: 'U0LEAD' }));
    await app.idle();
    expect(lastText()).toContain('accepted and is now');

    const job = await json(await runJob(app));
    expect(job.results[0]).toMatchObject({ projectId: 'slack:C0PROJ1', outcome: 'posted' });
    const checklistTs: string = job.results[0].messageId;
    expect(JSON.stringify(app.slack.sent().find((c) => c.api === 'chat.postMessage' && JSON.stringify(c).includes('Go-live readiness')))).toContain('customer-lead');

    await send('confirm 3', { user: 'U0MEMBER', type: 'message', threadTs: checklistTs, ts: '1700009999.000001' });
    expect(lastText()).toContain('must be confirmed by the customer-lead');
    expect(app.slack.sent().filter((c) => c.api === 'chat.update')).toHaveLength(0);

    await send('confirm 3 <https://mail.example.com/plan-signed>', { user: 'U0LEAD', type: 'message', threadTs: checklistTs, ts: '1700009999.000002' });
    const updates = app.slack.sent().filter((c) => c.api === 'chat.update');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0])).toContain(checklistTs);
    expect(JSON.stringify(updates[0])).toContain('1/27');

    const api = await json(await fetch(`${app.url}/api/projects/slack:C0PROJ1/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
    expect(api.signoffs).toEqual([
      expect.objectContaining({ action: 'role-nominate', userId: 'U0ADMIN', subjectId: 'U0LEAD', via: 'reply' }),
      expect.objectContaining({ action: 'role-accept', userId: 'U0LEAD', subjectId: 'U0LEAD', via: 'button', org: 'T0001' }),
      expect.objectContaining({ itemId: 'training-plan-signed', userId: 'U0LEAD', role: 'customer-lead', text: 'confirm 3 <https://mail.example.com/plan-signed>', evidenceMessageId: '1700009999.000002', via: 'reply', platform: 'slack', roleGrant: expect.objectContaining({ source: 'chat', by: 'U0ADMIN', org: 'T0001', orgChecked: true }) }),
      expect.objectContaining({ action: 'evidence', itemId: 'evidence:training-plan-signed', userId: 'U0LEAD', evidence: expect.objectContaining({ source: 'link', url: 'https://mail.example.com/plan-signed' }) }),
    ]);
    const projects = await json(await fetch(`${app.url}/api/projects`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
    expect(projects.projects.map((p: { id: string }) => p.id)).toEqual(['slack:C0PROJ1']);
  });

  it('an answer in the project channel shows the checklist item behind the rule; its confirm button signs off', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const send = async (text: string, o: { user: string; channel?: string }) => {
      await app.postSlack(slackEvent({ text, channel: o.channel ?? 'C0PROJ2', user: o.user }));
      await app.idle();
    };
    const lastPost = () => app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)!;
    await send('@bot bind project ACME go-live 2026-10-20 tz Asia/Shanghai', { user: 'U0ADMIN' });
    await send('@bot set role <@U0PM> vendor-pm', { user: 'U0ADMIN' });
    const checklistTs: string = (await json(await runJob(app))).results[0].messageId;

    await send('@bot 培训人数多怎么办', { user: 'U0MEMBER' });
    const answer = JSON.stringify(lastPost().blocks);
    expect(answer).toContain('5.2-10');
    expect(answer).toContain('本项目清单 第4项「每场培训人数不超过60人');
    expect(answer).toContain('需项目经理确认');
    const button = lastPost().blocks.flatMap((b: { type: string; elements?: { value?: string }[] }) => (b.type === 'actions' ? b.elements! : [])).find((e: { value?: string }) => e.value === '{"type":"confirm","item":4}');
    expect(button).toBeDefined();

    // The click arrives on the answer message (any ts that is not a checklist's).
    const answerTs = '1700000100.999999';
    await app.postSlack(slackAction({ value: button!.value!, messageTs: answerTs, channel: 'C0PROJ2', user: 'U0PM' }));
    await app.idle();
    const updates = app.slack.sent().filter((c) => c.api === 'chat.update');
    expect(updates.map((u) => u.body.ts)).toEqual([checklistTs]);
    expect(JSON.stringify(updates[0]!.blocks)).toContain('1/27');
    const rows = (await json(await fetch(`${app.url}/api/projects/slack:C0PROJ2/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).signoffs;
    expect(rows).toEqual([expect.objectContaining({ action: 'role-grant', subjectId: 'U0PM' }), expect.objectContaining({ itemId: 'training-session-size', userId: 'U0PM', role: 'vendor-pm', via: 'button', evidenceMessageId: answerTs })]);

    // In a channel without a project the same question gets the rulebook's answer only.
    await send('@bot 培训人数多怎么办', { user: 'U0MEMBER', channel: 'C0OTHER' });
    expect(JSON.stringify(lastPost().blocks)).toContain('5.2-10');
    expect(JSON.stringify(lastPost().blocks)).not.toContain('本项目清单');
    expect(JSON.stringify(lastPost().blocks)).not.toContain('"type\\":\\"confirm');
  });

  it('keeps the admin job endpoint off without ADMIN_TOKEN', async () => {
    t = await startTestApp({ clock: fixedClock(START), env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    expect((await runJob(t, undefined)).status).toBe(404);
  });
});
