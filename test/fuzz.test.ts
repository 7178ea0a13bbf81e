import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypt, sign } from '../adapters/feishu/crypto.ts';
import { journalFiles } from '../src/store/lowdb.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { feishuCardAction, feishuRequest, feishuTextEvent } from './helpers/feishu.ts';
import { slackAction, slackEvent, slackHeaders } from './helpers/slack.ts';

/**
 * Thousands of bad requests at both webhooks and the admin API: each gets the 4xx its
 * kind deserves, nothing is sent to a platform, the store file does not change by a
 * byte, and the bot still answers a good question afterwards. Every forged body carries
 * a real question, so a request that slipped through would show up as an answer.
 * Authentic bodies of a shape the bot does not take (Slack `"event": null`, unknown types,
 * clicks without the fields the adapter reads; Feishu handled event types with a broken
 * event) are a 400 well under 1 s, not an SDK TypeError or Bolt's 3 s ack timeout; Feishu
 * event types without a handler are a quick 200 {} and ignored.
 */

// A seeded PRNG so a failure can be replayed (the crypto IVs and nonces still vary).
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(Number(process.env.FUZZ_SEED ?? 20261128));
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
const OVERSIZE = 1024 * 1024 + 1;
const Q = '@bot 培训人数多怎么办';

interface Case {
  kind: string;
  path: string;
  method?: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  expect: number;
  /** Also right: a wrong token past the per-client allowance is answered 429 (Retry-After) instead of 401. */
  orThrottled?: true;
  /** Signed bodies the SDKs would have choked on or sat on (Bolt's 3 s ack timeout): must answer well under 1 s. */
  fast?: true;
}

let t: TestApp;
const ADMIN = 'fuzz-admin-token-TEST-0123456789abcdef';

beforeAll(async () => {
  t = await startTestApp({ env: { ADMIN_TOKEN: ADMIN } });
});
afterAll(() => t?.close());

