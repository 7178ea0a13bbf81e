import { parseMultipart } from './multipart.ts';
import { RecordingServer, type RecordedCall } from './recorder.ts';

export const FAKE_BOT_USER_ID = 'UBOT0001';
export const FAKE_BOT_ID = 'BBOT0001';

/** A file shared with files.completeUploadExternal: what people see in the channel. */
export interface SlackUpload {
  fileId: string;
  filename: string;
  title?: string;
  /** The bytes POSTed to the upload address. */
  bytes: Buffer;
  channel: string;
  threadTs?: string;
  initialComment?: string;
}

interface Posted {
  ts: string;
  thread_ts?: string;
  text?: string;
  /** Absent for what a person said (`said`). */
  bot_id?: string;
  user?: string;
  files?: object[];
  metadata?: unknown;
}

/**
 * A fake Slack Web API under /api/: auth.test, users.info, chat.postMessage,
 * chat.update, chat.postEphemeral, the upload flow of files.uploadV2
 * (files.getUploadURLExternal → POST the bytes to /upload/v1/<file id> → files.completeUploadExternal;
 * `uploads` lists what was shared, with its bytes), and conversations.history / conversations.replies over
 * what was posted and what people `said` (metadata only with include_all_metadata, as Slack does;
 * `oldest`, `latest` and `inclusive` honoured).
 * Posted messages get ts 1700000100.000001, .000002, …: a test whose retries look for an
 * earlier answer gives its questions older ts, as on Slack a reply is newer. Every call is
 * recorded; `sent()` lists the chat.* calls with `blocks` parsed. Point the app at `apiUrl`
 * (ends with /api/).
 */
export class FakeSlack extends RecordingServer {
  private n = 0;
  /** channel → messages posted there, oldest first. */
  private readonly posted = new Map<string, Posted[]>();
  /** user id → display name answered by users.info. */
  readonly names = new Map<string, string>();
  /** Files served by files.info and their private download URL (`/files-pri/<id>`, bot token required). */
  /** The token the download URL wants (test/helpers/app.ts's SLACK_BOT_TOKEN). */
  botToken = 'xoxb-slack-bot-token-TEST';
  readonly files = new Map<string, { name: string; mimetype: string; bytes: Buffer; size?: number }>();
  /** Files announced with files.getUploadURLExternal, by id, with the bytes once POSTed. */
  private readonly pending = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  /** Files shared by files.completeUploadExternal, in order. */
  readonly uploads: SlackUpload[] = [];
  /** Socket Mode: the WebSocket URL apps.connections.open hands out (see FakeSlackSocket). */
  socketUrl = '';

  constructor() {
    super((c) => this.answer(c));
  }

  static async start(): Promise<FakeSlack> {
    return new FakeSlack().start();
  }

  /** A message another app posted (another deployment of this bot, say), for history and replies. */
  postAs(botId: string, channel: string, m: { ts: string; thread_ts?: string; metadata?: unknown }): void {
    this.posted.set(channel, [...(this.posted.get(channel) ?? []), { ...m, bot_id: botId }]);
  }

  /**
   * What a person posted (a file shared into a thread, say), so conversations.replies lists it as
   * Slack would: with `user` and `files`, in ts order. The app still gets it only as an event.
   */
  said(channel: string, m: { ts: string; thread_ts?: string; user: string; text?: string; files?: object[] }): void {
    const list = [...(this.posted.get(channel) ?? []), m];
    this.posted.set(channel, list.sort((a, b) => Number(a.ts) - Number(b.ts)));
  }

