import { buildChecklist, type Checklist, type LineState } from '../readiness/model/checklist.ts';
import { countdown } from '../readiness/views/checklist-card.ts';
import type { Template } from '../readiness/model/template.ts';
import type { Clock } from '../core/clock.ts';
import { roleName } from '../readiness/model/roles.ts';
import type { WorkCalendar } from '../calendar/calendar.ts';
import { CALENDAR_WARN_DAYS, calendarGap } from '../calendar/calendar-gap.ts';
import { daysBetween, localDate } from '../calendar/dates.ts';
import { actionWord, customerOrgWords, evidenceFactWords, grantWords } from '../readiness/views/trail-words.ts';
import type { AuditCheck } from '../store/audit-check.ts';
import { verifyChain } from '../store/chain.ts';
import { isRoleAction, isTrainingAction, RoleAction, TrainingAction, type EvidenceRecord, type ProjectRecord, type RoleHolder, type SignoffEvent, type Store } from '../store/store.ts';
import type { Trend } from '../readiness/model/trend.ts';
import { demoUser } from './demo.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang, type Strings } from './i18n.ts';
import { shownTime } from './time.ts';
import { personName, type ProjectOverview } from './project-overview.ts';
import { itemState, STATE_WORDS } from '../readiness/views/item-words.ts';
import { trendSection } from './trend-chart.ts';

export { personName, type ProjectOverview } from './project-overview.ts';

export { CALENDAR_WARN_DAYS, calendarGap };

/** The web address of a stored evidence file (served under the dashboard's access rule, src/web/routes.ts). */
export const evidenceHref = (projectId: string, id: number) => `${projectHref(projectId)}/evidence/${id}`;

const kb = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** The evidence table: files with download links, links as they were given, missing ones with the reason. */
function evidenceSection(lang: Lang, r: ProjectOverview): Raw {
  const zh = lang === 'zh';
  const item = new Map(r.signoffs.map((e) => [e.seq, e]));
  const head = html`<h2 id="evidence">${zh ? '证据' : 'Evidence'}</h2>`;
  if (!r.evidence.length) return html`${head}<p class="muted">${zh ? '还没有附带证据的确认。' : 'No sign-off has evidence yet.'}</p>`;
  return html`${head}<div class="scroll"><table id="evidence-rows" class="stack"><thead><tr><th class="num">#</th><th>${zh ? '事项' : 'Item'}</th><th>${zh ? '证据' : 'Evidence'}</th><th>${zh ? '类型' : 'Type'}</th><th>${zh ? '大小' : 'Size'}</th><th>SHA-256</th><th>${zh ? '状态' : 'Status'}</th><th>${zh ? '时间' : 'Time'}</th></tr></thead><tbody>
${r.evidence.map((e) => {
  const ev = e.signoffSeq ? item.get(e.signoffSeq) : undefined;
  const name =
    e.source === 'link' && e.url && /^https?:\/\//i.test(e.url)
      ? html`<a href="${e.url}" rel="noopener noreferrer nofollow" target="_blank">${e.url}</a>`
      : e.status === 'stored' && e.sha256
        ? html`<a class="evidence-file" href="${evidenceHref(r.project.id, e.id)}" download>${e.name}</a>`
        : html`${e.name}`;
  const status = e.status === 'stored' ? (zh ? '已保存' : 'stored') : html`<span class="state state-overdue">${zh ? '缺失' : 'missing'}</span> <span class="muted">${e.reason ?? ''}</span>`;
  return html`<tr data-evidence="${String(e.id)}"><td class="num" data-label="#">${ev ? String(ev.seq) : ''}</td><td data-label="${zh ? '事项' : 'Item'}">${ev?.itemText ?? ''}</td><td data-label="${zh ? '证据' : 'Evidence'}">${name}</td><td data-label="${zh ? '类型' : 'Type'}">${e.source}</td><td class="nowrap" data-label="${zh ? '大小' : 'Size'}">${e.source === 'link' ? '' : kb(e.size)}</td><td data-label="SHA-256">${e.sha256 ? html`<code title="${e.sha256}">${e.sha256.slice(0, 12)}</code>` : ''}</td><td data-label="${zh ? '状态' : 'Status'}">${status}</td><td class="nowrap" data-label="${zh ? '时间' : 'Time'}">${shownTime(e.at, r.project.timeZone)}</td></tr>`;
})}
</tbody></table></div>`;
}

