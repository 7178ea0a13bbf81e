import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processContext } from '../src/cli/context.ts';
import { fixedClock } from '../src/core/clock.ts';
import { runCli } from '../src/cli/main.ts';
import { grantWords } from '../src/readiness/views/trail-words.ts';
import { contentDisposition, generateReport, reportData, type ReportData } from '../src/reports/index.ts';
import { verifyChain } from '../src/store/chain.ts';
import type { NewSignoffEvent, ProjectRecord, RoleGrant, Store } from '../src/store/store.ts';
import { rulebook, shanghaiProject, template, tempStore } from './support/checklist-world.ts';
import { startWebApp } from './web/harness.ts';
import { docxText, docxXml, pdfText } from './helpers/report-files.ts';
import { Session } from '../src/training/model.ts';

/**
 * Both reports in both formats and both languages, opened as a reader would: the DOCX as the
 * zip it is (word/document.xml through `unzip -p`), the PDF through `pdftotext` (Debian's
 * poppler-utils), and one PDF page rendered to PNG with `pdftoppm` in test-artifacts/reports/.
 */

const ART = join('test-artifacts', 'reports');
const NOW = new Date('2026-10-08T10:00:00+08:00'); // T-12 for a go-live on 10-20

const LEAD_GRANT: RoleGrant = { source: 'chat', by: 'ou_admin', byName: '陈管理', acceptedAt: '2026-09-10T10:00:00+08:00', org: 'T-ACME', orgChecked: true };
const PM_GRANT: RoleGrant = { source: 'file' };

function zhProject(over: Partial<ProjectRecord> = {}): ProjectRecord {
  return shanghaiProject({
    id: 'feishu:oc_rep',
    chatId: 'oc_rep',
    name: '华东制造 OA 上线 <&"项目">',
    adminName: '陈管理',
    roles: [
      { userId: 'ou_lead', name: '王经理', role: 'customer-lead', grantedBy: 'ou_admin', grantedByName: '陈管理', grantedAt: '2026-09-09T10:00:00+08:00', acceptedAt: '2026-09-10T10:00:00+08:00', org: 'T-ACME' },
      { userId: 'ou_pm', name: '李工', role: 'vendor-pm', declared: true },
      { userId: 'ou_it', name: '赵六', role: 'it-lead', pending: true, grantedBy: 'ou_admin', grantedByName: '陈管理' },
    ],
    customerOrg: { id: 'T-ACME', source: 'first-lead', by: 'ou_lead', byName: '王经理', at: '2026-09-10T10:00:00+08:00' },
    ...over,
  });
}

/** A trail with role events, sign-offs through chat grants and the file, and one undo. */
function trail(p: ProjectRecord): NewSignoffEvent[] {
  const lang = p.lang;
  const base = { projectId: p.id, platform: p.platform, via: 'reply' as const, rulebookVersion: rulebook.version };
  const item = (id: string) => template.byId.get(id)!.text[lang];
  const leadRole = lang === 'zh' ? '客户项目负责人' : 'customer-lead';
  const lead = { userId: 'ou_lead', userName: lang === 'zh' ? '王经理' : 'Wang', role: 'customer-lead' as const, roleGrant: LEAD_GRANT };
  const pm = { userId: 'ou_pm', userName: lang === 'zh' ? '李工' : 'Li', role: 'vendor-pm' as const, roleGrant: PM_GRANT };
  return [
    { ...base, action: 'role-nominate', itemId: 'role:customer-lead', itemText: leadRole, userId: 'ou_admin', userName: '陈管理', role: 'admin', at: '2026-09-09T10:00:00+08:00', evidenceMessageId: 'om_nom', text: '设置角色 @王经理 客户项目负责人', subjectId: 'ou_lead', subjectName: lead.userName },
    { ...base, action: 'role-accept', itemId: 'role:customer-lead', itemText: leadRole, userId: 'ou_lead', userName: lead.userName, role: 'member', at: '2026-09-10T10:00:00+08:00', evidenceMessageId: 'om_acc', text: '接受', subjectId: 'ou_lead', subjectName: lead.userName, org: 'T-ACME' },
    { ...base, ...pm, action: 'confirm', itemId: 'training-approach-agreed', itemText: item('training-approach-agreed'), at: '2026-09-18T15:00:00+08:00', evidenceMessageId: 'om_c1', text: '确认 1' },
    { ...base, ...pm, action: 'confirm', itemId: 'training-duties-agreed', itemText: item('training-duties-agreed'), at: '2026-09-22T11:30:00+08:00', evidenceMessageId: 'om_c2', text: '确认 2', via: 'button' },
    { ...base, ...lead, action: 'confirm', itemId: 'training-plan-signed', itemText: item('training-plan-signed'), at: '2026-09-29T09:12:00+08:00', evidenceMessageId: 'om_c3', text: '确认 3' },
    { ...base, ...lead, action: 'confirm', itemId: 'leaders-training-scheduled', itemText: item('leaders-training-scheduled'), at: '2026-09-30T16:00:00+08:00', evidenceMessageId: 'om_c5', text: '确认 5' },
    { ...base, ...lead, action: 'undo', itemId: 'leaders-training-scheduled', itemText: item('leaders-training-scheduled'), at: '2026-10-02T09:00:00+08:00', evidenceMessageId: 'om_u5', text: '撤销 5' },
  ];
}

