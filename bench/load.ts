/**
 * Load and scale figures (prints them; not a timed test):
 *
 *   npm run bench:load                      # everything
 *   npm run bench:load -- --only ack        # ack | fanout | growth
 *   npm run bench:load -- --events 3000 --projects 2000 --concurrency 32 --rate 500 --per-app 50
 *
 * ack:    correctly signed Slack and encrypted+signed Feishu question events at the bot
 *         (a child process: src/main.ts), lowdb and PostgreSQL, next to a bare Bolt app on
 *         Bolt's own HTTPReceiver; throughput, p50/p99 acknowledgement latency, and how long
 *         until every answer reached the fake platform API.
 * fanout: the daily job for N projects against a fake Slack enforcing 1 msg/s per channel
 *         and 50 msg/s per app (429 + Retry-After), PostgreSQL; time vs the bound N/50 s.
 * growth: a simulated year (100 projects × 250 working days) in each store: size, and the
 *         time of a write at that size.
 * Everything is on 127.0.0.1; PostgreSQL at DATABASE_URL_TEST or the local `test` database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { runCli } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import { createLogger } from '../src/core/log.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { NewSignoffEvent, ProjectRecord, Store } from '../src/store/store.ts';
import { startApp } from '../src/wire.ts';
import { FakeFeishu } from '../test/fakes/feishu-api.ts';
import { LimitedSlack } from '../test/fakes/limited-slack.ts';
import { FakeSlack } from '../test/fakes/slack-api.ts';
import { TEST_SECRETS } from '../test/helpers/app.ts';
import { spawnBot } from '../test/helpers/child.ts';
import { feishuRequest, feishuTextEvent } from '../test/helpers/feishu.ts';
import { PG_BASE_URL, dropSchemas, freshSchema, urlWithSchema } from '../test/helpers/postgres.ts';
import { slackEvent, slackHeaders } from '../test/helpers/slack.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const ONLY = arg('only', 'all');
const EVENTS = Number(arg('events', '3000'));
const CONCURRENCY = Number(arg('concurrency', '32'));
const PROJECTS = Number(arg('projects', '2000'));
const PER_APP = Number(arg('per-app', '50'));
/** Offered load of the paced run (events/s); the closed-loop run finds the maximum. */
const RATE = Number(arg('rate', '500'));
const schemas: string[] = [];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const Q = '@bot 培训人数多怎么办';

// ---------------------------------------------------------------- ack
interface Req { path: string; headers: Record<string, string>; body: string }
interface AckRow { target: string; events: number; perSecond: number; p50: number; p99: number; non200: number; answeredAfterS?: number }

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function send(base: URL, r: Req): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: r.path, method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

async function drive(url: string, reqs: Req[]): Promise<Omit<AckRow, 'target'>> {
  const base = new URL(url);
  // Warm-up: connections, JIT, first store writes.
  for (const r of reqs.slice(0, 50)) await send(base, r);
  const rest = reqs.slice(50);
  const lat: number[] = [];
  let non200 = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < rest.length) {
        const r = rest[next++]!;
        const s = performance.now();
        const status = await send(base, r);
        lat.push(performance.now() - s);
        if (status !== 200) non200++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { events: rest.length, perSecond: rest.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), non200 };
}

/**
 * Open loop: requests leave on a fixed schedule (RATE per second) whether or not earlier
 * ones were answered, and latency counts from the scheduled time, so a stall shows up in
 * p99 instead of slowing the sender down (no coordinated omission).
 */
async function drivePaced(url: string, reqs: Req[], rate: number): Promise<Omit<AckRow, 'target'>> {
  const base = new URL(url);
  for (const r of reqs.slice(0, 50)) await send(base, r);
  const rest = reqs.slice(50);
  const lat: number[] = [];
  let non200 = 0;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < rest.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(
      send(base, rest[i]!).then((status) => {
        lat.push(performance.now() - due);
        if (status !== 200) non200++;
      }),
    );
  }
  await Promise.all(inflight);
  const secs = (performance.now() - t0) / 1000;
  return { events: rest.length, perSecond: rest.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), non200 };
}

