import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackSocket } from './fakes/slack-socket.ts';
import { PG_SKIP, assertPostgresReachable } from './helpers/postgres.ts';
import { startReplicas, type Replicas } from './helpers/replicas.ts';
import { slackEvent } from './helpers/slack.ts';

/**
 * Slack Socket Mode with two replicas: Slack sends each event over one of the app's
 * connections, sends it again (retry_attempt > 0) when the ack was late, and delivers a
 * mention in a thread as both `app_mention` and `message` (two event ids), each possibly
 * over another connection. What the channel must see: every question answered once.
 */
const Q = '@bot 培训人数多怎么办';
const noFeishu = { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' };

describe.skipIf(PG_SKIP)('Slack Socket Mode, two replicas on one PostgreSQL database', () => {
  beforeAll(assertPostgresReachable);
  let r: Replicas | undefined;
  let sock: FakeSlackSocket | undefined;
  afterEach(async () => {
    await r?.close();
    await sock?.stop();
  });

  it('answers each question once, whichever connection gets it and however often', { timeout: 60_000 }, async () => {
    sock = await new FakeSlackSocket().start();
    r = await startReplicas(2, { slackSocket: sock, env: { ...noFeishu, SLACK_CHAT_RATE_PER_SECOND: '0' } });
    for (let i = 0; i < 50 && sock.connected < 2; i++) await new Promise((res) => setTimeout(res, 100));
    expect(sock.connected).toBe(2);

    const ts = (i: number) => `1700006000.${String(i).padStart(6, '0')}`;
    // Each question in a thread of its own, so its answer (in that thread) is recognisable.
    const root = (i: number) => `1700005999.${String(i).padStart(6, '0')}`;
    const sends: Promise<string>[] = [];
    for (let i = 0; i < 12; i++) {
      const mention = slackEvent({ text: Q, channel: `C0SOCK${i % 3}`, ts: ts(i), threadTs: root(i), eventId: `EvSockM${i}` });
      sends.push(sock.send('events_api', mention, { connection: i % 2 }));
      // Every third: Slack sends it again over the other connection at the same moment (a late ack).
      if (i % 3 === 0) sends.push(sock.send('events_api', mention, { connection: (i + 1) % 2, retryAttempt: 1 }));
      // Every fourth: the same message also as a `message` event (its own event id) over the other connection.
      if (i % 4 === 1) {
        const copy = slackEvent({ type: 'message', text: Q, channel: `C0SOCK${i % 3}`, ts: ts(i), threadTs: root(i), eventId: `EvSockC${i}` });
        sends.push(sock.send('events_api', copy, { connection: (i + 1) % 2 }));
      }
    }
    await Promise.all(sends); // every envelope acknowledged
    await r.idle();

    const answers = r.slack.sent().filter((c) => c.api === 'chat.postMessage');
    const perQuestion = answers.reduce((m, a) => m.set(String(a.body.thread_ts), (m.get(String(a.body.thread_ts)) ?? 0) + 1), new Map<string, number>());
    expect(Object.fromEntries(perQuestion)).toEqual(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [root(i), 1])));
    for (const a of answers) expect(JSON.stringify(a.blocks)).toContain('5.2-10');
  });
});
