import type { Role, SignoffEvent } from '../../store/records.ts';
import type { TemplateItem } from './template.ts';

/** What one item of a confirm or undo comes to. */
export type ItemDecision =
  | { kind: 'write'; n: number; item: TemplateItem }
  /** Confirmed already without the evidence it requires: this confirm brings it. */
  | { kind: 'attach'; n: number; item: TemplateItem; event: SignoffEvent }
  | { kind: 'skip'; n: number; item: TemplateItem; why: 'confirmed' | 'needs-evidence'; event: SignoffEvent }
  | { kind: 'skip'; n: number; item: TemplateItem; why: 'not-confirmed' }
  /** `role`: the item needs a role this person does not hold; `not-yours`: only whoever confirmed it, or the admin, may undo. */
  | { kind: 'refuse'; n: number; item: TemplateItem; why: 'role' }
  | { kind: 'refuse'; n: number; item: TemplateItem; why: 'not-yours'; event: SignoffEvent };

export type SignoffDecision =
  | { outcome: 'unknown-item'; unknown: number[]; valid: number[] }
  /** An explicit list is all or nothing: something in it is refused, nothing is recorded. */
  | { outcome: 'refused'; refused: ItemDecision[] }
  | { outcome: 'unchanged'; skipped: ItemDecision[]; refused: ItemDecision[] }
  | { outcome: 'record'; write: Extract<ItemDecision, { kind: 'write' }>[]; attach: Extract<ItemDecision, { kind: 'attach' }>[]; skipped: ItemDecision[]; refused: ItemDecision[] };

export interface SignoffInput {
  kind: 'confirm' | 'undo';
  /** Item numbers asked for, or every item ("全部确认"). */
  items: number[] | 'all';
  /** The checklist's numbering: item n is order[n - 1] (undefined: an item the template no longer has). */
  order: (TemplateItem | undefined)[];
  /** Each item's standing confirm (itemStates). */
  states: Map<string, SignoffEvent>;
  userId: string;
  /** The roles that give this person authority now (a nomination not accepted gives none). */
  roles: Role[];
  adminId: string;
  /** Sign-offs (by seq) that have evidence kept. */
  evidenced: Set<number>;
  /** This request carries a file, an image or a link. */
  carriesEvidence: boolean;
  /** Items for which the bot itself keeps a snapshot of what is confirmed (the training plan: ReadinessEnv.itemEvidence). */
  botEvidenceFor?: ReadonlySet<string>;
  /** This very message confirmed `e` before and some of what it carries was not kept (a crash between the two). */
  unfinished(e: SignoffEvent): boolean;
}

/**
 * May this person confirm (or undo) these items, and what is recorded: pure, so the chat edge only
 * says it. An item may be confirmed by the holder of its role (or anyone, for `anyone` items);
 * undone only by whoever confirmed it or the project admin; confirmed again only to bring the
 * evidence it still needs. "全部确认" records what this person may and names the rest.
 */
export function decideSignoff(input: SignoffInput): SignoffDecision {
  const valid = input.order.flatMap((it, i) => (it ? [i + 1] : []));
  const wanted = input.items === 'all' ? valid : input.items;
  const unknown = wanted.filter((n) => !input.order[n - 1]);
  if (unknown.length) return { outcome: 'unknown-item', unknown, valid };

  const each = wanted.map((n): ItemDecision => {
    const item = input.order[n - 1]!;
    const state = input.states.get(item.id);
    if (input.kind === 'confirm') {
      const pending = !!state && item.evidence === 'required' && !input.evidenced.has(state.seq);
      const carries = input.carriesEvidence || !!input.botEvidenceFor?.has(item.id);
      if (state && !(pending && carries) && !input.unfinished(state)) return { kind: 'skip', n, item, why: pending ? 'needs-evidence' : 'confirmed', event: state };
      if (item.confirm !== 'anyone' && !input.roles.includes(item.confirm)) return { kind: 'refuse', n, item, why: 'role' };
      return state ? { kind: 'attach', n, item, event: state } : { kind: 'write', n, item };
    }
    if (!state) return { kind: 'skip', n, item, why: 'not-confirmed' };
    if (state.userId !== input.userId && input.adminId !== input.userId) return { kind: 'refuse', n, item, why: 'not-yours', event: state };
    return { kind: 'write', n, item };
  });
  const refused = each.filter((d) => d.kind === 'refuse');
  const skipped = each.filter((d) => d.kind === 'skip');
  if (refused.length && input.items !== 'all') return { outcome: 'refused', refused };
  const write = each.filter((d): d is Extract<ItemDecision, { kind: 'write' }> => d.kind === 'write');
  const attach = each.filter((d): d is Extract<ItemDecision, { kind: 'attach' }> => d.kind === 'attach');
  if (!write.length && !attach.length) return { outcome: 'unchanged', skipped, refused };
  return { outcome: 'record', write, attach, skipped, refused };
}
