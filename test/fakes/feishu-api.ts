import { parseMultipart } from './multipart.ts';
import { RecordingServer, type RecordedCall } from './recorder.ts';

export const FAKE_BOT_OPEN_ID = 'ou_bot0000000000000000000000000001';

/**
 * A fake Feishu Open API: tenant token, bot info, contact user names, the
 * message calls (create, reply, patch), and file uploads (POST im/v1/files, multipart:
 * `uploaded` keeps each file_key's type, name and bytes). Every call is recorded in `calls`;
 * `sent()` lists only the message calls, in order; `fileMessages()` the file messages sent,
 * with the file they carry.
 */
export class FakeFeishu extends RecordingServer {
  private n = 0;
  /** open_id → display name answered by contact.v3.user.get. */
  readonly names = new Map<string, string>();
  /** Messages people sent (files, images) that GET im/v1/messages/:id answers. */
  readonly messages = new Map<string, { chatId: string; msgType: string; content: object; rootId?: string; parentId?: string }>();
  /** Resources of those messages by key, for GET im/v1/messages/:id/resources/:key?type=. */
  readonly resources = new Map<string, { mime: string; bytes: Buffer; filename?: string }>();
  /** Files uploaded with POST im/v1/files, by the file_key answered. */
  readonly uploaded = new Map<string, { fileType: string; fileName: string; bytes: Buffer }>();
  /** Long connection: the WebSocket URL /callback/ws/endpoint hands out (see FakeFeishuWs). */
  wsUrl = '';
  /**
   * Feishu's send idempotency: "持有相同 uuid 的请求 1 小时内至多成功发送一条消息". A repeat
   * gets the first message's id back and posts nothing (the hour is not modelled).
   */
  private byUuid = new Map<string, string>();
  private repeats = new Set<RecordedCall>();

  constructor() {
    super((c) => this.answer(c));
  }

  static async start(): Promise<FakeFeishu> {
    return new FakeFeishu().start();
  }

  /** The im.message create / reply / patch calls, with `card` = the parsed card JSON. */
  sent(): (RecordedCall & { kind: 'create' | 'reply' | 'patch'; card: any; messageId?: string })[] {
    return this.calls.filter(isMessageCall).filter((c) => c.status === 200 && !this.repeats.has(c)).map(describe);
  }

