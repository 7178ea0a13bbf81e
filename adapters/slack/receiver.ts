import { HTTPModuleFunctions as http, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/logger';
import type { Logger } from '../../src/core/log.ts';
import type { RouteModule } from '../../src/server/routes.ts';
import { checkSlackBody } from './envelope.ts';

export const SLACK_PATH = '/slack/events';

/**
 * Bolt receiver mounted on our Koa router, after Bolt's custom-receiver example
 * (KoaReceiver): verify the signature over the raw body (401), parse (400), check the
 * shape (400, see envelope.ts), answer url_verification / ssl_check, then hand the event
 * to Bolt with an HTTP ack.
 * The raw body was read (and capped at 1 MB) by the server; Bolt finds it on req.rawBody.
 */
export class KoaSlackReceiver implements Receiver {
  private app?: App;

  constructor(private readonly opts: { signingSecret: string; log: Logger; boltLogger: BoltLogger }) {}

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
      // From here Bolt writes the response itself when the listener acks.
      ctx.respond = false;
      const ack = new HTTPResponseAck({ logger: this.opts.boltLogger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res });
      try {
        await this.app.processEvent({ body, ack: ack.bind(), retryNum: http.extractRetryNumFromHTTPRequest(req), retryReason: http.extractRetryReasonFromHTTPRequest(req) });
        if (ack.storedResponse !== undefined && !res.headersSent) http.buildContentResponse(res, ack.storedResponse);
      } catch (err) {
        this.opts.log.error('slack event processing failed', { err });
        if (!res.headersSent) http.buildNoBodyResponse(res, 500);
      }
    });
  };
}
