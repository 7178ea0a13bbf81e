import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/core/log.ts';
import { AttachmentError, UploadError, type Transport } from '../../src/core/transport.ts';
import type { Attachment } from '../../src/core/message.ts';
import { resourceRef } from './translate.ts';
import type { FeishuConfig } from '../../src/config.ts';
import { createRateLimiter, paced, windows, type Pause, type Priority } from '../rate-limit.ts';
import { defaultRetryPolicy, headerDelayMs, withRetry, type RetryPolicy, type Verdict } from '../retry.ts';
import { renderFeishuCard } from './render.ts';

/** Feishu answered HTTP 200 with a non-zero code. */
export class FeishuApiError extends Error {
  override name = 'FeishuApiError';
  constructor(readonly code: number, msg: string) {
    super(`Feishu API error ${code}: ${msg}`);
  }
}

/** The gateway's frequency limit (per app and API): HTTP 429, some older APIs 400 (open.feishu.cn/document/server-docs/api-call-guide/frequency-control). */
const RATE_LIMITED = 99991400;
/** The message service's tenant-level limit, named on the same page. */
const TENANT_RATE_LIMITED = 11232;
/** Send-message limit of one group (5 QPS shared by the group's bots), answered as HTTP 400. */
const CHAT_RATE_LIMITED = 230020;
export const RATE_LIMIT_CODES = [RATE_LIMITED, TENANT_RATE_LIMITED, CHAT_RATE_LIMITED];

type AxiosLike = { response?: { status?: number; headers?: Record<string, unknown>; data?: { code?: number } } };

/** 429 / 5xx (axios error) and the rate-limit codes are retried, honouring x-ogw-ratelimit-reset. */
export function classifyFeishuError(err: unknown): Verdict {
  if (err instanceof FeishuApiError) return RATE_LIMIT_CODES.includes(err.code) ? { retry: true } : { retry: false };
  const res = (err as AxiosLike).response;
  if (!res?.status) return { retry: true }; // network error: the uuid makes a resend safe
  if (res.status === 429 || res.status >= 500 || RATE_LIMIT_CODES.includes(res.data?.code ?? 0)) {
    return { retry: true, afterMs: headerDelayMs(res.headers?.['x-ogw-ratelimit-reset']) ?? headerDelayMs(res.headers?.['retry-after']) };
  }
  return { retry: false };
}

/** What a refusal teaches the limiter: 230020 pauses that group; the gateway's and the tenant's limits pause the app. */
export function feishuPauses(err: unknown): Pause[] {
  const res = (err as AxiosLike).response;
  const code = err instanceof FeishuApiError ? err.code : res?.data?.code;
  const ms = headerDelayMs(res?.headers?.['x-ogw-ratelimit-reset']) ?? headerDelayMs(res?.headers?.['retry-after']) ?? 1000;
  if (code === CHAT_RATE_LIMITED) return [{ key: 'chat', ms }];
  if (res?.status === 429 || code === RATE_LIMITED || code === TENANT_RATE_LIMITED) return [{ key: 'app', ms }];
  return [];
}

