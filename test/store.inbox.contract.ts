import { afterEach, describe, expect, it } from 'vitest';
import type { NewDelivery, Store } from '../src/store/store.ts';
import type { StoreFixture } from './store.contract.ts';

const TTL = 24 * 3600_000;
const LEASE = 60_000;
const t0 = new Date('2026-10-09T01:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const delivery = (key: string, payload: unknown = { text: '培训人数多怎么办' }): NewDelivery => ({ key, platform: 'slack', kind: 'slack', payload });

/** The inbox part of the Store contract: what makes an acknowledged event survive a crash. */
export function inboxContract(name: string, fixture: StoreFixture): void {
  describe(`Store contract, inbox: ${name}`, () => {
    let store: Store;
    afterEach(async () => store?.close());

    it('accepts an event once, among concurrent callers, and again only after it expired', async () => {
      store = await fixture.open();
      const firsts = await Promise.all(Array.from({ length: 10 }, () => store.acceptDelivery(delivery('slack:Ev1'), t0, TTL)));
      expect(firsts.filter(Boolean)).toHaveLength(1);
      await store.finishDelivery('slack:Ev1', 'done');
      expect(await store.acceptDelivery(delivery('slack:Ev1'), at(TTL - 1), TTL)).toBe(false);
      expect(await store.acceptDelivery(delivery('slack:Ev2'), at(TTL - 1), TTL)).toBe(true);
      expect(await store.acceptDelivery(delivery('slack:Ev1'), at(TTL + 1), TTL)).toBe(true);
    });

    it('never forgets a pending event, however old', async () => {
      store = await fixture.open();
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      expect(await store.acceptDelivery(delivery('slack:Ev1'), at(3 * TTL), TTL)).toBe(false);
      expect((await store.takeDeliveries(at(3 * TTL), LEASE, 10, ['slack'])).map((d) => d.key)).toEqual(['slack:Ev1']);
    });

    it('hands an unfinished event out again after its lease, once, oldest first, with the payload', async () => {
      store = await fixture.open();
      const odd = { text: 'nul \u0000 emoji 🙂 quote " backslash \\ 培训', n: 3, nested: [{ a: null }] };
      await store.acceptDelivery(delivery('slack:Ev2', odd), at(5), TTL);
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      expect(await store.takeDeliveries(at(LEASE - 1), LEASE, 10, ['slack'])).toEqual([]);
      const taken = await store.takeDeliveries(at(LEASE + 5), LEASE, 10, ['slack']);
      expect(taken.map((d) => [d.key, d.attempts, d.kind, d.platform])).toEqual([
        ['slack:Ev1', 2, 'slack', 'slack'],
        ['slack:Ev2', 2, 'slack', 'slack'],
      ]);
      expect(taken[1]!.payload).toEqual(odd);
      expect(await store.takeDeliveries(at(LEASE + 6), LEASE, 10, ['slack'])).toEqual([]);
      expect(await store.takeDeliveries(at(2 * LEASE + 5), LEASE, 1, ['slack'])).toHaveLength(1);
    });

    it('gives each unfinished event to one of many concurrent sweepers', async () => {
      store = await fixture.open();
      for (let i = 0; i < 20; i++) await store.acceptDelivery(delivery(`slack:Ev${i}`), t0, TTL);
      const sweeps = await Promise.all(Array.from({ length: 6 }, () => store.takeDeliveries(at(LEASE), LEASE, 5, ['slack'])));
      const keys = sweeps.flat().map((d) => d.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBeLessThanOrEqual(20);
      const rest = await store.takeDeliveries(at(LEASE), LEASE, 100, ['slack']);
      expect(keys.length + rest.length).toBe(20);
    });

    it('does not hand out a finished or failed event again', async () => {
      store = await fixture.open();
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      await store.acceptDelivery(delivery('slack:Ev2'), t0, TTL);
      await store.finishDelivery('slack:Ev1', 'done');
      await store.finishDelivery('slack:Ev2', 'failed');
      await store.finishDelivery('slack:nope', 'done');
      expect(await store.takeDeliveries(at(10 * LEASE), LEASE, 10, ['slack'])).toEqual([]);
    });

    it('does not hand out an event whose lease its handler renewed', async () => {
      store = await fixture.open();
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      await store.acceptDelivery(delivery('slack:Ev2'), t0, TTL);
      await store.renewDeliveries(['slack:Ev1', 'slack:nope'], at(LEASE - 1));
      expect((await store.takeDeliveries(at(LEASE + 5), LEASE, 10, ['slack'])).map((d) => d.key)).toEqual(['slack:Ev2']);
      expect((await store.takeDeliveries(at(2 * LEASE), LEASE, 10, ['slack'])).map((d) => d.key)).toEqual(['slack:Ev1']);
    });

    it('renewing moves only the lease: the payload and attempts stay as they were', async () => {
      store = await fixture.open();
      const payload = { text: '培训人数多怎么办 🙂', nested: [{ a: null, n: 3 }] };
      await store.acceptDelivery(delivery('slack:Ev1', payload), t0, TTL);
      await store.renewDeliveries(['slack:Ev1'], at(LEASE - 1));
      await store.renewDeliveries(['slack:Ev1'], at(2 * LEASE - 2));
      expect(await store.takeDeliveries(at(3 * LEASE - 3), LEASE, 10, ['slack'])).toEqual([]);
      const [taken] = await store.takeDeliveries(at(3 * LEASE - 2), LEASE, 10, ['slack']);
      expect(taken).toMatchObject({ key: 'slack:Ev1', payload, receivedAt: t0.getTime(), takenAt: at(3 * LEASE - 2).getTime(), attempts: 2, status: 'pending' });
    });

    it('hands out only the kinds the caller can handle', async () => {
      store = await fixture.open();
      await store.acceptDelivery({ ...delivery('feishu:ev1'), platform: 'feishu', kind: 'feishu.message' }, t0, TTL);
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      expect((await store.takeDeliveries(at(LEASE), LEASE, 10, ['slack'])).map((d) => d.key)).toEqual(['slack:Ev1']);
      expect((await store.takeDeliveries(at(LEASE), LEASE, 10, ['feishu.message'])).map((d) => [d.key, d.attempts])).toEqual([['feishu:ev1', 2]]);
    });

    it('hands out at once an event recorded for someone else to take', async () => {
      store = await fixture.open();
      await store.acceptDelivery({ ...delivery('slack:Ev1'), taken: false }, t0, TTL);
      expect((await store.takeDeliveries(t0, LEASE, 10, ['slack'])).map((d) => [d.key, d.attempts])).toEqual([['slack:Ev1', 1]]);
    });

    it('tells how many events are unfinished and when the oldest came (for /metrics), without changing anything', async () => {
      store = await fixture.open();
      expect(await store.inboxDepth()).toEqual({ pending: 0 });
      await store.acceptDelivery(delivery('slack:Ev2'), at(5), TTL);
      await store.acceptDelivery(delivery('slack:Ev1'), t0, TTL);
      await store.acceptDelivery(delivery('slack:Ev3'), at(9), TTL);
      await store.acceptDelivery({ ...delivery('feishu:ev1'), platform: 'feishu', kind: 'feishu.message', taken: false }, at(7), TTL);
      await store.finishDelivery('slack:Ev1', 'done');
      await store.finishDelivery('slack:Ev3', 'failed');
      expect(await store.inboxDepth()).toEqual({ pending: 2, oldestReceivedAt: at(5).getTime() });
      // Read-only: what is pending is still handed out as before.
      expect((await store.takeDeliveries(at(LEASE + 10), LEASE, 10, ['slack', 'feishu.message'])).map((d) => d.key)).toEqual(['slack:Ev2', 'feishu:ev1']);
      await store.finishDelivery('slack:Ev2', 'done');
      await store.finishDelivery('feishu:ev1', 'done');
      expect(await store.inboxDepth()).toEqual({ pending: 0 });
    });

    it('keeps an accepted event across a restart', async () => {
      if (!fixture.reopen) return;
      store = await fixture.open();
      await store.acceptDelivery(delivery('slack:Ev1', { text: 'kept' }), t0, TTL);
      await store.close();
      store = await fixture.reopen();
      expect(await store.acceptDelivery(delivery('slack:Ev1'), at(1), TTL)).toBe(false);
      const taken = await store.takeDeliveries(at(LEASE), LEASE, 10, ['slack']);
      expect(taken.map((d) => d.payload)).toEqual([{ text: 'kept' }]);
    });
  });
}
