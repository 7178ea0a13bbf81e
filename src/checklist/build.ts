import { addDays, daysBetween } from '../schedule/dates.ts';
import type { ProjectRecord, SignoffEvent } from '../store/records.ts';
import type { Template, TemplateItem } from './template.ts';

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

/**
 * The checklist of `project` on its local date `today`. `order` (item ids) fixes the
 * numbering of an earlier message; by default items are numbered in template order.
 */
export function buildChecklist(template: Template, project: ProjectRecord, signoffs: SignoffEvent[], today: string, order?: string[]): Checklist {
  const items = order ? order.map((id) => template.byId.get(id)).filter((x): x is TemplateItem => !!x) : template.items;
  const confirmed = itemStates(signoffs.filter((e) => e.projectId === project.id));
  const lines = items.map((item, i): ChecklistLine => {
    const dueDate = addDays(project.goLive, item.due);
    const c = confirmed.get(item.id);
    const state: LineState = c ? 'confirmed' : dueDate < today ? 'overdue' : daysBetween(today, dueDate) <= DUE_SOON_DAYS ? 'due' : 'open';
    return { n: i + 1, item, state, dueDate, ...(c ? { confirmed: { userId: c.userId, userName: c.userName, at: c.at } } : {}) };
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
    order: items.map((i) => i.id),
  };
}
