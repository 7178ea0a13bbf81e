import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderSlackBlocks } from '../../adapters/slack/render.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from '../helpers/app.ts';
import { expectedAnswerCard } from '../helpers/expected.ts';
import { FAKE_BOT_USER_ID, slackAction, slackEvent, slackHeaders } from '../helpers/slack.ts';

const Q = '培训人数多怎么办';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.idle();
  t.slack.reset();
});

async function settle() {
  await new Promise((r) => setTimeout(r, 100));
  await t.idle();
  return t.slack.sent();
}

describe('Slack: questions in chat', () => {
  it('answers "@bot 培训人数多怎么办" in a channel, in the thread of the question, with blocks and a text fallback', async () => {
    const res = await t.postSlack(slackEvent({ text: `@bot ${Q}`, ts: '1700000001.000100' }));
    expect(res.status).toBe(200);
    const sent = await t.slack.waitSent(1);
    expect(sent).toHaveLength(1);
    const m = sent[0]!;
    expect(m.api).toBe('chat.postMessage');
    expect(m.body.channel).toBe('C0GROUP1');
    expect(m.body.thread_ts).toBe('1700000001.000100');
    expect(m.headers.authorization).toBe(`Bearer ${TEST_SECRETS.SLACK_BOT_TOKEN}`);
    expect(m.blocks).toEqual(renderSlackBlocks(expectedAnswerCard(t.app.bot, Q)));
    expect(m.body.text).toContain('60人以下'); // plain-text fallback carries the answer too
    expect(JSON.stringify(m.blocks)).toContain('5.2-10');
    expect(JSON.stringify(m.blocks)).toContain('60人以下');
    expect(await settle()).toHaveLength(1);
  });

  it('answers in the existing thread when asked inside a thread', async () => {
    await t.postSlack(slackEvent({ text: `@bot ${Q}`, ts: '1700000002.000200', threadTs: '1700000000.999999' }));
    const [m] = await t.slack.waitSent(1);
    expect(m!.body.thread_ts).toBe('1700000000.999999');
  });

  it('handles a mention delivered both as app_mention and as message (different event ids) once', async () => {
    const ts = '1700000003.000300';
    await t.postSlack(slackEvent({ type: 'app_mention', text: `@bot ${Q}`, ts, threadTs: '1700000000.5' }));
    await t.postSlack(slackEvent({ type: 'message', text: `@bot ${Q}`, ts, threadTs: '1700000000.5' }));
    expect(await settle()).toHaveLength(1);
  });

  it('answers a Slack retry (x-slack-retry-num, same event) once, also after a restart', async () => {
    const ev = slackEvent({ text: `@bot ${Q}`, eventId: 'EvRETRY1' });
    await t.postSlack(ev);
    const res = await t.postSlack(ev, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(res.status).toBe(200);
    expect(await settle()).toHaveLength(1);
    await t.restart();
    await t.postSlack(ev, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    expect(await settle()).toHaveLength(1);
  });

  it('answers a direct message without a mention', async () => {
    await t.postSlack(slackEvent({ type: 'message', channel: 'D0DM0001', text: Q, ts: '1700000004.000400' }));
    const [m] = await t.slack.waitSent(1);
    expect(m!.body.channel).toBe('D0DM0001');
    expect(m!.blocks).toEqual(renderSlackBlocks(expectedAnswerCard(t.app.bot, Q)));
  });

  it('does not answer a thread message in a channel that does not mention the bot', async () => {
    await t.postSlack(slackEvent({ type: 'message', text: Q, threadTs: '1700000000.7' }));
    await t.postSlack(slackEvent({ type: 'message', text: Q })); // top level, no mention
    expect(await settle()).toEqual([]);
  });

  it('ignores bot messages, its own messages and edits', async () => {
    await t.postSlack(slackEvent({ type: 'message', channel: 'D0DM0001', text: Q, subtype: 'bot_message', botId: 'B0OTHER' }));
    await t.postSlack(slackEvent({ type: 'message', channel: 'D0DM0001', text: Q, botId: 'B0OTHER', user: 'U0OTHERBOT' }));
    await t.postSlack(slackEvent({ type: 'message', channel: 'D0DM0001', text: Q, user: FAKE_BOT_USER_ID }));
    await t.postSlack(slackEvent({ type: 'message', channel: 'D0DM0001', text: Q, subtype: 'message_changed' }));
    expect(await settle()).toEqual([]);
  });
});

describe('Slack: buttons', () => {
  it('answers a related-question click in the thread of the card, and a double click once', async () => {
    const value = JSON.stringify({ type: 'ask', question: Q });
    const res = await t.postSlack(slackAction({ value, messageTs: '1700000100.000001', threadTs: '1700000001.000100', triggerId: 'trig.A' }));
    expect(res.status).toBe(200);
    await t.postSlack(slackAction({ value, messageTs: '1700000100.000001', threadTs: '1700000001.000100', triggerId: 'trig.B' }));
    const sent = await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.api).toBe('chat.postMessage');
    expect(sent[0]!.body.thread_ts).toBe('1700000001.000100');
    expect(sent[0]!.blocks).toEqual(renderSlackBlocks(expectedAnswerCard(t.app.bot, Q)));
  });

  it('a click on a top-level card answers in a thread under that card', async () => {
    const value = JSON.stringify({ type: 'ask', question: Q });
    await t.postSlack(slackAction({ value, messageTs: '1700000100.000009' }));
    const [m] = await t.slack.waitSent(1);
    expect(m!.body.thread_ts).toBe('1700000100.000009');
  });

  it('refuses a forged button value with an ephemeral note and answers nothing', async () => {
    const res = await t.postSlack(slackAction({ value: '{"type":"drop_tables"}', messageTs: '1700000100.000002' }));
    expect(res.status).toBe(200);
    const sent = await settle();
    expect(sent.map((c) => c.api)).toEqual(['chat.postEphemeral']);
    expect(sent[0]!.body.user).toBe('U0USER1');
  });
});

describe('Slack: request checks', () => {
  const body = () => JSON.stringify(slackEvent({ text: `@bot ${Q}` }));

  it('answers url_verification when signed', async () => {
    const res = await t.postSlack({ type: 'url_verification', challenge: 'abc', token: 'x' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc' });
  });

  it('401 for a missing signature', async () => {
    const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a wrong signature', async () => {
    const raw = body();
    const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders('not-the-secret', raw), body: raw });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('401 for a correctly signed but stale request (over 5 minutes)', async () => {
    const res = await t.postSlack(JSON.parse(body()), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(await settle()).toEqual([]);
  });

  it('400 for a correctly signed malformed body', async () => {
    const raw = '{"type": "event_callback",';
    const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, raw), body: raw });
    expect(res.status).toBe(400);
    expect(await settle()).toEqual([]);
  });

  it('413 for a body over 1 MB', async () => {
    const raw = JSON.stringify({ type: 'event_callback', pad: 'x'.repeat(1024 * 1024) });
    const res = await fetch(`${t.url}/slack/events`, { method: 'POST', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, raw), body: raw });
    expect(res.status).toBe(413);
    expect(await settle()).toEqual([]);
  });
});

