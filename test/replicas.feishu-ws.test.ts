import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import type { Role } from '../src/store/store.ts';
import { FakeFeishu } from './fakes/feishu-api.ts';
import { FakeFeishuWs, type Push } from './fakes/feishu-ws.ts';
import { TEST_SECRETS } from './helpers/app.ts';
import { spawnBot, type BotProcess } from './helpers/child.ts';
import { feishuCardAction, feishuTextEvent } from './helpers/feishu.ts';
import { PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';
import { startReplicas, type Replicas } from './helpers/replicas.ts';
import { template } from './support/checklist-world.ts';
import { shanghaiProject } from './support/fixtures.ts';

/**
 * Feishu's long connection in cluster mode: each replica holds a connection of the same
 * app, Feishu pushes each event to ONE of them and pushes it again (possibly to another)
 * when no answer came within its deadline. What the people in the chat must see: every
 * question answered once, every confirm recorded once, nothing lost.
 */

// 09:05 in Shanghai on Tuesday 2026-09-29, a working day three weeks before go-live.
const MORNING = '2026-09-29T01:05:00Z';
const Q = '@bot 培训人数多怎么办';
const token = TEST_SECRETS.FEISHU_VERIFICATION_TOKEN;
const holders: Record<Role | 'anyone', string> = { 'customer-lead': 'ou_lead', 'vendor-pm': 'ou_pm', 'it-lead': 'ou_it', anyone: 'ou_member' };

const countBy = <T,>(xs: T[], key: (x: T) => string) => xs.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const question = (id: string) => feishuTextEvent({ text: Q, token, chatId: 'oc_questions', messageId: `om_${id}`, eventId: `ev_${id}`, senderId: `ou_${id}` });
const clicksOf = (events: { question?: string; confirm?: string }[]) => events.filter((x) => !x.question && !x.confirm).length;
/** Replies per message replied to. */
const repliesTo = (feishu: FakeFeishu) => countBy(feishu.sent().filter((c) => c.kind === 'reply'), (c) => c.messageId!);

describe.skipIf(PG_SKIP)('Feishu long connection (FEISHU_MODE=ws), several replicas on one PostgreSQL database', () => {
  beforeAll(assertPostgresReachable);

  let r: Replicas | undefined;
  let ws: FakeFeishuWs | undefined;
  afterEach(async () => {
    await r?.close();
    await ws?.stop();
    r = ws = undefined;
  });

  it('answers each question and records each confirm once while events are pushed to one replica, pushed again to another after a late answer, and a connection drops', { timeout: 60_000 }, async () => {
    const CHAT = 'oc_cluster';
    ws = await new FakeFeishuWs({ deadlineMs: 300 }).start();
    r = await startReplicas(3, {
      feishuWs: ws,
      env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' },
      clock: fixedClock(MORNING),
      seed: (s) =>
        s.putProject(
          shanghaiProject({
            id: `feishu:${CHAT}`,
            chatId: CHAT,
            roles: [
              { userId: holders['customer-lead'], role: 'customer-lead' },
              { userId: holders['vendor-pm'], role: 'vendor-pm' },
              { userId: holders['it-lead'], role: 'it-lead' },
            ],
          }),
        ),
    });
    const rr = r;
    const fws = ws;
    await fws.waitConnections(3);
    await rr.idle();
    // Today's checklist, posted once by the start-up catch-up of one of the three.
    expect(rr.feishu.sent().filter((c) => c.kind === 'create')).toHaveLength(1);
    const checklist = (await rr.store.latestChecklistMessage(`feishu:${CHAT}`))!.messageId;
    const order = (await rr.store.findChecklistMessage('feishu', CHAT, checklist))!.items;
    expect(order.length).toBeGreaterThan(10);

    // Every item confirmed by someone allowed to: odd numbers by a reply under the checklist,
    // even numbers by the card's button; and questions in between.
    const events: { payload: unknown; question?: string; confirm?: string }[] = [];
    order.forEach((id, i) => {
      const n = i + 1;
      const user = holders[template.byId.get(id)!.confirm];
      if (n % 2)
        events.push({ confirm: `om_confirm_${n}`, payload: feishuTextEvent({ text: `确认 ${n}${template.byId.get(id)!.evidence === 'required' ? ' https://mail.example.com/signed' : ''}`, token, chatId: CHAT, senderId: user, parentId: checklist, rootId: checklist, messageId: `om_confirm_${n}`, eventId: `ev_confirm_${n}` }) });
      else events.push({ payload: feishuCardAction({ value: { type: 'confirm', item: n }, token, messageId: checklist, chatId: CHAT, userId: user, eventId: `ev_click_${n}` }) });
      if (n % 2) events.push({ question: `om_q${n}`, payload: question(`q${n}`) });
    });

    // Pushed 5 ms apart, all in flight together. Every third event's first answer counts as
    // late (one more push, to another replica), every seventh's first two; halfway through,
    // an event is pushed to the first connection and that connection drops at once.
    const victim = fws.connections()[0]!;
    const deliveries: Promise<Push[]>[] = [];
    for (const [i, e] of events.entries()) {
      if (i === Math.floor(events.length / 2)) {
        deliveries.push(fws.deliver(e.payload, { to: victim }));
        fws.cut(victim);
      } else deliveries.push(fws.deliver(e.payload, { late: i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0 }));
      await sleep(5);
    }
    const pushes = await Promise.all(deliveries);
    await fws.waitConnections(3); // the dropped replica reconnected by itself
    await rr.idle();

    // Feishu got its answer for every event in the end, after pushing some of them again.
    expect(pushes.every((p) => p.at(-1)!.outcome === 'ok')).toBe(true);
    const again = pushes.filter((p) => p.length > 1);
    expect(again.length).toBeGreaterThan(events.length / 3);
    expect(again.every((p) => p[0]!.conn !== p[1]!.conn)).toBe(true);
    expect(pushes.some((p) => p[0]!.outcome === 'unanswered')).toBe(true);
    const asked = events.filter((x) => x.question).length;
    console.log(`long connection, 3 replicas: ${asked} questions, ${order.length} confirms (${order.length - clicksOf(events)} by reply, ${clicksOf(events)} by button); ${again.length} events pushed again to another replica, ${pushes.flat().length} pushes in all`);

    // Each question and each reply-confirm answered once in its thread; one "已确认" per click.
    const replies = repliesTo(rr.feishu);
    for (const e of events.filter((x) => x.question)) expect(replies.get(e.question!), e.question).toBe(1);
    for (const e of events.filter((x) => x.confirm)) expect(replies.get(e.confirm!), e.confirm).toBe(1);
    const clicks = clicksOf(events);
    const onCard = rr.feishu.sent().filter((c) => c.kind === 'reply' && c.messageId === checklist);
    expect(onCard).toHaveLength(clicks);
    expect(onCard.every((c) => JSON.stringify(c.card).includes('已确认'))).toBe(true);

    // The audit trail: each item once, through the way it was confirmed.
    const all = await rr.store.listSignoffs(`feishu:${CHAT}`);
    // Evidence kept with a confirm is its own event: each piece once, for the confirm that was written.
    const attached = all.filter((e) => e.action === 'evidence');
    expect(new Set(attached.map((e) => `${e.evidence?.signoffSeq}|${e.evidence?.name}`)).size).toBe(attached.length);
    const trail = all.filter((e) => e.action !== 'evidence');
    expect(trail.every((e) => e.action === 'confirm')).toBe(true);
    expect(Object.fromEntries(countBy(trail, (e) => `${e.itemId}|${e.via}`))).toEqual(Object.fromEntries(order.map((id, i) => [`${id}|${(i + 1) % 2 ? 'reply' : 'button'}`, 1])));
    // All confirmed: the final readiness summary went out once.
    expect(rr.feishu.sent().filter((c) => c.kind === 'create' && c.body.receive_id === CHAT)).toHaveLength(2);
  });
});

/**
 * The bot as real processes (src/main.ts), so a replica can be frozen (SIGSTOP: a long GC
 * pause, a starved VM) and killed (SIGKILL) while Feishu's pushes to it are in flight.
 */
describe.skipIf(PG_SKIP)('Feishu long connection: a replica stalls or dies while events are pushed to it', () => {
  const schemas: string[] = [];
  let feishu: FakeFeishu;
  let ws: FakeFeishuWs;
  let env: Record<string, string>;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    await assertPostgresReachable();
    feishu = await FakeFeishu.start();
    ws = await new FakeFeishuWs().start(); // Feishu's 3 s deadline
    feishu.wsUrl = ws.url;
    const schema = freshSchema('fws');
    schemas.push(schema);
    env = {
      FEISHU_APP_ID: TEST_SECRETS.FEISHU_APP_ID,
      FEISHU_APP_SECRET: TEST_SECRETS.FEISHU_APP_SECRET,
      FEISHU_VERIFICATION_TOKEN: TEST_SECRETS.FEISHU_VERIFICATION_TOKEN,
      FEISHU_ENCRYPT_KEY: TEST_SECRETS.FEISHU_ENCRYPT_KEY,
      FEISHU_DOMAIN: feishu.url,
      FEISHU_MODE: 'ws',
      DATABASE_URL: urlWithSchema(schema),
      DATA_DIR: 'data',
      // How long an acknowledged but unfinished event stays with the replica that took it.
      INBOX_LEASE_SECONDS: '5',
    };
  });
  afterAll(async () => {
    for (const b of bots) await b.stop().catch(() => {});
    await ws?.stop();
    await feishu?.stop();
    await dropSchemas(schemas);
  });

  /** Starts a replica and returns it with the id of the connection it opened. */
  async function replica(): Promise<{ bot: BotProcess; conn: number }> {
    const before = new Set(ws.connections());
    const bot = await spawnBot(env);
    bots.push(bot);
    const opened = () => ws.connections().find((c) => !before.has(c));
    for (let waited = 0; !opened(); waited += 20) {
      if (waited > 20_000) throw new Error(`the replica opened no long connection; it said:\n${bot.output.join('')}`);
      await sleep(20);
    }
    return { bot, conn: opened()! };
  }

  /** Waits until each question was answered at least once, then a little longer for repeats. */
  async function answered(ids: string[], timeoutMs = 10_000): Promise<Map<string, number>> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && !ids.every((id) => repliesTo(feishu).get(`om_${id}`))) await sleep(50);
    await sleep(1000);
    return repliesTo(feishu);
  }

  it('a frozen replica: its events go to the other after the deadline; when it wakes it does not answer them again; killed while frozen it loses none', { timeout: 120_000 }, async () => {
    const a = await replica();
    const b = await replica();

    // Frozen: the pushes to it get no answer, Feishu pushes them to the other replica.
    a.bot.proc.kill('SIGSTOP');
    const stalled = Array.from({ length: 8 }, (_, i) => `stall${i}`);
    const p1 = await Promise.all(stalled.map((id, i) => ws.deliver(question(id), { to: i % 2 ? a.conn : b.conn })));
    expect(p1.filter((p) => p[0]!.conn === a.conn).every((p) => p[0]!.outcome === 'unanswered')).toBe(true);
    expect(p1.every((p) => p.at(-1)!.outcome === 'ok' && p.at(-1)!.conn === b.conn)).toBe(true);
    // It wakes, finds the frames waiting and answers them (too late for Feishu).
    a.bot.proc.kill('SIGCONT');
    const waiting = p1.flat().filter((x) => x.conn === a.conn).length;
    const lateFromA = () => ws.lateAnswers.filter((x) => x.conn === a.conn).length;
    for (let waited = 0; lateFromA() < waiting && waited < 10_000; waited += 50) await sleep(50);
    expect(lateFromA()).toBe(waiting);
    const after1 = await answered(stalled);
    for (const id of stalled) expect(after1.get(`om_${id}`), id).toBe(1);
    console.log(`long connection, frozen replica: ${waiting} pushes to it unanswered, all answered late when it woke, each question answered once`);

    // Frozen again, and killed with pushes to it in flight.
    a.bot.proc.kill('SIGSTOP');
    const dying = Array.from({ length: 8 }, (_, i) => `dying${i}`);
    const p2 = dying.map((id, i) => ws.deliver(question(id), { to: i % 2 ? a.conn : b.conn }));
    await a.bot.kill9();
    expect((await Promise.all(p2)).every((p) => p.at(-1)!.outcome === 'ok' && p.at(-1)!.conn === b.conn)).toBe(true);
    const after2 = await answered(dying);
    for (const id of dying) expect(after2.get(`om_${id}`), id).toBe(1);
    await b.bot.stop();
  });

  it('a replica killed right after it acknowledged a burst: none of the questions is lost; only one it had already answered may be answered again', { timeout: 120_000 }, async () => {
    const a = await replica();
    const b = await replica();
    // Feishu never pushes an acknowledged event again: what the dead replica had
    // acknowledged but not yet answered is the bot's to keep.
    const burst = Array.from({ length: 30 }, (_, i) => `burst${i}`);
    const pushes = await Promise.all(burst.map((id) => ws.deliver(question(id), { to: a.conn })));
    await a.bot.kill9();
    expect(pushes.every((p) => p.length === 1 && p[0]!.outcome === 'ok')).toBe(true);
    await sleep(300); // its last requests, already on the wire, reach the fake API
    const byA = new Set(burst.filter((id) => repliesTo(feishu).get(`om_${id}`)));
    // Replaced, as an orchestrator would.
    await replica();
    const after = await answered(burst, 30_000);
    const lost = burst.filter((id) => !after.get(`om_${id}`));
    const twice = burst.filter((id) => after.get(`om_${id}`)! > 1);
    console.log(`long connection, kill -9 after acknowledging ${burst.length}: ${byA.size} answered before it died, ${burst.length - lost.length} answered in the end, ${twice.length} twice`);
    expect(lost).toEqual([]);
    // At least once: one that was answered but not yet marked done when the replica died
    // is handled again. Nothing else comes twice, nothing three times.
    expect(twice.filter((id) => !byA.has(id))).toEqual([]);
    expect(burst.every((id) => after.get(`om_${id}`)! <= 2)).toBe(true);
    await b.bot.stop();
  });
});
