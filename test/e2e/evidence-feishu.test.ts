import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { feishuTextEvent } from '../helpers/feishu.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('sign-off evidence through Feishu', () => {
  it('a confirm replying to a file or image message, and a rich-text confirm with an image, keep them; over-size and failed downloads are missing', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, EVIDENCE_MAX_BYTES: '4096', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const post = async (ev: ReturnType<typeof feishuTextEvent>) => {
      const res = await app.postFeishu(ev, { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const say = (text: string, o: { senderId: string; parentId?: string; rootId?: string; messageId?: string }) => post(feishuTextEvent({ text, token, chatId: 'oc_ev', ...o }));
    const lastReply = () => JSON.stringify(app.feishu.sent().filter((c) => c.kind === 'reply').at(-1)?.card);

    await say('@bot 绑定项目 ACME OA 上线日期 2026-10-20', { senderId: 'ou_admin' });
    await say('@bot 设置角色 @ou_pm 项目经理', { senderId: 'ou_admin' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const checklistId = job.results[0]!.messageId;
    // People post files and images in the checklist's thread (the bot is not asked about them).
    const plan = Buffer.from('%PDF-1.4 培训思路 signed');
    const photo = Buffer.from('\x89PNG signature photo');
    app.feishu.messages.set('om_file_plan', { chatId: 'oc_ev', msgType: 'file', content: { file_key: 'file_v2_plan', file_name: '培训方案.pdf' } });
    app.feishu.resources.set('file_v2_plan', { mime: 'application/pdf', bytes: plan, filename: 'plan.pdf' });
    app.feishu.messages.set('om_image_sig', { chatId: 'oc_ev', msgType: 'image', content: { image_key: 'img_v2_sig' } });
    app.feishu.resources.set('img_v2_sig', { mime: 'image/png', bytes: photo });
    app.feishu.messages.set('om_file_big', { chatId: 'oc_ev', msgType: 'file', content: { file_key: 'file_v2_big', file_name: 'scan.zip' } });
    app.feishu.resources.set('file_v2_big', { mime: 'application/zip', bytes: Buffer.alloc(5000, 7) });
    app.feishu.messages.set('om_file_gone', { chatId: 'oc_ev', msgType: 'file', content: { file_key: 'file_v2_gone', file_name: 'gone.docx' } });

    // 1. 确认 1 replying to the file message: GET the message, download its resource (type=file).
    await say('确认 1', { senderId: 'ou_pm', rootId: checklistId, parentId: 'om_file_plan', messageId: 'om_c1' });
    expect(lastReply()).toContain('已确认');
    expect(lastReply()).toContain(`附件:培训方案.pdf(${plan.byteLength} B,SHA-256 ${sha(plan).slice(0, 12)})`);
    expect(app.feishu.calls.some((c) => c.method === 'GET' && c.path === '/open-apis/im/v1/messages/om_file_plan/resources/file_v2_plan' && c.query.type === 'file')).toBe(true);

    // 2. 确认 2 replying to an image message (type=image).
    await say('确认 2', { senderId: 'ou_pm', rootId: checklistId, parentId: 'om_image_sig', messageId: 'om_c2' });
    expect(lastReply()).toContain(`SHA-256 ${sha(photo).slice(0, 12)}`);
    expect(app.feishu.calls.some((c) => c.path === '/open-apis/im/v1/messages/om_image_sig/resources/img_v2_sig' && c.query.type === 'image')).toBe(true);

    // 3. A rich-text (post) reply with an image and a link.
    const rich = feishuTextEvent({ text: '', token, chatId: 'oc_ev', senderId: 'ou_pm', rootId: checklistId, parentId: checklistId, messageId: 'om_post' });
    rich.event.message.message_type = 'post';
    rich.event.message.content = JSON.stringify({ title: '', content: [[{ tag: 'text', text: '确认 4 https://mail.example.com/a/9' }, { tag: 'img', image_key: 'img_v2_post' }]] });
    app.feishu.messages.set('om_post', { chatId: 'oc_ev', msgType: 'post', content: {} });
    app.feishu.resources.set('img_v2_post', { mime: 'image/jpeg', bytes: Buffer.from('jpeg bytes') });
    await post(rich);
    expect(lastReply()).toContain('已确认');
    expect(lastReply()).toContain(`SHA-256 ${sha(Buffer.from('jpeg bytes')).slice(0, 12)}`);
    expect(lastReply()).toContain('链接:https://mail.example.com/a/9');

    // 4. Over EVIDENCE_MAX_BYTES: recorded, the evidence missing and why.
    await say('确认 6', { senderId: 'ou_pm', rootId: checklistId, parentId: 'om_file_big', messageId: 'om_c6' });
    expect(lastReply()).toContain('已确认');
    expect(lastReply()).toContain('附件缺失:scan.zip(超过 4.0 KB 上限)');

    // 5. A download the platform refuses: recorded, missing with the reason.
    await say('确认 9', { senderId: 'ou_pm', rootId: checklistId, parentId: 'om_file_gone', messageId: 'om_c9' });
    expect(lastReply()).toContain('已确认');
    expect(lastReply()).toContain('附件缺失:gone.docx(下载失败:HTTP 400');

    // A confirm replying to the checklist itself reads no message.
    const gets = app.feishu.calls.filter((c) => c.method === 'GET' && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(c.path)).map((c) => c.path.split('/').at(-1));
    expect(gets).toEqual(['om_file_plan', 'om_image_sig', 'om_file_big', 'om_file_gone']);

    const store = await openLowdbStore(app.dbFile, { readOnly: true });
    const ev = await store.listEvidence('feishu:oc_ev');
    expect(ev.map((e) => [e.source, e.name, e.status, e.messageId])).toEqual([
      ['feishu-file', '培训方案.pdf', 'stored', 'om_file_plan'],
      ['feishu-image', 'img_v2_sig.png', 'stored', 'om_image_sig'],
      ['feishu-image', 'img_v2_post.png', 'stored', 'om_post'],
      ['link', 'https://mail.example.com/a/9', 'stored', 'om_post'],
      ['feishu-file', 'scan.zip', 'missing', 'om_file_big'],
      ['feishu-file', 'gone.docx', 'missing', 'om_file_gone'],
    ]);
    expect(ev[1]).toMatchObject({ mime: 'image/png', size: photo.byteLength, sha256: sha(photo) });
    expect(Buffer.from((await store.readEvidence(sha(plan)))!)).toEqual(plan);
    await store.close();
  });
});
