import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { ItemRow, ReportData, RiskRow } from './model.ts';
import { DUE_SOON_DAYS } from './model.ts';
import { ruleLine, shortAt, words, type Words, statusText, evidenceLines } from './words.ts';

/**
 * The report as PDF (pdfkit): every text in Noto Sans SC, embedded as a subset of the glyphs
 * used (so a report stays small) with a ToUnicode map, so Chinese text is selectable and
 * searchable; the chart is drawn as vector graphics. The font ships with the npm package
 * @expo-google-fonts/noto-sans-sc (SIL Open Font License 1.1, its LICENSE_FONT), never one
 * looked up on the machine.
 */

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once per process (about 10 MB each); pdfkit subsets them per document. */
export function reportFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= { regular: readFileSync(require.resolve(FONT_FILES.regular)), bold: readFileSync(require.resolve(FONT_FILES.bold)) };
  return fonts;
}

const COLOR = { text: '#212121', muted: '#666666', confirmed: '#2E7D32', overdue: '#C62828', due: '#EF6C00', open: '#546E7A', head: '#ECEFF1', line: '#B0BEC5', today: '#1565C0', fill: '#C8E6C9' };
const MARGIN = 40;
const PAD = 3;

// Control characters are not text; a chat name may carry them.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

interface Cell {
  text: string;
  color?: string;
  bold?: boolean;
  size?: number;
}
type CellLike = Cell | string;
const asCell = (c: CellLike): Cell => (typeof c === 'string' ? { text: c } : c);

class Layout {
  readonly doc: PDFKit.PDFDocument;
  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
  }
  get left() {
    return this.doc.page.margins.left;
  }
  get width() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get bottom() {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }
  font(bold?: boolean, size = 9) {
    this.doc.font(bold ? 'bold' : 'regular').fontSize(size);
    return this.doc;
  }
  /** A new page when `h` points do not fit below the cursor. */
  ensure(h: number) {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }
  /** `keep`: room for what must follow on the same page (a heading is never left alone at a page's foot). */
  heading(text: string, level: 1 | 2, keep = 70) {
    const size = level === 1 ? 14 : 11.5;
    this.ensure(size * 3 + keep);
    this.doc.moveDown(level === 1 ? 0.8 : 0.5);
    this.font(true, size).fillColor(COLOR.text).text(clean(text), this.left, this.doc.y, { width: this.width });
    if (level === 1) {
      const y = this.doc.y + 1;
      this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.6).strokeColor(COLOR.line).stroke();
    }
    this.doc.moveDown(0.3);
  }
  para(text: string, opts: { bold?: boolean; size?: number; color?: string; indent?: number } = {}) {
    const size = opts.size ?? 9;
    const indent = opts.indent ?? 0;
    this.font(opts.bold, size);
    const t = clean(text);
    this.ensure(Math.min(this.doc.heightOfString(t, { width: this.width - indent }), 200));
    this.doc.fillColor(opts.color ?? COLOR.text).text(t, this.left + indent, this.doc.y, { width: this.width - indent });
    this.doc.moveDown(0.2);
  }
  private cellHeight(c: Cell, w: number) {
    this.font(c.bold, c.size ?? 8);
    return this.doc.heightOfString(clean(c.text) || ' ', { width: w - 2 * PAD }) + 2 * PAD;
  }
  private drawRow(cells: Cell[], widths: number[], h: number, shade?: string, shadeFirst = false) {
    const y = this.doc.y;
    let x = this.left;
    cells.forEach((c, i) => {
      const w = widths[i]!;
      const fill = shade ?? (shadeFirst && i === 0 ? COLOR.head : undefined);
      if (fill) this.doc.rect(x, y, w, h).fillColor(fill).fill();
      this.doc.rect(x, y, w, h).lineWidth(0.4).strokeColor(COLOR.line).stroke();
      this.font(c.bold, c.size ?? 8)
        .fillColor(c.color ?? COLOR.text)
        .text(clean(c.text), x + PAD, y + PAD, { width: w - 2 * PAD });
      x += w;
    });
    this.doc.x = this.left;
    this.doc.y = y + h;
  }
  /** A table with its header row (none when `head` is null) repeated on each page; `fractions` of the content width. */
  table(head: string[] | null, rows: CellLike[][], fractions: number[], shadeFirst = false) {
    const total = fractions.reduce((a, b) => a + b, 0);
    const widths = fractions.map((f) => (this.width * f) / total);
    const headCells = head?.map((t): Cell => ({ text: t, bold: true }));
    const headH = headCells ? Math.max(...headCells.map((c, i) => this.cellHeight(c, widths[i]!))) : 0;
    const rowsC = rows.map((r) => r.map(asCell));
    const firstH = rowsC[0] ? Math.max(...rowsC[0].map((c, i) => this.cellHeight(c, widths[i]!))) : 0;
    this.ensure(headH + firstH);
    if (headCells) this.drawRow(headCells, widths, headH, COLOR.head);
    for (const r of rowsC) {
      const h = Math.max(...r.map((c, i) => this.cellHeight(c, widths[i]!)));
      if (this.doc.y + h > this.bottom) {
        this.doc.addPage();
        if (headCells) this.drawRow(headCells, widths, headH, COLOR.head);
      }
      this.drawRow(r, widths, h, undefined, shadeFirst);
    }
    this.doc.moveDown(0.5);
  }
  /** Label and value rows without a header: the project's facts. */
  facts(rows: [string, string][]) {
    const lw = this.width * 0.2;
    for (const [k, v] of rows) {
      this.font(false, 9);
      const h = Math.max(this.doc.heightOfString(clean(v) || ' ', { width: this.width - lw }), 12);
      this.ensure(h);
      const y = this.doc.y;
      this.doc.fillColor(COLOR.muted).text(clean(k), this.left, y, { width: lw - 6 });
      this.doc.fillColor(COLOR.text).text(clean(v), this.left + lw, y, { width: this.width - lw });
      this.doc.x = this.left;
      this.doc.y = y + h + 2;
    }
  }
}

