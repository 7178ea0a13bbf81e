import { randomUUID } from 'node:crypto';
import { encrypt, sign } from '../../adapters/feishu/crypto.ts';
import { FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.ts';

export { FAKE_BOT_OPEN_ID };

/** Body + headers of a Feishu webhook request: encrypted and signed when `encryptKey` is given. */
export function feishuRequest(payload: unknown, opts: { encryptKey?: string; timestamp?: number; nonce?: string } = {}): { body: string; headers: Record<string, string> } {
  const plain = JSON.stringify(payload);
  if (!opts.encryptKey) return { body: plain, headers: { 'content-type': 'application/json' } };
  const body = JSON.stringify({ encrypt: encrypt(opts.encryptKey, plain) });
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomUUID();
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': sign(ts, nonce, opts.encryptKey, body) },
  };
}

let seq = 0;

/**
 * A v2 im.message.receive_v1 envelope. `text` may contain `@bot` (becomes the bot's
 * mention) and `@ou_xxx` (a mention of that user).
 */
export function feishuTextEvent(o: {
  text: string;
  token?: string;
  chatId?: string;
  chatType?: 'group' | 'p2p';
  senderId?: string;
  senderType?: 'user' | 'app';
  messageId?: string;
  parentId?: string;
  rootId?: string;
  eventId?: string;
  botOpenId?: string;
}) {
  const n = ++seq;
  const mentions: { key: string; id: { open_id: string; union_id: string; user_id: string }; name: string; tenant_key: string }[] = [];
  const text = o.text.replace(/@(bot|ou_[A-Za-z0-9]+)/g, (_m, who: string) => {
    const key = `@_user_${mentions.length + 1}`;
    const openId = who === 'bot' ? (o.botOpenId ?? FAKE_BOT_OPEN_ID) : who;
    mentions.push({ key, id: { open_id: openId, union_id: `on_${openId}`, user_id: '' }, name: who === 'bot' ? 'OA Bot' : who, tenant_key: 't1' });
    return key;
  });
  return {
    schema: '2.0',
    header: { event_id: o.eventId ?? `ev_${Date.now()}_${n}`, event_type: 'im.message.receive_v1', create_time: String(Date.now()), token: o.token ?? '', app_id: 'cli_test', tenant_key: 't1' },
    event: {
      sender: { sender_id: { open_id: o.senderId ?? 'ou_user1', union_id: 'on_user1', user_id: '' }, sender_type: o.senderType ?? 'user', tenant_key: 't1' },
      message: {
        message_id: o.messageId ?? `om_in_${n}`,
        ...(o.rootId ? { root_id: o.rootId } : {}),
        ...(o.parentId ? { parent_id: o.parentId } : {}),
        create_time: String(Date.now()),
        chat_id: o.chatId ?? 'oc_group1',
        chat_type: o.chatType ?? 'group',
        message_type: 'text',
        content: JSON.stringify({ text }),
        ...(mentions.length ? { mentions } : {}),
      },
    },
  };
}

/** A v2 card.action.trigger callback for a button whose value is `value`. */
export function feishuCardAction(o: { value: unknown; token?: string; messageId: string; chatId?: string; userId?: string; eventId?: string }) {
  const n = ++seq;
  return {
    schema: '2.0',
    header: { event_id: o.eventId ?? `ev_card_${Date.now()}_${n}`, event_type: 'card.action.trigger', create_time: String(Date.now() * 1000), token: o.token ?? '', app_id: 'cli_test', tenant_key: 't1' },
    event: {
      operator: { tenant_key: 't1', open_id: o.userId ?? 'ou_user1', union_id: 'on_user1' },
      token: `c-${n}`,
      action: { tag: 'button', value: o.value },
      host: 'im_message',
      context: { open_message_id: o.messageId, open_chat_id: o.chatId ?? 'oc_group1' },
    },
  };
}
