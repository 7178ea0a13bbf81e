import { createHmac } from 'node:crypto';
import { FAKE_BOT_USER_ID } from '../fakes/slack-api.ts';

export { FAKE_BOT_USER_ID };

/** Headers Slack signs a request with: v0 HMAC-SHA256 over `v0:{ts}:{raw body}`. */
export function slackHeaders(signingSecret: string, rawBody: string, opts: { timestamp?: number; contentType?: string } = {}): Record<string, string> {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const sig = 'v0=' + createHmac('sha256', signingSecret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return { 'content-type': opts.contentType ?? 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
}

let seq = 0;
const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;
// Slack's event ids are unique per event: two events built in one millisecond must differ too.
let eventSeq = 0;

/**
 * An Events API envelope. `text` may contain `@bot` (the bot's `<@U…>`) and `<@Uxxx>`.
 * type 'app_mention' or 'message'; `channel` starting with D is a DM (channel_type im).
 */
export function slackEvent(o: { type?: 'app_mention' | 'message'; text: string; channel?: string; user?: string; ts?: string; threadTs?: string; eventId?: string; subtype?: string; botId?: string }) {
  const channel = o.channel ?? 'C0GROUP1';
  const type = o.type ?? 'app_mention';
  const ts = o.ts ?? nextTs();
  return {
    token: 'legacy',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: o.eventId ?? `Ev${Date.now()}x${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0001', user_id: FAKE_BOT_USER_ID, is_bot: true }],
    event: {
      type,
      ...(o.subtype ? { subtype: o.subtype } : {}),
      ...(o.botId ? { bot_id: o.botId } : {}),
      user: o.user ?? 'U0USER1',
      text: o.text.replace(/@bot/g, `<@${FAKE_BOT_USER_ID}>`),
      ts,
      ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
      channel,
      ...(type === 'message' ? { channel_type: channel.startsWith('D') ? 'im' : 'channel' } : {}),
      event_ts: ts,
    },
  };
}

/** A block_actions interactivity body (form-encoded `payload=`), for a click on a button with `value`. */
export function slackAction(o: { value: string; messageTs: string; threadTs?: string; channel?: string; user?: string; team?: string; triggerId?: string; actionId?: string }): string {
  const n = ++seq;
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001' },
    user: { id: o.user ?? 'U0USER1', username: 'user1', name: 'user1', team_id: o.team ?? 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy',
    trigger_id: o.triggerId ?? `trig.${n}`,
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel ?? 'C0GROUP1', is_ephemeral: false, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) },
    channel: { id: o.channel ?? 'C0GROUP1', name: 'group1' },
    message: { type: 'message', ts: o.messageTs, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), text: 'card' },
    response_url: 'https://hooks.slack.invalid/actions/1',
    actions: [{ type: 'button', action_id: o.actionId ?? 'oa:0:0', block_id: 'b1', value: o.value, action_ts: `${Math.floor(Date.now() / 1000)}.${n}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
