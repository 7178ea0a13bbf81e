import type { EvidenceFacts } from '../../store/evidence.ts';
import { isRoleAction, isTrainingAction, type ProjectRecord, type RoleGrant, type SignoffEvent } from '../../store/records.ts';
import { roleLabel } from '../model/roles.ts';

type Lang = 'zh' | 'en';

/**
 * Words for the audit trail, shared by every view of it (the 签字记录 card, the dashboard,
 * the CLI and the CSV), so a sign-off or a role change reads the same everywhere. `who`
 * renders a person (markdown, HTML or plain text, the caller's escaping).
 */

const ACTION: Record<SignoffEvent['action'], { zh: string; en: string }> = {
  confirm: { zh: '确认', en: 'confirm' },
  undo: { zh: '撤销', en: 'undo' },
  'role-grant': { zh: '设置角色', en: 'gave role' },
  'role-nominate': { zh: '提名角色', en: 'nominated' },
  'role-accept': { zh: '接受角色', en: 'accepted role' },
  'role-decline': { zh: '拒绝角色', en: 'declined role' },
  'role-remove': { zh: '取消角色', en: 'removed role' },
  report: { zh: '生成报告', en: 'generated report' },
  evidence: { zh: '附证据', en: 'attached evidence to' },
  'training-create': { zh: '新建培训', en: 'planned training' },
  'training-change': { zh: '修改培训', en: 'changed training' },
  'training-cancel': { zh: '取消培训', en: 'cancelled training' },
  'training-override': { zh: '超额覆盖', en: 'overrode the 60 limit of' },
  'training-signup': { zh: '报名', en: 'signed up for' },
  'training-waitlist': { zh: '报名(候补)', en: 'joined the waitlist of' },
  'training-unsignup': { zh: '取消报名', en: 'cancelled their sign-up for' },
  'training-moveup': { zh: '候补递补', en: 'moved up from the waitlist of' },
  'training-checkin': { zh: '签到', en: 'checked in to' },
  'training-secondcheck': { zh: '课堂确认', en: 'confirmed still in the room at' },
  'training-remind': { zh: '培训提醒', en: 'reminded of' },
  'training-warn': { zh: '培训预警', en: 'warned about' },
  'training-exam': { zh: '培训考试', en: 'exam' },
  'training-goal': { zh: '培训目标', en: 'training goal' },
};

export const actionWord = (a: SignoffEvent['action'], lang: Lang): string => ACTION[a][lang];

/**
 * "角色由 张三 在群聊中提名,本人 10-09 09:12 接受,组织 T1(客户方组织)" — how a signer holds their role.
 * `time` writes the acceptance time (the dashboard: in the project's zone); "10-09 09:12" by default.
 */
export function grantWords(g: RoleGrant | undefined, lang: Lang, who: (id: string, name?: string) => string, text: (s: string) => string = (s) => s, time: (iso: string) => string = short): string | undefined {
  if (!g) return undefined;
  if (g.source === 'file') return lang === 'zh' ? '角色由 PMO 在 data/projects.yaml 中指定' : 'role declared by the PMO in data/projects.yaml';
  const by = g.by ? who(g.by, g.byName) : lang === 'zh' ? '(未知)' : '(unknown)';
  const accepted = g.acceptedAt ? (lang === 'zh' ? `,本人 ${time(g.acceptedAt)} 接受` : `, accepted by them ${time(g.acceptedAt)}`) : '';
  const org = g.org
    ? lang === 'zh'
      ? `,组织 ${text(g.org)}${g.orgChecked ? '(客户方组织)' : '(未核对)'}`
      : `, organisation ${text(g.org)}${g.orgChecked ? ' (the customer organisation)' : ' (not checked)'}`
    : lang === 'zh'
      ? ',平台未提供组织信息'
      : ', the platform did not say the organisation';
  return lang === 'zh' ? `角色由 ${by} 在群聊中指定${accepted}${org}` : `role given in chat by ${by}${accepted}${org}`;
}