/** A store with the project, its trail and the daily posts of 09-25 … 10-08 (claimed and completed as the job does). */
async function world(p: ProjectRecord, file?: string): Promise<Store> {
  const { store } = await tempStore(file);
  await store.putProject(p);
  await store.appendSignoffs(trail(p));
  // One training session for middle managers, held, with check-ins: the check report's training section.
  await store.addSession(p.id, (no) => ({
    result: no,
    session: Session.parse({ id: `${p.id}#${no}`, projectId: p.id, no, title: '报销 <审批> & "流程"', audience: 'middle', departments: ['财务部'], delivery: { kind: 'onsite', place: '三楼' }, start: '2026-10-08T14:00', end: '2026-10-08T16:00', trainer: 'customer-admin', capacity: 30, signedUp: ['a', 'b'], checkIns: [{ userId: 'a', kind: 'check-in', at: '2026-10-08T13:55:00+08:00', signedUp: true }] }),
  }));
  for (let d = 25; d <= 38; d++) {
    const date = d <= 30 ? `2026-09-${d}` : `2026-10-${String(d - 30).padStart(2, '0')}`;
    await store.claimPost(p.id, date, new Date(`${date}T09:00:00+08:00`), 60_000);
    await store.completePost(p.id, date, { projectId: p.id, platform: p.platform, chatId: p.chatId, messageId: `om_daily_${date}`, items: template.items.map((i) => i.id), postedAt: `${date}T09:00:00+08:00`, kind: 'daily' });
  }
  return store;
}

/**
 * Wrapped lines in a PDF table cell break a sentence anywhere, and pdftotext joins a word
 * broken after a hyphen without it: compare without whitespace and hyphens.
 */
const squash = (s: string) => s.replace(/[\s-]+/g, '');

const stageCountermeasure = (id: string, lang: 'zh' | 'en') => {
  const e = rulebook.byId.get(id);
  if (e?.kind !== 'risk') throw new Error(`${id} is not a risk row`);
  return { problem: e.problem[lang], countermeasure: e.countermeasure[lang] };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reports-'));
  mkdirSync(ART, { recursive: true });
});

