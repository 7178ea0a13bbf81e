import { App, LogLevel, webApi, type Logger as BoltLoggerT } from '@slack/bolt';
import type { Bot } from '../../src/core/bot.ts';
import type { Logger } from '../../src/core/log.ts';
import type { SlackConfig } from '../../src/config.ts';
import type { PlatformAdapter } from '../../src/server/routes.ts';
import { createClickGuard } from '../clicks.ts';
import { createInflight } from '../inflight.ts';
import { createNameCache } from '../names.ts';
import { sdkLogger } from '../sdk-log.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { KoaSlackReceiver } from './receiver.ts';
import { slackActionToIncoming, slackMessageToIncoming, type SlackBlockActions, type SlackMessageEvent } from './translate.ts';
import { classifySlackError, slackTransport } from './transport.ts';

const BAD_BUTTON = '这个按钮无效或已过期 / This button is invalid or outdated.';

function boltLogger(log: Logger): BoltLoggerT {
  const l = sdkLogger(log, 'slack sdk');
  return { debug: l.debug, info: l.info, warn: l.warn, error: l.error, setLevel() {}, getLevel: () => LogLevel.WARN, setName() {} };
}

/**
 * Slack through Bolt: HTTP events and interactivity on POST /slack/events (our Koa
 * receiver), or Socket Mode when SLACK_APP_TOKEN is set. Events are acknowledged at
 * once; answers are computed and sent afterwards.
 */
export function createSlackAdapter(opts: { config: SlackConfig; bot: Bot; log: Logger; retry?: RetryPolicy }): PlatformAdapter & { start(): Promise<void> } {
  const { config, bot, log } = opts;
  const clock = bot.deps.clock;
  const blog = boltLogger(log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Our transport decides about retries (bounded, logged); the client must not also retry.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: blog,
  };
  const inflight = createInflight(log);
  const clicks = createClickGuard(clock, bot.deps.store);
  const receiver = config.appToken ? undefined : new KoaSlackReceiver({ signingSecret: config.signingSecret ?? '', log, boltLogger: blog });
  let app: App | undefined;
  let botUserId = '';
  let up = false;
  // Replaced at start() by one that asks users.info through Bolt's client.
  let names = createNameCache(log, clock, async () => undefined);

  const dispatchMessage = (e: SlackMessageEvent, viaMention: boolean) => {
    const msg = slackMessageToIncoming(e, { userId: botUserId }, viaMention);
    if (!msg) return;
    inflight.run('slack message', { platform: 'slack', channel: msg.chat.chatId, messageId: msg.messageId }, async () => {
      if (!msg.user.isBot) msg.user.name = await names.get(msg.user.id);
      await bot.handle(msg);
    });
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
        ...(receiver ? { receiver } : { appToken: config.appToken, socketMode: true }),
      });
      const client = app.client;
      names = createNameCache(log, clock, async (user) => {
        const r = await client.users.info({ user });
        return r.user?.profile?.display_name || r.user?.real_name || r.user?.name || undefined;
      });
      bot.useTransport('slack', slackTransport(client, log, opts.retry, config.rate));

      app.event('app_mention', async ({ event }) => dispatchMessage(event as SlackMessageEvent, true));
      app.message(async ({ message }) => dispatchMessage(message as SlackMessageEvent, false));
      app.action({ type: 'block_actions', action_id: /^oa:/ }, async ({ ack, body, action }) => {
        await ack();
        const value = (action as { value?: string }).value;
        const r = slackActionToIncoming(body as SlackBlockActions, value, (action as { action_ts?: string }).action_ts, clock.now());
        if (!r.ok) {
          log.warn('slack button refused', { reason: r.reason, channel: r.channel });
          if (r.channel && r.user) {
            const { channel, user } = r;
            inflight.run('slack ephemeral', { platform: 'slack', channel }, async () => void (await client.chat.postEphemeral({ channel, user, text: BAD_BUTTON })));
          }
          return;
        }
        const msg = r.msg;
        inflight.run('slack button', { platform: 'slack', channel: msg.chat.chatId, messageId: msg.messageId }, async () => {
          // After the ack: the double-click check is a store round trip.
          if (!(await clicks.first(msg.messageId, msg.user.id, value ?? ''))) return;
          msg.user.name ??= await names.get(msg.user.id);
          await bot.handle(msg);
        });
      });
      app.error(async (err) => log.error('slack listener failed', { err }));
      if (!receiver) await app.start();
      up = true;
    },
    isUp: () => up,
    idle: () => inflight.idle(),
    async stop() {
      if (!receiver) await app?.stop();
      await inflight.idle();
    },
  };
}
