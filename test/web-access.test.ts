import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp } from './web/harness.ts';
import { PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';

const TOKEN = 'web-admin-token-TEST-0123456789-abcdef';
interface Reply {
  messages: { from: { id: string }; html: string }[];
  error: string;
}
const json = (r: Response) => r.json() as Promise<Reply>;
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), redirect: 'manual' });
const postForm = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(), redirect: 'manual' });

describe('web access: loopback without ADMIN_TOKEN is open', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => void (s = await startWebApp()));
  afterAll(() => s.close());

  it('serves the pages with a careful set of security headers', async () => {
    for (const path of ['/playground', '/dashboard', '/rulebook']) {
      const res = await get(`${s.url}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      const body = await res.text();
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(body).not.toMatch(/\sstyle=/); // no inline style
    }
  });

  it('refuses a page reached through a foreign Host name (DNS rebinding)', async () => {
    // fetch() will not send a made-up Host header; node:http will.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/api/playground/demo/messages`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
    expect((await get(`${s.url}/api/playground/demo/messages`)).status).toBe(200);
  });

  it('refuses a cross-site POST to the playground API and lets a same-origin one through', async () => {
    const evil = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: '@bot 帮助' }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const sandboxed = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: '@bot 帮助' }, { origin: 'null', 'sec-fetch-site': 'cross-site' });
    expect(sandboxed.status).toBe(403);
    const before = await json(await get(`${s.url}/api/playground/demo/messages`));
    expect(before.messages).toEqual([]);
    const ok = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: '@bot 帮助' }, { origin: s.url });
    expect(ok.status).toBe(200);
  });

  it('escapes what people type: markup comes back as text', async () => {
    const text = '<img src=x onerror=alert(1)> **not bold** @{lisi}';
    await postJson(`${s.url}/api/playground/xss/messages`, { user: 'zhaoliu', text }, { origin: s.url });
    const { messages } = await json(await get(`${s.url}/api/playground/xss/messages`));
    const mine = messages.find((m) => m.from.id === 'zhaoliu')!;
    expect(mine.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mine.html).not.toContain('<img');
    expect(mine.html).toContain('**not bold**');
    expect(mine.html).toContain('<span class="mention">@李四</span>');
    // The bot's card (an answer or "did you mean") also quotes nothing unescaped.
    for (const m of messages) expect(m.html).not.toMatch(/<(img|script|iframe)/i);
  });

  it('answers bad playground input with a 400 that says what is wrong, and changes nothing', async () => {
    const unknown = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'mallory', text: 'hi' }, { origin: s.url });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error).toContain('unknown demo user');
    const badChat = await postJson(`${s.url}/api/playground/Bad_Chat!/messages`, { user: 'zhangsan', text: 'hi' }, { origin: s.url });
    expect(badChat.status).toBe(400);
    const noRole = await postJson(`${s.url}/api/playground/fresh/setup`, { action: 'role', user: 'zhangsan', role: 'customer-lead' }, { origin: s.url });
    expect(noRole.status).toBe(400);
    expect((await json(noRole)).error).toContain('请先绑定演示项目');
    const { messages } = await json(await get(`${s.url}/api/playground/fresh/messages`));
    expect(messages).toEqual([]);
  });
});