/** One event as a line: "张三 (项目经理) 提名角色 客户项目负责人: 王经理" / "王经理 (客户项目负责人) 确认 …". */
export function eventWords(e: SignoffEvent, lang: Lang, who: (id: string, name?: string) => string, text: (s: string) => string): string {
  const actor = `${who(e.userId, e.userName)} (${roleLabel[e.role][lang]})`;
  if (isRoleAction(e.action)) {
    const self = e.subjectId === e.userId;
    const subject = e.subjectId && !self ? `${lang === 'zh' ? ':' : ': '}${who(e.subjectId, e.subjectName)}` : '';
    const org = e.org ? (lang === 'zh' ? `(组织 ${text(e.org)})` : ` (organisation ${text(e.org)})`) : '';
    return `${actor} ${actionWord(e.action, lang)} ${text(e.itemText)}${subject}${org}`;
  }
  if (isTrainingAction(e.action)) {
    // Moved up: whose seat it is now; the detail says what was decided (terms, reason, change, place).
    const subject = e.subjectId && e.subjectId !== e.userId ? `${lang === 'zh' ? ':' : ': '}${who(e.subjectId, e.subjectName)}` : '';
    const detail = e.detail ? ` · ${text(e.detail)}` : '';
    return `${actor} ${actionWord(e.action, lang)} ${text(e.itemText)}${subject}${detail}`;
  }
  if (e.action === 'report') return `${actor} ${actionWord(e.action, lang)} ${text(e.itemText)}`;
  if (e.action === 'evidence') return `${actor} ${actionWord(e.action, lang)} ${text(e.itemText)}${e.evidence ? `${lang === 'zh' ? ':' : ': '}${text(evidenceFactWords(e.evidence, lang))}` : ''}`;
  const grant = grantWords(e.roleGrant, lang, who, text);
  return `${actor} ${actionWord(e.action, lang)} ${text(e.itemText)}${grant ? (lang === 'zh' ? `(${grant})` : ` (${grant})`) : ''}`;
}

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/**
 * What an evidence event recorded, plain text (the caller escapes): "plan.pdf (application/pdf,
 * 812.4 KB, SHA-256 1f0c…) · sign-off #12", "https://mail.example/1 · sign-off #12",
 * "scan.png (missing: larger than the 20.0 MB limit) · sign-off #12". The full hash: it is what an auditor compares.
 */
export function evidenceFactWords(f: EvidenceFacts, lang: Lang): string {
  const what =
    f.status === 'missing'
      ? lang === 'zh'
        ? `${f.name}(缺失:${f.reason ?? '原因未知'})`
        : `${f.name} (missing: ${f.reason ?? 'unknown'})`
      : f.source === 'link'
        ? (f.url ?? f.name)
        : lang === 'zh'
          ? `${f.name}(${f.mime},${bytes(f.size)},SHA-256 ${f.sha256 ?? '?'})`
          : `${f.name} (${f.mime}, ${bytes(f.size)}, SHA-256 ${f.sha256 ?? '?'})`;
  return `${what} · ${lang === 'zh' ? `签字 #${f.signoffSeq}` : `sign-off #${f.signoffSeq}`}`;
}

/** The customer organisation as the dashboard shows it. */
export function customerOrgWords(p: ProjectRecord, lang: Lang, who: (id: string, name?: string) => string): string {
  const o = p.customerOrg;
  if (!o) return lang === 'zh' ? '未知(平台未提供,或尚无客户项目负责人接受角色)' : 'unknown (the platform did not say, or no customer-lead has accepted yet)';
  if (o.source === 'file') return lang === 'zh' ? `${o.id}(data/projects.yaml)` : `${o.id} (data/projects.yaml)`;
  const by = o.by ? who(o.by, o.byName) : '';
  return lang === 'zh' ? `${o.id}(取自首位接受角色的客户项目负责人 ${by})` : `${o.id} (from the first customer-lead who accepted: ${by})`;
}

const short = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
