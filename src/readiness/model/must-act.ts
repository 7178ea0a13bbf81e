import type { ProjectRecord, Role } from '../../store/records.ts';
import { holdersOf, nomineesOf } from './roles.ts';
import type { TemplateItem } from './template.ts';

/** Someone who must act on an item: a holder of its role, a nominee (who acts by accepting), or the admin. */
export interface Actor {
  userId: string;
  /** The display name the project knows, if any (plain text). */
  name?: string;
  as: Role | 'admin';
  /** Nominated for the role and not accepted yet. */
  pending: boolean;
}

/**
 * Who must act on an unconfirmed item: the holders of the role that confirms it; when nobody
 * holds it, whoever was nominated (they act by accepting); for an item anyone may confirm, the
 * project admin. `unassigned`: the role has nobody at all, and the admin must name someone.
 * The daily card mentions these people, the dashboard and the reports name them.
 */
export function mustAct(p: ProjectRecord, confirm: TemplateItem['confirm']): { actors: Actor[]; unassigned?: Role } {
  if (confirm === 'anyone') return { actors: [{ userId: p.adminId, ...(p.adminName ? { name: p.adminName } : {}), as: 'admin', pending: false }] };
  const named = (ids: string[], pending: boolean): Actor[] =>
    ids.map((userId) => {
      const name = p.roles.find((r) => r.userId === userId && r.role === confirm)?.name;
      return { userId, ...(name ? { name } : {}), as: confirm, pending };
    });
  const holders = holdersOf(p, confirm);
  if (holders.length) return { actors: named(holders, false) };
  const nominees = nomineesOf(p, confirm);
  if (nominees.length) return { actors: named(nominees, true) };
  return { actors: [], unassigned: confirm };
}
