import type { Card } from './card.ts';
import type { Attachment, ChatRef } from './message.ts';

/** Where a reply goes: the chat, the message being answered, and its thread root if it has one. */
export interface ReplyTarget {
  chat: ChatRef;
  messageId: string;
  replyTo?: string;
}

/**
 * `key` names one send across attempts: the same key when the same work is done again (an
 * event the inbox hands out again after a crash, a daily post claimed again). A platform
 * that deduplicates sends (Feishu's `uuid`: one message per uuid within an hour) then
 * delivers it once; others ignore it.
 */
export interface SendOptions {
  key?: string;
  /**
   * An earlier attempt with this key may already have reached the platform (a crash or a
   * timeout after the send). A platform that drops repeated keys by itself ignores it; one
   * that does not (Slack) looks for the earlier message before sending again. Set only on
   * retries, as the look is an extra, rate-limited call.
   */
  retry?: boolean;
}

/** What a platform gave for an attachment (message.ts Attachment). */
export interface FetchedAttachment {
  bytes: Uint8Array;
  name: string;
  mime: string;
}

/** Why an attachment could not be fetched: larger than allowed, or the platform refused or failed. */
export class AttachmentError extends Error {
  override name = 'AttachmentError';
  constructor(
    readonly reason: 'too-large' | 'failed',
    message: string,
    /** The size the platform gave, when known. */
    readonly size?: number,
  ) {
    super(message);
  }
}

/** A file the bot puts into a chat (a report). */
export interface OutgoingFile {
  bytes: Uint8Array;
  /** The name people see, any characters ("上线前检查报告-ACME-2026-10-08.pdf"). */
  name: string;
  mime: string;
  /** A plain-text line shown with the file where the platform has room for one (Slack's comment, the playground); Feishu's file message carries none. */
  comment?: string;
}

/**
 * Why a file could not be put into the chat: larger than the platform takes, the platform
 * refused or failed (`message` says why, in words fit for the chat: no tokens, no upload
 * addresses), or the platform has no files.
 */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly reason: 'too-large' | 'failed' | 'unsupported',
    message: string,
    /** For too-large: the platform's limit in bytes. */
    readonly limit?: number,
  ) {
    super(message);
  }
}

/**
 * What the core needs from a platform to speak. Each adapter implements it and
 * renders the card in its own format; the core never sees an SDK.
 * Every method resolves with the platform message id or rejects after bounded retries.
 */
/** A message in a thread that shared files: who, when, and the files (each with `messageId` set). */
export interface ThreadFileMessage {
  messageId: string;
  userId: string;
  at: Date;
  attachments: Attachment[];
}

export interface Transport {
  /** A new top-level message in the chat (daily checklist, `清单`). */
  post(chat: ChatRef, card: Card, opts?: SendOptions): Promise<{ messageId: string }>;
  /** A reply in the thread of `to`. */
  reply(to: ReplyTarget, card: Card, opts?: SendOptions): Promise<{ messageId: string }>;
  /** Replace a message the bot sent earlier (checklist progress). */
  update(chat: ChatRef, messageId: string, card: Card): Promise<void>;
  /**
   * Downloads an attachment through the platform's API (never a URL from the message itself).
   * Rejects with AttachmentError('too-large') when it is larger than `maxBytes` (before or while
   * downloading), AttachmentError('failed') otherwise. Absent: the platform carries no files.
   */
  fetchAttachment?(ref: string, maxBytes: number): Promise<FetchedAttachment>;
  /** The files or images another message of the chat carries (a reply's parent); none when it is not a file message. */
  attachmentsOf?(chat: ChatRef, messageId: string): Promise<Attachment[]>;
  /**
   * The messages of a thread (root `thread`) that carry files, posted by people after `since`
   * and before the message `before` (a platform message id), oldest first (Slack:
   * conversations.replies). Absent where a reply names the message it answers (Feishu's parent).
   */
  threadFiles?(chat: ChatRef, thread: string, since: Date, before: string): Promise<ThreadFileMessage[]>;
  /**
   * Puts a file into the chat, in the thread of `to` where the platform has threads, with the
   * same retries and pacing as a reply. Resolves with the platform's id of the file or its
   * message; rejects with UploadError only. Absent: the platform carries no files.
   */
  upload?(to: ReplyTarget, file: OutgoingFile, opts?: SendOptions): Promise<{ messageId: string }>;
  /**
   * A card in the group that only `userId` sees (Slack chat.postEphemeral, in the thread of `to`;
   * Feishu "仅特定人可见的消息卡片", POST /open-apis/ephemeral/v1/send). Neither platform takes an
   * idempotency key for these: work done again shows it again, to that person only. Absent:
   * Ctx.privately falls back to a reply.
   */
  privately?(to: ReplyTarget & { userId: string }, card: Card, opts?: SendOptions): Promise<{ messageId: string }>;
}
