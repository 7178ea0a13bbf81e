import type { Block, Button, Card } from '../../core/card.ts';
import { mdText, mention, personMd } from '../../core/markdown.ts';
import { cardText } from '../../core/card.ts';
import { mustAct } from '../model/must-act.ts';
import { roleLabel } from '../model/roles.ts';
import { shortAt, STATE_MARK, STATE_WORDS, stateChip } from './item-words.ts';
import { pendingRoles } from '../model/authority.ts';
import { eventWords } from './trail-words.ts';
import type { AuditCheck } from '../../store/audit-check.ts';
import { verifyChain } from '../../store/chain.ts';
import type { ProjectRecord, SignoffEvent } from '../../store/records.ts';
import type { Checklist, ChecklistLine } from '../model/checklist.ts';

type Lang = 'zh' | 'en';
const T = {
  zh: {
    title: (n: string) => `上线准备清单 · ${n}`,
    finalTitle: (n: string) => `上线准备总结 · ${n}`,
    goLive: '上线日期',
    progress: '进度',
    dueHead: '**到期 / 逾期**',
    todayHead: '**今天已确认**',
    rest: (open: number, done: number, ns: number[], url?: string) =>
      `其余:${open} 项待办${ns.length ? `(第 ${ns.join('、')} 项${open > ns.length ? '等' : ''})` : ''},${done} 项此前已确认。回复「确认 N」可确认任一项,编号不变。${url ? `全部事项:${url}` : '全部事项:@机器人 进度,或在仪表板查看。'}`,
    confirmed: (who: string, at: string) => `${who} ${STATE_WORDS.zh.confirmed} ${at}`,
    needsEvidence: (who: string, at: string) => `(${who} 已确认 ${at},须附文件或链接)`,
    needs: '需',
    source: '来源',
    deadline: '截止',
    attention: (who: string) => `请处理逾期事项:${who}`,
    unassigned: (role: string) => `(未设置${role}:@机器人 设置角色 @某人 ${role})`,
    pending: (who: string) => `⏳ 角色待本人接受:${who}。接受之前,该角色需确认的事项保持未完成。`,
    hint: '回复本消息确认:「确认 3」「确认 3、5」「确认 1-3」「全部确认」;「撤销 2」撤回。也可点按钮(撤销仅限确认人或项目管理员)。飞书需为机器人开通 im:message.group_msg 权限才能收到不 @机器人 的回复;未开通时请在回复里 @机器人 或点按钮。',
    beyond: (d: string, y: number) => `⚠️ 上线日期 ${d} 超出已知节假日历(已知至 ${y} 年),该年份按周一至周五发送;请在 data/calendar/ 补充该年安排。`,
    confirmBtn: (n: number) => `确认 ${n}`,
    undoBtn: (n: number) => `撤销 ${n}`,
    allDone: '全部事项已确认,每日清单到此结束。',
    wentLive: '已到上线日期,每日清单到此结束。',
    stillOpen: '**未确认事项**',
    signoffs: (n: string) => `签字记录 · ${n}`,
    noSignoffs: '还没有签字记录。',
    moreRows: (n: number) => `…另有 ${n} 条,完整记录请用 CLI 或 /api 导出。`,
    chainOk: (n: number, head: string) => `🔗 审计链完整:${n} 条记录,链头 ${head}…(核验:npm run cli -- audit verify)`,
    chainBroken: (seq: number) => `⛔ 审计链在第 #${seq} 条记录处断开:存储被机器人之外的人改动过,请联系管理员核对备份。`,
    evidenceOk: (files: number) => `📎 证据与审计链相符(${files} 个文件已重新核对哈希)`,
    evidenceBroken: (n: number) => `⛔ 证据与审计链不符(${n} 处),请联系管理员运行 npm run cli -- audit verify 核对:`,
  },
  en: {
    title: (n: string) => `Go-live readiness · ${n}`,
    finalTitle: (n: string) => `Go-live readiness summary · ${n}`,
    goLive: 'go-live',
    progress: 'Progress',
    dueHead: '**Due / overdue**',
    todayHead: '**Confirmed today**',
    rest: (open: number, done: number, ns: number[], url?: string) =>
      `The rest: ${open} open${ns.length ? ` (items ${ns.join(', ')}${open > ns.length ? ', …' : ''})` : ''}, ${done} confirmed before. Reply "confirm N" for any item; numbers never change. ${url ? `All items: ${url}` : 'All items: @bot status, or the dashboard.'}`,
    confirmed: (who: string, at: string) => `${STATE_WORDS.en.confirmed} by ${who} ${at}`,
    needsEvidence: (who: string, at: string) => `(confirmed by ${who} ${at}; attach a file or link)`,
    needs: 'by',
    source: 'source',
    deadline: 'due',
    attention: (who: string) => `Overdue, please act: ${who}`,
    unassigned: (role: string) => `(no ${role} set: @bot set role @someone ${role})`,
    pending: (who: string) => `⏳ Roles waiting for the person to accept: ${who}. Until then, the items those roles confirm stay open.`,
    hint: 'Reply to this message to confirm: "confirm 3", "confirm 3,5", "confirm 1-3", "confirm all"; "undo 2" takes one back. Or use the buttons (undo: only whoever confirmed, or the project admin). Feishu delivers replies without an @bot mention only if the app has the im:message.group_msg permission; otherwise @ the bot in your reply or use the buttons.',
    beyond: (d: string, y: number) => `⚠️ Go-live ${d} is beyond the known holiday calendar (known through ${y}); that year is treated as Monday–Friday. Add it in data/calendar/.`,
    confirmBtn: (n: number) => `Confirm ${n}`,
    undoBtn: (n: number) => `Undo ${n}`,
    allDone: 'Every item is confirmed; the daily checklist stops here.',
    wentLive: 'Go-live date reached; the daily checklist stops here.',
    stillOpen: '**Not confirmed**',
    signoffs: (n: string) => `Sign-offs · ${n}`,
    noSignoffs: 'No sign-offs yet.',
    moreRows: (n: number) => `…${n} more; export the full trail with the CLI or /api.`,
    chainOk: (n: number, head: string) => `🔗 Audit chain intact: ${n} events, head ${head}… (check: npm run cli -- audit verify)`,
    chainBroken: (seq: number) => `⛔ The audit chain breaks at event #${seq}: the store was changed outside the bot; ask the admin to compare with a backup.`,
    evidenceOk: (files: number) => `📎 Evidence matches the audit chain (${files} files hashed again)`,
    evidenceBroken: (n: number) => `⛔ Evidence does not match the audit chain (${n} problems); ask the admin to run npm run cli -- audit verify:`,
  },
} as const;