/** The address of a report of the project (GET /api/projects/:id/report: a dashboard session is enough, src/readiness/routes.ts). */
export const reportHref = (projectId: string, kind: 'check' | 'risk', format: 'pdf' | 'docx') => `/api/projects/${encodeURIComponent(projectId)}/report?kind=${kind}&format=${format}`;

/** Download buttons for the two reports, in the project's language; generating one is an audit event. */
function reportsSection(lang: Lang, p: ProjectRecord): Raw {
  const zh = lang === 'zh';
  const kinds = [
    { kind: 'check' as const, label: zh ? '上线前检查报告' : 'Pre-launch check report' },
    { kind: 'risk' as const, label: zh ? '项目风险报告书' : 'Project risk report' },
  ];
  return html`<h2 id="reports">${zh ? '报告' : 'Reports'}</h2>
<p class="report-links">${kinds.map(({ kind, label }) => html`<span class="nowrap">${label}: ${(['pdf', 'docx'] as const).map((f) => html`<a class="btn report" data-kind="${kind}" data-format="${f}" href="${reportHref(p.id, kind, f)}" download>${f.toUpperCase()}</a> `)}</span> `)}</p>
<p class="muted">${zh ? '报告按项目语言生成;每次下载都会作为「生成报告」记入审计链。群里 @机器人 生成报告 / 风险报告 也可以。' : "In the project's language; each download is recorded in the audit trail as \"generated report\". In the group: @bot report / risk report."}</p>`;
}

const ACTIONS = ['confirm', 'undo', 'evidence', ...RoleAction.options, ...TrainingAction.options, 'report'] as const;

/**
 * Whether the trail's hash chain holds and the evidence matches it (the same check as `cli audit
 * verify`, src/store/audit-check.ts), and the head: what a report or an auditor can quote. Each
 * evidence problem names the record (#id, file name, sign-off) or the event; evidence kept by an
 * older version before evidence had its own event is said as such, not as tampering.
 */
function chainLine(lang: Lang, r: ProjectOverview): Raw | string {
  if (!r.signoffs.length && !r.evidence.length) return '';
  const c = r.audit?.chain ?? verifyChain(r.project.id, r.signoffs);
  const ev = r.audit?.evidence;
  const s = t(lang);
  const chain = c.ok
    ? html`<p id="chain" class="${ev?.problems.length ? 'state-overdue' : 'muted'}">${ev?.problems.length ? '⛔' : '🔗'} ${s.dbChainOk.replace('{n}', String(c.events))} <code>${c.head}</code></p>`
    : html`<p id="chain" class="state-overdue">⛔ ${s.dbChainBroken.replace('{seq}', String(c.seq))} ${c.why}</p>`;
  const problems = ev?.problems.length
    ? html`<div id="evidence-check" class="state-overdue"><p>⛔ ${s.dbEvidenceBroken.replace('{n}', String(ev.problems.length))}</p><ul>${ev.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`
    : ev?.records
      ? html`<p id="evidence-check" class="muted">🔗 ${s.dbEvidenceOk.replace('{n}', String(ev.records)).replace('{files}', String(ev.files))}</p>`
      : '';
  const older = ev?.unchained ? html`<p id="evidence-older" class="muted">ℹ️ ${s.dbEvidenceOlder.replace('{n}', String(ev.unchained))}</p>` : '';
  return html`${chain}${problems}${older}`;
}

/** How a role holder got their role, as the dashboard says it. */
function holderWords(p: ProjectRecord, h: RoleHolder, lang: Lang): string {
  const s = t(lang);
  if (h.declared) return s.dbDeclared;
  const by = s.dbGrantedBy.replace('{by}', h.grantedBy ? personName(p, h.grantedBy, lang, h.grantedByName) : '?');
  if (h.pending) return `${s.dbPending}; ${by}`;
  return `${by}${h.acceptedAt ? s.dbAcceptedAt.replace('{at}', shownTime(h.acceptedAt, p.timeZone)) : ''}${h.org ? ` · ${h.org}` : ''}`;
}

