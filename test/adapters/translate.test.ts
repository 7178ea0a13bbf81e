import { describe, expect, it } from 'vitest';
import { cardActionToIncoming, messageToIncoming } from '../../adapters/feishu/translate.ts';
import { slackActionToIncoming, slackMessageToIncoming } from '../../adapters/slack/translate.ts';
import { feishuCardAction, feishuTextEvent, FAKE_BOT_OPEN_ID } from '../helpers/feishu.ts';

const now = new Date('2026-11-28T02:00:00Z');
// The dispatcher flattens the v2 envelope: header and event fields at the top level.
const flat = (e: { header: object; event: object }) => ({ ...e.header, ...e.event }) as any;

describe('Feishu im.message.receive_v1 → TextMessage', () => {
  it('removes the bot mention, keeps others as @{open_id}, replyTo = the thread root (root_id before parent_id)', () => {
    const m = messageToIncoming(flat(feishuTextEvent({ text: '@bot 确认 3 @ou_zhang', parentId: 'om_card', rootId: 'om_root' })), FAKE_BOT_OPEN_ID, now)!;
    expect(m.text).toBe('确认 3 @{ou_zhang}');
    expect(m.mentionsBot).toBe(true);
    expect(m.mentions).toEqual([{ id: 'ou_zhang', name: 'ou_zhang', isBot: false }]);
    expect(m.replyTo).toBe('om_root');
    expect(messageToIncoming(flat(feishuTextEvent({ text: '@bot 确认 3', parentId: 'om_card' })), FAKE_BOT_OPEN_ID, now)!.replyTo).toBe('om_card');
    expect(m.chat).toEqual({ platform: 'feishu', chatId: 'oc_group1', chatType: 'group' });
  });

  it('replaces mention keys longest first (@_user_1 is a prefix of @_user_10), and keys the message by its message id', () => {
    const e = flat(feishuTextEvent({ text: 'hi', messageId: 'om_many' }));
    const ids = Array.from({ length: 11 }, (_, i) => `ou_p${i + 1}`);
    e.message!.mentions = ids.map((id, i) => ({ key: `@_user_${i + 1}`, id: { open_id: id }, name: id }));
    e.message!.content = JSON.stringify({ text: ids.map((_, i) => `@_user_${i + 1}`).join(' ') });
    const m = messageToIncoming(e, FAKE_BOT_OPEN_ID, now)!;
    expect(m.text).toBe(ids.map((id) => `@{${id}}`).join(' '));
    expect(m.eventId).toBe('msg:om_many');
  });

  it('no bot mention in a group; p2p is direct; app senders are bots', () => {
    expect(messageToIncoming(flat(feishuTextEvent({ text: 'hi' })), FAKE_BOT_OPEN_ID, now)!.mentionsBot).toBe(false);
    expect(messageToIncoming(flat(feishuTextEvent({ text: 'hi', chatType: 'p2p' })), FAKE_BOT_OPEN_ID, now)!.chat.chatType).toBe('direct');
    expect(messageToIncoming(flat(feishuTextEvent({ text: 'hi', senderType: 'app' })), FAKE_BOT_OPEN_ID, now)!.user.isBot).toBe(true);
    expect(messageToIncoming(flat(feishuTextEvent({ text: 'hi', rootId: 'om_root' })), FAKE_BOT_OPEN_ID, now)!.replyTo).toBe('om_root');
  });

  it('reads rich-text (post) messages with their mentions', () => {
    const e = flat(feishuTextEvent({ text: '@bot x' }));
    const content = JSON.stringify({ title: '', content: [[{ tag: 'at', user_id: '@_user_1', user_name: 'OA Bot' }, { tag: 'text', text: ' 培训人数多怎么办' }]] });
    const m = messageToIncoming({ ...e, message: { ...e.message, message_type: 'post', content } }, FAKE_BOT_OPEN_ID, now)!;
    expect(m.text).toBe('培训人数多怎么办');
    expect(m.mentionsBot).toBe(true);
  });

  it('drops non-text and malformed messages', () => {
    const e = flat(feishuTextEvent({ text: 'x' }));
    expect(messageToIncoming({ ...e, message: { ...e.message, message_type: 'image' } }, FAKE_BOT_OPEN_ID, now)).toBeNull();
    expect(messageToIncoming({ ...e, message: { ...e.message, content: '{' } }, FAKE_BOT_OPEN_ID, now)).toBeNull();
    expect(messageToIncoming({}, FAKE_BOT_OPEN_ID, now)).toBeNull();
  });

  it('card actions: valid Action passes, anything else is refused', () => {
    const ok = cardActionToIncoming(flat(feishuCardAction({ value: { type: 'confirm', item: 3 }, messageId: 'om_c' })), 'group', now);
    expect(ok.ok && ok.msg.action).toEqual({ type: 'confirm', item: 3 });
    expect(cardActionToIncoming(flat(feishuCardAction({ value: { type: 'confirm', item: -1 }, messageId: 'om_c' })), 'group', now).ok).toBe(false);
    expect(cardActionToIncoming(flat(feishuCardAction({ value: 'confirm', messageId: 'om_c' })), 'group', now).ok).toBe(false);
  });
});

