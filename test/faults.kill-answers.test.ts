import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFeishu } from './fakes/feishu-api.ts';
import type { RecordedCall } from './fakes/recorder.ts';
import { FakeSlack } from './fakes/slack-api.ts';
import { TEST_SECRETS } from './helpers/app.ts';
import { spawnBot, type BotProcess } from './helpers/child.ts';
import { feishuRequest, feishuTextEvent } from './helpers/feishu.ts';
import { PG_SKIP, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';
import { slackEvent, slackHeaders } from './helpers/slack.ts';

/**
 * "Nothing acknowledged is ever lost": questions that got their HTTP 200 but whose answers
 * had not reached the platform when the bot was killed with kill -9 are answered after the
 * restart, each exactly once. The platforms hold the answers (slow to respond) until the kill,
 * so every question is acknowledged and none answered at that moment.
 */
const N = 15; // questions per platform
const Q = '@bot 培训人数多怎么办';
const isSlackPost = (c: RecordedCall) => c.path === '/api/chat.postMessage';
const isFeishuReply = (c: RecordedCall) => /\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/.test(c.path);

// Older than the fake's answers (1700000100.n): a reply is newer than its question.
const slackTs = (i: number) => `1700000000.${String(i).padStart(6, '0')}`;
// Unique per run, as Feishu's message ids are: the bot keys its sends (uuid) by the message.
const feishuId = (run: string, i: number) => `om_killq_${run}_${i}`;

function requests(run: string) {
  const slack = Array.from({ length: N }, (_, i) => {
    const body = JSON.stringify(slackEvent({ text: Q, channel: `C0KQ${i % 3}`, eventId: `EvKQ${run}${i}`, ts: slackTs(i) }));
    return { path: '/slack/events', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, body), body };
  });
  const feishu = Array.from({ length: N }, (_, i) => {
    const r = feishuRequest(feishuTextEvent({ text: Q, token: TEST_SECRETS.FEISHU_VERIFICATION_TOKEN, eventId: `ev_kq_${run}_${i}`, messageId: feishuId(run, i), chatId: `oc_kq${i % 3}` }), { encryptKey: TEST_SECRETS.FEISHU_ENCRYPT_KEY });
    return { path: '/feishu/events', headers: r.headers, body: r.body };
  });
  return [...slack, ...feishu];
}

let slack: FakeSlack;
let feishu: FakeFeishu;
const schemas: string[] = [];
beforeAll(async () => {
  slack = await FakeSlack.start();
  feishu = await FakeFeishu.start();
});
afterAll(async () => {
  await slack?.stop();
  await feishu?.stop();
  await dropSchemas(schemas);
});

/** Answers that reached each platform, by the question they answer. */
function answers(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (k: string, text: string) => out.set(k, [...(out.get(k) ?? []), text]);
  for (const c of slack.sent()) if (c.api === 'chat.postMessage' && typeof c.body.thread_ts === 'string') add(`slack ${c.body.thread_ts}`, JSON.stringify(c.blocks));
  for (const c of feishu.sent()) if (c.kind === 'reply') add(`feishu ${/messages\/([^/]+)\/reply/.exec(c.path)![1]}`, JSON.stringify(c.card));
  return out;
}

const stores = [
  { name: 'lowdb', skip: false, env: (): Record<string, string> => ({ DB_FILE: join(mkdtempSync(join(tmpdir(), 'killq-')), 'db.json') }) },
  {
    name: 'PostgreSQL',
    skip: PG_SKIP,
    env: (): Record<string, string> => {
      const s = freshSchema('killq');
      schemas.push(s);
      return { DATABASE_URL: urlWithSchema(s) };
    },
  },
];

/** Questions sent, acknowledged, answers held by the platforms, kill -9, restart: the answers seen afterwards. */
async function killAndRestart(s: (typeof stores)[number], held: { afterAnswer: boolean }): Promise<{ got: Map<string, string[]>; want: string[]; beforeKill: number }> {
  slack.reset();
  feishu.calls.length = 0;
  // PostgreSQL: another process may still hold an unfinished event, so it waits out the lease (1 s here).
  const env = { ...TEST_SECRETS, FEISHU_DOMAIN: feishu.url, SLACK_API_URL: slack.apiUrl, DATA_DIR: 'data', INBOX_LEASE_SECONDS: '1', ...s.env() };
  let bot: BotProcess = await spawnBot(env);
  slack.hold(isSlackPost, held);
  feishu.hold(isFeishuReply, held);
  const run = `${s.name}${held.afterAnswer}`;
  const statuses = await Promise.all(
    requests(run).map(async (r) => {
      const res = await fetch(`${bot.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  expect(statuses.every((x) => x === 200)).toBe(true);
  // At least one answer is on its way when the bot dies.
  await slack.waitFor((c) => isSlackPost(c), 1, 10_000);
  await bot.kill9();
  slack.dropHeld();
  feishu.dropHeld();
  const beforeKill = answers().size;

  bot = await spawnBot(env);
  try {
    const want = [...Array.from({ length: N }, (_, i) => `slack ${slackTs(i)}`), ...Array.from({ length: N }, (_, i) => `feishu ${feishuId(run, i)}`)];
    const deadline = Date.now() + 30_000;
    while (want.some((k) => !answers().has(k)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000)); // room for a duplicate to show up
    return { got: answers(), want, beforeKill };
  } finally {
    await bot.stop();
  }
}

describe('kill -9 after acknowledging a burst of questions', () => {
  for (const s of stores) {
    it.skipIf(s.skip)(`answers every acknowledged question once after the restart (${s.name})`, { timeout: 90_000 }, async () => {
      const { got, want, beforeKill } = await killAndRestart(s, { afterAnswer: false });
      expect(beforeKill).toBe(0);
      expect(want.filter((k) => !got.has(k))).toEqual([]);
      expect(want.filter((k) => got.get(k)!.length !== 1)).toEqual([]);
      // The real answer, with its rule, not a placeholder.
      for (const k of want) expect(got.get(k)![0]).toContain('5.2-10');
      console.log(`kill -9 (${s.name}): ${want.length} questions acknowledged, none answered before the kill, all ${want.length} answered once after the restart`);
    });

    // The window left: the platform took the answer, the bot died before it heard back.
    it.skipIf(s.skip)(`answers sent just before the kill are shown once (Feishu: same uuid; Slack: found by their metadata) (${s.name})`, { timeout: 90_000 }, async () => {
      const { got, want } = await killAndRestart(s, { afterAnswer: true });
      expect(want.filter((k) => !got.has(k))).toEqual([]);
      expect(want.filter((k) => got.get(k)!.length !== 1)).toEqual([]);
      const lookups = slack.calls.filter((c) => c.path === '/api/conversations.replies').length;
      expect(lookups).toBeGreaterThan(0);
      console.log(`kill -9 after the platform took the answers (${s.name}): all ${want.length} shown once; Slack looked ${lookups} times for an earlier answer`);
    });
  }
});
