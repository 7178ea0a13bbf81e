/**
 * Opt-in fault script (it restarts the machine's PostgreSQL, which would disturb other
 * tests running at the same time, so it is not part of `npm test`):
 *
 *   npm run faults:pg-restart
 *
 * Starts the bot on PostgreSQL (its own schema) against a fake Slack API, keeps sending
 * it questions (a new event every 50 ms, each redelivered every second until it gets a
 * 200, as Slack does), restarts PostgreSQL in the middle, and checks: requests during the
 * outage got 5xx, the bot recovered by itself, every question was answered exactly once,
 * and a sign-off written before the restart is still there.
 */
import { execSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { startApp } from '../../src/wire.ts';
import { FakeSlack } from '../../test/fakes/slack-api.ts';
import { TEST_SECRETS } from '../../test/helpers/app.ts';
import { PG_BASE_URL, dropSchemas, freshSchema, urlWithSchema } from '../../test/helpers/postgres.ts';
import { slackEvent, slackHeaders } from '../../test/helpers/slack.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const version = readdirSync('/etc/postgresql')[0];
if (!version) throw new Error('no cluster under /etc/postgresql; this script restarts the local PostgreSQL with pg_ctlcluster');

const slack = await FakeSlack.start();
const schema = freshSchema('pgrestart');
const url = urlWithSchema(schema, process.env.DATABASE_URL_TEST && process.env.DATABASE_URL_TEST !== 'skip' ? process.env.DATABASE_URL_TEST : PG_BASE_URL);
const seedStore = await openPostgresStore(url);
const [before] = await seedStore.recordSignoffs([
  { projectId: 'slack:C0PG', action: 'confirm', itemId: 'training-plan-signed', itemText: '培训方案和时间计划已由客户项目负责人签字确认', userId: 'U0LEAD', role: 'customer-lead', at: '2026-09-29T09:12:00+08:00', via: 'reply', platform: 'slack', evidenceMessageId: '1700000000.000001', text: '确认 3' },
]);
await seedStore.close();

const logs: string[] = [];
const env = { SLACK_BOT_TOKEN: TEST_SECRETS.SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SECRETS.SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, DATABASE_URL: url, DATA_DIR: 'data', HOST: '127.0.0.1', PORT: '0' };
const app = await startApp(loadConfig(env), { log: createLogger('info', Object.values(TEST_SECRETS), (l) => void logs.push(l)), port: 0, retry: { attempts: 3, baseMs: 50, maxDelayMs: 1000 } });

interface Q { raw: string; ts: string; statuses: number[] }
const questions: Q[] = [];
const post = async (q: Q) => {
  const status = await fetch(`${app.url}/slack/events`, { method: 'POST', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, q.raw), body: q.raw, signal: AbortSignal.timeout(5000) })
    .then(async (r) => (await r.arrayBuffer(), r.status))
    .catch(() => -1);
  q.statuses.push(status);
  return status;
};
/** Like Slack: a delivery that did not get a 200 is tried again, a second later, a bounded number of times. */
const deliver = async (q: Q) => {
  for (let i = 0; i < 60; i++) {
    if ((await post(q)) === 200) return;
    await sleep(1000);
  }
};

const started = Date.now();
let restartDone = 0;
let restartStarted = 0;
const deliveries: Promise<void>[] = [];
let n = 0;
const sendFor = async (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ts = `1700002000.${String(++n).padStart(6, '0')}`;
    const q: Q = { raw: JSON.stringify(slackEvent({ text: '@bot 培训人数多怎么办', channel: 'C0PG', ts, eventId: `EvPG${n}` })), ts, statuses: [] };
    questions.push(q);
    deliveries.push(deliver(q));
    await sleep(50);
  }
};

await sendFor(1000);
restartStarted = Date.now();
const restart = new Promise<void>((resolve, reject) => {
  const p = spawn('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'inherit' });
  p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctlcluster restart exited with ${code}`))));
});
await Promise.all([restart.then(() => void (restartDone = Date.now())), sendFor(4000)]);
await sendFor(2000);
await Promise.all(deliveries);
await sleep(500);
await app.idle();

// What the users saw: one answer per question, in its thread.
const answers = new Map<string, number>();
for (const c of slack.sent()) if (c.api === 'chat.postMessage') answers.set(c.body.thread_ts, (answers.get(c.body.thread_ts) ?? 0) + 1);
const unanswered = questions.filter((q) => !answers.has(q.ts));
const twice = [...answers.values()].filter((k) => k > 1).length;
const refused = questions.flatMap((q) => q.statuses).filter((s) => s >= 500).length;
const neverOk = questions.filter((q) => !q.statuses.includes(200)).length;
const firstRefusal = questions.findIndex((q) => q.statuses[0] !== 200);
const recovered = questions.filter((q, i) => i > firstRefusal && q.statuses[0] === 200)[0];

const check = await openPostgresStore(url);
const kept = (await check.listSignoffs('slack:C0PG')).some((e) => e.seq === before!.seq && e.text === '确认 3');
await check.close();
await app.close();
await slack.stop();
await dropSchemas([schema]);

const figures = {
  questions: questions.length,
  restartSeconds: ((restartDone - restartStarted) / 1000).toFixed(1),
  refusedWith5xx: refused,
  otherStatuses: [...new Set(questions.flatMap((q) => q.statuses).filter((s) => s !== 200 && s < 500))],
  answeredOnce: questions.length - unanswered.length,
  answeredTwice: twice,
  unanswered: unanswered.length,
  neverAccepted: neverOk,
  recoveredWithoutRestartOfBot: recovered !== undefined,
  signoffKept: kept,
  storeErrorsLogged: logs.filter((l) => l.includes('store unreachable')).length,
  totalSeconds: ((Date.now() - started) / 1000).toFixed(1),
};
console.log(JSON.stringify(figures, null, 2));
for (const q of unanswered) console.log('unanswered', q.ts, q.statuses);
if (unanswered.length) for (const l of logs.filter((l) => l.includes('"level":"error"')).slice(0, 8)) console.log(l.slice(0, 400));
try {
  execSync(`pg_isready -h 127.0.0.1 -p 5432`);
} catch {
  console.error('PostgreSQL is not ready after the script; start it with pg_ctlcluster --skip-systemctl-redirect', version, 'main start');
}
const ok = unanswered.length === 0 && twice === 0 && kept && refused > 0 && figures.otherStatuses.length === 0;
console.log(ok ? 'PASS: outage answered with 5xx, recovered by itself, every question answered once, sign-off kept' : 'FAIL');
process.exit(ok ? 0 : 1);