/** The audit row's detail: whose role changed, or how the signer holds their role. */
function detail(p: ProjectRecord, e: SignoffEvent, lang: Lang): string {
  const who = (id: string, name?: string) => personName(p, id, lang, name);
  if (isRoleAction(e.action)) return e.subjectId ? `${who(e.subjectId, e.subjectName)}${e.org ? ` · ${e.org}` : ''}` : '';
  // Training: whom a move-up seated, and what was decided (terms, the override's reason, the change).
  if (isTrainingAction(e.action)) return [e.subjectId && e.subjectId !== e.userId ? who(e.subjectId, e.subjectName) : '', e.detail ?? ''].filter(Boolean).join(' · ');
  // Evidence attached: the file (name, type, size, SHA-256), the link, or why it is missing.
  if (e.action === 'evidence') return e.evidence ? evidenceFactWords(e.evidence, lang) : '';
  return grantWords(e.roleGrant, lang, who, (x) => x, (iso) => shownTime(iso, p.timeZone)) ?? '';
}

export const projectHref = (id: string) => `/dashboard/projects/${encodeURIComponent(id)}`;

export function platformTag(s: Strings, p: ProjectRecord): Raw {
  return html`<span class="tag">${p.platform === 'web' ? s.dbPlayground : p.platform}</span>`;
}

export function progress(cl: Checklist): Raw {
  return html`<progress value="${cl.done}" max="${cl.total}"></progress> <span class="nowrap">${cl.done}/${cl.total}</span>`;
}

// The front page (summary, sorting, filters) is portfolio.ts.

export interface AuditFilter {
  user?: string;
  action?: string;
  via?: string;
  item?: string;
  from?: string;
  to?: string;
}

export function readFilter(q: Record<string, unknown>): AuditFilter {
  const str = (k: string) => (typeof q[k] === 'string' && (q[k] as string).trim() ? (q[k] as string).trim().slice(0, 100) : undefined);
  const date = (k: string) => (str(k) && /^\d{4}-\d{2}-\d{2}$/.test(str(k)!) ? str(k) : undefined);
  return { user: str('user'), action: str('action'), via: str('via'), item: str('item'), from: date('from'), to: date('to') };
}

export function filterSignoffs(events: SignoffEvent[], f: AuditFilter): SignoffEvent[] {
  return events.filter(
    (e) =>
      (!f.user || e.userId === f.user) &&
      (!f.action || e.action === f.action) &&
      (!f.via || e.via === f.via) &&
      (!f.item || e.itemId === f.item) &&
      (!f.from || e.at.slice(0, 10) >= f.from) &&
      (!f.to || e.at.slice(0, 10) <= f.to),
  );
}