// Slack messages are deduplicated by (channel, ts) too, so every run needs its own timestamps.
let slackRun = 0;
const slackReqs = (n: number, tag: string): Req[] => {
  const run = 1700003000 + 10 * slackRun++;
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify(slackEvent({ text: Q, channel: `C0LOAD${i % 50}`, eventId: `Ev${tag}${i}`, ts: `${run}.${String(i).padStart(6, '0')}` }));
    return { path: '/slack/events', headers: slackHeaders(TEST_SECRETS.SLACK_SIGNING_SECRET, body), body };
  });
};
const feishuReqs = (n: number, tag: string): Req[] =>
  Array.from({ length: n }, (_, i) => {
    const r = feishuRequest(feishuTextEvent({ text: Q, token: TEST_SECRETS.FEISHU_VERIFICATION_TOKEN, eventId: `ev_${tag}_${i}`, chatId: `oc_load${i % 50}` }), { encryptKey: TEST_SECRETS.FEISHU_ENCRYPT_KEY });
    return { path: '/feishu/events', headers: r.headers, body: r.body };
  });

async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  if (process.env.BENCH_NO_ANSWERS) return false; // an experiment that answers nothing
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(50);
  }
  return pred();
}

async function ackBench(): Promise<AckRow[]> {
  const rows: AckRow[] = [];
  const feishu = await FakeFeishu.start();
  const slack = await FakeSlack.start();
  try {
    for (const storeName of (process.env.BENCH_STORES ?? 'lowdb,PostgreSQL').split(',') as ('lowdb' | 'PostgreSQL')[]) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
      const schema = freshSchema('bench');
      schemas.push(schema);
      const storeEnv: Record<string, string> = storeName === 'lowdb' ? { DB_FILE: join(dir, 'db.json') } : { DATABASE_URL: urlWithSchema(schema) };
      const bot = await spawnBot({ ...TEST_SECRETS, FEISHU_DOMAIN: feishu.url, SLACK_API_URL: slack.apiUrl, DATA_DIR: 'data', LOG_LEVEL: 'info', ...storeEnv, ...(process.env.BENCH_BOT_ENV ? (JSON.parse(process.env.BENCH_BOT_ENV) as Record<string, string>) : {}), ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) }, {
        // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS)
        ...(process.env.BENCH_NODE_ARGS ? { command: { file: process.execPath, args: [...process.env.BENCH_NODE_ARGS.split(' '), '--import', 'tsx', 'src/main.ts'] } } : {}),
      });
      try {
        for (const platform of (process.env.BENCH_PLATFORMS ?? 'slack,feishu').split(',') as ('slack' | 'feishu')[]) {
          const fake = platform === 'slack' ? slack : feishu;
          const before = fake.sent().length;
          const reqs = platform === 'slack' ? slackReqs(EVENTS, `${storeName}${platform}`) : feishuReqs(EVENTS, `${storeName}${platform}`);
          const t0 = performance.now();
          const row = await drive(bot.url, reqs);
          const all = await waitUntil(() => fake.sent().length - before >= EVENTS, 300_000);
          rows.push({ target: `bot, ${storeName}, ${platform}, max`, ...row, answeredAfterS: all ? (performance.now() - t0) / 1000 : NaN });
          console.log(JSON.stringify(rows.at(-1)));
          // The same events again (new ids), offered at RATE per second.
          const before2 = fake.sent().length;
          const paced = platform === 'slack' ? slackReqs(EVENTS, `${storeName}${platform}p`) : feishuReqs(EVENTS, `${storeName}${platform}p`);
          const t1 = performance.now();
          const prow = await drivePaced(bot.url, paced, RATE);
          const all2 = await waitUntil(() => fake.sent().length - before2 >= EVENTS, 300_000);
          rows.push({ target: `bot, ${storeName}, ${platform}, at ${RATE}/s`, ...prow, answeredAfterS: all2 ? (performance.now() - t1) / 1000 : NaN });
          console.log(JSON.stringify(rows.at(-1)));
        }
      } finally {
        await bot.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // The reference: Bolt alone, its own receiver, no store, no answer.
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/bolt-bare.ts'], { env: { ...process.env, SLACK_SIGNING_SECRET: TEST_SECRETS.SLACK_SIGNING_SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve) => proc.stdout!.on('data', (b: Buffer) => /listening (\S+)/.test(b.toString()) && resolve(/listening (\S+)/.exec(b.toString())![1]!)));
    try {
      rows.push({ target: 'bare Bolt HTTPReceiver, slack, max', ...(await drive(url, slackReqs(EVENTS, 'bolt'))) });
      console.log(JSON.stringify(rows.at(-1)));
      rows.push({ target: `bare Bolt HTTPReceiver, slack, at ${RATE}/s`, ...(await drivePaced(url, slackReqs(EVENTS, 'boltp'), RATE)) });
      console.log(JSON.stringify(rows.at(-1)));
    } finally {
      proc.kill('SIGTERM');
    }
  } finally {
    await feishu.stop();
    await slack.stop();
  }
  return rows;
}

