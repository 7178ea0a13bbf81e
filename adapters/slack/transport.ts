import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';
import { AttachmentError, type SendOptions, type ThreadFileMessage, type Transport } from '../../src/core/transport.ts';
import { readLimited } from '../download.ts';
import type { SlackConfig } from '../../src/config.ts';
import { createRateLimiter, paced, windows, type Pause, type Priority } from '../rate-limit.ts';
import { defaultRetryPolicy, headerDelayMs, withRetry, type RetryPolicy, type Verdict } from '../retry.ts';
import { findEarlierSend, findEarlierShare, sendMetadata, type Where } from './earlier-send.ts';
import { renderSlackBlocks, slackFallback } from './render.ts';
import { slackFiles, type SlackMessageEvent } from './translate.ts';
import { slackUpload } from './upload.ts';

/**
 * The WebClient runs with `rejectRateLimitedCalls` and no retries of its own, so
 * every retry decision is made here: 429 after Retry-After, 5xx and network errors
 * with backoff; platform errors (ok: false) are final.
 */
export function classifySlackError(err: unknown): Verdict {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; headers?: Record<string, unknown> };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { retry: true, afterMs: typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined };
    case 'slack_webapi_http_error':
      return (e.statusCode ?? 0) >= 500 || e.statusCode === 429 ? { retry: true, afterMs: headerDelayMs(e.headers?.['retry-after']) } : { retry: false };
    case 'slack_webapi_request_error':
      return { retry: true };
    default:
      return { retry: false };
  }
}

/**
 * What a refusal teaches the limiter. Slack's 429 does not say which limit it was; the
 * per-channel one (about 1/s) is already kept by our pacing, so it is taken as the
 * workspace-wide limit: the whole app pauses for Retry-After.
 */
export function slackPauses(err: unknown): Pause[] {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; headers?: Record<string, unknown> };
  const limited = e.code === 'slack_webapi_rate_limited_error' || (e.code === 'slack_webapi_http_error' && e.statusCode === 429);
  if (!limited) return [];
  return [{ key: 'app', ms: (typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : headerDelayMs(e.headers?.['retry-after'])) ?? 1000 }];
}

/**
 * chat.postMessage calls (posts and replies) are paced by `rate` (docs/operations.md): replies
 * to people go before the daily fan-out's posts. chat.update is another method with its own
 * limits and is not paced.
 */
