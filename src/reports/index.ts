import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { Template } from '../readiness/model/template.ts';
import type { Clock } from '../core/clock.ts';
import { rolesOf } from '../readiness/model/roles.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { addDays, isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import type { ChecklistMessage, NewSignoffEvent, ProjectRecord, SignoffEvent } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { REPORT_FORMATS, REPORT_KINDS, reportData, type Lang, type ReportData, type ReportFormat, type ReportKind } from './model.ts';
import { fileStem, words } from './words.ts';
import { checkAudit } from '../store/audit-check.ts';
import { numberingFor } from '../readiness/model/checklist.ts';
import { trainingReport } from '../training/report-model.ts';

/**
 * Reports: the pre-launch check report (上线前检查报告) and the project risk report
 * (项目风险报告书), as DOCX or PDF. `generateReport` reads what a report needs from the store,
 * renders it, and appends a "report" event to the project's audit trail (its SHA-256 as the
 * evidence, the chain head it quotes in its text). Entry points: the CLI (src/cli/report.ts)
 * and GET /api/projects/:id/report (src/readiness/routes.ts, via `serveReport`).
 */

export { reportData, REPORT_FORMATS, REPORT_KINDS, type ReportData, type ReportFormat, type ReportKind } from './model.ts';

export const CONTENT_TYPE: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

/** The renderers load docx / pdfkit and the font only when a report is asked for. */
export async function render(d: ReportData, format: ReportFormat, opts: { recorded?: boolean } = {}): Promise<Buffer> {
  if (format === 'docx') return (await import('./docx.ts')).renderDocx(d, opts);
  return (await import('./pdf.ts')).renderPdf(d, opts);
}

/** Longest span of daily slots looked up for reminders. */
const MAX_DAYS = 400;

/**
 * The checklist messages the bot posted for the project, through the store: the daily post of
 * each local date (its claim names the message), the final summary, and the latest message
 * (a manual `@bot 清单` one included). Earlier manual posts have no claim and are not listed.
 */
export async function postedMessages(store: Pick<Store, 'getPost' | 'findChecklistMessage' | 'latestChecklistMessage'>, p: ProjectRecord, today: string): Promise<ChecklistMessage[]> {
  const out = new Map<string, ChecklistMessage>();
  const slots: string[] = [];
  const end = today < p.goLive ? today : p.goLive;
  for (let d = p.createdAt.slice(0, 10), i = 0; d <= end && i < MAX_DAYS; d = addDays(d, 1), i++) slots.push(d);
  slots.push(`final:${p.goLive}`);
  const claims = await Promise.all(slots.map((s) => store.getPost(p.id, s)));
  const found = await Promise.all(claims.map((c) => (c?.status === 'sent' && c.messageId ? store.findChecklistMessage(p.platform, p.chatId, c.messageId) : undefined)));
  for (const m of found) if (m) out.set(m.messageId, m);
  const latest = await store.latestChecklistMessage(p.id);
  if (latest) out.set(latest.messageId, latest);
  return [...out.values()].sort((a, b) => (a.postedAt < b.postedAt ? -1 : a.postedAt > b.postedAt ? 1 : 0));
}

export interface Actor {
  id: string;
  name?: string;
  via: SignoffEvent['via'];
  /** The chat message that asked for it, named in the event's text. */
  messageId?: string;
}

export interface GenerateOptions {
  store: Store;
  template: Template;
  rulebook: Rulebook;
  project: ProjectRecord;
  kind: ReportKind;
  format: ReportFormat;
  now: Date;
  lang?: Lang;
  /** Who asked: recorded in the trail. Without it nothing is written (a read-only look). */
  actor?: Actor;
  /**
   * Hands the file over before the event is written (the chat's upload): when it throws, nothing
   * is recorded and the error goes to the caller, so the trail names only reports that reached
   * someone.
   */
  deliver?: (r: GeneratedReport) => Promise<void>;
}

export interface GeneratedReport {
  bytes: Buffer;
  sha256: string;
  /** ASCII-only, for file systems and the Content-Disposition fallback. */
  filename: string;
  /** The title, project name and date: what people see. */
  displayName: string;
  contentType: string;
  data: ReportData;
  /** The audit event written, when an actor was given. */
  event?: SignoffEvent;
}

const ascii = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');