const stateColor = (s: ItemRow['state']) => COLOR[s];


function header(l: Layout, d: ReportData, w: Words) {
  l.font(true, 18).fillColor(COLOR.text).text(clean(w.title[d.kind]), l.left, l.doc.y, { width: l.width });
  l.font(false, 13).fillColor(COLOR.text).text(clean(d.project.name), { width: l.width });
  l.doc.moveDown(0.5);
  l.facts([
    [w.projectId, d.project.id],
    [w.platform, d.project.platform],
    [w.goLive, `${d.project.goLive} · ${d.countdown}`],
    [w.timeZone, d.project.timeZone],
    [w.customerOrg, d.project.customerOrg],
    [w.generatedAt, shortAt(d.generatedAt)],
  ]);
}

function readiness(l: Layout, d: ReportData, w: Words) {
  const r = d.readiness;
  l.heading(w.readiness, 1);
  l.table(
    [w.total, w.confirmed, w.overdue, w.due, w.open],
    [[String(r.total), { text: `${r.confirmed} (${r.percent}%)`, color: COLOR.confirmed, bold: true }, { text: String(r.overdue), color: COLOR.overdue, bold: true }, { text: String(r.due), color: COLOR.due }, String(r.open)]],
    [1, 1, 1, 1, 1],
  );
}

