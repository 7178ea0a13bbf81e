import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import type { ProjectRecord } from '../src/store/store.ts';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALENDAR_WARN_DAYS, calendarGap } from '../src/web/dashboard.ts';
import { startWebApp } from './web/harness.ts';

// 2026-10-09 10:00 in Shanghai; the Feishu project goes live on 2026-10-20 (T-11).
const clock = fixedClock('2026-10-09T02:00:00Z');
const project: ProjectRecord = {
  id: 'feishu:oc_abc',
  platform: 'feishu',
  chatId: 'oc_abc',
  name: '华东 OA 上线',
  goLive: '2026-10-20',
  timeZone: 'Asia/Shanghai',
  postTime: '09:00',
  lang: 'zh',
  adminId: 'ou_admin',
  adminName: '陈管理',
  roles: [
    { userId: 'ou_lead', name: '王芳', role: 'customer-lead', grantedBy: 'ou_admin', grantedByName: '陈管理', grantedAt: '2026-09-01T09:00:00+08:00', acceptedAt: '2026-09-01T09:05:00+08:00', org: 'tenant_c' },
    { userId: 'ou_it', name: '赵工', role: 'it-lead', pending: true, grantedBy: 'ou_admin', grantedByName: '陈管理' },
  ],
  customerOrg: { id: 'tenant_c', source: 'first-lead', by: 'ou_lead', byName: '王芳' },
  source: 'chat',
  createdAt: '2026-09-01T09:00:00+08:00',
  updatedAt: '2026-09-01T09:00:00+08:00',
};

