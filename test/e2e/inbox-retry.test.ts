import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';
import { slackEvent } from '../helpers/slack.ts';

/**
 * An answer the platform would not take (every retry of the attempt failed) is not lost:
 * the event stays in the inbox and is tried again once its lease has run out (1 s here,
 * the sweep looks every 5 s), and then answered once.
 */
const Q = '@bot 培训人数多怎么办';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { INBOX_LEASE_SECONDS: '1' } });
});
afterAll(() => t.close());

it('answers a question once the platform takes answers again', { timeout: 30_000 }, async () => {
  // 4 tries per attempt (the test retry policy): the whole first attempt fails on each platform.
  t.slack.failNext((c) => c.path === '/api/chat.postMessage', 4, 500, {}, { ok: false });
  t.feishu.failNext((c) => c.path.endsWith('/reply'), 4, 500, {}, { code: 99991400, msg: 'internal' });
  expect((await t.postSlack(slackEvent({ text: Q, ts: '1700007000.000100' }))).status).toBe(200);
  expect((await t.postFeishu(feishuTextEvent({ text: Q, token: t.env.FEISHU_VERIFICATION_TOKEN, messageId: 'om_retry_1' }))).status).toBe(200);

  const [slackAnswer] = await t.slack.waitSent(1, 20_000);
  const [feishuAnswer] = await t.feishu.waitSent(1, 20_000);
  expect(slackAnswer!.body.thread_ts).toBe('1700007000.000100');
  expect(JSON.stringify(slackAnswer!.blocks)).toContain('5.2-10');
  expect(feishuAnswer!.path).toContain('om_retry_1');
  expect(t.logs.filter((l) => l.includes('it will be tried again'))).toHaveLength(2);

  // Answered means finished: nothing is handed out again later.
  await new Promise((r) => setTimeout(r, 6_500));
  expect(t.slack.sent()).toHaveLength(1);
  expect(t.feishu.sent()).toHaveLength(1);
});
