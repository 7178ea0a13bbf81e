import type { EvidenceRecord } from '../store/evidence.ts';
import { buildChecklist, DUE_SOON_DAYS, itemStates, type ChecklistLine, type LineState } from '../readiness/model/checklist.ts';
import { countdown } from '../readiness/views/checklist-card.ts';
import type { Template } from '../readiness/model/template.ts';
import { readinessTrend, type Trend, type TrendPoint } from '../readiness/model/trend.ts';
import { mustAct } from '../readiness/model/must-act.ts';
import { roleLabel } from '../readiness/model/roles.ts';
import { customerOrgWords, eventWords, grantWords } from '../readiness/views/trail-words.ts';
import type { Rulebook, StageEntry } from '../rulebook/model.ts';
import { daysBetween, isoWithOffset, localDate } from '../calendar/dates.ts';
import type { AuditCheck } from '../store/audit-check.ts';
import { audienceLabel } from '../training/model.ts';
import { ruleFacts, type TrainingReport } from '../training/report-model.ts';
import { verifyChain } from '../store/chain.ts';
import type { ChecklistMessage, ProjectRecord, Role, SignoffEvent } from '../store/records.ts';

/**
 * Everything a report says, as plain data: the pre-launch check report (上线前检查报告) and the
 * project risk report (项目风险报告书). Computed from the project, the checklist template, the
 * rulebook, the audit trail, the checklist messages the bot posted and the clock, with the
 * checklist code the bot posts with; nothing here reads a store or a clock. Texts from the
 * rulebook and the template are copied verbatim; names are data (each renderer escapes for
 * its format). The renderers (docx.ts, pdf.ts) only lay this out.
 */

export type Lang = 'zh' | 'en';
export type ReportKind = 'check' | 'risk';
export type ReportFormat = 'docx' | 'pdf';
export const REPORT_KINDS: readonly ReportKind[] = ['check', 'risk'];
export const REPORT_FORMATS: readonly ReportFormat[] = ['docx', 'pdf'];

export interface ReportInput {
  kind: ReportKind;
  project: ProjectRecord;
  template: Template;
  rulebook: Rulebook;
  /** The project's audit trail, in the order it was written (store.listSignoffs). */
  signoffs: SignoffEvent[];
  /** The checklist messages the bot posted in the project's chat (reminders), any order. */
  posts: ChecklistMessage[];
  now: Date;
  /** Item numbering of the latest checklist message, so "#3" here is "确认 3" in the chat; template order without. */
  order?: string[];
  /** Default: the project's language. */
  lang?: Lang;
  /** The audit check of the project's trail and evidence (checkAudit), when the caller ran it. */
  audit?: AuditCheck;
  /** The project's evidence (store.listEvidence): what each sign-off carried, and what required evidence still lacks. */
  evidence?: EvidenceRecord[];
  /** The training report now (src/training/report-model.ts), for the check report's training section. */
  training?: TrainingReport;
}

/** The check report's training section, in words: the training report of the project. */
export interface TrainingSection {
  summary: string;
  rows: { no: string; when: string; title: string; level: string; trainer: string; signedUp: string; checkedIn: string; stayed: string; left: string; exam: string }[];
  /** "5.2-10: …": what the plan keeps of the rules behind checklist items. */
  facts: string[];
}

/** One rule an item comes from: a risk row (problem and countermeasure, verbatim) or a stage's work points. */
export type RuleRef =
  | { id: string; kind: 'risk'; stageId: string; problem: string; countermeasure: string }
  | { id: string; kind: 'stage'; title: string };

export interface Confirmation {
  /** Display name, or the user id when the name is unknown. */
  by: string;
  userId: string;
  /** The signer's role at that moment, as shown to people. */
  role: string;
  /** How that role was granted (grantWords), or undefined when the event says nothing. */
  grant?: string;
  /** ISO 8601 with the project's offset. */
  at: string;
  via: SignoffEvent['via'];
  /** Today the only evidence: the platform message id of the reply or the clicked card. */
  evidenceMessageId: string;
  /** The files, images or links the sign-off carried (names joined; links as their URL); "—" when none. */
  evidenceFile?: string;
  evidenceSha256?: string;
  seq: number;
  hash?: string;
  /** The rulebook version frozen into the event, when it has one. */
  rulebookVersion?: string;
}

