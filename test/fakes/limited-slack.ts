import { RecordingServer } from './recorder.ts';
import { FAKE_BOT_ID, FAKE_BOT_USER_ID } from './slack-api.ts';

export interface Limits {
  /** Messages per second per channel (Slack: about 1). */
  perChannel: number;
  /** Messages per second for the whole app (a workspace-wide limit such as 50/s). */
  perApp: number;
  /** Share of otherwise accepted chat.postMessage calls answered 500 (nothing posted). */
  error500Rate?: number;
  /** For the 500s; a seeded function keeps runs comparable. */
  random?: () => number;
}

/**
 * A Slack Web API fake that enforces rate limits the way Slack does: a call over the
 * limit gets 429 with `Retry-After` (whole seconds) and is not posted; `error500Rate`
 * makes some calls fail with 500. `posted` has what was really accepted, per channel.
 */
export class LimitedSlack extends RecordingServer {
  readonly posted = new Map<string, string[]>();
  readonly stats = { ok: 0, limited: 0, errors: 0 };
  private appWindow: number[] = [];
  private channelWindow = new Map<string, number[]>();
  private n = 0;

  constructor(private readonly limits: Limits) {
    super((c) => this.answer(c.path, c.body ?? {}));
  }

  static start(limits: Limits): Promise<LimitedSlack> {
    return new LimitedSlack(limits).start();
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Total accepted posts, and channels posted more than once. */
  summary(): { posts: number; channels: number; duplicates: string[] } {
    const dup = [...this.posted].filter(([, ts]) => ts.length > 1).map(([c]) => c);
    return { posts: [...this.posted.values()].reduce((a, b) => a + b.length, 0), channels: this.posted.size, duplicates: dup };
  }

  private limited(channel: string, now: number): number | undefined {
    const keep = (xs: number[]) => xs.filter((t) => now - t < 1000);
    this.appWindow = keep(this.appWindow);
    const ch = keep(this.channelWindow.get(channel) ?? []);
    this.channelWindow.set(channel, ch);
    const over = (xs: number[], max: number) => (xs.length >= max ? xs[xs.length - max]! + 1000 - now : undefined);
    const wait = Math.max(over(this.appWindow, this.limits.perApp) ?? -1, over(ch, this.limits.perChannel) ?? -1);
    return wait >= 0 ? wait : undefined;
  }

  private answer(path: string, b: Record<string, string>) {
    const api = path.replace(/^\/api\//, '');
    switch (api) {
      case 'auth.test':
        return { body: { ok: true, team: 'Fake', user: 'oabot', team_id: 'T0001', user_id: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID } };
      case 'users.info':
        return { body: { ok: false, error: 'user_not_found' } };
      case 'chat.update':
        return { body: { ok: true, channel: b.channel, ts: b.ts } };
      case 'chat.postMessage': {
        const now = Date.now();
        const wait = this.limited(b.channel!, now);
        if (wait !== undefined) {
          this.stats.limited++;
          return { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) }, body: { ok: false, error: 'ratelimited' } };
        }
        if ((this.limits.random ?? Math.random)() < (this.limits.error500Rate ?? 0)) {
          this.stats.errors++;
          return { status: 500, body: { ok: false, error: 'internal_error' } };
        }
        this.appWindow.push(now);
        this.channelWindow.get(b.channel!)!.push(now);
        const ts = `1700000300.${String(++this.n).padStart(6, '0')}`;
        this.posted.set(b.channel!, [...(this.posted.get(b.channel!) ?? []), ts]);
        this.stats.ok++;
        return { body: { ok: true, channel: b.channel, ts, message: { text: b.text } } };
      }
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }
}
