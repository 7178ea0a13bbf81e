import { z } from 'zod';

/**
 * The Slack request bodies the bot takes, checked before Bolt sees them. Bolt throws a
 * TypeError on some malformed bodies (`"event": null`) and lets the ones it does not
 * recognise wait out its 3 s ack timeout before a 404; both must be a prompt 400 instead.
 * Only what the adapter listens to is accepted: events (Bolt acks every event_callback
 * itself) and clicks on our `oa:` buttons (block_actions).
 */

const UrlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() }).loose();

// Slack tells us it dropped events for an hour; nothing to hand to Bolt, just to log.
const AppRateLimited = z.object({ type: z.literal('app_rate_limited') }).loose();

const str = z.string().optional();
/** What adapters/slack/translate.ts reads from the events it listens to. */
const MessageEvent = z.object({ subtype: str, user: str, bot_id: str, text: str, ts: str, thread_ts: str, channel: str, channel_type: str }).loose();

const Event = z
  .object({
    type: z.string().min(1),
    // Bolt reads `'channel' in event.item` when item is there: a non-object throws.
    item: z.object({}).loose().optional(),
  })
  .loose()
  .superRefine((e, ctx) => {
    if (e.type !== 'message' && e.type !== 'app_mention') return;
    const r = MessageEvent.safeParse(e);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  });

const EventCallback = z.object({ type: z.literal('event_callback'), event_id: z.string().optional(), event: Event }).loose();

const Id = z.object({ id: z.string() }).loose();

/** A click, with the fields Bolt and adapters/slack/translate.ts read. */
const BlockActions = z
  .object({
    type: z.literal('block_actions'),
    trigger_id: z.string().optional(),
    user: z.object({ id: z.string().min(1), name: z.string().optional() }).loose(),
    channel: Id.nullish(),
    container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).loose().optional(),
    message: z.object({ ts: z.string().optional(), thread_ts: z.string().optional() }).loose().optional(),
    // Bolt routes on the first action; only `oa:` buttons have a listener (see render.ts).
    actions: z
      .array(z.object({ action_id: z.string().startsWith('oa:'), value: z.string().optional(), action_ts: z.string().optional() }).loose())
      .min(1),
  })
  .loose();

export const SlackBody = z.discriminatedUnion('type', [UrlVerification, AppRateLimited, EventCallback, BlockActions]);
export type SlackBody = z.infer<typeof SlackBody>;

const TYPES = ['url_verification', 'event_callback', 'block_actions', 'app_rate_limited'];

/** The body as one of SlackBody, or why not (for the 400), without echoing its content. */
export function checkSlackBody(body: Record<string, unknown>): { ok: true; body: SlackBody } | { ok: false; reason: string } {
  const type = body.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    const what = typeof type === 'string' ? `type "${type.slice(0, 40)}"` : 'a body without a string type';
    return { ok: false, reason: `unsupported Slack request: ${what} (this endpoint takes ${TYPES.join(', ')})` };
  }
  const r = SlackBody.safeParse(body);
  if (r.success) return { ok: true, body: r.data };
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return { ok: false, reason: `malformed ${type}: ${issues.join('; ')}` };
}
