import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import type { CliContext } from '../src/cli/context.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { NewSignoffEvent } from '../src/store/store.ts';
import { PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const schemas: string[] = [];
const ctx = (env: Record<string, string | undefined> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const c: CliContext = {
    out: (l) => void out.push(l),
    err: (l) => void err.push(l),
    stdin: async function* () {},
    env: { DATA_DIR: 'data', ...env },
    dataDir: () => 'data',
    load: () => {
      throw new Error('not needed');
    },
  };
  return { c, out, err };
};

const signoff = (i: number): NewSignoffEvent => ({
  projectId: 'slack:C1',
  action: i % 5 === 4 ? 'undo' : 'confirm',
  itemId: `item-${i % 7}`,
  itemText: `第 ${i} 项`,
  userId: `U${i % 3}`,
  userName: `用户${i}`,
  role: 'customer-lead',
  at: `2026-10-0${1 + (i % 9)}T09:12:00+08:00`,
  via: 'reply',
  platform: 'slack',
  evidenceMessageId: `17000000${i}.0001`,
  text: `确认 ${i}`,
});

describe.skipIf(PG_SKIP)('npm run cli -- migrate --from FILE --to URL', () => {
  beforeAll(assertPostgresReachable);
  afterAll(() => dropSchemas(schemas));

  it('moves a lowdb installation into PostgreSQL without losing a sign-off, and reads the file only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'migrate-')), 'db.json');
    const src = await openLowdbStore(file);
    await src.bindProject({ id: 'slack:C1', platform: 'slack', chatId: 'C1', name: 'ACME', goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'zh', adminId: 'U0', roles: [{ userId: 'U1', role: 'customer-lead' }], source: 'chat', createdAt: 'x', updatedAt: 'x' });
    await src.claimPost('slack:C1', '2026-10-09', new Date('2026-10-09T01:00:00Z'), 600_000);
    await src.completePost('slack:C1', '2026-10-09', { projectId: 'slack:C1', platform: 'slack', chatId: 'C1', messageId: '1700.1', items: ['a', 'b'], postedAt: '2026-10-09T09:00:00+08:00', kind: 'daily' });
    await src.claimEvent('slack:Ev1', new Date(), 86_400_000);
    // One acknowledged event not yet answered (the bot stopped mid-way), one answered.
    await src.acceptDelivery({ key: 'slack:EvOpen', platform: 'slack', kind: 'slack', payload: { text: '培训人数多怎么办' } }, new Date(), 86_400_000);
    await src.acceptDelivery({ key: 'slack:EvDone', platform: 'slack', kind: 'slack', payload: {} }, new Date(), 86_400_000);
    await src.finishDelivery('slack:EvDone', 'done');
    await src.addFeedback({ question: '培训人数多怎么办', ruleId: '5.2-10', vote: 'down', platform: 'slack', userId: 'U1', at: 'x' });
    const kept = await src.addReview({ question: '课一直开不起来咋整', lang: 'zh', reason: 'unsure', ruleId: '5.2-12', offered: ['5.2-12'], platform: 'slack', projectId: 'slack:C1', userId: 'U1', at: 'x', eventId: 'slack:EvQ' });
    await src.addReview({ question: '今天吃什么', lang: 'zh', reason: 'none', ruleId: null, offered: [], platform: 'slack', projectId: null, userId: 'U2', at: 'x', eventId: 'slack:EvQ2' });
    await src.decideReview([kept.id], { status: 'accepted', ruleId: '5.2-11', by: 'owner', at: 'y' });
    for (let i = 0; i < 40; i++) await src.appendSignoffs([signoff(i)]);
    // Role changes and how a signer held the role travel with the trail.
    await src.appendSignoffs([{ ...signoff(40), action: 'role-accept', itemId: 'role:customer-lead', subjectId: 'U1', subjectName: '王', org: 'T1' }]);
    await src.appendSignoffs([{ ...signoff(41), roleGrant: { source: 'chat', by: 'U0', acceptedAt: 'x', org: 'T1', orgChecked: true } }]);
    const before = await src.listSignoffs('slack:C1');
    await src.close();
    const bytes = readFileSync(file, 'utf8');

    const s = freshSchema('migcli');
    schemas.push(s);
    const url = urlWithSchema(s);
    const run = ctx();
    expect(await runCli(['migrate', '--from', file, '--to', url], run.c)).toBe(0);
    expect(run.out.join('\n')).toMatch(/42 signoffs.*\n.*all 42 sign-offs verified/);
    expect(readFileSync(file, 'utf8')).toBe(bytes);

    const dst = await openPostgresStore(url);
    expect(await dst.listSignoffs('slack:C1')).toEqual(before);
    expect(await dst.getProject('slack:C1')).toMatchObject({ name: 'ACME', roles: [{ userId: 'U1', role: 'customer-lead' }] });
    expect(await dst.claimPost('slack:C1', '2026-10-09', new Date(), 600_000)).toBe('sent');
    expect((await dst.findChecklistMessage('slack', 'C1', '1700.1'))?.items).toEqual(['a', 'b']);
    expect(await dst.claimEvent('slack:Ev1', new Date(), 86_400_000)).toBe(false);
    expect(await dst.listFeedback()).toHaveLength(1);
    expect((await dst.listReview()).map((r) => [r.question, r.status, r.decidedRuleId ?? null])).toEqual([['课一直开不起来咋整', 'accepted', '5.2-11'], ['今天吃什么', 'open', null]]);
    // The unanswered event is handed out at once, with what it said; the answered one never again.
    expect((await dst.takeDeliveries(new Date(), 120_000, 10, ['slack'])).map((d) => [d.key, d.payload])).toEqual([['slack:EvOpen', { text: '培训人数多怎么办' }]]);
    expect(await dst.acceptDelivery({ key: 'slack:EvDone', platform: 'slack', kind: 'slack', payload: {} }, new Date(), 86_400_000)).toBe(false);
    // New sign-offs continue the sequence.
    const [next] = await dst.appendSignoffs([signoff(99)]);
    expect(next!.seq).toBe(before.at(-1)!.seq + 1);
    await dst.close();

    // A second run would mix two installations: refused, nothing changes.
    const again = ctx();
    expect(await runCli(['migrate', '--from', file, '--to', url], again.c)).toBe(1);
    expect(again.err.join('\n')).toMatch(/already holds projects or sign-offs.*nothing was copied/);
  });

  it('refuses a corrupt source file and a missing target, copying nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    const bad = join(dir, 'db.json');
    (await import('node:fs')).writeFileSync(bad, '{"signoffs": [');
    const r1 = ctx();
    expect(await runCli(['migrate', '--from', bad, '--to', urlWithSchema('never_created')], r1.c)).toBe(1);
    expect(r1.err.join('\n')).toMatch(/not a readable store.*nothing was copied/);
    const r2 = ctx();
    expect(await runCli(['migrate', '--from', bad], r2.c)).toBe(2);
    expect(r2.err.join('\n')).toMatch(/--to \(or DATABASE_URL\) is missing/);
  });
});
