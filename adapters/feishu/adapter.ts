import * as lark from '@larksuiteoapi/node-sdk';
import type { Bot } from '../../src/core/bot.ts';
import type { Logger } from '../../src/core/log.ts';
import type { ChatRef } from '../../src/core/message.ts';
import type { FeishuConfig } from '../../src/config.ts';
import { observedHttp, type ApiMetrics } from '../api-metrics.ts';
import type { PlatformAdapter } from '../../src/server/routes.ts';
import { createClickGuard } from '../clicks.ts';
import type { Inbox } from '../inbox.ts';
import { sdkLogger } from '../sdk-log.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { createNameCache } from '../names.ts';
import { cardActionToIncoming, messageKey, messageToIncoming, type FeishuCardAction, type FeishuMessageEvent } from './translate.ts';
import { classifyFeishuError, FeishuApiError, feishuTransport, RATE_LIMIT_CODES } from './transport.ts';
import { checkFeishuEnvelope } from './envelope.ts';
import { checkFeishuRequest } from './verify.ts';

export const FEISHU_PATH = '/feishu/events';

export function feishuDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

const BAD_BUTTON = '这个按钮无效或已过期 / This button is invalid or outdated.';

/**
 * Feishu through the official SDK: Client for sending, EventDispatcher for events and
 * card callbacks, over HTTP (POST /feishu/events, behind our own checks) or the
 * long connection (FEISHU_MODE=ws). Events are acknowledged at once; the answer is
 * computed and sent afterwards.
 */