// ---------------------------------------------------------------- fan-out
const project = (platform: 'slack', chatId: string): ProjectRecord => ({
  id: `${platform}:${chatId}`, platform, chatId, name: chatId, goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'zh',
  adminId: 'U0ADMIN', roles: [], source: 'chat', createdAt: '2026-09-01T09:00:00+08:00', updatedAt: '2026-09-01T09:00:00+08:00',
});

async function fanoutBench(): Promise<Record<string, unknown>> {
  const api = await LimitedSlack.start({ perChannel: 1, perApp: PER_APP });
  const schema = freshSchema('fanout');
  schemas.push(schema);
  const url = urlWithSchema(schema);
  const seed = await openPostgresStore(url);
  for (let i = 0; i < PROJECTS; i++) await seed.putProject(project('slack', `C0FAN${String(i).padStart(5, '0')}`));
  await seed.close();
  const env = { SLACK_BOT_TOKEN: TEST_SECRETS.SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SECRETS.SLACK_SIGNING_SECRET, SLACK_API_URL: api.apiUrl, DATABASE_URL: url, DATA_DIR: 'data', HOST: '127.0.0.1', PORT: '0', ADMIN_TOKEN: 'bench-admin' };
  const t0 = performance.now();
  // start() runs the daily job at once (it is 09:05 on a working day for the fixed clock).
  const app = await startApp(loadConfig(env), { log: createLogger('error', []), clock: fixedClock('2026-09-29T01:05:00Z'), port: 0 });
  const firstRunS = (performance.now() - t0) / 1000;
  // What the 15-minute sweep does for posts whose retries ran out.
  let sweeps = 0;
  while (api.summary().channels < PROJECTS && sweeps < 5) {
    sweeps++;
    await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: 'Bearer bench-admin' } });
  }
  const secs = (performance.now() - t0) / 1000;
  await app.close();
  await api.stop();
  const s = api.summary();
  return { projects: PROJECTS, posted: s.posts, channels: s.channels, duplicates: s.duplicates.length, seconds: +secs.toFixed(1), firstRunSeconds: +firstRunS.toFixed(1), sweeps, perAppLimit: PER_APP, boundSeconds: PROJECTS / PER_APP, ratio: +(secs / (PROJECTS / PER_APP)).toFixed(2), answered429: api.stats.limited };
}

