import type { ChatRef } from '../core/message.ts';
import { projectIdOf } from './model/project-id.ts';
import { roleLabel } from './model/roles.ts';
import type { DailyJob } from './schedule/daily-job.ts';
import type { Store } from '../store/store.ts';
import type { Template } from './model/template.ts';
import { itemState, type ItemState } from './views/item-words.ts';

/** One checklist item as it stands in a project: plain data, for answers that know the project. */
export interface ProjectItemStatus {
  /** The number on the latest checklist message (what a confirm button or "确认 n" means). */
  n: number;
  text: { zh: string; en: string };
  /** As every renderer shows it (views/item-words.ts). */
  state: ItemState;
  /** YYYY-MM-DD in the project's time zone. */
  dueDate: string;
  /** Who may confirm it, as shown to people. */
  confirmBy: { zh: string; en: string };
  /** Set when confirmed: a display name, or the user id when the name is unknown (plain text, not markdown). */
  confirmedBy?: string;
  /** ISO 8601 with the project's offset. */
  confirmedAt?: string;
}

export interface ProjectStatus {
  projectName: string;
  items: ProjectItemStatus[];
}

/** The checklist items of the chat's project that come from `ruleId`; undefined without a project or such items. */
export type ProjectStatusFor = (ruleId: string, chat: ChatRef) => Promise<ProjectStatus | undefined>;

export function createProjectStatus(deps: { store: Store; template: Template; job: DailyJob }): ProjectStatusFor {
  const { store, template, job } = deps;
  return async (ruleId, chat) => {
    // Most answers have no checklist item: skip the store entirely.
    if (chat.chatType !== 'group' || !template.items.some((i) => i.rules.includes(ruleId))) return undefined;
    const project = await store.getProject(projectIdOf(chat.platform, chat.chatId));
    if (!project) return undefined;
    // The project's numbers (as on the latest checklist), which a bare "@bot 确认 n" or a button off a checklist refers to.
    const checklist = await job.checklist(project);
    const items = checklist.lines
      .filter((l) => l.item.rules.includes(ruleId))
      .map(
        (l): ProjectItemStatus => ({
          n: l.n,
          text: l.item.text,
          state: itemState(l),
          dueDate: l.dueDate,
          confirmBy: roleLabel[l.item.confirm],
          ...(l.confirmed ? { confirmedBy: l.confirmed.userName ?? l.confirmed.userId, confirmedAt: l.confirmed.at } : {}),
        }),
      );
    return items.length ? { projectName: project.name, items } : undefined;
  };
}
