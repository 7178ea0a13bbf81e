import { Action, type ActionMessage, type Attachment, type ChatRef, type TextMessage, type UserRef } from '../../src/core/message.ts';

const orgOf = (tenant: unknown): { org?: string } => (typeof tenant === 'string' && tenant.length > 0 && tenant.length <= 64 ? { org: tenant } : {});

/** The flattened im.message.receive_v1 event as the SDK's dispatcher hands it over. */
export interface FeishuMessageEvent {
  event_id?: string;
  /** `tenant_key`: the sender's tenant (organisation); in an external group it differs between the two companies. */
  sender?: { sender_id?: { open_id?: string }; sender_type?: string; tenant_key?: string };
  message?: {
    message_id?: string;
    root_id?: string;
    parent_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    create_time?: string;
    mentions?: { key?: string; id?: { open_id?: string }; name?: string }[];
  };
}

/**
 * Rich text ("post", sent when someone formats a message) → plain text with the same
 * `@_user_N` keys as a text message, so mentions are handled alike.
 */
function postText(c: unknown): string {
  const o = c as { title?: unknown; content?: unknown };
  const paragraphs = Array.isArray(o?.content) ? o.content : [];
  const lines = paragraphs.map((p: unknown) =>
    (Array.isArray(p) ? p : [])
      .map((el: { tag?: string; text?: unknown; user_id?: unknown }) => (el?.tag === 'at' ? ` ${String(el.user_id ?? '')} ` : el?.tag === 'text' || el?.tag === 'a' ? String(el.text ?? '') : ''))
      .join(''),
  );
  return [typeof o?.title === 'string' ? o.title : '', ...lines].filter(Boolean).join('\n');
}

/** A resource of a Feishu message, as an attachment ref: `<message id>|<file|image>|<key>` (fetchAttachment splits it). */
export const resourceRef = (messageId: string, type: 'file' | 'image', key: string) => `${messageId}|${type}|${key}`;

/** The images of a rich-text post (`img` elements with an image_key). */
function postImages(c: unknown, messageId: string): Attachment[] {
  const o = c as { content?: unknown };
  const els = (Array.isArray(o?.content) ? o.content : []).flatMap((p: unknown) => (Array.isArray(p) ? p : [])) as { tag?: string; image_key?: unknown }[];
  return els.flatMap((el) => (el?.tag === 'img' && typeof el.image_key === 'string' && el.image_key ? [{ kind: 'image' as const, name: `${el.image_key}.png`, ref: resourceRef(messageId, 'image', el.image_key) }] : []));
}

/**
 * im.message.receive_v1 → TextMessage, or null for what the core cannot use (non-text
 * messages, malformed events). The bot's own mention is removed from the text; other
 * mentions become `@{open_id}` and are listed in `mentions`.
 */
/** What identifies a Feishu message event: its message id (one message may come with several event ids). */
export const messageKey = (e: FeishuMessageEvent): string | undefined => (e.message?.message_id ? `msg:${e.message.message_id}` : e.event_id);

export function messageToIncoming(e: FeishuMessageEvent, botOpenId: string | undefined, now: Date): TextMessage | null {
  const m = e.message;
  const senderId = e.sender?.sender_id?.open_id;
  if (!m?.message_id || !m.chat_id || !e.event_id || !senderId) return null;
  let text: string;
  let attachments: Attachment[] = [];
  try {
    const c: unknown = JSON.parse(m.content ?? '');
    if (m.message_type === 'text') text = typeof (c as { text?: unknown })?.text === 'string' ? (c as { text: string }).text : '';
    else if (m.message_type === 'post') {
      text = postText(c);
      attachments = postImages(c, m.message_id);
    }
    else return null;
  } catch {
    return null;
  }
  let mentionsBot = false;
  const mentions: UserRef[] = [];
  // Longest key first: @_user_1 is a prefix of @_user_10.
  for (const mention of [...(m.mentions ?? [])].sort((a, b) => (b.key?.length ?? 0) - (a.key?.length ?? 0))) {
    const id = mention.id?.open_id;
    if (!mention.key || !id) continue;
    if (botOpenId && id === botOpenId) {
      mentionsBot = true;
      text = text.split(mention.key).join('');
    } else {
      mentions.push({ id, name: mention.name, isBot: false });
      text = text.split(mention.key).join(`@{${id}}`);
    }
  }
  const created = Number(m.create_time);
  return {
    kind: 'text',
    chat: { platform: 'feishu', chatId: m.chat_id, chatType: m.chat_type === 'p2p' ? 'direct' : 'group' },
    user: { id: senderId, isBot: e.sender?.sender_type === 'app' || senderId === botOpenId, ...orgOf(e.sender?.tenant_key) },
    eventId: messageKey(e)!,
    at: Number.isFinite(created) && created > 0 ? new Date(created) : now,
    // The thread's root: a reply to the checklist, to the bot's receipt under it or to a
    // colleague's reply all have the checklist as root_id (parent_id is the message answered).
    replyTo: m.root_id || m.parent_id || undefined,
    messageId: m.message_id,
    text: text.replace(/\s+/g, ' ').trim(),
    mentionsBot,
    mentions,
    // The message answered, when it is not the thread's root: a file or image there can be evidence.
    ...(m.parent_id && m.parent_id !== m.root_id ? { parentId: m.parent_id } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

/** The flattened card.action.trigger callback. */
export interface FeishuCardAction {
  event_id?: string;
  operator?: { open_id?: string; tenant_key?: string };
  action?: { value?: unknown };
  context?: { open_message_id?: string; open_chat_id?: string };
}

export type CardActionResult = { ok: true; msg: ActionMessage } | { ok: false; reason: string };

/** card.action.trigger → ActionMessage; a forged or outdated button value is refused. */
export function cardActionToIncoming(e: FeishuCardAction, chatType: ChatRef['chatType'], now: Date): CardActionResult {
  const userId = e.operator?.open_id;
  const messageId = e.context?.open_message_id;
  const chatId = e.context?.open_chat_id;
  if (!e.event_id || !userId || !messageId || !chatId) return { ok: false, reason: 'callback without operator, message or chat' };
  const action = Action.safeParse(e.action?.value);
  if (!action.success) return { ok: false, reason: 'invalid button value' };
  return {
    ok: true,
    msg: {
      kind: 'action',
      chat: { platform: 'feishu', chatId, chatType },
      user: { id: userId, isBot: false, ...orgOf(e.operator?.tenant_key) },
      eventId: messageKey(e)!,
      at: now,
      messageId,
      action: action.data,
    },
  };
}