// ---------------------------------------------------------------- growth
function yearSnapshot(projects = 100, days = 250) {
  const projectsRec: Record<string, ProjectRecord> = {};
  const posts: Record<string, unknown> = {};
  const checklistMessages: unknown[] = [];
  const signoffs: unknown[] = [];
  const feedback: unknown[] = [];
  let seq = 0;
  const items = Array.from({ length: 27 }, (_, i) => `item-${i}`);
  for (let p = 0; p < projects; p++) {
    const id = `slack:C0YEAR${p}`;
    projectsRec[id] = { ...project('slack', `C0YEAR${p}`), roles: [{ userId: 'U0LEAD', role: 'customer-lead' }, { userId: 'U0PM', role: 'vendor-pm' }] };
    for (let d = 0; d < days; d++) {
      const date = new Date(Date.UTC(2026, 0, 5) + d * 86_400_000 * 1.4).toISOString().slice(0, 10);
      const ts = `17${String(p).padStart(3, '0')}${String(d).padStart(5, '0')}.000100`;
      posts[`${id}|${date}`] = { projectId: id, slot: date, status: 'sent', claimedAt: Date.parse(date), attempts: 1, messageId: ts };
      checklistMessages.push({ projectId: id, platform: 'slack', chatId: `C0YEAR${p}`, messageId: ts, items, postedAt: `${date}T09:00:00+08:00`, kind: 'daily' });
      // Two sign-off events a day (confirms, some undone and confirmed again), and a vote now and then.
      for (let k = 0; k < 2; k++) {
        signoffs.push({ seq: ++seq, projectId: id, action: (d + k) % 9 === 8 ? 'undo' : 'confirm', itemId: items[(d * 2 + k) % 27], itemText: '培训方案和时间计划已由客户项目负责人签字确认', userId: 'U0LEAD', userName: '王经理', role: 'customer-lead', at: `${date}T10:1${k}:00+08:00`, via: 'reply', platform: 'slack', evidenceMessageId: `${ts}${k}`, text: `确认 ${(d * 2 + k) % 27 + 1}` });
      }
      if (d % 5 === 0) feedback.push({ question: '培训人数多怎么办', ruleId: '5.2-10', vote: d % 10 ? 'up' : 'down', platform: 'slack', userId: 'U0PM', at: `${date}T11:00:00+08:00` });
    }
  }
  // Delivery keys expire after a day: one day's worth remains.
  const events = Object.fromEntries(Array.from({ length: projects * 20 }, (_, i) => [`slack:Ev${i}`, Date.now()]));
  return { events, feedback, projects: projectsRec, posts, checklistMessages, signoffs };
}

async function timeWrites(store: Store, n: number): Promise<{ msPerSignoff: number; msPerEvent: number }> {
  const e = (i: number): NewSignoffEvent => ({ projectId: 'slack:C0YEAR1', action: i % 2 ? 'undo' : 'confirm', itemId: 'bench-item', itemText: 'x', userId: 'U0LEAD', role: 'customer-lead', at: '2027-01-05T10:00:00+08:00', via: 'reply', platform: 'slack', evidenceMessageId: `bench${i}`, text: 'confirm 1' });
  let t0 = performance.now();
  for (let i = 0; i < n; i++) await store.recordSignoffs([e(i)]);
  const msPerSignoff = (performance.now() - t0) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) await store.claimEvent(`slack:EvBench${i}`, new Date(), 86_400_000);
  return { msPerSignoff, msPerEvent: (performance.now() - t0) / n };
}

