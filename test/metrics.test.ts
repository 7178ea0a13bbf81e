import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feishuMethod, slackMethod } from '../adapters/api-metrics.ts';
import { fixedClock } from '../src/core/clock.ts';
import { createLogger } from '../src/core/log.ts';
import { createMetrics } from '../src/metrics.ts';
import type { RouteModule } from '../src/server/routes.ts';
import { instrumentStore } from '../src/store/instrumented.ts';
import type { Store } from '../src/store/store.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { feishuTextEvent } from './helpers/feishu.ts';
import { slackEvent, slackHeaders } from './helpers/slack.ts';

const ADMIN_TOKEN = 'admin-token-TEST-metrics-0123456789abcdef';
// 2026-09-29 09:00 in Shanghai (a Tuesday), three weeks before go-live: the daily job posts.
const START = '2026-09-29T01:00:00Z';

/** The samples of a Prometheus text exposition: name, labels, value. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
/** The sum of the samples named `name` whose labels include `labels`. */
const value = (text: string, name: string, labels: Record<string, string> = {}) =>
  parse(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

describe('GET /metrics on the running app', () => {
  const clock = fixedClock(START);
  let t: TestApp;
  /** Every request this test makes to the app, for the access log. */
  let requests = 0;
  /** Webhook answers by platform: how many were 2xx (acknowledged). */
  const acked = { feishu: 0, slack: 0 };
  const boom: RouteModule = (router) => router.get('/boom', () => { throw new Error('boom from a handler'); });

  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) => (requests++, fetch(`${t.url}${path}`, { headers }));
  const scrape = async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    return res.text();
  };
  const ts = () => Math.floor(clock.now().getTime() / 1000);
  const feishu = async (text: string, o: { senderId?: string; parentId?: string; messageId?: string } = {}) => {
    requests++;
    const res = await t.postFeishu(feishuTextEvent({ text, token: t.env.FEISHU_VERIFICATION_TOKEN, chatId: 'oc_group1', ...o }), { timestamp: ts() });
    expect(res.status).toBe(200);
    acked.feishu++;
    await t.idle();
  };
  const slack = async (text: string) => {
    requests++;
    const res = await t.postSlack(slackEvent({ text }));
    expect(res.status).toBe(200);
    acked.slack++;
    await t.idle();
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_TOKEN }, routes: [boom] });
  });
  afterAll(() => t?.close());

  it('needs the token when ADMIN_TOKEN is set: 401 without it or with a wrong one', async () => {
    const none = await get('/metrics', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('/metrics', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    const ok = await get('/metrics');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toContain('# TYPE oa_webhook_requests_total counter');
    expect(text).toContain('# TYPE oa_ack_duration_seconds histogram');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('counts what a user would expect after questions on both platforms, a bad signature, a checklist and a sign-off', async () => {
    // Slack answers the first reply with 429 once: the transport waits and sends it again.
    t.slack.failNext((c) => c.path === '/api/chat.postMessage', 1, 429, { 'retry-after': '0' }, { ok: false, error: 'ratelimited' });
    await slack('@bot 培训人数多怎么办'); // answered
    await feishu('@bot 培训'); // did you mean
    await feishu('@bot 天气怎么样'); // not in the rulebook
    expect(t.slack.sent().filter((c) => c.api === 'chat.postMessage')).toHaveLength(1);
    expect(t.feishu.sent().filter((c) => c.kind === 'reply')).toHaveLength(2);

    // A forged Slack request and a Feishu one signed with the wrong key: refused, not acknowledged.
    requests++;
    const raw = JSON.stringify(slackEvent({ text: '@bot 培训人数多怎么办' }));
    const forged = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders('not-the-signing-secret', raw), body: raw });
    expect(forged.status).toBe(401);
    requests++;
    expect((await t.postFeishu(feishuTextEvent({ text: '@bot 培训人数多怎么办' }), { encryptKey: 'not-the-encrypt-key', timestamp: ts() })).status).toBe(401);

    // A project, its checklist (the admin job), a sign-off of what anyone may confirm, a wrong number.
    await feishu('@bot 绑定项目 ACME OA 上线日期 2026-10-20', { senderId: 'ou_admin' });
    requests++;
    const job = (await (await fetch(`${t.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { outcome: string; messageId: string }[] };
    expect(job.results).toEqual([expect.objectContaining({ outcome: 'posted' })]);
    const checklistId = job.results[0]!.messageId;
    await feishu('全部确认', { senderId: 'ou_admin', parentId: checklistId });
    expect(t.feishu.sent().some((c) => c.kind === 'reply' && JSON.stringify(c.card).includes('确认了'))).toBe(true);
    await feishu('确认 99', { senderId: 'ou_admin', parentId: checklistId });

    const m = await scrape();
    // Webhook requests by platform and status; the acknowledgement histogram counts exactly the 2xx ones.
    expect(value(m, 'oa_webhook_requests_total', { platform: 'slack', status: '200' })).toBe(acked.slack);
    expect(value(m, 'oa_webhook_requests_total', { platform: 'slack', status: '401' })).toBe(1);
    expect(value(m, 'oa_webhook_requests_total', { platform: 'feishu', status: '200' })).toBe(acked.feishu);
    expect(value(m, 'oa_webhook_requests_total', { platform: 'feishu', status: '401' })).toBe(1);
    expect(value(m, 'oa_ack_duration_seconds_count', { platform: 'slack' })).toBe(acked.slack);
    expect(value(m, 'oa_ack_duration_seconds_count', { platform: 'feishu' })).toBe(acked.feishu);
    expect(value(m, 'oa_ack_duration_seconds_sum', { platform: 'feishu' })).toBeGreaterThan(0);
    expect(value(m, 'oa_ack_duration_seconds_bucket', { platform: 'feishu', le: '+Inf' })).toBe(acked.feishu);

    // Answers by outcome.
    expect(value(m, 'oa_answers_total', { platform: 'slack', outcome: 'answered' })).toBe(1);
    expect(value(m, 'oa_answers_total', { platform: 'feishu', outcome: 'did-you-mean' })).toBe(1);
    expect(value(m, 'oa_answers_total', { platform: 'feishu', outcome: 'none' })).toBe(1);
    expect(value(m, 'oa_answers_total', { platform: 'feishu', outcome: 'answered' })).toBe(0);

    // Platform API calls by method and status, the 429 among them.
    expect(value(m, 'oa_platform_api_calls_total', { platform: 'slack', method: 'chat.postMessage', status: '429' })).toBe(1);
    expect(value(m, 'oa_platform_api_calls_total', { platform: 'slack', method: 'chat.postMessage', status: '200' })).toBe(1);
    expect(value(m, 'oa_platform_api_rate_limited_total', { platform: 'slack', method: 'chat.postMessage' })).toBe(1);
    expect(value(m, 'oa_platform_api_calls_total', { platform: 'slack', method: 'auth.test', status: '200' })).toBe(1);
    const feishuCalls = (method: string) => value(m, 'oa_platform_api_calls_total', { platform: 'feishu', method, status: '200' });
    expect(feishuCalls('im.message.reply')).toBe(t.feishu.calls.filter((c) => c.path.endsWith('/reply')).length);
    expect(feishuCalls('im.message.create')).toBe(1);
    expect(feishuCalls('im.message.patch')).toBe(1); // the checklist card, updated after the sign-off
    expect(feishuCalls('auth.tenant_access_token')).toBeGreaterThanOrEqual(1);
    expect(feishuCalls('bot.info')).toBeGreaterThanOrEqual(1);
    expect(value(m, 'oa_platform_api_rate_limited_total', { platform: 'feishu' })).toBe(0);
    // Bounded labels: no message id or user id made it into a method name.
    expect(m).not.toMatch(/method="[^"]*(om_|ou_|oc_)/);

    // Daily posts and sign-offs by outcome.
    expect(value(m, 'oa_daily_posts_total', { platform: 'feishu', outcome: 'posted' })).toBe(1);
    expect(value(m, 'oa_signoffs_total', { action: 'confirm', outcome: 'recorded' })).toBe(1);
    expect(value(m, 'oa_signoffs_total', { action: 'confirm', outcome: 'unknown-item' })).toBe(1);

    // Store operation latency: every accepted event went through acceptDelivery, timed.
    expect(value(m, 'oa_store_operation_duration_seconds_count', { method: 'acceptDelivery', outcome: 'ok' })).toBe(acked.slack + acked.feishu);
    expect(value(m, 'oa_store_operation_duration_seconds_count', { method: 'recordSignoffs', outcome: 'ok' })).toBe(1);
    expect(value(m, 'oa_store_operation_duration_seconds_count', { method: 'claimPost' })).toBe(1);
    expect(value(m, 'oa_store_operation_duration_seconds_sum')).toBeGreaterThan(0);

    // Everything handled: the inbox is empty.
    expect(value(m, 'oa_inbox_pending_events')).toBe(0);
    expect(value(m, 'oa_inbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('shows an unfinished event in the inbox gauges, with its age, until it is handled', async () => {
    t.feishu.hold((c) => c.path.endsWith('/reply'));
    requests++;
    const res = await t.postFeishu(feishuTextEvent({ text: '@bot 培训人数多怎么办', token: t.env.FEISHU_VERIFICATION_TOKEN, chatId: 'oc_dm9', chatType: 'p2p' }), { timestamp: ts() });
    expect(res.status).toBe(200);
    await t.feishu.waitFor((c) => c.path.endsWith('/reply') && c.status === 0);
    clock.advance(90_000);
    const during = await scrape();
    expect(value(during, 'oa_inbox_pending_events')).toBe(1);
    expect(value(during, 'oa_inbox_oldest_pending_age_seconds')).toBe(90);
    t.feishu.dropHeld(); // the reply is sent again and goes through
    await t.idle();
    const after = await scrape();
    expect(value(after, 'oa_inbox_pending_events')).toBe(0);
    expect(value(after, 'oa_inbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('writes one access log line per request (method, path, status, ms), also when a handler throws, with no query string or token', async () => {
    const res = await get(`/metrics?token=SECRET-IN-QUERY-123`);
    expect(res.status).toBe(200);
    const boomRes = await get('/boom');
    expect(boomRes.status).toBe(500);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'http');
    expect(lines).toHaveLength(requests);
    for (const l of lines) {
      expect(l.level).toBe('info');
      expect(Object.keys(l).sort()).toEqual(['level', 'method', 'ms', 'msg', 'path', 'status', 't']);
      expect(typeof l.ms).toBe('number');
      expect(String(l.path)).not.toContain('?');
    }
    const paths = lines.map((l) => `${l.method} ${l.path} ${l.status}`);
    expect(paths).toContain('POST /slack/events 200');
    expect(paths).toContain('POST /slack/events 401');
    expect(paths).toContain('POST /feishu/events 200');
    expect(paths).toContain('POST /feishu/events 401');
    expect(paths).toContain('GET /metrics 401');
    expect(paths).toContain('POST /admin/jobs/daily-checklists 200');
    expect(paths.filter((p) => p === 'GET /boom 500')).toHaveLength(1);
    const all = t.logs.join('\n');
    expect(all).not.toContain('SECRET-IN-QUERY-123');
    expect(all).not.toContain(ADMIN_TOKEN);
    // The error itself is logged at error level with its stack trace.
    const failed = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed' && l.path === '/boom');
    expect(failed.level).toBe('error');
    expect(failed.err.message).toBe('boom from a handler');
    expect(failed.err.stack).toMatch(/^Error: boom from a handler\n\s+at /);
  });
});

describe('metrics pieces', () => {
  it('names API methods without ids, "other" for anything unknown', () => {
    expect(slackMethod('https://slack.com/api/chat.postMessage')).toBe('chat.postMessage');
    expect(slackMethod('http://127.0.0.1:1/api/conversations.replies')).toBe('conversations.replies');
    expect(slackMethod('https://slack.com/api/C0123/ts.1700000000')).toBe('other');
    expect(slackMethod('not a url')).toBe('other');
    expect(feishuMethod('POST', 'https://open.feishu.cn/open-apis/im/v1/messages/om_abc/reply')).toBe('im.message.reply');
    expect(feishuMethod('patch', 'https://open.feishu.cn/open-apis/im/v1/messages/om_abc')).toBe('im.message.patch');
    expect(feishuMethod('POST', 'https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id')).toBe('im.message.create');
    expect(feishuMethod('GET', 'https://open.feishu.cn/open-apis/contact/v3/users/ou_1')).toBe('contact.user.get');
    expect(feishuMethod('GET', 'https://open.feishu.cn/open-apis/drive/v1/files/abc')).toBe('other');
  });

  it('times every store method, errors included, and passes results through', async () => {
    const metrics = createMetrics({ process: false });
    const fake = { ping: async () => true, close: async () => { throw new Error('closing failed'); } } as unknown as Store;
    const store = instrumentStore(fake, metrics);
    expect(await store.ping()).toBe(true);
    await expect(store.close()).rejects.toThrow('closing failed');
    const text = await metrics.text();
    expect(value(text, 'oa_store_operation_duration_seconds_count', { method: 'ping', outcome: 'ok' })).toBe(1);
    expect(value(text, 'oa_store_operation_duration_seconds_count', { method: 'close', outcome: 'error' })).toBe(1);
    // Two sets of metrics in one process count separately.
    expect(value(await createMetrics({ process: false }).text(), 'oa_store_operation_duration_seconds_count')).toBe(0);
    // No inbox source yet: the gauges say unknown rather than failing the scrape.
    expect(text).toMatch(/^oa_inbox_pending_events nan$/im); // prom-client writes "Nan"; Prometheus reads it in any case
  });

  it('keeps stack traces at error level only', () => {
    const lines: string[] = [];
    const log = createLogger('debug', [], (l) => void lines.push(l));
    const err = new Error('it broke');
    log.error('failed', { err });
    log.warn('retrying', { err });
    expect(JSON.parse(lines[0]!).err.stack).toContain('it broke');
    expect(JSON.parse(lines[1]!).err).toEqual({ name: 'Error', message: 'it broke' });
  });
});