export function slackTransport(client: webApi.WebClient, log: Logger, policy?: RetryPolicy, rate: SlackConfig['rate'] = { perSecond: 0, chatPerSecond: 0 }, botId?: string, botUserId?: string): Transport {
  const limiter = createRateLimiter({ app: windows(rate.perSecond), chat: windows(rate.chatPerSecond) });
  const maxPauseMs = (policy ?? defaultRetryPolicy).maxDelayMs;
  // A rate limit is retried at once: the wait happens in the limiter, behind the pause.
  const classifyPaced = (err: unknown): Verdict => (slackPauses(err).length ? { retry: true, afterMs: 0 } : classifySlackError(err));
  const call = <T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>) =>
    withRetry(what, fn, classifySlackError, { log, fields: { platform: 'slack', ...fields }, policy });
  /**
   * chat.postMessage, paced, carrying the send's key (earlier-send.ts). Before a try it looks
   * for the earlier message when this is a retry of earlier work (opts.retry), or when the
   * previous try got no answer at all (a timeout or a dropped connection may come after Slack
   * posted). The look runs outside the paced slot, so it never holds up other sends.
   */
  const keyedPost = async (what: string, fields: Record<string, unknown>, where: Where, priority: Priority, opts: SendOptions, args: webApi.ChatPostMessageArguments) => {
    let look = Boolean(opts.retry);
    const post = paced(limiter, where.channel, priority, slackPauses, maxPauseMs, async () => {
      try {
        return (await client.chat.postMessage({ ...args, ...sendMetadata(opts.key) } as webApi.ChatPostMessageArguments)).ts ?? '';
      } catch (err) {
        look = (err as { code?: string }).code === 'slack_webapi_request_error';
        throw err;
      }
    });
    const attempt = async () => {
      const earlier = look && opts.key ? await findEarlierSend(client, log, botId, where, opts.key) : undefined;
      return earlier ?? post();
    };
    return { messageId: await withRetry(what, attempt, classifyPaced, { log, fields: { platform: 'slack', ...fields }, policy }) };
  };
  const shared = <T>(what: string, fields: Record<string, unknown>, channel: string, fn: () => Promise<T>) =>
    withRetry(what, paced(limiter, channel, 'interactive', slackPauses, maxPauseMs, fn), classifyPaced, { log, fields: { platform: 'slack', ...fields }, policy });
  return {
    post(chat, card, opts = {}) {
      const args = { channel: chat.chatId, text: slackFallback(card), blocks: renderSlackBlocks(card) as never };
      return keyedPost('slack post', { channel: chat.chatId }, { channel: chat.chatId }, 'bulk', opts, args);
    },
    reply(to, card, opts = {}) {
      const thread = to.replyTo ?? to.messageId;
      const args = { channel: to.chat.chatId, thread_ts: thread, text: slackFallback(card), blocks: renderSlackBlocks(card) as never };
      // A reply is newer than the message it answers: the look reads the thread from there on.
      return keyedPost('slack reply', { channel: to.chat.chatId, messageId: to.messageId, thread }, { channel: to.chat.chatId, thread, after: to.messageId }, 'interactive', opts, args);
    },
    /** chat.postEphemeral in the thread (scope chat:write), paced as a reply; Slack keeps no copy, so there is nothing to look for on a retry. */
    async privately(to, card) {
      const thread = to.replyTo ?? to.messageId;
      const res = await withRetry(
        'slack ephemeral',
        paced(limiter, to.chat.chatId, 'interactive', slackPauses, maxPauseMs, () =>
          client.chat.postEphemeral({ channel: to.chat.chatId, user: to.userId, thread_ts: thread, text: slackFallback(card), blocks: renderSlackBlocks(card) as never }),
        ),
        classifyPaced,
        { log, fields: { platform: 'slack', channel: to.chat.chatId, thread }, policy },
      );
      return { messageId: res.message_ts ?? '' };
    },
    /** files.uploadV2's steps (upload.ts), scope files:write; the share is paced as a reply. */
    upload: (to, file, opts = {}) => {
      const where = { channel: to.chat.chatId, thread: to.replyTo ?? to.messageId, after: to.messageId };
      const findShared = () => findEarlierShare(client, log, { ...(botId ? { botId } : {}), ...(botUserId ? { userId: botUserId } : {}) }, where, file.name);
      return slackUpload({ client, log, policy, call, shared, findShared, ...(opts.retry ? { retry: true } : {}) }, to, file);
    },
    /** files.info for the private download address, then GET with the bot token (scope files:read). */
    async fetchAttachment(ref, maxBytes) {
      let file: { name?: string; mimetype?: string; size?: number; url_private_download?: string; url_private?: string } | undefined;
      try {
        file = (await call('slack files.info', { file: ref }, () => client.files.info({ file: ref }))).file;
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        throw new AttachmentError('failed', code === 'missing_scope' ? 'the Slack app lacks the files:read scope' : `files.info: ${code ?? (err as Error).message}`);
      }
      const url = file?.url_private_download ?? file?.url_private;
      if (!file || !url) throw new AttachmentError('failed', 'Slack gave no download address for the file');
      if (typeof file.size === 'number' && file.size > maxBytes) throw new AttachmentError('too-large', `${file.size} bytes`, file.size);
      let res: Response;
      try {
        res = await fetch(url, { headers: { authorization: `Bearer ${client.token ?? ''}` }, signal: AbortSignal.timeout(60_000) });
      } catch (err) {
        throw new AttachmentError('failed', `download: ${(err as Error).message}`);
      }
      if (!res.ok) throw new AttachmentError('failed', `download: HTTP ${res.status}`);
      // Without the scope or the token, Slack answers the private URL with its sign-in page.
      if ((res.headers.get('content-type') ?? '').startsWith('text/html') && !file.mimetype?.startsWith('text/html')) throw new AttachmentError('failed', 'Slack answered with a sign-in page (files:read scope missing?)');
      const bytes = await readLimited(res, maxBytes);
      return { bytes, name: file.name ?? ref, mime: file.mimetype ?? 'application/octet-stream' };
    },
    /**
     * conversations.replies of the thread between `since` and the message `before` (scopes
     * channels:history / groups:history, which the sign-off replies need anyway): the messages
     * people posted there with files. At most 5 pages of 200.
     */
    async threadFiles(chat, thread, since, before) {
      const out: ThreadFileMessage[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const res = (await call('slack conversations.replies', { channel: chat.chatId, thread }, () =>
          client.conversations.replies({ channel: chat.chatId, ts: thread, oldest: (since.getTime() / 1000).toFixed(6), latest: before, inclusive: false, limit: 200, ...(cursor ? { cursor } : {}) }),
        )) as { messages?: (SlackMessageEvent & { ts?: string })[]; has_more?: boolean; response_metadata?: { next_cursor?: string } };
        for (const m of res.messages ?? []) {
          if (!m.ts || !m.user || m.bot_id || Number(m.ts) >= Number(before) || Number(m.ts) * 1000 < since.getTime()) continue;
          const files = slackFiles(m);
          if (files.length) out.push({ messageId: m.ts, userId: m.user, at: new Date(Number(m.ts) * 1000), attachments: files.map((a) => ({ ...a, messageId: m.ts! })) });
        }
        cursor = res.response_metadata?.next_cursor;
        if (!res.has_more || !cursor) break;
      }
      return out;
    },
    async update(chat, messageId, card) {
      await call('slack update', { channel: chat.chatId, messageId }, () =>
        client.chat.update({ channel: chat.chatId, ts: messageId, text: slackFallback(card), blocks: renderSlackBlocks(card) as never }),
      );
    },
  };
}
