import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';

/**
 * Slack has no idempotency key for chat.postMessage, so every keyed send carries the key as
 * message metadata, and a retry (SendOptions.retry) first looks for a message with that key:
 * in the thread for a reply, in the channel's latest messages for a post. Reading it back
 * needs the *:history scopes the bot already has for message events.
 */
export const SEND_EVENT_TYPE = 'oa_bot_send';

/** Messages per page, and pages a reply's thread is read (oldest first) before giving up. */
const PAGE = 200;
const THREAD_PAGES = 5;

export const sendMetadata = (key: string | undefined) => (key ? { metadata: { event_type: SEND_EVENT_TYPE, event_payload: { key } } } : {});

interface Where {
  channel: string;
  /** Thread root, for a reply. */
  thread?: string;
}

type Call = <T>(what: string, fields: Record<string, unknown>, fn: () => Promise<T>) => Promise<T>;
interface Page {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/**
 * The ts of an earlier message sent with `key`, or undefined. A post is looked for among the
 * channel's latest messages (an earlier attempt is minutes old), a reply in its thread. A
 * lookup that fails (missing scope, Slack down after its retries) is logged and answers
 * undefined: sending twice is better than not answering.
 */
export async function findEarlierSend(client: webApi.WebClient, call: Call, log: Logger, where: Where, key: string): Promise<string | undefined> {
  const { channel, thread } = where;
  const mine = (m: NonNullable<Page['messages']>[number]) =>
    m.metadata?.event_type === SEND_EVENT_TYPE && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key;
  try {
    let cursor: string | undefined;
    for (let page = 0; page < (thread ? THREAD_PAGES : 1); page++) {
      const res: Page = thread
        ? await call('slack look for an earlier reply', { channel, thread }, () =>
            client.conversations.replies({ channel, ts: thread, include_all_metadata: true, limit: PAGE, ...(cursor ? { cursor } : {}) }),
          )
        : await call('slack look for an earlier post', { channel }, () => client.conversations.history({ channel, include_all_metadata: true, limit: PAGE }));
      const hit = (res.messages ?? []).find(mine);
      if (hit?.ts) {
        log.info('slack send skipped: an earlier attempt already sent it', { channel, key, ts: hit.ts });
        return hit.ts;
      }
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) return undefined;
    }
    return undefined;
  } catch (err) {
    log.warn('slack could not look for an earlier send; sending again (it may show twice)', { channel, key, err });
    return undefined;
  }
}
