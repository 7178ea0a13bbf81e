import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { ChartPoint, ItemRow, ReportData, RiskRow } from './model.ts';
import { DUE_SOON_DAYS } from './model.ts';
import { ruleLine, shortAt, words, type Words, statusText, evidenceLines } from './words.ts';

/**
 * The report as a Word document (the `docx` package: editable, what customers use). Every
 * text goes through TextRun, which escapes it; nothing here writes XML by hand. Control
 * characters a chat name may carry (not allowed in XML) are dropped first.
 */

const FONT = { ascii: 'Calibri', hAnsi: 'Calibri', eastAsia: 'Microsoft YaHei', cs: 'Calibri' };
const MONO = { ascii: 'Consolas', hAnsi: 'Consolas', eastAsia: 'Microsoft YaHei', cs: 'Consolas' };
const COLOR = { confirmed: '2E7D32', overdue: 'C62828', due: 'EF6C00', open: '546E7A', muted: '666666', head: 'ECEFF1', gap: 'E57373' };
/** Landscape A4 in twips, 1.8 cm margins: the item tables need the width. */
const PAGE = { width: 11906, height: 16838, margin: 1020 };
const CONTENT = PAGE.height - 2 * PAGE.margin;

const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');

/** Runs for a text that may hold line breaks. */
function runs(text: string, opts: Omit<IRunOptions, 'text' | 'break'> = {}): TextRun[] {
  return clean(text)
    .split('\n')
    .map((line, i) => new TextRun({ ...opts, text: line, ...(i ? { break: 1 } : {}) }));
}

const p = (text: string, opts: Omit<IRunOptions, 'text' | 'break'> = {}, spacingAfter = 80) => new Paragraph({ children: runs(text, opts), spacing: { after: spacingAfter } });
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ heading: level, children: runs(text), spacing: { before: 240, after: 120 } });

function cell(content: string | Paragraph[], opts: { width?: number; shade?: string; bold?: boolean; color?: string; mono?: boolean; size?: number; span?: number } = {}): TableCell {
  const children = typeof content === 'string' ? [new Paragraph({ children: runs(content, { bold: opts.bold, color: opts.color, font: opts.mono ? MONO : undefined, size: opts.size }) })] : content;
  return new TableCell({
    children,
    ...(opts.width ? { width: { size: opts.width, type: WidthType.DXA } } : {}),
    ...(opts.shade ? { shading: { type: ShadingType.CLEAR, fill: opts.shade, color: 'auto' } } : {}),
    ...(opts.span ? { columnSpan: opts.span } : {}),
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
  });
}

/** A table with a shaded header row; widths in twelfths of the content width. */
function table(head: string[], rows: TableCell[][], twelfths: number[]): Table {
  const widths = twelfths.map((t) => Math.floor((CONTENT * t) / 12));
  return new Table({
    width: { size: CONTENT, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: head.map((h, i) => cell(h, { width: widths[i], shade: COLOR.head, bold: true })) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r })),
    ],
  });
}

/** Two columns, label and value: the project's facts. */
function facts(rows: [string, string, boolean?][]): Table {
  const widths = [Math.floor(CONTENT * 0.22), Math.floor(CONTENT * 0.78)];
  const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
  return new Table({
    width: { size: CONTENT, type: WidthType.DXA },
    columnWidths: widths,
    borders: { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none },
    rows: rows.map(([k, v, mono]) => new TableRow({ children: [cell(k, { width: widths[0], color: COLOR.muted }), cell(v, { width: widths[1], mono })] })),
  });
}

const stateColor = (s: ItemRow['state']) => COLOR[s];


function header(d: ReportData, w: Words): (Paragraph | Table)[] {
  return [
    new Paragraph({ heading: HeadingLevel.TITLE, children: runs(`${w.title[d.kind]} · ${d.project.name}`), spacing: { after: 200 } }),
    facts([
      [w.project, d.project.name],
      [w.projectId, d.project.id, true],
      [w.platform, d.project.platform],
      [w.goLive, d.project.goLive],
      [w.countdown, d.countdown],
      [w.timeZone, d.project.timeZone],
      [w.customerOrg, d.project.customerOrg],
      [w.generatedAt, shortAt(d.generatedAt)],
    ]),
  ];
}

