import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../src/readiness/model/template.ts';
import { fixedClock } from '../src/core/clock.ts';
import { loadRulebook } from '../src/rulebook/load.ts';
import type { ProjectRecord, Role } from '../src/store/store.ts';
import { feishuTextEvent } from './helpers/feishu.ts';
import { PG_SKIP, assertPostgresReachable } from './helpers/postgres.ts';
import { startReplicas, type Replicas } from './helpers/replicas.ts';
import { slackEvent } from './helpers/slack.ts';

// 09:05 in Shanghai on Tuesday 2026-09-29, a working day three weeks before go-live.
const MORNING = '2026-09-29T01:05:00Z';
const template = loadTemplate('data', loadRulebook('data'));

const project = (platform: 'slack' | 'feishu', chatId: string, roles: { userId: string; role: Role }[] = []): ProjectRecord => ({
  id: `${platform}:${chatId}`,
  platform,
  chatId,
  name: `Project ${chatId}`,
  goLive: '2026-10-20',
  timeZone: 'Asia/Shanghai',
  postTime: '09:00',
  lang: 'zh',
  adminId: platform === 'slack' ? 'U0ADMIN' : 'ou_admin',
  roles,
  source: 'chat',
  createdAt: '2026-09-01T09:00:00+08:00',
  updatedAt: '2026-09-01T09:00:00+08:00',
});

const countBy = <T,>(xs: T[], key: (x: T) => string) => xs.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());