export const countdown = (days: number) => (days >= 0 ? `T-${days}` : `T+${-days}`);
const bar = (done: number, total: number) => {
  const full = total ? Math.round((done / total) * 10) : 0;
  return `${'█'.repeat(full)}${'░'.repeat(10 - full)} ${done}/${total} (${total ? Math.round((done / total) * 100) : 0}%)`;
};
/** What another feature says of the rules behind items (the training plan: 5.2-10 every session within 60, …), by rule id, in the project's language. */
export type RuleFacts = ReadonlyMap<string, string>;

function lineMd(l: ChecklistLine, lang: Lang, facts?: RuleFacts): string {
  const t = T[lang];
  const by = l.confirmed && personMd({ id: l.confirmed.userId, name: l.confirmed.userName });
  const status = l.needsEvidence
    ? `${l.state === 'overdue' ? `${stateChip('overdue', lang)} ` : ''}${stateChip('needs-evidence', lang)}${t.needsEvidence(by!, shortAt(l.confirmed!.at))}`
    : l.state === 'confirmed' ? `${STATE_MARK.confirmed} ${t.confirmed(by!, shortAt(l.confirmed!.at))}` : stateChip(l.state, lang);
  const who = l.item.confirm === 'anyone' ? '' : ` · ${t.needs} ${roleLabel[l.item.confirm][lang]}`;
  const said = l.state === 'confirmed' ? [] : l.item.rules.flatMap((r) => (facts?.get(r) ? [`  📊 ${facts.get(r)}`] : []));
  return [`- **${l.n}.** ${status} ${l.item.text[lang]} (${t.deadline} ${l.dueDate.slice(5)}${who} · ${t.source} ${l.item.rules.join(', ')})`, ...said].join('\n');
}

