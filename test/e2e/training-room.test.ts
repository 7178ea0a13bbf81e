import { afterEach, describe, expect, it } from 'vitest';
import { feishuMarkdown } from '../../adapters/feishu/render.ts';
import { slackMrkdwn } from '../../adapters/slack/render.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { mdText } from '../../src/core/markdown.ts';
import { loadRulebook } from '../../src/rulebook/load.ts';
import { checkInCode } from '../../src/training/code.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { cliRun } from '../helpers/cli.ts';
import { feishuCardAction, feishuTextEvent } from '../helpers/feishu.ts';
import { slackAction, slackEvent } from '../helpers/slack.ts';

/**
 * In the room (issue 15, second slice), end to end through the fake platforms with a fake clock:
 * reminders the day before and an hour before (once), check-in refused before its window and
 * accepted in it, the room's code (missing, wrong, right), walk-ins, the 5.3-5 warning at
 * start+15 (once, quoting the rulebook), the second check, the attendance with who signed in and
 * left, every step in the audit trail whose chain verifies.
 */

const ADMIN_TOKEN = 'admin-token-TEST-1234-0123456789abcdef';
const CODE_SECRET = 'training-code-secret-TEST-0123456789';
// 2026-12-01 09:00 in Shanghai (a Tuesday); the session is Thursday 12-10 14:00–16:00.
const START = '2026-12-01T01:00:00Z';
const SH = (local: string) => new Date(`${local}:00+08:00`);
const rulebook = loadRulebook('data');
const r535 = rulebook.byId.get('5.3-5')!;
if (r535.kind !== 'risk') throw new Error('5.3-5 is a risk');

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});


