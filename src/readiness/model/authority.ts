import type { NewSignoffEvent, ProjectRecord, Role, RoleAction, RoleGrant, RoleHolder } from '../../store/records.ts';
import { mdText } from '../../core/markdown.ts';
import type { Incoming } from '../../core/message.ts';
import { auditRole, roleLabel, sideOf } from './roles.ts';

/**
 * Who may hold which role, as pure decisions: each takes the project as it is and returns
 * the project as it must become with the audit events to append (the store writes both in
 * one step, under the project's lock), or why not. Nothing here reads a clock or a store.
 *
 * The rules: roles have a side (customer: customer-lead, it-lead; vendor: vendor-pm) and a
 * person holds roles of one side only; a vendor-side role given in chat takes effect at
 * once, a customer-side one only when the person named accepts it (a click or reply that
 * only they can make); where the platform says which organisation a person belongs to, a
 * customer-side role is accepted only by a member of the customer's organisation; roles
 * declared in data/projects.yaml are the PMO's and are not changed from chat.
 */

export interface Person {
  id: string;
  name?: string;
  /** The organisation the platform says they belong to; undefined where it cannot tell. */
  org?: string;
}

/** The person who sent a message or pressed a button, as decisions see them (name and organisation when the platform gave them). */
export const personOf = (m: Pick<Incoming, 'user'>): Person => ({ id: m.user.id, ...(m.user.name ? { name: m.user.name } : {}), ...(m.user.org ? { org: m.user.org } : {}) });

/** Where and how a change was asked for: copied into its audit event. */
export interface Stamp {
  at: string;
  via: NewSignoffEvent['via'];
  platform: NewSignoffEvent['platform'];
  evidenceMessageId: string;
  text: string;
  /** The rulebook version in force, frozen into the event. */
  rulebookVersion?: string;
}

export interface Said {
  zh: string;
  en: string;
}

export type RoleOutcome = 'granted' | 'nominated' | 'already-nominated' | 'removed' | 'accepted' | 'declined' | 'unchanged';

export type RoleDecision =
  | { ok: false; why: Said }
  | { ok: true; outcome: RoleOutcome; role: Role | null; project: ProjectRecord; events: NewSignoffEvent[] };

const refuse = (zh: string, en: string): RoleDecision => ({ ok: false, why: { zh, en } });

function event(p: ProjectRecord, action: RoleAction, role: Role, actor: Person, subject: Person, s: Stamp): NewSignoffEvent {
  return {
    projectId: p.id,
    action,
    itemId: `role:${role}`,
    itemText: roleLabel[role][p.lang],
    userId: actor.id,
    ...(actor.name ? { userName: actor.name } : {}),
    role: auditRole(p, actor.id),
    at: s.at,
    via: s.via,
    platform: s.platform,
    evidenceMessageId: s.evidenceMessageId,
    text: s.text,
    subjectId: subject.id,
    ...(subject.name ? { subjectName: subject.name } : {}),
    ...(actor.org ? { org: actor.org } : {}),
    ...(s.rulebookVersion ? { rulebookVersion: s.rulebookVersion } : {}),
  };
}

const withRoles = (p: ProjectRecord, roles: RoleHolder[], at: string): ProjectRecord => ({ ...p, roles, updatedAt: at });

/** Roles that give authority now: pending nominations do not. */
export const activeRoles = (p: ProjectRecord): RoleHolder[] => p.roles.filter((r) => !r.pending);
export const pendingRoles = (p: ProjectRecord): RoleHolder[] => p.roles.filter((r) => r.pending);