export interface ItemRow {
  n: number;
  id: string;
  stageId: string;
  text: string;
  state: LineState;
  dueDate: string;
  /** T-n of the due date relative to go-live ("T-21"). */
  dueT: string;
  /** Who may confirm it, as shown to people. */
  confirmBy: string;
  rules: RuleRef[];
  confirmed?: Confirmation;
  /** Unconfirmed items: the people who must act (names), or words saying the role is not set. */
  mustAct: string[];
  /** Overdue items: whole days past the due date; due items: negative, days left (0 = today). */
  daysOverdue: number;
  /** Confirmed without the evidence the template requires: still open. */
  needsEvidence?: boolean;
}

export interface StageSection {
  id: string;
  title: string;
  purpose: string;
  workPoints: { text: string; sub: { label: string; text: string }[] }[];
  items: ItemRow[];
}

/** Readiness over time (src/readiness/model/trend.ts): one point per calendar day. */
export type ChartPoint = TrendPoint;
export type Chart = Trend;

export interface ChainWords {
  ok: boolean;
  events: number;
  /** The head hash when the chain holds (GENESIS-free: undefined for an empty trail). */
  head?: string;
  /** Where it breaks, when it does. */
  brokenAt?: number;
  why?: string;
  /**
   * The evidence held to the chain (src/store/audit-check.ts, what `cli audit verify` runs):
   * each problem names the record or event; `unchained`: records an older version kept before
   * evidence had its own event (hashed again, not tampering). Absent when it was not checked.
   */
  evidence?: { problems: string[]; unchained: number; files: number };
}

export interface Reminders {
  /** Checklist messages that listed the item while it was unconfirmed. */
  count: number;
  /** Of those, the ones posted after its due date (they name who must act). */
  afterDue: number;
  first?: string;
  last?: string;
}

export interface RiskRow extends ItemRow {
  reminders: Reminders;
  /** The trail's events about this item and about the role that confirms it, as lines with their time. */
  history: { at: string; words: string }[];
}

export interface SignatureLine {
  role: Role;
  label: string;
  /** The people who hold the role now (names); empty: nobody, the line is left for a name. */
  names: string[];
}

export interface ReportData {
  kind: ReportKind;
  lang: Lang;
  project: {
    id: string;
    name: string;
    platform: string;
    goLive: string;
    timeZone: string;
    customerOrg: string;
  };
  /** When it was generated, ISO 8601 with the project's offset. */
  generatedAt: string;
  today: string;
  daysToGoLive: number;
  /** "T-12" / "T+3". */
  countdown: string;
  readiness: { total: number; confirmed: number; due: number; overdue: number; open: number; percent: number };
  chart: Chart;
  /** Check report: per stage, its purpose, work points and items, in rulebook order. */
  stages: StageSection[];
  /** Every item in number order. */
  items: ItemRow[];
  /** Unconfirmed items: overdue first, then due, then open. */
  open: ItemRow[];
  /** Risk report: overdue items and those due within DUE_SOON_DAYS, overdue first. */
  risks: RiskRow[];
  chain: ChainWords;
  /** Check report only, when the caller gave the training report. */
  training?: TrainingSection;
  rulebookVersion: string;
  signatures: SignatureLine[];
}

const name = (id: string, n?: string) => n ?? id;

function ruleRefs(rb: Rulebook, ids: string[], lang: Lang): RuleRef[] {
  return ids.map((id): RuleRef => {
    const e = rb.byId.get(id);
    if (!e) return { id, kind: 'stage', title: id };
    if (e.kind === 'risk') return { id, kind: 'risk', stageId: e.stageId, problem: e.problem[lang], countermeasure: e.countermeasure[lang] };
    return { id, kind: 'stage', title: e.title[lang] };
  });
}

/** Who must act on an unconfirmed item (model/must-act.ts, the people the daily card mentions), as names with their role. */
function mustActWords(p: ProjectRecord, line: ChecklistLine, lang: Lang): string[] {
  const nameOf = (id: string) => name(id, p.roles.find((r) => r.userId === id)?.name ?? (id === p.adminId ? p.adminName : undefined));
  const { actors, unassigned } = mustAct(p, line.item.confirm);
  if (unassigned) return [lang === 'zh' ? `未设置${roleLabel[unassigned].zh}(项目管理员 ${nameOf(p.adminId)} 需指定)` : `no ${roleLabel[unassigned].en} set (the project admin ${nameOf(p.adminId)} must name one)`];
  return actors.map((a) => `${nameOf(a.userId)} (${roleLabel[a.as][lang]}${a.pending ? (lang === 'zh' ? ',待本人接受角色' : ', to accept the role') : ''})`);
}