function readiness(d: ReportData, w: Words): (Paragraph | Table)[] {
  const r = d.readiness;
  const widths = [3, 3, 2, 2, 2];
  return [
    heading(w.readiness, HeadingLevel.HEADING_1),
    table(
      [w.total, w.confirmed, w.overdue, w.due, w.open],
      [[cell(String(r.total)), cell(`${r.confirmed} (${r.percent}%)`, { color: COLOR.confirmed, bold: true }), cell(String(r.overdue), { color: COLOR.overdue, bold: true }), cell(String(r.due), { color: COLOR.due }), cell(String(r.open))]],
      widths,
    ),
  ];
}

/** The readiness chart as a table: one row per day something changed, a bar of █ (confirmed) and ░ (due, not confirmed). */
function chart(d: ReportData, w: Words): (Paragraph | Table)[] {
  const c = d.chart;
  const row = (pt: ChartPoint): TableCell[] => {
    const mark = [pt.date === c.today ? w.todayMark : '', pt.date === c.goLive ? w.goLiveMark : ''].filter(Boolean).join(' · ');
    const conf = pt.confirmed;
    const gap = conf === undefined ? 0 : Math.max(0, pt.due - conf);
    const bar = new Paragraph({
      children: [
        new TextRun({ text: '█'.repeat(conf ?? 0), color: COLOR.confirmed, font: MONO, size: 16 }),
        new TextRun({ text: '░'.repeat(gap), color: COLOR.gap, font: MONO, size: 16 }),
        new TextRun({ text: conf === undefined ? '' : `  ${conf}/${pt.due}`, color: COLOR.muted, size: 16 }),
      ],
    });
    return [cell(`${pt.date}${mark ? ` (${mark})` : ''}`, { bold: !!mark }), cell(String(pt.due)), cell(conf === undefined ? '—' : String(conf)), cell([bar])];
  };
  return [heading(w.chart, HeadingLevel.HEADING_2), p(w.chartNote, { color: COLOR.muted, size: 16 }), table([w.chartDate, w.chartDue, w.chartConfirmed, w.chartBar], c.steps.map(row), [2, 1, 1, 8])];
}

function itemsTable(items: ItemRow[], w: Words): Table {
  return table(
    [w.n, w.item, w.status, w.dueDate, w.confirmedBy, w.grant, w.when, `${w.evidence}: ${w.evidenceMessage}`, w.evidenceFile, w.evidenceHash],
    items.map((i) => {
      const c = i.confirmed;
      return [
        cell(String(i.n)),
        cell([new Paragraph({ children: runs(i.text) }), new Paragraph({ children: runs(`${w.source}: ${i.rules.map((r) => r.id).join(', ')} · ${w.confirmBy}: ${i.confirmBy}`, { color: COLOR.muted, size: 14 }) })]),
        cell(statusText(i, w), { color: stateColor(i.state), bold: i.state === 'overdue' }),
        cell(`${i.dueDate} (${i.dueT})`),
        cell(c ? `${c.by} (${c.role})` : w.none),
        cell(c?.grant ?? w.none, { size: 14 }),
        cell(c ? shortAt(c.at) : w.none),
        cell(c ? `${c.evidenceMessageId} (${w.via[c.via]})` : w.none, { mono: true, size: 14 }),
        cell(c?.evidenceFile ?? w.none),
        cell(c?.evidenceSha256 ?? w.none, { mono: true, size: 14 }),
      ];
    }),
    [0.4, 2.6, 1.1, 1, 1.3, 1.8, 1, 1.3, 0.7, 0.8],
  );
}