let r: Replicas | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe.skipIf(PG_SKIP)('several replicas on one PostgreSQL database', () => {
  beforeAll(assertPostgresReachable);

  it('posts exactly one checklist per project per working day when every replica runs the job at the same second', async () => {
    const slackChannels = Array.from({ length: 8 }, (_, i) => `C0PROJ${i}`);
    const feishuChats = Array.from({ length: 8 }, (_, i) => `oc_proj${i}`);
    r = await startReplicas(3, {
      clock: fixedClock(MORNING),
      seed: async (s) => {
        for (const c of slackChannels) await s.putProject(project('slack', c));
        for (const c of feishuChats) await s.putProject(project('feishu', c));
      },
    });
    const rr = r;
    // Start-up catch-up already raced on three replicas; now all three run the job together, three times.
    for (let round = 0; round < 3; round++) {
      const res = await Promise.all(rr.apps.map((_, i) => rr.runJob(i)));
      expect(res.map((x) => x.status)).toEqual([200, 200, 200]);
    }
    await rr.idle();

    const slackPosts = countBy(rr.slack.sent().filter((c) => c.api === 'chat.postMessage'), (c) => c.body.channel);
    expect(Object.fromEntries(slackPosts)).toEqual(Object.fromEntries(slackChannels.map((c) => [c, 1])));
    const feishuPosts = countBy(rr.feishu.sent().filter((c) => c.kind === 'create'), (c) => c.body.receive_id);
    expect(Object.fromEntries(feishuPosts)).toEqual(Object.fromEntries(feishuChats.map((c) => [c, 1])));
    for (const c of slackChannels) expect(await rr.store.getPost(`slack:${c}`, '2026-09-29')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a claim whose replica died between claim and send, exactly once, after it goes stale', async () => {
    const clock = fixedClock(MORNING);
    r = await startReplicas(2, {
      clock,
      seed: async (s) => {
        await s.putProject(project('slack', 'C0CRASH'));
        // A replica claimed today's post at 09:05 and died before sending it.
        expect(await s.claimPost('slack:C0CRASH', '2026-09-29', clock.now(), 600_000)).toBe('claimed');
      },
    });
    const rr = r;
    clock.advance(60_000);
    await Promise.all([rr.runJob(0), rr.runJob(1)]);
    await rr.idle();
    expect(rr.slack.sent()).toHaveLength(0); // the claim is fresh: someone may still be sending

    clock.advance(10 * 60_000); // now it is stale
    const results = await Promise.all([rr.runJob(0), rr.runJob(1), rr.runJob(0), rr.runJob(1)].map(async (p) => ((await (await p).json()) as { results: { outcome: string }[] }).results[0]!.outcome));
    await rr.idle();
    expect(results.filter((x: string) => x === 'posted')).toHaveLength(1);
    expect(rr.slack.sent().filter((c) => c.api === 'chat.postMessage')).toHaveLength(1);
    expect(await rr.store.getPost('slack:C0CRASH', '2026-09-29')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('answers a redelivered event once when the retry reaches another replica', async () => {
    r = await startReplicas(2);
    const rr = r;
    const Q = '@bot 培训人数多怎么办';
    // Slack: the first delivery to replica 0; its retries to replica 1, one of them at the same moment.
    const ev = slackEvent({ text: Q, eventId: 'EvREPLICA1' });
    await rr.postSlack(0, ev);
    await Promise.all([
      rr.postSlack(1, ev, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
      rr.postSlack(0, ev, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    await rr.postSlack(1, ev, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    // Feishu: the same event_id delivered to both replicas at once, then again.
    const fe = feishuTextEvent({ text: Q, token: rr.env.FEISHU_VERIFICATION_TOKEN, eventId: 'ev_replica_1' });
    const res = await Promise.all([rr.postFeishu(0, fe), rr.postFeishu(1, fe)]);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    await rr.postFeishu(1, fe);
    await rr.idle();
    expect(rr.slack.sent().filter((c) => c.api === 'chat.postMessage')).toHaveLength(1);
    expect(rr.feishu.sent().filter((c) => c.kind === 'reply')).toHaveLength(1);
  });

  it('records concurrent confirms of the same and of different items, each item once, across replicas', async () => {
    const holders: Record<Role | 'anyone', string> = { 'customer-lead': 'U0LEAD', 'vendor-pm': 'U0PM', 'it-lead': 'U0IT', anyone: 'U0MEMBER' };
    r = await startReplicas(2, {
      clock: fixedClock(MORNING),
      // 54 replies in one channel at once: Slack's 1/s per channel would spread them over half a
      // minute. This test is about recording each item once; pacing is tested in test/adapters/rate-limit.test.ts.
      env: { SLACK_CHAT_RATE_PER_SECOND: '0' },
      seed: (s) =>
        s.putProject(
          project('slack', 'C0SIGN', [
            { userId: 'U0LEAD', role: 'customer-lead' },
            { userId: 'U0PM', role: 'vendor-pm' },
            { userId: 'U0IT', role: 'it-lead' },
          ]),
        ),
    });
    const rr = r;
    await rr.idle();
    const posted = rr.slack.sent().filter((c) => c.api === 'chat.postMessage');
    expect(posted).toHaveLength(1); // the start-up catch-up of one of the two replicas
    const checklistTs: string = (await rr.store.latestChecklistMessage('slack:C0SIGN'))!.messageId;
    const order = (await rr.store.findChecklistMessage('slack', 'C0SIGN', checklistTs))!.items;
    expect(order.length).toBeGreaterThan(10);

    // Every item confirmed twice at the same moment by someone allowed to: once through each replica
    // (with a link for an item that requires evidence, or it would stay open).
    let n = 0;
    const sends = order.flatMap((id, i) => {
      const user = holders[template.byId.get(id)!.confirm];
      return [0, 1].map((replica) =>
        rr.postSlack(replica, slackEvent({ type: 'message', channel: 'C0SIGN', user, text: `确认 ${i + 1}${template.byId.get(id)!.evidence === 'required' ? ' https://mail.example.com/signed' : ''}`, threadTs: checklistTs, ts: `1700005000.${String(++n).padStart(6, '0')}` })),
      );
    });
    expect((await Promise.all(sends)).every((x) => x.status === 200)).toBe(true);
    await rr.idle();

    const all = await rr.store.listSignoffs('slack:C0SIGN');
    // Evidence kept with a confirm is its own event: each piece once, for the confirm that was written.
    const attached = all.filter((e) => e.action === 'evidence');
    expect(new Set(attached.map((e) => `${e.evidence?.signoffSeq}|${e.evidence?.name}`)).size).toBe(attached.length);
    const trail = all.filter((e) => e.action !== 'evidence');
    expect(trail.every((e) => e.action === 'confirm')).toBe(true);
    expect(Object.fromEntries(countBy(trail, (e) => e.itemId))).toEqual(Object.fromEntries(order.map((id) => [id, 1])));
    // All confirmed: the final readiness summary goes out once, whichever replica saw the last confirm.
    const finals = rr.slack.sent().filter((c) => c.api === 'chat.postMessage' && !c.body.thread_ts);
    expect(finals).toHaveLength(2); // today's checklist and the final summary
  });
});