function confirmation(p: ProjectRecord, e: SignoffEvent, lang: Lang, evidence: EvidenceRecord[] = []): Confirmation {
  const grant = grantWords(e.roleGrant, lang, name);
  const mine = evidence.filter((x) => x.signoffSeq === e.seq);
  const files = mine.map((x) => (x.status === 'missing' ? `${x.name} (${lang === 'zh' ? '缺失' : 'missing'}: ${x.reason ?? ''})` : x.source === 'link' ? (x.url ?? x.name) : x.name));
  const hashes = mine.flatMap((x) => (x.sha256 ? [x.sha256] : []));
  return {
    by: name(e.userId, e.userName),
    userId: e.userId,
    role: roleLabel[e.role][lang],
    ...(grant ? { grant } : {}),
    at: e.at,
    via: e.via,
    evidenceMessageId: e.evidenceMessageId,
    ...(files.length ? { evidenceFile: files.join('; ') } : {}),
    ...(hashes.length ? { evidenceSha256: hashes.join(' ') } : {}),
    seq: e.seq,
    ...(e.hash ? { hash: e.hash } : {}),
    ...(e.rulebookVersion ? { rulebookVersion: e.rulebookVersion } : {}),
  };
}

function trainingSection(r: TrainingReport, lang: Lang): TrainingSection {
  const zh = lang === 'zh';
  const t = r.totals;
  const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '—');
  return {
    summary: zh
      ? `${t.sessions} 场(已开始 ${t.held}${r.cancelled ? `,另取消 ${r.cancelled}` : ''}),报名 ${t.signedUp},签到 ${t.checkedIn},坚持到最后 ${t.stayed}(${pct(t.stayed, t.checkedIn)})${t.left ? `,签到后离开 ${t.left}` : ''}${t.examined ? `,考试通过 ${t.passed}/${t.examined}` : ''}`
      : `${t.sessions} sessions (${t.held} started${r.cancelled ? `, ${r.cancelled} cancelled` : ''}), ${t.signedUp} signed up, ${t.checkedIn} checked in, ${t.stayed} stayed (${pct(t.stayed, t.checkedIn)})${t.left ? `, ${t.left} signed in and left` : ''}${t.examined ? `, exam passed ${t.passed}/${t.examined}` : ''}`,
    rows: r.sessions.map((f) => ({
      no: String(f.no),
      when: `${f.start.replace('T', ' ')}–${f.end.slice(11)}`,
      title: f.title,
      level: audienceLabel[f.audience][lang],
      trainer: f.trainer === 'customer-admin' ? (zh ? '客户管理员' : "customer's admin") : zh ? '实施方' : 'vendor',
      signedUp: `${f.signedUp}/${f.capacity}`,
      checkedIn: String(f.checkedIn),
      stayed: String(f.stayed),
      left: String(f.left),
      exam: f.exam ? (f.exam.closed ? `${f.exam.passed}/${f.exam.taken}` : zh ? '进行中' : 'open') : '—',
    })),
    // The report's font has no emoji: kept or not in words.
    facts: [...ruleFacts(r, lang)].map(([rule, f]) => `${rule}: ${f.ok === true ? (zh ? '【已满足】' : '[kept] ') : f.ok === false ? (zh ? '【需关注】' : '[attention] ') : ''}${f.text}`),
  };
}