async function growthBench(): Promise<Record<string, unknown>[]> {
  const snap = yearSnapshot();
  const dir = mkdtempSync(join(tmpdir(), 'bench-year-'));
  const file = join(dir, 'db.json');
  writeFileSync(file, JSON.stringify(snap));
  const counts = { signoffs: snap.signoffs.length, checklistMessages: snap.checklistMessages.length, posts: Object.keys(snap.posts).length, feedback: snap.feedback.length };
  const out: Record<string, unknown>[] = [];

  const low = await openLowdbStore(file);
  const lowW = await timeWrites(low, 50);
  await low.close();
  out.push({ store: 'lowdb', ...counts, sizeMB: +(statSync(file).size / 1e6).toFixed(1), msPerSignoff: +lowW.msPerSignoff.toFixed(2), msPerEvent: +lowW.msPerEvent.toFixed(2) });
  console.log(JSON.stringify(out.at(-1)));

  const schema = freshSchema('year');
  schemas.push(schema);
  const url = urlWithSchema(schema);
  const ctx = { out: () => {}, err: (l: string) => console.error(l), stdin: async function* () {}, env: {}, dataDir: () => 'data', load: () => { throw new Error('unused'); } };
  const t0 = performance.now();
  // The year goes in through the migrate command, which also measures a real migration.
  writeFileSync(file, JSON.stringify(snap));
  const code = await runCli(['migrate', '--from', file, '--to', url], ctx);
  const migrateS = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error('migrate failed');
  const pgStore = await openPostgresStore(url);
  const pgW = await timeWrites(pgStore, 200);
  await pgStore.close();
  const c = new pg.Client({ connectionString: PG_BASE_URL });
  await c.connect();
  const { rows } = await c.query<{ bytes: string }>(`SELECT sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))::bigint AS bytes FROM pg_tables WHERE schemaname = $1`, [schema]);
  await c.end();
  out.push({ store: 'PostgreSQL', ...counts, sizeMB: +(Number(rows[0]!.bytes) / 1e6).toFixed(1), msPerSignoff: +pgW.msPerSignoff.toFixed(2), msPerEvent: +pgW.msPerEvent.toFixed(2), migrateSeconds: +migrateS.toFixed(1) });
  console.log(JSON.stringify(out.at(-1)));
  rmSync(dir, { recursive: true, force: true });
  return out;
}

// ---------------------------------------------------------------- main
try {
  console.log(`bench:load on ${process.platform}, node ${process.version}, ${(await import('node:os')).cpus().length} cores; events ${EVENTS}, concurrency ${CONCURRENCY}, projects ${PROJECTS}`);
  if (ONLY === 'all' || ONLY === 'ack') {
    const rows = await ackBench();
    // Ratios to bare Bolt in the same run: throughput of the max rows to Bolt's max, p99 of the paced rows to Bolt's paced p99.
    const boltMax = rows.find((r) => r.target.startsWith('bare Bolt') && r.target.endsWith('max'));
    const boltPaced = rows.find((r) => r.target.startsWith('bare Bolt') && !r.target.endsWith('max'));
    const ratio = (r: AckRow) => {
      const ref = r.target.endsWith('max') ? boltMax : boltPaced;
      if (!ref || r === ref) return '-';
      return r.target.endsWith('max') ? `${(r.perSecond / ref.perSecond).toFixed(2)} × events/s` : `${(r.p99 / ref.p99).toFixed(1)} × p99`;
    };
    console.log('\n| target | events | events/s | p50 ack ms | p99 ack ms | to bare Bolt | non-200 | all answered after s |\n|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.target} | ${r.events} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${ratio(r)} | ${r.non200} | ${r.answeredAfterS === undefined ? '-' : r.answeredAfterS.toFixed(1)} |`);
  }
  if (ONLY === 'all' || ONLY === 'fanout') {
    const f = await fanoutBench();
    console.log(`\nfan-out: ${JSON.stringify(f)}`);
  }
  if (ONLY === 'all' || ONLY === 'growth') {
    const g = await growthBench();
    console.log('\n| store | sign-offs | checklist messages | size MB | ms per sign-off write | ms per event claim |\n|---|---|---|---|---|---|');
    for (const r of g) console.log(`| ${r.store} | ${r.signoffs} | ${r.checklistMessages} | ${r.sizeMB} | ${r.msPerSignoff} | ${r.msPerEvent} |`);
  }
} finally {
  agent.destroy();
  await dropSchemas(schemas).catch(() => {});
}
process.exit(0);