  /** Forgets every call and every message posted, as a new workspace would. */
  reset(): void {
    this.calls.length = 0;
    this.posted.clear();
    this.uploads.length = 0;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  sent(): (RecordedCall & { method: string; api: string; blocks: any[] })[] {
    return this.calls.filter(isChatCall).filter((c) => c.status === 200).map(describe);
  }

  async waitSent(count = 1, timeoutMs = 5000) {
    await this.waitFor((c) => isChatCall(c) && c.status === 200, count, timeoutMs);
    return this.sent();
  }

  /** A file a person shares: files.info knows it; returns the event's `files` entry. */
  addFile(id: string, f: { name: string; mimetype: string; bytes: Buffer; size?: number }) {
    this.files.set(id, f);
    return { id, name: f.name, mimetype: f.mimetype, size: f.size ?? f.bytes.byteLength, url_private_download: `${this.url}/files-pri/${id}/${encodeURIComponent(f.name)}` };
  }

  private answer(c: RecordedCall) {
    if (c.path.startsWith('/upload/v1/')) {
      // Slack takes the bytes raw or as a multipart form (the SDK's filesUploadV2 sends a form).
      const f = this.pending.get(c.path.split('/')[3] ?? '');
      if (!f || c.method !== 'POST') return { status: 404, body: { error: 'no such upload' } };
      const parts = parseMultipart(c.raw, c.headers['content-type']);
      f.bytes = parts.length ? (parts.find((p) => p.filename !== undefined) ?? parts[0]!).data : c.raw;
      return { headers: { 'content-type': 'text/plain' }, body: Buffer.from(`OK - ${f.bytes.byteLength}`) };
    }
    if (c.path.startsWith('/files-pri/')) {
      const f = this.files.get(c.path.split('/')[2] ?? '');
      // As Slack: without the bot token, the sign-in page.
      if (!f || c.headers.authorization !== `Bearer ${this.botToken}`) return { headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>sign in</html>') };
      return { headers: { 'content-type': f.mimetype }, body: f.bytes };
    }
    const api = c.path.replace(/^\/api\//, '');
    const b = c.body ?? {};
    switch (api) {
      case 'auth.test':
        return { body: { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'oabot', team_id: 'T0001', user_id: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID } };
      case 'apps.connections.open':
        return { body: this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed_token_type' } };
      case 'users.info': {
        const name = this.names.get(b.user);
        return name ? { body: { ok: true, user: { id: b.user, name, real_name: name, profile: { display_name: name, real_name: name } } } } : { body: { ok: false, error: 'user_not_found' } };
      }
      case 'chat.postMessage': {
        const ts = `1700000100.${String(++this.n).padStart(6, '0')}`;
        const list = this.posted.get(b.channel) ?? [];
        list.push({ ts, thread_ts: b.thread_ts, text: b.text, bot_id: FAKE_BOT_ID, metadata: parseJson(b.metadata) });
        this.posted.set(b.channel, list);
        return { body: { ok: true, channel: b.channel, ts, message: { text: b.text } } };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const all = this.posted.get(b.channel) ?? [];
        const limit = Number(b.limit ?? 100);
        const start = Number(b.cursor ?? 0);
        // history: the channel's top-level messages, newest first; replies: a thread, oldest first.
        // oldest / latest as Slack: exclusive unless inclusive=true.
        const inclusive = String(b.inclusive) === 'true';
        const newer = (m: Posted) =>
          (!b.oldest || (inclusive ? Number(m.ts) >= Number(b.oldest) : Number(m.ts) > Number(b.oldest))) && (!b.latest || (inclusive ? Number(m.ts) <= Number(b.latest) : Number(m.ts) < Number(b.latest)));
        const list = (api === 'conversations.history' ? all.filter((m) => !m.thread_ts).reverse() : all.filter((m) => m.ts === b.ts || m.thread_ts === b.ts)).filter(newer);
        const page = list.slice(start, start + limit).map(({ metadata, ...m }) => (String(b.include_all_metadata) === 'true' && metadata ? { ...m, metadata } : m));
        const more = start + limit < list.length;
        return { body: { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } } };
      }
      case 'files.info': {
        const f = this.files.get(b.file);
        if (!f) return { body: { ok: false, error: 'file_not_found' } };
        return { body: { ok: true, file: { id: b.file, name: f.name, mimetype: f.mimetype, size: f.size ?? f.bytes.byteLength, url_private_download: `${this.url}/files-pri/${b.file}/${encodeURIComponent(f.name)}` } } };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(b.length);
        if (!b.filename || !Number.isInteger(length) || length <= 0) return { body: { ok: false, error: 'invalid_arguments' } };
        const id = `F0UP${String(++this.n).padStart(6, '0')}`;
        this.pending.set(id, { filename: b.filename, length });
        return { body: { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id } };
      }
      case 'files.completeUploadExternal': {
        const files = parseJson(b.files) as { id: string; title?: string }[] | undefined;
        if (!Array.isArray(files) || !files.length) return { body: { ok: false, error: 'invalid_arguments' } };
        for (const f of files) {
          const p = this.pending.get(f.id);
          // As Slack: the bytes must have arrived, all of them.
          if (!p?.bytes || p.bytes.byteLength !== p.length) return { body: { ok: false, error: 'file_not_found' } };
        }
        for (const f of files) {
          const p = this.pending.get(f.id)!;
          this.pending.delete(f.id);
          this.uploads.push({ fileId: f.id, filename: p.filename, title: f.title, bytes: p.bytes!, channel: b.channel_id, ...(b.thread_ts ? { threadTs: b.thread_ts } : {}), ...(b.initial_comment ? { initialComment: b.initial_comment } : {}) });
        }
        // As Slack: the share is a message in the channel (the thread), by the bot, with the files.
        const ts = `1700000100.${String(++this.n).padStart(6, '0')}`;
        const list = this.posted.get(b.channel_id) ?? [];
        list.push({ ts, ...(b.thread_ts ? { thread_ts: b.thread_ts } : {}), text: b.initial_comment ?? '', bot_id: FAKE_BOT_ID, user: FAKE_BOT_USER_ID, files: files.map((f) => ({ id: f.id, name: this.uploads.find((u) => u.fileId === f.id)?.filename, title: f.title })) });
        this.posted.set(b.channel_id, list);
        return { body: { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) } };
      }
      case 'chat.update':
        return { body: { ok: true, channel: b.channel, ts: b.ts } };
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: `1700000200.${String(++this.n).padStart(6, '0')}` } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function isChatCall(c: RecordedCall): boolean {
  return c.path.startsWith('/api/chat.');
}

function describe(c: RecordedCall) {
  let blocks: any[] = [];
  try {
    blocks = typeof c.body?.blocks === 'string' ? JSON.parse(c.body.blocks) : (c.body?.blocks ?? []);
  } catch {
    blocks = [];
  }
  return { ...c, api: c.path.replace(/^\/api\//, ''), blocks };
}