/** Readiness over time: confirmed per day (solid, filled) against items due by that day (dashed), today and go-live marked. */
function chart(l: Layout, d: ReportData, w: Words) {
  const c = d.chart;
  const doc = l.doc;
  l.heading(w.chart, 2);
  const H = 150;
  l.ensure(H + 50);
  const x0 = l.left + 28;
  const y0 = doc.y + 14;
  const W = l.width - 40;
  const n = Math.max(1, c.points.length);
  const max = Math.max(1, c.total);
  const X = (i: number) => x0 + (W * i) / n;
  const Y = (v: number) => y0 + H - (H * v) / max;
  // Grid and y labels.
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = Math.round(max * f);
    doc.moveTo(x0, Y(v)).lineTo(x0 + W, Y(v)).lineWidth(0.3).strokeColor(COLOR.line).stroke();
    l.font(false, 7).fillColor(COLOR.muted).text(String(v), l.left, Y(v) - 4, { width: 24, align: 'right' });
  }
  // Confirmed: a filled step area.
  const known = c.points.map((pt, i) => ({ i, v: pt.confirmed })).filter((q): q is { i: number; v: number } => q.v !== undefined);
  if (known.length) {
    doc.moveTo(X(known[0]!.i), Y(0));
    for (const q of known) doc.lineTo(X(q.i), Y(q.v)).lineTo(X(q.i + 1), Y(q.v));
    doc.lineTo(X(known.at(-1)!.i + 1), Y(0)).closePath().fillColor(COLOR.fill).fill();
    doc.moveTo(X(known[0]!.i), Y(known[0]!.v));
    for (const q of known) doc.lineTo(X(q.i), Y(q.v)).lineTo(X(q.i + 1), Y(q.v));
    doc.lineWidth(1.6).strokeColor(COLOR.confirmed).stroke();
  }
  // Due by that day: a dashed step line.
  doc.moveTo(X(0), Y(c.points[0]?.due ?? 0));
  c.points.forEach((pt, i) => doc.lineTo(X(i), Y(pt.due)).lineTo(X(i + 1), Y(pt.due)));
  doc.lineWidth(1.2).dash(4, { space: 3 }).strokeColor(COLOR.overdue).stroke().undash();
  // Markers.
  const mark = (date: string, label: string, color: string) => {
    const i = c.points.findIndex((pt) => pt.date === date);
    if (i < 0) return;
    const x = X(i + 0.5);
    doc.moveTo(x, y0 - 4).lineTo(x, y0 + H).lineWidth(0.8).dash(2, { space: 2 }).strokeColor(color).stroke().undash();
    const lx = Math.min(Math.max(x - 40, l.left), l.left + l.width - 80); // the label stays on the page
    l.font(true, 7).fillColor(color).text(`${label} ${date.slice(5)}`, lx, y0 - 13, { width: 80, align: x - 40 < l.left ? 'left' : x + 40 > l.left + l.width ? 'right' : 'center' });
  };
  mark(c.today, w.todayMark, COLOR.today);
  if (c.goLive !== c.today) mark(c.goLive, w.goLiveMark, COLOR.overdue);
  // Axis and x labels, about weekly.
  doc.moveTo(x0, Y(0)).lineTo(x0 + W, Y(0)).lineWidth(0.8).strokeColor(COLOR.muted).stroke();
  const every = Math.max(1, Math.ceil(n / 12));
  c.points.forEach((pt, i) => {
    if (i % every) return;
    doc.moveTo(X(i), Y(0)).lineTo(X(i), Y(0) + 3).lineWidth(0.5).strokeColor(COLOR.muted).stroke();
    l.font(false, 6.5).fillColor(COLOR.muted).text(pt.date.slice(5), X(i) - 15, Y(0) + 4, { width: 30, align: 'center' });
  });
  // Legend.
  const ly = Y(0) + 16;
  doc.rect(x0, ly + 2, 14, 6).fillColor(COLOR.fill).fill();
  doc.moveTo(x0, ly + 2).lineTo(x0 + 14, ly + 2).lineWidth(1.6).strokeColor(COLOR.confirmed).stroke();
  l.font(false, 7.5).fillColor(COLOR.text).text(w.chartConfirmed, x0 + 18, ly, { lineBreak: false });
  doc.moveTo(x0 + 90, ly + 5).lineTo(x0 + 104, ly + 5).lineWidth(1.2).dash(4, { space: 3 }).strokeColor(COLOR.overdue).stroke().undash();
  l.font(false, 7.5).fillColor(COLOR.text).text(w.chartDue, x0 + 108, ly, { lineBreak: false });
  doc.x = l.left;
  doc.y = ly + 14;
  l.para(w.chartNote, { size: 7.5, color: COLOR.muted });
}

function itemsTable(l: Layout, items: ItemRow[], w: Words) {
  l.table(
    [w.n, w.item, w.status, w.dueDate, w.confirmedBy, w.grant, w.when, `${w.evidence}: ${w.evidenceMessage}`, w.evidenceFile, w.evidenceHash],
    items.map((i) => {
      const c = i.confirmed;
      return [
        String(i.n),
        `${i.text}\n${w.source}: ${i.rules.map((r) => r.id).join(', ')} · ${w.confirmBy}: ${i.confirmBy}`,
        { text: statusText(i, w), color: stateColor(i.state), bold: i.state === 'overdue' },
        `${i.dueDate}\n${i.dueT}`,
        c ? `${c.by} (${c.role})` : w.none,
        { text: c?.grant ?? w.none, size: 7 },
        c ? shortAt(c.at) : w.none,
        { text: c ? `${c.evidenceMessageId}\n(${w.via[c.via]})` : w.none, size: 7 },
        c?.evidenceFile ?? w.none,
        c?.evidenceSha256 ?? w.none,
      ];
    }),
    [0.35, 2.9, 1.05, 1.0, 1.3, 1.85, 0.95, 1.25, 0.55, 0.75],
  );
}

