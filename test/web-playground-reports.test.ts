import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import { docxText, pdfText, squash } from './helpers/report-files.ts';
import { startWebApp } from './web/harness.ts';

/** The playground's adapter puts a report into the chat as a download link (adapters/web: Transport.upload). */
describe('reports in the playground', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({}, { clock: fixedClock('2026-10-09T02:00:00Z') });
  });
  afterAll(() => s.close());

  const post = (path: string, body: unknown) => fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: s.url }, body: JSON.stringify(body) });
  type View = { id: string; replyTo?: string; from: { id: string }; summary: string; html: string };
  const messages = async (chat: string) => ((await (await fetch(`${s.url}/api/playground/${chat}/messages`)).json()) as { messages: View[] }).messages;

  it('`@bot 生成报告` answers with a link to the PDF in the thread of the request; `@bot risk report docx` with the DOCX; each recorded once', async () => {
    expect((await post('/api/playground/rep/setup', { action: 'bind', user: 'lisi' })).status).toBe(200);
    const ask = (await (await post('/api/playground/rep/messages', { user: 'zhaoliu', text: '@bot 生成报告' })).json()) as { result: { id: string } };
    const file = (await messages('rep')).find((m) => m.from.id === 'bot' && m.html.includes('file-link'))!;
    expect(file.replyTo).toBe(ask.result.id);
    expect(file.summary).toMatch(/^上线前检查报告-演示项目-rep-2026-10-09\.pdf$/);
    const href = /href="([^"]+)"/.exec(file.html)![1]!;
    expect(href).toMatch(/^\/api\/playground\/rep\/files\/w[A-Za-z0-9_-]+$/);
    const res = await fetch(`${s.url}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain("attachment; filename=");
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(squash(pdfText(pdf))).toContain(squash('演示项目-rep'));
    // Another group cannot fetch it.
    expect((await fetch(`${s.url}${href.replace('/rep/', '/other/')}`)).status).toBe(404);

    await post('/api/playground/rep/messages', { user: 'zhaoliu', text: '@bot risk report docx' });
    const docx = (await messages('rep')).filter((m) => m.html.includes('file-link')).at(-1)!;
    expect(docx.summary).toMatch(/^项目风险报告书-.*\.docx$/);
    const bytes = Buffer.from(await (await fetch(`${s.url}${/href="([^"]+)"/.exec(docx.html)![1]}`)).arrayBuffer());
    expect(docxText(bytes)).toContain('项目风险报告书');

    const events = (await s.app.bot.deps.store.listSignoffs('web:rep')).filter((e) => e.action === 'report');
    expect(events.map((e) => [e.itemId, e.userId, e.via])).toEqual([
      ['report:check', 'zhaoliu', 'web'],
      ['report:risk', 'zhaoliu', 'web'],
    ]);
  }, 60_000);

  it('an unbound group is told to bind a project first', async () => {
    await post('/api/playground/empty/messages', { user: 'zhaoliu', text: '@bot 风险报告' });
    const reply = (await messages('empty')).filter((m) => m.from.id === 'bot').at(-1)!;
    expect(reply.summary).toBe('本群还没有绑定项目');
    expect(reply.html).not.toContain('file-link');
  });
});
