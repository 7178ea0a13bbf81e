import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { runCli } from '../src/cli/main.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { NewSignoffEvent, Store } from '../src/store/store.ts';
import { runToExit, tsxMain } from './helpers/child.ts';
import { PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const ctx = (env: Record<string, string | undefined> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const c: CliContext = { out: (l) => void out.push(l), err: (l) => void err.push(l), stdin: async function* () {}, env: { DATA_DIR: 'data', ...env }, dataDir: () => 'data', load: () => { throw new Error('not needed'); } };
  return { c, out, err };
};
const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = ctx(env);
  const code = await runCli(args, r.c);
  return { code, out: r.out.join('\n'), err: r.err.join('\n') };
};

const signoff = (i: number, over: Partial<NewSignoffEvent> = {}): NewSignoffEvent => ({
  projectId: 'feishu:oc_1', action: 'confirm', itemId: `item-${i}`, itemText: `第 ${i} 项`, userId: 'ou_lead', userName: '王经理', role: 'customer-lead',
  at: '2026-10-09T09:12:00+08:00', via: 'reply', platform: 'feishu', evidenceMessageId: `om_${i}`, text: `确认 ${i}`, ...over,
});

/** A store with something of everything a restore must bring back. */
async function fill(store: Store) {
  await store.bindProject({ id: 'feishu:oc_1', platform: 'feishu', chatId: 'oc_1', name: 'ACME', goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'zh', adminId: 'ou_admin', roles: [], source: 'chat', createdAt: 'x', updatedAt: 'x' });
  await store.changeProject('feishu:oc_1', (p) => ({ result: 0, project: { ...p, roles: [{ userId: 'ou_lead', role: 'customer-lead', acceptedAt: 'y', org: 'T1' }], customerOrg: { id: 'T1', source: 'first-lead' } }, events: [signoff(0, { action: 'role-accept', itemId: 'role:customer-lead', subjectId: 'ou_lead', org: 'T1' })] }));
  for (let i = 1; i <= 5; i++) await store.recordSignoffs([signoff(i, { roleGrant: { source: 'chat', by: 'ou_admin', org: 'T1', orgChecked: true } })]);
  await store.claimPost('feishu:oc_1', '2026-10-09', new Date('2026-10-09T01:00:00Z'), 600_000);
  await store.completePost('feishu:oc_1', '2026-10-09', { projectId: 'feishu:oc_1', platform: 'feishu', chatId: 'oc_1', messageId: 'om_list', items: ['a'], postedAt: 'z', kind: 'daily' });
  await store.addFeedback({ question: '培训人数多怎么办', ruleId: '5.2-10', vote: 'down', platform: 'feishu', userId: 'ou_x', at: 'x', answerKey: 'k' });
  await store.addReview({ question: '课开不起来', lang: 'zh', reason: 'unsure', ruleId: '5.2-12', offered: ['5.2-12'], platform: 'feishu', projectId: 'feishu:oc_1', userId: 'ou_x', at: 'x', eventId: 'feishu:ev1' });
  await store.acceptDelivery({ key: 'feishu:open', platform: 'feishu', kind: 'feishu.message', payload: { text: '还没答' } }, new Date(), 86_400_000);
}

/** What a user of the store would see: the same after a round trip. */
async function view(store: Store) {
  return {
    projects: await store.listProjects(),
    trail: await store.listSignoffs('feishu:oc_1'),
    post: await store.claimPost('feishu:oc_1', '2026-10-09', new Date(), 600_000),
    message: await store.findChecklistMessage('feishu', 'oc_1', 'om_list'),
    feedback: await store.listFeedback(),
    review: await store.listReview(),
    pending: (await store.takeDeliveries(new Date(Date.now() + 600_000), 120_000, 10, ['feishu.message'])).map((d) => [d.key, d.payload]),
  };
}

