import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { checkInCode } from '../../src/training/code.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';

/**
 * Planning a session on the dashboard's training page (issue 15, "created ... on the project's
 * dashboard page"): the chat's decision, its audit event via web, the sign-up card posted in the
 * group through fake Feishu; a refusal shown on the page with nothing written; same-origin only.
 */

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('planning a training session on the dashboard', () => {
  it('creates it as 新建培训 would, posts its card in the group, and refuses above 60 without a reason', async () => {
    const clock = fixedClock('2026-12-01T01:00:00Z');
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    expect((await app.postFeishu(feishuTextEvent({ text: '@bot 绑定项目 ACME OA 上线日期 2026-12-20', token, chatId: 'oc_web', senderId: 'ou_admin' }), { timestamp: Math.floor(clock.now().getTime() / 1000) })).status).toBe(200);
    await app.idle();
    const path = `/dashboard/projects/${encodeURIComponent('feishu:oc_web')}/training`;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const form = (over: Record<string, string> = {}) =>
      new URLSearchParams({ date: '2026-12-10', from: '14:00', to: '16:00', audience: 'middle', delivery: 'onsite', where: '三楼会议室', trainer: 'customer-admin', capacity: '40', title: '审批流程', departments: '财务部、人事部', duty: '回部门给同事讲一遍', exercises: 'https://x.example/ex.pdf', ...over }).toString();
    const post = (body: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { method: 'POST', redirect: 'manual', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

    const page0 = await (await fetch(`${app.url}${path}`, { headers: auth })).text();
    expect(page0).toContain('id="plan-form"');

    const res = await post(form());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${path}?created=1#plan-created`);
    await app.idle();
    const card = app.feishu.sent().find((c) => c.kind === 'create' && JSON.stringify(c.card).includes('培训报名 #1'))!;
    expect(JSON.stringify(card.card)).toContain('仪表板新建了培训 &#35;1');
    expect(JSON.stringify(card.card)).toContain('学员职责: 回部门给同事讲一遍');
    expect(card.body.receive_id).toBe('oc_web');
    const shown = await (await fetch(`${app.url}${path}?created=1`, { headers: auth })).text();
    expect(shown).toContain('已新建培训 #1,报名卡片已发到群里');
    const s = (await app.app.bot.deps.store.getSession('feishu:oc_web', 1))!;
    expect(s).toMatchObject({ title: '审批流程', audience: 'middle', trainer: 'customer-admin', capacity: 40, departments: ['财务部', '人事部'], duty: '回部门给同事讲一遍', delivery: { kind: 'onsite', place: '三楼会议室' } });
    const trail = await app.app.bot.deps.store.listSignoffs('feishu:oc_web');
    expect(trail.at(-1)).toMatchObject({ action: 'training-create', via: 'web', userId: 'web' });

    // Above 60 with no reason: refused on the page with 5.2-10's countermeasure; nothing written, nothing posted.
    const posts = app.feishu.sent().length;
    const refused = await post(form({ capacity: '80' }));
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toContain('id="plan-error"');
    expect(text).toContain('5.2-10: 单场培训人员控制在60人以下');
    expect(await app.app.bot.deps.store.getSession('feishu:oc_web', 2)).toBeUndefined();
    expect(app.feishu.sent()).toHaveLength(posts);
    // A bad form says what is wrong; a cross-site post is refused before anything is read.
    expect(await (await post(form({ where: 'ftp://x', delivery: 'video' }))).text()).toContain('链接须为 http(s) 地址');
    expect((await post(form(), { origin: 'http://evil.example' })).status).toBe(403);
    expect(await app.app.bot.deps.store.getSession('feishu:oc_web', 2)).toBeUndefined();
  }, 30_000);
});

describe('checking in by direct message', () => {
  it('takes 签到 with the room code sent to the bot directly, for the one open session the sender signed up to; says so when there is none', async () => {
    const SECRET = 'code-secret-TEST-0123456789abcdef0123456789';
    const clock = fixedClock('2026-12-01T01:00:00Z');
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, TRAINING_CODE_SECRET: SECRET, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const say = async (text: string, senderId: string, chat: { chatId: string; chatType?: 'group' | 'p2p' }) => {
      expect((await app.postFeishu(feishuTextEvent({ text, token, senderId, ...chat }), { timestamp: ts() })).status).toBe(200);
      await app.idle();
    };
    const group = { chatId: 'oc_dm_room' };
    await say('@bot 绑定项目 ACME OA 上线日期 2026-12-20', 'ou_admin', group);
    await say('@bot 新建培训 12-10 14:00-16:00 普通员工 上限10 地点 三楼 签到码 必须', 'ou_admin', group);
    const card = app.feishu.sent().find((c) => c.kind === 'create' && JSON.stringify(c.card).includes('培训报名 #1'))!;
    expect((await app.postFeishu(feishuCardAction({ value: { type: 'training', op: 'signup', no: 1 }, token, messageId: card.response.data.message_id, chatId: group.chatId, userId: 'ou_a' }), { timestamp: ts() })).status).toBe(200);
    await app.idle();
    const dm = { chatId: 'oc_p2p_a', chatType: 'p2p' as const };
    const lastDmReply = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'reply').at(-1)!.card);

    // Before the window: nothing open for ou_a.
    await say('签到 1 1234', 'ou_a', dm);
    expect(lastDmReply()).toContain('现在没有你报名的培训开放签到');
    clock.set(new Date('2026-12-10T13:55:00+08:00'));
    await say('签到 1 0000', 'ou_a', dm);
    expect(lastDmReply()).toContain('签到码不对');
    const code = checkInCode(SECRET, 'feishu:oc_dm_room#1', clock.now());
    await say(`签到 ${code}`, 'ou_a', dm); // the code alone: the one open session decides
    expect(lastDmReply()).toContain('签到成功');
    const s = (await app.app.bot.deps.store.getSession('feishu:oc_dm_room', 1))!;
    expect(s.checkIns).toMatchObject([{ userId: 'ou_a', kind: 'check-in', code: true }]);
    // Someone who did not sign up has nothing open to them here.
    await say(`签到 1 ${code}`, 'ou_x', dm);
    expect(lastDmReply()).toContain('现在没有你报名的培训开放签到');
    // Nothing of it reached the group, and no code was echoed anywhere.
    expect(app.feishu.sent().filter((c) => c.kind === 'reply' && c.messageId && JSON.stringify(c.card).includes(code))).toEqual([]);
  }, 30_000);
});

