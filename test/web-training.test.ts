import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import { startWebApp } from './web/harness.ts';
import { NOW, EVIL_TITLE, p, admin, seedTraining } from './support/training-world.ts';

/**
 * The project's training page (GET /dashboard/projects/:id/training) over HTTP with a fixed clock:
 * sessions written straight into the store through the decide functions, as chat writes them.
 * Its figures are the training report's (src/training/report-model.ts), its rows one per session
 * (cancelled ones greyed), the attendance per session by name; no exam score per person; every
 * text a person typed escaped; the dashboard's access rule.
 */

const trainingPath = `/dashboard/projects/${encodeURIComponent(p.id)}/training`;

/** The cells of one session's row, by their data-label, as text. */
const cells = (body: string, no: number) => {
  const start = body.indexOf(`<tr data-session="${no}"`);
  const row = body.slice(start, body.indexOf('</tr>', start));
  return Object.fromEntries([...row.matchAll(/<td[^>]*data-label="([^"]*)">([\s\S]*?)<\/td>/g)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()]));
};
const section = (body: string, id: string) => {
  const start = body.indexOf(`id="${id}"`);
  return body.slice(start, body.indexOf('</details>', start));
};

describe('the training page over HTTP', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({}, { clock: fixedClock(NOW) });
    await seedTraining(s.app.bot.deps.store);
  });
  afterAll(() => s.close());

  const get = async (path: string, lang = 'zh-CN,zh;q=0.9') => {
    const res = await fetch(`${s.url}${path}`, { headers: { 'accept-language': lang }, redirect: 'manual' });
    return { status: res.status, body: await res.text(), res };
  };

  it('is linked from the project page, next to the reports', async () => {
    const { body } = await get(`/dashboard/projects/${encodeURIComponent(p.id)}`);
    const reports = body.indexOf('id="reports"');
    const link = body.indexOf(`href="${trainingPath}"`);
    expect(reports).toBeGreaterThan(0);
    expect(link).toBeGreaterThan(reports);
    expect(body.slice(link, body.indexOf('</a>', link))).toContain('培训场次与培训报告');
    expect(body.indexOf('<h2>清单</h2>')).toBeGreaterThan(link);
  });

  it('answers 404 for an unknown project', async () => {
    expect((await get('/dashboard/projects/feishu%3Anope/training')).status).toBe(404);
  });

  it('shows the report\'s totals and rule lines at the top, in Chinese', async () => {
    const { status, body, res } = await get(trainingPath);
    expect(status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(body).toContain('<title>培训 · 华东 OA 上线 · OA 上线助手</title>');
    expect(body).toContain('截至 2026-12-10 17:00 (Asia/Shanghai) 的数字');
    const totals = body.slice(body.indexOf('id="totals"'), body.indexOf('</ul>', body.indexOf('id="totals"'))).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    // Three live sessions (two started), #4 cancelled apart; 5 signed up (3 + 1 + 1; d waits), 4 checked in, 1 stayed, 3 left; 1/1 passed.
    expect(totals).toContain('3 场次 已开始 2,另取消 1');
    expect(totals).toContain('5 报名');
    expect(totals).toContain('4 签到');
    expect(totals).toContain('1 坚持到最后 (25%)');
    expect(totals).toContain('3 签到后离开');
    expect(totals).toContain('1/1 考试通过/参加 (100%)');
    const rules = body.slice(body.indexOf('id="rule-facts"'), body.indexOf('</ul>', body.indexOf('id="rule-facts"')));
    expect(rules).toContain('<a href="/rulebook#r-5.2-10">5.2-10</a>: ⚠️ 第 3 场超过60人(经批准)');
    expect(rules).toContain('5.2-15</a>: ⚠️ 尚未安排中层管理的培训场次');
    expect(rules).toContain('5.3-4</a>: 客户管理员主讲 1/3 场(33%)');
    expect(rules).toContain('5.3-5</a>: ⚠️ 第 2 场员工培训没有客户管理人员在场');
    expect(rules).toContain('远程:视频会议 1 场、录播 1 场,签到 1 人');
    expect(body.indexOf('id="rule-facts"')).toBeLessThan(body.indexOf('id="sessions"'));
  });

  it('has one row per session with its terms and counts, the cancelled one greyed', async () => {
    const { body } = await get(trainingPath);
    expect([...body.matchAll(/<tr data-session="(\d+)"/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4']);
    expect(cells(body, 1)).toEqual({
      '#': '1',
      时间: '2026-12-10 14:00–16:00 (Asia/Shanghai)',
      标题: '&lt;script&gt;alert(1)&lt;/script&gt;',
      对象: '普通员工',
      部门: '财务部、人事部',
      方式: '现场: 三楼 &lt;b&gt;会议室&lt;/b&gt;',
      讲师: '厂商',
      上限: '3',
      报名: '3',
      候补: '1',
      签到: '3',
      现场加入: '1',
      坚持到最后: '1',
      签到后离开: '2',
      客户管理人员在场: '✅ 在场',
      '考试通过/参加': '—',
    });
    expect(cells(body, 2)).toMatchObject({ 方式: '视频会议: https://meet.example.com/j/123?a=1&amp;b=2', 讲师: '客户管理员', 报名: '1', 签到: '1', 签到后离开: '1', 客户管理人员在场: '⚠️ 无人在场', '考试通过/参加': '1/1' });
    expect(cells(body, 3)).toMatchObject({ 时间: '2026-12-11 09:00–10:00 (Asia/Shanghai)', 对象: '高层领导', 方式: '录播: https://video.example.com/v/9', 标题: '高层领导培训超额原因: 全体高管一次讲完', 上限: '80', 报名: '1', 签到后离开: '—', 客户管理人员在场: '不需要' });
    // Links only as http(s), opened without the page as referrer or opener.
    expect(body).toContain('<a href="https://meet.example.com/j/123?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">');
    expect(body).toContain('<a href="https://video.example.com/v/9" rel="noopener noreferrer nofollow" target="_blank">');
    // #4 is cancelled: greyed, said so, its sign-up still shown.
    expect(body).toContain('<tr data-session="4" class="cancelled">');
    // Before its second check has closed, nobody has "left" yet: a dash, not 0.
    expect(cells(body, 4)).toMatchObject({ 标题: '中层 · 取消了 已取消', 报名: '1', 签到后离开: '—' });
  });

  it('has per level and per department tables from the report', async () => {
    const { body } = await get(trainingPath);
    const rows = (id: string) => {
      const t = body.slice(body.indexOf(`id="${id}"`), body.indexOf('</table>', body.indexOf(`id="${id}"`)));
      return [...t.matchAll(/<tr><td[^>]*>([^<]*)<\/td>((?:<td[^>]*>[\s\S]*?<\/td>)+)<\/tr>/g)].map((m) => [m[1], ...[...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim())]);
    };
    expect(rows('levels')).toEqual([
      ['高层领导', '1', '1', '0', '0 (—)'], // nobody checked in yet: no share
      ['普通员工', '2', '4', '4', '1 (25%)'],
    ]);
    expect(rows('departments')).toEqual([
      ['财务部', '2', '4', '4', '1 (25%)'],
      ['人事部', '1', '3', '3', '1 (33%)'],
    ]);
  });

  it('lists who signed up, checked in, stayed and left each session, by name or id, and no exam score', async () => {
    const { body } = await get(trainingPath);
    const one = section(body, 'attendance-1');
    expect(one).toMatch(/^id="attendance-1"/);
    const list = (key: string) => {
      const i = one.indexOf(`data-list="${key}"`);
      return one.slice(i, one.indexOf('</li>', i)).replace(/<[^>]+>/g, '').replace(/^[^>]*>/, '');
    };
    expect(list('signed-up')).toBe('报名 (3): 王芳、&quot;&gt;&lt;img src=x onerror=alert(1)&gt;、ou_c');
    expect(list('waitlist')).toBe('候补 (1): 候补甲');
    expect(list('checked-in')).toBe('签到 (3): 王芳、&quot;&gt;&lt;img src=x onerror=alert(1)&gt; (客户方管理人员)、路人乙 (现场加入)');
    expect(list('stayed')).toBe('坚持到最后 (1): 王芳');
    expect(list('left')).toBe('签到后离开 (2): &quot;&gt;&lt;img src=x onerror=alert(1)&gt;、路人乙');
    // Before its second check a session says "not confirmed yet" rather than "left".
    expect(section(body, 'attendance-4')).toContain('data-list="unconfirmed"');
    expect(section(body, 'attendance-4')).not.toContain('data-list="left"');
    // A recording has no room: who watched it (已观看), nobody "left".
    expect(section(body, 'attendance-3')).toContain('<li data-list="watched"><strong>已观看录播</strong> (0)');
    expect(section(body, 'attendance-3')).not.toMatch(/data-list="(left|unconfirmed|stayed)"/);
    // #2's exam: 1/1 passed in the row; nobody's score (100%, 1/1 right) in the attendance.
    const two = section(body, 'attendance-2');
    expect(two).toContain('李雷');
    expect(two).not.toMatch(/100%|分数|score/i);
    expect(body.match(/<details class="attendance"/g)).toHaveLength(4);
  });

  it('escapes everything a person typed: titles, places, names, as text', async () => {
    const { body } = await get(trainingPath);
    expect(body).not.toContain(EVIL_TITLE);
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<b>会议室');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script at all
    expect(body).not.toMatch(/\sstyle=/);
  });

  it('speaks English when the browser does', async () => {
    const { body } = await get(trainingPath, 'en-US,en;q=0.9');
    expect(body).toContain('<h1>Training · 华东 OA 上线</h1>');
    expect(body).toContain('Figures as of 2026-12-10 17:00 (Asia/Shanghai)');
    expect(body).toContain('5.2-10</a>: ⚠️ session 3 above 60 (overridden)');
    expect(cells(body, 1)).toMatchObject({ Level: 'staff', Delivery: 'on site: 三楼 &lt;b&gt;会议室&lt;/b&gt;', 'Manager present': '✅ present', 'Signed in and left': '2' });
    expect(cells(body, 2)).toMatchObject({ Trainer: "the customer&#39;s admin", 'Manager present': '⚠️ none', 'Exam passed/taken': '1/1' });
    expect(cells(body, 4)).toMatchObject({ Title: '中层 · 取消了 cancelled' });
    expect(body).toContain('<h2 id="by-level">By level</h2>');
  });

  it('says how to plan a session when the project has none', async () => {
    const store = s.app.bot.deps.store;
    await store.putProject({ ...p, id: 'feishu:oc_empty', chatId: 'oc_empty', name: 'Empty' });
    const { status, body } = await get('/dashboard/projects/feishu%3Aoc_empty/training');
    expect(status).toBe(200);
    expect(body).toContain('id="no-sessions"');
    expect(body).toContain('@机器人 新建培训');
    expect(body).not.toContain('id="sessions"');
  });
});

describe('the training page is under the dashboard\'s access rule', () => {
  const TOKEN = 'admin-token-TEST-training-0123456789abcdef';
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({ ADMIN_TOKEN: TOKEN }, { clock: fixedClock(NOW) });
    await seedTraining(s.app.bot.deps.store);
  });
  afterAll(() => s.close());

  it('sends a browser without the token to /login, refuses a wrong bearer, and shows the page with the token', async () => {
    const anon = await fetch(`${s.url}${trainingPath}`, { redirect: 'manual' });
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toBe(`/login?next=${encodeURIComponent(trainingPath)}`);
    expect(await anon.text()).not.toContain('王芳');
    const wrong = await fetch(`${s.url}${trainingPath}`, { redirect: 'manual', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(302);
    const ok = await fetch(`${s.url}${trainingPath}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('王芳');
    // An unknown project is 404 only to someone with access; without it, still the sign-in.
    expect((await fetch(`${s.url}/dashboard/projects/feishu%3Anope/training`, { redirect: 'manual' })).status).toBe(302);
    expect((await fetch(`${s.url}/dashboard/projects/feishu%3Anope/training`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('answers 401 to a page request through a foreign Host on an open loopback server', async () => {
    const open = await startWebApp({}, { clock: fixedClock(NOW) });
    try {
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${open.url}${trainingPath}`, { headers: { host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