/** Feishu's uuid (at most 50 characters) for a keyed send, shaped like a UUID; a fresh one otherwise. */
function sendUuid(key?: string): string {
  if (!key) return randomUUID();
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** im/v1/files takes at most 30 MB, and no empty file. */
export const FEISHU_FILE_MAX = 30 * 1024 * 1024;
/** Codes a refused upload or file message can carry that a person can act on. */
const UPLOAD_HINTS: Record<number, string> = {
  99991672: 'the app lacks a permission it needs (im:resource, im:message:send_as_bot)',
  230002: 'the bot is not in this group',
};

/**
 * Why an upload or its message failed, in words for the chat: the status and Feishu's code,
 * never its message text (which can quote the app's console address).
 */
function uploadReason(step: string, err: unknown): string {
  if (err instanceof UploadError) return err.message;
  const res = (err as AxiosLike).response;
  const code = err instanceof FeishuApiError ? err.code : res?.data?.code;
  if (code !== undefined && UPLOAD_HINTS[code]) return `${step}: ${UPLOAD_HINTS[code]} (code ${code})`;
  if (res?.status === 403) return `${step}: HTTP 403 (does the app have the im:resource permission?)`;
  if (err instanceof FeishuApiError) return `${step}: Feishu error ${err.code}`;
  if (res?.status) return `${step}: HTTP ${res.status}${code !== undefined ? `, code ${code}` : ''}`;
  return `${step}: no answer from Feishu`;
}

function check<T extends { code?: number; msg?: string }>(res: T): T {
  if (res.code !== 0) throw new FeishuApiError(res.code ?? -1, res.msg ?? 'no message');
  return res;
}

/**
 * Transport over the SDK's Client. Each send keeps one uuid across retries, and a keyed send
 * (SendOptions) the same uuid across attempts, so Feishu drops duplicates. Sends (create and reply) are paced by `rate` (docs/operations.md): replies to
 * people go before the daily fan-out's posts. A patch is limited per message (5 QPS), not
 * per group, and is not paced.
 */
export function feishuTransport(client: Client, log: Logger, policy?: RetryPolicy, rate: FeishuConfig['rate'] = { perSecond: 0, perMinute: 0, chatPerSecond: 0 }): Transport {
  const limiter = createRateLimiter({ app: windows(rate.perSecond, rate.perMinute), chat: windows(rate.chatPerSecond) });
  const maxPauseMs = (policy ?? defaultRetryPolicy).maxDelayMs;
  // A rate limit is retried at once: the wait happens in the limiter, behind the pause.
  const classifyPaced = (err: unknown): Verdict => (feishuPauses(err).length ? { retry: true, afterMs: 0 } : classifyFeishuError(err));
  const call = <T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>) =>
    withRetry(what, fn, classifyFeishuError, { log, fields: { platform: 'feishu', ...fields }, policy });
  const send = <T>(what: string, fields: Record<string, unknown>, chatId: string, priority: Priority, fn: () => Promise<T>) =>
    withRetry(what, paced(limiter, chatId, priority, feishuPauses, maxPauseMs, fn), classifyPaced, { log, fields: { platform: 'feishu', ...fields }, policy });
  return {
    async post(chat, card, opts) {
      const uuid = sendUuid(opts?.key);
      const res = await send('feishu post', { chatId: chat.chatId }, chat.chatId, 'bulk', async () =>
        check(
          await client.im.message.create({
            params: { receive_id_type: 'chat_id' },
            data: { receive_id: chat.chatId, msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(card)), uuid },
          }),
        ),
      );
      return { messageId: res.data?.message_id ?? '' };
    },
    async reply(to, card, opts) {
      const uuid = sendUuid(opts?.key);
      const res = await send('feishu reply', { chatId: to.chat.chatId, messageId: to.messageId }, to.chat.chatId, 'interactive', async () =>
        check(
          await client.im.message.reply({
            path: { message_id: to.messageId },
            data: { msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(card)), uuid },
          }),
        ),
      );
      return { messageId: res.data?.message_id ?? '' };
    },
    /**
     * POST /open-apis/ephemeral/v1/send: a card in the group only `userId` sees (permission
     * im:message or im:message:send_as_bot; ordinary groups only, not topic groups). It has no uuid.
     */
    async privately(to, card) {
      const res = await send('feishu ephemeral', { chatId: to.chat.chatId, userId: to.userId }, to.chat.chatId, 'interactive', async () =>
        check((await client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/send', data: { chat_id: to.chat.chatId, open_id: to.userId, msg_type: 'interactive', card: renderFeishuCard(card) } })) as { code?: number; msg?: string; data?: { message_id?: string } }),
      );
      return { messageId: res.data?.message_id ?? '' };
    },
    /**
     * POST im/v1/files (multipart: file_type pdf, or stream for other files; file_name; the bytes;
     * permission im:resource) for a file_key, then a reply with msg_type file, keyed and paced as
     * any reply. The upload itself has no idempotency key: a retry leaves an unused file_key at
     * worst, and the message's uuid keeps it to one message.
     */
    async upload(to, file, opts) {
      const size = file.bytes.byteLength;
      if (size > FEISHU_FILE_MAX) throw new UploadError('too-large', `${size} bytes`, FEISHU_FILE_MAX);
      if (size === 0) throw new UploadError('failed', 'the file is empty');
      const fields = { chatId: to.chat.chatId, messageId: to.messageId, bytes: size };
      let fileKey: string | undefined;
      try {
        const res = await call('feishu file upload', fields, () =>
          client.im.file.create({ data: { file_type: file.mime === 'application/pdf' ? 'pdf' : 'stream', file_name: file.name, file: Buffer.from(file.bytes) } }),
        );
        // The SDK answers Feishu's `data` only: a non-zero code on HTTP 200 leaves it empty.
        fileKey = res?.file_key;
      } catch (err) {
        throw new UploadError('failed', uploadReason('im/v1/files', err));
      }
      if (!fileKey) throw new UploadError('failed', 'im/v1/files: Feishu gave no file_key');
      const uuid = sendUuid(opts?.key);
      try {
        const res = await send('feishu file reply', fields, to.chat.chatId, 'interactive', async () =>
          check(await client.im.message.reply({ path: { message_id: to.messageId }, data: { msg_type: 'file', content: JSON.stringify({ file_key: fileKey }), uuid } })),
        );
        return { messageId: res.data?.message_id ?? '' };
      } catch (err) {
        throw new UploadError('failed', uploadReason('the file message', err));
      }
    },
    /** GET im/v1/messages/:id: a file or image message's resource, as an attachment (permission im:message:readonly / the bot in the chat). */
    async attachmentsOf(chat, messageId) {
      const res = check(await call('feishu message get', { messageId }, () => client.im.message.get({ path: { message_id: messageId } })));
      const item = res.data?.items?.[0];
      if (!item || item.chat_id !== chat.chatId || item.deleted) return [];
      let c: { file_key?: unknown; file_name?: unknown; image_key?: unknown };
      try {
        c = JSON.parse(item.body?.content ?? '{}');
      } catch {
        return [];
      }
      const out: Attachment[] = [];
      if (item.msg_type === 'file' && typeof c.file_key === 'string') out.push({ kind: 'file', name: typeof c.file_name === 'string' && c.file_name ? c.file_name : c.file_key, ref: resourceRef(messageId, 'file', c.file_key), messageId });
      if (item.msg_type === 'image' && typeof c.image_key === 'string') out.push({ kind: 'image', name: `${c.image_key}.png`, ref: resourceRef(messageId, 'image', c.image_key), messageId });
      return out;
    },
    /** GET im/v1/messages/:id/resources/:key?type=file|image (permission im:resource), at most maxBytes. */
    async fetchAttachment(ref, maxBytes) {
      const [messageId, type, key] = ref.split('|');
      if (!messageId || !key || (type !== 'file' && type !== 'image')) throw new AttachmentError('failed', 'not a Feishu resource');
      let res: { getReadableStream: () => NodeJS.ReadableStream & { destroy(): void }; headers: Record<string, unknown> };
      try {
        res = (await call('feishu resource get', { messageId }, () => client.im.messageResource.get({ path: { message_id: messageId, file_key: key }, params: { type } }))) as typeof res;
      } catch (err) {
        const status = (err as AxiosLike).response?.status;
        throw new AttachmentError('failed', status === 400 || status === 403 ? `HTTP ${status} (does the app have the im:resource permission?)` : status ? `HTTP ${status}` : (err as Error).message);
      }
      const headers = res.headers ?? {};
      const declared = Number(headers['content-length'] ?? NaN);
      const stream = res.getReadableStream();
      if (Number.isFinite(declared) && declared > maxBytes) {
        stream.destroy();
        throw new AttachmentError('too-large', `${declared} bytes`, declared);
      }
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const chunk of stream) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        n += b.byteLength;
        if (n > maxBytes) {
          stream.destroy();
          throw new AttachmentError('too-large', `more than ${maxBytes} bytes`, n);
        }
        chunks.push(b);
      }
      const disposition = String(headers['content-disposition'] ?? '');
      const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
      let name = '';
      try {
        name = named ? decodeURIComponent(named) : '';
      } catch {
        name = named ?? '';
      }
      const mime = String(headers['content-type'] ?? '').split(';')[0]!.trim() || 'application/octet-stream';
      return { bytes: new Uint8Array(Buffer.concat(chunks)), name: type === 'file' ? name : '', mime };
    },
    async update(chat, messageId, card) {
      await call('feishu update', { chatId: chat.chatId, messageId }, async () =>
        check(await client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(renderFeishuCard(card)) } })),
      );
    },
  };
}
