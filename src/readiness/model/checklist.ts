import { addDays, daysBetween } from '../../calendar/dates.ts';
import type { ProjectRecord, SignoffEvent } from '../../store/records.ts';
import type { Template, TemplateItem } from './template.ts';
import type { EvidenceRecord } from '../../store/evidence.ts';

/** An open item is "due" when its due date is at most this many days away. */
export const DUE_SOON_DAYS = 3;

export type LineState = 'confirmed' | 'overdue' | 'due' | 'open';

export interface ChecklistLine {
  /** The number shown and replied to. */
  n: number;
  item: TemplateItem;
  state: LineState;
  dueDate: string;
  confirmed?: { userId: string; userName?: string; at: string };
  /** Confirmed, but the template requires evidence and none was kept with the confirm: still open. */
  needsEvidence?: boolean;
}

export interface Checklist {
  project: ProjectRecord;
  today: string;
  /** Calendar days from today to go-live; negative after it. */
  daysToGoLive: number;
  /** In number order. */
  lines: ChecklistLine[];
  done: number;
  total: number;
  allConfirmed: boolean;
  /** Item ids in number order: stored with the posted message. */
  order: string[];
}

/** The current state of each item: the last confirm or undo wins. */
export function itemStates(events: SignoffEvent[]): Map<string, SignoffEvent> {
  const last = new Map<string, SignoffEvent>();
  for (const e of events) last.set(e.itemId, e);
  for (const [id, e] of last) if (e.action !== 'confirm') last.delete(id);
  return last;
}

/** The sign-offs (by seq) that have stored evidence (a kept file or image, or a link). */
export const evidencedSeqs = (evidence: Pick<EvidenceRecord, 'signoffSeq' | 'status'>[]): Set<number> => new Set(evidence.flatMap((e) => (e.status === 'stored' && e.signoffSeq ? [e.signoffSeq] : [])));

/** Whether the confirm `c` of `item` counts: always, unless the item requires evidence and `c` has none. */
export const confirmCounts = (item: TemplateItem, c: SignoffEvent, withEvidence: Set<number> | undefined): boolean => item.evidence !== 'required' || !withEvidence || withEvidence.has(c.seq);

/**
 * A project's numbering, for life: the order of its last checklist (an item since removed from
 * the template keeps its number, unused, so "确认 5" never comes to mean another item), then the
 * items the template gained since, numbered after the rest. Template order for a first checklist.
 */
export function numberingFor(template: Template, previous?: string[]): string[] {
  if (!previous?.length) return template.items.map((i) => i.id);
  const known = new Set(previous);
  return [...previous, ...template.items.filter((i) => !known.has(i.id)).map((i) => i.id)];
}

/**
 * The checklist of `project` on its local date `today`. `order` (item ids) fixes the
 * numbering of an earlier message; by default items are numbered in template order.
 * With `evidence` (the project's evidence records), an item marked `evidence: required` whose
 * confirm has none stays open, marked needsEvidence.
 */
export function buildChecklist(template: Template, project: ProjectRecord, signoffs: SignoffEvent[], today: string, order?: string[], evidence?: Pick<EvidenceRecord, 'signoffSeq' | 'status'>[]): Checklist {
  const withEvidence = evidence && evidencedSeqs(evidence);
  const ids = order ?? template.items.map((i) => i.id);
  // Item n is ids[n - 1]; an id the template no longer has leaves its number unused.
  const numbered = ids.flatMap((id, i) => {
    const item = template.byId.get(id);
    return item ? [{ item, n: i + 1 }] : [];
  });
  const confirmed = itemStates(signoffs.filter((e) => e.projectId === project.id));
  const lines = numbered.map(({ item, n }): ChecklistLine => {
    const dueDate = addDays(project.goLive, item.due);
    const c = confirmed.get(item.id);
    const counts = !!c && confirmCounts(item, c, withEvidence);
    const state: LineState = counts ? 'confirmed' : dueDate < today ? 'overdue' : daysBetween(today, dueDate) <= DUE_SOON_DAYS ? 'due' : 'open';
    return { n, item, state, dueDate, ...(c ? { confirmed: { userId: c.userId, userName: c.userName, at: c.at } } : {}), ...(c && !counts ? { needsEvidence: true } : {}) };
  });
  const done = lines.filter((l) => l.state === 'confirmed').length;
  return {
    project,
    today,
    daysToGoLive: daysBetween(today, project.goLive),
    lines,
    done,
    total: lines.length,
    allConfirmed: lines.length > 0 && done === lines.length,
    order: ids,
  };
}
