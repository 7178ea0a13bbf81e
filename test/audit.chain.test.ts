import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { runCli } from '../src/cli/main.ts';
import { GENESIS, verifyChain } from '../src/store/chain.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { NewSignoffEvent, Store } from '../src/store/store.ts';
import { PG_BASE_URL, PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const audit = async (env: Record<string, string>) => {
  const out: string[] = [];
  const err: string[] = [];
  const c: CliContext = { out: (l) => void out.push(l), err: (l) => void err.push(l), stdin: async function* () {}, env: { DATA_DIR: 'data', ...env }, dataDir: () => 'data', load: () => { throw new Error('not needed'); } };
  const code = await runCli(['audit', 'verify'], c);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const ev = (projectId: string, i: number, over: Partial<NewSignoffEvent> = {}): NewSignoffEvent => ({
  projectId, action: 'confirm', itemId: `item-${i}`, itemText: `第 ${i} 项`, userId: 'ou_lead', userName: '王经理', role: 'customer-lead',
  at: `2026-10-0${1 + (i % 9)}T09:12:00+08:00`, via: 'reply', platform: 'feishu', evidenceMessageId: `om_${i}`, text: `确认 ${i}`, rulebookVersion: 'rb-1', ...over,
});
const project = (id: string) => ({ id, platform: 'feishu' as const, chatId: id.split(':')[1]!, name: 'ACME', goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'zh' as const, adminId: 'ou_admin', roles: [], source: 'chat' as const, createdAt: 'x', updatedAt: 'x' });

/** Two projects, every way an event is written, some of them at once. */
async function write(store: Store) {
  for (const id of ['feishu:oc_a', 'feishu:oc_b']) await store.bindProject(project(id));
  await store.appendSignoffs([ev('feishu:oc_a', 1), ev('feishu:oc_b', 1)]);
  await Promise.all([1, 2, 3, 4, 5, 6].map((i) => store.recordSignoffs([ev(i % 2 ? 'feishu:oc_a' : 'feishu:oc_b', 10 + i)])));
  await store.changeProject('feishu:oc_a', (p) => ({ result: 0, project: p, events: [ev('feishu:oc_a', 30, { action: 'role-nominate', itemId: 'role:it-lead', subjectId: 'ou_it' })] }));
  await store.recordSignoffs([ev('feishu:oc_a', 11, { action: 'undo' })]);
}

function chainsHold(a: Awaited<ReturnType<Store['listSignoffs']>>, b: Awaited<ReturnType<Store['listSignoffs']>>) {
  expect(a[0]!.prevHash).toBe(GENESIS);
  expect(verifyChain('feishu:oc_a', a)).toMatchObject({ ok: true, events: a.length });
  expect(verifyChain('feishu:oc_b', b)).toMatchObject({ ok: true, events: b.length });
  // Each project its own chain: nothing of one project is linked into the other.
  expect(new Set(a.map((e) => e.prevHash)).has(b[0]!.hash!)).toBe(false);
}

describe('the audit trail is a hash chain per project: lowdb', () => {
  it('chains every event as it is written, and verify names the first event changed or removed by hand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chain-'));
    const file = join(dir, 'db.json');
    const store = await openLowdbStore(file);
    await write(store);
    chainsHold(await store.listSignoffs('feishu:oc_a'), await store.listSignoffs('feishu:oc_b'));
    await store.close();
    const ok = await audit({ DB_FILE: file });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/feishu:oc_a: 6 events, chain intact, head [0-9a-f]{64}/);

    // Someone edits the file: the text of an event (keeping its hash).
    const db = JSON.parse(readFileSync(file, 'utf8'));
    const target = db.signoffs.find((e: { projectId: string; itemId: string }) => e.projectId === 'feishu:oc_a' && e.itemId === 'item-13');
    target.itemText = '第 13 项(改过)';
    writeFileSync(file, JSON.stringify(db));
    const edited = await audit({ DB_FILE: file });
    expect(edited.code).toBe(1);
    expect(edited.out).toContain(`feishu:oc_a: 6 events, CHAIN BROKEN at event #${target.seq} (confirm item-13 by ou_lead`);
    expect(edited.out).toContain('does not match its hash: it was changed after it was written');
    expect(edited.out).toMatch(/feishu:oc_b: \d+ events, chain intact/);

    // ... or removes one: the next event no longer follows.
    target.itemText = '第 13 项';
    const i = db.signoffs.indexOf(target);
    const next = db.signoffs.slice(i + 1).find((e: { projectId: string }) => e.projectId === 'feishu:oc_a');
    db.signoffs.splice(i, 1);
    writeFileSync(file, JSON.stringify(db));
    const removed = await audit({ DB_FILE: file });
    expect(removed.code).toBe(1);
    expect(removed.out).toContain(`CHAIN BROKEN at event #${next.seq}`);
    expect(removed.out).toContain('does not follow the event before it');
  });

  it('chains a trail written before the chain once, at open, keeping a copy of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chain-'));
    const file = join(dir, 'db.json');
    const old = [1, 2, 3].map((i) => {
      const { rulebookVersion: _r, ...e } = ev('feishu:oc_a', i);
      return { ...e, seq: i };
    });
    writeFileSync(file, JSON.stringify({ projects: { 'feishu:oc_a': project('feishu:oc_a') }, signoffs: old }));
    const store = await openLowdbStore(file);
    const trail = await store.listSignoffs('feishu:oc_a');
    expect(trail.map(({ prevHash: _p, hash: _h, ...e }) => e)).toEqual(old);
    expect(verifyChain('feishu:oc_a', trail).ok).toBe(true);
    await store.close();
    expect(existsSync(`${file}.before-chain.bak`)).toBe(true);
    expect(JSON.parse(readFileSync(`${file}.before-chain.bak`, 'utf8')).signoffs).toEqual(old);
  });
});