describe('reportData: what a report says', () => {
  const p = zhProject();
  const events = trail(p).map((e, i) => ({ ...e, seq: i + 1 }));
  const posts = ['2026-10-01', '2026-10-08'].map((d) => ({ projectId: p.id, platform: p.platform, chatId: p.chatId, messageId: `m-${d}`, items: template.items.map((i) => i.id), postedAt: `${d}T09:00:00+08:00`, kind: 'daily' as const }));
  const d = reportData({ kind: 'check', project: p, template, rulebook, signoffs: events, posts, now: NOW });

  it('counts readiness, T-n and the item states with the checklist code', () => {
    expect(d.countdown).toBe('T-12');
    expect(d.readiness).toMatchObject({ total: template.items.length, confirmed: 3 });
    expect(d.readiness.confirmed + d.readiness.due + d.readiness.overdue + d.readiness.open).toBe(d.readiness.total);
    const five = d.items.find((i) => i.id === 'leaders-training-scheduled')!;
    expect(five.state).toBe('overdue'); // undone after it was confirmed
    expect(five.daysOverdue).toBe(9); // due 09-29 (T-21)
    expect(five.mustAct).toEqual(['王经理 (客户项目负责人)']);
  });

  it('keeps who confirmed, in which role, how the role was granted, and the evidence', () => {
    const three = d.items.find((i) => i.id === 'training-plan-signed')!;
    expect(three.confirmed).toMatchObject({ by: '王经理', role: '客户项目负责人', at: '2026-09-29T09:12:00+08:00', evidenceMessageId: 'om_c3', via: 'reply' });
    expect(three.confirmed!.grant).toBe(grantWords(LEAD_GRANT, 'zh', (id, n) => n ?? id));
    expect(three.confirmed!.evidenceFile).toBeUndefined();
    expect(d.items.find((i) => i.id === 'training-approach-agreed')!.confirmed!.grant).toBe('角色由 PMO 在 data/projects.yaml 中指定');
  });

  it('names the evidence each sign-off carried, and does not count a required-evidence item without it', () => {
    const c3 = events.find((e) => e.itemId === 'training-plan-signed' && e.action === 'confirm')!;
    const sha = 'ab'.repeat(32);
    const withFile = reportData({ kind: 'check', project: p, template, rulebook, signoffs: events, posts, now: NOW, evidence: [{ id: 1, projectId: p.id, signoffSeq: c3.seq, name: '培训方案-签字版.pdf', mime: 'application/pdf', size: 1234, sha256: sha, source: 'slack-file', status: 'stored', at: c3.at }] });
    const three = withFile.items.find((i) => i.id === 'training-plan-signed')!;
    expect(three.state).toBe('confirmed');
    expect(three.confirmed).toMatchObject({ evidenceFile: '培训方案-签字版.pdf', evidenceSha256: sha });
    const without = reportData({ kind: 'check', project: p, template, rulebook, signoffs: events, posts, now: NOW, evidence: [] });
    expect(without.items.find((i) => i.id === 'training-plan-signed')!.state).not.toBe('confirmed');
    expect(without.readiness.confirmed).toBe(withFile.readiness.confirmed - 1);
  });

  it('draws readiness over time from the trail: confirmed per day against items due by then', () => {
    const at = (date: string) => d.chart.points.find((x) => x.date === date)!;
    expect(at('2026-09-17')).toMatchObject({ confirmed: 0 });
    expect(at('2026-09-18').confirmed).toBe(1);
    expect(at('2026-09-30').confirmed).toBe(4);
    expect(at('2026-10-02').confirmed).toBe(3); // the undo
    expect(at('2026-09-20').due).toBe(template.items.filter((i) => i.due <= -30).length);
    expect(at('2026-10-20').due).toBe(template.items.filter((i) => i.due <= 0).length);
    expect(at('2026-10-09').confirmed).toBeUndefined(); // after today: nothing known
    expect(d.chart.end).toBe('2026-10-20');
    expect(d.chart.steps.map((x) => x.date)).toContain('2026-10-08');
  });

  it('quotes the rulebook verbatim: stage purpose and work points, countermeasures of open items', () => {
    const s52 = rulebook.byId.get('5.2')!;
    const stage = d.stages.find((s) => s.id === '5.2')!;
    expect(stage.purpose).toBe(s52.kind === 'stage' ? s52.purpose.zh : '');
    expect(stage.workPoints[0]!.text).toBe(s52.kind === 'stage' ? s52.workPoints[0]!.text.zh : '');
    const five = d.open.find((i) => i.id === 'leaders-training-scheduled')!;
    expect(five.rules).toEqual([{ id: '5.2-15', kind: 'risk', stageId: '5.2', ...stageCountermeasure('5.2-15', 'zh') }]);
    expect(d.open[0]!.state).toBe('overdue');
  });

  it('heads the audit chain and names the rulebook version; the signature block names the role holders', () => {
    expect(d.chain).toMatchObject({ ok: false }); // events built here carry no hashes: the store sets them
    expect(d.rulebookVersion).toBe(rulebook.version);
    expect(d.signatures).toEqual([
      { role: 'customer-lead', label: '客户项目负责人', names: ['王经理'] },
      { role: 'vendor-pm', label: '项目经理', names: ['李工'] },
    ]);
  });

  it('risk report: overdue and due-soon items, with reminders and what the trail says', () => {
    const r = reportData({ kind: 'risk', project: p, template, rulebook, signoffs: events, posts, now: NOW });
    expect(r.risks.every((x) => x.state === 'overdue' || x.state === 'due')).toBe(true);
    const five = r.risks.find((x) => x.id === 'leaders-training-scheduled')!;
    // Both posts listed it while it was open (10-01: confirmed on 09-30 → not open; 10-08: open again).
    expect(five.reminders).toMatchObject({ count: 1, afterDue: 1, first: '2026-10-08T09:00:00+08:00' });
    expect(five.history.map((h) => h.words)).toEqual([
      '陈管理 (项目管理员) 提名角色 客户项目负责人:王经理',
      '王经理 (成员) 接受角色 客户项目负责人(组织 T-ACME)',
      expect.stringContaining('王经理 (客户项目负责人) 确认 中高层领导的培训场次已安排(角色由 陈管理 在群聊中指定'),
      expect.stringContaining('王经理 (客户项目负责人) 撤销 中高层领导的培训场次已安排'),
    ]);
  });
});