export async function generateReport(o: GenerateOptions): Promise<GeneratedReport> {
  const { store, project: p } = o;
  const today = localDate(o.now, p.timeZone);
  const [signoffs, posts, latest, evidence] = await Promise.all([store.listSignoffs(p.id), postedMessages(store, p, today), store.latestChecklistMessage(p.id), store.listEvidence(p.id)]);
  // The same check as `cli audit verify`: the chain, and the evidence (stored files hashed again) held to it.
  const audit = await checkAudit(store, p.id, { events: signoffs, records: evidence });
  const training = trainingReport(await store.listSessions(p.id), `${today}T${localTime(o.now, p.timeZone)}`, p.trainingGoal);
  const data = reportData({ kind: o.kind, project: p, template: o.template, rulebook: o.rulebook, signoffs, posts, now: o.now, order: numberingFor(o.template, latest?.items), lang: o.lang, evidence, audit, training });
  const bytes = await render(data, o.format, { recorded: !!o.actor });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const w = words(data.lang);
  const filename = `${o.kind === 'check' ? 'pre-launch-check' : 'risk-report'}-${ascii(p.id)}-${data.today}.${o.format}`;
  const out: GeneratedReport = { bytes, sha256, filename, displayName: `${fileStem(data)}.${o.format}`, contentType: CONTENT_TYPE[o.format], data };
  if (o.deliver) await o.deliver(out);
  if (o.actor) {
    const e: NewSignoffEvent = {
      projectId: p.id,
      action: 'report',
      itemId: `report:${o.kind}`,
      itemText: `${w.title[o.kind]} (${o.format.toUpperCase()})`,
      userId: o.actor.id,
      ...(o.actor.name ? { userName: o.actor.name } : {}),
      role: p.adminId === o.actor.id ? 'admin' : (rolesOf(p, o.actor.id)[0] ?? 'member'),
      at: isoWithOffset(o.now, p.timeZone),
      via: o.actor.via,
      platform: p.platform,
      evidenceMessageId: `sha256:${sha256}`,
      text: `${o.kind} ${o.format} ${data.lang}, ${bytes.length} bytes, ${data.readiness.confirmed}/${data.readiness.total} confirmed, chain head ${data.chain.head ?? 'none'}${o.actor.messageId ? `, asked in message ${o.actor.messageId}` : ''}`,
      rulebookVersion: o.rulebook.version,
    };
    [out.event] = await store.appendSignoffs([e]);
  }
  return out;
}

/** attachment; filename="ascii"; filename*=UTF-8''the title in the project's language (RFC 6266 / 5987). */
export function contentDisposition(r: Pick<GeneratedReport, 'filename' | 'displayName'>): string {
  const star = encodeURIComponent(r.displayName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${r.filename}"; filename*=UTF-8''${star}`;
}

export interface ServeDeps {
  store: Store;
  clock: Clock;
  rulebook: () => Rulebook;
  template: () => Template;
}

/**
 * GET /api/projects/:id/report?format=docx|pdf&kind=check|risk, after the route's access check.
 * `bearer`: the caller used ADMIN_TOKEN (else a dashboard session, or loopback without a token).
 */
export async function serveReport(ctx: Context, deps: ServeDeps, bearer: boolean): Promise<void> {
  const id = ctx.params.id!;
  const format = (ctx.query.format ?? 'pdf') as ReportFormat;
  const kind = (ctx.query.kind ?? 'check') as ReportKind;
  if (!REPORT_FORMATS.includes(format)) ctx.throw(400, `format must be ${REPORT_FORMATS.join(' or ')}`);
  if (!REPORT_KINDS.includes(kind)) ctx.throw(400, `kind must be ${REPORT_KINDS.join(' or ')}`);
  const project = await deps.store.getProject(id);
  if (!project) ctx.throw(404, `no project ${id} (GET /api/projects lists them)`);
  const r = await generateReport({
    store: deps.store,
    template: deps.template(),
    rulebook: deps.rulebook(),
    project: project!,
    kind,
    format,
    now: deps.clock.now(),
    actor: bearer ? { id: 'api', name: 'API (ADMIN_TOKEN)', via: 'web' } : { id: 'web', name: 'dashboard', via: 'web' },
  });
  ctx.type = r.contentType;
  ctx.set('Content-Disposition', contentDisposition(r));
  ctx.set('X-Report-SHA256', r.sha256);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = r.bytes;
}