describe.skipIf(PG_SKIP)('the audit trail is a hash chain per project: PostgreSQL', () => {
  const schemas: string[] = [];
  beforeAll(assertPostgresReachable);
  afterAll(() => dropSchemas(schemas));

  it('chains events written by two replicas at once; verify finds an event changed with the trigger lifted', async () => {
    const s = freshSchema('chain');
    schemas.push(s);
    const url = urlWithSchema(s);
    const [r1, r2] = [await openPostgresStore(url), await openPostgresStore(url)];
    await write(r1);
    // Two replicas writing the same projects at the same moment.
    await Promise.all([7, 8, 9, 10].map((i) => (i % 2 ? r1 : r2).recordSignoffs([ev(i % 3 ? 'feishu:oc_a' : 'feishu:oc_b', 40 + i)])));
    chainsHold(await r2.listSignoffs('feishu:oc_a'), await r2.listSignoffs('feishu:oc_b'));
    expect((await audit({ DATABASE_URL: url })).code).toBe(0);

    const c = new pg.Client({ connectionString: PG_BASE_URL, options: `-c search_path=${s}` });
    await c.connect();
    try {
      await expect(c.query("UPDATE signoffs SET item_text = 'x' WHERE item_id = 'item-13'")).rejects.toThrow(/append-only/);
      // Only someone who lifts the trigger can change a row; verify still sees it.
      await c.query('ALTER TABLE signoffs DISABLE TRIGGER signoffs_append_only');
      const { rows } = await c.query<{ seq: string }>("UPDATE signoffs SET user_name = '别人' WHERE item_id = 'item-13' RETURNING seq");
      await c.query('ALTER TABLE signoffs ENABLE TRIGGER signoffs_append_only');
      const r = await audit({ DATABASE_URL: url });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`CHAIN BROKEN at event #${rows[0]!.seq}`);
    } finally {
      await c.end();
      await r1.close();
      await r2.close();
    }
  });

  it('the upgrade chains rows written before the chain (migration 7)', async () => {
    const s = freshSchema('chainup');
    schemas.push(s);
    const url = urlWithSchema(s);
    const st = await openPostgresStore(url);
    await st.bindProject(project('feishu:oc_a'));
    await st.appendSignoffs([1, 2, 3].map((i) => ev('feishu:oc_a', i)));
    await st.close();
    // Back to version 6: the chain columns gone, as on a database from before.
    const c = new pg.Client({ connectionString: PG_BASE_URL, options: `-c search_path=${s}` });
    await c.connect();
    await c.query('ALTER TABLE signoffs DROP COLUMN rulebook_version, DROP COLUMN prev_hash, DROP COLUMN hash');
    await c.query('DELETE FROM schema_migrations WHERE version = 7');
    await c.end();
    const upgraded = await openPostgresStore(url);
    const trail = await upgraded.listSignoffs('feishu:oc_a');
    expect(trail.map((e) => e.itemId)).toEqual(['item-1', 'item-2', 'item-3']);
    expect(verifyChain('feishu:oc_a', trail).ok).toBe(true);
    // New events link to the upgraded chain.
    await upgraded.appendSignoffs([ev('feishu:oc_a', 4)]);
    expect(verifyChain('feishu:oc_a', await upgraded.listSignoffs('feishu:oc_a')).ok).toBe(true);
    await upgraded.close();
  });
});
