import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText } from '../src/core/card.ts';
import { fixedClock } from '../src/core/clock.ts';
import { signoffsCard } from '../src/readiness/views/checklist-card.ts';
import { checkAudit } from '../src/store/audit-check.ts';
import type { ProjectRecord } from '../src/store/store.ts';
import { startWebApp } from './web/harness.ts';

const TOKEN = 'evidence-token-TEST-0123456789abcdef0123';
const clock = fixedClock('2026-10-09T02:00:00Z');
const project: ProjectRecord = {
  id: 'feishu:oc_ev', platform: 'feishu', chatId: 'oc_ev', name: 'ACME OA', goLive: '2026-10-20', timeZone: 'Asia/Shanghai', lang: 'zh', postTime: '09:00',
  adminId: 'ou_admin', adminName: '陈管理', roles: [{ userId: 'ou_lead', name: '王芳', role: 'customer-lead' }], createdAt: '2026-09-01T09:00:00+08:00', updatedAt: '2026-09-01T09:00:00+08:00', source: 'chat',
};
const pdf = Buffer.from('%PDF-1.4 signed plan');
const html = Buffer.from('<html><script>alert(1)</script></html>');

describe('evidence on the dashboard, under its access rule', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  const ids = { pdf: 0, html: 0, link: 0, missing: 0 };
  beforeAll(async () => {
    s = await startWebApp({ ADMIN_TOKEN: TOKEN }, { clock });
    const store = s.app.bot.deps.store;
    await store.putProject(project);
    const [e] = await store.appendSignoffs([{ projectId: project.id, action: 'confirm', itemId: 'training-plan-signed', itemText: '培训方案和时间计划已由客户项目负责人签字确认', userId: 'ou_lead', userName: '王芳', role: 'customer-lead', at: '2026-10-08T09:12:00+08:00', via: 'reply', platform: 'feishu', evidenceMessageId: 'om_1', text: '确认 3' }]);
    const base = { projectId: project.id, signoffSeq: e!.seq, messageId: 'om_1', at: '2026-10-08T09:12:00+08:00', size: 0 };
    ids.pdf = (await store.addEvidence({ ...base, name: '培训计划 签字.pdf', mime: 'application/pdf', source: 'feishu-file', status: 'stored' }, pdf)).id;
    ids.html = (await store.addEvidence({ ...base, name: 'page.html', mime: 'text/html', source: 'feishu-file', status: 'stored' }, html)).id;
    ids.link = (await store.addEvidence({ ...base, name: 'https://mail.example.com/a/1', mime: 'text/uri-list', source: 'link', url: 'https://mail.example.com/a/1', status: 'stored' })).id;
    ids.missing = (await store.addEvidence({ ...base, name: 'huge.zip', mime: 'application/zip', size: 30_000_000, source: 'feishu-file', status: 'missing', reason: '超过 20.0 MB 上限' })).id;
  });
  afterAll(() => s.close());
  const auth = { authorization: `Bearer ${TOKEN}` };
  const href = (id: number) => `${s.url}/dashboard/projects/${encodeURIComponent(project.id)}/evidence/${id}`;

  it('lists the evidence with download links, hashes, links and what is missing', async () => {
    const page = await (await fetch(`${s.url}/dashboard/projects/${encodeURIComponent(project.id)}`, { headers: auth })).text();
    expect(page).toContain('id="evidence-rows"');
    expect(page).toContain(`href="/dashboard/projects/${encodeURIComponent(project.id)}/evidence/${ids.pdf}" download>培训计划 签字.pdf</a>`);
    expect(page).toContain(createHash('sha256').update(pdf).digest('hex').slice(0, 12));
    expect(page).toContain('<a href="https://mail.example.com/a/1" rel="noopener noreferrer nofollow"');
    expect(page).toMatch(/huge\.zip[\s\S]*?缺失[\s\S]*?超过 20\.0 MB 上限/);
    expect(page).not.toContain(`/evidence/${ids.missing}"`);
    // Stored now, the 5.2-17 item counts as confirmed (it requires evidence).
    expect(page).toMatch(/data-item="training-plan-signed">[\s\S]*?已确认/);
  });

  it('never serves a file without the access rule: 302 to /login for the browser, and not with a wrong token', async () => {
    const anon = await fetch(href(ids.pdf), { redirect: 'manual' });
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toContain('/login');
    expect(await anon.text()).not.toContain('%PDF');
    const wrong = await fetch(href(ids.pdf), { redirect: 'manual', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect([302, 401]).toContain(wrong.status);
  });

  it('serves a stored file as an attachment, with its type only for images and PDF', async () => {
    const res = await fetch(href(ids.pdf), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''${encodeURIComponent('培训计划 签字.pdf')}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(pdf);
    const h = await fetch(href(ids.html), { headers: auth });
    expect(h.headers.get('content-type')).toBe('application/octet-stream');
    expect(h.headers.get('content-disposition')).toMatch(/^attachment;/);
    // A link, a missing file, another project's id or garbage: 404.
    for (const id of [ids.link, ids.missing, 9999]) expect((await fetch(href(id), { headers: auth })).status).toBe(404);
    expect((await fetch(`${s.url}/dashboard/projects/feishu%3Aother/evidence/${ids.pdf}`, { headers: auth })).status).toBe(404);
  });
});

describe('the project page holds the evidence to the audit chain, with the check audit verify runs', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  const dbFile = join(mkdtempSync(join(tmpdir(), 'web-evcheck-')), 'db.json');
  const p2: ProjectRecord = { ...project, id: 'feishu:oc_chk', chatId: 'oc_chk' };
  const plan = Buffer.from('%PDF-1.4 signed plan, chained');
  const old = Buffer.from('%PDF-1.4 kept by an older version');
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const ids = { chained: 0, older: 0, signoff: 0 };
  beforeAll(async () => {
    s = await startWebApp({ ADMIN_TOKEN: TOKEN, DB_FILE: dbFile }, { clock });
    const store = s.app.bot.deps.store;
    await store.putProject(p2);
    const c = { projectId: p2.id, action: 'confirm' as const, userId: 'ou_lead', userName: '王芳', role: 'customer-lead' as const, via: 'reply' as const, platform: 'feishu' as const, text: '确认' };
    // An older version: a confirm whose evidence record has no event of its own.
    const [a] = await store.appendSignoffs([{ ...c, itemId: 'kickoff-held', itemText: '启动会已召开', at: '2026-10-01T09:00:00+08:00', evidenceMessageId: 'om_a' }]);
    ids.older = (await store.addEvidence({ projectId: p2.id, signoffSeq: a!.seq, messageId: 'om_a', at: a!.at, name: 'old.pdf', mime: 'application/pdf', size: 0, source: 'feishu-file', status: 'stored' }, old)).id;
    // This version: the evidence with its event in the chain.
    const [b] = await store.appendSignoffs([{ ...c, itemId: 'training-plan-signed', itemText: '培训方案和时间计划已由客户项目负责人签字确认', at: '2026-10-08T09:12:00+08:00', evidenceMessageId: 'om_b' }]);
    ids.signoff = b!.seq;
    const by = { itemId: b!.itemId, itemText: b!.itemText, userId: 'ou_lead', userName: '王芳', role: 'customer-lead' as const, at: b!.at, via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_b', text: '确认 3', signoffHash: b!.hash };
    ids.chained = (await store.addEvidence({ projectId: p2.id, signoffSeq: b!.seq, messageId: 'om_b', at: b!.at, name: 'plan.pdf', mime: 'application/pdf', size: 0, source: 'feishu-file', status: 'stored' }, plan, by)).id;
  });
  afterAll(() => s.close());
  const page = async () => (await fetch(`${s.url}/dashboard/projects/${encodeURIComponent(p2.id)}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  it('says the chain and evidence hold, and that evidence kept before evidence events is older, not tampering', async () => {
    const body = await page();
    expect(body).toMatch(/id="chain" class="muted">🔗 审计链完整\(3 条记录\)/);
    expect(body).toContain('id="evidence-check" class="muted">🔗 证据与审计链相符(2 条证据记录,2 个文件已重新计算哈希)');
    expect(body).toContain('id="evidence-older" class="muted">ℹ️ 1 条证据由旧版本保存');
    expect(body).not.toContain('⛔');
  });

  it('names a stored file whose bytes changed, and a record with no evidence event, as audit verify does', async () => {
    writeFileSync(join(`${dbFile}.evidence`, sha(plan)), 'a different plan');
    const store = s.app.bot.deps.store;
    const forged = await store.addEvidence({ projectId: p2.id, signoffSeq: ids.signoff, messageId: 'om_x', at: '2026-10-08T10:00:00+08:00', name: 'https://forged.example.com/', mime: 'text/uri-list', size: 0, source: 'link', url: 'https://forged.example.com/', status: 'stored' });
    const body = await page();
    expect(body).toMatch(/id="chain" class="state-overdue">⛔ 审计链完整/);
    expect(body).toContain('证据与审计链不符(2 处)');
    expect(body).toContain(`<li>evidence #${ids.chained} (plan.pdf, sign-off #${ids.signoff}): its stored file is missing or its bytes no longer hash to SHA-256 ${sha(plan)}</li>`);
    expect(body).toContain(`<li>evidence #${forged.id} (https://forged.example.com/, sign-off #${ids.signoff}) is not in the audit trail: added outside the bot</li>`);
    // The older record is still said as older, not as tampering.
    expect(body).toContain('id="evidence-older"');
    expect(body).not.toContain(`evidence #${ids.older} (old.pdf`);
  });

  it('the 签字记录 reply and both reports say the same of the evidence (after the tampering above)', async () => {
    const store = s.app.bot.deps.store;
    const events = await store.listSignoffs(p2.id);
    const card = cardText(signoffsCard(p2, events, { audit: await checkAudit(store, p2.id, { events }) }));
    expect(card).toContain('⛔ 证据与审计链不符(2 处)');
    expect(card).toContain(`evidence #${ids.chained} (plan.pdf, sign-off #${ids.signoff})`);
    const docx = join(mkdtempSync(join(tmpdir(), 'web-evrep-')), 'check.docx');
    const res = await fetch(`${s.url}/api/projects/${encodeURIComponent(p2.id)}/report?kind=check&format=docx`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    writeFileSync(docx, Buffer.from(await res.arrayBuffer()));
    const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml).toContain('证据与审计链不符(2 处)');
    expect(xml).toContain(`evidence #${ids.chained} (plan.pdf, sign-off #${ids.signoff})`);
    expect(xml).toContain('1 条证据由旧版本保存');
  });
});