export function createFeishuAdapter(opts: { config: FeishuConfig; bot: Bot; log: Logger; inbox: Inbox; retry?: RetryPolicy; metrics?: ApiMetrics }): PlatformAdapter & { start(): Promise<void> } {
  const { config, bot, log, inbox } = opts;
  const clock = bot.deps.clock;
  // The SDK's shared axios instance has no timeout: a call that hangs would hold its event in
  // the inbox (lease renewed) until a restart. A resend after a timeout keeps its uuid.
  if (!lark.defaultHttpInstance.defaults.timeout) lark.defaultHttpInstance.defaults.timeout = 30_000;
  // The same instance, with every call counted for /metrics (this adapter's calls only).
  // (The SDK types its own default as an AxiosInstance; at run time it is the HttpInstance it uses when none is given.)
  const httpInstance = observedHttp(opts.metrics, lark.defaultHttpInstance as unknown as lark.HttpInstance, RATE_LIMIT_CODES);
  const client = new lark.Client({
    httpInstance,
    appId: config.appId,
    appSecret: config.appSecret,
    domain: feishuDomain(config.domain),
    cache: new lark.DefaultCache(), // the default cache is process-wide per appId
    logger: sdkLogger(log, 'feishu sdk'),
    loggerLevel: lark.LoggerLevel.warn,
  });
  const clicks = createClickGuard(clock, bot.deps.store);
  // Card callbacks do not say whether the chat is a group; remember it from messages.
  const chatTypes = new Map<string, ChatRef['chatType']>();
  let botOpenId: string | undefined;
  let ws: lark.WSClient | undefined;

  const names = createNameCache(log, clock, async (openId) => {
    const res = await client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } });
    if (res.code !== 0) throw new FeishuApiError(res.code ?? -1, res.msg ?? '');
    return res.data?.user?.name || undefined;
  });

  async function fetchBotOpenId(): Promise<string | undefined> {
    if (botOpenId) return botOpenId;
    try {
      const res = await withRetry(
        'feishu bot info',
        async () => {
          const r = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code?: number; msg?: string; bot?: { open_id?: string } };
          if (r.code !== 0) throw new FeishuApiError(r.code ?? -1, r.msg ?? '');
          return r;
        },
        classifyFeishuError,
        { log, fields: { platform: 'feishu' }, policy: opts.retry },
      );
      botOpenId = res.bot?.open_id;
    } catch {
      /* logged by withRetry; tried again on the next message */
    }
    return botOpenId;
  }

  /**
   * A reply whose event has parent_id but no root_id (older clients; the docs show both): the
   * thread's root is the parent's root_id, or the parent itself when it has none. GET
   * im/v1/messages/:id answers `data.items[0]` with `root_id` / `parent_id`; a failed lookup or a
   * parent of another chat leaves the event as it came (parent_id then stands for the root).
   */
  async function withThreadRoot(e: FeishuMessageEvent): Promise<FeishuMessageEvent> {
    const m = e.message;
    if (!m?.parent_id || m.root_id) return e;
    try {
      // With the transport's retries (a 429 or a 5xx is tried again, as every other call).
      const res = await withRetry('feishu message get', () => client.im.message.get({ path: { message_id: m.parent_id! } }), classifyFeishuError, { log, fields: { platform: 'feishu', messageId: m.parent_id }, policy: opts.retry });
      const item = res.code === 0 ? res.data?.items?.[0] : undefined;
      if (!item || (item.chat_id && item.chat_id !== m.chat_id)) return e;
      return { ...e, message: { ...m, root_id: item.root_id || m.parent_id } };
    } catch (err) {
      log.warn("feishu: could not look up the parent message for its thread root", { messageId: m.message_id, parentId: m.parent_id, err: (err as Error).message });
      return e;
    }
  }
  async function handleMessage(raw: FeishuMessageEvent, redelivered: boolean): Promise<void> {
    const e = await withThreadRoot(raw);
    const msg = messageToIncoming(e, await fetchBotOpenId(), clock.now());
    if (!msg) return;
    chatTypes.set(msg.chat.chatId, msg.chat.chatType);
    if (!msg.user.isBot) msg.user.name = await names.get(msg.user.id);
    msg.deduplicated = true; // the inbox key is this message (messageKey)
    msg.redelivered = redelivered;
    await bot.handle(msg);
  }
  async function handleClick(e: FeishuCardAction, redelivered: boolean): Promise<void> {
    const r = cardActionToIncoming(e, chatTypes.get(e.context?.open_chat_id ?? '') ?? 'group', clock.now());
    if (!r.ok) return; // refused with a toast when it arrived
    // The double-click check is a store round trip, so it runs after the acknowledgement.
    if (!(await clicks.firstAttempt(r.msg.eventId, r.msg.messageId, r.msg.user.id, JSON.stringify(r.msg.action)))) return;
    r.msg.user.name = await names.get(r.msg.user.id);
    r.msg.deduplicated = true;
    r.msg.redelivered = redelivered;
    await bot.handle(r.msg);
  }
  inbox.on('feishu.message', (p, again) => handleMessage(p as FeishuMessageEvent, again));
  inbox.on('feishu.click', (p, again) => handleClick(p as FeishuCardAction, again));

  /** Kept in the inbox before Feishu gets its answer (HTTP 200, or the long connection's response frame). */
  const keep = async (kind: string, eventId: string | undefined, data: unknown) => {
    if (!eventId) return log.warn('feishu event without an event id ignored', { kind });
    // Without the verification token (from the event's header): a secret has no business in the store.
    const { token: _secret, ...kept } = data as Record<string, unknown>;
    if (!(await inbox.receive('feishu', eventId, kind, kept))) log.debug('duplicate feishu event ignored', { eventId });
  };

  const dispatcher = new lark.EventDispatcher({ encryptKey: config.encryptKey, verificationToken: config.verificationToken, logger: sdkLogger(log, 'feishu sdk'), loggerLevel: lark.LoggerLevel.warn }).register({
    'im.message.receive_v1': async (data: unknown) => {
      // Feishu may push one message more than once under different event ids and says to
      // deduplicate on message_id: the message is the key (inbox, and so the send uuids).
      await keep('feishu.message', messageKey(data as FeishuMessageEvent), data);
      return {};
    },
  });
  // card.action.trigger is missing from the SDK's typings: the generic form registers it.
  dispatcher.register({
    'card.action.trigger': async (data: unknown) => {
      const e = data as FeishuCardAction;
      const r = cardActionToIncoming(e, 'group', clock.now());
      if (!r.ok) {
        log.warn('feishu card action refused', { reason: r.reason, messageId: e.context?.open_message_id });
        return { toast: { type: 'error', content: BAD_BUTTON } };
      }
      await keep('feishu.click', e.event_id, data);
      return {};
    },
  } as Record<string, (data: unknown) => Promise<unknown>>);

  bot.useTransport('feishu', feishuTransport(client, log, opts.retry, config.rate));

  return {
    platform: 'feishu',
    routes:
      config.mode === 'http'
        ? (router) => {
            router.post(FEISHU_PATH, async (ctx) => {
              const checked = checkFeishuRequest(ctx.state.rawBody ?? Buffer.alloc(0), ctx.req.headers, config, clock.now().getTime());
              if (!checked.ok) {
                log.warn('feishu request refused', { status: checked.status, reason: checked.reason });
                ctx.status = checked.status;
                ctx.body = { error: checked.reason };
                return;
              }
              if (checked.challenge !== undefined) {
                ctx.body = { challenge: checked.challenge };
                return;
              }
              const envelope = checkFeishuEnvelope(checked.inner);
              if ('status' in envelope) {
                log.warn('feishu request refused', { status: envelope.status, reason: envelope.reason });
                ctx.status = envelope.status;
                ctx.body = { error: envelope.reason };
                return;
              }
              if ('ignored' in envelope) {
                log.debug('feishu event ignored (no handler)', { type: envelope.ignored });
                ctx.body = {};
                return;
              }
              // Checked above over the raw bytes; the SDK's own check hashes re-serialised JSON.
              const data = Object.assign(Object.create({ headers: ctx.req.headers }), checked.outer);
              let ret: unknown;
              try {
                ret = await dispatcher.invoke(data, { needCheck: false });
              } catch (err) {
                // Not kept, so not acknowledged: Feishu delivers it again.
                log.error('feishu event could not be stored; refused with 503 so Feishu retries', { err });
                ctx.status = 503;
                ctx.body = { error: 'storage unavailable, retry later' };
                return;
              }
              ctx.body = ret && typeof ret === 'object' ? ret : {};
            });
          }
        : undefined,
    async start() {
      await fetchBotOpenId();
      if (config.mode === 'ws') {
        // The SDK's WSClient silently does nothing for other app ids.
        if (!/^cli_[0-9a-f]{16}$/.test(config.appId)) throw new Error('FEISHU_MODE=ws needs a self-built app (FEISHU_APP_ID is cli_ followed by 16 hex digits); use FEISHU_MODE=http otherwise');
        ws = new lark.WSClient({
          httpInstance,
          appId: config.appId,
          appSecret: config.appSecret,
          domain: feishuDomain(config.domain),
          logger: sdkLogger(log, 'feishu sdk'),
          loggerLevel: lark.LoggerLevel.warn,
          onReady: () => log.info('feishu long connection open'),
          onError: (err) => log.error('feishu long connection failed; the SDK reconnects by itself, /readyz says whether it is up', { err }),
        });
        await ws.start({ eventDispatcher: dispatcher });
      }
      if (!config.encryptKey && !config.verificationToken && config.mode === 'http') log.warn('Feishu requests are not authenticated: set FEISHU_ENCRYPT_KEY (see .env.example)');
    },
    // Long connection: also connected right now (the SDK reconnects by itself).
    isUp: () => !!botOpenId && (config.mode === 'http' || ws?.getConnectionStatus().state === 'connected'),
    async stop() {
      ws?.close();
    },
  };
}
