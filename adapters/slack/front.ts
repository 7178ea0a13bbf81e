import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../src/core/log.ts';
import type { Inbox } from '../inbox.ts';
import { checkSlackBody, type SlackBody } from './envelope.ts';
import { slackEventWanted, type SlackMessageEvent } from './translate.ts';

export const SLACK_KIND = 'slack';

/**
 * The inbox key of a body that can lead to an answer (undefined for one that cannot): the
 * event id translate.ts gives the message. A message is keyed by channel and ts, not by
 * Slack's event_id: it comes as app_mention and as message, with two event ids.
 */
function deliveryId(body: SlackBody, botUserId: string): string | undefined {
  switch (body.type) {
    case 'event_callback': {
      const e = body.event as SlackMessageEvent;
      if (!slackEventWanted(e, botUserId)) return undefined;
      return `${e.channel}:${e.ts}`;
    }
    case 'block_actions':
      return `click:${body.trigger_id ?? `${body.actions[0]!.action_ts}:${body.user.id}`}`;
    case 'url_verification':
    case 'app_rate_limited':
      return undefined;
  }
}

/**
 * What both Slack receivers (HTTP and Socket Mode) do before Slack gets its
 * acknowledgement: keep the event in the inbox. Bolt acknowledges every event before any
 * listener runs, so the inbox cannot sit behind Bolt: it sits in front, and hands the kept
 * body to Bolt (app.processEvent, with nothing left to acknowledge) once it is safe.
 */
export function createSlackFront(opts: { inbox: Inbox; log: Logger; botUserId: () => string }) {
  const { inbox, log } = opts;
  return {
    /** Resolves when the body may be acknowledged; rejects when it could not be kept. */
    async keep(body: SlackBody): Promise<void> {
      const id = deliveryId(body, opts.botUserId());
      if (id === undefined) return log.debug('slack event not kept: nothing to answer', { type: body.type });
      // Without the legacy verification token: a secret has no business in the store.
      const { token: _secret, ...kept } = body as SlackBody & { token?: unknown };
      if (!(await inbox.receive('slack', id, SLACK_KIND, kept))) log.debug('duplicate slack event ignored', { id });
    },
    /**
     * The app a Socket Mode receiver drives: the same checks as the HTTP route (Bolt throws
     * on some malformed bodies), then the inbox, then the acknowledgement. A body that could
     * not be kept is not acknowledged, so Slack sends it again.
     */
    socketApp(): App {
      const processEvent = async (event: ReceiverEvent) => {
        const checked = checkSlackBody(event.body);
        if (!checked.ok) {
          log.warn('slack socket event refused', { reason: checked.reason });
          return event.ack(); // acknowledged so Slack does not send the same garbage again
        }
        await this.keep(checked.body);
        await event.ack();
      };
      return { processEvent } as unknown as App;
    },
  };
}
export type SlackFront = ReturnType<typeof createSlackFront>;
