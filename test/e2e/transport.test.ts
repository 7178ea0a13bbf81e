import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFeishuCard } from '../../adapters/feishu/render.ts';
import { renderSlackBlocks } from '../../adapters/slack/render.ts';
import type { Handler } from '../../src/core/bot.ts';
import type { Card } from '../../src/core/card.ts';
import type { Incoming } from '../../src/core/message.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';
import { slackEvent } from '../helpers/slack.ts';

const card: Card = { title: '今日清单', tone: 'info', fallback: '今日清单 @{X}', blocks: [{ type: 'text', md: '**1** 培训 ✅' }] };

// A probe handler: records what the core receives, answers nothing.
const seen: Incoming[] = [];
const probe: Handler = async (ctx) => {
  seen.push(ctx.msg);
  return true;
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ handlers: [probe] });
  t.feishu.names.set('ou_named', '张三');
  t.slack.names.set('U0NAMED', 'Li Si');
});
afterAll(() => t.close());

describe('transports used for scheduled posts (checklists)', () => {
  it('Feishu: post → im.message.create to the chat; update → im.message.patch of that message', async () => {
    const chat = { platform: 'feishu' as const, chatId: 'oc_g9', chatType: 'group' as const };
    const { messageId } = await t.app.bot.transport('feishu').post(chat, card);
    await t.app.bot.transport('feishu').update(chat, messageId, card);
    const [create, patch] = t.feishu.sent();
    expect(create!.kind).toBe('create');
    expect(create!.query).toEqual({ receive_id_type: 'chat_id' });
    expect(create!.body).toMatchObject({ receive_id: 'oc_g9', msg_type: 'interactive' });
    expect(create!.card).toEqual(renderFeishuCard(card));
    expect(patch!.kind).toBe('patch');
    expect(patch!.messageId).toBe(messageId);
    expect(patch!.card).toEqual(renderFeishuCard(card));
  });

  it('Slack: post → chat.postMessage at top level; update → chat.update of that ts', async () => {
    const chat = { platform: 'slack' as const, chatId: 'C0G9', chatType: 'group' as const };
    const { messageId } = await t.app.bot.transport('slack').post(chat, card);
    await t.app.bot.transport('slack').update(chat, messageId, card);
    const [post, update] = t.slack.sent();
    expect(post!.api).toBe('chat.postMessage');
    expect(post!.body.thread_ts).toBeUndefined();
    expect(post!.blocks).toEqual(renderSlackBlocks(card));
    expect(post!.body.text).toBe('今日清单 @{X}'); // the fallback is plain text: the blocks carry the mentions
    expect(update!.api).toBe('chat.update');
    expect(update!.body).toMatchObject({ channel: 'C0G9', ts: messageId });
  });
});

describe('what the core receives', () => {
  it('Feishu: display name from contact, mentions, thread parent', async () => {
    await t.postFeishu(feishuTextEvent({ text: '@bot 确认 3 @ou_zhang', token: t.env.FEISHU_VERIFICATION_TOKEN, senderId: 'ou_named', parentId: 'om_checklist', messageId: 'om_r1' }));
    await new Promise((r) => setTimeout(r, 50));
    await t.idle();
    const m = seen.find((x) => x.kind === 'text' && x.messageId === 'om_r1');
    expect(m).toMatchObject({ kind: 'text', text: '确认 3 @{ou_zhang}', mentionsBot: true, replyTo: 'om_checklist', user: { id: 'ou_named', name: '张三', isBot: false } });
  });

  it('Slack: display name from users.info, thread root', async () => {
    await t.postSlack(slackEvent({ type: 'message', text: '确认 3', user: 'U0NAMED', ts: '1700000500.1', threadTs: '1700000100.000001' }));
    await new Promise((r) => setTimeout(r, 50));
    await t.idle();
    const m = seen.find((x) => x.kind === 'text' && x.messageId === '1700000500.1');
    expect(m).toMatchObject({ text: '确认 3', mentionsBot: false, replyTo: '1700000100.000001', user: { id: 'U0NAMED', name: 'Li Si' }, chat: { chatType: 'group' } });
  });
});
