import type { Card } from '../../core/card.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/log.ts';
import type { Platform } from '../../core/message.ts';
import type { Transport } from '../../core/transport.ts';
import type { Metrics } from '../../metrics.ts';
import { buildChecklist, numberingFor, type Checklist } from '../model/checklist.ts';
import { checklistCard, finalCard, type RuleFacts } from '../views/checklist-card.ts';
import type { Template } from '../model/template.ts';
import type { ChecklistMessage, ProjectRecord, Store } from '../../store/store.ts';
import type { WorkCalendar } from '../../calendar/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../../calendar/dates.ts';

/** A claim whose send has not completed after this long is taken to have died and is retried. */
export const STALE_CLAIM_MS = 10 * 60 * 1000;
/**
 * Projects posted at the same time by one run of the daily job. The transports pace sends to the
 * platforms' limits (adapters/rate-limit.ts), so this only has to cover the round trips: 50 posts/s
 * at about 300 ms each (store and platform) needs about 15 in flight; 4 left a remote platform's
 * limit unused (docs/operations.md, "Daily fan-out").
 */
export const RUN_CONCURRENCY = 16;

export type { JobOutcome } from './outcome.ts';
import type { JobOutcome } from './outcome.ts';
export interface JobResult {
  projectId: string;
  outcome: JobOutcome;
  slot?: string;
  messageId?: string;
  error?: string;
}

export interface JobDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  template: Template;
  calendar: WorkCalendar;
  transport(platform: Platform): Transport;
  staleMs?: number;
  /** Each project looked at is counted by outcome (GET /metrics). */
  metrics?: Pick<Metrics, 'dailyPosts'>;
  /** PUBLIC_URL: the card links to the project's dashboard page there. */
  publicUrl?: string;
  /** What other features say of the rules behind items (the training plan), shown under them on the card. */
  ruleFacts?: (project: ProjectRecord) => Promise<RuleFacts>;
}

/** The final summary's slot: one per go-live date, so rebinding to a later date starts again. */
export const finalSlot = (p: ProjectRecord) => `final:${p.goLive}`;

export interface DailyJob {
  /** Posts every project's checklist that is due now and not yet posted today. */
  run(): Promise<JobResult[]>;
  runProject(projectId: string): Promise<JobResult>;
  /** Posts the final summary now if everything is confirmed (after the last sign-off). */
  finishIfComplete(projectId: string): Promise<JobResult | undefined>;
  /** The checklist card as it stands now, with the calendar warning and other features' facts when needed. */
  card(project: ProjectRecord, order?: string[]): Promise<{ checklist: Checklist; card: Card }>;
  /** The checklist alone (what a status line, an answer or the last sign-off needs): no card, no facts read. */
  checklist(project: ProjectRecord, order?: string[]): Promise<Checklist>;
}

