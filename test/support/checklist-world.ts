import { shanghaiProject } from './fixtures.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Card } from '../../src/core/card.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { ChatRef, Platform } from '../../src/core/message.ts';
import type { Transport } from '../../src/core/transport.ts';
import { loadRulebook } from '../../src/rulebook/load.ts';
import { loadTemplate } from '../../src/readiness/model/template.ts';
import { createCalendar } from '../../src/calendar/calendar.ts';
import { createDailyJob } from '../../src/readiness/schedule/daily-job.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import type { ProjectRecord, Store } from '../../src/store/store.ts';

export const rulebook = loadRulebook('data');
export const template = loadTemplate('data', rulebook);

/** A Transport that records what the bot said: the edge between the core and a platform. */
export function recordingTransport() {
  const posts: { chat: ChatRef; card: Card; messageId: string }[] = [];
  /** `messageId`: what was replied to; `id`: the reply's own id (a button on it is clicked there). */
  const replies: { messageId: string; card: Card; id: string }[] = [];
  const updates: { messageId: string; card: Card }[] = [];
  let n = 0;
  let failNext = 0;
  const t: Transport = {
    async post(chat, card) {
      if (failNext > 0) {
        failNext--;
        throw new Error('platform down');
      }
      const messageId = `m${++n}`;
      posts.push({ chat, card, messageId });
      return { messageId };
    },
    async reply(to, card) {
      const id = `r${++n}`;
      replies.push({ messageId: to.messageId, card, id });
      return { messageId: id };
    },
    async update(_chat, messageId, card) {
      updates.push({ messageId, card });
    },
  };
  return { t, posts, replies, updates, failNextPosts: (k: number) => void (failNext = k) };
}

export { shanghaiProject };

export async function tempStore(file?: string): Promise<{ store: Store; file: string }> {
  const f = file ?? join(mkdtempSync(join(tmpdir(), 'cl-')), 'db.json');
  return { store: await openLowdbStore(f), file: f };
}

export function jobWorld(store: Store, start: string, transport: Transport, calendarDir?: string) {
  const clock = fixedClock(start);
  const calendar = createCalendar(calendarDir ? { dir: calendarDir } : {});
  const job = createDailyJob({ store, clock, log: silentLogger, template, calendar, transport: (_p: Platform) => transport });
  return { clock, calendar, job };
}
