import { afterEach, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import type { RecordedCall } from '../fakes/recorder.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { slackEvent } from '../helpers/slack.ts';

/**
 * Slack has no idempotency key: when Slack posted a message but the bot never heard back
 * (a timeout, a dropped connection, a crash), the next attempt must find that message
 * instead of posting it again. Here the fake Slack posts and then drops the connection.
 */
const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const NO_FEISHU = { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' };
const isPost = (c: RecordedCall) => c.path === '/api/chat.postMessage';
const lookups = (t: TestApp) => t.slack.calls.filter((c) => c.path.startsWith('/api/conversations.'));

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The next post is made but its caller never hears back. */
async function postThenDrop(app: TestApp, before: number): Promise<void> {
  app.slack.hold(isPost, { afterAnswer: true });
  await app.slack.waitFor(isPost, before + 1, 10_000);
  app.slack.dropHeld();
}

it('answers a question once when the connection drops after Slack posted the answer (retry within the attempt)', async () => {
  t = await startTestApp({ env: NO_FEISHU });
  const app = t;
  const dropped = postThenDrop(app, 0);
  expect((await app.postSlack(slackEvent({ text: '@bot 培训人数多怎么办', ts: '1700000050.000100' }))).status).toBe(200);
  await dropped;
  await app.idle();
  const answers = app.slack.sent().filter((c) => c.body.thread_ts === '1700000050.000100');
  expect(answers).toHaveLength(1);
  expect(JSON.stringify(answers[0]!.blocks)).toContain('5.2-10');
  expect(lookups(app).map((c) => c.path)).toEqual(['/api/conversations.replies']);
});

it('answers a question once when the whole attempt failed after Slack posted (the inbox hands it out again)', { timeout: 30_000 }, async () => {
  // One try per attempt: the dropped connection fails the attempt; the inbox retries after the lease.
  t = await startTestApp({ env: { ...NO_FEISHU, INBOX_LEASE_SECONDS: '1' }, retry: { attempts: 1, baseMs: 10, maxDelayMs: 100 } });
  const app = t;
  const dropped = postThenDrop(app, 0);
  expect((await app.postSlack(slackEvent({ text: '@bot how many people per training session', ts: '1700000060.000100' }))).status).toBe(200);
  await dropped;
  await app.slack.waitFor((c) => c.path === '/api/conversations.replies', 1, 20_000);
  await app.idle();
  expect(app.logs.filter((l) => l.includes('it will be tried again'))).toHaveLength(1);
  expect(app.logs.some((l) => l.includes('an earlier attempt already sent it'))).toBe(true);
  expect(app.slack.sent().filter((c) => c.body.thread_ts === '1700000060.000100')).toHaveLength(1);
});

it("does not take another bot's message for its own earlier answer", { timeout: 30_000 }, async () => {
  t = await startTestApp({ env: { ...NO_FEISHU, INBOX_LEASE_SECONDS: '1' }, retry: { attempts: 1, baseMs: 10, maxDelayMs: 100 } });
  const app = t;
  // A staging deployment of this bot in the same channel answered the same message, with the
  // same key (platform:channel:ts:n-th send).
  const q = '1700000070.000100';
  app.slack.postAs('BSTAGING', 'C0GROUP1', { ts: '1700000099.000001', thread_ts: q, metadata: { event_type: 'oa_bot_send', event_payload: { key: `slack:C0GROUP1:${q}:1` } } });
  app.slack.failNext(isPost, 1, 500, {}, { ok: false, error: 'internal_error' });
  expect((await app.postSlack(slackEvent({ text: '@bot 培训人数多怎么办', channel: 'C0GROUP1', ts: q }))).status).toBe(200);
  await app.slack.waitSent(1, 20_000);
  await app.idle();
  expect(lookups(app).map((c) => c.path)).toEqual(['/api/conversations.replies']);
  expect(app.slack.sent().filter((c) => c.body.thread_ts === q)).toHaveLength(1);
});

it('posts the daily checklist once when the send that reached Slack failed and the next run claims it again', async () => {
  const clock = fixedClock('2026-09-29T01:00:00Z'); // 09:00 in Shanghai, a working day
  t = await startTestApp({ clock, env: { ...NO_FEISHU, ADMIN_TOKEN }, retry: { attempts: 1, baseMs: 10, maxDelayMs: 100 } });
  const app = t;
  const send = async (text: string) => {
    expect((await app.postSlack(slackEvent({ text, channel: 'C0REPEAT', user: 'U0ADMIN' }))).status).toBe(200);
    await app.idle();
  };
  await send('@bot bind project ACME go-live 2026-10-20 tz Asia/Shanghai');
  const before = app.slack.calls.filter(isPost).length;
  const runJob = async () => {
    const res = await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await res.json()) as { results: { outcome: string; messageId?: string }[] }).results[0]!;
  };

  const dropped = postThenDrop(app, before);
  const first = runJob();
  await dropped;
  expect(await first).toMatchObject({ outcome: 'failed' });
  const posted = app.slack.sent().filter((c) => c.body.channel === 'C0REPEAT' && !c.body.thread_ts);
  expect(posted).toHaveLength(1); // Slack has it, the bot does not know

  const second = await runJob();
  expect(second.outcome).toBe('posted');
  expect(lookups(app).map((c) => c.path)).toEqual(['/api/conversations.history']);
  expect(app.slack.sent().filter((c) => c.body.channel === 'C0REPEAT' && !c.body.thread_ts)).toHaveLength(1);
  // The message Slack already had is the one replies and buttons now refer to.
  expect(second.messageId).toBe(posted[0]!.response.ts);
  expect((await runJob()).outcome).toBe('already-posted');
});

