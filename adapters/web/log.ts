import { randomBytes } from 'node:crypto';
import type { Card } from '../../src/core/card.ts';

/** One message of a playground group: a person's text or a bot card. */
export interface WebMessage {
  id: string;
  chatId: string;
  /** Bumped on every change (new message or card updated); the page asks for rev > its last. */
  rev: number;
  at: string;
  from: { id: string; name?: string; bot: boolean };
  /** Thread root this message sits under. */
  replyTo?: string;
  text?: string;
  card?: Card;
  /** A file the bot put into the chat (a report), kept in the adapter's file shelf; downloaded from the playground API. */
  file?: { id: string; name: string; size: number; mime: string };
}

export class UnknownMessageError extends Error {
  override name = 'UnknownMessageError';
}

/**
 * The playground's message history, in memory (a restart starts the groups afresh;
 * projects and sign-offs are in the store). Bounded: old messages and idle chats are
 * dropped so a busy playground cannot grow without limit.
 */
export function createMessageLog(limits: { perChat?: number; chats?: number } = {}) {
  const perChat = limits.perChat ?? 400;
  const maxChats = limits.chats ?? 200;
  const chats = new Map<string, WebMessage[]>();
  let rev = 0;

  const chat = (chatId: string) => {
    let list = chats.get(chatId);
    if (!list) {
      if (chats.size >= maxChats) chats.delete(chats.keys().next().value!);
      list = [];
      chats.set(chatId, list);
    }
    return list;
  };

  return {
    /** Ids are random, so a restarted server never reuses one (the store dedupes by id). */
    newId: () => `w${randomBytes(9).toString('base64url')}`,
    append(m: Omit<WebMessage, 'rev' | 'id'> & { id?: string }): WebMessage {
      const list = chat(m.chatId);
      const msg: WebMessage = { ...m, id: m.id ?? `w${randomBytes(9).toString('base64url')}`, rev: ++rev };
      list.push(msg);
      if (list.length > perChat) list.splice(0, list.length - perChat);
      return msg;
    },
    update(chatId: string, id: string, card: Card): WebMessage {
      const msg = chats.get(chatId)?.find((m) => m.id === id);
      if (!msg) throw new UnknownMessageError(`no message ${id} in playground chat ${chatId}`);
      msg.card = card;
      msg.rev = ++rev;
      return msg;
    },
    get: (chatId: string, id: string) => chats.get(chatId)?.find((m) => m.id === id),
    /** Messages changed after `after`, in chat order. */
    since: (chatId: string, after: number) => (chats.get(chatId) ?? []).filter((m) => m.rev > after),
    rev: () => rev,
  };
}
export type MessageLog = ReturnType<typeof createMessageLog>;
