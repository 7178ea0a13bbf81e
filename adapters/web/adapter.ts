import type { Bot } from '../../src/core/bot.ts';
import type { ChatRef, UserRef } from '../../src/core/message.ts';
import { UploadError, type Transport } from '../../src/core/transport.ts';
import { DEMO_USERS } from '../../src/web/demo.ts';
import { createClickGuard } from '../clicks.ts';
import { createMessageLog, type MessageLog, type WebMessage } from './log.ts';

export const WEB_BOT = { id: 'bot', bot: true } as const;

/** Files the playground keeps for download: the newest ones, in memory, like its messages. */
export const WEB_FILES_MAX = 50;
export const WEB_FILE_MAX_BYTES = 20 * 1024 * 1024;

export interface WebFile {
  chatId: string;
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export class WebInputError extends Error {
  override name = 'WebInputError';
  readonly status = 400;
  readonly expose = true;
}

const BOT_MENTION = /@(?:bot|机器人)(?![A-Za-z0-9_])/gi;

/**
 * What the person typed → the core's text: the bot's mention removed (and noted), demo
 * people's mentions (`@张三`, `@zhangsan`, `@Zhang San`) written `@{zhangsan}`, and the
 * people mentioned, in order.
 */
export function readMentions(typed: string, lang: 'zh' | 'en' = 'zh'): { shown: string; text: string; mentionsBot: boolean; mentions: UserRef[] } {
  let shown = typed;
  for (const u of DEMO_USERS) {
    for (const alias of [u.name.zh, u.name.en, u.id].sort((a, b) => b.length - a.length)) {
      shown = shown.split(`@${alias}`).join(`@{${u.id}}`);
    }
  }
  const mentions: UserRef[] = [];
  for (const m of shown.matchAll(/@\{([A-Za-z0-9_.:-]+)\}/g)) mentions.push({ id: m[1]!, name: DEMO_USERS.find((u) => u.id === m[1])?.name[lang], isBot: false });
  const mentionsBot = BOT_MENTION.test(shown);
  BOT_MENTION.lastIndex = 0;
  const text = shown.replace(BOT_MENTION, ' ').replace(/\s+/g, ' ').trim();
  return { shown, text, mentionsBot, mentions };
}

/**
 * The playground as a third adapter: a browser message or click becomes the core's
 * `Incoming` (platform 'web') and goes through `bot.handle` once; the bot's cards land in
 * the in-memory message log the page polls. Threads work as on Slack: a reply sits under
 * its thread root, and `replyTo` is that root.
 */
export function createWebAdapter(deps: { bot: Bot; messages?: MessageLog }) {
  const { bot } = deps;
  const { clock, store } = bot.deps;
  const messages = deps.messages ?? createMessageLog();
  const clicks = createClickGuard(clock, store);
  const chatRef = (chatId: string): ChatRef => ({ platform: 'web', chatId, chatType: 'group' });
  const now = () => clock.now().toISOString();
  const files = new Map<string, WebFile>();

  const transport: Transport = {
    async post(chat, card) {
      return { messageId: messages.append({ chatId: chat.chatId, at: now(), from: WEB_BOT, card }).id };
    },
    async reply(to, card) {
      return { messageId: messages.append({ chatId: to.chat.chatId, at: now(), from: WEB_BOT, replyTo: to.replyTo ?? to.messageId, card }).id };
    },
    async update(chat, messageId, card) {
      // The history is in memory: a checklist posted before a restart is gone from the page,
      // so there is nothing left to redraw (the sign-off itself is stored and answered).
      if (!messages.get(chat.chatId, messageId)) return;
      messages.update(chat.chatId, messageId, card);
    },
    /** A report in the playground: kept on the shelf, shown in the thread as a download link. */
    async upload(to, file) {
      if (file.bytes.byteLength > WEB_FILE_MAX_BYTES) throw new UploadError('too-large', `${file.bytes.byteLength} bytes`, WEB_FILE_MAX_BYTES);
      const id = messages.newId();
      files.set(id, { chatId: to.chat.chatId, name: file.name, mime: file.mime, bytes: file.bytes });
      if (files.size > WEB_FILES_MAX) files.delete(files.keys().next().value!);
      const m = messages.append({ chatId: to.chat.chatId, at: now(), from: WEB_BOT, replyTo: to.replyTo ?? to.messageId, ...(file.comment ? { text: file.comment } : {}), file: { id, name: file.name, size: file.bytes.byteLength, mime: file.mime } });
      return { messageId: m.id };
    },
  };
  bot.useTransport('web', transport);

  return {
    messages,
    /** A file the bot put into `chatId`, while the playground still keeps it. */
    file: (chatId: string, id: string): WebFile | undefined => (files.get(id)?.chatId === chatId ? files.get(id) : undefined),
    /**
     * A person writes in the group, optionally replying to a message. In the playground a
     * message is addressed to the bot unless it is a reply under a checklist (there it is
     * a sign-off reply, as a reply without @bot would be in Feishu or Slack).
     */
    async say(chatId: string, user: { id: string; name?: string }, typed: string, replyToId?: string, lang: 'zh' | 'en' = 'zh'): Promise<WebMessage> {
      const text = typed.trim();
      if (!text) throw new WebInputError('the message is empty');
      if (text.length > 2000) throw new WebInputError('the message is over 2,000 characters');
      const target = replyToId ? messages.get(chatId, replyToId) : undefined;
      if (replyToId && !target) throw new WebInputError(`no message ${replyToId} in this group (it may be from before a restart)`);
      const root = target ? (target.replyTo ?? target.id) : undefined;
      const read = readMentions(text, lang);
      const msg = messages.append({ chatId, at: now(), from: { id: user.id, name: user.name, bot: false }, text: read.shown, ...(root ? { replyTo: root } : {}) });
      const underChecklist = root ? !!(await store.findChecklistMessage('web', chatId, root)) : false;
      await bot.handle({
        kind: 'text',
        chat: chatRef(chatId),
        user: { id: user.id, name: user.name, isBot: false },
        eventId: msg.id,
        at: new Date(msg.at),
        messageId: msg.id,
        ...(root ? { replyTo: root } : {}),
        text: read.text,
        mentionsBot: read.mentionsBot || !underChecklist,
        mentions: read.mentions,
      });
      return msg;
    },
    /** A click on button `button` of block `block` of a card in the log; the action is the stored one. */
    async click(chatId: string, user: { id: string; name?: string }, messageId: string, block: number, button: number): Promise<'handled' | 'double-click'> {
      const msg = messages.get(chatId, messageId);
      const b = msg?.card?.blocks[block];
      const btn = b?.type === 'buttons' ? b.buttons[button] : undefined;
      if (!msg || !btn) throw new WebInputError('no such button (the message may have changed; reload)');
      if (!(await clicks.first(messageId, user.id, JSON.stringify(btn.action)))) return 'double-click';
      await bot.handle({
        kind: 'action',
        chat: chatRef(chatId),
        user: { id: user.id, name: user.name, isBot: false },
        eventId: `click:${messages.newId()}`,
        at: clock.now(),
        messageId,
        ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
        action: btn.action,
      });
      return 'handled';
    },
  };
}
export type WebAdapter = ReturnType<typeof createWebAdapter>;
