import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feishuMarkdown } from '../adapters/feishu/render.ts';
import { renderFeishuCard } from '../adapters/feishu/render.ts';
import { renderSlackBlocks, slackFallback, slackMrkdwn } from '../adapters/slack/render.ts';
import { renderCard } from '../adapters/web/render.ts';
import { cancelledCard, clickNote, movedUpNote, sessionCard, sessionsCard } from '../src/training/card.ts';
import { managerAbsentCard, reminderCard } from '../src/training/notice-card.ts';
import { attendanceCard, checkNote, checkRefusedNote, codePageNote } from '../src/training/room-card.ts';
import { loadRulebook } from '../src/rulebook/load.ts';
import type { Session } from '../src/training/model.ts';
import { shanghaiProject } from './support/fixtures.ts';
import { fixedClock } from '../src/core/clock.ts';
import { mdText, mention, plainMd } from '../src/core/markdown.ts';
import { mdToHtml } from '../src/web/html.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { feishuTextEvent } from './helpers/feishu.ts';
import { slackEvent } from './helpers/slack.ts';

/**
 * Text that came from a person must show as itself and never become markup: mentions,
 * broadcasts, links, tags, emphasis. Payloads from the attacks on the first round, and the
 * syntaxes of each platform's markup.
 */
const PAYLOADS = [
  '<at id=all></at>',
  '<at user_id="all">所有人</at>',
  '<at id=ou_victim></at>',
  '[登录查看](http://evil.example/phish)',
  '<a href="http://evil.example">x</a>',
  '<font color="red">紧急</font>',
  '<YYYY-MM-DD> <name>',
  '**粗体** *斜体* ~~删除~~ `code` # 标题',
  '@{all} @{here} @{ou_victim} @{U0VICTIM}',
  '<!channel> <!here> <!everyone> <@U0VICTIM> <#C0123|general> <http://evil.example|点我>',
  '&lt;at id=all&gt; &amp; \\*',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
];

