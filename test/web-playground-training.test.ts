import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/core/clock.ts';
import { startWebApp } from './web/harness.ts';

/** Training works in the web playground as in a group: plan, sign up by the card's button, the report (adapters/web). */
describe('training in the playground', () => {
  let s: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    s = await startWebApp({}, { clock: fixedClock('2026-10-09T02:00:00Z') });
  });
  afterAll(() => s.close());

  const post = (path: string, body: unknown) => fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: s.url }, body: JSON.stringify(body) });
  type View = { id: string; from: { id: string }; summary: string; html: string };
  const messages = async () => ((await (await fetch(`${s.url}/api/playground/trn/messages`)).json()) as { messages: View[] }).messages;

  it('a vendor PM plans a session, a member signs up with its button, and the training report counts it', async () => {
    expect((await post('/api/playground/trn/setup', { action: 'bind', user: 'lisi' })).status).toBe(200);
    expect((await post('/api/playground/trn/messages', { user: 'lisi', text: '@bot 新建培训 10-15 14:00-16:00 普通员工 上限20 地点 三楼' })).status).toBe(200);
    const card = (await messages()).find((m) => m.from.id === 'bot' && m.html.includes('培训报名 #1'))!;
    expect(card).toBeDefined();
    // The 报名 button: its block and index as the page renders them.
    const button = /data-msg="([^"]+)" data-block="(\d+)" data-button="(\d+)">报名</.exec(card.html)!;
    expect((await post('/api/playground/trn/clicks', { user: 'zhaoliu', messageId: button[1], block: Number(button[2]), button: Number(button[3]) })).status).toBe(200);
    expect((await messages()).some((m) => m.from.id === 'bot' && m.html.includes('赵六') && m.html.includes('#1'))).toBe(true);
    await post('/api/playground/trn/messages', { user: 'zhaoliu', text: '@bot 培训报告' });
    const report = (await messages()).filter((m) => m.from.id === 'bot' && m.html.includes('培训报告')).at(-1)!;
    expect(report.html).toContain('报名 1');
    expect(report.html).toContain('5.2-10');
  });
});
