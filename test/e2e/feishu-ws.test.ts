import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderFeishuCard } from '../../adapters/feishu/render.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from '../helpers/app.ts';
import { expectedAnswerCard } from '../helpers/expected.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';

const Q = '培训人数多怎么办';
const token = TEST_SECRETS.FEISHU_VERIFICATION_TOKEN;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ feishuWs: true, env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
  await t.feishuWs!.waitConnected();
});
afterAll(() => t.close());

it('long connection: no HTTP route; the mention is answered as a reply to the question', async () => {
  expect((await fetch(`${t.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({ adapters: { feishu: true, slack: false } });
  const endpoint = t.feishu.calls.find((c) => c.path === '/callback/ws/endpoint')!;
  expect(endpoint.body.AppID).toBe(TEST_SECRETS.FEISHU_APP_ID);

  const answer = await t.feishuWs!.send(feishuTextEvent({ text: `@bot ${Q}`, token, messageId: 'om_ws1' }));
  expect(answer).toEqual({});
  const [reply] = await t.feishu.waitSent(1);
  expect(reply!.kind).toBe('reply');
  expect(reply!.messageId).toBe('om_ws1');
  expect(reply!.card).toEqual(renderFeishuCard(expectedAnswerCard(t.app.bot, Q)));
});

it('long connection: a button click is answered in the same thread; a forged one gets an error toast', async () => {
  t.feishu.calls.length = 0;
  expect(await t.feishuWs!.send(feishuCardAction({ value: { type: 'ask', question: Q }, token, messageId: 'om_wscard' }))).toEqual({});
  const [reply] = await t.feishu.waitSent(1);
  expect(reply!.messageId).toBe('om_wscard');
  const refused = (await t.feishuWs!.send(feishuCardAction({ value: { type: 'nope' }, token, messageId: 'om_wscard' }))) as { toast?: { type: string } };
  expect(refused.toast?.type).toBe('error');
});
