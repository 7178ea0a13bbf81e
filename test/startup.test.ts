import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvFile } from '../src/env-file.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { FakeFeishu } from './fakes/feishu-api.ts';
import { startTestApp } from './helpers/app.ts';
import { runToExit, spawnBot, tsxMain, type BotProcess } from './helpers/child.ts';
import { SLACK_KIND } from '../adapters/slack/front.ts';
import { slackEvent } from './helpers/slack.ts';

/**
 * Running it as an operator does: .env read at start (the environment wins), a busy port
 * that says so and exits non-zero, SIGTERM to `npm start` alone stopping the whole chain
 * (npm → tsx → node) with the port and the lowdb lock free, and a stop that lets events in
 * flight finish within its grace period.
 */
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'oa-bot-startup-'));
  dirs.push(d);
  return d;
};
const lockOf = (dbFile: string) => dbFile.replace(/\.json$/, '.lock');
const bots: BotProcess[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop().catch(() => {});
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
const exited = (b: BotProcess) => new Promise<{ code: number | null; signal: string | null }>((r) => (b.proc.exitCode !== null ? r({ code: b.proc.exitCode, signal: null }) : b.proc.once('exit', (code, signal) => r({ code, signal }))));
const refused = async (url: string) => fetch(`${url}/healthz`).then(() => false, () => true);

describe('.env', () => {
  let feishu: FakeFeishu;
  beforeAll(async () => {
    feishu = await FakeFeishu.start();
  });
  afterAll(async () => {
    await feishu.stop();
  });

  it('a .env in the working directory is read at start: its PORT and Feishu credentials are used, its values never logged', async () => {
    const dir = tmp();
    const port = await freePort();
    writeFileSync(
      join(dir, '.env'),
      ['# copied from .env.example', `PORT=${port}`, 'FEISHU_APP_ID=cli_from_env_file', `FEISHU_APP_SECRET="secret-from-the-env-file # not a comment"`, `FEISHU_DOMAIN=${feishu.url}`, 'FEISHU_MODE=http', ''].join('\n'),
    );
    // No PORT in the environment at all; DATA_DIR absolute, since the working directory is the temp folder.
    const bot = await spawnBot({ PORT: undefined, ENV_FILE: undefined, DATA_DIR: resolve('data'), DB_FILE: join(dir, 'db.json') }, { cwd: dir });
    bots.push(bot);
    expect(bot.url).toBe(`http://127.0.0.1:${port}`);
    const health = (await (await fetch(`${bot.url}/healthz`)).json()) as { adapters: { feishu: boolean } };
    expect(health.adapters.feishu).toBe(true);
    expect(feishu.calls.some((c) => c.path === '/open-apis/auth/v3/tenant_access_token/internal' && JSON.stringify(c.body).includes('cli_from_env_file'))).toBe(true);
    const log = bot.output.join('');
    expect(log).toContain(`"msg":"read the environment file","file":"${join(dir, '.env')}"`);
    expect(log).toContain('"variables":5');
    expect(log).not.toContain('secret-from-the-env-file');
    expect(log).toContain('feishu is on');
  });

  it('ENV_FILE names another file; a variable in the environment wins over the file', async () => {
    const dir = tmp();
    const [filePort, envPort] = [await freePort(), await freePort()];
    const file = join(dir, 'bot.env');
    writeFileSync(file, `PORT=${filePort}\nexport FEISHU_APP_ID=cli_from_file\nFEISHU_APP_SECRET='file-secret'\nFEISHU_DOMAIN=${feishu.url}\nLOG_LEVEL=debug\n`);
    const bot = await spawnBot({ ENV_FILE: file, PORT: String(envPort), FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', LOG_LEVEL: 'info', DB_FILE: join(dir, 'db.json') });
    bots.push(bot);
    expect(bot.url).toBe(`http://127.0.0.1:${envPort}`);
    const log = bot.output.join('');
    // FEISHU_APP_ID='' in the environment is "set to nothing": the file's value does not fill it in.
    expect(log).toContain('Feishu is off');
    expect(log).not.toContain('"level":"debug"');
    expect(log).toContain(`"file":"${file}","variables":1,"keptFromEnvironment":4`);
  });

  it('ENV_FILE naming a missing file stops the start with exit 1', async () => {
    const dir = tmp();
    const r = await runToExit(tsxMain(), { ENV_FILE: join(dir, 'nope.env'), DB_FILE: join(dir, 'db.json') });
    expect(r.code).toBe(1);
    expect(r.output).toContain(`ENV_FILE: ${join(dir, 'nope.env')} does not exist`);
    expect(existsSync(join(dir, 'db.json'))).toBe(false);
  });

  it('loadEnvFile: quotes, comments, export, the environment first; no file is fine', () => {
    const dir = tmp();
    expect(loadEnvFile({}, dir)).toEqual({ file: join(dir, '.env'), found: false, applied: 0, kept: 0 });
    writeFileSync(join(dir, '.env'), `# comment\nA=1 # trailing\nB="two words"\nC='#3'\nexport D=4\nENV_FILE=ignored.env\nE=\n`);
    const env: Record<string, string | undefined> = { B: 'from env' };
    expect(loadEnvFile(env, dir)).toMatchObject({ found: true, applied: 4, kept: 1 });
    expect(env).toEqual({ A: '1', B: 'from env', C: '#3', D: '4', E: '' });
  });
});

describe('start-up failures exit non-zero and release the store', () => {
  let blocker: Server;
  let busy: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    busy = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it(`a busy port: "port N is in use (set PORT)", exit 1, the lock released`, async () => {
    const dir = tmp();
    const dbFile = join(dir, 'db.json');
    const r = await runToExit(tsxMain(), { PORT: String(busy), DB_FILE: dbFile });
    expect(r.code).toBe(1);
    expect(r.output).toContain(`"msg":"port ${busy} is in use (set PORT)"`);
    expect(r.output).not.toContain('unhandled rejection');
    expect(existsSync(dbFile)).toBe(true); // the store was opened…
    expect(existsSync(lockOf(dbFile))).toBe(false); // …and released
    // and the same store starts at once on a free port
    const bot = await spawnBot({ DB_FILE: dbFile });
    bots.push(bot);
  });

  it('a configuration error exits 1 before anything is opened', async () => {
    const dir = tmp();
    const r = await runToExit(tsxMain(), { PORT: 'many', DB_FILE: join(dir, 'db.json') });
    expect(r.code).toBe(1);
    expect(r.output).toContain('PORT:');
    expect(existsSync(join(dir, 'db.json'))).toBe(false);
  });
});

describe('signals', () => {
  it('SIGTERM to the `npm start` process alone stops npm, tsx and the server: port free, lock released, exit 0', async () => {
    const dir = tmp();
    const dbFile = join(dir, 'db.json');
    const bot = await spawnBot({ DB_FILE: dbFile }, { command: { file: 'npm', args: ['start', '--silent'] } });
    bots.push(bot);
    expect(existsSync(lockOf(dbFile))).toBe(true);
    const t0 = Date.now();
    bot.proc.kill('SIGTERM'); // npm's pid only, as docker stop / systemd / pm2 do
    const { code } = await exited(bot);
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await refused(bot.url)).toBe(true);
    expect(existsSync(lockOf(dbFile))).toBe(false);
    expect(bot.output.join('')).toContain('"msg":"stopped"');
    // the next start on the same store is not refused
    const next = await spawnBot({ DB_FILE: dbFile });
    bots.push(next);
  });

  it('SIGINT twice (Ctrl-C reaches every process of the group, npm and tsx pass it on too): one clean stop, exit 0', async () => {
    const dir = tmp();
    const dbFile = join(dir, 'db.json');
    const bot = await spawnBot({ DB_FILE: dbFile });
    bots.push(bot);
    bot.proc.kill('SIGINT');
    bot.proc.kill('SIGINT');
    const { code } = await exited(bot);
    expect(code).toBe(0);
    expect(existsSync(lockOf(dbFile))).toBe(false);
    expect(bot.output.join('').match(/"msg":"shutting down"/g)).toHaveLength(1);
  });
});

describe('close(): no new requests, events in flight finish within the grace period, then the store', () => {
  it('an event being handled when the stop comes is finished (its answer sent) before the store closes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    let finished = false;
    const t = await startTestApp({
      env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' },
      handlers: [
        async (ctx) => {
          started = true;
          await gate;
          await ctx.reply({ title: 'done after the stop', tone: 'info', blocks: [], fallback: 'done after the stop' });
          finished = true;
          return true;
        },
      ],
    });
    const res = await t.postSlack(slackEvent({ text: '@bot slow one' }));
    expect(res.status).toBe(200);
    await expect.poll(() => started).toBe(true);
    const closing = t.app.close();
    // no new requests while it drains
    await expect.poll(() => refused(t.url)).toBe(true);
    setTimeout(release, 300);
    await closing;
    expect(finished).toBe(true);
    expect(t.slack.sent().some((c) => String(c.body.text).includes('done after the stop'))).toBe(true);
    // the store was flushed and released: it opens again, with the event finished
    const store = await openLowdbStore(t.dbFile);
    expect(await store.takeDeliveries(new Date(Date.now() + 3600_000), 1, 10, [SLACK_KIND])).toEqual([]);
    await store.close();
    await t.close().catch(() => {});
  });

  it('an event that does not finish within the grace period stays in the inbox; the store is released anyway', async () => {
    let started = false;
    const t = await startTestApp({
      env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' },
      handlers: [
        async () => {
          started = true;
          await new Promise(() => {}); // never
          return true;
        },
      ],
    });
    expect((await t.postSlack(slackEvent({ text: '@bot stuck' }))).status).toBe(200);
    await expect.poll(() => started).toBe(true);
    const t0 = Date.now();
    await t.app.close({ graceMs: 300 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(t.logs.join('\n')).toContain('events still in flight stay in the inbox');
    const store = await openLowdbStore(t.dbFile); // the lock is free
    const left = await store.takeDeliveries(new Date(Date.now() + 3600_000), 1, 10, [SLACK_KIND]);
    expect(left).toHaveLength(1);
    await store.close();
    await t.close().catch(() => {});
  });
});
