import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';
import type { Transport } from '../../src/core/transport.ts';
import { headerDelayMs, withRetry, type RetryPolicy, type Verdict } from '../retry.ts';
import { renderSlackBlocks, slackFallback } from './render.ts';

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

export function slackTransport(client: webApi.WebClient, log: Logger, policy?: RetryPolicy): Transport {
  const call = <T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>) =>
    withRetry(what, fn, classifySlackError, { log, fields: { platform: 'slack', ...fields }, policy });
  return {
    async post(chat, card) {
      const res = await call('slack post', { channel: chat.chatId }, () =>
        client.chat.postMessage({ channel: chat.chatId, text: slackFallback(card), blocks: renderSlackBlocks(card) as never }),
      );
      return { messageId: res.ts ?? '' };
    },
    async reply(to, card) {
      const thread = to.replyTo ?? to.messageId;
      const res = await call('slack reply', { channel: to.chat.chatId, messageId: to.messageId, thread }, () =>
        client.chat.postMessage({ channel: to.chat.chatId, thread_ts: thread, text: slackFallback(card), blocks: renderSlackBlocks(card) as never }),
      );
      return { messageId: res.ts ?? '' };
    },
    async update(chat, messageId, card) {
      await call('slack update', { channel: chat.chatId, messageId }, () =>
        client.chat.update({ channel: chat.chatId, ts: messageId, text: slackFallback(card), blocks: renderSlackBlocks(card) as never }),
      );
    },
  };
}