  /** Cards sent with POST /open-apis/ephemeral/v1/send: who alone sees each, in which chat. */
  ephemeral(): { userId: string; chatId: string; card: any }[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path === '/open-apis/ephemeral/v1/send' && c.status === 200).map((c) => ({ userId: c.body.open_id, chatId: c.body.chat_id, card: c.body.card }));
  }

  /** Waits for `count` successful message calls and returns them all. */
  async waitSent(count = 1, timeoutMs = 5000) {
    await this.waitFor((c) => isMessageCall(c) && c.status === 200, count, timeoutMs);
    return this.sent();
  }

  /** The messages with msg_type file (create or reply), with the uploaded file their file_key names. */
  fileMessages() {
    return this.sent()
      .filter((c) => c.body?.msg_type === 'file')
      .map((c) => ({ ...c, fileKey: c.card?.file_key as string, file: this.uploaded.get(c.card?.file_key) }));
  }

  private answer(c: RecordedCall) {
    const ok = (data: unknown = {}) => ({ body: { code: 0, msg: 'success', data } });
    if (c.path === '/open-apis/auth/v3/tenant_access_token/internal') return { body: { code: 0, msg: 'ok', tenant_access_token: 't-fake-token', expire: 7200 } };
    if (c.path === '/callback/ws/endpoint')
      return this.wsUrl
        ? { body: { code: 0, msg: 'ok', data: { URL: this.wsUrl, ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 } } } }
        : { body: { code: 1000040343, msg: 'long connection not enabled' } };
    if (c.path === '/open-apis/bot/v3/info') return { body: { code: 0, msg: 'ok', bot: { open_id: FAKE_BOT_OPEN_ID, app_name: 'OA Bot', activate_status: 2 } } };
    const user = c.path.match(/^\/open-apis\/contact\/v3\/users\/([^/]+)$/);
    if (user) {
      const name = this.names.get(decodeURIComponent(user[1]!));
      return name ? ok({ user: { open_id: user[1], name } }) : { body: { code: 41050, msg: 'no user authority error' } };
    }
    if (c.method === 'POST' && c.path === '/open-apis/im/v1/files') {
      // As Feishu: multipart with file_type, file_name and the file; at most 30 MB, never empty.
      const parts = parseMultipart(c.raw, c.headers['content-type']);
      const field = (n: string) => parts.find((p) => p.name === n);
      const fileType = field('file_type')?.data.toString('utf8') ?? '';
      const fileName = field('file_name')?.data.toString('utf8') ?? '';
      const file = field('file')?.data;
      if (!['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'].includes(fileType) || !fileName || !file) return { status: 400, body: { code: 234001, msg: 'Invalid request param.' } };
      if (!file.byteLength) return { status: 400, body: { code: 234010, msg: 'File cannot be empty.' } };
      if (file.byteLength > 30 * 1024 * 1024) return { status: 400, body: { code: 234006, msg: 'The file size exceed the max value.' } };
      const key = `file_v3_up_${++this.n}`;
      this.uploaded.set(key, { fileType, fileName, bytes: file });
      return ok({ file_key: key });
    }
    const create = c.method === 'POST' && c.path === '/open-apis/im/v1/messages';
    if (create || (c.method === 'POST' && /^\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/.test(c.path))) {
      if (c.body?.msg_type === 'file') {
        let key: unknown;
        try {
          key = JSON.parse(c.body.content ?? '{}').file_key;
        } catch {
          key = undefined;
        }
        if (typeof key !== 'string' || !this.uploaded.has(key)) return { status: 400, body: { code: 230001, msg: 'invalid file_key' } };
      }
      const uuid = typeof c.body?.uuid === 'string' && c.body.uuid ? (c.body.uuid as string) : undefined;
      const seen = uuid && this.byUuid.get(uuid);
      if (seen) this.repeats.add(c);
      const messageId = seen || `om_sent_${++this.n}`;
      if (uuid) this.byUuid.set(uuid, messageId);
      return ok(create ? { message_id: messageId, chat_id: c.body?.receive_id } : { message_id: messageId });
    }
    if (c.method === 'PATCH' && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(c.path)) return ok();
    // 仅特定人可见的消息卡片: chat_id, open_id, msg_type interactive, card (an object, not a string).
    if (c.method === 'POST' && c.path === '/open-apis/ephemeral/v1/send') {
      if (!c.body?.chat_id || !c.body?.open_id || c.body?.msg_type !== 'interactive' || typeof c.body?.card !== 'object') return { status: 400, body: { code: 99992402, msg: 'field validation failed' } };
      return ok({ message_id: `om_eph_${++this.n}` });
    }
    const res = c.method === 'GET' && c.path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/);
    if (res) {
      const r = this.resources.get(decodeURIComponent(res[2]!));
      const m = this.messages.get(decodeURIComponent(res[1]!));
      if (!r || !m || !c.query.type) return { status: 400, body: { code: 234003, msg: 'File not in msg.' } };
      return { headers: { 'content-type': r.mime, ...(r.filename ? { 'content-disposition': `attachment; filename="${r.filename}"` } : {}) }, body: r.bytes };
    }
    const get = c.method === 'GET' && c.path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/);
    if (get) {
      const id = decodeURIComponent(get[1]!);
      const m = this.messages.get(id);
      if (!m) return { status: 400, body: { code: 230002, msg: 'The bot can not be outside the group.' } };
      return ok({ items: [{ message_id: id, msg_type: m.msgType, chat_id: m.chatId, deleted: false, body: { content: JSON.stringify(m.content) }, ...(m.rootId ? { root_id: m.rootId } : {}), ...(m.parentId ? { parent_id: m.parentId } : {}) }] });
    }
    return undefined;
  }
}

function isMessageCall(c: RecordedCall): boolean {
  // Reads (GET a message, download a resource) are not sends.
  return c.method !== 'GET' && c.path.startsWith('/open-apis/im/v1/messages');
}

function describe(c: RecordedCall) {
  const kind = c.method === 'PATCH' ? ('patch' as const) : c.path.endsWith('/reply') ? ('reply' as const) : ('create' as const);
  let card: any;
  try {
    card = JSON.parse(c.body?.content ?? 'null');
  } catch {
    card = undefined;
  }
  const messageId = kind === 'create' ? undefined : c.path.split('/')[5];
  return { ...c, kind, card, messageId };
}
