import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import { counts, readLowdbSnapshot, readPostgresSnapshot, Snapshot, writeLowdbSnapshot, writePostgresSnapshot } from '../src/store/snapshot.ts';
import { PG_SKIP, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));
const at = '2026-10-09T09:12:00+08:00';

describe('backup, restore and migrate carry the evidence', () => {
  it('lowdb → snapshot (bytes as base64) → PostgreSQL → snapshot → lowdb, bytes and records intact', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ev-')), 'db.json');
    const store = await openLowdbStore(file);
    const bytes = new TextEncoder().encode('signed plan');
    // With its audit event: the event's evidence (jsonb on PostgreSQL) must come back as it was hashed.
    const [signed] = await store.appendSignoffs([{ projectId: 'slack:C1', action: 'confirm', itemId: 'training-plan-signed', itemText: 'Plan signed', userId: 'U1', role: 'member', at, via: 'reply', platform: 'slack', evidenceMessageId: '1.1', text: 'confirm 3' }]);
    const kept = await store.addEvidence({ projectId: 'slack:C1', signoffSeq: signed!.seq, name: 'plan.pdf', mime: 'application/pdf', size: 0, source: 'slack-file', status: 'stored', at }, bytes, {
      itemId: signed!.itemId, itemText: signed!.itemText, userId: 'U1', role: 'member', at, via: 'reply', platform: 'slack', evidenceMessageId: '1.1', text: 'confirm 3', signoffHash: signed!.hash,
    });
    expect(kept.auditSeq).toBe(2);
    await store.addEvidence({ projectId: 'slack:C1', name: 'https://x.example/1', mime: 'text/uri-list', size: 0, source: 'link', url: 'https://x.example/1', status: 'stored', at });
    await store.close();

    const snap = readLowdbSnapshot(file);
    expect(counts(snap).evidence).toBe(2);
    expect(snap.evidenceFiles[kept.sha256!]).toBe(Buffer.from(bytes).toString('base64'));
    // What a backup file holds survives JSON.
    const again = Snapshot.parse(JSON.parse(JSON.stringify(snap)));

    let back = again;
    if (!PG_SKIP) {
      const s = freshSchema('ev');
      schemas.push(s);
      await writePostgresSnapshot(urlWithSchema(s), again);
      const pg = await openPostgresStore(urlWithSchema(s));
      expect(await pg.listEvidence('slack:C1')).toEqual(again.evidence);
      expect(await pg.listSignoffs('slack:C1')).toEqual(again.signoffs);
      expect((await pg.listSignoffs('slack:C1'))[1]!.evidence).toMatchObject({ signoffSeq: 1, name: 'plan.pdf', sha256: kept.sha256 });
      expect(Buffer.from((await pg.readEvidence(kept.sha256!))!).toString()).toBe('signed plan');
      // New evidence continues after the copied ids.
      expect((await pg.addEvidence({ projectId: 'slack:C1', name: 'n', mime: 'image/png', size: 0, source: 'slack-file', status: 'missing', reason: 'r', at })).id).toBe(3);
      await pg.close();
      back = await readPostgresSnapshot(urlWithSchema(s));
      expect(back.evidence).toHaveLength(3);
      expect(back.evidenceFiles).toEqual(again.evidenceFiles);
    }
    const file2 = join(mkdtempSync(join(tmpdir(), 'ev-')), 'db.json');
    await writeLowdbSnapshot(file2, back);
    const low = await openLowdbStore(file2);
    expect((await low.listEvidence('slack:C1')).slice(0, 2)).toEqual(again.evidence);
    expect(Buffer.from((await low.readEvidence(kept.sha256!))!).toString()).toBe('signed plan');
    await low.close();
  });

  it('refuses a backup whose evidence bytes do not match their hash', async () => {
    const snap = Snapshot.parse({ evidenceFiles: { ['a'.repeat(64)]: Buffer.from('x').toString('base64') } });
    await expect(writeLowdbSnapshot(join(mkdtempSync(join(tmpdir(), 'ev-')), 'db.json'), snap)).rejects.toThrow(/does not match its hash/);
  });
});
