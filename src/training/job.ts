import type { Card } from '../core/card.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Platform } from '../core/message.ts';
import type { Transport } from '../core/transport.ts';
import type { Stamp } from '../readiness/model/authority.ts';
import type { Rulebook } from '../rulebook/model.ts';
import type { WorkCalendar } from '../calendar/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import { STALE_CLAIM_MS } from '../readiness/schedule/daily-job.ts';
import type { ProjectRecord, Store } from '../store/store.ts';
import { decideNotice, managerAbsent, warnedOf, type TrainingDecision } from './decide.ts';
import { dueNotices, type DueNotice, type Session } from './model.ts';
import { managerAbsentCard, reminderCard } from './notice-card.ts';

/**
 * What the bot posts about training by itself (src/training/model.ts dueNotices decides what is
 * due): the reminders the day before and an hour before, and the 5.3-5 warning 15 minutes into a
 * staff session without a customer-side manager. Run every minute by the scheduler (and by
 * POST /admin/jobs/training-notices). Exactly once across replicas with the daily checklist's
 * claim (Store.claimPost, per project, slot `training:<no>:<kind>:<start>`): claim, send keyed by
 * the slot, record the notice on the session with its audit event (decideNotice, once), then
 * mark the claim sent (Store.finishPost). A failed send releases the claim for the next run;
 * a process that dies after sending leaves a claim that goes stale and is sent again with the
 * same key (Feishu drops the repeat, Slack looks first), recorded once.
 */

export type NoticeOutcome = 'posted' | 'already-sent' | 'busy' | 'failed' | 'no-longer-due';
export interface NoticeResult {
  projectId: string;
  no: number;
  kind: DueNotice['kind'];
  slot: string;
  outcome: NoticeOutcome;
  messageId?: string;
  error?: string;
}

export interface TrainingJobDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  calendar: WorkCalendar;
  /** The rulebook now (5.3-5 is quoted from it). */
  rulebook(): Rulebook;
  transport(platform: Platform): Transport;
  staleMs?: number;
}

export interface TrainingJob {
  /** Posts every notice due now that is not yet sent, for every project. */
  run(): Promise<NoticeResult[]>;
}

const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });

export function createTrainingJob(deps: TrainingJobDeps): TrainingJob {
  const { store, clock, log, calendar } = deps;
  const staleMs = deps.staleMs ?? STALE_CLAIM_MS;

  const compose = (p: ProjectRecord, s: Session, n: DueNotice): { card: Card; mentioned: string[] } => {
    if (n.kind === 'manager-absent') {
      const warned = warnedOf(p);
      return { card: managerAbsentCard(p, s, warned, deps.rulebook(), p.lang), mentioned: [...warned.vendorPm, ...warned.customerLead] };
    }
    return { card: reminderCard(p, s, n.kind, p.lang), mentioned: [...s.signedUp] };
  };

  const postNotice = async (p: ProjectRecord, s: Session, n: DueNotice): Promise<NoticeResult> => {
    const base = { projectId: p.id, no: s.no, kind: n.kind, slot: n.slot };
    const now = clock.now();
    const claim = await store.claimPost(p.id, n.slot, now, staleMs);
    if (claim === 'sent') return { ...base, outcome: 'already-sent' };
    if (claim === 'busy') return { ...base, outcome: 'busy' };
    // Read again under the claim: another replica may have recorded it, or a manager checked in meanwhile.
    const fresh = await store.getSession(p.id, s.no);
    const still = fresh && (fresh.notices.some((x) => x.slot === n.slot) ? 'recorded' : dueNotices(fresh, p.postTime, localNow(p), isWorkingDay(p)).some((x) => x.slot === n.slot) ? 'due' : 'gone');
    if (!fresh || still === 'gone' || (n.kind === 'manager-absent' && !managerAbsent(fresh))) {
      await store.releasePost(p.id, n.slot);
      return { ...base, outcome: 'no-longer-due' };
    }
    let messageId: string;
    const { card, mentioned } = compose(p, fresh, n);
    if (still === 'recorded') messageId = fresh.notices.find((x) => x.slot === n.slot)!.messageId;
    else {
      try {
        const key = `training:${p.id}:${n.slot}`;
        ({ messageId } = await deps.transport(p.platform).post({ platform: p.platform, chatId: p.chatId, chatType: 'group' }, card, { key, retry: claim === 'reclaimed' }));
      } catch (err) {
        await store.releasePost(p.id, n.slot);
        log.error('training notice failed; will retry on the next run', { projectId: p.id, no: s.no, kind: n.kind, err });
        return { ...base, outcome: 'failed', error: (err as Error).message };
      }
      const st: Stamp = {
        at: isoWithOffset(now, p.timeZone),
        via: 'schedule',
        platform: p.platform,
        evidenceMessageId: messageId,
        text: `[schedule] training ${n.kind} ${s.no}`,
        rulebookVersion: deps.rulebook().version,
      };
      await store.changeSession(p.id, s.no, (x) => write(decideNotice(p, x, n, messageId, mentioned, st)));
    }
    await store.finishPost(p.id, n.slot, messageId, now);
    log.info('training notice posted', { projectId: p.id, no: s.no, kind: n.kind, messageId, mentioned: mentioned.length });
    return { ...base, outcome: 'posted', messageId };
  };

  const localNow = (p: ProjectRecord) => `${localDate(clock.now(), p.timeZone)}T${localTime(clock.now(), p.timeZone)}`;
  const isWorkingDay = (p: ProjectRecord) => (d: string) => calendar.isWorkingDay(d, p.timeZone);

  const runProject = async (p: ProjectRecord): Promise<NoticeResult[]> => {
    const out: NoticeResult[] = [];
    const now = localNow(p);
    for (const s of await store.listSessions(p.id)) {
      for (const n of dueNotices(s, p.postTime, now, isWorkingDay(p))) {
        try {
          out.push(await postNotice(p, s, n));
        } catch (err) {
          log.error('training notice job failed for a session', { projectId: p.id, no: s.no, kind: n.kind, err });
          out.push({ projectId: p.id, no: s.no, kind: n.kind, slot: n.slot, outcome: 'failed', error: (err as Error).message });
        }
      }
    }
    return out;
  };

  return {
    async run() {
      const results: NoticeResult[] = [];
      for (const p of await store.listProjects()) {
        try {
          results.push(...(await runProject(p)));
        } catch (err) {
          log.error('training notice job failed for a project', { projectId: p.id, err });
        }
      }
      return results;
    },
  };
}