export function createDailyJob(deps: JobDeps): DailyJob {
  const { store, clock, log, template, calendar } = deps;
  const staleMs = deps.staleMs ?? STALE_CLAIM_MS;

  const checklistOf = async (project: ProjectRecord, order?: string[]) => {
    const today = localDate(clock.now(), project.timeZone);
    const [signoffs, evidence, latest] = await Promise.all([store.listSignoffs(project.id), store.listEvidence(project.id), order ? undefined : store.latestChecklistMessage(project.id)]);
    // A new checklist keeps the project's numbers (numberingFor); one being redrawn keeps its own.
    return buildChecklist(template, project, signoffs, today, order ?? numberingFor(template, latest?.items), evidence);
  };

  const card = async (project: ProjectRecord, order?: string[]) => {
    const checklist = await checklistOf(project, order);
    const beyond = calendar.knows(project.goLive, project.timeZone) ? undefined : calendar.knownYears().at(-1);
    const dashboardUrl = deps.publicUrl && `${deps.publicUrl}/dashboard/projects/${encodeURIComponent(project.id)}`;
    // A feature that cannot say (its store read failed) leaves the card as it is.
    const facts = deps.ruleFacts && (await deps.ruleFacts(project).catch((err) => (log.warn('rule facts unavailable for the checklist', { projectId: project.id, err }), undefined)));
    return { checklist, card: checklistCard(checklist, { ...(beyond === undefined ? {} : { beyondCalendar: beyond }), ...(dashboardUrl ? { dashboardUrl } : {}), ...(facts ? { facts } : {}) }) };
  };

  /** Claim, send, record. The claim makes it exactly once; a failed send releases it for the next run. */
  const postOnce = async (project: ProjectRecord, slot: string, kind: ChecklistMessage['kind'], c: Checklist, body: Card): Promise<JobResult> => {
    const now = clock.now();
    const claim = await store.claimPost(project.id, slot, now, staleMs);
    if (claim === 'sent') return { projectId: project.id, outcome: kind === 'final' ? 'finished' : 'already-posted', slot };
    if (claim === 'busy') return { projectId: project.id, outcome: 'busy', slot };
    let messageId: string;
    try {
      // Keyed by project and slot: a claim taken over after a crash or a timeout that followed
      // the send is not posted twice (Feishu drops the repeated uuid; Slack looks first).
      const opts = { key: `checklist:${project.id}:${slot}`, retry: claim === 'reclaimed' };
      ({ messageId } = await deps.transport(project.platform).post({ platform: project.platform, chatId: project.chatId, chatType: 'group' }, body, opts));
    } catch (err) {
      await store.releasePost(project.id, slot);
      log.error('checklist post failed; will retry on the next run', { projectId: project.id, slot, err });
      return { projectId: project.id, outcome: 'failed', slot, error: (err as Error).message };
    }
    await store.completePost(project.id, slot, {
      projectId: project.id,
      platform: project.platform,
      chatId: project.chatId,
      messageId,
      items: c.order,
      postedAt: isoWithOffset(now, project.timeZone),
      kind,
    });
    log.info(kind === 'final' ? 'final readiness summary posted' : 'checklist posted', { projectId: project.id, slot, messageId });
    return { projectId: project.id, outcome: kind === 'final' ? 'final' : 'posted', slot, messageId };
  };

  const runFor = async (project: ProjectRecord): Promise<JobResult> => {
    const id = project.id;
    if ((await store.getPost(id, finalSlot(project)))?.status === 'sent') return { projectId: id, outcome: 'finished' };
    const now = clock.now();
    const today = localDate(now, project.timeZone);
    if (!calendar.isWorkingDay(today, project.timeZone)) return { projectId: id, outcome: 'not-working-day', slot: today };
    if (localTime(now, project.timeZone) < project.postTime) return { projectId: id, outcome: 'before-time', slot: today };
    // Cheap read first: the sweep runs every 15 minutes and most runs find today's post sent.
    if (today <= project.goLive && (await store.getPost(id, today))?.status === 'sent') return { projectId: id, outcome: 'already-posted', slot: today };
    const { checklist, card: daily } = await card(project);
    if (today > project.goLive || checklist.allConfirmed) return postOnce(project, finalSlot(project), 'final', checklist, finalCard(checklist));
    return postOnce(project, today, 'daily', checklist, daily);
  };

  const counted = (project: ProjectRecord, r: JobResult): JobResult => {
    deps.metrics?.dailyPosts.inc({ platform: project.platform, outcome: r.outcome });
    return r;
  };

  const safe = async (project: ProjectRecord): Promise<JobResult> => {
    try {
      return counted(project, await runFor(project));
    } catch (err) {
      log.error('daily checklist job failed for a project', { projectId: project.id, err });
      return counted(project, { projectId: project.id, outcome: 'failed', error: (err as Error).message });
    }
  };

  return {
    card,
    checklist: checklistOf,
    async run() {
      // Several projects at a time (RUN_CONCURRENCY); the claims keep it exactly once.
      const projects = await store.listProjects();
      const out: JobResult[] = new Array(projects.length);
      let next = 0;
      const worker = async () => {
        while (next < projects.length) {
          const i = next++;
          out[i] = await safe(projects[i]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(RUN_CONCURRENCY, projects.length) }, worker));
      return out;
    },
    async runProject(projectId) {
      const p = await store.getProject(projectId);
      if (!p) return { projectId, outcome: 'failed', error: 'no such project' };
      return safe(p);
    },
    async finishIfComplete(projectId) {
      const p = await store.getProject(projectId);
      if (!p) return undefined;
      const checklist = await checklistOf(p);
      if (!checklist.allConfirmed) return undefined;
      return counted(p, await postOnce(p, finalSlot(p), 'final', checklist, finalCard(checklist)));
    },
  };
}