/** `by` sets `subject`'s role (null: member, every role taken away) from chat. */
export function decideSetRole(p: ProjectRecord, by: Person, subject: Person, role: Role | null, s: Stamp): RoleDecision {
  const current = p.roles.filter((r) => r.userId === subject.id);
  if (current.some((r) => r.declared))
    return refuse('这个人的角色由 PMO 在 data/projects.yaml 中指定,不能在聊天里修改。', "This person's role was declared by the PMO in data/projects.yaml; it cannot be changed from chat.");
  const others = p.roles.filter((r) => r.userId !== subject.id);
  const name = subject.name ?? current.find((r) => r.name)?.name;
  if (!role) {
    if (!current.length) return { ok: true, outcome: 'unchanged', role, project: p, events: [] };
    return { ok: true, outcome: 'removed', role, project: withRoles(p, others, s.at), events: current.map((r) => event(p, 'role-remove', r.role, by, { ...subject, name }, s)) };
  }
  if (sideOf(role) === 'customer' && subject.id === by.id)
    return refuse(
      `不能给自己设置客户方角色(${roleLabel[role].zh}):请由他人提名并由本人接受,或由 PMO 在 data/projects.yaml 中指定。`,
      `You cannot give yourself a customer-side role (${roleLabel[role].en}): someone else nominates you and you accept, or the PMO declares it in data/projects.yaml.`,
    );
  const other = current.find((r) => sideOf(r.role) !== sideOf(role));
  if (other)
    return refuse(
      `这个人现在是${roleLabel[other.role].zh}${other.pending ? '(待接受)' : ''}(${sideOf(other.role) === 'vendor' ? '厂商方' : '客户方'}),不能改为另一方的角色;请先把他设为成员。`,
      `This person is now ${roleLabel[other.role].en}${other.pending ? ' (pending)' : ''} (${sideOf(other.role)} side) and cannot take a role of the other side; set them to member first.`,
    );
  if (current.some((r) => r.role === role && !r.pending)) return { ok: true, outcome: 'unchanged', role, project: p, events: [] };
  const granted = { grantedBy: by.id, ...(by.name ? { grantedByName: by.name } : {}), grantedAt: s.at };
  if (sideOf(role) === 'vendor') {
    const holder: RoleHolder = { userId: subject.id, ...(name ? { name } : {}), role, ...granted };
    return { ok: true, outcome: 'granted', role, project: withRoles(p, [...others, holder], s.at), events: [event(p, 'role-grant', role, by, { ...subject, name }, s)] };
  }
  if (current.some((r) => r.role === role && r.pending)) return { ok: true, outcome: 'already-nominated', role, project: p, events: [] };
  // A nomination waits beside the roles the person holds now (of the same side); accepting replaces them.
  const nominee: RoleHolder = { userId: subject.id, ...(name ? { name } : {}), role, pending: true, ...granted };
  const kept = current.filter((r) => !r.pending);
  return { ok: true, outcome: 'nominated', role, project: withRoles(p, [...others, ...kept, nominee], s.at), events: [event(p, 'role-nominate', role, by, { ...subject, name }, s)] };
}

/** `user` accepts the role nominated for them (`role`, when they name one). */
export function decideAcceptRole(p: ProjectRecord, user: Person, role: Role | undefined, s: Stamp): RoleDecision {
  const nomination = pendingRoles(p).find((r) => r.userId === user.id && (!role || r.role === role));
  if (!nomination) return refuse('没有等你接受的角色。', 'There is no role waiting for you to accept.');
  const org = p.customerOrg;
  if (org && user.org && user.org !== org.id)
    return refuse(
      `平台显示你不属于本项目的客户方组织(${mdText(org.id)}),不能接受客户方角色(${roleLabel[nomination.role].zh})。`,
      `The platform says you are not a member of this project's customer organisation (${mdText(org.id)}), so you cannot accept a customer-side role (${roleLabel[nomination.role].en}).`,
    );
  const name = user.name ?? nomination.name;
  const holder: RoleHolder = {
    userId: user.id,
    ...(name ? { name } : {}),
    role: nomination.role,
    ...(nomination.grantedBy ? { grantedBy: nomination.grantedBy } : {}),
    ...(nomination.grantedByName ? { grantedByName: nomination.grantedByName } : {}),
    ...(nomination.grantedAt ? { grantedAt: nomination.grantedAt } : {}),
    acceptedAt: s.at,
    ...(user.org ? { org: user.org } : {}),
  };
  let next = withRoles(p, [...p.roles.filter((r) => r.userId !== user.id), holder], s.at);
  // The first customer-lead the platform could place names the customer's organisation.
  if (!org && user.org && nomination.role === 'customer-lead')
    next = { ...next, customerOrg: { id: user.org, source: 'first-lead', by: user.id, ...(name ? { byName: name } : {}), at: s.at } };
  return { ok: true, outcome: 'accepted', role: nomination.role, project: next, events: [event(p, 'role-accept', nomination.role, { ...user, name }, { ...user, name }, s)] };
}

/** `user` declines the role nominated for them. */
export function decideDeclineRole(p: ProjectRecord, user: Person, role: Role | undefined, s: Stamp): RoleDecision {
  const nomination = pendingRoles(p).find((r) => r.userId === user.id && (!role || r.role === role));
  if (!nomination) return refuse('没有等你接受的角色。', 'There is no role waiting for you to accept.');
  const name = user.name ?? nomination.name;
  return {
    ok: true,
    outcome: 'declined',
    role: nomination.role,
    project: withRoles(p, p.roles.filter((r) => r !== nomination), s.at),
    events: [event(p, 'role-decline', nomination.role, { ...user, name }, { ...user, name }, s)],
  };
}

/** How `userId` came to hold `role`, frozen into each sign-off they make with it. */
export function roleGrantOf(p: ProjectRecord, userId: string, role: Role): RoleGrant | undefined {
  const h = activeRoles(p).find((r) => r.userId === userId && r.role === role);
  if (!h) return undefined;
  if (h.declared) return { source: 'file' };
  return {
    source: 'chat',
    ...(h.grantedBy ? { by: h.grantedBy } : {}),
    ...(h.grantedByName ? { byName: h.grantedByName } : {}),
    ...(h.acceptedAt ? { acceptedAt: h.acceptedAt } : {}),
    ...(h.org ? { org: h.org, orgChecked: !!p.customerOrg && p.customerOrg.id === h.org } : {}),
  };
}
