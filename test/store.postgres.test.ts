import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres.ts';
import { storeContract, type StoreFixture } from './store.contract.ts';
import { inboxContract } from './store.inbox.contract.ts';
import { decideCreate, decideSignUp, type TrainingDecision } from '../src/training/decide.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { PG_BASE_URL, PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const schemas: string[] = [];
let url = '';

if (PG_SKIP) {
  describe.skip('PostgreSQL store (DATABASE_URL_TEST=skip)', () => it('skipped', () => {}));
} else {
  beforeAll(assertPostgresReachable);
  afterAll(() => dropSchemas(schemas));

  const fixture: StoreFixture = {
    open: async () => {
      const s = freshSchema();
      schemas.push(s);
      url = urlWithSchema(s);
      return openPostgresStore(url);
    },
    reopen: async () => openPostgresStore(url),
  };
  storeContract('PostgreSQL', fixture);
  inboxContract('PostgreSQL', fixture);

  describe('PostgreSQL store specifics', () => {
    it('migrates once when several replicas start at the same moment', async () => {
      const s = freshSchema('mig');
      schemas.push(s);
      const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore(urlWithSchema(s))));
      const c = new pg.Client({ connectionString: PG_BASE_URL });
      await c.connect();
      const { rows } = await c.query(`SELECT version FROM "${s}".schema_migrations ORDER BY version`);
      await c.end();
      // Each version once: a second replica migrating too would have failed on CREATE TABLE.
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }, { version: 7 }, { version: 8 }, { version: 9 }, { version: 10 }, { version: 11 }, { version: 12 }, { version: 13 }, { version: 14 }]);
      for (const st of stores) await st.close();
    });

    it('refuses to change or delete a sign-off row, even from SQL', async () => {
      const s = freshSchema();
      schemas.push(s);
      const store = await openPostgresStore(urlWithSchema(s));
      await store.appendSignoffs([
        { projectId: 'p', action: 'confirm', itemId: 'i', itemText: 't', userId: 'u', role: 'member', at: 'x', via: 'reply', platform: 'slack', evidenceMessageId: 'm', text: 'confirm 1' },
      ]);
      const c = new pg.Client({ connectionString: PG_BASE_URL });
      await c.connect();
      await expect(c.query(`DELETE FROM "${s}".signoffs`)).rejects.toThrow(/append-only/);
      await expect(c.query(`UPDATE "${s}".signoffs SET text = 'forged'`)).rejects.toThrow(/append-only/);
      await c.end();
      expect((await store.listSignoffs('p'))[0]?.text).toBe('confirm 1');
      await store.close();
    });

    it('answers a redelivered event once across two stores (two replicas) racing', async () => {
      const s = freshSchema();
      schemas.push(s);
      const [a, b] = await Promise.all([openPostgresStore(urlWithSchema(s)), openPostgresStore(urlWithSchema(s))]);
      const now = new Date('2026-10-09T01:00:00Z');
      const firsts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimEvent('slack:Ev1', now, 86_400_000)));
      expect(firsts.filter(Boolean)).toHaveLength(1);
      // Once expired, the key is new again.
      expect(await a.claimEvent('slack:Ev1', new Date(now.getTime() + 86_400_001), 86_400_000)).toBe(true);
      await a.close();
      await b.close();
    });

    it('gives the last seat of a training session to one of two stores (two replicas) clicking at once', async () => {
      const s = freshSchema();
      schemas.push(s);
      const [a, b] = await Promise.all([openPostgresStore(urlWithSchema(s)), openPostgresStore(urlWithSchema(s))]);
      const p = shanghaiProject();
      const st = { at: '2026-10-09T09:12:00+08:00', via: 'button' as const, platform: 'feishu' as const, evidenceMessageId: 'om_card', text: '[button] training signup' };
      const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });
      const cal = { isWorkingDay: () => true };
      const now = '2026-10-09T09:12';
      for (let round = 0; round < 5; round++) {
        const made = await a.addSession(p.id, (no) => write(decideCreate(p, no, { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' }, capacity: 2 }, { id: 'ou_admin' }, st, cal, now)));
        const no = made.session!.no;
        await a.changeSession(p.id, no, (x) => write(decideSignUp(p, x, { id: 'ou_first' }, st, now)));
        // Six people for the last seat, half through each replica, all at once.
        const racers = Array.from({ length: 6 }, (_, i) => `ou_r${round}_${i}`);
        const outs = await Promise.all(racers.map((u, i) => (i % 2 ? a : b).changeSession(p.id, no, (x) => write(decideSignUp(p, x, { id: u }, st, now)))));
        expect(outs.filter((o) => o?.result.ok && o.result.outcome === 'signed-up')).toHaveLength(1);
        expect(outs.filter((o) => o?.result.ok && o.result.outcome === 'waitlisted')).toHaveLength(5);
        const got = (await b.getSession(p.id, no))!;
        expect([got.signedUp.length, got.waitlist.length]).toEqual([2, 5]);
      }
      await a.close();
      await b.close();
    });

    it('says what is wrong when the server cannot be reached, without the password', async () => {
      await expect(openPostgresStore('postgres://bob:hunter2@127.0.0.1:1/test')).rejects.toThrow(/bob:\*\*\*@127\.0\.0\.1:1\/test is not usable.*check DATABASE_URL/);
      await expect(openPostgresStore('mysql://x')).rejects.toThrow(/must start with postgres:\/\//);
    });
  });
}
