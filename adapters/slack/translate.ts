import { Action, type ActionMessage, type Attachment, type ChatRef, type TextMessage, type UserRef } from '../../src/core/message.ts';

export interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  channel_type?: string;
  /** The sender's workspace; in a shared channel it differs from the app's (Slack Connect). */
  user_team?: string;
  team?: string;
  /** subtype file_share: the files shared with the message. */
  files?: { id?: string; name?: string; title?: string; mimetype?: string; size?: number }[];
}

/** Slack says which workspace a person belongs to: the organisation for role checks. */
const orgOf = (team: unknown): { org?: string } => (typeof team === 'string' && /^[TE][A-Z0-9]+$/.test(team) ? { org: team } : {});

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const chatTypeOf = (channel: string, channelType?: string): ChatRef['chatType'] => (channelType === 'im' || (!channelType && channel.startsWith('D')) ? 'direct' : 'group');

/** Subtypes that are still a person talking: a reply also sent to the channel, a message with a file. */
const personSubtype = (subtype?: string) => !subtype || subtype === 'thread_broadcast' || subtype === 'file_share';

/**
 * Whether an event can lead to an answer at all, decided before it is acknowledged: the
 * bot's own posts, edits, joins and top-level channel chatter are not kept in the inbox.
 * The same rules as slackMessageToIncoming, which has the last word.
 */
export function slackEventWanted(e: SlackMessageEvent, botUserId: string): boolean {
  if (e.type !== 'message' && e.type !== 'app_mention') return false;
  if (!personSubtype(e.subtype) || !e.user || !e.ts || !e.channel || e.bot_id || e.user === botUserId) return false;
  return e.type === 'app_mention' || !!e.thread_ts || chatTypeOf(e.channel, e.channel_type) === 'direct';
}

/**
 * app_mention / message → TextMessage, or null for what the bot must not see: subtypes
 * (edits, deletions, bot_message, joins; not thread_broadcast or file_share), and top-level channel messages (a mention
 * there arrives as app_mention). The event id is channel+ts, so the same message
 * delivered as app_mention and as message, or twice with different event ids, is handled once.
 */
export function slackMessageToIncoming(e: SlackMessageEvent, bot: { userId: string; botId?: string }, viaMention: boolean): TextMessage | null {
  if (!personSubtype(e.subtype)) return null;
  if (!e.user || !e.ts || !e.channel) return null;
  const chatType = chatTypeOf(e.channel, e.channel_type);
  if (!viaMention && chatType === 'group' && !e.thread_ts) return null;
  let mentionsBot = viaMention;
  const mentions: UserRef[] = [];
  const text = unescape(
    (e.text ?? '').replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => {
      if (id === bot.userId) {
        mentionsBot = true;
        return '';
      }
      mentions.push({ id, isBot: false });
      return `@{${id}}`;
    }),
  )
    .replace(/\s+/g, ' ')
    .trim();
  return {
    kind: 'text',
    chat: { platform: 'slack', chatId: e.channel, chatType },
    user: { id: e.user, isBot: !!e.bot_id || e.user === bot.userId, ...orgOf(e.user_team ?? e.team) },
    eventId: `${e.channel}:${e.ts}`,
    at: new Date(Number(e.ts) * 1000),
    replyTo: e.thread_ts,
    messageId: e.ts,
    text,
    mentionsBot,
    mentions,
    ...(slackFiles(e).length ? { attachments: slackFiles(e) } : {}),
  };
}

/** The files of a file_share message; the ref is the file id, fetched with files.info (never the event's URL). */
export function slackFiles(e: Pick<SlackMessageEvent, 'files'>): Attachment[] {
  return (e.files ?? []).flatMap((f) =>
    typeof f.id === 'string' && f.id
      ? [{ kind: f.mimetype?.startsWith('image/') ? ('image' as const) : ('file' as const), name: f.name || f.title || f.id, ref: f.id, ...(typeof f.size === 'number' && f.size >= 0 ? { size: f.size } : {}), ...(f.mimetype ? { mime: f.mimetype } : {}) }]
      : [],
  );
}

export interface SlackBlockActions {
  trigger_id?: string;
  user?: { id?: string; name?: string; team_id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
}

export type ActionResult = { ok: true; msg: ActionMessage } | { ok: false; reason: string; channel?: string; user?: string };

/** A button click (block_actions) → ActionMessage; a forged or outdated value is refused. */
export function slackActionToIncoming(body: SlackBlockActions, value: string | undefined, actionTs: string | undefined, now: Date): ActionResult {
  const user = body.user?.id;
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!user || !channel || !ts) return { ok: false, reason: 'click without user, channel or message', channel, user };
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch {
    return { ok: false, reason: 'button value is not JSON', channel, user };
  }
  const action = Action.safeParse(raw);
  if (!action.success) return { ok: false, reason: 'invalid button value', channel, user };
  return {
    ok: true,
    msg: {
      kind: 'action',
      chat: { platform: 'slack', chatId: channel, chatType: chatTypeOf(channel) },
      user: { id: user, name: body.user?.name, isBot: false, ...orgOf(body.user?.team_id) },
      eventId: `click:${body.trigger_id ?? `${actionTs}:${user}`}`,
      at: now,
      messageId: ts,
      replyTo: body.message?.thread_ts ?? body.container?.thread_ts,
      action: action.data,
    },
  };
}
