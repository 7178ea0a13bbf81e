import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';
import { UploadError, type OutgoingFile, type ReplyTarget } from '../../src/core/transport.ts';
import { withRetry, type RetryPolicy, type Verdict } from '../retry.ts';
import { slackText } from './render.ts';

/** Slack takes files up to 1 GB. */
export const SLACK_FILE_MAX = 1024 * 1024 * 1024;

export interface SlackUploadDeps {
  client: webApi.WebClient;
  log: Logger;
  policy?: RetryPolicy;
  /** A Web API call with the transport's retries. */
  call<T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>): Promise<T>;
  /** The call that shows the file in the channel, in the channel's paced slot, with the transport's retries (as chat.postMessage). */
  shared<T>(what: string, fields: Record<string, unknown>, channel: string, fn: () => Promise<T>): Promise<T>;
  /** The id of the same file shared in the thread by an earlier attempt, if any (earlier-send.ts findEarlierShare). */
  findShared?(): Promise<string | undefined>;
  /** This is earlier work done again (SendOptions.retry): look for the share before uploading. */
  retry?: boolean;
}

class UploadHttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** The upload URL answers like any HTTP server: 429 and 5xx are worth another try, and so is no answer. */
const classifyPost = (err: unknown): Verdict => (err instanceof UploadHttpError ? { retry: err.status === 429 || err.status >= 500 } : { retry: true });

/** What went wrong, in words for the chat: the error code Slack gave, never the token or the upload address. */
function reason(step: string, err: unknown): string {
  const e = err as { code?: string; data?: { error?: string; needed?: string }; statusCode?: number };
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'error';
      if (code === 'missing_scope') return `the Slack app lacks the ${e.data?.needed ?? 'files:write'} scope`;
      if (code === 'not_in_channel' || code === 'channel_not_found') return `the bot is not a member of this channel (${code})`;
      return `${step}: ${code}`;
    }
    case 'slack_webapi_rate_limited_error':
      return `${step}: Slack kept answering "rate limited"`;
    case 'slack_webapi_http_error':
      return `${step}: HTTP ${e.statusCode}`;
    case 'slack_webapi_request_error':
      return `${step}: no answer from Slack`;
    default:
      return err instanceof UploadHttpError ? `${step}: HTTP ${err.status}` : `${step} failed`;
  }
}

/**
 * files.uploadV2's three steps, each with its own retries: files.getUploadURLExternal (scope
 * files:write), POST of the bytes to the address it gives (raw bytes, as Slack documents),
 * files.completeUploadExternal with channel_id and thread_ts, which shares the file in the
 * thread. Only the last is seen by people, so only it is paced like a message. Slack has no
 * idempotency key for it, so work done again (an event handled again after a crash) and a share
 * tried again after its answer never came look for the share in the thread first (findShared).
 */
export async function slackUpload(d: SlackUploadDeps, to: ReplyTarget, file: OutgoingFile): Promise<{ messageId: string }> {
  const channel = to.chat.chatId;
  const thread = to.replyTo ?? to.messageId;
  const size = file.bytes.byteLength;
  if (size > SLACK_FILE_MAX) throw new UploadError('too-large', `${size} bytes`, SLACK_FILE_MAX);
  if (size === 0) throw new UploadError('failed', 'the file is empty');
  const fields = { channel, thread, bytes: size };
  if (d.retry && d.findShared) {
    const earlier = await d.findShared();
    if (earlier) return { messageId: earlier };
  }
  let got: { upload_url?: string; file_id?: string };
  try {
    got = await d.call('slack files.getUploadURLExternal', fields, () => d.client.files.getUploadURLExternal({ filename: file.name, length: size }));
  } catch (err) {
    throw new UploadError('failed', reason('files.getUploadURLExternal', err));
  }
  const { upload_url: url, file_id: id } = got;
  if (!url || !id) throw new UploadError('failed', 'files.getUploadURLExternal gave no upload address');
  try {
    await withRetry(
      'slack file upload',
      async () => {
        const res = await fetch(url, { method: 'POST', body: file.bytes, headers: { 'content-type': 'application/octet-stream' }, redirect: 'error', signal: AbortSignal.timeout(120_000) });
        await res.arrayBuffer(); // drain: the connection goes back to the pool
        if (!res.ok) throw new UploadHttpError(res.status);
      },
      classifyPost,
      { log: d.log, fields: { platform: 'slack', ...fields, fileId: id }, policy: d.policy },
    );
  } catch (err) {
    throw new UploadError('failed', err instanceof UploadHttpError ? `the upload was refused (HTTP ${err.status})` : 'the upload did not get through (no answer)');
  }
  // A try whose answer never came (timeout, dropped connection) may have shared the file.
  let look = false;
  try {
    const earlier = await d.shared('slack files.completeUploadExternal', { ...fields, fileId: id }, channel, async () => {
      const found = look && d.findShared ? await d.findShared() : undefined;
      if (found) return found;
      try {
        await d.client.files.completeUploadExternal({ files: [{ id, title: file.name }], channel_id: channel, thread_ts: thread, ...(file.comment ? { initial_comment: slackText(file.comment) } : {}) });
        return undefined;
      } catch (err) {
        look = (err as { code?: string }).code === 'slack_webapi_request_error';
        throw err;
      }
    });
    if (earlier) return { messageId: earlier };
  } catch (err) {
    throw new UploadError('failed', reason('files.completeUploadExternal', err));
  }
  return { messageId: id };
}
