import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderFeishuCard } from '../../adapters/feishu/render.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from '../helpers/app.ts';
import { expectedAnswerCard } from '../helpers/expected.ts';
import { feishuCardAction, feishuRequest, feishuTextEvent } from '../helpers/feishu.ts';

const Q = '培训人数多怎么办';
let t: TestApp;
const token = TEST_SECRETS.FEISHU_VERIFICATION_TOKEN;

beforeAll(async () => {
  t = await startTestApp({ env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.idle();
  t.feishu.calls.length = 0;
});

/** Lets anything the server might still do happen, then returns the message calls made. */
async function settle() {
  await new Promise((r) => setTimeout(r, 100));
  await t.idle();
  return t.feishu.sent();
}

describe('Feishu: questions in chat', () => {
  it('answers "@bot 培训人数多怎么办" in a group as a reply to the question, with the answer card', async () => {
    const res = await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token, messageId: 'om_q1' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const sent = await t.feishu.waitSent(1);
    expect(sent).toHaveLength(1);
    const reply = sent[0]!;
    expect(reply.kind).toBe('reply');
    expect(reply.messageId).toBe('om_q1');
    expect(reply.body.msg_type).toBe('interactive');
    expect(reply.body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers.authorization).toBe('Bearer t-fake-token');
    expect(reply.card).toEqual(renderFeishuCard(expectedAnswerCard(t.app.bot, Q)));
    expect(reply.card).toMatchObject({ schema: '2.0', config: { update_multi: true } });
    // The customer's example: rule 5.2-10, countermeasure "单场培训人员控制在60人以下 …", cited.
    const shown = JSON.stringify(reply.card);
    expect(shown).toContain('60人以下');
    expect(shown).toContain('5.2-10');
    expect(await settle()).toHaveLength(1);
  });

  it('answers a direct message without a mention', async () => {
    await t.postFeishu(feishuTextEvent({ text: Q, token, chatType: 'p2p', chatId: 'oc_dm1', messageId: 'om_dm1' }));
    const [reply] = await t.feishu.waitSent(1);
    expect(reply!.messageId).toBe('om_dm1');
    expect(reply!.card).toEqual(renderFeishuCard(expectedAnswerCard(t.app.bot, Q)));
  });

  it('does not answer a group message that does not mention the bot', async () => {
    const res = await t.postFeishu(feishuTextEvent({ text: Q, token }));
    expect(res.status).toBe(200);
    expect(await settle()).toEqual([]);
  });

  it('does not answer a mention of someone else', async () => {
    await t.postFeishu(feishuTextEvent({ text: `@ou_other ${Q}`, token }));
    expect(await settle()).toEqual([]);
  });

  it('ignores its own messages and other bots', async () => {
    await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token, senderType: 'app', senderId: 'ou_otherbot' }));
    await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token, senderType: 'app', senderId: 'ou_bot0000000000000000000000000001' }));
    expect(await settle()).toEqual([]);
  });

  it('answers a redelivered event (same event_id) once, also after a restart', async () => {
    const ev = feishuTextEvent({ text: `@bot ${Q}`, token, eventId: 'ev_redeliver_1' });
    await t.postFeishu(ev);
    await t.postFeishu(ev);
    expect(await settle()).toHaveLength(1);
    await t.restart();
    const res = await t.postFeishu(ev);
    expect(res.status).toBe(200);
    expect(await settle()).toHaveLength(1);
  });
});

