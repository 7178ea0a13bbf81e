import { randomUUID } from 'node:crypto';
import type { Client } from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/core/log.ts';
import type { Transport } from '../../src/core/transport.ts';
import { headerDelayMs, withRetry, type RetryPolicy, type Verdict } from '../retry.ts';
import { renderFeishuCard } from './render.ts';

/** Feishu answered HTTP 200 with a non-zero code. */
export class FeishuApiError extends Error {
  override name = 'FeishuApiError';
  constructor(readonly code: number, msg: string) {
    super(`Feishu API error ${code}: ${msg}`);
  }
}

const RATE_LIMITED = 99991400;

/** 429 / 5xx (axios error) and the rate-limit code are retried, honouring x-ogw-ratelimit-reset. */
export function classifyFeishuError(err: unknown): Verdict {
  if (err instanceof FeishuApiError) return err.code === RATE_LIMITED ? { retry: true } : { retry: false };
  const res = (err as { response?: { status?: number; headers?: Record<string, unknown>; data?: { code?: number } } }).response;
  if (!res?.status) return { retry: true }; // network error: the uuid makes a resend safe
  if (res.status === 429 || res.status >= 500 || res.data?.code === RATE_LIMITED) {
    return { retry: true, afterMs: headerDelayMs(res.headers?.['x-ogw-ratelimit-reset']) ?? headerDelayMs(res.headers?.['retry-after']) };
  }
  return { retry: false };
}

function check<T extends { code?: number; msg?: string }>(res: T): T {
  if (res.code !== 0) throw new FeishuApiError(res.code ?? -1, res.msg ?? 'no message');
  return res;
}

/** Transport over the SDK's Client. Each send keeps one uuid across retries, so Feishu drops duplicates. */
export function feishuTransport(client: Client, log: Logger, policy?: RetryPolicy): Transport {
  const call = <T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>) =>
    withRetry(what, fn, classifyFeishuError, { log, fields: { platform: 'feishu', ...fields }, policy });
  return {
    async post(chat, card) {
      const uuid = randomUUID();
      const res = await call('feishu post', { chatId: chat.chatId }, async () =>
        check(
          await client.im.message.create({
            params: { receive_id_type: 'chat_id' },
            data: { receive_id: chat.chatId, msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(card)), uuid },
          }),
        ),
      );
      return { messageId: res.data?.message_id ?? '' };
    },
    async reply(to, card) {
      const uuid = randomUUID();
      const res = await call('feishu reply', { chatId: to.chat.chatId, messageId: to.messageId }, async () =>
        check(
          await client.im.message.reply({
            path: { message_id: to.messageId },
            data: { msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(card)), uuid },
          }),
        ),
      );
      return { messageId: res.data?.message_id ?? '' };
    },
    async update(chat, messageId, card) {
      await call('feishu update', { chatId: chat.chatId, messageId }, async () =>
        check(await client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(renderFeishuCard(card)) } })),
      );
    },
  };
}
