import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';

/**
 * Slack has no idempotency key for chat.postMessage, so every keyed send carries the key as
 * message metadata, and a retry (SendOptions.retry) first looks for a message with that key:
 * in the thread for a reply, in the channel's latest messages for a post. Reading it back
 * needs the *:history scopes.
 */
export const SEND_EVENT_TYPE = 'oa_bot_send';

/** Messages per page, and pages a reply's thread is read before giving up. */
const PAGE = 200;
const THREAD_PAGES = 5;

export const sendMetadata = (key: string | undefined) => (key ? { metadata: { event_type: SEND_EVENT_TYPE, event_payload: { key } } } : {});

export interface Where {
  channel: string;
  /** Thread root, for a reply. */
  thread?: string;
  /** A reply comes after the message it answers: only messages after this ts are read. */
  after?: string;
}

interface Page {
  messages?: { ts?: string; bot_id?: string; user?: string; files?: { id?: string; name?: string; title?: string }[]; metadata?: { event_type?: string; event_payload?: unknown } }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/**
 * The ts of an earlier message this bot (`botId`, from auth.test) sent with `key`, or
 * undefined. The bot id matters: a staging and a production bot in one channel make the same
 * keys. One try per page, no retries: a lookup that fails (missing scope, rate limit, Slack
 * down) is logged and answers undefined, as sending twice is better than not answering or
 * holding up the answer.
 */
export async function findEarlierSend(client: webApi.WebClient, log: Logger, botId: string | undefined, where: Where, key: string): Promise<string | undefined> {
  const { channel, thread, after } = where;
  const mine = (m: NonNullable<Page['messages']>[number]) =>
    (!botId || m.bot_id === botId) && m.metadata?.event_type === SEND_EVENT_TYPE && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key;
  try {
    let cursor: string | undefined;
    for (let page = 0; page < (thread ? THREAD_PAGES : 1); page++) {
      const res: Page = thread
        ? await client.conversations.replies({ channel, ts: thread, include_all_metadata: true, limit: PAGE, ...(after ? { oldest: after } : {}), ...(cursor ? { cursor } : {}) })
        : await client.conversations.history({ channel, include_all_metadata: true, limit: PAGE });
      const hit = (res.messages ?? []).find(mine);
      if (hit?.ts) {
        log.info('slack send skipped: an earlier attempt already sent it', { platform: 'slack', channel, key, ts: hit.ts });
        return hit.ts;
      }
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) return undefined;
    }
    return undefined;
  } catch (err) {
    log.warn('slack could not look for an earlier send; sending again (it may show twice)', { platform: 'slack', channel, key, err });
    return undefined;
  }
}

/**
 * The id of a file this bot already shared under `name` in the thread after `where.after`, or
 * undefined. files.completeUploadExternal takes no key and no metadata, so an upload that is
 * tried again (the share's answer never came, or the event is handled again after a crash)
 * looks for the share message first: by this bot (its bot id or bot user), with that file name.
 * Like findEarlierSend, a lookup that fails is logged and answers undefined.
 */
export async function findEarlierShare(client: webApi.WebClient, log: Logger, bot: { botId?: string; userId?: string }, where: Where & { thread: string }, name: string): Promise<string | undefined> {
  const { channel, thread, after } = where;
  const mine = (m: NonNullable<Page['messages']>[number]) => (bot.botId && m.bot_id === bot.botId) || (bot.userId && m.user === bot.userId) || (!bot.botId && !bot.userId && !!m.bot_id);
  try {
    let cursor: string | undefined;
    for (let page = 0; page < THREAD_PAGES; page++) {
      const res: Page = await client.conversations.replies({ channel, ts: thread, limit: PAGE, ...(after ? { oldest: after } : {}), ...(cursor ? { cursor } : {}) });
      const file = (res.messages ?? []).filter(mine).flatMap((m) => m.files ?? []).find((f) => f.id && (f.name === name || f.title === name));
      if (file?.id) {
        log.info('slack upload skipped: an earlier attempt already shared it', { platform: 'slack', channel, thread, fileId: file.id });
        return file.id;
      }
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) return undefined;
    }
    return undefined;
  } catch (err) {
    log.warn('slack could not look for an earlier share; uploading again (it may show twice)', { platform: 'slack', channel, thread, err });
    return undefined;
  }
}
