import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { runCli } from '../src/cli/main.ts';
import { verifyChain } from '../src/store/chain.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { EvidenceAudit, NewSignoffEvent, Store } from '../src/store/store.ts';
import { PG_BASE_URL, PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const audit = async (env: Record<string, string>) => {
  const out: string[] = [];
  const err: string[] = [];
  const c: CliContext = { out: (l) => void out.push(l), err: (l) => void err.push(l), stdin: async function* () {}, env: { DATA_DIR: 'data', ...env }, dataDir: () => 'data', load: () => { throw new Error('not needed'); } };
  const code = await runCli(['audit', 'verify'], c);
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const P = 'slack:C0PROJ';
const project = { id: P, platform: 'slack' as const, chatId: 'C0PROJ', name: 'ACME', goLive: '2026-10-20', timeZone: 'Asia/Shanghai', postTime: '09:00', lang: 'en' as const, adminId: 'U0ADMIN', roles: [], source: 'chat' as const, createdAt: 'x', updatedAt: 'x' };
const confirm: NewSignoffEvent = {
  projectId: P, action: 'confirm', itemId: 'training-plan-signed', itemText: 'Training plan signed', userId: 'U0LEAD', userName: 'Wang', role: 'customer-lead',
  at: '2026-10-09T09:12:00+08:00', via: 'reply', platform: 'slack', evidenceMessageId: '1700000001.000100', text: 'confirm 3', rulebookVersion: 'rb-1',
};
const plan = new TextEncoder().encode('%PDF-1.4 training plan, signed by the customer');

/** A confirm with a file, a link and a file that was too large, each kept with its audit event. */
async function write(store: Store) {
  await store.bindProject(project);
  const [signed] = await store.recordSignoffs([confirm]);
  const by: EvidenceAudit = { itemId: signed!.itemId, itemText: signed!.itemText, userId: 'U0LEAD', userName: 'Wang', role: 'customer-lead', at: '2026-10-09T09:12:01+08:00', via: 'reply', platform: 'slack', evidenceMessageId: '1700000001.000050', text: 'confirm 3', signoffHash: signed!.hash };
  const base = { projectId: P, signoffSeq: signed!.seq, at: by.at };
  const file = await store.addEvidence({ ...base, messageId: '1700000001.000050', name: 'plan.pdf', mime: 'application/pdf', size: 0, source: 'slack-file', status: 'stored' }, plan, by);
  const link = await store.addEvidence({ ...base, messageId: '1700000001.000100', name: 'https://mail.example.com/a/1', mime: 'text/uri-list', size: 0, source: 'link', url: 'https://mail.example.com/a/1', status: 'stored' }, undefined, { ...by, evidenceMessageId: '1700000001.000100' });
  const missing = await store.addEvidence({ ...base, messageId: '1700000001.000050', name: 'scan.png', mime: 'image/png', size: 30_000_000, source: 'slack-file', status: 'missing', reason: 'larger than the 20.0 MB limit' }, undefined, by);
  return { signed: signed!, file, link, missing };
}

async function eventsAreWritten(store: Store, w: Awaited<ReturnType<typeof write>>) {
  const trail = await store.listSignoffs(P);
  expect(verifyChain(P, trail).ok).toBe(true);
  const evidence = trail.filter((e) => e.action === 'evidence');
  expect(evidence.map((e) => e.seq)).toEqual([w.file.auditSeq, w.link.auditSeq, w.missing.auditSeq]);
  expect(evidence[0]).toMatchObject({
    itemId: 'evidence:training-plan-signed', itemText: 'Training plan signed', userId: 'U0LEAD', evidenceMessageId: '1700000001.000050',
    evidence: { signoffSeq: w.signed.seq, signoffHash: w.signed.hash, source: 'slack-file', name: 'plan.pdf', mime: 'application/pdf', size: plan.byteLength, sha256: sha(plan), status: 'stored' },
  });
  expect(evidence[1]!.evidence).toMatchObject({ source: 'link', url: 'https://mail.example.com/a/1', status: 'stored' });
  expect(evidence[2]!.evidence).toMatchObject({ name: 'scan.png', size: 30_000_000, status: 'missing', reason: 'larger than the 20.0 MB limit' });
  // The evidence event is not the item's state: the confirm stays the item's latest sign-off.
  expect(await store.recordSignoffs([{ ...confirm, at: '2026-10-09T10:00:00+08:00' }])).toEqual([]);
}

describe('evidence in the audit trail: lowdb', () => {
  it('each piece of evidence is an event of the chain; audit verify names a stored file whose bytes or recorded hash were changed by hand', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ev-audit-')), 'db.json');
    const store = await openLowdbStore(file);
    const w = await write(store);
    await eventsAreWritten(store, w);
    await store.close();
    const ok = await audit({ DB_FILE: file });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`${P}: 4 events, chain intact`);
    expect(ok.out).toContain(`${P}: 3 evidence records, 1 files, all match the trail`);

    // 1. The file's bytes changed on disk.
    const path = join(`${file}.evidence`, sha(plan));
    writeFileSync(path, 'a different plan');
    const bytes = await audit({ DB_FILE: file });
    expect(bytes.code).toBe(1);
    expect(bytes.out).toContain(`${P}: 4 events, chain intact`);
    expect(bytes.out).toContain(`EVIDENCE DOES NOT MATCH: evidence #${w.file.id} (plan.pdf, sign-off #${w.signed.seq}): its stored file is missing or its bytes no longer hash to SHA-256 ${sha(plan)}`);
    writeFileSync(path, plan);
    expect((await audit({ DB_FILE: file })).code).toBe(0);

    // 2. The record's hash changed to that of other bytes (written beside it, so the file itself checks out).
    const other = new TextEncoder().encode('an unsigned plan');
    writeFileSync(join(`${file}.evidence`, sha(other)), other);
    const db = JSON.parse(readFileSync(file, 'utf8'));
    db.evidence.find((r: { id: number }) => r.id === w.file.id).sha256 = sha(other);
    writeFileSync(file, JSON.stringify(db));
    const hash = await audit({ DB_FILE: file });
    expect(hash.code).toBe(1);
    expect(hash.out).toContain(`EVIDENCE DOES NOT MATCH: evidence #${w.file.id} (plan.pdf, sign-off #${w.signed.seq}) does not match its audit event #${w.file.auditSeq}: sha256 is "${sha(other)}", the event says "${sha(plan)}"`);

    // 3. A record removed, and one added outside the bot.
    const gone = db.evidence.find((r: { id: number }) => r.id === w.link.id);
    db.evidence = db.evidence.filter((r: { id: number }) => r.id !== w.link.id);
    db.evidence.find((r: { id: number }) => r.id === w.file.id).sha256 = sha(plan);
    db.evidence.push({ ...gone, id: 99, auditSeq: undefined, url: 'https://forged.example.com/', name: 'https://forged.example.com/' });
    writeFileSync(file, JSON.stringify(db));
    const removed = await audit({ DB_FILE: file });
    expect(removed.code).toBe(1);
    expect(removed.out).toContain(`event #${w.link.auditSeq} (evidence https://mail.example.com/a/1 for training-plan-signed) has no evidence record`);
    expect(removed.out).toContain('evidence #99 (https://forged.example.com/, sign-off #1) is not in the audit trail: added outside the bot');
  });
});

