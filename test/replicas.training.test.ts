import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import { verifyChain } from '../src/store/chain.ts';
import { feishuCardAction, feishuRequest, feishuTextEvent } from './helpers/feishu.ts';
import { PG_SKIP, assertPostgresReachable } from './helpers/postgres.ts';
import { REPLICA_ADMIN_TOKEN, startReplicas, type Replicas } from './helpers/replicas.ts';
import { decideCreate, decideSignUp, type TrainingDecision } from '../src/training/decide.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { loadExamBanks } from '../src/training/exam.ts';
import { Session } from '../src/training/model.ts';

// 09:05 in Shanghai on Tuesday 2026-09-29; the session is in December.
const MORNING = '2026-09-29T01:05:00Z';

let r: Replicas | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe.skipIf(PG_SKIP)('training sign-up on two replicas of one PostgreSQL', () => {
  beforeAll(assertPostgresReachable);

  it('gives the last seat to exactly one of the people clicking 报名 at once on different replicas; the rest are waitlisted', async () => {
    const chatId = 'oc_train_rep';
    const projectId = `feishu:${chatId}`;
    r = await startReplicas(2, {
      clock: fixedClock(MORNING),
      seed: async (s) => {
        await s.putProject(shanghaiProject({ id: projectId, chatId, goLive: '2026-12-20', roles: [{ userId: 'ou_pm', role: 'vendor-pm', declared: true }] }));
      },
    });
    const rr = r;
    const token = rr.env.FEISHU_VERIFICATION_TOKEN;
    // Signed at the fake clock's time (Replicas.postFeishu signs at the real one).
    const post = (i: number, payload: unknown) => {
      const q = feishuRequest(payload, { encryptKey: rr.env.FEISHU_ENCRYPT_KEY, timestamp: Math.floor(Date.parse(MORNING) / 1000) });
      return fetch(`${rr.apps[i]!.url}/feishu/events`, { method: 'POST', headers: q.headers, body: q.body });
    };
    await post(0, feishuTextEvent({ text: '@bot 新建培训 12-10 14:00-16:00 关键用户 上限3 地点 三楼会议室', token, chatId, senderId: 'ou_pm' }));
    await rr.idle();
    const card = rr.feishu.sent().find((c) => c.kind === 'create' && JSON.stringify(c.card).includes('培训报名 #1'))!;
    const cardId: string = card.response.data.message_id;
    const signup = { type: 'training', op: 'signup', no: 1 };
    const click = (i: number, userId: string) => post(i, feishuCardAction({ value: signup, token, messageId: cardId, chatId, userId }));

    // Two seats taken, one by each replica.
    for (const [i, u] of [[0, 'ou_s0'], [1, 'ou_s1']] as const) {
      expect((await click(i, u)).status).toBe(200);
      await rr.idle();
    }
    // Eight people for the last seat, alternating replicas, all at once.
    const racers = Array.from({ length: 8 }, (_, i) => `ou_race${i}`);
    const res = await Promise.all(racers.map((u, i) => click(i % 2, u)));
    expect(res.map((x) => x.status)).toEqual(racers.map(() => 200));
    await rr.idle();

    const s = (await rr.store.getSession(projectId, 1))!;
    expect(s.signedUp).toHaveLength(3);
    expect(s.waitlist).toHaveLength(7);
    expect(new Set([...s.signedUp, ...s.waitlist])).toEqual(new Set(['ou_s0', 'ou_s1', ...racers]));
    // Each racer was told one thing: one seat, seven waitlist places 1–7.
    const replies = rr.feishu.sent().filter((c) => c.kind === 'reply').map((c) => JSON.stringify(c.card));
    expect(replies.filter((x) => x.includes('座位 3/3'))).toHaveLength(1);
    const places = replies.flatMap((x) => [...x.matchAll(/在候补第 \*\*(\d)\*\* 位/g)].map((m) => Number(m[1]))).sort();
    expect(places).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The trail says the same, and the chain holds across the two writers.
    const trail = await rr.store.listSignoffs(projectId);
    expect(trail.filter((e) => e.action === 'training-signup')).toHaveLength(3);
    expect(trail.filter((e) => e.action === 'training-waitlist')).toHaveLength(7);
    expect(verifyChain(projectId, trail)).toMatchObject({ ok: true, events: 11 });
  });
});