/** Slack caps a section at 3,000 characters: long lists go out in chunks. */
function listBlocks(lines: ChecklistLine[], lang: Lang, head: string, facts?: RuleFacts): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i += 8) {
    const md = lines.slice(i, i + 8).map((l) => lineMd(l, lang, facts)).join('\n');
    out.push({ type: 'text', md: i === 0 ? `${head}\n${md}` : md });
  }
  return out;
}

function header(cl: Checklist, lang: Lang): string {
  const t = T[lang];
  const p = cl.project;
  return `**${countdown(cl.daysToGoLive)}** · ${t.goLive} ${p.goLive} (${p.timeZone})\n${t.progress} ${bar(cl.done, cl.total)}`;
}

/** Who must act on overdue items: the holders of each item's role, or the admin for "anyone" items. */
function attentionMd(cl: Checklist, lang: Lang): string | undefined {
  const overdue = cl.lines.filter((l) => l.state === 'overdue');
  if (!overdue.length) return undefined;
  const who = new Set<string>();
  const missing = new Set<string>();
  for (const l of overdue) {
    const { actors, unassigned } = mustAct(cl.project, l.item.confirm);
    actors.forEach((a) => who.add(a.userId));
    if (unassigned) missing.add(roleLabel[unassigned][lang]);
  }
  const t = T[lang];
  return [t.attention([...who].map((u) => `@{${u}}`).join(' ')), ...[...missing].map(t.unassigned)].join('\n');
}

/**
 * The daily card: what needs someone now (overdue, due within DUE_SOON_DAYS), in number order so
 * the numbers people type read 1, 3, 4 … and never jump, with a confirm button each (and items
 * confirmed without the evidence their template requires: "needs evidence"); what was
 * confirmed today, with its undo button; everything else in one line. Every item keeps its
 * number (the message stores the whole numbering), so `确认 N` works for items not shown.
 */
export function checklistCard(cl: Checklist, opts: { beyondCalendar?: number; dashboardUrl?: string; facts?: RuleFacts } = {}): Card {
  const lang = cl.project.lang;
  const t = T[lang];
  // Confirmed but waiting for the evidence the template requires: shown with the urgent ones.
  const urgent = cl.lines.filter((l) => l.state === 'overdue' || l.state === 'due' || l.needsEvidence);
  const today = cl.lines.filter((l) => l.state === 'confirmed' && l.confirmed!.at.slice(0, 10) === cl.today);
  const open = cl.lines.filter((l) => l.state === 'open' && !l.needsEvidence);
  const blocks: Block[] = [{ type: 'text', md: header(cl, lang) }];
  if (opts.beyondCalendar !== undefined) blocks.push({ type: 'text', md: t.beyond(cl.project.goLive, opts.beyondCalendar) });
  const attention = attentionMd(cl, lang);
  if (attention) blocks.push({ type: 'text', md: attention });
  const pending = pendingRoles(cl.project);
  if (pending.length) blocks.push({ type: 'text', md: t.pending(pending.map((r) => `${mention(r.userId)}${lang === 'zh' ? `(${roleLabel[r.role].zh})` : ` (${roleLabel[r.role].en})`}`).join(lang === 'zh' ? '、' : ', ')) });
  if (urgent.length) blocks.push(...listBlocks(urgent, lang, t.dueHead, opts.facts));
  if (today.length) blocks.push(...listBlocks(today, lang, t.todayHead));
  blocks.push({ type: 'text', md: t.rest(open.length, cl.done - today.length, open.slice(0, 12).map((l) => l.n), opts.dashboardUrl) });
  const buttons: Button[] = urgent.map((l) => ({ label: t.confirmBtn(l.n), action: { type: 'confirm', item: l.n }, style: l.state === 'overdue' ? 'primary' : 'default' }));
  // Shown to everyone; the sign-off handler honours a press only from whoever confirmed or the admin.
  const undos: Button[] = today.map((l) => ({ label: t.undoBtn(l.n), action: { type: 'undo', item: l.n } }));
  // Sources of the urgent items, one click away (answered by the rule lookup).
  const sources = [...new Set(urgent.flatMap((l) => l.item.rules))].slice(0, 5);
  // Five per row, confirm rows then undo rows.
  const rows: Button[][] = [];
  for (const group of [buttons, undos]) for (let i = 0; i < group.length; i += 5) rows.push(group.slice(i, i + 5));
  if (rows.length) blocks.push({ type: 'divider' }, ...rows.map((r): Block => ({ type: 'buttons', buttons: r })));
  if (sources.length) blocks.push({ type: 'buttons', buttons: sources.map((id) => ({ label: `${t.source} ${id}`, action: { type: 'show', id, lang } })) });
  blocks.push({ type: 'context', md: t.hint });
  const tone = cl.allConfirmed ? 'success' : urgent.some((l) => l.state === 'overdue') ? 'danger' : urgent.length ? 'warning' : 'info';
  const card: Card = { title: t.title(cl.project.name), tone, blocks, fallback: '' };
  card.fallback = cardText(card);
  return card;
}

