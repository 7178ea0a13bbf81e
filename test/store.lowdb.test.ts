import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../src/store/journal.ts';
import { journalFiles, openLowdbStore } from '../src/store/lowdb.ts';
import { Delivery } from '../src/store/records.ts';
import { storeContract, type StoreFixture } from './store.contract.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { inboxContract } from './store.inbox.contract.ts';

let file = '';
const fixture: StoreFixture = {
  open: async () => {
    file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db.json');
    return openLowdbStore(file);
  },
  reopen: async () => openLowdbStore(file),
};
storeContract('lowdb', fixture);
inboxContract('lowdb', fixture);

describe('lowdb store file', () => {
  it('refuses a corrupt file and leaves it untouched', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'store-')), 'db.json');
    writeFileSync(f, '{"projects": {"x": ');
    await expect(openLowdbStore(f)).rejects.toThrow(/not a readable store.*left untouched/);
    expect(readFileSync(f, 'utf8')).toBe('{"projects": {"x": ');
  });

  it('refuses a file whose records do not validate, naming the field', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'store-')), 'db.json');
    writeFileSync(f, JSON.stringify({ signoffs: [{ seq: 1 }] }));
    await expect(openLowdbStore(f)).rejects.toThrow(/signoffs\.0\./);
  });

  const fresh = () => join(mkdtempSync(join(tmpdir(), 'store-')), 'db.json');
  const TTL = 86_400_000;
  const t0 = new Date('2026-10-09T01:00:00Z');
  const d = (key: string) => ({ key, platform: 'slack' as const, kind: 'slack', payload: { text: key } });

  it('keeps per-event keys out of the JSON file, so an event does not rewrite it', async () => {
    const f = fresh();
    const store = await openLowdbStore(f);
    await store.bindProject(shanghaiProject());
    const before = readFileSync(f, 'utf8');
    for (let i = 0; i < 50; i++) {
      await store.claimEvent(`slack:Ev${i}`, t0, TTL);
      await store.acceptDelivery(d(`slack:Ev${i}`), t0, TTL);
      await store.finishDelivery(`slack:Ev${i}`, 'done');
    }
    expect(readFileSync(f, 'utf8')).toBe(before);
    await store.close();
  });

  it('drops a journal line cut off by a crash and keeps the rest', async () => {
    const f = fresh();
    const store = await openLowdbStore(f);
    await store.acceptDelivery(d('slack:Ev1'), t0, TTL);
    await store.acceptDelivery(d('slack:Ev2'), t0, TTL);
    await store.close();
    const { inbox } = journalFiles(f);
    writeFileSync(inbox, readFileSync(inbox, 'utf8') + '{"k":"slack:Ev3","v":{"key":"sl');
    const again = await openLowdbStore(f);
    expect((await again.takeDeliveries(t0, 60_000, 10, ['slack'])).map((x) => x.key)).toEqual(['slack:Ev1', 'slack:Ev2']);
    expect(readFileSync(inbox, 'utf8').endsWith('\n')).toBe(true);
    await again.close();
  });

  it('writes a renewal as a lease record without the payload, and replays it (also after a torn last line)', async () => {
    const f = fresh();
    const store = await openLowdbStore(f);
    await store.acceptDelivery({ ...d('slack:Ev1'), payload: { text: 'kept 培训' } }, t0, TTL);
    await store.acceptDelivery(d('slack:Ev2'), t0, TTL);
    await store.renewDeliveries(['slack:Ev1', 'slack:nope'], new Date(t0.getTime() + 50_000));
    await store.close();
    const { inbox } = journalFiles(f);
    const lines = readFileSync(inbox, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ k: 'slack:Ev1', p: { takenAt: t0.getTime() + 50_000 } });
    expect(lines).toHaveLength(3);
    // A crash in the middle of the next renewal's line.
    writeFileSync(inbox, readFileSync(inbox, 'utf8') + '{"k":"slack:Ev2","p":{"taken');
    // Replay: Ev1's lease moved and its payload is whole; the torn record is dropped, Ev2 kept its lease from t0.
    const { map, torn } = readJournal(inbox, Delivery);
    expect(torn).toBe(true);
    expect(map.get('slack:Ev1')).toEqual({ key: 'slack:Ev1', platform: 'slack', kind: 'slack', payload: { text: 'kept 培训' }, receivedAt: t0.getTime(), takenAt: t0.getTime() + 50_000, attempts: 1, status: 'pending' });
    expect(map.get('slack:Ev2')).toMatchObject({ payload: { text: 'slack:Ev2' }, takenAt: t0.getTime() });
    // Opening repairs the file (the lock is gone, so both are handed out at once, with their payloads).
    const again = await openLowdbStore(f);
    expect((await again.takeDeliveries(t0, 60_000, 10, ['slack'])).map((x) => [x.key, x.payload])).toEqual([['slack:Ev1', { text: 'kept 培训' }], ['slack:Ev2', { text: 'slack:Ev2' }]]);
    expect(readFileSync(inbox, 'utf8').endsWith('\n')).toBe(true);
    await again.close();
  });

  it('refuses a journal with a broken line in the middle, naming file and line, and leaves it untouched', async () => {
    const f = fresh();
    const { events } = journalFiles(f);
    const text = '{"k":"slack:Ev1","v":1}\nnot json\n{"k":"slack:Ev2","v":2}\n';
    writeFileSync(events, text);
    await expect(openLowdbStore(f)).rejects.toThrow(/events\.jsonl:2: not a JSON line.*left untouched/);
    writeFileSync(events, '{"k":"slack:Ev1","v":"yesterday"}\n');
    await expect(openLowdbStore(f)).rejects.toThrow(/events\.jsonl:1: record: .*number/);
    expect(readFileSync(events, 'utf8')).toBe('{"k":"slack:Ev1","v":"yesterday"}\n');
  });

  it('moves delivery keys and unfinished events out of a file written by an earlier version', async () => {
    const f = fresh();
    const pending = { key: 'slack:EvOld', platform: 'slack', kind: 'slack', payload: { text: 'q' }, receivedAt: t0.getTime(), takenAt: t0.getTime(), attempts: 1, status: 'pending' };
    writeFileSync(f, JSON.stringify({ events: { 'slack:C1:1.2': t0.getTime() }, deliveries: { 'slack:EvOld': pending }, signoffs: [] }));
    const store = await openLowdbStore(f);
    expect(await store.claimEvent('slack:C1:1.2', t0, TTL)).toBe(false);
    expect((await store.takeDeliveries(t0, 60_000, 10, ['slack'])).map((x) => x.payload)).toEqual([{ text: 'q' }]);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ events: {}, deliveries: {} });
    await store.close();
  });

  it('rewrites a journal once it is mostly dead lines', async () => {
    const f = fresh();
    const store = await openLowdbStore(f);
    for (let i = 0; i < 600; i++) await store.acceptDelivery(d(`slack:Ev${i}`), t0, TTL);
    await Promise.all(Array.from({ length: 600 }, (_, i) => store.finishDelivery(`slack:Ev${i}`, 'done')));
    const { inbox } = journalFiles(f);
    expect(readFileSync(inbox, 'utf8').split('\n').length).toBeGreaterThan(1200);
    // A day later the finished keys expire; the file shrinks to what is live.
    await store.acceptDelivery(d('slack:EvNext'), new Date(t0.getTime() + TTL + 120_000), TTL);
    expect(readFileSync(inbox, 'utf8').trim().split('\n')).toHaveLength(1);
    await store.close();
    const again = await openLowdbStore(f);
    expect((await again.takeDeliveries(new Date(t0.getTime() + 2 * TTL), 60_000, 10, ['slack'])).map((x) => x.key)).toEqual(['slack:EvNext']);
    await again.close();
  });

  it('refuses a second writing process, naming it, and takes over the lock of one that is gone', async () => {
    const f = fresh();
    const other = spawn('sleep', ['30']);
    const lock = f.replace(/\.json$/, '.lock');
    try {
      writeFileSync(lock, String(other.pid));
      await expect(openLowdbStore(f)).rejects.toThrow(new RegExp(`in use by process ${other.pid}.*one process per file.*DATABASE_URL`));
      // The same pid, but a process that started at another time: the pid was reused after a crash.
      writeFileSync(lock, `${other.pid} 1`);
      await (await openLowdbStore(f)).close();
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its process is gone (as after kill -9): the next start takes the file.
    const store = await openLowdbStore(f);
    await store.acceptDelivery(d('slack:Ev1'), t0, TTL);
    await store.close();
  });

  it('opens read-only beside the running bot: reads what it wrote, writes nothing, refuses changes', async () => {
    const f = fresh();
    const bot = await openLowdbStore(f);
    await bot.appendSignoffs([{ projectId: 'p', action: 'confirm', itemId: 'a', itemText: 'A', userId: 'u', role: 'member', at: 'x', via: 'reply', platform: 'slack', evidenceMessageId: 'm', text: '确认 1' }]);
    await bot.acceptDelivery(d('slack:Ev1'), t0, TTL);
    const files = [f, ...Object.values(journalFiles(f))];
    const bytes = files.map((x) => readFileSync(x, 'utf8'));
    const look = await openLowdbStore(f, { readOnly: true });
    expect((await look.listSignoffs('p')).map((e) => e.itemId)).toEqual(['a']);
    await expect(look.acceptDelivery(d('slack:Ev2'), t0, TTL)).rejects.toThrow(/read-only/);
    await expect(look.addFeedback({ question: 'q', ruleId: '5.2-10', vote: 'up', platform: 'slack', userId: 'u', at: 'x' })).rejects.toThrow(/read-only/);
    await look.close();
    expect(files.map((x) => readFileSync(x, 'utf8'))).toEqual(bytes);
    // The bot's own writes go on, into the same files.
    await bot.acceptDelivery(d('slack:Ev3'), t0, TTL);
    await bot.close();
    const again = await openLowdbStore(f);
    expect((await again.takeDeliveries(t0, 60_000, 10, ['slack'])).map((x) => x.key)).toEqual(['slack:Ev1', 'slack:Ev3']);
    await again.close();
  });
});