describe.skipIf(PG_SKIP)('training reminders and the 5.3-5 warning on two replicas of one PostgreSQL', () => {
  beforeAll(assertPostgresReachable);

  it('posts each reminder and the warning once, however many runs of both replicas race for it, and records each once', async () => {
    const chatId = 'oc_train_notice';
    const projectId = `feishu:${chatId}`;
    const clock = fixedClock(MORNING);
    const st = { at: '2026-09-29T09:05:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_seed', text: 'seed' };
    r = await startReplicas(2, {
      clock,
      seed: async (s) => {
        const p = shanghaiProject({ id: projectId, chatId, goLive: '2026-12-20', roles: [{ userId: 'ou_pm', role: 'vendor-pm', declared: true }, { userId: 'ou_lead', role: 'customer-lead', declared: true }] });
        await s.putProject(p);
        const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });
        const made = await s.addSession(p.id, (no) => write(decideCreate(p, no, { date: '2026-12-10', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: '三楼' }, capacity: 5 }, { id: 'ou_pm' }, st, { isWorkingDay: () => true }, '2026-09-29T09:05')));
        for (const u of ['ou_s1', 'ou_s2']) await s.changeSession(p.id, made.session!.no, (x) => write(decideSignUp(p, x, { id: u }, st, '2026-09-29T09:05')));
      },
    });
    const rr = r;
    const race = async () => {
      const res = await Promise.all([0, 1, 0, 1].map((i) => fetch(`${rr.apps[i]!.url}/admin/jobs/training-notices`, { method: 'POST', headers: { authorization: `Bearer ${REPLICA_ADMIN_TOKEN}` } })));
      expect(res.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      const bodies = (await Promise.all(res.map((x) => x.json()))) as { results: { outcome: string }[] }[];
      const outcomes = bodies.flatMap((b) => b.results.map((o) => o.outcome));
      expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
      await rr.idle();
    };
    const posted = (title: string) => rr.feishu.sent().filter((c) => c.kind === 'create' && JSON.stringify(c.card).includes(title));

    clock.set('2026-12-09T01:00:00Z'); // 09:00 the day before
    await race();
    await race();
    expect(posted('培训提醒 #1')).toHaveLength(1);
    expect(JSON.stringify(posted('培训提醒 #1')[0]!.card)).toContain('<at id=ou_s1></at> <at id=ou_s2></at>');
    clock.set('2026-12-10T05:00:00Z'); // 13:00, an hour before
    await race();
    await race();
    expect(posted('培训提醒 #1')).toHaveLength(2);
    clock.set('2026-12-10T06:15:00Z'); // 14:15: nobody from the customer's management checked in
    await race();
    await race();
    expect(posted('5.3-5')).toHaveLength(1);

    const s = (await rr.store.getSession(projectId, 1))!;
    expect(s.notices.map((n) => n.kind)).toEqual(['remind-day', 'remind-hour', 'manager-absent']);
    const trail = await rr.store.listSignoffs(projectId);
    expect(trail.filter((e) => e.action === 'training-remind').map((e) => e.detail)).toEqual(['提前一天提醒,提及 2 人', '开始前一小时提醒,提及 2 人']);
    expect(trail.filter((e) => e.action === 'training-warn')).toHaveLength(1);
    for (const n of s.notices) expect(await rr.store.getPost(projectId, n.slot)).toMatchObject({ status: 'sent', messageId: n.messageId });
    expect(verifyChain(projectId, trail)).toMatchObject({ ok: true });
  });
});

describe.skipIf(PG_SKIP)('exam answers on two replicas of one PostgreSQL', () => {
  beforeAll(assertPostgresReachable);

  it('keeps every answer when eight people answer five questions at once through both replicas', async () => {
    const chatId = 'oc_exam_rep';
    const projectId = `feishu:${chatId}`;
    const bank = loadExamBanks('data/training')[0]!;
    const people = Array.from({ length: 8 }, (_, i) => `ou_e${i}`);
    r = await startReplicas(2, {
      clock: fixedClock(MORNING),
      seed: async (s) => {
        await s.putProject(shanghaiProject({ id: projectId, chatId, goLive: '2026-12-20', roles: [{ userId: 'ou_pm', role: 'vendor-pm', declared: true }] }));
        // A held session everyone checked in to, its exam open (written as the decisions write them).
        await s.addSession(projectId, (no) => ({
          result: no,
          session: Session.parse({
            id: `${projectId}#${no}`, projectId, no, title: '关键用户培训', audience: 'key-users', delivery: { kind: 'onsite', place: 'A' }, start: '2026-09-29T08:00', end: '2026-09-29T09:00', trainer: 'vendor', capacity: 10,
            signedUp: people, checkIns: people.map((userId) => ({ userId, kind: 'check-in', at: '2026-09-29T07:55:00+08:00', signedUp: true })),
            exam: { bank, startedBy: 'ou_pm', startedAt: '2026-09-29T09:00:00+08:00', answers: {} },
          }),
        }));
      },
    });
    const rr = r;
    const token = rr.env.FEISHU_VERIFICATION_TOKEN;
    const post = (i: number, payload: unknown) => {
      const q = feishuRequest(payload, { encryptKey: rr.env.FEISHU_ENCRYPT_KEY, timestamp: Math.floor(Date.parse(MORNING) / 1000) });
      return fetch(`${rr.apps[i]!.url}/feishu/events`, { method: 'POST', headers: q.headers, body: q.body });
    };
    const clicks = people.flatMap((u, k) => bank.questions.map((_, q) => ({ u, q, c: (k + q) % 2, i: (k + q) % 2 })));
    const res = await Promise.all(clicks.map(({ u, q, c, i }) => post(i, feishuCardAction({ value: { type: 'training', op: 'answer', no: 1, q, c }, token, messageId: 'om_exam_card', chatId, userId: u }))));
    expect(res.map((x) => x.status)).toEqual(clicks.map(() => 200));
    await rr.idle();
    const s = (await rr.store.getSession(projectId, 1))!;
    for (const { u, q, c } of clicks) expect(s.exam!.answers[u]![bank.questions[q]!.id]).toBe(c);
    expect(Object.keys(s.exam!.answers)).toHaveLength(people.length);
  }, 60_000);
});
