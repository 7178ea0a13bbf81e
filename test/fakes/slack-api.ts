import { RecordingServer, type RecordedCall } from './recorder.ts';

export const FAKE_BOT_USER_ID = 'UBOT0001';
export const FAKE_BOT_ID = 'BBOT0001';

/**
 * A fake Slack Web API under /api/: auth.test, users.info, chat.postMessage,
 * chat.update, chat.postEphemeral. Every call is recorded; `sent()` lists the chat.*
 * calls with `blocks` parsed. Point the app at `apiUrl` (ends with /api/).
 */
export class FakeSlack extends RecordingServer {
  private n = 0;
  /** user id → display name answered by users.info. */
  readonly names = new Map<string, string>();
  /** Socket Mode: the WebSocket URL apps.connections.open hands out (see FakeSlackSocket). */
  socketUrl = '';

  constructor() {
    super((c) => this.answer(c));
  }

  static async start(): Promise<FakeSlack> {
    return new FakeSlack().start();
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

  private answer(c: RecordedCall) {
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
      case 'chat.postMessage':
        return { body: { ok: true, channel: b.channel, ts: `1700000100.${String(++this.n).padStart(6, '0')}`, message: { text: b.text } } };
      case 'chat.update':
        return { body: { ok: true, channel: b.channel, ts: b.ts } };
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: `1700000200.${String(++this.n).padStart(6, '0')}` } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
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