describe('evidence kept by a version before evidence had its own event', () => {
  it('is checked (its file hashed again) and said, not reported as tampering; a record like it on a later sign-off is', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ev-older-')), 'db.json');
    const store = await openLowdbStore(file);
    await store.bindProject(project);
    // An older version: the confirm in the chain, the evidence record beside it with no event.
    const [old] = await store.recordSignoffs([confirm]);
    await store.close();
    const db = JSON.parse(readFileSync(file, 'utf8'));
    db.evidence = [...(db.evidence ?? []), { id: 1, projectId: P, signoffSeq: old!.seq, at: confirm.at, messageId: '1700000001.000050', name: 'plan.pdf', mime: 'application/pdf', size: plan.byteLength, sha256: sha(plan), source: 'slack-file', status: 'stored' }];
    writeFileSync(file, JSON.stringify(db));
    mkdirSync(`${file}.evidence`, { recursive: true });
    writeFileSync(join(`${file}.evidence`, sha(plan)), plan);
    const upgraded = await audit({ DB_FILE: file });
    expect(upgraded.err).toBe('');
    expect(upgraded.code).toBe(0);
    expect(upgraded.out).toContain(`${P}: 1 evidence records, 1 files, all match the trail (1 kept before evidence had its own audit event: their files checked, not chained)`);

    // Its bytes are still held to its hash.
    writeFileSync(join(`${file}.evidence`, sha(plan)), 'another plan');
    expect((await audit({ DB_FILE: file })).code).toBe(1);
    writeFileSync(join(`${file}.evidence`, sha(plan)), plan);

    // Once this version has written evidence events, an event-less record of a later sign-off is not "older".
    const again = await openLowdbStore(file);
    const [later] = await again.recordSignoffs([{ ...confirm, itemId: 'go-live-meeting', itemText: 'Go-live meeting held', at: '2026-10-10T09:00:00+08:00' }]);
    const by: EvidenceAudit = { itemId: later!.itemId, itemText: later!.itemText, userId: 'U0LEAD', userName: 'Wang', role: 'customer-lead', at: later!.at, via: 'reply', platform: 'slack', evidenceMessageId: 'm2', text: 'confirm 5', signoffHash: later!.hash };
    await again.addEvidence({ projectId: P, signoffSeq: later!.seq, at: later!.at, messageId: 'm2', name: 'https://mail.example.com/a/2', mime: 'text/uri-list', size: 0, source: 'link', url: 'https://mail.example.com/a/2', status: 'stored' }, undefined, by);
    await again.close();
    const w = { signed: later! };
    const db2 = JSON.parse(readFileSync(file, 'utf8'));
    db2.evidence.push({ id: 50, projectId: P, signoffSeq: w.signed.seq, at: confirm.at, messageId: 'x', name: 'https://forged.example.com/', mime: 'text/uri-list', size: 0, url: 'https://forged.example.com/', source: 'link', status: 'stored' });
    writeFileSync(file, JSON.stringify(db2));
    const forged = await audit({ DB_FILE: file });
    expect(forged.code).toBe(1);
    expect(forged.out).toContain(`evidence #50 (https://forged.example.com/, sign-off #${w.signed.seq}) is not in the audit trail: added outside the bot`);
  });
});