function stages(l: Layout, d: ReportData, w: Words) {
  l.heading(w.stages, 1);
  for (const s of d.stages) {
    l.heading(w.stage(s.id, s.title), 2);
    l.para(w.purpose, { bold: true });
    l.para(s.purpose);
    l.para(w.workPoints, { bold: true });
    s.workPoints.forEach((wp, i) => {
      l.para(`${i + 1}. ${wp.text}`, { indent: 12 });
      for (const sub of wp.sub) l.para(`${sub.label}. ${sub.text}`, { indent: 28 });
    });
    l.para(w.items, { bold: true });
    itemsTable(l, s.items, w);
  }
}

/** The training report (check report): totals, one row per session, what the plan keeps of its rules. */
function training(l: Layout, d: ReportData, w: Words) {
  const t = d.training;
  if (!t) return;
  l.heading(w.training, 1);
  if (!t.rows.length) return l.para(w.noTraining);
  l.para(t.summary);
  l.table(
    w.trainingHead,
    t.rows.map((r) => [r.no, r.when, r.title, r.level, r.trainer, r.signedUp, r.checkedIn, r.stayed, r.left, r.exam]),
    [0.35, 1.9, 2.9, 1.1, 1.1, 0.9, 0.9, 0.9, 1.05, 0.9],
  );
  for (const f of t.facts) l.para(f);
}

function openItems(l: Layout, d: ReportData, w: Words) {
  l.heading(w.openItems, 1);
  if (!d.open.length) return l.para(w.noOpen);
  l.table(
    [w.n, w.item, w.status, w.dueDate, w.mustAct, w.countermeasure],
    d.open.map((i) => [String(i.n), i.text, { text: statusText(i, w), color: stateColor(i.state), bold: i.state === 'overdue' }, `${i.dueDate}\n${i.dueT}`, i.mustAct.join('\n'), i.rules.map((r) => ruleLine(r, w)).join('\n')]),
    [0.35, 3, 1.2, 0.9, 2, 4.6],
  );
}

function audit(l: Layout, d: ReportData, w: Words, recorded: boolean) {
  const c = d.chain;
  l.heading(w.audit, 1);
  const chain = !c.events ? w.chainEmpty : c.ok ? w.chainOk(c.events) : w.chainBroken(c.brokenAt!, c.why!);
  l.facts([
    [w.chainHead, c.head ?? w.none],
    ['', `${chain} · ${w.chainCheck}`],
    ...evidenceLines(c, w).map((line, i): [string, string] => [i ? '' : w.evidenceCheck, line]),
    [w.rulebookVersion, d.rulebookVersion],
  ]);
  if (recorded) l.para(w.recorded, { size: 7.5, color: COLOR.muted });
}

function signatures(l: Layout, d: ReportData, w: Words) {
  l.heading(w.signatures, 1, 40 * d.signatures.length + 30);
  const doc = l.doc;
  const cols = [0.22, 0.3, 0.3, 0.18].map((f) => f * l.width);
  let y = doc.y + 4;
  const heads = ['', w.signName, w.signature, w.signDate];
  let x = l.left;
  heads.forEach((h, i) => {
    l.font(true, 8.5).fillColor(COLOR.muted).text(h, x, y, { width: cols[i]! - 8 });
    x += cols[i]!;
  });
  y += 16;
  for (const s of d.signatures) {
    x = l.left;
    l.font(true, 10).fillColor(COLOR.text).text(clean(s.label), x, y + 14, { width: cols[0]! - 8 });
    x += cols[0]!;
    if (s.names.length) l.font(false, 10).fillColor(COLOR.text).text(clean(s.names.join('、')), x, y + 14, { width: cols[1]! - 8 });
    for (let i = 1; i < 4; i++) {
      const lx = l.left + cols.slice(0, i).reduce((a, b) => a + b, 0);
      doc.moveTo(lx, y + 30).lineTo(lx + cols[i]! - 16, y + 30).lineWidth(0.6).strokeColor(COLOR.text).stroke();
    }
    y += 40;
  }
  doc.x = l.left;
  doc.y = y + 6;
}