// eslint-disable-next-line @typescript-eslint/no-explicit-any
const runNotices = async (app: TestApp): Promise<any> => {
  const res = await fetch(`${app.url}/admin/jobs/training-notices`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.json();
};

describe('training in the room through Feishu', () => {
  it('reminders once → check-in window → code missing, wrong, right → walk-in → 5.3-5 warning once → second check → who signed in and left → trail verifies', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, TRAINING_CODE_SECRET: CODE_SECRET, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' } });
    const app = t;
    const token = app.env.FEISHU_VERIFICATION_TOKEN;
    const chatId = 'oc_room';
    const projectId = `feishu:${chatId}`;
    const ts = () => Math.floor(clock.now().getTime() / 1000);
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
    const lastReply = () => JSON.stringify(sent().filter((c) => c.kind === 'reply').at(-1)!.card);
    const posts = (title: string) => sent().filter((c) => c.kind === 'create' && JSON.stringify(c.card).includes(title));
    const typed: string[] = [];
    const code = () => {
      const c = checkInCode(CODE_SECRET, `${projectId}#1`, clock.now());
      typed.push(c);
      return c;
    };
    const EVIL = '**粗体** <at id=all></at> [点我](http://evil.example)';

    const people: [string, string][] = [['ou_pm', '张经理'], ['ou_lead', '王总'], ['ou_it', '刘工'], ['ou_a', `小A${EVIL}`], ['ou_b', '小B'], ['ou_c', '小C'], ['ou_d', '小D']];
    for (const [id, name] of people) app.feishu.names.set(id, name);
    await say('@bot 绑定项目 ACME OA 上线日期 2026-12-20', 'ou_admin');
    await say('@bot 设置角色 @ou_pm 项目经理', 'ou_admin');
    await say('@bot 设置角色 @ou_lead 客户项目负责人', 'ou_pm');
    await say('@bot 接受角色', 'ou_lead');
    await say('@bot 设置角色 @ou_it IT负责人', 'ou_pm');
    await say('@bot 接受角色', 'ou_it');
    expect(lastReply()).toContain('现在是 **IT负责人**');

    // A staff session on site that needs the room's code; its title carries markup (shown as text).
    await say(`@bot 新建培训 12-10 14:00-16:00 普通员工 上限10 地点 三楼会议室 标题 报销${EVIL} 签到码 必须`, 'ou_pm');
    const card = posts('培训报名 #1')[0]!;
    const cardId: string = card.response.data.message_id;
    const cardText = JSON.stringify(card.card);
    expect(cardText).toContain('✅ 签到 12-10 13:45–14:30 · 课堂确认 12-10 15:50–16:05 · 🔢 需要讲师屏幕上的签到码');
    expect(cardText).not.toContain('<at id=all>');
    expect(cardText).not.toContain('](http');
    const checkin = { type: 'training', op: 'checkin', no: 1 };
    const here = { type: 'training', op: 'here', no: 1 };
    expect(cardText).toContain(JSON.stringify(checkin).slice(1, -1));
    expect(cardText).toContain(JSON.stringify(here).slice(1, -1));
    for (const u of ['ou_a', 'ou_b', 'ou_c']) await click({ type: 'training', op: 'signup', no: 1 }, cardId, u);
    expect(lastReply()).toContain('座位 3/10');

    // The code page's address, never the code, in the chat.
    await say('@bot 签到码 1', 'ou_pm');
    expect(lastReply()).toContain(`/training/${encodeURIComponent(projectId)}/1/code`);
    expect(lastReply()).not.toContain(code());

    // Nothing due yet; then the day before (Wednesday 12-09) at the posting time, once however often the job runs.
    expect((await runNotices(app)).results).toEqual([]);
    clock.set(SH('2026-12-09T08:59'));
    expect((await runNotices(app)).results).toEqual([]);
    clock.set(SH('2026-12-09T09:00'));
    await runNotices(app);
    await runNotices(app);
    clock.set(SH('2026-12-09T15:00'));
    await runNotices(app);
    const dayBefore = posts('培训提醒 #1');
    expect(dayBefore).toHaveLength(1);
    const dayText = JSON.stringify(dayBefore[0]!.card);
    expect(dayText).toContain('培训提醒 #1:12-10 开课');
    expect(dayText).toContain('<at id=ou_a></at> <at id=ou_b></at> <at id=ou_c></at>');
    expect(dayText).not.toContain('<at id=all>');
    expect(dayText).toContain(JSON.stringify({ type: 'training', op: 'cancel', no: 1 }).slice(1, -1));

    // An hour before: the second reminder, with the check-in buttons; once.
    clock.set(SH('2026-12-10T13:00'));
    await runNotices(app);
    await runNotices(app);
    const reminders = posts('培训提醒 #1');
    expect(reminders).toHaveLength(2);
    const hourText = JSON.stringify(reminders[1]!.card);
    expect(hourText).toContain('一小时后开始');
    expect(hourText).toContain(JSON.stringify(checkin).slice(1, -1));
    const hourId: string = reminders[1]!.response.data.message_id;

    // Before the window: refused, with the window's times.
    clock.set(SH('2026-12-10T13:40'));
    await click(checkin, hourId, 'ou_a');
    expect(lastReply()).toContain('不能签到');
    expect(lastReply()).toContain('签到时间:12-10 13:45–14:30;课堂确认时间:12-10 15:50–16:05');

    // In the window: a click cannot carry the code, so it asks for it; a wrong one is refused; the right one is taken.
    clock.set(SH('2026-12-10T13:50'));
    await click(checkin, cardId, 'ou_a');
    expect(lastReply()).toContain('需要讲师屏幕上的签到码:请发「签到 1 签到码」');
    const wrong = String((Number(code()) + 5000) % 10_000).padStart(4, '0');
    await say(`@bot 签到 1 ${wrong}`, 'ou_a');
    expect(lastReply()).toContain('签到码不对或已过期');
    clock.advance(20_000);
    await say(`@bot 签到 1 ${code()}`, 'ou_a');
    expect(lastReply()).toContain('签到成功');
    expect(lastReply()).toContain('在 13:50 签到');
    expect(lastReply()).toContain('已报名');
    expect(lastReply()).toContain('签到码正确');
    expect(lastReply()).not.toContain('<at id=all>');
    await say(`@bot 签到 1 ${code()}`, 'ou_a');
    expect(lastReply()).toContain('已签到');
    // Without a number: the one session open now. A walk-in is taken and marked.
    clock.set(SH('2026-12-10T14:02'));
    await say(`@bot 签到 1 ${code()}`, 'ou_b');
    await say(`@bot 签到 1 ${code()}`, 'ou_d');
    expect(lastReply()).toContain('未报名,记为现场参加');

    // 14:15: no customer-side manager has checked in (5.3-5): the vendor PM and the customer's lead are told, once.
    clock.set(SH('2026-12-10T14:15'));
    await runNotices(app);
    await runNotices(app);
    const warnings = posts('5.3-5 提醒');
    expect(warnings).toHaveLength(1);
    const warnMd = warnings[0]!.card.body.elements.map((e: { content?: string }) => e.content ?? '').join('\n');
    expect(warnMd).toContain('开始已 15 分钟,还没有客户方管理人员');
    expect(warnMd).toContain('项目经理 <at id=ou_pm></at>');
    expect(warnMd).toContain('客户项目负责人 <at id=ou_lead></at>');
    expect(warnMd).toContain(feishuMarkdown(mdText(r535.problem.zh)));
    expect(warnMd).toContain(feishuMarkdown(mdText(r535.countermeasure.zh)));
    expect(warnMd).toContain('务必建议客户至少每场培训,IT部管理领导需要在现场');
    expect(warnMd).not.toContain('<at id=all>');
    // The IT lead arrives and checks in (by command, with the code): counted as the manager.
    clock.set(SH('2026-12-10T14:20'));
    await say(`@bot 签到 ${code()}`, 'ou_it'); // the code without the number: the one session open now
    expect(lastReply()).toContain('签到成功');
    expect(lastReply()).toContain('客户方管理人员在场(5.3-5)');

    // The second check: not before its window; then with the code; not for someone who never checked in.
    clock.set(SH('2026-12-10T15:40'));
    await say(`@bot 确认在场 1 ${code()}`, 'ou_a');
    expect(lastReply()).toContain('不能课堂确认');
    clock.set(SH('2026-12-10T15:55'));
    await click(here, cardId, 'ou_a');
    expect(lastReply()).toContain('课堂确认需要讲师屏幕上的签到码');
    await say(`@bot 确认在场 1 ${code()}`, 'ou_a');
    expect(lastReply()).toContain('课堂确认成功');
    await say(`@bot 确认在场 1 ${code()}`, 'ou_d');
    await say(`@bot 确认在场 1 ${code()}`, 'ou_it');
    await say(`@bot 确认在场 1 ${code()}`, 'ou_c');
    expect(lastReply()).toContain('你没有签到培训 &#35;1');

    // After the second check: who stayed, who signed in and left (ou_b), who never came (ou_c).
    clock.set(SH('2026-12-10T16:10'));
    await runNotices(app);
    await say('@bot 签到情况 1', 'ou_pm');
    const att = lastReply();
    expect(att).toContain('签到情况 #1');
    expect(att).toContain('签到 **4** 人(其中未报名 2 人)· 课堂确认 **3** 人');
    expect(att).toMatch(/签到后离开\(5\.3-5\)\*\*: 小B/);
    expect(att).toContain('报名未签到: 小C');
    expect(att).toContain('客户方管理人员在场(5.3-5):刘工');
    expect(att).not.toContain('<at id=all>');
    expect(att).not.toContain('](http');

    // The trail: reminders, check-ins, the warning and the second checks, in order, by whom; typed codes kept out.
    const trail = await cliRun(app.env, ['signoffs', '--project', projectId, '--json']);
    const events = JSON.parse(trail.out) as { action: string; userId: string; role: string; via: string; detail?: string; text: string }[];
    const room = events.filter((e) => ['training-remind', 'training-checkin', 'training-warn', 'training-secondcheck'].includes(e.action));
    expect(room.map((e) => `${e.action} ${e.userId}`)).toEqual([
      'training-remind bot',
      'training-remind bot',
      'training-checkin ou_a',
      'training-checkin ou_b',
      'training-checkin ou_d',
      'training-warn bot',
      'training-checkin ou_it',
      'training-secondcheck ou_a',
      'training-secondcheck ou_d',
      'training-secondcheck ou_it',
    ]);
    expect(room[0]).toMatchObject({ role: 'bot', via: 'schedule', detail: '提前一天提醒,提及 3 人', text: '[schedule] training remind-day 1' });
    expect(room[5]).toMatchObject({ role: 'bot', via: 'schedule', detail: expect.stringContaining('5.3-5') });
    expect(room[2]).toMatchObject({ detail: '签到,已报名,凭签到码', text: '签到 1 ****' });
    expect(room[4]).toMatchObject({ detail: '签到,未报名(现场加入),凭签到码' });
    expect(room[6]).toMatchObject({ role: 'it-lead', detail: expect.stringContaining('客户方管理人员(5.3-5)'), text: '签到 ****' });
    expect(room[7]).toMatchObject({ text: '确认在场 1 ****' });
    for (const c of new Set(typed)) expect(events.map((e) => e.text).join('\n')).not.toContain(c);
    const verify = await cliRun(app.env, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain(`${projectId}: ${events.length} events, chain intact`);
    await say('@bot 签字记录', 'ou_pm');
    expect(lastReply()).toContain(feishuMarkdown('bot (机器人) 培训预警 \\#1'));
    expect(lastReply()).toContain('课堂确认');
  });
});

describe('training in the room through Slack, in English', () => {
  it('check-in refused before, taken by the button, still here, the 5.3-5 warning in English with the original, attendance', async () => {
    const clock = fixedClock(START);
    t = await startTestApp({ clock, env: { ADMIN_TOKEN, TRAINING_CODE_SECRET: CODE_SECRET, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const app = t;
    const channel = 'C0ROOM';
    const send = async (text: string, user: string) => {
      const res = await app.postSlack(slackEvent({ text, channel, user }));
      expect(res.status).toBe(200);
      await app.idle();
    };
    const lastText = () => JSON.stringify(app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)!.blocks);
    const buttonValue = (blocks: { type: string; elements?: { value?: string }[] }[], op: string) =>
      blocks.flatMap((b) => (b.type === 'actions' ? b.elements! : [])).map((e) => e.value).find((v) => v?.includes(`"${op}"`)) as string;

    await send('@bot bind project Rollout go-live 2026-12-20 tz Asia/Shanghai', 'U0ADMIN');
    await send('@bot set role <@U0PM> vendor-pm', 'U0ADMIN');
    await send('@bot new training 12-10 14:00-16:00 staff cap 10 at Room *3* <!channel> title Claims <@U0VICTIM>', 'U0ADMIN');
    const card = app.slack.sent().filter((c) => c.api === 'chat.postMessage').at(-1)!;
    expect(JSON.stringify(card.blocks)).toContain('Check-in 12-10 13:45–14:30 · second check 12-10 15:50–16:05');
    const checkValue = buttonValue(card.blocks, 'checkin');
    expect(JSON.parse(checkValue)).toEqual({ type: 'training', op: 'checkin', no: 1 });
    const ts = card.body.ts ?? card.response?.ts;

    clock.set(SH('2026-12-10T13:30'));
    await app.postSlack(slackAction({ value: checkValue, messageTs: ts, channel, user: 'U0STAFF' }));
    await app.idle();
    expect(lastText()).toContain('Check-in is not open now (session #1). Check-in: 12-10 13:45–14:30; the second check: 12-10 15:50–16:05.');
    clock.set(SH('2026-12-10T14:05'));
    await app.postSlack(slackAction({ value: checkValue, messageTs: ts, channel, user: 'U0STAFF' }));
    await app.idle();
    expect(lastText()).toContain('Checked in');
    expect(lastText()).toContain('not signed up: counted as a walk-in');
    await send('@bot check in 1', 'U0OTHER');

    clock.set(SH('2026-12-10T14:16'));
    await runNotices(app);
    const warn = app.slack.sent().filter((c) => c.api === 'chat.postMessage' && JSON.stringify(c.blocks).includes('5.3-5: no customer-side manager'));
    expect(warn).toHaveLength(1);
    const warnText = JSON.stringify(warn[0]!.blocks);
    expect(warnText).toContain('vendor-pm <@U0PM>');
    expect(warnText).toContain('(this project has no customer-lead yet)');
    expect(warnText).toContain(JSON.stringify(slackMrkdwn(mdText(r535.countermeasure.en))).slice(1, -1));
    expect(warnText).toContain(JSON.stringify(slackMrkdwn(mdText(`Original (zh): ${r535.countermeasure.zh}`))).slice(1, -1));
    expect(warnText).not.toMatch(/<!channel>|<@U0VICTIM>/);

    clock.set(SH('2026-12-10T15:52'));
    await send('@bot still here', 'U0STAFF');
    expect(lastText()).toContain('Still here: noted');
    clock.set(SH('2026-12-10T16:30'));
    await send('@bot attendance 1', 'U0PM');
    expect(lastText()).toContain('Attendance #1');
    expect(lastText()).toContain('checked in *2* (2 not signed up) · second check *1*');
    expect(lastText()).toContain('Signed in and left (5.3-5)*: U0OTHER');
    expect(lastText()).toContain('No customer-side manager checked in (5.3-5)');
    expect(lastText()).not.toMatch(/<!channel>|<@U0VICTIM>/);
  });
});
