import { HTTPModuleFunctions as http, SocketModeReceiver, type App, type Receiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/logger';
import type { Logger } from '../../src/core/log.ts';
import type { RouteModule } from '../../src/server/routes.ts';
import { checkSlackBody } from './envelope.ts';
import type { SlackFront } from './front.ts';

export const SLACK_PATH = '/slack/events';

/**
 * Bolt receiver mounted on our Koa router, after Bolt's custom-receiver example
 * (KoaReceiver): verify the signature over the raw body (401), parse (400), check the
 * shape (400, see envelope.ts), answer url_verification / ssl_check, then keep the event in
 * the inbox (see front.ts) and acknowledge it: 200, or 503 when it could not be kept.
 * The raw body was read (and capped at 1 MB) by the server; Bolt finds it on req.rawBody.
 */
export class KoaSlackReceiver implements Receiver {
  private app?: App;

  constructor(private readonly opts: { signingSecret: string; log: Logger; boltLogger: BoltLogger; front: SlackFront }) {}

  init(app: App): void {
    this.app = app;
  }
  // The Koa server is started and stopped by us, not by Bolt.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  routes: RouteModule = (router) => {
    router.post(SLACK_PATH, async (ctx) => {
      const { req, res } = ctx;
      const refuse = (status: number, reason: string) => {
        this.opts.log.warn('slack request refused', { status, reason });
        ctx.status = status;
        ctx.body = { error: reason };
      };
      // Headers and a timestamp within 5 minutes either way were checked before the body was read (server/body.ts).
      let buffered;
      try {
        buffered = await http.parseAndVerifyHTTPRequest({ signingSecret: this.opts.signingSecret, logger: this.opts.boltLogger }, req);
      } catch (e) {
        return refuse(401, (e as Error).message.replace(/\(.*\)/, '').trim() || 'bad signature');
      }
      let body: any;
      try {
        body = http.parseHTTPRequestBody(buffered);
      } catch {
        return refuse(400, 'malformed body');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'body is not an object');
      if (body.ssl_check) {
        ctx.body = '';
        return;
      }
      const checked = checkSlackBody(body);
      if (!checked.ok) return refuse(400, checked.reason);
      if (checked.body.type === 'url_verification') {
        ctx.body = { challenge: checked.body.challenge };
        return;
      }
      if (checked.body.type === 'app_rate_limited') {
        this.opts.log.warn('slack says it is rate limiting events to this app', { minute: body.minute_rate_limited });
        ctx.body = '';
        return;
      }
      if (!this.app) return refuse(503, 'slack app not ready');
      try {
        await this.opts.front.keep(checked.body);
      } catch (err) {
        this.opts.log.error('slack event could not be stored; refused with 503 so Slack retries', { err });
        ctx.status = 503;
        ctx.body = { error: 'storage unavailable, retry later' };
        return;
      }
      ctx.body = '';
    });
  };
}

/** Bolt's Socket Mode receiver, driving the front (inbox, then acknowledgement) instead of the app. */
export class FrontSocketModeReceiver extends SocketModeReceiver {
  constructor(
    opts: ConstructorParameters<typeof SocketModeReceiver>[0],
    private readonly front: SlackFront,
  ) {
    super(opts);
  }
  override init(_app: App): void {
    super.init(this.front.socketApp());
  }
}
