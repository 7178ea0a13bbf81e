import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { processContext } from '../../src/cli/context.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { PG_SKIP, assertPostgresReachable } from '../helpers/postgres.ts';
import { startReplicas, type Replicas } from '../helpers/replicas.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

// Not answered confidently today (the bot offers 5.2-12); its owner says it is 5.2-11.
const MISS = '课一直开不起来咋整';
const RIGHT = '5.2-11';

/** The text of every block of a Slack message, for what a person reads. */
const shown = (m: { blocks?: unknown; body: Record<string, unknown> }) => JSON.stringify(m.blocks ?? m.body.text);
const buttonValues = (m: { blocks?: unknown }) => [...JSON.stringify(m.blocks).matchAll(/"value":"((?:[^"\\]|\\.)*)"/g)].map((x) => JSON.parse(JSON.parse(`"${x[1]}"`)));

async function cli(env: Record<string, string>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { ...processContext({ ...process.env, ...env }), out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
  const status = await runCli(args, ctx);
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('the review loop through Slack (one bot, lowdb)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
  });
  afterAll(() => t.close());
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 100));
    await t.idle();
    return t.slack.sent();
  };

  it('keeps a miss, asks a 👎 voter why, and after the owner accepts the question answers it with the rule', async () => {
    const store = t.app.bot.deps.store;
    const versionBefore = t.app.bot.deps.rulebook.version;
    await t.postSlack(slackEvent({ text: `@bot ${MISS}`, user: 'U0ASKER' }));
    const [miss] = await settle();
    expect(shown(miss!)).not.toContain('单场培训'); // a "did you mean", not an answer
    const [kept] = await store.listReview(['open']);
    expect(kept).toMatchObject({ question: MISS, reason: 'unsure', platform: 'slack', projectId: 'slack:C0GROUP1', userId: 'U0ASKER' });

    // 👎 on an answer: the voter is asked why, with four buttons.
    t.slack.reset();
    const down = { type: 'feedback', vote: 'down', id: '5.2-12', question: '培训后还要我们驻场' };
    await t.postSlack(slackAction({ value: JSON.stringify(down), messageTs: '1700000100.000050', user: 'U0VOTER' }));
    const [why] = await settle();
    expect(shown(why!)).toContain('哪里不对');
    const reasons = buttonValues(why!);
    expect(reasons.map((v) => v.reason)).toEqual(['wrong-rule', 'unclear', 'outdated', 'other']);
    // The same person's 👎 again on the same answer is still one vote: not asked again, not kept twice.
    t.slack.reset();
    await t.postSlack(slackAction({ value: JSON.stringify(down), messageTs: '1700000100.000050', user: 'U0VOTER' }));
    expect(await settle()).toEqual([]);
    expect((await store.listFeedback()).filter((f) => f.userId === 'U0VOTER')).toHaveLength(1);
    expect((await store.listReview(['open'])).filter((r) => r.reason === 'down')).toHaveLength(1);
    const voted = (await store.listReview(['open'])).find((r) => r.reason === 'down')!;
    expect(voted).toMatchObject({ ruleId: '5.2-12', question: '培训后还要我们驻场', userId: 'U0VOTER' });

    // Someone else cannot pick the voter's reason; the voter can, and the card says what was noted.
    t.slack.reset();
    await t.postSlack(slackAction({ value: JSON.stringify(reasons[1]), messageTs: '1700000100.000051', user: 'U0OTHER' }));
    expect(shown((await settle())[0]!)).toContain('只有投 👎 的人可以选原因');
    t.slack.reset();
    await t.postSlack(slackAction({ value: JSON.stringify(reasons[0]), messageTs: '1700000100.000051', user: 'U0VOTER' }));
    const [noted] = await settle();
    expect(noted!.api).toBe('chat.update');
    expect(shown(noted!)).toContain('已记下原因：答错了规则');
    expect((await store.listReview(['open'])).find((r) => r.id === voted.id)!.downReason).toBe('wrong-rule');

    // The owner accepts the miss as a question of 5.2-11: the next time it is answered, citing a new version.
    await store.decideReview([kept!.id], { status: 'accepted', ruleId: RIGHT, by: 'owner', at: new Date().toISOString() });
    await t.app.bot.deps.live!.refresh();
    expect(t.app.bot.deps.rulebook.version).not.toBe(versionBefore);
    t.slack.reset();
    await t.postSlack(slackEvent({ text: `@bot ${MISS}`, user: 'U0ASKER2' }));
    const [answer] = await settle();
    expect(shown(answer!)).toContain(RIGHT);
    expect(shown(answer!)).toContain('尽可能沟通了解不安排培训的原因');
    expect(shown(answer!)).toContain(t.app.bot.deps.rulebook.version);
  });
});

describe.skipIf(PG_SKIP)('the review loop with two replicas and the CLI (PostgreSQL)', () => {
  let r: Replicas | undefined;
  beforeAll(assertPostgresReachable);
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  it('a miss on one replica, accepted with `cli review accept`, is answered by the other without a restart', async () => {
    r = await startReplicas(2, { env: { REVIEW_REFRESH_SECONDS: '0.2' } });
    const rr = r;
    const env = { DATABASE_URL: rr.databaseUrl, DATA_DIR: 'data' };
    await rr.postSlack(0, slackEvent({ text: `@bot ${MISS}` }));
    await rr.idle();

    const list = await cli(env, ['review', '--json']);
    expect(list.status).toBe(0);
    const groups = list.out.split('\n').map((l) => JSON.parse(l));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ question: MISS, count: 1, now: { id: null } });
    expect(list.out).not.toContain('U0USER1'); // the reviewer sees questions, not askers

    const bad = await cli(env, ['review', 'accept', String(groups[0].ids[0]), '--rule', '5.2-99']);
    expect([bad.status, bad.err]).toEqual([2, '5.2-99 is not in the rulebook (ids look like 5.2 or 5.2-10)']);
    const ok = await cli(env, ['review', 'accept', String(groups[0].ids[0]), '--rule', RIGHT, '--by', 'owner']);
    expect(ok.status).toBe(0);
    expect((await cli(env, ['review', 'accept', String(groups[0].ids[0]), '--rule', RIGHT])).status).toBe(1); // decided already

    await new Promise((res) => setTimeout(res, 600)); // both replicas re-read the decisions
    rr.slack.reset();
    await rr.postSlack(1, slackEvent({ text: `@bot ${MISS}` }));
    await rr.idle();
    const [answer] = rr.slack.sent().filter((c) => c.api === 'chat.postMessage');
    expect(shown(answer!)).toContain(RIGHT);

    const patch = await cli(env, ['review', 'export']);
    expect(patch.out).toContain(`"${RIGHT}":\n  questions:\n    zh:\n      - "${MISS}"`);
    expect((await cli(env, ['review'])).out).toBe('the review queue is empty');
  });
});
