import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
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
