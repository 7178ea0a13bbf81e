import { App, LogLevel, webApi, type Logger as BoltLoggerT } from '@slack/bolt';
import type { Bot } from '../../src/core/bot.ts';
import type { Logger } from '../../src/core/log.ts';
import type { SlackConfig } from '../../src/config.ts';
import type { PlatformAdapter } from '../../src/server/routes.ts';
import { observedFetch, type ApiMetrics } from '../api-metrics.ts';
import { createClickGuard } from '../clicks.ts';
import type { Inbox } from '../inbox.ts';
import { createNameCache } from '../names.ts';
import { sdkLogger } from '../sdk-log.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { createSlackFront, SLACK_KIND } from './front.ts';
import { FrontSocketModeReceiver, KoaSlackReceiver } from './receiver.ts';
import { slackActionToIncoming, slackMessageToIncoming, type SlackBlockActions, type SlackMessageEvent } from './translate.ts';
import { classifySlackError, slackTransport } from './transport.ts';

const BAD_BUTTON = '这个按钮无效或已过期 / This button is invalid or outdated.';

function boltLogger(log: Logger): BoltLoggerT {
  const l = sdkLogger(log, 'slack sdk');
  return { debug: l.debug, info: l.info, warn: l.warn, error: l.error, setLevel() {}, getLevel: () => LogLevel.WARN, setName() {} };
}

/**
 * Slack through Bolt: HTTP events and interactivity on POST /slack/events (our Koa
 * receiver), or Socket Mode when SLACK_APP_TOKEN is set. Events are kept in the inbox and
 * acknowledged at once (front.ts); the inbox hands them to Bolt, whose listeners answer.
 */
export function createSlackAdapter(opts: { config: SlackConfig; bot: Bot; log: Logger; inbox: Inbox; retry?: RetryPolicy; metrics?: ApiMetrics }): PlatformAdapter & { start(): Promise<void> } {
  const { config, bot, log, inbox } = opts;
  const clock = bot.deps.clock;
  const blog = boltLogger(log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Our transport decides about retries (bounded, logged); the client must not also retry.
    retryConfig: { retries: 0 },
    // A call that hangs would hold its event in the inbox (lease renewed) until a restart.
    timeout: 30_000,
    rejectRateLimitedCalls: true,
    logger: blog,
    // Every Web API call (Bolt's client, the start-up probe, Socket Mode's) counted for /metrics.
    ...(opts.metrics ? { fetch: observedFetch(opts.metrics, (url: string | URL, init?: RequestInit) => globalThis.fetch(url, init)) } : {}),
  };
  const clicks = createClickGuard(clock, bot.deps.store);
  let botUserId = '';
  const front = createSlackFront({ inbox, log, botUserId: () => botUserId });
  const receiver = config.appToken ? undefined : new KoaSlackReceiver({ signingSecret: config.signingSecret ?? '', log, boltLogger: blog, front });
  let app: App | undefined;
  // Bodies the inbox hands over again after a crash or failure.
  const redelivered = new WeakSet<object>();
  let up = false;
  // Replaced at start() by one that asks users.info through Bolt's client.
  let names = createNameCache(log, clock, async () => undefined);

  const handleMessage = async (e: SlackMessageEvent, viaMention: boolean, body: object) => {
    const msg = slackMessageToIncoming(e, { userId: botUserId }, viaMention);
    if (!msg) return;
    if (!msg.user.isBot) msg.user.name = await names.get(msg.user.id);
    msg.deduplicated = true; // the inbox key is channel:ts, this message's event id (front.ts)
    msg.redelivered = redelivered.has(body);
    await bot.handle(msg);
  };

  return {
    platform: 'slack',
    routes: receiver?.routes,
    async start() {
      // auth.test first, ourselves: Bolt would call it from its constructor and an
      // unreachable API would become an unhandled rejection.
      const probe = new webApi.WebClient(config.botToken, clientOptions);
      const who = await withRetry('slack auth.test', () => probe.auth.test(), classifySlackError, { log, fields: { platform: 'slack' }, policy: opts.retry });
      botUserId = who.user_id ?? '';
      app = new App({
        token: config.botToken,
        botId: who.bot_id,
        botUserId,
        logger: blog,
        logLevel: LogLevel.WARN,
        clientOptions,
        receiver: receiver ?? new FrontSocketModeReceiver({ appToken: config.appToken!, logger: blog, logLevel: LogLevel.WARN, installerOptions: { clientOptions } }, front),
      });
      const client = app.client;
      names = createNameCache(log, clock, async (user) => {
        const r = await client.users.info({ user });
        return r.user?.profile?.display_name || r.user?.real_name || r.user?.name || undefined;
      });
      bot.useTransport('slack', slackTransport(client, log, opts.retry, config.rate, who.bot_id, botUserId));

      // The listeners finish their work before they return: the inbox marks the event handled then.
      app.event('app_mention', async ({ event, body }) => handleMessage(event as SlackMessageEvent, true, body));
      app.message(async ({ message, body }) => handleMessage(message as SlackMessageEvent, false, body));
      app.action({ type: 'block_actions', action_id: /^oa:/ }, async ({ ack, body, action }) => {
        await ack(); // already acknowledged by the front: a no-op
        const value = (action as { value?: string }).value;
        const r = slackActionToIncoming(body as SlackBlockActions, value, (action as { action_ts?: string }).action_ts, clock.now());
        if (!r.ok) {
          log.warn('slack button refused', { reason: r.reason, channel: r.channel });
          if (r.channel && r.user) await client.chat.postEphemeral({ channel: r.channel, user: r.user, text: BAD_BUTTON });
          return;
        }
        const msg = r.msg;
        if (!(await clicks.firstAttempt(msg.eventId, msg.messageId, msg.user.id, value ?? ''))) return;
        msg.deduplicated = true;
        msg.redelivered = redelivered.has(body);
        msg.user.name ??= await names.get(msg.user.id);
        await bot.handle(msg);
      });
      // Rethrown, so the inbox sees the failure and tries the event again later.
      app.error(async (err) => {
        throw err;
      });
      inbox.on(SLACK_KIND, async (body, again) => {
        if (again) redelivered.add(body as object);
        await app!.processEvent({ body: body as Record<string, unknown>, ack: async () => {} });
      });
      if (!receiver) await app.start();
      up = true;
    },
    isUp: () => up,
    async stop() {
      if (!receiver) await app?.stop();
    },
  };
}
