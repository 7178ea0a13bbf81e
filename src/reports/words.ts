import { STATE_WORDS } from '../readiness/views/item-words.ts';
import type { Confirmation, ItemRow, Lang, ReportData, ReportKind, RuleRef } from './model.ts';

/** The words both renderers put around the data, in the report's language. */
export const WORDS = {
  zh: {
    title: { check: '上线前检查报告', risk: '项目风险报告书' } as Record<ReportKind, string>,
    project: '项目',
    projectId: '项目编号',
    platform: '平台',
    goLive: '上线日期',
    countdown: '倒计时',
    timeZone: '时区',
    customerOrg: '客户方组织',
    generatedAt: '生成时间',
    readiness: '准备情况',
    total: '事项总数',
    confirmed: '已确认',
    due: '即将到期',
    overdue: '逾期',
    open: '未到期',
    chart: '准备进度与到期要求',
    chartNote: '实线:每日结束时已确认的事项数(按签字记录重放);虚线:截至当日应完成(已到期)的事项数。',
    chartDate: '日期',
    chartDue: '应完成',
    chartConfirmed: '已确认',
    chartBar: '进度(█ 已确认,░ 已到期未确认)',
    todayMark: '今天',
    goLiveMark: '上线',
    stages: '各阶段工作要点与检查事项',
    stage: (id: string, title: string) => `${id} ${title}`,
    purpose: '目的',
    workPoints: '工作要点',
    items: '检查事项',
    n: '#',
    item: '事项',
    status: '状态',
    dueDate: '截止',
    confirmBy: '确认人角色',
    confirmedBy: '确认人(角色)',
    grant: '角色来源',
    when: '时间',
    evidence: '凭证',
    evidenceMessage: '消息',
    evidenceFile: '文件',
    evidenceHash: 'SHA-256',
    source: '来源规则',
    training: '培训',
    noTraining: '尚无培训场次(群里 @机器人 新建培训)。',
    trainingHead: ['#', '时间', '场次', '对象', '讲师', '报名', '签到', '坚持到最后', '签到后离开', '考试通过'] as string[],
    openItems: '未完成与逾期事项',
    noOpen: '全部事项已确认。',
    countermeasure: '对策',
    problem: '问题',
    stageRule: (title: string) => `阶段要点:${title}(见上文工作要点)`,
    mustAct: '需处理人',
    daysOverdue: '逾期天数',
    daysLeft: (n: number) => (n === 0 ? '今天到期' : `还剩 ${n} 天`),
    overdueBy: (n: number) => `逾期 ${n} 天`,
    audit: '审计信息',
    chainHead: '审计链链头(生成前)',
    chainOk: (n: number) => `完整,共 ${n} 条记录`,
    chainEmpty: '尚无记录',
    chainBroken: (seq: number, why: string) => `在第 #${seq} 条记录处断开:${why}`,
    chainCheck: '核验:npm run cli -- audit verify',
    evidenceCheck: '证据核验',
    evidenceOk: (files: number) => `证据与审计链相符,${files} 个文件已重新计算哈希`,
    evidenceBroken: (n: number) => `证据与审计链不符(${n} 处):`,
    evidenceOlder: (n: number) => `${n} 条证据由旧版本保存(当时证据还没有单独的审计事件),文件哈希已核对;这不是篡改`,
    rulebookVersion: '规则库版本',
    recorded: '本报告的生成已记入审计链(操作「生成报告」)。',
    signatures: '签字确认',
    signName: '姓名',
    signature: '签字',
    signDate: '日期',
    risksHead: '逾期及风险事项',
    risksIntro: (n: number, days: number) => `以下 ${n} 项已逾期或将在 ${days} 天内到期,按规则库列出问题与对策。`,
    noRisks: '当前没有逾期或即将到期的事项。',
    responsible: '责任角色',
    done: '已采取的措施',
    remindersHead: '提醒 / 逾期后点名',
    reminders: (r: { count: number; afterDue: number; first?: string; last?: string }, at: (s: string) => string) =>
      r.count
        ? `每日清单提醒 ${r.count} 次(${at(r.first!)} 至 ${at(r.last!)}),其中逾期后点名提醒 ${r.afterDue} 次`
        : '尚无清单提醒记录',
    noHistory: '签字记录中没有该事项的操作。',
    stateWord: STATE_WORDS.zh,
    via: { reply: '回复', button: '按钮', web: '网页', cli: '命令行', schedule: '定时任务' } as Record<Confirmation['via'], string>,
    none: '—',
    page: (n: number, of: number) => `第 ${n} / ${of} 页`,
    footer: (name: string) => `${name} · 由上线助手根据签字记录生成`,
  },
  en: {
    title: { check: 'Pre-launch check report', risk: 'Project risk report' } as Record<ReportKind, string>,
    project: 'Project',
    projectId: 'Project id',
    platform: 'Platform',
    goLive: 'Go-live',
    countdown: 'Countdown',
    timeZone: 'Time zone',
    customerOrg: 'Customer organisation',
    generatedAt: 'Generated',
    readiness: 'Readiness',
    total: 'Items',
    confirmed: 'Confirmed',
    due: 'Due soon',
    overdue: 'Overdue',
    open: 'Not yet due',
    chart: 'Readiness over time against the due dates',
    chartNote: 'Solid: items confirmed at the end of each day (the sign-off trail replayed); dashed: items due by that day.',
    chartDate: 'Date',
    chartDue: 'Due',
    chartConfirmed: 'Confirmed',
    chartBar: 'Progress (█ confirmed, ░ due but not confirmed)',
    todayMark: 'today',
    goLiveMark: 'go-live',
    stages: 'Stages: key work points and checklist items',
    stage: (id: string, title: string) => `${id} ${title}`,
    purpose: 'Purpose',
    workPoints: 'Key work points',
    items: 'Checklist items',
    n: '#',
    item: 'Item',
    status: 'Status',
    dueDate: 'Due',
    confirmBy: 'Confirmed by role',
    confirmedBy: 'Confirmed by (role)',
    grant: 'How the role was granted',
    when: 'When',
    evidence: 'Evidence',
    evidenceMessage: 'Message',
    evidenceFile: 'File',
    evidenceHash: 'SHA-256',
    source: 'Rules',
    training: 'Training',
    noTraining: 'No training sessions yet (in the group: @bot new training).',
    trainingHead: ['#', 'When', 'Session', 'Level', 'Trainer', 'Signed up', 'Checked in', 'Stayed', 'Signed in and left', 'Exam passed'] as string[],
    openItems: 'Open and overdue items',
    noOpen: 'Every item is confirmed.',
    countermeasure: 'Countermeasure',
    problem: 'Problem',
    stageRule: (title: string) => `Stage work points: ${title} (see above)`,
    mustAct: 'Who must act',
    daysOverdue: 'Days overdue',
    daysLeft: (n: number) => (n === 0 ? 'due today' : `${n} day${n === 1 ? '' : 's'} left`),
    overdueBy: (n: number) => `${n} day${n === 1 ? '' : 's'} overdue`,
    audit: 'Audit',
    chainHead: 'Audit chain head (before this report)',
    chainOk: (n: number) => `intact, ${n} events`,
    chainEmpty: 'no events yet',
    chainBroken: (seq: number, why: string) => `broken at event #${seq}: ${why}`,
    chainCheck: 'check: npm run cli -- audit verify',
    evidenceCheck: 'Evidence check',
    evidenceOk: (files: number) => `evidence matches the audit chain; ${files} files hashed again`,
    evidenceBroken: (n: number) => `evidence does not match the audit chain (${n} problems):`,
    evidenceOlder: (n: number) => `${n} evidence records were kept by an older version, before evidence had its own event; their files were hashed again. This is not tampering`,
    rulebookVersion: 'Rulebook version',
    recorded: 'Generating this report was recorded in the audit chain (action "generated report").',
    signatures: 'Sign-off',
    signName: 'Name',
    signature: 'Signature',
    signDate: 'Date',
    risksHead: 'Overdue and at-risk items',
    risksIntro: (n: number, days: number) => `These ${n} items are overdue or due within ${days} days; the rulebook's problem and countermeasure for each.`,
    noRisks: 'Nothing is overdue or due soon.',
    responsible: 'Responsible role',
    done: 'What has been done',
    remindersHead: 'Reminders / naming after due',
    reminders: (r: { count: number; afterDue: number; first?: string; last?: string }, at: (s: string) => string) =>
      r.count ? `${r.count} daily checklist reminder${r.count === 1 ? '' : 's'} (${at(r.first!)} to ${at(r.last!)}), ${r.afterDue} naming who must act after the due date` : 'no checklist reminders recorded',
    noHistory: 'The trail has no action on this item.',
    stateWord: STATE_WORDS.en,
    via: { reply: 'reply', button: 'button', web: 'web', cli: 'CLI', schedule: 'scheduled' } as Record<Confirmation['via'], string>,
    none: '—',
    page: (n: number, of: number) => `page ${n} of ${of}`,
    footer: (name: string) => `${name} · generated by the go-live bot from the sign-off trail`,
  },
} as const;