describe('Slack: delivery', () => {
  it('acknowledges first; retries a 429 after Retry-After, then posts once', async () => {
    t.slack.failNext((c) => c.path === '/api/chat.postMessage', 1, 429, { 'retry-after': '1' }, { ok: false, error: 'ratelimited' });
    const started = Date.now();
    const res = await t.postSlack(slackEvent({ text: `@bot ${Q}` }));
    expect(res.status).toBe(200);
    expect(t.slack.sent()).toEqual([]);
    const sent = await t.slack.waitSent(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(t.slack.calls.filter((c) => c.path === '/api/chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(sent).toHaveLength(1);
  });

  it('gives up after bounded retries on 500, logs the message ts, and keeps serving', async () => {
    t.slack.failNext((c) => c.path === '/api/chat.postMessage', 10, 500, {}, { ok: false });
    await t.postSlack(slackEvent({ text: `@bot ${Q}`, ts: '1700000009.000900' }));
    await settle();
    expect(t.slack.calls.filter((c) => c.path === '/api/chat.postMessage')).toHaveLength(4);
    expect(t.logs.some((l) => l.includes('"level":"error"') && l.includes('slack reply failed') && l.includes('1700000009.000900'))).toBe(true);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('never writes a secret to the log', () => {
    const all = t.logs.join('\n');
    for (const s of Object.values(TEST_SECRETS)) expect(all).not.toContain(s);
  });
});

describe('Slack: start-up', () => {
  const noFeishu = { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' };

  it('a 5xx from auth.test at start is retried and Slack comes up', async () => {
    const s = await startTestApp({ env: noFeishu, prepare: ({ slack }) => slack.failNext((c) => c.path === '/api/auth.test', 2, 503) });
    try {
      expect(s.slack.calls.filter((c) => c.path === '/api/auth.test').map((c) => c.status)).toEqual([503, 503, 200]);
      expect(await (await fetch(`${s.url}/healthz`)).json()).toMatchObject({ adapters: { slack: true } });
    } finally {
      await s.close();
    }
  });

  it('a rejected token leaves Slack off with the reason logged; the server stays up', async () => {
    const s = await startTestApp({ env: noFeishu, prepare: ({ slack }) => slack.failNext((c) => c.path === '/api/auth.test', 1, 200, {}, { ok: false, error: 'invalid_auth' }) });
    try {
      expect(await (await fetch(`${s.url}/healthz`)).json()).toMatchObject({ ok: true, adapters: { slack: false } });
      expect(s.logs.some((l) => l.includes('slack could not start') && l.includes('invalid_auth'))).toBe(true);
      const res = await s.postSlack(slackEvent({ text: `@bot ${Q}` }));
      expect(res.status).toBe(503);
    } finally {
      await s.close();
    }
  });
});