describe('a project with nothing signed yet, far from go-live', () => {
  it('says so in both formats: no risks, an empty chain, every item open; control characters in a name are dropped', async () => {
    const p = zhProject({ name: '响铃\u0007项目', roles: [], customerOrg: undefined });
    const { store } = await tempStore();
    await store.putProject(p);
    try {
      const now = new Date('2026-08-01T10:00:00+08:00');
      const risk = await generateReport({ store, template, rulebook, project: p, kind: 'risk', format: 'pdf', now });
      expect(risk.data.risks).toEqual([]);
      expect(risk.data.chain).toEqual({ ok: true, events: 0 });
      expect(risk.event).toBeUndefined(); // no actor: nothing recorded
      const text = pdfText(risk.bytes);
      expect(text).toContain('当前没有逾期或即将到期的事项。');
      expect(text).toContain('响铃项目');
      const check = await generateReport({ store, template, rulebook, project: p, kind: 'check', format: 'docx', now });
      const xml = docxXml(check.bytes);
      const dtext = docxText(check.bytes);
      expect(xml).not.toContain('\u0007');
      expect(dtext).toContain('响铃项目');
      expect(dtext).toContain('尚无记录');
      expect(check.data.open).toHaveLength(template.items.length);
      expect(check.data.open[0]!.mustAct[0]).toMatch(/^未设置/);
      expect(await store.listSignoffs(p.id)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

interface Case {
  lang: 'zh' | 'en';
  kind: 'check' | 'risk';
  format: 'docx' | 'pdf';
}
const cases: Case[] = (['zh', 'en'] as const).flatMap((lang) => (['check', 'risk'] as const).flatMap((kind) => (['docx', 'pdf'] as const).map((format) => ({ lang, kind, format }))));

describe('the files, as a reader opens them', () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });
  const projects = { zh: zhProject(), en: zhProject({ id: 'slack:C_REP', platform: 'slack', chatId: 'C_REP', name: 'East China Manufacturing OA <go-live> & "rollout"', lang: 'en', adminName: 'Chen' }) };
  const sizes: Record<string, number> = {};
  afterAll(() => writeFileSync(join(ART, 'sizes.json'), JSON.stringify(sizes, null, 2)));

  it.each(cases)('$kind report, $lang, $format', async ({ lang, kind, format }) => {
    const p = projects[lang];
    const store = await world(p);
    stores.push(store);
    const before = await store.listSignoffs(p.id);
    const head = (verifyChain(p.id, before) as { head: string }).head;
    const t0 = Date.now();
    const r = await generateReport({ store, template, rulebook, project: p, kind, format, now: NOW, actor: { id: 'cli:test', name: 'CLI (test)', via: 'cli' } });
    const ms = Date.now() - t0;
    sizes[`${kind}-${lang}.${format}`] = r.bytes.length;
    expect(ms).toBeLessThan(8000);

    // Generating it is an audit event, chained after the head the report quotes.
    const after = await store.listSignoffs(p.id);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ action: 'report', itemId: `report:${kind}`, evidenceMessageId: `sha256:${r.sha256}`, via: 'cli', prevHash: head, userId: 'cli:test' });
    expect(after.at(-1)!.text).toContain(head);
    expect(verifyChain(p.id, after).ok).toBe(true);

    const text = format === 'docx' ? docxText(r.bytes) : pdfText(r.bytes);
    writeFileSync(join(ART, `${kind}-${lang}.${format}`), r.bytes);
    const has = (s: string) => expect(squash(text), s).toContain(squash(s));
    const d: ReportData = r.data;
    has(p.name);
    has(d.countdown);
    has(head);
    has(rulebook.version);
    has(lang === 'zh' ? (kind === 'check' ? '上线前检查报告' : '项目风险报告书') : kind === 'check' ? 'Pre-launch check report' : 'Project risk report');
    if (kind === 'check') {
      for (const i of d.items) has(i.text);
      has(lang === 'zh' ? '王经理' : 'Wang');
      has(lang === 'zh' ? '李工' : 'Li');
      has(grantWords(LEAD_GRANT, lang, (id, n) => n ?? id)!);
      has(grantWords(PM_GRANT, lang, (id, n) => n ?? id)!);
      has('om_c3');
      for (const s of d.stages) {
        has(s.purpose);
        for (const w of s.workPoints) has(w.text);
      }
      for (const i of d.open) for (const rule of i.rules) if (rule.kind === 'risk') has(rule.countermeasure);
      has(lang === 'zh' ? '签字' : 'Signature');
      // The training report: the session, its counts and what the plan keeps of the rules.
      expect(d.training?.rows).toHaveLength(1);
      has(lang === 'zh' ? '培训' : 'Training');
      has('报销 <审批> & "流程"');
      has(d.training!.summary);
      for (const f of d.training!.facts) has(f);
      has(lang === 'zh' ? '5.2-10: 【已满足】1 场培训,最大一场 30 人(不超过60人)' : '5.2-10: [kept] 1 sessions, the largest for 30 (at most 60)');
      has(lang === 'zh' ? '5.2-15: 【需关注】尚未安排高层领导的培训场次' : '5.2-15: [attention] no session yet for senior leaders');
    } else {
      expect(d.training).toBeUndefined();
      expect(d.risks.length).toBeGreaterThan(0);
      for (const x of d.risks) {
        has(x.text);
        has(x.confirmBy);
        for (const m of x.mustAct) has(m);
        for (const rule of x.rules) if (rule.kind === 'risk') (has(rule.problem), has(rule.countermeasure));
      }
      has(lang === 'zh' ? '每日清单提醒' : 'daily checklist reminder');
    }
    if (format === 'docx') {
      // The name was text, not markup: escaped once by the docx package.
      expect(docxXml(r.bytes)).toContain(lang === 'zh' ? '&lt;&amp;&quot;项目&quot;&gt;' : '&lt;go-live&gt; &amp; &quot;rollout&quot;');
    } else {
      // Fonts embedded (a subset), nothing from the machine.
      const fonts = execFileSync('pdffonts', [join(ART, `${kind}-${lang}.pdf`)], { encoding: 'utf8' });
      const rows = fonts.trim().split('\n').slice(2);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row, fonts).toMatch(/NotoSansSC.*\byes\s+yes\s+yes\b/);
    }
  });

  it('renders page 1 of each PDF to PNG (looked at: Chinese glyphs, the chart)', () => {
    for (const name of ['check-zh', 'risk-zh', 'check-en', 'risk-en']) {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', join(ART, `${name}.pdf`), join(ART, name)]);
    }
    const png = readFileSync(join(ART, 'check-zh-1.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('entry points', () => {
  it('npm run cli -- report writes the file and records it; refuses bad options', async () => {
    const p = zhProject();
    const file = join(dir, 'cli-db.json');
    await (await world(p, file)).close(); // closed: the CLI takes the file for writing
    const out: string[] = [];
    const err: string[] = [];
    const ctx = { ...processContext({ ...process.env, DB_FILE: file, DATABASE_URL: '', DATA_DIR: 'data' }), out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
    const target = join(dir, 'cli.pdf');
    expect(await runCli(['report', '--project', p.id, '--kind', 'risk', '--format', 'pdf', '--out', target], ctx), err.join('\n')).toBe(0);
    expect(readFileSync(target).subarray(0, 5).toString()).toBe('%PDF-');
    expect(out.join('\n')).toMatch(/recorded in the audit trail as event #8/);
    expect(await runCli(['report', '--project', p.id, '--kind', 'nope', '--format', 'pdf', '--out', target], ctx)).toBe(2);
    expect(err.join('\n')).toContain('--kind must be check or risk');
    expect(await runCli(['report', '--project', 'feishu:none', '--format', 'docx', '--out', join(dir, 'x.docx')], ctx)).toBe(1);
    const { store: s3 } = await tempStore(file);
    const events = await s3.listSignoffs(p.id);
    await s3.close();
    expect(events.at(-1)).toMatchObject({ action: 'report', itemId: 'report:risk', via: 'cli' });
  });

  it('GET /api/projects/:id/report: the API access rule, the file with its name, an audit event', async () => {
    const TOKEN = 'report-admin-token-TEST-0123456789';
    const s = await startWebApp({ ADMIN_TOKEN: TOKEN }, { clock: fixedClock(NOW) });
    try {
      const p = zhProject();
      const store = s.app.bot.deps.store;
      await store.putProject(p);
      await store.appendSignoffs(trail(p));
      const url = `${s.url}/api/projects/${encodeURIComponent(p.id)}/report`;
      const auth = { authorization: `Bearer ${TOKEN}` };
      expect((await fetch(`${url}?format=pdf&kind=check`)).status).toBe(401);
      expect((await fetch(`${url}?format=pdf&kind=check`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${url}?format=odt`, { headers: auth })).status).toBe(400);
      expect((await fetch(`${url}?kind=audit`, { headers: auth })).status).toBe(400);
      expect((await fetch(`${s.url}/api/projects/feishu%3Anone/report`, { headers: auth })).status).toBe(404);
      const res = await fetch(`${url}?format=docx&kind=risk`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="risk-report-feishu_oc_rep-2026-10-08.docx"; filename*=UTF-8''${encodeURIComponent('项目风险报告书-华东制造 OA 上线 <&"项目">-2026-10-08.docx').replace(/'/g, '%27')}`,
      );
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(docxText(bytes)).toContain('项目风险报告书');
      const pdf = await fetch(`${url}`, { headers: auth }); // default: the check report as PDF
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
      const events = await store.listSignoffs(p.id);
      expect(events.slice(-2).map((e) => [e.action, e.itemId, e.via, e.userId])).toEqual([
        ['report', 'report:risk', 'web', 'api'],
        ['report', 'report:check', 'web', 'api'],
      ]);
      expect(events.at(-2)!.evidenceMessageId).toBe(`sha256:${res.headers.get('x-report-sha256')}`);
      expect(verifyChain(p.id, events).ok).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('Content-Disposition: an ASCII name and the title in the project language', () => {
    expect(contentDisposition({ filename: 'pre-launch-check-feishu_oc_1-2026-10-08.pdf', displayName: '上线前检查报告-ACME OA-2026-10-08.pdf' })).toBe(
      `attachment; filename="pre-launch-check-feishu_oc_1-2026-10-08.pdf"; filename*=UTF-8''${encodeURIComponent('上线前检查报告-ACME OA-2026-10-08.pdf')}`,
    );
  });
});