describe('dashboard over HTTP, with a Feishu project in the store', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({}, { clock });
    const store = s.app.bot.deps.store;
    await store.putProject(project);
    const base = { projectId: project.id, itemId: 'training-plan-signed', itemText: '培训方案和时间计划已由客户项目负责人签字确认', platform: 'feishu' as const };
    const [signed] = await store.appendSignoffs([
      { ...base, action: 'confirm', userId: 'ou_lead', userName: '王芳', role: 'customer-lead', at: '2026-10-08T09:12:00+08:00', via: 'reply', evidenceMessageId: 'om_1', text: '=1+1 确认 3', roleGrant: { source: 'chat', by: 'ou_admin', byName: '陈管理', acceptedAt: '2026-09-01T09:05:00+08:00', org: 'tenant_c', orgChecked: true } },
    ]);
    // The template requires evidence for the signed training plan: the scan came with the confirm.
    await store.addEvidence({ projectId: project.id, signoffSeq: signed!.seq, messageId: 'om_1', name: '培训计划-签字.pdf', mime: 'application/pdf', size: 0, source: 'feishu-file', status: 'stored', at: '2026-10-08T09:12:00+08:00' }, new TextEncoder().encode('%PDF signed'));
    await store.appendSignoffs([
      { ...base, itemId: 'training-approach-agreed', itemText: '双方已沟通并确定培训思路', action: 'confirm', userId: 'ou_admin', userName: '陈管理', role: 'admin', at: '2026-10-09T09:30:00+08:00', via: 'button', evidenceMessageId: 'om_2', text: '[button] confirm 1' },
      { ...base, itemId: 'training-approach-agreed', itemText: '双方已沟通并确定培训思路', action: 'undo', userId: 'ou_admin', userName: '陈管理', role: 'admin', at: '2026-10-09T09:31:00+08:00', via: 'reply', evidenceMessageId: 'om_3', text: '撤销 1' },
    ]);
  });
  afterAll(() => s.close());

  const page = async (path: string) => {
    const res = await fetch(`${s.url}${path}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    return { status: res.status, body: await res.text(), res };
  };
  const row = (body: string, id: string) => body.slice(body.indexOf(`data-project="${id}"`), body.indexOf('</tr>', body.indexOf(`data-project="${id}"`)));

  it('lists the project with countdown, progress, overdue items, who is responsible and unassigned roles', async () => {
    const { status, body } = await page('/dashboard');
    expect(status).toBe(200);
    const r = row(body, 'feishu:oc_abc');
    expect(r).toContain('华东 OA 上线');
    expect(r).toContain('>feishu<');
    expect(r).toContain('T-11');
    expect(r).toContain('1/27');
    // Items due before 10-09 that need the vendor PM are overdue, and nobody holds that role.
    expect(r).toMatch(/class="num state-overdue">[1-9]\d*</);
    expect(r).toContain('未指定: 项目经理');
    expect(r).toContain('未发布');
  });

  it('narrows the list by platform', async () => {
    expect((await page('/dashboard?platform=feishu')).body).toContain('data-project="feishu:oc_abc"');
    expect((await page('/dashboard?platform=web')).body).not.toContain('data-project="feishu:oc_abc"');
  });

  it('shows the checklist and the whole audit trail, filterable', async () => {
    const id = encodeURIComponent(project.id);
    const all = await page(`/dashboard/projects/${id}`);
    expect(all.status).toBe(200);
    expect(all.body).toMatch(/data-item="training-plan-signed">[\s\S]*?已确认[\s\S]*?王芳 2026-10-08 09:12 \(Asia\/Shanghai\)/);
    // Every time on the page in the project's zone, one format: the audit rows too.
    expect(all.body).toContain('data-label="时间">2026-10-09 09:31 (Asia/Shanghai)<');
    expect(all.body).toMatch(/data-item="training-approach-agreed">[\s\S]*?逾期/);
    expect(all.body.match(/data-label="依据消息"/g)).toHaveLength(3);
    const undo = await page(`/dashboard/projects/${id}?action=undo`);
    expect(undo.body.match(/data-label="依据消息"/g)).toHaveLength(1);
    expect(undo.body).toContain('撤销 1');
    const day = await page(`/dashboard/projects/${id}?from=2026-10-09&to=2026-10-09`);
    expect(day.body.match(/data-label="依据消息"/g)).toHaveLength(2);
    // The CSV link carries the filter.
    expect(undo.body).toContain(`href="/dashboard/projects/${id}/signoffs.csv?action=undo"`);
  });

  it('says how each role was given, who is still to accept, and the customer organisation', async () => {
    const { body } = await page(`/dashboard/projects/${encodeURIComponent(project.id)}`);
    const roles = body.slice(body.indexOf('id="roles"'), body.indexOf('</p>', body.indexOf('id="roles"')));
    expect(roles).toContain('客户项目负责人 王芳 (群聊中由 陈管理 指定,2026-09-01 09:05 (Asia/Shanghai) 本人接受 · tenant_c)');
    expect(roles).toContain('IT负责人 赵工 (待本人接受; 群聊中由 陈管理 指定)');
    expect(body).toContain('id="customer-org">客户方组织: tenant_c(取自首位接受角色的客户项目负责人 王芳)');
    // The trail's chain holds; its head is shown in full.
    expect(body).toMatch(/id="chain" class="muted">🔗 审计链完整\(3 条记录\),链头 <code>[0-9a-f]{64}<\/code>/);
    // The sign-off row says the signer's role came from chat, from whom.
    expect(body).toContain('角色由 陈管理 在群聊中指定,本人 2026-09-01 09:05 (Asia/Shanghai) 接受,组织 tenant_c(客户方组织)');
  });

  it('exports the filtered trail as CSV, formulas defused', async () => {
    const id = encodeURIComponent(project.id);
    const { status, body, res } = await page(`/dashboard/projects/${id}/signoffs.csv?user=ou_lead`);
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="signoffs-feishu_oc_abc-2026-10-09.csv"');
    const lines = body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,feishu:oc_abc,confirm,training-plan-signed,培训方案和时间计划已由客户项目负责人签字确认,ou_lead,王芳,customer-lead,2026-10-08T09:12:00\+08:00,reply,feishu,om_1,'=1\+1 确认 3,,,,"role given in chat by 陈管理 \(ou_admin\), accepted by them 09-01 09:05, organisation tenant_c \(the customer organisation\)",培训计划-签字\.pdf \(sha256 [0-9a-f]{64}\),[0-9a-f]{64}$/);
  });

  it('answers an unknown project with 404', async () => {
    expect((await page('/dashboard/projects/feishu%3Anope')).status).toBe(404);
    expect((await page('/dashboard/projects/feishu%3Anope/signoffs.csv')).status).toBe(404);
  });
});

describe('a go-live year whose holidays are not known yet', () => {
  const calendar = { knows: (d: string) => d.slice(0, 4) <= '2026' };
  const p = (goLive: string): ProjectRecord => ({ ...project, id: `feishu:oc_${goLive}`, chatId: `oc_${goLive}`, goLive });

  it(`is flagged from ${CALENDAR_WARN_DAYS} days before the first posting day in that year`, () => {
    expect(calendarGap(calendar, p('2026-12-30'), '2026-11-20')).toBeUndefined(); // known year
    expect(calendarGap(calendar, p('2027-03-01'), '2026-11-02')).toEqual({ year: 2027, inDays: 60 });
    expect(calendarGap(calendar, p('2027-03-01'), '2026-11-01')).toBeUndefined(); // 61 days before
    expect(calendarGap(calendar, p('2027-03-01'), '2027-01-10')).toEqual({ year: 2027, inDays: 0 });
    expect(calendarGap(calendar, p('2027-03-01'), '2027-03-02')).toBeUndefined(); // live already
  });

  it('shows on the dashboard list and the project page, with how to import the year', async () => {
    // A data folder whose calendar knows only the bundled years (up to 2026).
    const dir = mkdtempSync(join(tmpdir(), 'cal-data-'));
    cpSync('data', dir, { recursive: true, filter: (f) => !/calendar\/20(2[7-9]|[3-9]\d)\.yaml$/.test(f) && !/db\.|\.jsonl$|\.lock$/.test(f) });
    const s = await startWebApp({ DATA_DIR: dir }, { clock: fixedClock('2026-11-20T02:00:00Z') });
    try {
      await s.app.bot.deps.store.putProject(p('2027-06-15')); // Jan 1 is 42 days away: flagged
      await s.app.bot.deps.store.putProject(p('2026-12-30')); // a known year: not flagged
      const list = await fetch(`${s.url}/dashboard`, { headers: { 'accept-language': 'zh-CN' } }).then((r) => r.text());
      expect(list.match(/2027 年节假日未收录/g)).toHaveLength(1);
      expect(list.slice(list.indexOf('data-project="feishu:oc_2026-12-30"')).split('</tr>')[0]).not.toContain('未收录');
      const page = await fetch(`${s.url}/dashboard/projects/${encodeURIComponent('feishu:oc_2027-06-15')}`, { headers: { 'accept-language': 'zh-CN' } }).then((r) => r.text());
      expect(page).toContain('2027 年的节假日安排尚未收录');
      expect(page).toContain('npm run cli -- calendar import FILE.ics');
      // And /metrics counts it, for an alert.
      const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^oa_projects_calendar_unknown 1$/m);
    } finally {
      await s.close();
    }
  });
});

describe('report buttons on the project page, under the dashboard access rule', () => {
  const TOKEN = 'dashboard-report-token-TEST-0123456789';

  it('links the two reports as PDF and DOCX; a signed-in browser downloads them with its session cookie (no token), each one an audit event; no session, no report', async () => {
    const s = await startWebApp({ ADMIN_TOKEN: TOKEN }, { clock });
    try {
      const store = s.app.bot.deps.store;
      await store.putProject(project);
      const login = await fetch(`${s.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url }, body: new URLSearchParams({ token: TOKEN, next: '/dashboard' }).toString() });
      expect(login.status).toBe(302);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const browser = { cookie, 'accept-language': 'zh-CN' };

      const body = await fetch(`${s.url}/dashboard/projects/${encodeURIComponent(project.id)}`, { headers: browser }).then((r) => r.text());
      const section = body.slice(body.indexOf('id="reports"'), body.indexOf('</p>', body.indexOf('class="report-links"')));
      expect(section).toContain('上线前检查报告');
      expect(section).toContain('项目风险报告书');
      const links = [...section.matchAll(/<a class="btn report" data-kind="(\w+)" data-format="(\w+)" href="([^"]+)" download>/g)].map((m) => ({ kind: m[1], format: m[2], href: m[3]!.replace(/&amp;/g, '&') }));
      expect(links).toEqual([
        { kind: 'check', format: 'pdf', href: '/api/projects/feishu%3Aoc_abc/report?kind=check&format=pdf' },
        { kind: 'check', format: 'docx', href: '/api/projects/feishu%3Aoc_abc/report?kind=check&format=docx' },
        { kind: 'risk', format: 'pdf', href: '/api/projects/feishu%3Aoc_abc/report?kind=risk&format=pdf' },
        { kind: 'risk', format: 'docx', href: '/api/projects/feishu%3Aoc_abc/report?kind=risk&format=docx' },
      ]);

      // Without the session the link is refused, and nothing is generated or recorded.
      const before = (await store.listSignoffs(project.id)).length;
      expect((await fetch(`${s.url}${links[0]!.href}`)).status).toBe(401);
      expect(await store.listSignoffs(project.id)).toHaveLength(before);

      for (const l of links) {
        const res = await fetch(`${s.url}${l.href}`, { headers: browser });
        expect(res.status, l.href).toBe(200);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="(pre-launch-check|risk-report)-feishu_oc_abc-2026-10-09\.(pdf|docx)"/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        const bytes = Buffer.from(await res.arrayBuffer());
        if (l.format === 'pdf') {
          expect(res.headers.get('content-type')).toBe('application/pdf');
          expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
        } else expect(bytes.subarray(0, 2).toString()).toBe('PK');
      }
      const events = (await store.listSignoffs(project.id)).slice(before);
      expect(events.map((e) => [e.action, e.itemId, e.via, e.userId])).toEqual([
        ['report', 'report:check', 'web', 'web'],
        ['report', 'report:check', 'web', 'web'],
        ['report', 'report:risk', 'web', 'web'],
        ['report', 'report:risk', 'web', 'web'],
      ]);
      // The audit filter knows the action.
      expect(await fetch(`${s.url}/dashboard/projects/${encodeURIComponent(project.id)}?action=report`, { headers: browser }).then((r) => r.text())).toContain('<option value="report" selected>生成报告</option>');
    } finally {
      await s.close();
    }
  }, 60_000);
});
