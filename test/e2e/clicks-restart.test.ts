import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuCardAction } from '../helpers/feishu.ts';
import { slackAction } from '../helpers/slack.ts';

/**
 * A double click is one click even when the bot restarts between the two clicks (the
 * guard lives in the store, not in memory), or when both clicks were acknowledged and the
 * bot died before handling either; a click 6 s later is a new click.
 */
const clock = fixedClock(new Date());
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t?.close());

async function settle() {
  await new Promise((r) => setTimeout(r, 100));
  await t.idle();
}

it('Slack: a double click spanning a restart is answered once; a click 6 s later is answered again', async () => {
  const value = JSON.stringify({ type: 'ask', question: '培训人数多怎么办' });
  const click = (triggerId: string) => t.postSlack(slackAction({ value, messageTs: '1700000500.000001', threadTs: '1700000001.000500', triggerId }));
  expect((await click('trig.R1')).status).toBe(200);
  expect((await click('trig.R2')).status).toBe(200);
  await settle();
  expect(t.slack.sent()).toHaveLength(1);

  await t.restart();
  clock.advance(3_000);
  expect((await click('trig.R3')).status).toBe(200);
  await settle();
  expect(t.slack.sent()).toHaveLength(1);

  // 6 s after the answered click (and the double click), across a 1 s bucket boundary.
  clock.advance(3_000);
  expect((await click('trig.R4')).status).toBe(200);
  await t.slack.waitSent(2);
  await settle();
  expect(t.slack.sent()).toHaveLength(2);
});

it('Feishu: a double click spanning a restart is answered once; a click 6 s later is answered again', async () => {
  const token = t.env.FEISHU_VERIFICATION_TOKEN;
  const value = { type: 'ask', question: '培训人数多怎么办' };
  const before = t.feishu.sent().length;
  const click = (eventId: string) => t.postFeishu(feishuCardAction({ value, token, messageId: 'om_restart_card', eventId }), { timestamp: Math.floor(clock.now().getTime() / 1000) });
  expect((await click('ev_restart_1')).status).toBe(200);
  await t.restart();
  clock.advance(4_999);
  expect((await click('ev_restart_2')).status).toBe(200);
  await settle();
  expect(t.feishu.sent().length - before).toBe(1);

  clock.advance(6_000);
  expect((await click('ev_restart_3')).status).toBe(200);
  await t.feishu.waitSent(before + 2);
  await settle();
  expect(t.feishu.sent().length - before).toBe(2);
});

it('Slack: a double click acknowledged just before a crash, both clicks handled after the restart, is answered once', async () => {
  const value = JSON.stringify({ type: 'ask', question: '培训人数多怎么办' });
  const before = t.slack.sent().length;
  // What kill -9 right after acknowledging both clicks leaves: two clicks in the inbox, neither handled.
  await t.restart(async () => {
    const store = await openLowdbStore(t.dbFile);
    for (const triggerId of ['trig.C1', 'trig.C2']) {
      const { token: _legacy, ...body } = JSON.parse(new URLSearchParams(slackAction({ value, messageTs: '1700000600.000001', triggerId })).get('payload')!);
      expect(await store.acceptDelivery({ key: `slack:click:${triggerId}`, platform: 'slack', kind: 'slack', payload: body }, clock.now(), 86_400_000)).toBe(true);
    }
    await store.close();
  });
  await t.slack.waitSent(before + 1);
  await settle();
  expect(t.slack.sent().length - before).toBe(1);
  expect(t.logs.filter((l) => l.includes('handling an acknowledged event again'))).toHaveLength(2);
});
