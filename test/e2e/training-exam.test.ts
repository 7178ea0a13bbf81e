import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { cliRun } from '../helpers/cli.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

/**
 * Exams (issue 15, third slice) end to end through fake Feishu with a fake clock: a session,
 * check-ins, 开始考试 posts the questions as buttons (no key), answers by button (changed once),
 * one who did not check in refused, 结束考试 scores against the bank's pass mark, 考试成绩 shows
 * all to the PM and one's own to a participant; training-exam events in a trail that verifies.
 */

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const SH = (local: string) => new Date(`${local}:00+08:00`);
const EVIL = '**粗体** <at id=all></at> [点我](http://evil.example)';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('training exam through Feishu', () => {
  it('start → answers by button → end with scores → results (all for the PM, own for others) → trail verifies', async () => {
    const clock = fixedClock('2026-12-01T01:00:00Z');
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const chatId = 'oc_exam';
    const projectId = `feishu:${chatId}`;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const say = async (text: string, senderId: string) => {
      expect((await app.postFeishu(feishuTextEvent({ text, token, chatId, senderId }), { timestamp: ts() })).status).toBe(200);
      await app.idle();
    };
    const click = async (value: object, messageId: string, userId: string) => {
      expect((await app.postFeishu(feishuCardAction({ value, token, messageId, chatId, userId }), { timestamp: ts() })).status).toBe(200);
      await app.idle();
    };
    const sent = () => app.feishu.sent();
    const lastReply = () => JSON.stringify(sent().filter((c) => c.kind === 'reply').at(-1)!.card);
    const posts = (title: string) => sent().filter((c) => c.kind === 'create' && JSON.stringify(c.card).includes(title));
    for (const [id, name] of [['ou_pm', '张经理'], ['ou_a', `小A${EVIL}`], ['ou_b', '小B'], ['ou_x', '小X']] as const) app.feishu.names.set(id, name);

    await say('@bot 绑定项目 ACME OA 上线日期 2026-12-20', 'ou_admin');
    await say('@bot 设置角色 @ou_pm 项目经理', 'ou_admin');
    await say('@bot 新建培训 12-10 14:00-16:00 普通员工 上限10 地点 三楼会议室', 'ou_pm');
    const cardId: string = posts('培训报名 #1')[0]!.response.data.message_id;
    for (const u of ['ou_a', 'ou_b']) await click({ type: 'training', op: 'signup', no: 1 }, cardId, u);

    await say('@bot 开始考试 1', 'ou_pm');
    expect(lastReply()).toContain('还没有开始');
    clock.set(SH('2026-12-10T13:55'));
    for (const u of ['ou_a', 'ou_b']) await click({ type: 'training', op: 'checkin', no: 1 }, cardId, u);
    clock.set(SH('2026-12-10T15:40'));
    await say('@bot 开始考试 1', 'ou_a');
    expect(lastReply()).toContain('只有');
    await say('@bot 开始考试 1', 'ou_pm');
    const exam = posts('考试 · 培训 #1');
    expect(exam).toHaveLength(1);
    const examText = JSON.stringify(exam[0]!.card);
    expect(examText).toContain('示例题库');
    // Posted to those who take it: the two who checked in are mentioned, nobody else.
    expect(examText).toContain('<at id=ou_a></at>');
    expect(examText).toContain('<at id=ou_b></at>');
    expect(examText).not.toContain('<at id=ou_x></at>');
    expect(examText).toContain(JSON.stringify({ type: 'training', op: 'answer', no: 1, q: 0, c: 0 }).slice(1, -1));
    expect(examText).not.toContain('"answer":');
    const examId: string = exam[0]!.response.data.message_id;
    const answer = (q: number, c: number, u: string) => click({ type: 'training', op: 'answer', no: 1, q, c }, examId, u);

    // Only the person answering sees the receipt: Feishu's 仅特定人可见 card, to them, in the group.
    const lastPrivate = (userId: string) => {
      const mine = app.feishu.ephemeral().filter((e) => e.userId === userId && e.chatId === chatId);
      return JSON.stringify(mine.at(-1)?.card);
    };
    const repliesBefore = sent().filter((c) => c.kind === 'reply').length;
    // ou_a: a wrong first answer changed, then all right (A B B A A); ou_b: two right of five.
    await answer(0, 2, 'ou_a');
    expect(lastPrivate('ou_a')).toContain('答了第 1 题');
    expect(lastPrivate('ou_a')).not.toContain('<at id=all>');
    await answer(0, 0, 'ou_a');
    expect(lastPrivate('ou_a')).toContain('改了第 1 题');
    for (const [q, c] of [[1, 1], [2, 1], [3, 0], [4, 0]]) await answer(q!, c!, 'ou_a');
    for (const [q, c] of [[0, 0], [1, 1], [2, 0]]) await answer(q!, c!, 'ou_b');
    await answer(0, 0, 'ou_x');
    expect(lastPrivate('ou_x')).toContain('的人参加考试');
    // Nothing of the answering reached the group.
    expect(sent().filter((c) => c.kind === 'reply')).toHaveLength(repliesBefore);

    await say('@bot 考试成绩 1', 'ou_pm');
    expect(lastPrivate('ou_pm')).toContain('结束后才有成绩');
    await say('@bot 结束考试 1', 'ou_pm');
    // The group sees the counts only; whoever ended it gets every score, privately.
    const results = JSON.stringify(posts('考试成绩 · 培训 #1').at(-1)!.card);
    expect(results).toContain('2 人作答,**1** 人通过');
    expect(results).not.toContain('5/5');
    expect(results).not.toContain('2/5');
    const all = lastPrivate('ou_pm');
    expect(all).toContain('5/5(100%) 通过');
    expect(all).toContain('2/5(40%) 未通过');
    expect(all).not.toContain('<at id=all>');
    expect(all).not.toContain('](http');
    await answer(1, 0, 'ou_b');
    expect(lastPrivate('ou_b')).toContain('考试已经结束');
    await say('@bot 考试成绩 1', 'ou_b');
    expect(lastPrivate('ou_b')).toContain('2/5(40%)');
    expect(lastPrivate('ou_b')).not.toContain('5/5');

    // The training report: the session's counts, the exam, the rules the plan keeps or not.
    await say('@bot 培训报告', 'ou_b');
    const report = lastReply();
    expect(report).toContain('培训报告 · ACME OA');
    expect(report).toContain('**合计** 1 场(已开始 1)· 报名 2 · 签到 2 · 坚持到最后 0(0%) · 考试通过 1/2(50%)');
    expect(report).toContain('报名 2/10 · 签到 2 · 坚持到最后 0 · 考试通过 1/2');
    expect(report).toContain('普通员工 1 场 · 2/2/0');
    expect(report).toContain('5.2-10: ✅ 1 场培训,最大一场 10 人(不超过60人)');
    expect(report).toContain('5.2-15: ⚠️ 尚未安排高层领导和中层管理的培训场次');
    expect(report).toContain('5.3-5: ⚠️ 第 1 场员工培训没有客户管理人员在场');
    // ... and under the checklist items those rules are behind, on the daily card.
    const job = await fetch(`${app.url}/admin/jobs/daily-checklists`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(job.status).toBe(200);
    const daily = JSON.stringify(posts('上线准备清单').at(-1)!.card);
    expect(daily).toContain('每场培训人数不超过60人');
    expect(daily).toContain('📊 ✅ 1 场培训,最大一场 10 人(不超过60人)');
    expect(daily).toContain('📊 ⚠️ 尚未安排高层领导和中层管理的培训场次');

    // The go-live criterion: set by those who plan training, audited, shown under 5.3-3's item.
    await say('@bot 设置培训目标 50% 普通员工', 'ou_b');
    expect(lastReply()).toContain('可以设置培训目标');
    await say('@bot 设置培训目标 50% 普通员工', 'ou_pm');
    expect(lastReply()).toContain('培训目标已设置');
    expect(lastReply()).toContain('⚠️ 培训目标:受邀员工 50% 完成培训并通过考试,当前 0%(0/2)');
    // Today's card went out already: the checklist asked for now shows it.
    await say('@bot 清单', 'ou_pm');
    expect(JSON.stringify(sent().filter((c) => JSON.stringify(c.card).includes('上线准备清单')).at(-1)!.card)).toContain('📊 ⚠️ 培训目标:受邀员工 50% 完成培训并通过考试,当前 0%(0/2)');

    // A retake (补考) for those who did not pass: ou_a passed and is refused; ou_b passes now; each person's best counts.
    await say('@bot 补考 1', 'ou_b');
    expect(lastReply()).toContain('补考未开始');
    await say('@bot 补考 1', 'ou_pm');
    const retake = posts('考试 · 培训 #1').at(-1)!;
    expect(JSON.stringify(retake.card)).toContain('开始了补考(第 2 次)');
    // Posted to those who retake it: ou_b, not ou_a who passed.
    expect(JSON.stringify(retake.card)).toContain('<at id=ou_b></at>');
    expect(JSON.stringify(retake.card)).not.toContain('<at id=ou_a></at>');
    const retakeId: string = retake.response.data.message_id;
    await click({ type: 'training', op: 'answer', no: 1, q: 0, c: 0 }, retakeId, 'ou_a');
    expect(lastPrivate('ou_a')).toContain('补考只给没通过的人');
    for (const [q, c] of [[0, 0], [1, 1], [2, 1], [3, 0], [4, 0]]) await click({ type: 'training', op: 'answer', no: 1, q, c }, retakeId, 'ou_b');
    await say('@bot 结束考试 1', 'ou_pm');
    const after = JSON.stringify(posts('考试成绩 · 培训 #1').at(-1)!.card);
    expect(after).toContain('2 人作答,**2** 人通过');
    expect(after).toContain('含 1 次补考');
    await say('@bot 考试成绩 1', 'ou_a');
    expect(lastPrivate('ou_a')).toContain('5/5(100%) 通过');
    await say('@bot 培训报告', 'ou_pm');
    expect(lastReply()).toContain('考试通过 2/2');

    // A recorded video: no room, no check-in; 已观看 (the button, or typed) from its start, and the watchers take the exam.
    await say('@bot 新建培训 12-11 09:00-10:00 普通员工 上限10 录播 https://video.example.com/v/9', 'ou_pm');
    const recId: string = posts('培训报名 #2')[0]!.response.data.message_id;
    expect(JSON.stringify(posts('培训报名 #2')[0]!.card)).toContain(JSON.stringify({ type: 'training', op: 'watched', no: 2 }).slice(1, -1));
    await click({ type: 'training', op: 'watched', no: 2 }, recId, 'ou_a');
    expect(lastReply()).toContain('起开放');
    clock.set(SH('2026-12-11T20:00'));
    await click({ type: 'training', op: 'watched', no: 2 }, recId, 'ou_a');
    expect(lastReply()).toContain('已记为看过录播');
    expect(lastReply()).toContain('未报名,也记入');
    await say('@bot 已观看 2', 'ou_a');
    expect(lastReply()).toContain('没有变化');
    await say('@bot 签到 2', 'ou_b');
    expect(lastReply()).toContain('录播视频,不签到');
    await say('@bot 开始考试 2', 'ou_pm');
    const exam2Id: string = posts('考试 · 培训 #2')[0]!.response.data.message_id;
    await click({ type: 'training', op: 'answer', no: 2, q: 0, c: 0 }, exam2Id, 'ou_a');
    expect(lastPrivate('ou_a')).toContain('答了第 1 题');
    await click({ type: 'training', op: 'answer', no: 2, q: 0, c: 0 }, exam2Id, 'ou_b');
    expect(lastPrivate('ou_b')).toContain('只有看过录播培训 &#35;2 的人');
    await say('@bot 签到情况 2', 'ou_pm');
    await say('@bot 培训报告', 'ou_pm');
    expect(lastReply()).toContain('远程:视频会议 0 场、录播 1 场,签到 1');

    const trail = await cliRun(app.env, ['signoffs', '--project', projectId, '--json']);
    const events = JSON.parse(trail.out) as { action: string; userId: string; detail?: string }[];
    expect(events.filter((e) => e.action === 'training-exam').map((e) => `${e.userId} ${e.detail}`)).toEqual([
      'ou_pm 开始考试:题库 oa-basics,5 题,及格线 60%',
      'ou_pm 考试结束:题库 oa-basics,2 人作答,1 人通过(及格线 60%)',
      'ou_pm 补考(第 2 次):题库 oa-basics,及格线 60%',
      'ou_pm 考试结束:题库 oa-basics,1 人作答,1 人通过(及格线 60%)',
      'ou_pm 开始考试:题库 oa-basics,5 题,及格线 60%',
    ]);
    expect(events.filter((e) => e.action === 'training-goal').map((e) => `${e.userId} ${e.detail}`)).toEqual(['ou_pm 培训目标:普通员工 50%']);
    expect(events.filter((e) => e.action === 'training-checkin' && e.detail?.startsWith('已观看')).map((e) => `${e.userId} ${e.detail}`)).toEqual(['ou_a 已观看录播,未报名']);
    const verify = await cliRun(app.env, ['audit', 'verify']);
    expect(verify.code).toBe(0);
  }, 60_000);
});

describe('training exam through Slack, in English', () => {
  it('answers by button get an ephemeral receipt for the one answering; the scores go to each privately, the channel sees the counts', async () => {
    const clock = fixedClock('2026-12-01T01:00:00Z');
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const channel = 'C0EXAM';
    const send = async (text: string, user: string) => {
      expect((await app.postSlack(slackEvent({ text, channel, user }))).status).toBe(200);
      await app.idle();
    };
    const valueOf = (blocks: { type: string; elements?: { value?: string }[] }[], op: string) =>
      blocks.flatMap((b) => (b.type === 'actions' ? b.elements! : [])).map((e) => e.value).find((v) => v?.includes(`"${op}"`)) as string;
    const press = async (value: string, messageTs: string, user: string) => {
      expect((await app.postSlack(slackAction({ value, messageTs, channel, user }))).status).toBe(200);
      await app.idle();
    };
    const posted = (title: string) => app.slack.sent().filter((c) => c.api === 'chat.postMessage' && JSON.stringify(c.blocks).includes(title));
    const ephemeralTo = (user: string) => app.slack.sent().filter((c) => c.api === 'chat.postEphemeral' && c.body.user === user);

    await send('@bot bind project Rollout go-live 2026-12-20 tz Asia/Shanghai', 'U0ADMIN');
    await send('@bot new training 12-10 14:00-16:00 staff cap 10 at Room 3', 'U0ADMIN');
    const card = posted('Training sign-up #1')[0]!;
    const cardTs = card.response?.ts as string;
    clock.set(new Date('2026-12-10T13:55:00+08:00'));
    for (const u of ['U0A', 'U0B']) await press(valueOf(card.blocks, 'checkin'), cardTs, u);
    clock.set(new Date('2026-12-10T15:40:00+08:00'));
    await send('@bot start exam 1', 'U0ADMIN');
    const exam = posted('Exam · session #1')[0]!;
    const examTs = exam.response?.ts as string;
    const answer = (q: number, c: number) => JSON.stringify({ type: 'training', op: 'answer', no: 1, q, c });
    const before = app.slack.sent().filter((c) => c.api === 'chat.postMessage').length;
    for (const [q, c] of [[0, 0], [1, 1], [2, 1], [3, 0], [4, 0]]) await press(answer(q!, c!), examTs, 'U0A');
    await press(answer(0, 1), examTs, 'U0B');
    // Receipts to each, in the exam's channel and thread, and nothing new in the channel.
    expect(ephemeralTo('U0A')).toHaveLength(5);
    expect(ephemeralTo('U0A')[0]!.body).toMatchObject({ channel, user: 'U0A' });
    expect(JSON.stringify(ephemeralTo('U0A')[0]!.blocks)).toContain('question 1');
    expect(ephemeralTo('U0B')).toHaveLength(1);
    expect(app.slack.sent().filter((c) => c.api === 'chat.postMessage')).toHaveLength(before);

    await send('@bot end exam 1', 'U0ADMIN');
    const results = JSON.stringify(posted('Exam results · session #1').at(-1)!.blocks);
    expect(results).toContain('2 answered, *1* passed');
    expect(results).not.toContain('5/5');
    expect(JSON.stringify(ephemeralTo('U0ADMIN').at(-1)!.blocks)).toContain('5/5 (100%) passed');
    await send('@bot exam results 1', 'U0B');
    const own = JSON.stringify(ephemeralTo('U0B').at(-1)!.blocks);
    expect(own).toContain('0/5 (0%) not passed');
    expect(own).not.toContain('5/5');
  }, 60_000);
});