describe('npm run cli -- backup / restore', () => {
  const schemas: string[] = [];
  beforeAll(async () => {
    if (!PG_SKIP) await assertPostgresReachable();
  });
  afterAll(() => dropSchemas(schemas));

  it('backs up a lowdb store while the bot holds it, restores into a new file and refuses a held or existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const file = join(dir, 'db.json');
    const live = await openLowdbStore(file);
    await fill(live);
    const out = join(dir, 'backup.json');
    const b = await cli(["backup", "--out", out], { DB_FILE: file });
    expect(b.code).toBe(0);
    expect(b.out).toContain('6 signoffs');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ format: 'oa-golive-bot-backup', version: 1, source: 'lowdb', counts: { signoffs: 6, projects: 1 } });
    expect((await cli(['backup', '--out', out], { DB_FILE: file })).err).toContain('already exists');

    // The live bot's file is not overwritten.
    const onto = await cli(['restore', '--from', out], { DB_FILE: file });
    expect(onto.code).toBe(1);
    expect(onto.err).toMatch(/already exist|in use/);
    const want = await view(live);
    await live.close();

    const copy = join(dir, 'restored', 'db.json');
    const r = await cli(["restore", "--from", out, "--to", copy]);
    expect(r.code).toBe(0);
    const restored = await openLowdbStore(copy);
    expect(await view(restored)).toEqual(want);
    // New sign-offs continue after the restored ones.
    expect((await restored.appendSignoffs([signoff(9)]))[0]!.seq).toBe(7);
    await restored.close();
  });

  it('refuses a file that is not a backup, naming what is wrong, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'oa-golive-bot-backup', version: 1, createdAt: 'x', source: 'lowdb', counts: {}, data: { signoffs: [{ seq: 1 }] } }));
    const target = join(dir, 'db.json');
    const r = await cli(['restore', '--from', bad, '--to', target]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/data\.signoffs\.0\.\w+: .*nothing was written/);
    writeFileSync(bad, '{"not": "a backup"}');
    expect((await cli(['restore', '--from', bad, '--to', target])).err).toMatch(/format: .*not a backup this bot wrote/);
    expect(existsSync(target)).toBe(false);
    expect((await cli(['restore'])).code).toBe(2);
  });

  it.skipIf(PG_SKIP)('backs up PostgreSQL while a replica runs; restores into lowdb and into an empty schema, never into one a bot holds', async () => {
    const s = freshSchema('bk');
    schemas.push(s);
    const url = urlWithSchema(s);
    const replica = await openPostgresStore(url);
    await fill(replica);
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const out = join(dir, 'pg.json');
    expect((await cli(['backup', '--out', out], { DATABASE_URL: url })).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).source).toBe('postgres');
    const want = await view(replica);

    // A schema a running bot holds is refused, even an empty one; so is one with data.
    const held = freshSchema('bkheld');
    schemas.push(held);
    const other = await openPostgresStore(urlWithSchema(held));
    const refused = await cli(['restore', '--from', out, '--to', urlWithSchema(held)]);
    expect(refused.err).toContain('a running bot holds');
    await other.close();
    await replica.close();
    expect((await cli(['restore', '--from', out, '--to', url])).err).toContain('already holds projects or sign-offs');

    const target = freshSchema('bkto');
    schemas.push(target);
    expect((await cli(['restore', '--from', out, '--to', urlWithSchema(target)])).code).toBe(0);
    const pgRestored = await openPostgresStore(urlWithSchema(target));
    expect(await view(pgRestored)).toEqual(want);
    await pgRestored.close();

    const file = join(dir, 'from-pg', 'db.json');
    expect((await cli(['restore', '--from', out, '--to', file])).code).toBe(0);
    const lowRestored = await openLowdbStore(file);
    expect((await view(lowRestored)).trail).toEqual(want.trail);
    await lowRestored.close();
  });

  it.skipIf(PG_SKIP)('migrate refuses a schema a running bot holds', async () => {
    const s = freshSchema('mglive');
    schemas.push(s);
    const live = await openPostgresStore(urlWithSchema(s));
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    const file = join(dir, 'db.json');
    const src = await openLowdbStore(file);
    await fill(src);
    await src.close();
    const r = await cli(['migrate', '--from', file, '--to', urlWithSchema(s)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('a running bot holds');
    await live.close();
  });
});

describe('the CLI reads .env like the bot', () => {
  it('takes DB_FILE from .env in the working folder; the environment wins', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-env-'));
    const store = await openLowdbStore(join(dir, 'from-env.json'));
    await fill(store);
    await store.close();
    writeFileSync(join(dir, '.env'), `DB_FILE=${join(dir, 'from-env.json')}\nDATA_DIR=${join(process.cwd(), 'data')}\n`);
    const cmd = (args: string[]) => ({ file: process.execPath, args: [...tsxMain().args.slice(0, -1), join(process.cwd(), 'src/cli/main.ts'), ...args] });
    const r = await runToExit(cmd(['backup', '--out', join(dir, 'b.json')]), { ENV_FILE: undefined }, { cwd: dir });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`${join(dir, 'from-env.json')} → ${join(dir, 'b.json')}: 1 projects, 6 signoffs`);
    const env = await runToExit(cmd(['backup', '--out', join(dir, 'c.json')]), { ENV_FILE: undefined, DB_FILE: join(dir, 'missing.json') }, { cwd: dir });
    expect(env.code).toBe(1);
    expect(env.output).toContain('missing.json');
  });
});
