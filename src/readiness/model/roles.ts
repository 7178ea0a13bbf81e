import type { ProjectRecord, Role } from '../../store/records.ts';

export const ROLES: readonly Role[] = ['customer-lead', 'vendor-pm', 'it-lead'];

export const roleLabel: Record<Role | 'anyone' | 'admin' | 'member' | 'bot', { zh: string; en: string }> = {
  'customer-lead': { zh: '客户项目负责人', en: 'customer-lead' },
  'vendor-pm': { zh: '项目经理', en: 'vendor-pm' },
  'it-lead': { zh: 'IT负责人', en: 'it-lead' },
  anyone: { zh: '任何人', en: 'anyone' },
  admin: { zh: '项目管理员', en: 'project admin' },
  member: { zh: '成员', en: 'member' },
  // What the bot did by itself (a scheduled reminder or warning), in the audit trail.
  bot: { zh: '机器人', en: 'bot' },
};

/**
 * A role as the web pages name it to people. Chinese as roleLabel; English in words
 * ("Customer lead"), where roleLabel keeps the slug people type in chat (`set role @x customer-lead`).
 */
export const roleName: Record<Role | 'anyone' | 'admin' | 'member' | 'bot', { zh: string; en: string }> = {
  'customer-lead': { zh: roleLabel['customer-lead'].zh, en: 'Customer lead' },
  'vendor-pm': { zh: roleLabel['vendor-pm'].zh, en: 'Vendor PM' },
  'it-lead': { zh: roleLabel['it-lead'].zh, en: 'IT lead' },
  anyone: { zh: roleLabel.anyone.zh, en: 'Anyone' },
  admin: { zh: roleLabel.admin.zh, en: 'Project admin' },
  member: { zh: roleLabel.member.zh, en: 'Member' },
  bot: { zh: roleLabel.bot.zh, en: 'Bot' },
};

/** Words people type for each role, in both languages; `null` takes the role away. */
const ROLE_WORDS: [RegExp, Role | null][] = [
  [/^(客户项目负责人|客户负责人|客户项目经理|customer[-\s]?lead|customer project lead)$/i, 'customer-lead'],
  [/^(项目经理|实施项目经理|厂商项目经理|vendor[-\s]?pm|pm|project manager)$/i, 'vendor-pm'],
  [/^(it负责人|it 负责人|信息部负责人|it[-\s]?lead)$/i, 'it-lead'],
  [/^(成员|普通成员|无|member|none)$/i, null],
];

/** The role a word names; undefined when it names none. */
export function parseRole(word: string): Role | null | undefined {
  const w = word.trim();
  for (const [re, role] of ROLE_WORDS) if (re.test(w)) return role;
  return undefined;
}

/** Whose side a role is on: the customer's (customer-lead, it-lead) or the implementer's (vendor-pm). */
export const sideOf = (r: Role): 'customer' | 'vendor' => (r === 'vendor-pm' ? 'vendor' : 'customer');

/** The roles that give `userId` authority now (a nomination not yet accepted gives none). */
export function rolesOf(project: ProjectRecord, userId: string): Role[] {
  return project.roles.filter((r) => r.userId === userId && !r.pending).map((r) => r.role);
}

export function holdersOf(project: ProjectRecord, role: Role): string[] {
  return project.roles.filter((r) => r.role === role && !r.pending).map((r) => r.userId);
}

/** Who was nominated for `role` and has not accepted yet. */
export function nomineesOf(project: ProjectRecord, role: Role): string[] {
  return project.roles.filter((r) => r.role === role && r.pending).map((r) => r.userId);
}

/** How a signer is recorded in the audit trail. */
export function auditRole(project: ProjectRecord, userId: string): Role | 'admin' | 'member' {
  return rolesOf(project, userId)[0] ?? (project.adminId === userId ? 'admin' : 'member');
}

/** Admins and vendor PMs configure the project (roles, posting time, time zone). */
export function mayConfigure(project: ProjectRecord, userId: string): boolean {
  return project.adminId === userId || rolesOf(project, userId).includes('vendor-pm');
}
