import { z } from 'zod';

/**
 * The platform-neutral message: every adapter (Feishu, Slack, web playground)
 * turns its platform event into one of these and hands it to `bot.handle`.
 */
export const Platform = z.enum(['feishu', 'slack', 'web']);
export type Platform = z.infer<typeof Platform>;

export const UserRef = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  isBot: z.boolean().default(false),
  /**
   * The person's organisation when the platform says it (Slack: the user's team; Feishu: the
   * sender's tenant). Absent where the platform cannot tell (the web playground, mentions).
   */
  org: z.string().optional(),
});
export type UserRef = z.infer<typeof UserRef>;

export const ChatRef = z.object({
  platform: Platform,
  chatId: z.string().min(1),
  chatType: z.enum(['group', 'direct']),
});
export type ChatRef = z.infer<typeof ChatRef>;

/** What a button carries. Kept small: Slack limits a button value to 2,000 characters. */
export const Action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ask'), question: z.string().min(1).max(500) }),
  z.object({ type: z.literal('show'), id: z.string().min(1).max(40), lang: z.enum(['zh', 'en']).optional() }),
  z.object({ type: z.literal('feedback'), vote: z.enum(['up', 'down']), id: z.string().max(40), question: z.string().max(500) }),
  /** The reason for a 👎, on the card that asks for it: `item` is the review item the vote made. */
  z.object({ type: z.literal('reason'), item: z.number().int().positive(), reason: z.enum(['wrong-rule', 'unclear', 'outdated', 'other']) }),
  z.object({ type: z.literal('confirm'), item: z.number().int().positive() }),
  z.object({ type: z.literal('undo'), item: z.number().int().positive() }),
  /** The answer of the person a customer-side role was nominated for; only they may give it. */
  z.object({ type: z.literal('role'), answer: z.enum(['accept', 'decline']), user: z.string().min(1).max(64), role: z.enum(['customer-lead', 'vendor-pm', 'it-lead']) }),
  /**
   * On a training session's card (src/training), the session of the chat's project with this
   * number: 报名 / 取消报名 (signup, cancel), 签到 (checkin), 确认在场 (here: the second check),
   * 已观看 (watched: a recorded video).
   */
  z.object({
    type: z.literal('training'),
    op: z.enum(['signup', 'cancel', 'checkin', 'here', 'watched', 'answer']),
    no: z.number().int().positive().max(9999),
    /** answer (the exam card, src/training/exam-card.ts): question `q` and choice `c`, by index. */
    q: z.number().int().min(0).max(19).optional(),
    c: z.number().int().min(0).max(5).optional(),
    /** signup on a session that names departments: the index of the department signed up for. */
    d: z.number().int().min(0).max(19).optional(),
  }),
]);
export type Action = z.infer<typeof Action>;

const Common = {
  chat: ChatRef,
  user: UserRef,
  /** Dedupe key: platform event id, or a derived one for button clicks. */
  eventId: z.string().min(1),
  at: z.date(),
  /** Root of the thread the message or the clicked card sits in (Slack thread_ts, Feishu root_id / parent_id), if any. */
  replyTo: z.string().optional(),
  /**
   * The adapter's inbox already accepted this `eventId` once (it hands each out once, and
   * again only after an attempt that died or failed), so the core does not claim it again.
   */
  deduplicated: z.boolean().optional(),
  /**
   * An earlier attempt at this event died or failed, and may have sent some of its replies
   * already: sends are marked as retries so a platform without idempotent sends looks first.
   */
  redelivered: z.boolean().optional(),
};

/**
 * A file or image that came with a message (Slack: a file shared in it; Feishu: the file or image
 * message it replies to, or an image in a rich-text post). `ref` is the adapter's own handle,
 * opaque to the core: it hands it back to Transport.fetchAttachment.
 */
export const Attachment = z.object({
  kind: z.enum(['file', 'image']),
  name: z.string(),
  /** Bytes, when the platform said so before the download. */
  size: z.number().int().nonnegative().optional(),
  mime: z.string().optional(),
  ref: z.string().min(1),
  /** The message that carries it, when not the message itself (Feishu: the file message replied to). */
  messageId: z.string().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const TextMessage = z.object({
  kind: z.literal('text'),
  ...Common,
  messageId: z.string().min(1),
  /** Text with the bot's own mention removed and other mentions kept as `@{userId}`. */
  text: z.string(),
  mentionsBot: z.boolean(),
  /** Other people mentioned, in order of appearance. */
  mentions: z.array(UserRef).default([]),
  /**
   * The message this one answers when it is not the thread's root (Feishu `parent_id`): a reply
   * `确认 3` to a file or image message in the checklist's thread takes that file as evidence.
   */
  parentId: z.string().optional(),
  /** Files and images that came with it, for sign-off evidence. */
  attachments: z.array(Attachment).optional(),
});
export type TextMessage = z.infer<typeof TextMessage>;

export const ActionMessage = z.object({
  kind: z.literal('action'),
  ...Common,
  /** The message that carries the clicked button. */
  messageId: z.string().min(1),
  action: Action,
});
export type ActionMessage = z.infer<typeof ActionMessage>;

export const Incoming = z.discriminatedUnion('kind', [TextMessage, ActionMessage]);
export type Incoming = z.infer<typeof Incoming>;
