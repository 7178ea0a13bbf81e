import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderSlackBlocks } from '../../adapters/slack/render.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { expectedAnswerCard } from '../helpers/expected.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

const Q = '培训人数多怎么办';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ slackSocketMode: true, env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
});
afterAll(() => t.close());

it('Socket Mode: no HTTP route, the mention is acknowledged and answered in its thread', async () => {
  expect((await fetch(`${t.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({ adapters: { slack: true } });
  const open = t.slack.calls.find((c) => c.path === '/api/apps.connections.open')!;
  expect(open.headers.authorization).toBe('Bearer xapp-slack-app-token-TEST');

  await t.slackSocket!.send('events_api', slackEvent({ text: `@bot ${Q}`, ts: '1700000800.000100' }));
  const [m] = await t.slack.waitSent(1);
  expect(m!.body.thread_ts).toBe('1700000800.000100');
  expect(m!.blocks).toEqual(renderSlackBlocks(expectedAnswerCard(t.app.bot, Q)));
});

it('Socket Mode: a button click is acknowledged and answered in the same thread', async () => {
  t.slack.reset();
  const payload = JSON.parse(new URLSearchParams(slackAction({ value: JSON.stringify({ type: 'ask', question: Q }), messageTs: '1700000900.1', threadTs: '1700000800.000100' })).get('payload')!);
  await t.slackSocket!.send('interactive', payload);
  const [m] = await t.slack.waitSent(1);
  expect(m!.body.thread_ts).toBe('1700000800.000100');
});

it('Socket Mode: malformed events are acknowledged and dropped, and the bot keeps answering', async () => {
  t.slack.reset();
  // (`event: null` is left out: @slack/socket-mode itself throws on it before any receiver runs.
  // Only Slack can write to this socket, which is opened with the app token.)
  const bad = [
    { ...slackEvent({ text: `@bot ${Q}` }), event: { type: 'app_mention', text: 'x', user: 'U1', ts: 5 } },
    { ...slackEvent({ text: `@bot ${Q}` }), type: 'something_else' },
    { ...slackEvent({ text: `@bot ${Q}` }), event: { type: 'app_mention', text: 42, user: ['U1'] } },
  ];
  // Acknowledged: Slack would otherwise send the same garbage again and again.
  for (const b of bad) await t.slackSocket!.send('events_api', b);
  await t.slackSocket!.send('events_api', slackEvent({ text: `@bot ${Q}`, ts: '1700000950.000100' }));
  const sent = await t.slack.waitSent(1);
  expect(sent.map((m) => m.body.thread_ts)).toEqual(['1700000950.000100']);
  expect(t.logs.filter((l) => l.includes('slack socket event refused'))).toHaveLength(3);
});