/** Posted once, after go-live or when everything is confirmed; then the daily post stops. */
export function finalCard(cl: Checklist): Card {
  const lang = cl.project.lang;
  const t = T[lang];
  const open = cl.lines.filter((l) => l.state !== 'confirmed');
  const blocks: Block[] = [{ type: 'text', md: header(cl, lang) }, { type: 'text', md: cl.allConfirmed ? t.allDone : t.wentLive }];
  if (open.length) blocks.push(...listBlocks(open, lang, t.stillOpen));
  const card: Card = { title: t.finalTitle(cl.project.name), tone: cl.allConfirmed ? 'success' : 'warning', blocks, fallback: '' };
  card.fallback = cardText(card);
  return card;
}

/** `进度` / `status`: one line. */
export function statusLine(cl: Checklist): string {
  const lang = cl.project.lang;
  const overdue = cl.lines.filter((l) => l.state === 'overdue').length;
  const due = cl.lines.filter((l) => l.state === 'due').length;
  return lang === 'zh'
    ? `${mdText(cl.project.name)} · ${countdown(cl.daysToGoLive)}(${cl.project.goLive}上线)· 已确认 ${cl.done}/${cl.total} · 逾期 ${overdue} · 即将到期 ${due}`
    : `${mdText(cl.project.name)} · ${countdown(cl.daysToGoLive)} (go-live ${cl.project.goLive}) · confirmed ${cl.done}/${cl.total} · overdue ${overdue} · due soon ${due}`;
}

/**
 * `签字记录` / `sign-offs`: the latest rows of the audit trail as a message, with whether the chain
 * holds and, given the audit check (src/store/audit-check.ts), whether the evidence matches it.
 */
export function signoffsCard(project: ProjectRecord, events: SignoffEvent[], opts: { limit?: number; audit?: AuditCheck } = {}): Card {
  const limit = opts.limit ?? 20;
  const lang = project.lang;
  const t = T[lang];
  const shown = events.slice(-limit);
  const rows = shown.map((e) => `- ${e.at.replace('T', ' ').slice(0, 16)} ${eventWords(e, lang, (id, name) => personMd({ id, name }), mdText)} · ${e.via} · ${mdText(e.evidenceMessageId)}`);
  const blocks: Block[] = [{ type: 'text', md: rows.length ? rows.join('\n') : t.noSignoffs }];
  if (events.length > shown.length) blocks.push({ type: 'context', md: t.moreRows(events.length - shown.length) });
  if (events.length) {
    const chain = verifyChain(project.id, events);
    blocks.push({ type: 'context', md: chain.ok ? t.chainOk(chain.events, chain.head.slice(0, 12)) : t.chainBroken(chain.seq) });
    const ev = opts.audit?.evidence;
    if (ev?.problems.length) blocks.push({ type: 'text', md: [t.evidenceBroken(ev.problems.length), ...ev.problems.slice(0, 5).map((p) => `- ${mdText(p)}`)].join('\n') });
    else if (ev?.records) blocks.push({ type: 'context', md: t.evidenceOk(ev.files) });
  }
  const card: Card = { title: t.signoffs(project.name), tone: 'neutral', blocks, fallback: '' };
  card.fallback = cardText(card);
  return card;
}