export function reportData(input: ReportInput): ReportData {
  const { project: p, template, rulebook: rb, kind } = input;
  const lang = input.lang ?? p.lang;
  const events = input.signoffs.filter((e) => e.projectId === p.id);
  const today = localDate(input.now, p.timeZone);
  const cl = buildChecklist(template, p, events, today, input.order, input.evidence);
  const last = itemStates(events);

  const items = cl.lines.map((l): ItemRow => {
    const c = last.get(l.item.id);
    return {
      n: l.n,
      id: l.item.id,
      stageId: l.item.stage,
      text: l.item.text[lang],
      state: l.state,
      dueDate: l.dueDate,
      dueT: countdown(-l.item.due),
      confirmBy: roleLabel[l.item.confirm][lang],
      rules: ruleRefs(rb, l.item.rules, lang),
      ...(c ? { confirmed: confirmation(p, c, lang, input.evidence) } : {}),
      mustAct: l.state === 'confirmed' ? [] : mustActWords(p, l, lang),
      daysOverdue: daysBetween(l.dueDate, today),
      ...(l.needsEvidence ? { needsEvidence: true } : {}),
    };
  });
  const rank: Record<LineState, number> = { overdue: 0, due: 1, open: 2, confirmed: 3 };
  const open = items.filter((i) => i.state !== 'confirmed').sort((a, b) => rank[a.state] - rank[b.state] || a.n - b.n);

  const stageIds = new Set(items.map((i) => i.stageId));
  const stages = rb.stages
    .filter((s) => stageIds.has(s.id))
    .map((s: StageEntry): StageSection => ({
      id: s.id,
      title: s.title[lang],
      purpose: s.purpose[lang],
      workPoints: s.workPoints.map((w) => ({ text: w.text[lang], sub: w.sub.map((x) => ({ label: x.label, text: x[lang] })) })),
      items: items.filter((i) => i.stageId === s.id),
    }));

  // Reminders: each checklist message that listed the item while it was still open.
  const posts = [...input.posts].filter((m) => m.projectId === p.id).sort((a, b) => (a.postedAt < b.postedAt ? -1 : a.postedAt > b.postedAt ? 1 : 0));
  const signoffs = events.filter((e) => e.action === 'confirm' || e.action === 'undo');
  const openAt = (itemId: string, at: string) => !itemStates(signoffs.filter((e) => e.itemId === itemId && e.at <= at)).has(itemId);
  const risks = open
    .filter((i) => i.state === 'overdue' || i.state === 'due')
    .map((i): RiskRow => {
      const line = cl.lines.find((l) => l.item.id === i.id)!;
      const sent = posts.filter((m) => m.items.includes(i.id) && openAt(i.id, m.postedAt));
      const role = line.item.confirm;
      const history = events
        .filter((e) => e.itemId === i.id || (role !== 'anyone' && e.itemId === `role:${role}`))
        .map((e) => ({ at: e.at, words: eventWords(e, lang, name, (s) => s) }));
      return {
        ...i,
        reminders: {
          count: sent.length,
          afterDue: sent.filter((m) => m.postedAt.slice(0, 10) > i.dueDate).length,
          ...(sent.length ? { first: sent[0]!.postedAt, last: sent.at(-1)!.postedAt } : {}),
        },
        history,
      };
    });

  const chain = verifyChain(p.id, events);
  const ev = input.audit?.evidence;
  // Said only where there is evidence to check (or a problem with it).
  const evidenceWords = ev && (ev.records || ev.problems.length) ? { evidence: { problems: ev.problems, unchained: ev.unchained, files: ev.files } } : {};
  const chainWords: ChainWords = chain.ok ? { ok: true, events: chain.events, ...(chain.events ? { head: chain.head } : {}), ...evidenceWords } : { ok: false, events: chain.events, brokenAt: chain.seq, why: chain.why, ...evidenceWords };

  const count = (s: LineState) => items.filter((i) => i.state === s).length;
  const signatures = (['customer-lead', 'vendor-pm'] as const).map((role): SignatureLine => ({
    role,
    label: roleLabel[role][lang],
    names: p.roles.filter((r) => r.role === role && !r.pending).map((r) => name(r.userId, r.name)),
  }));

  return {
    kind,
    lang,
    project: { id: p.id, name: p.name, platform: p.platform, goLive: p.goLive, timeZone: p.timeZone, customerOrg: customerOrgWords(p, lang, name) },
    generatedAt: isoWithOffset(input.now, p.timeZone),
    today,
    daysToGoLive: cl.daysToGoLive,
    countdown: countdown(cl.daysToGoLive),
    readiness: { total: cl.total, confirmed: cl.done, due: count('due'), overdue: count('overdue'), open: count('open'), percent: cl.total ? Math.round((cl.done / cl.total) * 100) : 0 },
    chart: readinessTrend({ project: p, items: cl.lines.map((l) => l.item), signoffs: events, today, evidence: input.evidence }),
    stages,
    items,
    open,
    risks,
    chain: chainWords,
    ...(kind === 'check' && input.training ? { training: trainingSection(input.training, lang) } : {}),
    rulebookVersion: rb.version,
    signatures,
  };
}

export { DUE_SOON_DAYS };
