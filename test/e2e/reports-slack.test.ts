import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { verifyChain } from '../../src/store/chain.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { docxText, pdfText, squash } from '../helpers/report-files.ts';
import { slackEvent } from '../helpers/slack.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ITEM_1 = { en: 'Both sides agreed the training approach and plan', zh: '双方已沟通并确定培训思路和方案计划' };

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('reports into a Slack channel', () => {
  it('`report` / `risk report` / `生成报告 docx` / `风险报告`: the file is shared in the thread of the request (files.uploadV2 flow), recorded once each; an unbound channel is told to bind; a failed upload says why and records nothing', async () => {
    t = await startTestApp({ clock: fixedClock(START), env: { ADMIN_TOKEN, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    let n = 0;
    const send = async (text: string, o: { channel: string; user: string; threadTs?: string; type?: 'app_mention' | 'message' }) => {
      const ts = `1700009999.00${String(++n).padStart(4, '0')}`;
      const res = await app.postSlack(slackEvent({ text, channel: o.channel, user: o.user, type: o.type, threadTs: o.threadTs, ts }));
      expect(res.status).toBe(200);
      await app.idle();
      return ts;
    };
    const lastText = () => String(app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)?.body.text);
    const reportEvents = async (id: string) => {
      const store = await openLowdbStore(app.dbFile, { readOnly: true });
      try {
        const all = await store.listSignoffs(id);
        expect(verifyChain(id, all).ok).toBe(true);
        return all.filter((e) => e.action === 'report');
      } finally {
        await store.close();
      }
    };

    // An unbound channel: told to bind a project first; nothing uploaded.
    await send('@bot report', { channel: 'C0NONE', user: 'U0ANY' });
    expect(lastText()).toContain('No project in this chat yet');
    expect(lastText()).toContain('bind project');
    expect(app.slack.calls.some((c) => c.path.startsWith('/api/files.'))).toBe(false);

    // An English project, its checklist, one sign-off.
    await send('@bot bind project ACME OA go-live 2026-10-20 tz Asia/Shanghai', { channel: 'C0REP', user: 'U0ADMIN' });
    await send('@bot set role <@U0PM> vendor-pm', { channel: 'C0REP', user: 'U0ADMIN' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const checklistTs = job.results[0]!.messageId;
    await send('confirm 1', { channel: 'C0REP', user: 'U0PM', type: 'message', threadTs: checklistTs });
    expect(lastText()).toContain('Confirmed');

    // 1. `report` by a member, at the top level: a PDF in the thread of the request.
    const ask1 = await send('@bot report', { channel: 'C0REP', user: 'U0MEMBER' });
    expect(app.slack.uploads).toHaveLength(1);
    const up1 = app.slack.uploads[0]!;
    expect(up1).toMatchObject({ channel: 'C0REP', threadTs: ask1 });
    expect(up1.filename).toMatch(/^Pre-launch check report-ACME OA-2026-09-29\.pdf$/);
    expect(up1.title).toBe(up1.filename);
    expect(up1.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text1 = squash(pdfText(up1.bytes));
    expect(text1).toContain(squash('ACME OA'));
    expect(text1).toContain(squash('Pre-launch check report'));
    expect(text1).toContain(squash(ITEM_1.en));
    expect(up1.initialComment).toContain(`SHA-256 ${sha(up1.bytes).slice(0, 12)}`);
    // The three steps, in order, with what Slack needs: the length announced is the length sent.
    const steps = app.slack.calls.filter((c) => c.path.startsWith('/api/files.') || c.path.startsWith('/upload/')).map((c) => c.path.replace(/\/upload\/v1\/.*/, '/upload'));
    expect(steps).toEqual(['/api/files.getUploadURLExternal', '/upload', '/api/files.completeUploadExternal']);
    expect(Number(app.slack.calls.find((c) => c.path === '/api/files.getUploadURLExternal')!.body.length)).toBe(up1.bytes.byteLength);
    expect(app.slack.calls.find((c) => c.path === '/api/files.getUploadURLExternal')!.headers.authorization).toBe('Bearer xoxb-slack-bot-token-TEST');

    // 2. `risk report docx` in the checklist's thread: a DOCX in that thread.
    await send('@bot risk report docx', { channel: 'C0REP', user: 'U0PM', threadTs: checklistTs });
    const up2 = app.slack.uploads[1]!;
    expect(up2).toMatchObject({ channel: 'C0REP', threadTs: checklistTs });
    expect(up2.filename).toMatch(/^Project risk report-ACME OA-2026-09-29\.docx$/);
    expect(up2.bytes.subarray(0, 2).toString()).toBe('PK');
    const text2 = squash(docxText(up2.bytes));
    expect(text2).toContain(squash('Project risk report'));
    expect(text2).toContain(squash('ACME OA'));

    // Each report that reached the channel is one audit event, with the hash of the bytes shared.
    const events = await reportEvents('slack:C0REP');
    expect(events.map((e) => [e.itemId, e.userId, e.role, e.via])).toEqual([
      ['report:check', 'U0MEMBER', 'member', 'reply'],
      ['report:risk', 'U0PM', 'vendor-pm', 'reply'],
    ]);
    expect(events.map((e) => e.evidenceMessageId)).toEqual([`sha256:${sha(up1.bytes)}`, `sha256:${sha(up2.bytes)}`]);
    expect(events[0]!.text).toContain(`asked in message ${ask1}`);

    // 3. The Chinese forms, in a Chinese project: the report in Chinese.
    await send('@bot 绑定项目 华东 OA 上线日期 2026-10-20', { channel: 'C0ZH', user: 'U0ADMIN' });
    const ask3 = await send('@bot 生成报告 docx', { channel: 'C0ZH', user: 'U0ANY' });
    const up3 = app.slack.uploads[2]!;
    expect(up3).toMatchObject({ channel: 'C0ZH', threadTs: ask3 });
    expect(up3.filename).toBe('上线前检查报告-华东 OA-2026-09-29.docx');
    const text3 = squash(docxText(up3.bytes));
    expect(text3).toContain('上线前检查报告');
    expect(text3).toContain(squash('华东 OA'));
    expect(text3).toContain(squash(ITEM_1.zh));
    await send('@bot 风险报告', { channel: 'C0ZH', user: 'U0ANY' });
    const up4 = app.slack.uploads[3]!;
    expect(up4.filename).toBe('项目风险报告书-华东 OA-2026-09-29.pdf');
    expect(squash(pdfText(up4.bytes))).toContain('项目风险报告书');
    expect((await reportEvents('slack:C0ZH')).map((e) => e.itemId)).toEqual(['report:check', 'report:risk']);

    // 4. Slack refuses (the app was installed without files:write): a short reply, nothing recorded.
    app.slack.failNext((c) => c.path === '/api/files.getUploadURLExternal', 1, 200, {}, { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'chat:write' });
    await send('@bot report', { channel: 'C0REP', user: 'U0MEMBER' });
    expect(lastText()).toContain('Report not uploaded');
    expect(lastText()).toContain('the Slack app lacks the files:write scope');
    expect(lastText()).toContain('Nothing was recorded');
    expect(lastText()).not.toContain('xoxb');

    // 5. The upload address keeps failing (HTTP 500): retried, then the reply; nothing shared or recorded.
    app.slack.failNext((c) => c.path.startsWith('/upload/v1/'), 10, 500);
    await send('@bot 风险报告', { channel: 'C0ZH', user: 'U0ANY' });
    expect(app.slack.calls.filter((c) => c.path.startsWith('/upload/v1/') && c.status === 500)).toHaveLength(4);
    expect(lastText()).toContain('报告未能上传');
    expect(lastText()).toContain('the upload was refused (HTTP 500)');
    expect(lastText()).not.toContain('/upload/v1/');
    expect(app.slack.uploads).toHaveLength(4);
    expect(await reportEvents('slack:C0REP')).toHaveLength(2);
    expect(await reportEvents('slack:C0ZH')).toHaveLength(2);
  }, 60_000);
});