export type Words = (typeof WORDS)[Lang];
export const words = (lang: Lang): Words => WORDS[lang] as Words;

/** "2026-10-09 09:12" from an ISO time that carries the project's offset. */
export const shortAt = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** A rule as one line: the countermeasure (risk rows) or the stage it points to. */
export function ruleLine(r: RuleRef, w: Words): string {
  return r.kind === 'risk' ? `${r.id} ${w.countermeasure}: ${r.countermeasure}` : `${r.id} ${w.stageRule(r.title)}`;
}

/** The title as a file name part: "上线前检查报告-ACME OA-2026-10-08". */
export function fileStem(d: ReportData): string {
  return `${words(d.lang).title[d.kind]}-${d.project.name}-${d.today}`;
}

/** An item's status in a report's table: the state in the words chat and the dashboard use, with days overdue or left. */
export function statusText(i: Pick<ItemRow, 'state' | 'daysOverdue' | 'needsEvidence'>, w: Words): string {
  const evidence = i.needsEvidence ? ` · ${w.stateWord['needs-evidence']}` : '';
  if (i.state === 'overdue') return `${w.overdueBy(i.daysOverdue)}${evidence}`;
  if (i.state === 'due') return `${w.stateWord.due} · ${w.daysLeft(-i.daysOverdue)}${evidence}`;
  return i.needsEvidence ? w.stateWord['needs-evidence'] : w.stateWord[i.state];
}

/** The evidence check's lines for a report's audit section (none when it was not run). */
export function evidenceLines(c: ReportData['chain'], w: Words): string[] {
  const ev = c.evidence;
  if (!ev) return [];
  const out = ev.problems.length ? [w.evidenceBroken(ev.problems.length), ...ev.problems.map((p) => `- ${p}`)] : [w.evidenceOk(ev.files)];
  if (ev.unchained) out.push(w.evidenceOlder(ev.unchained));
  return out;
}