describe('signing up per department', () => {
  it('a session for several departments gets a 报名 button per department; the card counts sign-ups per department, a cancel frees one', async () => {
    const clock = fixedClock('2026-12-01T01:00:00Z');
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const chatId = 'oc_dept';
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    expect((await app.postFeishu(feishuTextEvent({ text: '@bot 绑定项目 ACME OA 上线日期 2026-12-20', token, chatId, senderId: 'ou_admin' }), { timestamp: ts() })).status).toBe(200);
    await app.idle();
    expect((await app.postFeishu(feishuTextEvent({ text: '@bot 新建培训 12-10 14:00-16:00 普通员工 上限10 地点 三楼 部门 财务部、人事部', token, chatId, senderId: 'ou_admin' }), { timestamp: ts() })).status).toBe(200);
    await app.idle();
    const card = app.feishu.sent().find((c) => c.kind === 'create' && JSON.stringify(c.card).includes('培训报名 #1'))!;
    const text = JSON.stringify(card.card);
    expect(text).toContain('报名 · 财务部');
    expect(text).toContain('报名 · 人事部');
    const id: string = card.response.data.message_id;
    const press = async (value: object, userId: string) => {
      expect((await app.postFeishu(feishuCardAction({ value, token, messageId: id, chatId, userId }), { timestamp: ts() })).status).toBe(200);
      await app.idle();
    };
    for (const [u, d] of [['ou_a', 0], ['ou_b', 0], ['ou_c', 1]] as const) await press({ type: 'training', op: 'signup', no: 1, d }, u);
    const updated = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'patch').at(-1)!.card);
    expect(updated()).toContain('财务部 2、人事部 1');
    await press({ type: 'training', op: 'cancel', no: 1 }, 'ou_b');
    expect(updated()).toContain('财务部 1、人事部 1');
    // A department index the session does not have changes nothing.
    await press({ type: 'training', op: 'signup', no: 1, d: 7 }, 'ou_x');
    const s = (await app.app.bot.deps.store.getSession(`feishu:${chatId}`, 1))!;
    expect(s.signedUp).toEqual(['ou_a', 'ou_c']);
    expect(s.departmentOf).toEqual({ ou_a: '财务部', ou_c: '人事部' });
  }, 30_000);
});
