import type { Lang } from '../../core/reply.ts';
import type { ChecklistLine, LineState } from '../model/checklist.ts';

/**
 * An item's state as every renderer shows it (the daily card, the answer card, the dashboard,
 * the reports): one vocabulary, so "即将到期" in chat is "即将到期" on the page and in the PDF.
 * `needs-evidence`: confirmed, but the template requires evidence and none was kept: still open.
 */
export type ItemState = LineState | 'needs-evidence';

export const itemState = (l: Pick<ChecklistLine, 'state' | 'needsEvidence'>): ItemState => (l.needsEvidence ? 'needs-evidence' : l.state);

export const STATE_WORDS: Record<Lang, Record<ItemState, string>> = {
  zh: { confirmed: '已确认', overdue: '逾期', due: '即将到期', open: '待办', 'needs-evidence': '待补证据' },
  en: { confirmed: 'confirmed', overdue: 'overdue', due: 'due soon', open: 'open', 'needs-evidence': 'needs evidence' },
};

/** The mark before the word in chat, where there is no colour. */
export const STATE_MARK: Record<ItemState, string> = { confirmed: '✅', overdue: '⛔', due: '⏰', open: '⬜', 'needs-evidence': '📎' };

/** "⏰ 即将到期" */
export const stateChip = (s: ItemState, lang: Lang) => `${STATE_MARK[s]} ${STATE_WORDS[lang][s]}`;

/** "10-09 09:12" from an ISO time that already carries the project's offset. */
export const shortAt = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