/** `@bot report` in a channel it binds first. */
async function askReport(app: TestApp, ts: string): Promise<void> {
  expect((await app.postSlack(slackEvent({ text: '@bot bind project ACME OA go-live 2026-10-20 tz Asia/Shanghai', channel: 'C0UP', user: 'U0ADMIN', ts: '1700000070.000100' }))).status).toBe(200);
  await app.idle();
  expect((await app.postSlack(slackEvent({ text: '@bot report', channel: 'C0UP', user: 'U0ADMIN', ts }))).status).toBe(200);
}
const isShare = (c: RecordedCall) => c.path === '/api/files.completeUploadExternal';

it('shares a report once when the connection drops after Slack shared it: the next try finds the share in the thread', { timeout: 30_000 }, async () => {
  t = await startTestApp({ clock: fixedClock('2026-09-29T01:00:00Z'), env: { ...NO_FEISHU, ADMIN_TOKEN } });
  const app = t;
  app.slack.hold(isShare, { afterAnswer: true });
  await askReport(app, '1700000071.000100');
  await app.slack.waitFor(isShare, 1, 20_000);
  app.slack.dropHeld();
  await app.idle();
  expect(app.slack.uploads).toHaveLength(1);
  expect(app.slack.calls.filter(isShare)).toHaveLength(1);
  expect(app.logs.some((l) => l.includes('an earlier attempt already shared it'))).toBe(true);
  // Recorded as delivered, and no "upload failed" note in the thread.
  const notes = app.slack.sent().filter((c) => c.body.thread_ts === '1700000071.000100').map((c) => String(c.body.text));
  expect(notes.some((n) => /could not|failed|未能/i.test(n))).toBe(false);
});

it('an upload done again (SendOptions.retry: the event handled again after a crash) finds the earlier share instead of sharing twice', async () => {
  t = await startTestApp({ env: NO_FEISHU });
  const slack = t.app.bot.transport('slack');
  const to = { chat: { platform: 'slack' as const, chatId: 'C0UP', chatType: 'group' as const }, messageId: '1700000072.000100' };
  const file = { name: '上线前检查报告-ACME-2026-09-29.pdf', bytes: Buffer.from('%PDF-1.4 first'), mime: 'application/pdf' };
  const first = await slack.upload!(to, file, { key: 'k' });
  const again = await slack.upload!(to, file, { key: 'k', retry: true });
  expect(again.messageId).toBe(first.messageId);
  expect(t.slack.uploads).toHaveLength(1);
  // Another file, or the same name asked for in another request, is shared.
  await slack.upload!(to, { ...file, name: '项目风险报告书-ACME-2026-09-29.pdf' }, { key: 'k2', retry: true });
  await slack.upload!({ ...to, messageId: '1700000199.000100' }, file, { key: 'k3', retry: true });
  expect(t.slack.uploads).toHaveLength(3);
});
