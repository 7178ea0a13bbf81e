import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';

/**
 * Feishu's delivery as its docs describe it (im.message.receive_v1, reply-message):
 * one message may be pushed again under another event_id ("deduplicate on message_id"),
 * and a reply in a thread has root_id = the thread's first message, parent_id = the message
 * answered.
 */
const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z'; // Tuesday 09:00 in Shanghai

describe('Feishu delivery details', () => {
  let t: TestApp;
  let checklistId: string;
  const ts = () => Math.floor(Date.parse(START) / 1000);
  const say = async (text: string, o: { senderId: string; messageId?: string; eventId?: string; parentId?: string; rootId?: string }) => {
    const res = await t.postFeishu(feishuTextEvent({ text, token: t.env.FEISHU_VERIFICATION_TOKEN, chatId: 'oc_deliv', ...o }), { timestamp: ts() });
    expect(res.status).toBe(200);
    await t.idle();
  };
  const replies = () => t.feishu.sent().filter((c) => c.kind === 'reply');

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(START), env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    t.feishu.names.set('ou_lead', '王经理');
    await say('@bot 绑定项目 ACME 上线日期 2026-10-20', { senderId: 'ou_admin' });
    await say('@bot 设置角色 @ou_lead 客户项目负责人', { senderId: 'ou_admin' });
    await say('@bot 接受角色', { senderId: 'ou_lead' });
    const job = (await (await fetch(`${t.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    checklistId = job.results[0]!.messageId;
  });
  afterAll(() => t.close());

  it('answers a message pushed twice under different event ids once', async () => {
    const before = replies().length;
    await say('@bot 培训人数多怎么办', { senderId: 'ou_x', messageId: 'om_twice', eventId: 'ev_first' });
    await say('@bot 培训人数多怎么办', { senderId: 'ou_x', messageId: 'om_twice', eventId: 'ev_second' });
    expect(replies().length - before).toBe(1);
  });

  it('takes "确认 3" in a reply to the bot\'s receipt under the checklist (root_id = the checklist)', async () => {
    await say('确认 3', { senderId: 'ou_lead', parentId: checklistId, rootId: checklistId, messageId: 'om_first_confirm' });
    expect(JSON.stringify(replies().at(-1)!.card)).toContain('已确认');
    // Now a reply to that receipt: parent_id is the receipt, root_id still the checklist.
    await say('确认 5', { senderId: 'ou_lead', parentId: 'om_receipt_of_3', rootId: checklistId, messageId: 'om_deep_reply' });
    expect(JSON.stringify(replies().at(-1)!.card)).toContain('王经理');
    const trail = (await t.app.bot.deps.store.listSignoffs('feishu:oc_deliv')).filter((e) => e.action === 'confirm');
    expect(trail.map((e) => e.evidenceMessageId)).toEqual(['om_first_confirm', 'om_deep_reply']);
  });

  it('says so when a confirm cannot be tied to a checklist', async () => {
    await say('确认 4', { senderId: 'ou_lead', parentId: 'om_some_chat', rootId: 'om_some_chat' });
    expect(JSON.stringify(replies().at(-1)!.card)).toContain('没有找到对应的清单');
    expect((await t.app.bot.deps.store.listSignoffs('feishu:oc_deliv')).filter((e) => e.action === 'confirm')).toHaveLength(2);
  });
});