/** What a person reads in Feishu: character references decoded, tags as they would render. */
const feishuShown = (s: string) => s.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const slackShown = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('a person\'s text in every renderer', () => {
  it.each(PAYLOADS)('Feishu markdown shows %s as itself, with no tag, link or mention', (p) => {
    const out = feishuMarkdown(`**名称**\n${mdText(p)}`);
    expect(out).not.toMatch(/<(?!\/?b>)[a-z!#@]/i); // no tag of any kind
    expect(out).not.toContain('](');
    expect(out.replace('**名称**\n', '')).not.toMatch(/[*~`[\]<>]/);
    expect(feishuShown(out.replace('**名称**\n', ''))).toBe(p);
  });

  it.each(PAYLOADS)('Slack mrkdwn shows %s with no mention, broadcast or link', (p) => {
    const out = slackMrkdwn(`**名称**\n${mdText(p)}`);
    expect(out).not.toMatch(/<[@!#h]/);
    expect(slackShown(out.replace('*名称*\n', ''))).toBe(p);
  });

  it.each(PAYLOADS)('HTML shows %s as text', (p) => {
    const out = mdToHtml(mdText(p));
    expect(out).not.toMatch(/<(?!\/?p>)[a-z!]/i);
    expect(out).not.toContain('class="mention"');
  });

  it('plain text (CLI, fallbacks) shows it as itself', () => {
    for (const p of PAYLOADS) expect(plainMd(mdText(p))).toBe(p);
  });

  it('only mentions the bot makes, with ids of the platform\'s shape, become mentions', () => {
    expect(feishuMarkdown(`请 ${mention('ou_abc123')} 处理`)).toBe('请 <at id=ou_abc123></at> 处理');
    expect(slackMrkdwn(`please ${mention('U0ABC')}`)).toBe('please <@U0ABC>');
    for (const id of ['all', 'here', 'channel', 'everyone', 'ou_x></at><at id=all', 'U1> <!channel']) {
      expect(feishuMarkdown(mention(id))).not.toContain('<at');
      expect(slackMrkdwn(mention(id))).not.toMatch(/<[@!]/);
    }
  });
});

describe('a training session\'s texts (title, place, link, reason, departments, names) in every renderer', () => {
  const session = (p: string): Session => ({
    id: 'feishu:oc_1#1', projectId: 'feishu:oc_1', no: 1, title: `培训${p}`, audience: 'staff', departments: [`财务${p}`], delivery: { kind: 'onsite', place: `三楼${p}` },
    start: '2026-12-10T14:00', end: '2026-12-10T16:00', trainer: 'vendor', capacity: 80, override: { by: 'ou_pm', reason: `原因${p}` },
    signedUp: ['ou_a', 'ou_victim'], waitlist: ['ou_w'], names: { ou_a: `名字${p}`, ou_victim: p, ou_w: `候补${p}` }, checkIns: [], cancelled: false, codeRequired: false, notices: [],
  });
  const cards = (p: string) => {
    const s = session(p);
    const user = { id: 'ou_a', name: `名字${p}`, isBot: false };
    return [sessionCard(shanghaiProject({ name: `项目${p}` }), s, { open: true }), sessionsCard(shanghaiProject({ name: `项目${p}` }), [s], 'zh'), clickNote('signed-up', s, user, 'zh'), clickNote('unsigned', s, user, 'en'), movedUpNote(s, 'ou_victim', 'zh'), cancelledCard(s, user, [], 'en')];
  };

  // In the room: check-in replies, attendance, the code page's address, reminders and the 5.3-5 warning.
  const rb = loadRulebook('data');
  const roomCards = (p: string) => {
    const s: Session = {
      ...session(p),
      codeRequired: true,
      checkIns: [
        { userId: 'ou_a', kind: 'check-in', at: '2026-12-10T13:50:00+08:00', signedUp: true, code: true },
        { userId: 'ou_walk', kind: 'check-in', at: '2026-12-10T13:55:00+08:00', signedUp: false, manager: true },
        { userId: 'ou_a', kind: 'second-check', at: '2026-12-10T15:55:00+08:00' },
      ],
      names: { ...session(p).names, ou_walk: `路人${p}` },
    };
    const proj = shanghaiProject({ name: `项目${p}`, timeZone: 'Asia/Shanghai' });
    const user = { id: 'ou_walk', name: `路人${p}`, isBot: false };
    return [
      checkNote('checked-in', 'check-in', s, user, 'zh'),
      checkNote('already', 'second-check', s, { id: 'ou_a', name: `名字${p}`, isBot: false }, 'en'),
      checkRefusedNote('check-in', mdText(`原因${p}`), 'zh'),
      attendanceCard(proj, s, '2026-12-10T16:10', 'zh'),
      attendanceCard(proj, s, '2026-12-10T15:56', 'en'),
      codePageNote(s, `https://bot.example.com/training/${p}`, `/training/${p}`, 'zh'),
      reminderCard(proj, s, 'remind-day', 'zh'),
      reminderCard(proj, s, 'remind-hour', 'en'),
      managerAbsentCard(proj, s, { vendorPm: ['ou_pm'], customerLead: ['ou_lead'] }, rb, 'zh'),
      managerAbsentCard(proj, s, { vendorPm: [], customerLead: [] }, rb, 'en'),
    ];
  };
  /** The mentions the bot builds itself: the people signed up (reminders), the vendor PM and the customer's lead (5.3-5). */
  const OWN = /<at id=(?:ou_a|ou_victim|ou_pm|ou_lead)><\/at>/g;

  it.each(PAYLOADS)('%s shows as text in the room\'s cards too: mentions only from ids the bot keeps', (p) => {
    for (const card of roomCards(p)) {
      const feishu = JSON.stringify(renderFeishuCard(card));
      expect(feishu.replace(OWN, '')).not.toMatch(/<(?!\/?b>)[a-z!#@]/i);
      expect(feishu).not.toContain('](');
      const slack = JSON.stringify([renderSlackBlocks(card), slackFallback(card)]);
      expect(slack).not.toMatch(/<[@!#h]/);
      const html = renderCard(card, 'm1', (id) => id);
      expect(html.replace(/<\/?(?:p|strong|br|section|h3|div|button|hr|span|ul|li)(?:\s[^>]*)?>/g, '')).not.toContain('<');
      const own = (card.fallback.match(/@ou_(?:a|victim|pm|lead)\b/g) ?? []).length;
      expect(html.split('class="mention"').length - 1).toBe(own);
    }
  });

  it.each(PAYLOADS)('%s shows as text: no tag, link or mention but the bot\'s own', (p) => {
    for (const card of cards(p)) {
      const feishu = JSON.stringify(renderFeishuCard(card));
      // The only mention is the one the bot builds for the person moved up.
      expect(feishu.replace(/<at id=ou_victim><\/at>/g, '')).not.toMatch(/<(?!\/?b>)[a-z!#@]/i);
      expect(feishu).not.toContain('](');
      const slack = JSON.stringify([renderSlackBlocks(card), slackFallback(card)]);
      expect(slack).not.toMatch(/<[@!#h]/); // the bot's mention of a Feishu id is no Slack mention either
      const html = renderCard(card, 'm1', (id) => id);
      expect(html.replace(/<\/?(?:p|strong|br|section|h3|div|button|hr|span|ul|li)(?:\s[^>]*)?>/g, '')).not.toContain('<');
      expect(html.split('class="mention"').length - 1).toBe(card.fallback.startsWith('候补递补成功') ? 1 : 0);
    }
  });
});

describe('attacks through the real server', () => {
  let t: TestApp;
  const START = '2026-10-09T01:00:00Z';
  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(START) });
  });
  afterAll(() => t.close());
  const feishuSay = async (text: string, senderId = 'ou_admin') => {
    const res = await t.postFeishu(feishuTextEvent({ text, token: t.env.FEISHU_VERIFICATION_TOKEN, chatId: 'oc_attack', senderId }), { timestamp: Math.floor(Date.parse(START) / 1000) });
    expect(res.status).toBe(200);
    await t.idle();
    return JSON.stringify(t.feishu.sent().filter((c) => c.kind === 'reply').at(-1)?.card);
  };

  it('a project name with markup shows as text in the bind reply and in 进度', async () => {
    const bind = await feishuSay('@bot 绑定项目 <at id=all></at>[登录查看](http://evil.example/phish) 上线日期 2026-12-20');
    expect(bind).toContain('项目已绑定');
    expect(bind).not.toContain('<at id=all>');
    expect(bind).not.toContain('](http');
    expect(bind).toContain('&lt;at id=all&gt;&lt;/at&gt;&#91;登录查看&#93;(http://evil.example/phish)');
    const status = await feishuSay('@bot 进度');
    expect(status).not.toContain('<at id=all>');
    expect(status).toContain('&lt;at id=all&gt;');
  });

  it('"设置角色 @{x} @{all}" gets a reply that mentions nobody, and @{all} typed as text names no one', async () => {
    const reply = await feishuSay('@bot 设置角色 @{x} @{all}');
    expect(reply).not.toContain('<at id=all>');
    expect(reply).not.toContain('<at id=x>');
    const typed = await feishuSay('@bot 设置角色 @{all} 客户项目负责人');
    expect(typed).not.toContain('<at');
    expect((await t.app.bot.deps.store.getProject('feishu:oc_attack'))?.roles ?? []).toEqual([]);
  });

  it('on Slack, @{U…} and <!channel> in a question or command ping nobody', async () => {
    t.slack.reset();
    await t.postSlack(slackEvent({ text: '@bot 设置角色 <!channel> @{U0VICTIM} 老板', channel: 'C0ATTACK' }));
    await t.idle();
    const sent = JSON.stringify(t.slack.sent().map((c) => [c.blocks, c.body.text]));
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@U0VICTIM>');
  });
});