describe('web access: ADMIN_TOKEN set', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => void (s = await startWebApp({ ADMIN_TOKEN: TOKEN })));
  afterAll(() => s.close());

  it('sends pages to /login and answers the API with 401 JSON', async () => {
    const page = await get(`${s.url}/dashboard`);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdashboard');
    for (const path of ['/api/playground/demo/messages', '/dashboard/projects/web%3Ademo/signoffs.csv']) {
      const res = await get(`${s.url}${path}`);
      expect(res.status, path).toBe(401);
      expect((await json(res)).error).toContain('/login');
    }
    const post = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: 'hi' }, { origin: s.url });
    expect(post.status).toBe(401);
    const wrong = await get(`${s.url}/dashboard`, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(302);
  });

  it('accepts the bearer token', async () => {
    expect((await get(`${s.url}/api/projects`)).status).toBe(401);
    expect((await get(`${s.url}/api/projects`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(`${s.url}/dashboard`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(`${s.url}/api/playground/demo/messages`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('signs in through the form with an HttpOnly SameSite=Strict cookie that does not hold the token', async () => {
    const wrong = await postForm(`${s.url}/login`, { token: 'nope', next: '/dashboard' }, { origin: s.url });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie') ?? '').not.toContain('oa_session=1');

    const res = await postForm(`${s.url}/login`, { token: TOKEN, next: '/dashboard' }, { origin: s.url });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/dashboard');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/oa_session=\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;

    expect((await get(`${s.url}/dashboard`, { cookie: session })).status).toBe(200);
    const said = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: '@bot 培训人数多怎么办' }, { cookie: session, origin: s.url });
    expect(said.status).toBe(200);
    // The same cookie from another site's page is refused (CSRF).
    const csrf = await postJson(`${s.url}/api/playground/demo/messages`, { user: 'zhangsan', text: 'hi' }, { cookie: session, origin: 'https://evil.example' });
    expect(csrf.status).toBe(403);
    // A forged cookie is not a session.
    const forged = session.replace(/\.[A-Za-z0-9_-]{43}$/, `.${'A'.repeat(43)}`);
    expect((await get(`${s.url}/dashboard`, { cookie: forged })).status).toBe(302);
  });

  it('never redirects off-site after sign-in', async () => {
    const res = await postForm(`${s.url}/login`, { token: TOKEN, next: '//evil.example/x' }, { origin: s.url });
    expect(res.headers.get('location')).toBe('/');
  });

  it('leaves /healthz and the login page open', async () => {
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
    expect((await get(`${s.url}/login`)).status).toBe(200);
    expect((await get(`${s.url}/static/app.css`)).status).toBe(200);
  });

  it('slows down guessing everywhere ADMIN_TOKEN is taken, and never locks out the right token', async () => {
    // Wrong bearer tokens on the JSON API and the admin job count too (they did not before).
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) await get(`${s.url}/api/projects`, { authorization: `Bearer guess-api-${i}` });
    for (let i = 0; i < 4; i++) await fetch(`${s.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer guess-job-${i}` } });
    for (let i = 0; i < 3; i++) last = await postForm(`${s.url}/login`, { token: `guess-${i}` }, { origin: s.url });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const job = await fetch(`${s.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: 'Bearer guess-job-late' } });
    expect([job.status, Number(job.headers.get('retry-after')) > 0]).toEqual([429, true]);
    // The right token still works from that very address, by form, bearer, API and job.
    expect((await postForm(`${s.url}/login`, { token: TOKEN }, { origin: s.url })).status).toBe(302);
    expect((await get(`${s.url}/api/playground/demo/messages`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(`${s.url}/api/projects`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await fetch(`${s.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('POST /logout revokes the session: the same cookie is refused afterwards', async () => {
    const login = await postForm(`${s.url}/login`, { token: TOKEN }, { origin: s.url });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await get(`${s.url}/dashboard`, { cookie })).status).toBe(200);
    expect((await fetch(`${s.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: s.url } })).status).toBe(302);
    expect((await get(`${s.url}/api/projects`, { cookie })).status).toBe(401);
    expect((await get(`${s.url}/dashboard`, { cookie })).status).toBe(302);
  });
});

describe('web access: listening beyond loopback without ADMIN_TOKEN', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => void (s = await startWebApp({ HOST: '0.0.0.0' })));
  afterAll(() => s.close());

  it('keeps the pages and the API closed and says how to open them', async () => {
    const url = s.url.replace('0.0.0.0', '127.0.0.1');
    for (const path of ['/api/playground/demo/messages', '/api/projects', '/api/projects/web%3Ademo/signoffs'])
      expect((await get(`${url}${path}`)).status, path).toBe(401);
    const page = await get(`${url}/playground`);
    expect(page.status).toBe(302);
    const login = await (await get(`${url}/login`)).text();
    expect(login).toContain('ADMIN_TOKEN');
    expect((await postForm(`${url}/login`, { token: '' }, { origin: url })).status).not.toBe(302);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });
});

describe.skipIf(PG_SKIP)('web access: two replicas on one PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));

  it('a session signed out on one replica is refused by the other', async () => {
    await assertPostgresReachable();
    const s = freshSchema('websess');
    schemas.push(s);
    const env = { ADMIN_TOKEN: TOKEN, DATABASE_URL: urlWithSchema(s) };
    const a = await startWebApp(env);
    const b = await startWebApp(env);
    try {
      const login = await postForm(`${a.url}/login`, { token: TOKEN }, { origin: a.url });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      expect((await get(`${b.url}/api/projects`, { cookie })).status).toBe(200);
      expect((await fetch(`${a.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: a.url } })).status).toBe(302);
      expect((await get(`${b.url}/api/projects`, { cookie })).status).toBe(401);
      expect((await get(`${b.url}/dashboard`, { cookie })).status).toBe(302);
      // Another session on the same replica is untouched.
      const other = (await postForm(`${b.url}/login`, { token: TOKEN }, { origin: b.url })).headers.get('set-cookie')!.split(';')[0]!;
      expect((await get(`${a.url}/api/projects`, { cookie: other })).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
