import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp } from './web/harness.ts';

const MISS = '课一直开不起来咋整';

describe('the review page (/review) over HTTP, fed by the playground', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp();
  });
  afterAll(() => s.close());

  const get = async (path: string) => {
    const res = await fetch(`${s.url}${path}`, { headers: { 'accept-language': 'zh-CN' } });
    return { status: res.status, body: await res.text(), res };
  };
  const post = (path: string, form: Record<string, string>, origin = s.url) =>
    fetch(`${s.url}${path}`, { method: 'POST', redirect: 'manual', headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'zh-CN' }, body: new URLSearchParams(form).toString() });
  const say = async (text: string) => {
    const res = await fetch(`${s.url}/api/playground/review/messages`, { method: 'POST', headers: { origin: s.url, 'content-type': 'application/json' }, body: JSON.stringify({ user: 'zhangsan', text }) });
    expect(res.status).toBe(200);
    await s.app.idle();
    const msgs = (await (await fetch(`${s.url}/api/playground/review/messages`)).json()) as { messages: { from: string; card?: unknown; text?: string }[] };
    return JSON.stringify(msgs.messages.at(-1));
  };

  it('groups the misses, escapes what people typed, and accepting one makes the bot answer it at once', async () => {
    await say(MISS);
    await say(MISS);
    await say('<img src=x onerror=alert(1)> 今天食堂几点开');
    const { status, body } = await get('/review');
    expect(status).toBe(200);
    expect(body).toContain(`<strong>${MISS}</strong>`);
    expect(body).toContain('2 次');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toContain('<img src=x');
    const ids = /name="ids" value="([\d,]+)"/.exec(body.slice(body.indexOf(MISS)))![1]!;

    // A cross-site form post is refused, and a made-up rule changes nothing.
    expect((await post('/review/decide', { ids, status: 'accepted', rule: '5.2-11' }, 'http://evil.example')).status).toBe(403);
    expect((await post('/review/decide', { ids, status: 'accepted', rule: '5.2-99' })).status).toBe(400);
    expect(await s.app.bot.deps.store.listReview(['accepted'])).toEqual([]);

    const res = await post('/review/decide', { ids, status: 'accepted', rule: '5.2-11' });
    expect([res.status, res.headers.get('location')]).toEqual([302, '/review']);
    expect(await say(MISS)).toContain('5.2-11');
    expect((await get('/review')).body).not.toContain(`<strong>${MISS}</strong>`);

    const patch = await get('/review/export.yaml');
    expect(patch.body).toContain(`"5.2-11":\n  questions:\n    zh:\n      - "${MISS}"`);
  });

  it('evaluates a pasted question set before and after what review accepted, and names a broken line', async () => {
    const lines = [JSON.stringify({ q: MISS, expect: ['5.2-11'] }), JSON.stringify({ q: '培训人数多怎么办', expect: ['5.2-10'] })].join('\n');
    const ok = await (await post('/review/eval', { lines })).text();
    expect(ok).toMatch(/只用数据文件<\/td><td>1\/2 = 50\.0%/);
    expect(ok).toMatch(/加上审核中已接受的<\/td><td>2\/2 = 100\.0%/);
    const bad = await (await post('/review/eval', { lines: '{"q": 1}' })).text();
    expect(bad).toContain('无法读取这组问题：the question set:1: expected {&quot;q&quot;: string, &quot;expect&quot;: [ids]}');
    const typo = await (await post('/review/eval', { lines: `${lines}\n${JSON.stringify({ q: '培训人数少', expect: ['5.2-99'] })}` })).text();
    expect(typo).toContain('the question set:3: &quot;5.2-99&quot; is not a rule of the rulebook');
    expect(typo).not.toMatch(/只用数据文件<\/td>/); // no figures from a set that cannot be scored
  });
});