describe('Slack events → TextMessage', () => {
  const bot = { userId: 'UBOT' };
  it('app_mention: bot mention removed, others kept, entities unescaped, key channel+ts', () => {
    const m = slackMessageToIncoming({ type: 'app_mention', user: 'U1', text: '<@UBOT> 确认 3 <@U2|li> &lt;ok&gt;', ts: '1.2', channel: 'C1', thread_ts: '1.0' }, bot, true)!;
    expect(m.text).toBe('确认 3 @{U2} <ok>');
    expect(m.mentions).toEqual([{ id: 'U2', isBot: false }]);
    expect(m.eventId).toBe('C1:1.2');
    expect(m.replyTo).toBe('1.0');
    expect(m.mentionsBot).toBe(true);
  });

  it('message: thread replies and DMs pass, top-level channel chatter and subtypes do not', () => {
    expect(slackMessageToIncoming({ user: 'U1', text: 'x', ts: '1.2', channel: 'C1', channel_type: 'channel', thread_ts: '1.0' }, bot, false)!.mentionsBot).toBe(false);
    expect(slackMessageToIncoming({ user: 'U1', text: 'x', ts: '1.2', channel: 'D1', channel_type: 'im' }, bot, false)!.chat.chatType).toBe('direct');
    expect(slackMessageToIncoming({ user: 'U1', text: 'x', ts: '1.2', channel: 'C1', channel_type: 'channel' }, bot, false)).toBeNull();
    expect(slackMessageToIncoming({ user: 'U1', text: 'x', ts: '1.2', channel: 'D1', channel_type: 'im', subtype: 'message_changed' }, bot, false)).toBeNull();
    expect(slackMessageToIncoming({ user: 'U1', text: 'x', ts: '1.2', channel: 'C1', channel_type: 'channel', thread_ts: '1.0', subtype: 'thread_broadcast' }, bot, false)).not.toBeNull();
  });

  it('button values are validated', () => {
    const body = { user: { id: 'U1' }, channel: { id: 'C1' }, message: { ts: '5.5' }, trigger_id: 't1' };
    const ok = slackActionToIncoming(body, '{"type":"undo","item":2}', '9.9', now);
    expect(ok.ok && ok.msg).toMatchObject({ eventId: 'click:t1', messageId: '5.5', action: { type: 'undo', item: 2 } });
    expect(slackActionToIncoming(body, 'not json', '9.9', now).ok).toBe(false);
    expect(slackActionToIncoming(body, '{"type":"undo"}', '9.9', now).ok).toBe(false);
  });
});