describe.skipIf(PG_SKIP)('evidence in the audit trail: PostgreSQL', () => {
  const schemas: string[] = [];
  beforeAll(assertPostgresReachable);
  afterAll(() => dropSchemas(schemas));

  it('the record, its bytes and its event in one transaction; audit verify names bytes or a hash changed in the database', async () => {
    const s = freshSchema('evaudit');
    schemas.push(s);
    const url = urlWithSchema(s);
    const store = await openPostgresStore(url);
    const w = await write(store);
    await eventsAreWritten(store, w);
    await store.close();
    expect((await audit({ DATABASE_URL: url })).out).toContain(`${P}: 3 evidence records, 1 files, all match the trail`);
    const c = new pg.Client({ connectionString: PG_BASE_URL, options: `-c search_path=${s}` });
    await c.connect();
    try {
      await c.query('UPDATE evidence_files SET bytes = $1 WHERE sha256 = $2', [Buffer.from('a different plan'), sha(plan)]);
      const bytes = await audit({ DATABASE_URL: url });
      expect(bytes.code).toBe(1);
      expect(bytes.out).toContain(`evidence #${w.file.id} (plan.pdf, sign-off #${w.signed.seq}): its stored file is missing or its bytes no longer hash to SHA-256 ${sha(plan)}`);
      await c.query('UPDATE evidence_files SET bytes = $1 WHERE sha256 = $2', [Buffer.from(plan), sha(plan)]);
      await c.query(`UPDATE evidence SET data = jsonb_set(data, '{size}', '1') WHERE id = $1`, [w.file.id]);
      const size = await audit({ DATABASE_URL: url });
      expect(size.code).toBe(1);
      expect(size.out).toContain(`does not match its audit event #${w.file.auditSeq}: size is 1, the event says ${plan.byteLength}`);
    } finally {
      await c.end();
    }
  });
});
