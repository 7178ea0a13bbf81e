import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/store/chain.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import { counts, readLowdbSnapshot, readPostgresSnapshot, Snapshot, writeLowdbSnapshot, writePostgresSnapshot } from '../src/store/snapshot.ts';
import { decideCreate, decideSignUp, type TrainingDecision } from '../src/training/decide.ts';
import { PG_SKIP, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';
import { shanghaiProject } from './support/fixtures.ts';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));
const st = { at: '2026-10-09T09:12:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: '新建培训' };
const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });

describe('backup, restore and migrate carry the training sessions', () => {
  it('lowdb → snapshot → PostgreSQL → snapshot → lowdb: sessions, sign-ups and their trail (with detail) intact', async () => {
    const p = shanghaiProject();
    const file = join(mkdtempSync(join(tmpdir(), 'tr-')), 'db.json');
    const store = await openLowdbStore(file);
    await store.putProject(p);
    const made = await store.addSession(p.id, (no) => write(decideCreate(p, no, { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 80, overrideReason: '全员宣贯,另有分场答疑' }, { id: 'ou_admin' }, st, { isWorkingDay: () => true }, '2026-10-09T09:12')));
    await store.changeSession(p.id, made.session!.no, (s) => write(decideSignUp(p, s, { id: 'ou_a', name: '小A' }, st, '2026-10-09T09:12')));
    await store.close();

    const snap = Snapshot.parse(JSON.parse(JSON.stringify(readLowdbSnapshot(file))));
    expect(counts(snap)['training sessions']).toBe(1);
    expect(snap.signoffs.map((e) => e.detail)).toEqual([expect.stringContaining('上限 80 人'), expect.stringContaining('全员宣贯'), '座位 1/80']);
    let back = snap;
    if (!PG_SKIP) {
      const s = freshSchema('tr');
      schemas.push(s);
      await writePostgresSnapshot(urlWithSchema(s), snap);
      const pg = await openPostgresStore(urlWithSchema(s));
      expect(await pg.listSessions(p.id)).toEqual(snap.sessions);
      expect(await pg.listSignoffs(p.id)).toEqual(snap.signoffs);
      // The next session continues the numbering.
      expect((await pg.addSession(p.id, (no) => ({ result: no }))).result).toBe(2);
      await pg.close();
      back = await readPostgresSnapshot(urlWithSchema(s));
    }
    const file2 = join(mkdtempSync(join(tmpdir(), 'tr-')), 'db.json');
    await writeLowdbSnapshot(file2, back);
    const low = await openLowdbStore(file2);
    expect(await low.listSessions(p.id)).toEqual(snap.sessions);
    expect(verifyChain(p.id, await low.listSignoffs(p.id)).ok).toBe(true);
    await low.close();
  });
});