function riskSection(l: Layout, r: RiskRow, w: Words) {
  l.heading(`#${r.n} ${r.text}`, 2);
  const rows: [string, CellLike][] = [
    [w.status, { text: statusText(r, w), color: stateColor(r.state), bold: true }],
    [w.dueDate, `${r.dueDate} (${r.dueT})`],
    [w.daysOverdue, String(Math.max(0, r.daysOverdue))],
    [w.responsible, r.confirmBy],
    [w.mustAct, r.mustAct.join('\n')],
    ...r.rules.flatMap((rule): [string, CellLike][] =>
      rule.kind === 'risk'
        ? [
            [`${w.problem} ${rule.id}`, rule.problem],
            [`${w.countermeasure} ${rule.id}`, { text: rule.countermeasure, bold: true }],
          ]
        : [[rule.id, w.stageRule(rule.title)]],
    ),
    [w.done, [w.reminders(r.reminders, shortAt), ...(r.history.length ? r.history.map((h) => `• ${shortAt(h.at)}  ${h.words}`) : [w.noHistory])].join('\n')],
  ];
  l.table(null, rows.map(([k, v]) => [{ text: k, bold: true }, v]), [1.6, 8.4], true);
}

function risks(l: Layout, d: ReportData, w: Words) {
  l.heading(w.risksHead, 1);
  if (!d.risks.length) return l.para(w.noRisks);
  l.para(w.risksIntro(d.risks.length, DUE_SOON_DAYS));
  l.table(
    [w.n, w.item, w.status, w.dueDate, w.responsible, w.mustAct, w.remindersHead],
    d.risks.map((r) => [String(r.n), r.text, { text: statusText(r, w), color: stateColor(r.state), bold: r.state === 'overdue' }, `${r.dueDate}\n${r.dueT}`, r.confirmBy, r.mustAct.join('\n'), `${r.reminders.count} / ${r.reminders.afterDue}`]),
    [0.35, 3.6, 1.3, 1, 1.3, 2.2, 1],
  );
  for (const r of d.risks) riskSection(l, r, w);
}

/** Page numbers, written once every page exists. */
function footers(doc: PDFKit.PDFDocument, d: ReportData, w: Words) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7)
      .fillColor(COLOR.muted)
      .text(clean(`${w.footer(d.project.name)} · ${w.page(i + 1, range.count)}`), MARGIN, doc.page.height - MARGIN + 14, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

/** The report as PDF bytes. `recorded`: say that generating it is in the audit trail. */
export async function renderPdf(d: ReportData, opts: { recorded?: boolean } = {}): Promise<Buffer> {
  const w = words(d.lang);
  const recorded = opts.recorded ?? true;
  const f = reportFonts();
  const at = new Date(Date.parse(d.generatedAt));
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    // No default font: pdfkit would set up Helvetica (a standard font, never embedded). Set
    // as the constructor's font, a buffer also defeats pdfkit's font cache (parsed again per use).
    font: null as unknown as string,
    lang: d.lang === 'zh' ? 'zh-CN' : 'en',
    displayTitle: true,
    info: { Title: clean(`${w.title[d.kind]} · ${d.project.name}`), Author: 'oa-golive-bot', Subject: clean(d.project.id), Creator: 'oa-golive-bot', CreationDate: at, ModDate: at },
  } as PDFKit.PDFDocumentOptions);
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.font('regular');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const l = new Layout(doc);
  header(l, d, w);
  readiness(l, d, w);
  chart(l, d, w);
  if (d.kind === 'check') {
    stages(l, d, w);
    training(l, d, w);
    openItems(l, d, w);
    audit(l, d, w, recorded);
    signatures(l, d, w);
  } else {
    risks(l, d, w);
    audit(l, d, w, recorded);
  }
  footers(doc, d, w);
  doc.end();
  return done;
}
