import { z } from 'zod';

/**
 * The decrypted, authenticated Feishu body, checked before the SDK's dispatcher sees it.
 * Event types the bot handles must carry the fields adapters/feishu/translate.ts reads,
 * or the request is a 400; other event types (Feishu sends whatever the app subscribed
 * to, e.g. im.message.message_read_v1) get a quick {} and are ignored, as the SDK would
 * after logging "no handle". Only schema 2.0 envelopes are taken: the bot registers v2
 * event names only, so a v1 body (event.type) is ignored the same way.
 */

const str = z.string().nullish();

const MessageReceive = z
  .object({
    sender: z
      .object({ sender_id: z.object({ open_id: str }).loose().nullish(), sender_type: str })
      .loose(),
    message: z
      .object({
        message_id: z.string().min(1),
        chat_id: z.string().min(1),
        chat_type: str,
        message_type: z.string(),
        content: z.string(),
        create_time: str,
        root_id: str,
        parent_id: str,
        mentions: z.array(z.object({ key: str, id: z.object({ open_id: str }).loose().nullish(), name: str }).loose()).nullish(),
      })
      .loose(),
  })
  .loose();

const CardActionTrigger = z
  .object({
    operator: z.object({ open_id: z.string().min(1) }).loose(),
    // The value itself is checked later: a forged or outdated one gets an error toast.
    action: z.object({ value: z.unknown() }).loose(),
    context: z.object({ open_message_id: z.string().min(1), open_chat_id: z.string().min(1) }).loose(),
  })
  .loose();

/** Event types with a handler in adapter.ts, and the event each needs. */
const HANDLED: Record<string, z.ZodType> = {
  'im.message.receive_v1': MessageReceive,
  'card.action.trigger': CardActionTrigger,
};

const Header = z.object({ event_id: z.string().min(1), event_type: z.string().min(1) }).loose();

export type FeishuEnvelopeCheck = { handle: true } | { handle: false; ignored: string } | { handle: false; status: 400; reason: string };

export function checkFeishuEnvelope(inner: Record<string, unknown>): FeishuEnvelopeCheck {
  if (inner.schema !== '2.0') {
    const v1 = inner.event as { type?: unknown } | null | undefined;
    if (inner.type === 'event_callback' && typeof v1 === 'object' && v1 !== null && typeof v1.type === 'string') return { handle: false, ignored: `v1 event ${v1.type.slice(0, 60)}` };
    return { handle: false, status: 400, reason: 'not a Feishu event: no schema 2.0 header and no v1 event' };
  }
  const header = Header.safeParse(inner.header);
  if (!header.success) return { handle: false, status: 400, reason: `malformed event header: ${issues(header.error)}` };
  const type = header.data.event_type;
  const schema = HANDLED[type];
  if (!schema) return { handle: false, ignored: type.slice(0, 80) };
  const event = schema.safeParse(inner.event);
  if (!event.success) return { handle: false, status: 400, reason: `malformed ${type} event: ${issues(event.error)}` };
  return { handle: true };
}

const issues = (e: z.ZodError) =>
  e.issues
    .slice(0, 3)
    .map((i) => `${['event', ...i.path].join('.')}: ${i.message}`)
    .join('; ');