export function projectBody(lang: Lang, r: ProjectOverview, f: AuditFilter, query: URLSearchParams): Raw {
  const s = t(lang);
  const p = r.project;
  const cl = r.checklist;
  const rows = filterSignoffs(r.signoffs, f);
  const users = [...new Map(r.signoffs.map((e) => [e.userId, e.userName ?? e.userId])).entries()];
  const opt = (value: string, label: string, current?: string) => html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  const csvQuery = new URLSearchParams([...query].filter(([k]) => k !== 'lang'));
  return html`<p><a href="/dashboard">${s.dbBack}</a></p>
<h1>${p.name} ${platformTag(s, p)}</h1>
${r.calendarUnknown ? html`<p class="state-overdue calendar-unknown">⚠️ ${s.dbCalendarUnknownLong.replace('{year}', String(r.calendarUnknown.year))}</p>` : ''}
<p><strong>${countdown(cl.daysToGoLive)}</strong> · ${s.dbGoLive} ${p.goLive} (${p.timeZone}) · ${s.dbProgress} ${progress(cl)} · ${s.dbLastPost} ${shownTime(r.lastPost, p.timeZone) || s.dbNever}</p>
<p class="muted" id="roles">${s.dbRoles}: ${s.dbAdmin} ${personName(p, p.adminId, lang, p.adminName)}${p.roles.map((h) => html` · ${roleName[h.role][lang]} ${personName(p, h.userId, lang, h.name)} (${holderWords(p, h, lang)})`)}</p>
<p class="muted" id="customer-org">${s.dbCustomerOrg}: ${customerOrgWords(p, lang, (id, name) => personName(p, id, lang, name))}</p>
${reportsSection(lang, p)}
<p id="training-link"><a class="btn" href="${projectHref(p.id)}/training">${s.trLink}</a></p>
${r.trend ? trendSection(lang, p, r.trend) : ''}
<h2>${s.dbChecklist}</h2>
<div class="scroll"><table id="checklist" class="stack"><thead><tr><th class="num">${s.dbNo}</th><th>${s.dbItem}</th><th>${s.dbStage}</th><th>${s.dbDue}</th><th>${s.dbWho}</th><th>${s.dbStatus}</th><th>${s.dbSource}</th></tr></thead><tbody>
${cl.lines.map((l) => html`<tr data-item="${l.item.id}"><td class="num" data-label="${s.dbNo}">${l.n}</td><td data-label="${s.dbItem}">${l.item.text[lang]}</td><td data-label="${s.dbStage}">${l.item.stage}</td><td class="nowrap" data-label="${s.dbDue}">${l.dueDate}</td><td data-label="${s.dbWho}">${roleName[l.item.confirm][lang]}</td>
  <td data-label="${s.dbStatus}"><span class="state state-${itemState(l)}">${STATE_WORDS[lang][itemState(l)]}</span>${l.confirmed ? html`<br><span class="muted">${l.confirmed.userName ?? l.confirmed.userId} ${shownTime(l.confirmed.at, p.timeZone)}</span>` : ''}</td>
  <td data-label="${s.dbSource}">${l.item.rules.map((id) => html`<a href="/rulebook#${id.includes('-') ? 'r' : 's'}-${id}">${id}</a> `)}</td></tr>`)}
</tbody></table></div>
${evidenceSection(lang, r)}
<h2 id="audit">${s.dbAudit}</h2>
${chainLine(lang, r)}
<form class="filters" method="get" action="${projectHref(p.id)}#audit">
  <label>${s.dbUser} <select name="user">${opt('', s.dbAll)}${users.map(([id, name]) => opt(id, name, f.user))}</select></label>
  <label>${s.dbAction} <select name="action">${opt('', s.dbAll)}${ACTIONS.map((a) => opt(a, actionWord(a, lang), f.action))}</select></label>
  <label>${s.dbVia} <select name="via">${opt('', s.dbAll)}${['reply', 'button', 'web'].map((v) => opt(v, v, f.via))}</select></label>
  <label>${s.dbItem} <select name="item">${opt('', s.dbAll)}${cl.lines.map((l) => opt(l.item.id, `${l.n}. ${l.item.text[lang].slice(0, 24)}`, f.item))}</select></label>
  <label>${s.dbFrom} <input type="date" name="from" value="${f.from ?? ''}"></label>
  <label>${s.dbTo} <input type="date" name="to" value="${f.to ?? ''}"></label>
  <button type="submit" class="btn">${s.dbFilter}</button>
  <a class="btn" id="csv" href="${projectHref(p.id)}/signoffs.csv${csvQuery.size ? `?${csvQuery}` : ''}" download>${s.dbCsv}</a>
</form>
${rows.length
  ? html`<div class="scroll"><table id="audit-rows" class="stack"><thead><tr><th class="num">#</th><th>${s.dbTime}</th><th>${s.dbUser}</th><th>${s.dbRole}</th><th>${s.dbAction}</th><th>${s.dbItem}</th><th>${s.dbVia}</th><th>${s.dbEvidence}</th><th>${s.dbText}</th><th>${s.dbDetail}</th></tr></thead><tbody>
    ${rows.map((e) => html`<tr><td class="num" data-label="#">${e.seq}</td><td class="nowrap" data-label="${s.dbTime}">${shownTime(e.at, p.timeZone)}</td><td data-label="${s.dbUser}">${e.userName ?? e.userId}</td><td data-label="${s.dbRole}">${roleName[e.role][lang]}</td><td data-label="${s.dbAction}">${actionWord(e.action, lang)}</td><td data-label="${s.dbItem}">${e.itemText}</td><td data-label="${s.dbVia}">${e.via}</td><td data-label="${s.dbEvidence}"><code>${e.evidenceMessageId}</code></td><td data-label="${s.dbText}">${e.text}</td><td data-label="${s.dbDetail}">${detail(p, e, lang)}</td></tr>`)}
    </tbody></table></div>`
  : html`<p class="muted">${s.dbNoRows}</p>`}`;
}
