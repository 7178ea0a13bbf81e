import type { Metrics } from '../metrics.ts';
import type { Answerer } from '../qa/types.ts';
import type { Rulebook } from '../rulebook/model.ts';
import type { Store } from '../store/store.ts';
import type { Card } from './card.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import type { Attachment, Incoming, Platform } from './message.ts';
import { AttachmentError, UploadError, type FetchedAttachment, type OutgoingFile, type ThreadFileMessage, type Transport } from './transport.ts';

export interface BotDeps {
  rulebook: Rulebook;
  answerer: Answerer;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Shown in answers instead of the implementer named in the source rulebook. */
  implementerName?: string;
  /**
   * When the rulebook and answerer follow review decisions (they are then getters onto it):
   * a decision taken here is applied at once by calling refresh().
   */
  live?: { refresh(): Promise<boolean> };
  /** Answers and sign-offs are counted here when given (GET /metrics). */
  metrics?: Pick<Metrics, 'answers' | 'signoffs'>;
}

/** What a handler sees: the message, the dependencies, and ways to speak back. */
export interface Ctx {
  msg: Incoming;
  deps: BotDeps;
  /** Reply in the thread of the message (or of the clicked card). */
  reply(card: Card): Promise<{ messageId: string }>;
  /** Post a new top-level message in the same chat. */
  post(card: Card): Promise<{ messageId: string }>;
  /** Replace a message the bot sent earlier in this chat. */
  update(messageId: string, card: Card): Promise<void>;
  /** Downloads an attachment of the message through the platform (Transport.fetchAttachment). */
  fetchAttachment(ref: string, maxBytes: number): Promise<FetchedAttachment>;
  /** The files or images another message of this chat carries (Transport.attachmentsOf); none where the platform cannot tell. */
  attachmentsOf(messageId: string): Promise<Attachment[]>;
  /** Messages with files in the thread `thread` since `since`, before this message (Transport.threadFiles); none where the platform has no such look-up. */
  threadFiles(thread: string, since: Date): Promise<ThreadFileMessage[]>;
  /** Puts a file into the chat, in the thread of the message (Transport.upload); UploadError('unsupported') where the platform has none. */
  upload(file: OutgoingFile): Promise<{ messageId: string }>;
  /**
   * A reply only the sender sees (an exam answer's receipt, one's own score): Transport.privately
   * in a group; a plain reply in a direct chat, or where the platform has no such message.
   */
  privately(card: Card): Promise<{ messageId: string }>;
}

/** A handler returns true when the message was its to handle; the first one that does wins. */
export type Handler = (ctx: Ctx) => Promise<boolean>;

/** Delivery keys are kept this long: longer than any platform's redelivery window. */
export const EVENT_TTL_MS = 24 * 60 * 60 * 1000;

export interface Bot {
  readonly deps: BotDeps;
  /** Registers the platform's way of speaking; adapters call this once at start. */
  useTransport(platform: Platform, transport: Transport): void;
  transport(platform: Platform): Transport;
  /** The one door into the core. Resolves when the message is fully handled. */
  handle(msg: Incoming): Promise<void>;
}

export function createBot(deps: BotDeps, handlers: Handler[]): Bot {
  const transports = new Map<Platform, Transport>();
  const transport = (p: Platform) => {
    const t = transports.get(p);
    if (!t) throw new Error(`no transport registered for ${p}`);
    return t;
  };
  return {
    deps,
    useTransport: (p, t) => void transports.set(p, t),
    transport,
    async handle(msg) {
      if (msg.user.isBot) return; // never answer ourselves or other bots
      // Redelivered events (Slack retries, Feishu redelivery) are handled once: by the
      // adapter's inbox when it has one, here otherwise.
      if (!msg.deduplicated && !(await deps.store.claimEvent(`${msg.chat.platform}:${msg.eventId}`, deps.clock.now(), EVENT_TTL_MS))) {
        deps.log.debug('duplicate event ignored', { eventId: msg.eventId });
        return;
      }
      const t = transport(msg.chat.platform);
      // The n-th send while handling this event has the same key when the event is handled again.
      let sends = 0;
      const key = () => `${msg.chat.platform}:${msg.eventId}:${++sends}`;
      const ctx: Ctx = {
        msg,
        deps,
        reply: (card) => t.reply({ chat: msg.chat, messageId: msg.messageId, replyTo: msg.replyTo }, card, { key: key(), retry: msg.redelivered }),
        post: (card) => t.post(msg.chat, card, { key: key(), retry: msg.redelivered }),
        update: (id, card) => t.update(msg.chat, id, card),
        fetchAttachment: async (ref, max) => {
          if (!t.fetchAttachment) throw new AttachmentError('failed', `${msg.chat.platform} cannot fetch files`);
          return t.fetchAttachment(ref, max);
        },
        attachmentsOf: async (id) => (t.attachmentsOf ? t.attachmentsOf(msg.chat, id) : []),
        threadFiles: async (thread, since) => (t.threadFiles ? t.threadFiles(msg.chat, thread, since, msg.messageId) : []),
        upload: async (file) => {
          if (!t.upload) throw new UploadError('unsupported', `${msg.chat.platform} cannot carry files`);
          return t.upload({ chat: msg.chat, messageId: msg.messageId, replyTo: msg.replyTo }, file, { key: key(), retry: msg.redelivered });
        },
        privately: (card) =>
          t.privately && msg.chat.chatType === 'group'
            ? t.privately({ chat: msg.chat, messageId: msg.messageId, replyTo: msg.replyTo, userId: msg.user.id }, card, { key: key(), retry: msg.redelivered })
            : t.reply({ chat: msg.chat, messageId: msg.messageId, replyTo: msg.replyTo }, card, { key: key(), retry: msg.redelivered }),
      };
      for (const h of handlers) if (await h(ctx)) return;
    },
  };
}
