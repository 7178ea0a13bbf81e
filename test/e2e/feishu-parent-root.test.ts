import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('Feishu: a reply with parent_id but no root_id', () => {
  it('is tied to the checklist through the parent message (GET im/v1/messages/:id, its root_id)', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const say = async (text: string, o: { senderId: string; parentId?: string; rootId?: string; messageId?: string }) => {
      const res = await app.postFeishu(feishuTextEvent({ text, token, chatId: 'oc_pr', ...o }), { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const lastReply = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'reply').at(-1)?.card);
    const gets = () => app.feishu.calls.filter((c) => c.method === 'GET' && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(c.path)).map((c) => c.path.split('/').at(-1));

    await say('@bot 绑定项目 ACME OA 上线日期 2026-10-20', { senderId: 'ou_admin' });
    await say('@bot 设置角色 @ou_pm 项目经理', { senderId: 'ou_admin' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const checklistId = job.results[0]!.messageId;
    // A colleague's message in the checklist's thread: the API says its root is the checklist.
    app.feishu.messages.set('om_colleague', { chatId: 'oc_pr', msgType: 'text', content: { text: '计划已发客户' }, rootId: checklistId, parentId: checklistId });

    // 1. 确认 1 replying to it, the event with parent_id only: looked up, tied to the checklist
    // (before, the parent stood for the root and the confirm was not tied to any checklist).
    await say('确认 1', { senderId: 'ou_pm', parentId: 'om_colleague', messageId: 'om_c1' });
    expect(gets()).toContain('om_colleague');
    expect(lastReply()).toContain('已确认');

    // 2. A parent the API cannot find: the event is taken as it came (the parent stands for the root), not tied.
    await say('确认 2', { senderId: 'ou_pm', parentId: 'om_unknown', messageId: 'om_c2' });
    expect(gets()).toContain('om_unknown');
    expect(lastReply()).not.toContain('已确认');

    // 3. The lookup answered 500 once: tried again like any other call, and the confirm is tied.
    app.feishu.messages.set('om_colleague2', { chatId: 'oc_pr', msgType: 'text', content: { text: '已发' }, rootId: checklistId, parentId: checklistId });
    app.feishu.failNext((c) => c.method === 'GET' && c.path.endsWith('/om_colleague2'), 1, 500);
    await say('确认 2', { senderId: 'ou_pm', parentId: 'om_colleague2', messageId: 'om_c3' });
    // The refused get, its retry, and the sign-off's own look at the message for evidence.
    expect(gets().filter((id) => id === 'om_colleague2')).toHaveLength(3);
    expect(lastReply()).toContain('已确认');
  });
});
