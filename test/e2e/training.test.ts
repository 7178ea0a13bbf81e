import { afterEach, describe, expect, it } from 'vitest';
import { feishuMarkdown } from '../../adapters/feishu/render.ts';
import { slackMrkdwn } from '../../adapters/slack/render.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { mdText } from '../../src/core/markdown.ts';
import { loadRulebook } from '../../src/rulebook/load.ts';
import { createCalendar } from '../../src/calendar/calendar.ts';
import { verifyChain } from '../../src/store/chain.ts';
import { openLowdbStore } from '../../src/store/lowdb.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { cliRun } from '../helpers/cli.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

// 2026-09-29 09:00 in Shanghai (a Tuesday); the sessions are in December.
const START = '2026-09-29T01:00:00Z';
const rulebook = loadRulebook('data');
const rule = rulebook.byId.get('5.2-10')!;
if (rule.kind !== 'risk') throw new Error('5.2-10 is a risk');

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});


describe('training sessions through Feishu', () => {
  it('plan in chat → over 60 refused with 5.2-10 verbatim → override → card → sign-up to capacity, waitlist → cancel moves up with a mention → list, cancel → audit trail verifies', async () => {
    // The calendar the bot uses: 12-12 is a Saturday off, 12-10 a working Thursday.
    const calendar = createCalendar({ dir: 'data/calendar' });
    expect([calendar.isWorkingDay('2026-12-10', 'Asia/Shanghai'), calendar.isWorkingDay('2026-12-12', 'Asia/Shanghai')]).toEqual([true, false]);

    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
    const chatId = 'oc_training';
    const say = async (text: string, senderId: string) => {
      const res = await app.postFeishu(feishuTextEvent({ text, token, chatId, senderId }), { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const click = async (value: object, messageId: string, userId: string) => {
      const res = await app.postFeishu(feishuCardAction({ value, token, messageId, chatId, userId }), { timestamp: ts() });
      expect(res.status).toBe(200);
      await app.idle();
    };
    const sent = () => app.feishu.sent();
    const last = (kind: 'create' | 'reply' | 'patch') => sent().filter((c) => c.kind === kind).at(-1)!;
    const lastReply = () => JSON.stringify(last('reply').card);
    const lastPost = () => JSON.stringify(last('create').card);
    const creates = () => sent().filter((c) => c.kind === 'create');

    for (const [id, name] of [['ou_pm', '张经理'], ['ou_it', '刘工'], ['ou_member', '小李'], ['ou_a', '小A'], ['ou_b', '小B'], ['ou_c', '小C']]) app.feishu.names.set(id!, name!);
    await say('@bot 绑定项目 ACME OA 上线日期 2026-12-20', 'ou_admin');
    await say('@bot 设置角色 @ou_pm 项目经理', 'ou_admin');
    await say('@bot 设置角色 @ou_it IT负责人', 'ou_admin');
    await say('@bot 接受角色', 'ou_it');
    expect(lastReply()).toContain('现在是 **IT负责人**');

    // A member may not plan training.
    await say('@bot 新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室', 'ou_member');
    expect(lastReply()).toContain('培训未创建');
    expect(lastReply()).toContain('只有项目管理员、项目经理、客户项目负责人或IT负责人可以安排培训');

    // More than 60: refused, quoting 5.2-10's problem and countermeasure from the rulebook, verbatim.
    const before = creates().length;
    await say('@bot 新建培训 12-10 14:00-16:00 中层管理 上限80 地点 三楼会议室', 'ou_pm');
    const refusal = last('reply').card;
    expect(JSON.stringify(refusal)).toContain('培训未创建');
    const refusalMd = refusal.body.elements.map((e: { content?: string }) => e.content ?? '').join('\n');
    expect(refusalMd).toContain(feishuMarkdown(mdText(rule.countermeasure.zh)));
    expect(refusalMd).toContain(feishuMarkdown(mdText(rule.problem.zh)));
    expect(refusalMd).toContain('单场培训人员控制在60人以下');
    expect(refusalMd).toContain('5.2 上线前培训准备 · 5.2-10');
    expect(refusalMd).toContain(rulebook.version);
    // An IT lead may plan but not override the limit; the refusal quotes the rule too.
    await say('@bot 新建培训 12-10 14:00-16:00 中层管理 上限80 地点 大礼堂 超额原因 全员宣贯大会,另有分场答疑', 'ou_it');
    expect(lastReply()).toContain('只能由项目管理员、项目经理或客户项目负责人注明原因覆盖');
    expect(lastReply()).toContain(feishuMarkdown(mdText(rule.countermeasure.zh)));
    expect(creates()).toHaveLength(before);

    // The PM overrides with a reason: created, the card says so.
    await say('@bot 新建培训 12-10 14:00-16:00 中层管理 上限80 地点 大礼堂 超额原因 全员宣贯大会,另有分场答疑', 'ou_pm');
    expect(creates()).toHaveLength(before + 1);
    expect(lastPost()).toContain('培训报名 #1');
    expect(lastPost()).toContain('已报名 **0/80**');
    expect(lastPost()).toContain('上限超过 60 人(5.2-10),经覆盖,原因:全员宣贯大会,另有分场答疑');
    expect(lastPost()).toContain('2026-12-10(周四)14:00–16:00');

    // A session on a Saturday off: a warning in the reply. Title and place carry markup: shown as text.
    await say('@bot 新建培训 12-12 09:00-11:00 关键用户 上限2 地点 <at id=all></at>机房 标题 审批**流程** [点我](http://evil.example) 讲师 客户', 'ou_pm');
    const card2 = last('create');
    const card2Id: string = card2.response.data.message_id;
    const card2Text = JSON.stringify(card2.card);
    expect(card2Text).toContain('培训报名 #2');
    expect(card2Text).toContain('⚠️ 2026-12-12 不是本项目日历的工作日。');
    expect(card2Text).toContain('讲师: 客户管理员');
    expect(card2Text).not.toContain('<at id=all>');
    expect(card2Text).not.toContain('](http');
    expect(card2Text).toContain(JSON.stringify(feishuMarkdown(mdText('审批**流程** [点我](http://evil.example)'))).slice(1, -1));
    expect(card2Text).toContain(JSON.stringify(feishuMarkdown(mdText('现场:<at id=all></at>机房'))).slice(1, -1));
    const signup = { type: 'training', op: 'signup', no: 2 };
    const cancel = { type: 'training', op: 'cancel', no: 2 };
    expect(card2Text).toContain(JSON.stringify(signup).slice(1, -1));
    expect(card2Text).toContain(JSON.stringify(cancel).slice(1, -1));

    // Sign-up to capacity, then the waitlist; the card is patched with the counts.
    await click(signup, card2Id, 'ou_a');
    expect(lastReply()).toContain('小A 已报名 **&#35;2 审批&#42;&#42;流程'); // Feishu markdown: # and * as character references
    expect(lastReply()).toContain('座位 1/2');
    await click(signup, card2Id, 'ou_b');
    expect(lastReply()).toContain('座位 2/2');
    await click(signup, card2Id, 'ou_c');
    expect(lastReply()).toContain('已满员,已进入候补');
    expect(lastReply()).toContain('小C 在候补第 **1** 位');
    const patched = last('patch');
    expect(patched.messageId).toBe(card2Id);
    expect(JSON.stringify(patched.card)).toContain('已报名 **2/2** · 候补 **1**(已满员,报名进入候补)');
    expect(JSON.stringify(patched.card)).toContain('已报名: 小A、小B');
    expect(JSON.stringify(patched.card)).toContain('候补: 小C');
    // The same person again (later than a double click) changes nothing.
    clock.advance(10_000);
    await click(signup, card2Id, 'ou_b');
    expect(lastReply()).toContain('小B 已报名');

    // A cancel frees the seat: the first waiting moves up and is told, with a mention the bot builds.
    clock.advance(10_000);
    await click(cancel, card2Id, 'ou_a');
    const replies = sent().filter((c) => c.kind === 'reply').slice(-2).map((c) => JSON.stringify(c.card));
    expect(replies[0]).toContain('小A 已取消报名');
    expect(replies[1]).toContain('候补递补成功');
    expect(replies[1]).toContain('<at id=ou_c></at> 有人取消了报名,你已从候补递补为');
    expect(replies[1]).toContain('座位 2/2');
    expect(JSON.stringify(last('patch').card)).toContain('已报名 **2/2** · 候补 **0**');
    expect(JSON.stringify(last('patch').card)).toContain('已报名: 小B、小C');

    // The list, and a cancellation announced to who had signed up.
    await say('@bot 培训列表', 'ou_member');
    expect(lastReply()).toContain(feishuMarkdown('**\\#1** 2026-12-10(周四)14:00–16:00 中层管理培训 · 中层管理 · 现场:大礼堂 · 0/80'));
    expect(lastReply()).toMatch(/\*\*&#35;2\*\* 2026-12-12\(周六\)09:00–11:00 审批.*· 2\/2/);
    await say('@bot 取消培训 2', 'ou_member');
    expect(lastReply()).toContain('培训未取消');
    await say('@bot 取消培训 2', 'ou_pm');
    expect(lastPost()).toContain('培训已取消 #2');
    expect(lastPost()).toContain('<at id=ou_b></at> <at id=ou_c></at>');
    await click(signup, card2Id, 'ou_member');
    expect(lastReply()).toContain('不能报名');
    expect(lastReply()).toContain('已取消');

    // The audit trail: every action, in order, chained; 签字记录 and `audit verify` say it holds.
    const trail = await cliRun(app.env, ['signoffs', '--project', `feishu:${chatId}`, '--json']);
    expect(trail.code).toBe(0);
    const events = JSON.parse(trail.out) as { action: string; userId: string; subjectId?: string; detail?: string; itemId: string }[];
    expect(events.map((e) => `${e.action} ${e.userId}${e.subjectId && e.action.startsWith('training') ? ` → ${e.subjectId}` : ''}`)).toEqual([
      'role-grant ou_admin',
      'role-nominate ou_admin',
      'role-accept ou_it',
      'training-create ou_pm',
      'training-override ou_pm',
      'training-create ou_pm',
      'training-signup ou_a',
      'training-signup ou_b',
      'training-waitlist ou_c',
      'training-unsignup ou_a',
      'training-moveup ou_a → ou_c',
      'training-cancel ou_pm',
    ]);
    expect(events[4]).toMatchObject({ itemId: 'training:1', detail: '上限 80 人(超过 60 人),原因:全员宣贯大会,另有分场答疑' });
    expect(events[8]).toMatchObject({ itemId: 'training:2', detail: '候补第 1 位' });
    const verify = await cliRun(app.env, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain(`feishu:${chatId}: 12 events, chain intact`);
    await say('@bot 签字记录', 'ou_member');
    expect(lastReply()).toContain(feishuMarkdown('张经理 (项目经理) 超额覆盖 \\#1 中层管理培训 · 12-10 14:00–16:00 · 上限 80 人(超过 60 人),原因:全员宣贯大会,另有分场答疑'));
    expect(lastReply()).toContain(feishuMarkdown('小A (成员) 候补递补 \\#2'));
    expect(lastReply()).toContain('审计链完整:12 条记录');

    const store = await openLowdbStore(app.dbFile, { readOnly: true }); // the app still holds it
    expect(verifyChain(`feishu:${chatId}`, await store.listSignoffs(`feishu:${chatId}`)).ok).toBe(true);
    expect((await store.getSession(`feishu:${chatId}`, 2))).toMatchObject({ cancelled: true, signedUp: ['ou_b', 'ou_c'], waitlist: [] });
    await store.close();
  });
});

describe('training sessions through Slack, in English', () => {
  it('new training, refused above 60 with the rule, override, trainings, sign-up by button', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const channel = 'C0TRAIN';
    const send = async (text: string, user: string) => {
      const res = await app.postSlack(slackEvent({ text, channel, user }));
      expect(res.status).toBe(200);
      await app.idle();
    };
    const last = () => app.slack.sent().at(-1)!;
    const lastText = () => JSON.stringify(last().blocks);

    await send('@bot bind project Rollout go-live 2026-12-20 tz Asia/Shanghai', 'U0ADMIN');
    await send('@bot new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3', 'U0ADMIN');
    const card = last();
    expect(card.api).toBe('chat.postMessage');
    expect(card.body.thread_ts).toBeUndefined(); // announced in the channel
    expect(lastText()).toContain('Training sign-up #1');
    expect(lastText()).toContain('on site: Room 3');
    expect(lastText()).toContain('Signed up *0/40*');

    await send('@bot new training 12-11 10:00-11:00 staff cap 70 link https://meet.example.com/j/1', 'U0ADMIN');
    expect(lastText()).toContain('Session not created');
    expect(lastText()).toContain(slackMrkdwn(mdText(rule.countermeasure.en)));
    expect(lastText()).toContain(slackMrkdwn(mdText(`Original (zh): ${rule.countermeasure.zh}`)));
    await send('@bot new training 12-11 10:00-11:00 staff cap 70 link https://meet.example.com/j/1 override town hall, questions answered in follow-up sessions', 'U0ADMIN');
    expect(lastText()).toContain('Training sign-up #2');
    expect(lastText()).toContain('video meeting: https://meet.example.com/j/1');
    expect(lastText()).toContain('reason: town hall, questions answered in follow-up sessions');

    await send('@bot trainings', 'U0MEMBER');
    expect(lastText()).toContain('*#1* 2026-12-10 (Thu) 14:00–16:00 Training for middle managers');
    expect(lastText()).toContain('*#2* 2026-12-11 (Fri) 10:00–11:00 Training for staff');

    const value = card.blocks.flatMap((b: { type: string; elements?: { value?: string }[] }) => (b.type === 'actions' ? b.elements! : [])).map((e: { value?: string }) => e.value).find((v: string | undefined) => v?.includes('"signup"')) as string;
    expect(JSON.parse(value)).toEqual({ type: 'training', op: 'signup', no: 1 });
    await app.postSlack(slackAction({ value, messageTs: card.body.ts ?? card.response?.ts, channel, user: 'U0MEMBER' }));
    await app.idle();
    const reply = app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)!;
    expect(JSON.stringify(reply.blocks)).toContain('signed up for *#1 Training for middle managers*');
    const update = app.slack.sent().filter((c) => c.api === 'chat.update').at(-1)!;
    expect(JSON.stringify(update.blocks)).toContain('Signed up *1/40*');
  });
});
