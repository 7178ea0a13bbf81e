import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { slackEvent } from '../helpers/slack.ts';

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const START = '2026-09-29T01:00:00Z';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('sign-off evidence through Slack', () => {
  it('a confirm sharing a file keeps it (name, size, hash in the receipt); links are kept; over-size and failed fetches are recorded as missing', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, EVIDENCE_MAX_BYTES: '4096', FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    let n = 0;
    const send = async (text: string, o: { user: string; threadTs?: string; type?: 'app_mention' | 'message'; files?: object[] }) => {
      const ev = slackEvent({ text, channel: 'C0PROJ3', user: o.user, type: o.type, threadTs: o.threadTs, ts: `1700009999.00010${++n}`, ...(o.files ? { subtype: 'file_share' } : {}) });
      const res = await app.postSlack(o.files ? { ...ev, event: { ...ev.event, files: o.files } } : ev);
      expect(res.status).toBe(200);
      await app.idle();
    };
    const lastText = () => JSON.stringify(app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)?.body.text);
    await send('@bot bind project ACME go-live 2026-10-20 tz Asia/Shanghai', { user: 'U0ADMIN' });
    await send('@bot set role <@U0PM> vendor-pm', { user: 'U0ADMIN' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const checklistTs = job.results[0]!.messageId;

    // 1. A file shared with the confirm: fetched with files.info and the bot token, kept, named in the receipt.
    const plan = Buffer.from('%PDF-1.4 training approach, signed');
    const file = app.slack.addFile('F0PLAN', { name: 'approach.pdf', mimetype: 'application/pdf', bytes: plan });
    await send('confirm 1', { user: 'U0PM', type: 'message', threadTs: checklistTs, files: [file] });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).toContain(`Attached: approach.pdf (${plan.byteLength} B, SHA-256 ${sha(plan).slice(0, 12)})`);
    const download = app.slack.calls.find((c) => c.path.startsWith('/files-pri/F0PLAN'))!;
    expect(download.headers.authorization).toBe('Bearer xoxb-slack-bot-token-TEST');
    expect(app.slack.calls.some((c) => c.path === '/api/files.info' && c.body.file === 'F0PLAN')).toBe(true);

    // 2. Links in the confirm text are link evidence; the command is still "confirm 2".
    await send('confirm 2 <https://mail.example.com/archive/42|the email> https://approve.example.com/x/7.', { user: 'U0PM', type: 'message', threadTs: checklistTs });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).toContain('Link: https://mail.example.com/archive/42');
    expect(lastText()).toContain('Link: https://approve.example.com/x/7');

    // 3. Over EVIDENCE_MAX_BYTES (4 KB here): the sign-off stands, the receipt says the evidence is missing and why; nothing is downloaded.
    const big = app.slack.addFile('F0BIG', { name: 'scan.png', mimetype: 'image/png', bytes: Buffer.alloc(5000, 1) });
    await send('confirm 4', { user: 'U0PM', type: 'message', threadTs: checklistTs, files: [big] });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).toContain('Evidence missing: scan.png (larger than the 4.0 KB limit)');
    expect(app.slack.calls.some((c) => c.path.startsWith('/files-pri/F0BIG'))).toBe(false);

    // 4. A fetch that fails (files.info: file_not_found): recorded, missing, with the reason.
    await send('confirm 6', { user: 'U0PM', type: 'message', threadTs: checklistTs, files: [{ id: 'F0GONE', name: 'gone.docx', mimetype: 'application/msword', size: 10 }] });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).toContain('Evidence missing: gone.docx (the download failed: files.info: file_not_found)');

    // The exports say what each sign-off carried: the CSV's evidence column, the API's evidence list.
    const csv = await (await fetch(`${app.url}/api/projects/slack:C0PROJ3/signoffs?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(csv.split('\r\n')[0]).toMatch(/,evidence,hash$/);
    expect(csv).toContain(`approach.pdf (sha256 ${sha(plan)})`);
    expect(csv).toContain('https://mail.example.com/archive/42; https://approve.example.com/x/7');
    expect(csv).toContain('scan.png (missing: larger than the 4.0 KB limit)');
    const api = (await (await fetch(`${app.url}/api/projects/slack:C0PROJ3/signoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { evidence: { name: string }[] };
    expect(api.evidence.map((e) => e.name)).toContain('approach.pdf');

    const store = await openLowdbStore(app.dbFile, { readOnly: true });
    const signoffs = await store.listSignoffs('slack:C0PROJ3');
    const seqOf = (item: string) => signoffs.find((e) => e.itemId === item)!.seq;
    expect(signoffs.filter((e) => e.action === 'confirm').map((e) => e.itemId)).toEqual(['training-approach-agreed', 'training-duties-agreed', 'training-session-size', 'training-docs-checked']);
    const ev = await store.listEvidence('slack:C0PROJ3');
    expect(ev).toEqual([
      expect.objectContaining({ signoffSeq: seqOf('training-approach-agreed'), source: 'slack-file', name: 'approach.pdf', mime: 'application/pdf', size: plan.byteLength, sha256: sha(plan), status: 'stored' }),
      expect.objectContaining({ signoffSeq: seqOf('training-duties-agreed'), source: 'link', url: 'https://mail.example.com/archive/42', status: 'stored' }),
      expect.objectContaining({ signoffSeq: seqOf('training-duties-agreed'), source: 'link', url: 'https://approve.example.com/x/7', status: 'stored' }),
      expect.objectContaining({ signoffSeq: seqOf('training-session-size'), source: 'slack-file', name: 'scan.png', size: 5000, status: 'missing', reason: 'larger than the 4.0 KB limit' }),
      expect.objectContaining({ signoffSeq: seqOf('training-docs-checked'), name: 'gone.docx', status: 'missing', reason: 'the download failed: files.info: file_not_found' }),
    ]);
    expect(Buffer.from((await store.readEvidence(sha(plan)))!)).toEqual(plan);
    // Each piece is its own event of the hash chain, written with its record.
    const attached = signoffs.filter((e) => e.action === 'evidence');
    expect(attached.map((e) => e.seq)).toEqual(ev.map((x) => x.auditSeq));
    expect(attached[0]).toMatchObject({ itemId: 'evidence:training-approach-agreed', userId: 'U0PM', via: 'reply', evidence: { signoffSeq: seqOf('training-approach-agreed'), name: 'approach.pdf', sha256: sha(plan), size: plan.byteLength, status: 'stored' } });
    expect(attached[3]!.evidence).toMatchObject({ name: 'scan.png', status: 'missing', reason: 'larger than the 4.0 KB limit' });
    expect(csv).toMatch(/,evidence,evidence:training-approach-agreed,.*approach\.pdf \(sha256 [0-9a-f]{64}\)/);
    await store.close();
  });

  it('"confirm n" replying in the thread to a file the same person shared there within 30 minutes takes that file; another person\'s, an older or a used one is not taken', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const C = 'C0PROJ4';
    let n = 0;
    const send = async (text: string, o: { user: string; ts?: string; threadTs?: string; type?: 'app_mention' | 'message'; files?: object[] }) => {
      const ev = slackEvent({ text, channel: C, user: o.user, type: o.type, threadTs: o.threadTs, ts: o.ts ?? `1700009000.00010${++n}`, ...(o.files ? { subtype: 'file_share' } : {}) });
      const res = await app.postSlack(o.files ? { ...ev, event: { ...ev.event, files: o.files } } : ev);
      expect(res.status).toBe(200);
      await app.idle();
    };
    /** A person shares a file into the thread, with no text: the app gets the event, conversations.replies lists it. */
    const share = async (user: string, ts: string, thread: string, file: object) => {
      app.slack.said(C, { ts, thread_ts: thread, user, text: '', files: [file] });
      await send('', { user, ts, threadTs: thread, type: 'message', files: [file] });
    };
    const lastText = () => JSON.stringify(app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)?.body.text);
    await send('@bot bind project ACME go-live 2026-10-20 tz Asia/Shanghai', { user: 'U0ADMIN' });
    await send('@bot set role <@U0PM> vendor-pm', { user: 'U0ADMIN' });
    await send('@bot set role <@U0PM2> vendor-pm', { user: 'U0ADMIN' });
    const job = (await (await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { results: { messageId: string }[] };
    const thread = job.results[0]!.messageId;
    const replies = () => app.slack.calls.filter((c) => c.path === '/api/conversations.replies').length;

    // 1. A shares the signed plan into the thread, then replies "confirm 1" a minute later: that file.
    const plan = Buffer.from('%PDF-1.4 approach, signed by A');
    await share('U0PM', '1700010000.000100', thread, app.slack.addFile('F0A', { name: 'approach-signed.pdf', mimetype: 'application/pdf', bytes: plan }));
    const sentBefore = app.slack.sent().length;
    await send('confirm 1', { user: 'U0PM', ts: '1700010060.000100', threadTs: thread, type: 'message' });
    expect(app.slack.sent().length).toBe(sentBefore + 2); // the receipt and the card update; nothing for the file message itself
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).toContain(`Attached: approach-signed.pdf (${plan.byteLength} B, SHA-256 ${sha(plan).slice(0, 12)})`);
    expect(app.slack.calls.find((c) => c.path === '/api/conversations.replies' && c.body.latest === '1700010060.000100')?.body).toMatchObject({ channel: C, ts: thread });

    // 2. B shares a file; A confirms 2: B's file is not A's evidence, and A's own is used already.
    await share('U0PM2', '1700010100.000100', thread, app.slack.addFile('F0B', { name: 'b-file.pdf', mimetype: 'application/pdf', bytes: Buffer.from('B') }));
    await send('confirm 2', { user: 'U0PM', ts: '1700010160.000100', threadTs: thread, type: 'message' });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).not.toContain('Attached');
    expect(lastText()).not.toContain('b-file.pdf');

    // 3. A shares a file, and confirms 4 thirty-one minutes later: not taken; the receipt says so.
    await share('U0PM', '1700012000.000100', thread, app.slack.addFile('F0OLD', { name: 'old-scan.pdf', mimetype: 'application/pdf', bytes: Buffer.from('old') }));
    await send('confirm 4', { user: 'U0PM', ts: String(1700012000 + 31 * 60) + '.000100', threadTs: thread, type: 'message' });
    expect(lastText()).toContain('Confirmed');
    expect(lastText()).not.toContain('Attached');
    expect(lastText()).toContain('No evidence attached: your file old-scan.pdf in this thread was shared more than 30 minutes ago');
    expect(app.slack.calls.some((c) => c.path.startsWith('/files-pri/F0OLD') || c.path.startsWith('/files-pri/F0B'))).toBe(false);
    expect(replies()).toBe(3);

    const store = await openLowdbStore(app.dbFile, { readOnly: true });
    const trail = await store.listSignoffs(`slack:${C}`);
    const one = trail.find((e) => e.itemId === 'training-approach-agreed')!;
    expect(await store.listEvidence(`slack:${C}`)).toEqual([
      expect.objectContaining({ signoffSeq: one.seq, source: 'slack-file', messageId: '1700010000.000100', name: 'approach-signed.pdf', sha256: sha(plan), size: plan.byteLength, status: 'stored' }),
    ]);
    // The confirm is the reply; the evidence event names the file message it came from.
    expect(one.evidenceMessageId).toBe('1700010060.000100');
    expect(trail.filter((e) => e.action === 'evidence')).toEqual([expect.objectContaining({ evidenceMessageId: '1700010000.000100', evidence: expect.objectContaining({ sha256: sha(plan), signoffSeq: one.seq }) })]);
    await store.close();
  });
});