function stages(d: ReportData, w: Words): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [heading(w.stages, HeadingLevel.HEADING_1)];
  for (const s of d.stages) {
    out.push(heading(w.stage(s.id, s.title), HeadingLevel.HEADING_2));
    out.push(p(w.purpose, { bold: true }, 40), p(s.purpose));
    out.push(p(w.workPoints, { bold: true }, 40));
    s.workPoints.forEach((wp, i) => {
      out.push(new Paragraph({ children: runs(`${i + 1}. ${wp.text}`), indent: { left: 360 }, spacing: { after: 40 } }));
      for (const sub of wp.sub) out.push(new Paragraph({ children: runs(`${sub.label}. ${sub.text}`), indent: { left: 720 }, spacing: { after: 40 } }));
    });
    out.push(p(w.items, { bold: true }, 40), itemsTable(s.items, w));
  }
  return out;
}

/** The training report (check report): totals, one row per session, what the plan keeps of its rules. */
function training(d: ReportData, w: Words): (Paragraph | Table)[] {
  const t = d.training;
  if (!t) return [];
  if (!t.rows.length) return [heading(w.training, HeadingLevel.HEADING_1), p(w.noTraining)];
  return [
    heading(w.training, HeadingLevel.HEADING_1),
    p(t.summary),
    table(
      w.trainingHead,
      t.rows.map((r) => [r.no, r.when, r.title, r.level, r.trainer, r.signedUp, r.checkedIn, r.stayed, r.left, r.exam].map((x) => cell(x))),
      [0.4, 1.9, 2.9, 1.1, 1.1, 0.9, 0.9, 0.9, 1, 0.9],
    ),
    ...t.facts.map((f) => p(f)),
  ];
}

function openItems(d: ReportData, w: Words): (Paragraph | Table)[] {
  if (!d.open.length) return [heading(w.openItems, HeadingLevel.HEADING_1), p(w.noOpen)];
  return [
    heading(w.openItems, HeadingLevel.HEADING_1),
    table(
      [w.n, w.item, w.status, w.dueDate, w.mustAct, w.countermeasure],
      d.open.map((i) => [
        cell(String(i.n)),
        cell(i.text),
        cell(statusText(i, w), { color: stateColor(i.state), bold: i.state === 'overdue' }),
        cell(`${i.dueDate} (${i.dueT})`),
        cell(i.mustAct.join('\n')),
        cell(i.rules.map((r) => new Paragraph({ children: runs(ruleLine(r, w)), spacing: { after: 40 } }))),
      ]),
      [0.4, 3, 1.3, 1.1, 2, 4.2],
    ),
  ];
}

function audit(d: ReportData, w: Words, recorded: boolean): (Paragraph | Table)[] {
  const c = d.chain;
  const chain = !c.events ? w.chainEmpty : c.ok ? w.chainOk(c.events) : w.chainBroken(c.brokenAt!, c.why!);
  return [
    heading(w.audit, HeadingLevel.HEADING_1),
    facts([
      [w.chainHead, c.head ?? w.none, true],
      ['', `${chain} · ${w.chainCheck}`],
      ...evidenceLines(c, w).map((line, i): [string, string] => [i ? '' : w.evidenceCheck, line]),
      [w.rulebookVersion, d.rulebookVersion, true],
    ]),
    ...(recorded ? [p(w.recorded, { color: COLOR.muted, size: 16 })] : []),
  ];
}

function signatures(d: ReportData, w: Words): (Paragraph | Table)[] {
  const line = '______________________';
  return [
    heading(w.signatures, HeadingLevel.HEADING_1),
    table(
      ['', w.signName, w.signature, w.signDate],
      d.signatures.map((s) => [cell(s.label, { bold: true }), cell(s.names.length ? s.names.join('、') : line), cell(`\n${line}`), cell(`\n${line}`)]),
      [2.5, 3.5, 3.5, 2.5],
    ),
  ];
}