describe('Feishu: buttons', () => {
  it('answers a related-question click in the same thread, and a double click once', async () => {
    const value = { type: 'ask', question: Q };
    const res = await t.postFeishu(feishuCardAction({ value, token, messageId: 'om_card1', eventId: 'ev_click_a' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    // The second click of a double click has its own event id.
    await t.postFeishu(feishuCardAction({ value, token, messageId: 'om_card1', eventId: 'ev_click_b' }));
    const sent = await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.kind).toBe('reply');
    expect(sent[0]!.messageId).toBe('om_card1');
    expect(sent[0]!.card).toEqual(renderFeishuCard(expectedAnswerCard(t.app.bot, Q)));
  });

  it('refuses a forged button value with an error toast and sends nothing', async () => {
    const res = await t.postFeishu(feishuCardAction({ value: { type: 'delete_everything' }, token, messageId: 'om_card2' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { toast: { type: string } };
    expect(body.toast.type).toBe('error');
    expect(await settle()).toEqual([]);
  });
});

describe('Feishu: request checks', () => {
  const ev = () => feishuTextEvent({ text: `@bot ${Q}`, token });

  it('answers the URL verification challenge (encrypted, unsigned)', async () => {
    const r = feishuRequest({ challenge: 'ch-123', token, type: 'url_verification' }, { encryptKey: TEST_SECRETS.FEISHU_ENCRYPT_KEY });
    const res = await fetch(`${t.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: r.body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-123' });
  });

  it('401 for a wrong signature', async () => {
    const r = feishuRequest(ev(), { encryptKey: TEST_SECRETS.FEISHU_ENCRYPT_KEY });
    r.headers['x-lark-signature'] = '0'.repeat(64);
    const res = await fetch(`${t.url}/feishu/events`, { method: 'POST', headers: r.headers, body: r.body });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a missing signature', async () => {
    const r = feishuRequest(ev(), { encryptKey: TEST_SECRETS.FEISHU_ENCRYPT_KEY });
    const res = await fetch(`${t.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: r.body });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a correctly signed but stale request (over 5 minutes)', async () => {
    const res = await t.postFeishu(ev(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a body encrypted with another key', async () => {
    const res = await t.postFeishu(ev(), { encryptKey: 'some-other-key' });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for an unencrypted body when an encrypt key is set', async () => {
    const res = await t.postFeishu(ev(), { encryptKey: undefined });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a wrong verification token inside a correctly encrypted and signed body', async () => {
    const res = await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token: 'not-the-token' }));
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('400 for malformed JSON', async () => {
    const res = await fetch(`${t.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"encrypt": ' });
    expect(res.status).toBe(400);
    expect(await settle()).toEqual([]);
  });

  it('413 for a body over 1 MB, and the server keeps serving', async () => {
    const big = JSON.stringify({ encrypt: 'A'.repeat(1024 * 1024 + 10) });
    const res = await fetch(`${t.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(await settle()).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

describe('Feishu: delivery', () => {
  it('acknowledges before answering; retries a 429 after x-ogw-ratelimit-reset, then replies once', async () => {
    t.feishu.failNext((c) => c.path.endsWith('/reply'), 1, 429, { 'x-ogw-ratelimit-reset': '1' }, { code: 99991400, msg: 'request trigger frequency limit' });
    const started = Date.now();
    const res = await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token, messageId: 'om_rl' }));
    expect(res.status).toBe(200);
    expect(t.feishu.sent()).toEqual([]); // the HTTP answer went out before the reply
    const sent = await t.feishu.waitSent(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const tries = t.feishu.calls.filter((c) => c.path === '/open-apis/im/v1/messages/om_rl/reply');
    expect(tries.map((c) => c.status)).toEqual([429, 200]);
    expect(tries[0]!.body.uuid).toBe(tries[1]!.body.uuid); // same idempotency key on the retry
    expect(sent).toHaveLength(1);
  });

  it('gives up after bounded retries on 500, logs the message id, and keeps serving', async () => {
    t.feishu.failNext((c) => c.path.endsWith('/reply'), 10, 500, {}, { code: 1, msg: 'boom' });
    await t.postFeishu(feishuTextEvent({ text: `@bot ${Q}`, token, messageId: 'om_fail' }));
    await settle();
    const tries = t.feishu.calls.filter((c) => c.path === '/open-apis/im/v1/messages/om_fail/reply');
    expect(tries).toHaveLength(4);
    expect(t.logs.some((l) => l.includes('"level":"error"') && l.includes('feishu reply failed') && l.includes('om_fail'))).toBe(true);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    t.feishu.failNext(() => false, 0, 500); // nothing pending
  });

  it('never writes a secret to the log', () => {
    const all = t.logs.join('\n');
    for (const s of Object.values(TEST_SECRETS)) expect(all).not.toContain(s);
    expect(all).not.toContain('t-fake-token');
  });
});
