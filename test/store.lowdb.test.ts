import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { storeContract, type StoreFixture } from './store.contract.ts';
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
});