// ---------- Slack ----------
function slackCase(): Case {
  const secret = t.env.SLACK_SIGNING_SECRET!;
  const good = slackEvent({ text: Q, eventId: `EvFUZZ${int(1e9)}` });
  const body = JSON.stringify(good);
  const click = slackAction({ value: JSON.stringify({ type: 'ask', question: Q.replace('@bot ', '') }), messageTs: '1700000100.000001' });
  const signed = (raw: string | Buffer, o: { timestamp?: number; contentType?: string } = {}) => slackHeaders(secret, raw.toString(), o);
  const path = '/slack/events';
  const kinds: (() => Case)[] = [
    () => ({ kind: 'slack: no signature', path, headers: { 'content-type': 'application/json' }, body, expect: 401 }),
    () => ({ kind: 'slack: forged signature', path, headers: { ...signed(body), 'x-slack-signature': 'v0=' + randomBytes(32).toString('hex') }, body, expect: 401 }),
    () => ({ kind: 'slack: signed with another secret', path, headers: slackHeaders('not-the-secret', body), body, expect: 401 }),
    () => ({ kind: 'slack: stale timestamp', path, headers: signed(body, { timestamp: Math.floor(Date.now() / 1000) - 301 - int(1e6) }), body, expect: 401 }),
    () => ({ kind: 'slack: timestamp not a number', path, headers: { ...signed(body), 'x-slack-request-timestamp': pick(['', 'abc', '1e99', '-1', '17000000000000000000']) }, body, expect: 401 }),
    () => ({ kind: 'slack: truncated after signing', path, headers: signed(body), body: body.slice(0, int(body.length)), expect: 401 }),
    () => ({ kind: 'slack: body altered after signing', path, headers: signed(body), body: body.replace('培训', '考试'), expect: 401 }),
    () => {
      const raw = pick(['{', '{"type":', '{"type":"event_callback",', 'not json', '\uFEFF{}', junk(1 + int(200)).toString('latin1').replace(/^[[{"\d tfn-]/, 'x')]);
      return { kind: 'slack: signed malformed JSON', path, headers: signed(raw), body: raw, expect: 400 };
    },
    () => {
      const raw = Buffer.from(body, 'utf16le');
      return { kind: 'slack: signed UTF-16 body', path, headers: slackHeaders(secret, raw.toString()), body: raw, expect: 400 };
    },
    () => {
      const raw = pick(['1', '"x"', 'null', 'true', '-3.5']);
      return { kind: 'slack: signed JSON that is not an object', path, headers: signed(raw), body: raw, expect: 400 };
    },
    () => {
      const raw = `payload=${encodeURIComponent(pick(['{', 'not json', '{"type":']))}`;
      return { kind: 'slack: signed form with a broken payload', path, headers: signed(raw, { contentType: 'application/x-www-form-urlencoded' }), body: raw, expect: 400 };
    },
    // Well-formed JSON, correctly signed, but not a shape the bot takes: Bolt threw a
    // TypeError (500) on some and waited 3 s before a 404 on others.
    () => {
      const raw = JSON.stringify({ ...good, event: pick([null, 1, 'x', [], true, [good.event]]) });
      return { kind: 'slack: signed event_callback whose event is not an object', path, headers: signed(raw), body: raw, expect: 400, fast: true };
    },
    () => {
      const { type: _t, ...rest } = good.event;
      const raw = JSON.stringify({ ...good, event: pick([rest, { ...rest, type: pick([5, '', null, ['app_mention'], { x: 1 }]) }]) });
      return { kind: 'slack: signed event_callback whose event has no string type', path, headers: signed(raw), body: raw, expect: 400, fast: true };
    },
    () => {
      const field = pick(['text', 'user', 'ts', 'channel', 'thread_ts', 'subtype']);
      const raw = JSON.stringify({ ...good, event: { ...good.event, [field]: pick([{}, 5, ['x'], true]) } });
      return { kind: 'slack: signed app_mention with a field of the wrong type', path, headers: signed(raw), body: raw, expect: 400, fast: true };
    },
    () => {
      const raw = JSON.stringify({ ...good, event: { ...good.event, item: pick([null, 'x', 3]) } });
      return { kind: 'slack: signed event whose item is not an object', path, headers: signed(raw), body: raw, expect: 400, fast: true };
    },
    () => {
      const { type: _t, ...rest } = good;
      const raw = JSON.stringify(pick([rest, { ...rest, type: pick(['event_callbackx', 'EVENT_CALLBACK', 'view_submission', 'shortcut', 'message_action', 'block_suggestion', 'interactive_message', 7, null]) }]));
      return { kind: 'slack: signed body of a type the bot does not take', path, headers: signed(raw), body: raw, expect: 400, fast: true };
    },
    () => {
      const raw = new URLSearchParams({ command: '/oa', text: Q, user_id: 'U0USER1', channel_id: 'C0GROUP1', trigger_id: `t${int(1e9)}` }).toString();
      return { kind: 'slack: signed slash command (none registered)', path, headers: signed(raw, { contentType: 'application/x-www-form-urlencoded' }), body: raw, expect: 400, fast: true };
    },
    () => {
      const payload = JSON.parse(new URLSearchParams(click).get('payload')!);
      const broken = pick<() => unknown>([
        () => ({ ...payload, actions: pick([[], null, 'x', [null], [{ ...payload.actions[0], action_id: pick(['other:1', 5, undefined]) }], [{ ...payload.actions[0], value: { type: 'ask' } }]]) }),
        () => ({ ...payload, user: pick([null, undefined, 'U0USER1', { name: 'x' }, { id: 5 }]) }),
        () => ({ ...payload, channel: pick(['C0GROUP1', 5, { name: 'x' }]) }),
        () => ({ ...payload, container: pick(['x', { message_ts: 5 }]), message: pick(['x', { ts: 1700000100 }]) }),
        () => ({ ...payload, trigger_id: 5 }),
      ])();
      const raw = new URLSearchParams({ payload: JSON.stringify(broken) }).toString();
      return { kind: 'slack: signed block_actions without the fields the bot reads', path, headers: signed(raw, { contentType: 'application/x-www-form-urlencoded' }), body: raw, expect: 400, fast: true };
    },
  ];
  return pick(kinds)();
}

// ---------- Feishu (encrypted, signed, with a verification token) ----------
function feishuCase(): Case {
  const key = t.env.FEISHU_ENCRYPT_KEY!;
  const token = t.env.FEISHU_VERIFICATION_TOKEN!;
  const event = feishuTextEvent({ text: Q, token, eventId: `ev_fuzz_${int(1e9)}` });
  const good = feishuRequest(event, { encryptKey: key });
  const card = feishuCardAction({ value: { type: 'ask', question: Q.replace('@bot ', '') }, token, messageId: 'om_card1', eventId: `ev_fuzz_card_${int(1e9)}` });
  const sealed = (payload: unknown) => feishuRequest(payload, { encryptKey: key });
  const path = '/feishu/events';
  const json = { 'content-type': 'application/json' };
  const signedWith = (raw: string, k = key, ts = String(Math.floor(Date.now() / 1000))) => {
    const nonce = String(int(1e9));
    return { ...json, 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': sign(ts, nonce, k, raw) };
  };
  const kinds: (() => Case)[] = [
    () => ({ kind: 'feishu: truncated', path, headers: good.headers, body: good.body.slice(0, int(good.body.length)), expect: 400 }),
    () => ({ kind: 'feishu: not JSON', path, headers: json, body: pick(['{', 'x', '\uFEFF{}', '{"encrypt":']) + junk(int(100)).toString('base64'), expect: 400 }),
    () => ({ kind: 'feishu: JSON that is not an object', path, headers: json, body: pick(['[]', '1', '"x"', 'null', '[{"encrypt":"x"}]']), expect: 400 }),
    () => ({ kind: 'feishu: UTF-16 body', path, headers: good.headers, body: Buffer.from(good.body, 'utf16le'), expect: 400 }),
    () => ({ kind: 'feishu: not encrypted', path, headers: json, body: JSON.stringify(event), expect: 401 }),
    () => {
      // Never a whole number of AES blocks, or not base64 at all: decryption must fail.
      const cipher = pick([junk(16 + 16 * int(8) + 1 + int(15)).toString('base64'), '!!!not base64!!!', '', String(int(1e6))]);
      const raw = JSON.stringify({ encrypt: cipher });
      return { kind: 'feishu: garbage ciphertext', path, headers: signedWith(raw), body: raw, expect: 401 };
    },
    () => {
      const raw = JSON.stringify({ encrypt: encrypt('another-key', JSON.stringify(event)) });
      return { kind: 'feishu: encrypted and signed with another key', path, headers: signedWith(raw, 'another-key'), body: raw, expect: 401 };
    },
    () => ({ kind: 'feishu: no signature headers', path, headers: json, body: good.body, expect: 401 }),
    () => ({ kind: 'feishu: forged signature', path, headers: { ...good.headers, 'x-lark-signature': randomBytes(32).toString('hex') }, body: good.body, expect: 401 }),
    () => ({ kind: 'feishu: stale timestamp', path, headers: signedWith(good.body, key, String(Math.floor(Date.now() / 1000) - 301 - int(1e6))), body: good.body, expect: 401 }),
    () => ({ kind: 'feishu: future timestamp', path, headers: signedWith(good.body, key, String(Math.floor(Date.now() / 1000) + 301 + int(1e6))), body: good.body, expect: 401 }),
    () => {
      const raw = JSON.stringify({ encrypt: encrypt(key, JSON.stringify(feishuTextEvent({ text: Q, token: pick(['', 'wrong', token + 'x']) }))) });
      return { kind: 'feishu: wrong verification token', path, headers: signedWith(raw), body: raw, expect: 401 };
    },
    // Authentic (encrypted, signed, right token) but malformed: a 400, before the SDK.
    () => {
      const e = pick([event, card]);
      return { kind: 'feishu: handled event type whose event is not an object', path, ...sealed({ ...e, event: pick([null, 1, 'x', [], [e.event]]) }), expect: 400, fast: true };
    },
    () => {
      const m = event.event.message;
      const message = pick<unknown>([null, 'x', { ...m, message_id: pick([undefined, 5, '']) }, { ...m, chat_id: pick([undefined, null, {}]) }, { ...m, content: pick([undefined, { text: Q }, 5]) }, { ...m, mentions: pick(['x', [null], 5]) }]);
      return { kind: 'feishu: message event without the fields the bot reads', path, ...sealed({ ...event, event: { ...event.event, message } }), expect: 400, fast: true };
    },
    () => {
      const c = card.event;
      const broken = pick<unknown>([{ ...c, operator: pick([null, undefined, { open_id: 5 }]) }, { ...c, context: pick([null, undefined, { open_chat_id: 'oc_group1' }, { open_message_id: 'om_card1' }]) }, { ...c, action: pick([null, undefined, 'x']) }]);
      return { kind: 'feishu: card action without operator, context or action', path, ...sealed({ ...card, event: broken }), expect: 400, fast: true };
    },
    () => {
      const header = pick<unknown>([{ ...event.header, event_type: pick([undefined, 5, '', null]) }, { ...event.header, event_id: pick([undefined, 5, '']) }]);
      return { kind: 'feishu: schema 2.0 without a usable header', path, ...sealed({ ...event, header }), expect: 400, fast: true };
    },
    () => {
      const { schema: _s, ...rest } = event;
      return { kind: 'feishu: neither a 2.0 nor a v1 event', path, ...sealed(pick<unknown>([rest, { ...rest, schema: pick(['1.0', 2, null]) }, { type: 'event_callback', event: pick([null, {}, { type: 5 }]), token }])), expect: 400, fast: true };
    },
    // Event types the bot has no handler for, which Feishu sends if the app subscribed:
    // a quick 200 {} and ignored, even though the body carries a question.
    () => {
      const type = pick(['im.message.message_read_v1', 'im.chat.member.bot.added_v1', 'im.message.reaction.created_v1', `x.${int(1e6)}`]);
      return { kind: 'feishu: event type with no handler', path, ...sealed({ ...event, header: { ...event.header, event_type: type } }), expect: 200, fast: true };
    },
    () => ({ kind: 'feishu: v1 event', path, ...sealed({ uuid: `u${int(1e9)}`, token, ts: '1', type: 'event_callback', event: { type: 'message', text: Q, open_chat_id: 'oc_group1' } }), expect: 200, fast: true }),
  ];
  return pick(kinds)();
}

// ---------- admin API ----------
function apiCase(): Case {
  const auth: Record<string, string> = pick<Record<string, string>>([{}, { authorization: `Bearer ${ADMIN}x` }, { authorization: `Bearer ${ADMIN.slice(0, -1)}` }, { authorization: ADMIN }, { authorization: `Basic ${ADMIN}` }, { authorization: 'Bearer ' }]);
  const id = encodeURIComponent(pick(['feishu:oc_group1', "x' OR 1=1 --", '../../etc/passwd', 'a'.repeat(int(3000)), '项目']));
  return pick<() => Case>([
    () => ({ kind: 'api: GET /api/projects without the right token', path: '/api/projects', method: 'GET', headers: auth, expect: 401, orThrottled: true }),
    () => ({ kind: 'api: GET sign-offs without the right token', path: `/api/projects/${id}/signoffs`, method: 'GET', headers: auth, expect: 401, orThrottled: true }),
    () => ({ kind: 'api: run the daily job without the right token', path: '/admin/jobs/daily-checklists', method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: junk(int(500)), expect: 401, orThrottled: true }),
  ])();
}

const oversized = (): Case => {
  const path = pick(['/slack/events', '/feishu/events', '/admin/jobs/daily-checklists']);
  const body = Buffer.alloc(OVERSIZE + int(64 * 1024), 0x61);
  const headers = path === '/slack/events' ? slackHeaders(t.env.SLACK_SIGNING_SECRET!, body.toString()) : { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
  return { kind: `oversized body to ${path}`, path, method: 'POST', headers, body, expect: 413 };
};

async function send(c: Case): Promise<number> {
  const res = await fetch(t.url + c.path, { method: c.method ?? 'POST', headers: c.headers, body: c.body, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

// The store is the JSON file and its journals (delivery keys, the inbox).
const snapshot = () => ({ db: [t.dbFile, ...Object.values(journalFiles(t.dbFile))].map((f) => readFileSync(f, 'utf8')), slack: t.slack.calls.length, feishu: t.feishu.calls.length });

describe('fuzz: malformed, forged, truncated, oversized and wrongly encoded requests', () => {
  it('answers each with the right 4xx, changes nothing, and still answers a good question afterwards', { timeout: 90_000 } /* 2,100 requests; generous for a loaded CI machine */, async () => {
    // The API routes must exist, or every API case would pass as a 404.
    expect((await fetch(`${t.url}/api/projects`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    // A first good question, so the store file exists and the bot is warm.
    await t.postSlack(slackEvent({ text: Q }));
    await t.slack.waitSent(1);
    await t.idle();
    const before = snapshot();

    const cases: Case[] = [
      ...Array.from({ length: 900 }, slackCase),
      ...Array.from({ length: 900 }, feishuCase),
      ...Array.from({ length: 300 }, apiCase),
      ...Array.from({ length: 12 }, oversized),
    ].sort(() => rnd() - 0.5);

    const wrong: string[] = [];
    const seen = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
        const t0 = performance.now();
        const status = await send(c).catch((e: Error) => -1 * (e.name === 'TimeoutError' ? 2 : 1));
        const ms = performance.now() - t0;
        if (status !== c.expect && !(c.orThrottled && status === 429)) wrong.push(`${c.kind}: expected ${c.expect}, got ${status}`);
        // The SDK's slow path is a 3 s wait: 2 s leaves room for a machine loaded by other test files (1.4 s seen).
        if (c.fast && ms > 2000) wrong.push(`${c.kind}: answered after ${Math.round(ms)} ms`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await new Promise((r) => setTimeout(r, 200));
    await t.idle();

    expect([...new Set(wrong)].slice(0, 20)).toEqual([]);
    expect(seen.size).toBe(29 + 7 + 7);
    expect(snapshot()).toEqual(before);
    expect(t.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);

    // Still alive and answering, on both platforms.
    const s0 = t.slack.sent().length;
    expect((await t.postSlack(slackEvent({ text: Q }))).status).toBe(200);
    await t.slack.waitSent(s0 + 1);
    const f0 = t.feishu.sent().length;
    expect((await t.postFeishu(feishuTextEvent({ text: Q, token: t.env.FEISHU_VERIFICATION_TOKEN }))).status).toBe(200);
    await t.feishu.waitSent(f0 + 1);
  });
});

describe('signed bodies of a shape the bot does not take', () => {
  it('get a 400 whose JSON error says what is wrong; a Feishu event type without a handler gets {}', async () => {
    const errorOf = async (res: Response) => ({ status: res.status, body: await res.json() });
    const good = slackEvent({ text: Q });
    expect(await errorOf(await t.postSlack({ ...good, event: null }))).toEqual({ status: 400, body: { error: expect.stringMatching(/^malformed event_callback: event: /) } });
    expect(await errorOf(await t.postSlack({ ...good, type: 'shortcut' }))).toEqual({ status: 400, body: { error: expect.stringContaining('unsupported Slack request: type "shortcut"') } });
    const f = feishuTextEvent({ text: Q, token: t.env.FEISHU_VERIFICATION_TOKEN });
    expect(await errorOf(await t.postFeishu({ ...f, event: null }))).toEqual({ status: 400, body: { error: expect.stringMatching(/^malformed im\.message\.receive_v1 event: /) } });
    expect(await errorOf(await t.postFeishu({ ...f, header: { ...f.header, event_type: 'im.message.message_read_v1' } }))).toEqual({ status: 200, body: {} });
  });
});