function riskSection(r: RiskRow, w: Words): (Paragraph | Table)[] {
  const widths = [Math.floor(CONTENT * 0.18), Math.floor(CONTENT * 0.82)];
  const kv = (k: string, v: string | Paragraph[], opts: { color?: string; bold?: boolean } = {}) => new TableRow({ cantSplit: true, children: [cell(k, { width: widths[0], shade: COLOR.head, bold: true }), typeof v === 'string' ? cell(v, { width: widths[1], ...opts }) : cell(v, { width: widths[1] })] });
  const rows = [
    kv(w.status, statusText(r, w), { color: stateColor(r.state), bold: true }),
    kv(w.dueDate, `${r.dueDate} (${r.dueT})`),
    kv(w.daysOverdue, String(Math.max(0, r.daysOverdue))),
    kv(w.responsible, r.confirmBy),
    kv(w.mustAct, r.mustAct.join('\n')),
    ...r.rules.flatMap((rule) =>
      rule.kind === 'risk' ? [kv(`${w.problem} ${rule.id}`, rule.problem), kv(`${w.countermeasure} ${rule.id}`, rule.countermeasure, { bold: true })] : [kv(rule.id, w.stageRule(rule.title))],
    ),
    kv(w.done, [
      new Paragraph({ children: runs(w.reminders(r.reminders, shortAt)), spacing: { after: 40 } }),
      ...(r.history.length ? r.history.map((h) => new Paragraph({ children: runs(`${shortAt(h.at)}  ${h.words}`), bullet: { level: 0 } })) : [new Paragraph({ children: runs(w.noHistory, { color: COLOR.muted }) })]),
    ]),
  ];
  return [heading(`#${r.n} ${r.text}`, HeadingLevel.HEADING_2), new Table({ width: { size: CONTENT, type: WidthType.DXA }, columnWidths: widths, rows })];
}

function risks(d: ReportData, w: Words): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [heading(w.risksHead, HeadingLevel.HEADING_1)];
  if (!d.risks.length) return [...out, p(w.noRisks)];
  out.push(p(w.risksIntro(d.risks.length, DUE_SOON_DAYS)));
  out.push(
    table(
      [w.n, w.item, w.status, w.dueDate, w.responsible, w.mustAct, w.remindersHead],
      d.risks.map((r) => [
        cell(String(r.n)),
        cell(r.text),
        cell(statusText(r, w), { color: stateColor(r.state), bold: r.state === 'overdue' }),
        cell(`${r.dueDate} (${r.dueT})`),
        cell(r.confirmBy),
        cell(r.mustAct.join('\n')),
        cell(`${r.reminders.count} / ${r.reminders.afterDue}`),
      ]),
      [0.4, 3.6, 1.4, 1.3, 1.4, 2.6, 1.3],
    ),
  );
  for (const r of d.risks) out.push(...riskSection(r, w));
  return out;
}

/** The report as DOCX bytes. `recorded`: say that generating it is in the audit trail. */
export async function renderDocx(d: ReportData, opts: { recorded?: boolean } = {}): Promise<Buffer> {
  const w = words(d.lang);
  const recorded = opts.recorded ?? true;
  const body = d.kind === 'check' ? [...header(d, w), ...readiness(d, w), ...chart(d, w), ...stages(d, w), ...training(d, w), ...openItems(d, w), ...audit(d, w, recorded), ...signatures(d, w)] : [...header(d, w), ...readiness(d, w), ...chart(d, w), ...risks(d, w), ...audit(d, w, recorded)];
  const doc = new Document({
    creator: 'oa-golive-bot',
    lastModifiedBy: 'oa-golive-bot',
    title: clean(`${w.title[d.kind]} · ${d.project.name}`),
    description: clean(`${d.project.id} ${d.generatedAt}`),
    styles: { default: { document: { run: { font: FONT, size: 18 } } } },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.LANDSCAPE }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ text: clean(`${w.footer(d.project.name)} · `), color: COLOR.muted, size: 14 }), new TextRun({ children: [PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], color: COLOR.muted, size: 14 })],
              }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
