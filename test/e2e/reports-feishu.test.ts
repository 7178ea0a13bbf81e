import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { verifyChain } from '../../src/store/chain.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';
import { docxText, pdfText, squash } from '../helpers/report-files.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ITEM_1 = { en: 'Both sides agreed the training approach and plan', zh: '双方已沟通并确定培训思路和方案计划' };

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('reports into a Feishu group', () => {
  it('`生成报告` / `风险报告 docx` / `report docx` / `risk report`: uploaded (im/v1/files), then a file message replying to the request; recorded once each; an unbound group is told to bind; a refused upload says why and records nothing', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    let n = 0;
    const say = async (text: string, o: { chatId: string; senderId: string; rootId?: string; parentId?: string }) => {
      const messageId = `om_ask_${++n}`;
      const res = await app.postFeishu(feishuTextEvent({ text, token, messageId, ...o }), { timestamp: Math.floor(clock.now().getTime() / 1000) });
      expect(res.status).toBe(200);
      await app.idle();
      return messageId;
    };
    const lastReply = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'reply' && c.body?.msg_type === 'interactive').at(-1)?.card);
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
    const uploads = () => app.feishu.calls.filter((c) => c.path === '/open-apis/im/v1/files');

    // An unbound group: told to bind first; nothing uploaded.
    await say('@bot 生成报告', { chatId: 'oc_none', senderId: 'ou_any' });
    expect(lastReply()).toContain('本群还没有绑定项目');
    expect(lastReply()).toContain('绑定项目');
    expect(uploads()).toHaveLength(0);

    // A Chinese project, its checklist, one sign-off.
    await say('@bot 绑定项目 华东 OA 上线日期 2026-10-20', { chatId: 'oc_rep', senderId: 'ou_admin' });
    await say('@bot 设置角色 @ou_pm 项目经理', { chatId: 'oc_rep', senderId: 'ou_admin' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const checklistId = job.results[0]!.messageId;
    await say('确认 1', { chatId: 'oc_rep', senderId: 'ou_pm', rootId: checklistId, parentId: checklistId });
    expect(lastReply()).toContain('已确认');

    // 1. 生成报告 by a member: a PDF (file_type pdf), in a file message replying to the request.
    const ask1 = await say('@bot 生成报告', { chatId: 'oc_rep', senderId: 'ou_member' });
    const [m1] = app.feishu.fileMessages();
    expect(m1).toMatchObject({ kind: 'reply', messageId: ask1 });
    expect(m1!.file).toMatchObject({ fileType: 'pdf', fileName: '上线前检查报告-华东 OA-2026-09-29.pdf' });
    const pdf = m1!.file!.bytes;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text1 = squash(pdfText(pdf));
    expect(text1).toContain(squash('华东 OA'));
    expect(text1).toContain('上线前检查报告');
    expect(text1).toContain(squash(ITEM_1.zh));
    // The upload went with the tenant token, as multipart.
    expect(uploads()[0]!.headers.authorization).toBe('Bearer t-fake-token');
    expect(uploads()[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    // 2. 风险报告 docx inside the checklist's thread: a DOCX (file_type stream), replying to that request.
    const ask2 = await say('@bot 风险报告 docx', { chatId: 'oc_rep', senderId: 'ou_pm', rootId: checklistId, parentId: checklistId });
    const m2 = app.feishu.fileMessages()[1]!;
    expect(m2).toMatchObject({ kind: 'reply', messageId: ask2 });
    expect(m2.file).toMatchObject({ fileType: 'stream', fileName: '项目风险报告书-华东 OA-2026-09-29.docx' });
    expect(m2.file!.bytes.subarray(0, 2).toString()).toBe('PK');
    const text2 = squash(docxText(m2.file!.bytes));
    expect(text2).toContain('项目风险报告书');
    expect(text2).toContain(squash('华东 OA'));

    const events = await reportEvents('feishu:oc_rep');
    expect(events.map((e) => [e.itemId, e.userId, e.role, e.via])).toEqual([
      ['report:check', 'ou_member', 'member', 'reply'],
      ['report:risk', 'ou_pm', 'vendor-pm', 'reply'],
    ]);
    expect(events.map((e) => e.evidenceMessageId)).toEqual([`sha256:${sha(pdf)}`, `sha256:${sha(m2.file!.bytes)}`]);

    // 3. The English forms, in an English project: the report in English.
    await say('@bot bind project ACME OA go-live 2026-10-20', { chatId: 'oc_en', senderId: 'ou_admin' });
    const ask3 = await say('@bot report docx', { chatId: 'oc_en', senderId: 'ou_any' });
    const m3 = app.feishu.fileMessages()[2]!;
    expect(m3).toMatchObject({ kind: 'reply', messageId: ask3 });
    expect(m3.file).toMatchObject({ fileType: 'stream', fileName: 'Pre-launch check report-ACME OA-2026-09-29.docx' });
    const text3 = squash(docxText(m3.file!.bytes));
    expect(text3).toContain(squash('Pre-launch check report'));
    expect(text3).toContain(squash(ITEM_1.en));
    const ask4 = await say('@bot risk report', { chatId: 'oc_en', senderId: 'ou_any' });
    const m4 = app.feishu.fileMessages()[3]!;
    expect(m4).toMatchObject({ kind: 'reply', messageId: ask4 });
    expect(m4.file).toMatchObject({ fileType: 'pdf', fileName: 'Project risk report-ACME OA-2026-09-29.pdf' });
    expect(squash(pdfText(m4.file!.bytes))).toContain(squash('Project risk report'));
    expect((await reportEvents('feishu:oc_en')).map((e) => e.itemId)).toEqual(['report:check', 'report:risk']);

    // 4. Feishu refuses the upload (no im:resource permission): a short reply, no file message, nothing recorded.
    app.feishu.failNext((c) => c.path === '/open-apis/im/v1/files', 1, 400, {}, { code: 99991672, msg: 'Access denied. One of the following scopes is required: [im:resource]. 应用尚未开通所需的应用身份权限: https://open.feishu.cn/app/cli_a1b2c3d4e5f60718/auth' });
    await say('@bot 生成报告', { chatId: 'oc_rep', senderId: 'ou_member' });
    expect(lastReply()).toContain('报告未能上传');
    expect(lastReply()).toContain('im:resource');
    expect(lastReply()).toContain('未记入审计链');
    expect(lastReply()).not.toContain('cli_a1b2c3d4e5f60718');

    // 5. The file message is refused (the bot left the group): the same, in English.
    app.feishu.failNext((c) => c.body?.msg_type === 'file', 1, 400, {}, { code: 230002, msg: 'The bot can not be outside the group.' });
    await say('@bot risk report', { chatId: 'oc_en', senderId: 'ou_any' });
    expect(lastReply()).toContain('Report not uploaded');
    expect(lastReply()).toContain('the bot is not in this group');
    expect(app.feishu.fileMessages()).toHaveLength(4);
    expect(await reportEvents('feishu:oc_rep')).toHaveLength(2);
    expect(await reportEvents('feishu:oc_en')).toHaveLength(2);
  }, 60_000);
});
