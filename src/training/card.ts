import type { Block, Button, Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import { mdText, mention, personMd } from '../core/markdown.ts';
import type { UserRef } from '../core/message.ts';
import { sourceLine } from '../qa/present.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { weekday } from '../calendar/dates.ts';
import type { ProjectRecord } from '../store/records.ts';
import { OVERRIDE_ROLES, whoMay, type Refused } from './decide.ts';
import { audienceLabel, checkWindows, MAX_SESSION_SIZE, windowWords, type Session, signUpsByDepartment } from './model.ts';
import { deliveryWords, TRAINER_LABEL, type Lang, type Said } from './words.ts';
import { say } from '../core/reply.ts';

/**
 * What the bot says about training, one renderer per concept: the session card (with its
 * 报名 / 取消报名 buttons), the list, a refusal (quoting the rule it keeps from the rulebook,
 * verbatim), and the notes after a click, a move-up or a cancellation. Everything a person typed
 * (title, place, link, reason, departments, names) goes in through mdText; mentions only from
 * user ids the platform gave the bot (mention()), never from text.
 */

const WEEKDAY = { zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'], en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] };

const finish = (card: Omit<Card, 'fallback'>): Card => {
  const c: Card = { ...card, fallback: '' };
  c.fallback = cardText(c);
  return c;
};

export const note = (title: string, md: string, tone: Card['tone'] = 'info'): Card => finish({ title, tone, blocks: [{ type: 'text', md }] });

/** "2026-12-10(周四)14:00–16:00": no person's text in it. */
export function whenMd(s: Pick<Session, 'start' | 'end'>, lang: Lang): string {
  const day = s.start.slice(0, 10);
  const wd = WEEKDAY[lang][weekday(day)];
  const end = s.end.slice(0, 10) === day ? s.end.slice(11) : s.end.replace('T', ' ');
  return lang === 'zh' ? `${day}(${wd})${s.start.slice(11)}–${end}` : `${day} (${wd}) ${s.start.slice(11)}–${end}`;
}

/** "#3 中层管理培训" as core markdown. */
export const nameMd = (s: Pick<Session, 'no' | 'title'>) => `#${s.no} ${mdText(s.title)}`;

const seatsMd = (s: Session, lang: Lang) => {
  const full = s.signedUp.length >= s.capacity;
  // Per department, where the session names them and people signed up for one (报名 · 财务部).
  const per = signUpsByDepartment(s).filter(([, n]) => n > 0);
  const depts = per.length ? ` · ${per.map(([d, n]) => `${mdText(d)} ${n}`).join(lang === 'zh' ? '、' : ', ')}` : '';
  return say(
    lang,
    `已报名 **${s.signedUp.length}/${s.capacity}** · 候补 **${s.waitlist.length}**${full ? '(已满员,报名进入候补)' : ''}${depts}`,
    `Signed up **${s.signedUp.length}/${s.capacity}** · waitlist **${s.waitlist.length}**${full ? ' (full: sign-ups join the waitlist)' : ''}${depts}`,
  );
};

/** 报名: one button, or one per department (at most four, so the row keeps its cancel button) so that sign-ups are counted per department. */
const signUpButtons = (s: Session, lang: Lang): Button[] =>
  s.departments.length > 1 && s.departments.length <= 4
    ? s.departments.map((d, i) => ({ label: `${say(lang, '报名', 'Sign up')} · ${d}`, action: { type: 'training' as const, op: 'signup' as const, no: s.no, d: i }, style: 'primary' as const }))
    : [{ label: say(lang, '报名', 'Sign up'), action: { type: 'training' as const, op: 'signup' as const, no: s.no, ...(s.departments.length === 1 ? { d: 0 } : {}) }, style: 'primary' as const }];

const peopleMd = (s: Session, ids: string[], max = 30) => {
  const shown = ids.slice(0, max).map((id) => personMd({ id, name: s.names[id] }));
  return `${shown.join('、')}${ids.length > max ? ` …(+${ids.length - max})` : ''}`;
};

export interface SessionCardOptions {
  /** The start's day is not a working day of the project's calendar. */
  nonWorkingDay?: boolean;
  /** Sign-up is open (not started, not cancelled): the buttons are shown. */
  open: boolean;
  /** The checks are still to come or open (not a recording, not cancelled, the second check not yet closed): 签到 / 确认在场 are shown. */
  checks?: boolean;
  /** Said above the session: what was just created or changed, warnings. */
  head?: string[];
}

/** 签到 / 确认在场 on a card (the session card, the reminder an hour before). */
export const checkButtons = (s: Pick<Session, 'no'>, lang: Lang): Block => ({
  type: 'buttons',
  buttons: [
    { label: say(lang, '签到', 'Check in'), action: { type: 'training', op: 'checkin', no: s.no }, style: 'primary' },
    { label: say(lang, '确认在场', 'Still here'), action: { type: 'training', op: 'here', no: s.no } },
  ],
});

/** "签到 12-10 13:45–14:30 · 课堂确认 15:50–16:05", and whether the code is needed: no person's text in it. */
export function checksMd(s: Session, lang: Lang): string {
  const w = checkWindows(s);
  const code = s.codeRequired ? say(lang, ' · 🔢 需要讲师屏幕上的签到码', " · 🔢 needs the code on the trainer's screen") : '';
  return say(lang, `✅ 签到 ${windowWords(s, w['check-in'])} · 课堂确认 ${windowWords(s, w['second-check'])}${code}`, `✅ Check-in ${windowWords(s, w['check-in'])} · second check ${windowWords(s, w['second-check'])}${code}`);
}

const checkCountsMd = (s: Session, lang: Lang) => {
  if (s.delivery.kind === 'recorded') return say(lang, `已观看 **${s.checkIns.filter((c) => c.kind === 'watched').length}**`, `Watched **${s.checkIns.filter((c) => c.kind === 'watched').length}**`);
  const ins = s.checkIns.filter((c) => c.kind === 'check-in');
  const walkIns = ins.filter((c) => c.signedUp === false).length;
  const second = s.checkIns.filter((c) => c.kind === 'second-check').length;
  return say(lang, `已签到 **${ins.length}**${walkIns ? `(未报名 ${walkIns})` : ''} · 课堂确认 **${second}**`, `Checked in **${ins.length}**${walkIns ? ` (${walkIns} not signed up)` : ''} · second check **${second}**`);
};

/** 5.2-16: the attendees' duty and the exercises published with the notice, when the session has them (people's text: mdText). */
export const dutyLines = (s: Pick<Session, 'duty' | 'exercises'>, lang: Lang): string[] => [
  ...(s.duty ? [`📌 ${say(lang, '学员职责', 'Your duty')}: ${mdText(s.duty)}`] : []),
  ...(s.exercises ? [`📝 ${say(lang, '课前练习', 'Exercises before the session')}: ${mdText(s.exercises)}`] : []),
];

/** The session with its sign-up buttons (接龙): capacity, who signed up, how many wait. */
export function sessionCard(p: ProjectRecord, s: Session, o: SessionCardOptions): Card {
  const lang = p.lang;
  const lines = [
    `**${nameMd(s)}**`,
    `🕒 ${whenMd(s, lang)} (${p.timeZone})`,
    `👥 ${audienceLabel[s.audience][lang]}${s.departments.length ? ` · ${s.departments.map(mdText).join(lang === 'zh' ? '、' : ', ')}` : ''}`,
    `📍 ${mdText(deliveryWords(s.delivery, lang))}`,
    `🎤 ${say(lang, '讲师', 'trainer')}: ${TRAINER_LABEL[s.trainer][lang]}`,
    `🪑 ${seatsMd(s, lang)}`,
    ...dutyLines(s, lang),
    ...(s.delivery.kind !== 'recorded' && !s.cancelled ? [checksMd(s, lang)] : []),
    ...(s.checkIns.length ? [`🧾 ${checkCountsMd(s, lang)}`] : []),
  ];
  if (s.override) lines.push(say(lang, `⚠️ 上限超过 ${MAX_SESSION_SIZE} 人(5.2-10),经覆盖,原因:${mdText(s.override.reason)}`, `⚠️ Above ${MAX_SESSION_SIZE} people (5.2-10), overridden; reason: ${mdText(s.override.reason)}`));
  if (o.nonWorkingDay) lines.push(say(lang, `⚠️ ${s.start.slice(0, 10)} 不是本项目日历的工作日。`, `⚠️ ${s.start.slice(0, 10)} is not a working day of this project's calendar.`));
  if (s.cancelled) lines.push(say(lang, '⛔ **这场培训已取消。**', '⛔ **This session was cancelled.**'));
  const blocks: Block[] = [];
  if (o.head?.length) blocks.push({ type: 'text', md: o.head.join('\n') });
  blocks.push({ type: 'text', md: lines.join('\n') });
  const who: string[] = [];
  if (s.signedUp.length) who.push(`${say(lang, '已报名', 'Signed up')}: ${peopleMd(s, s.signedUp)}`);
  if (s.waitlist.length) who.push(`${say(lang, '候补', 'Waitlist')}: ${peopleMd(s, s.waitlist)}`);
  if (who.length) blocks.push({ type: 'text', md: who.join('\n') });
  const checks = !!o.checks && !s.cancelled && s.delivery.kind !== 'recorded';
  if (o.open && !s.cancelled) {
    blocks.push({
      type: 'buttons',
      buttons: [
        ...signUpButtons(s, lang),
        { label: say(lang, '取消报名', 'Cancel sign-up'), action: { type: 'training', op: 'cancel', no: s.no } },
        ...(checks ? (checkButtons(s, lang) as Extract<Block, { type: 'buttons' }>).buttons.map((b) => ({ ...b, style: 'default' as const })) : []),
        // A recording has no room: whoever watched it says so (model.ts watched).
        ...(s.delivery.kind === 'recorded' ? [{ label: say(lang, '已观看', 'Watched'), action: { type: 'training' as const, op: 'watched' as const, no: s.no } }] : []),
      ],
    });
    blocks.push({
      type: 'context',
      md: say(
        lang,
        `满员后报名进入候补;有人取消时,候补第一位自动递补并收到通知。单场人数按 5.2-10 控制在 ${MAX_SESSION_SIZE} 人以下。`,
        `Once full, a sign-up joins the waitlist; when someone cancels, the first waiting moves up and is told. Sessions stay under ${MAX_SESSION_SIZE} people (5.2-10).`,
      ),
    });
  } else if (checks) blocks.push(checkButtons(s, lang));
  const title = s.cancelled ? say(lang, `培训已取消 #${s.no}`, `Training cancelled #${s.no}`) : say(lang, `培训报名 #${s.no}`, `Training sign-up #${s.no}`);
  return finish({ title, tone: s.cancelled ? 'neutral' : s.signedUp.length >= s.capacity ? 'warning' : 'info', blocks });
}

/** `培训列表` / `trainings`: every session of the project, by number. */
export function sessionsCard(p: ProjectRecord, sessions: Session[], lang: Lang): Card {
  const rows = sessions.map((s) => {
    const state = s.cancelled ? say(lang, '已取消', 'cancelled') : `${s.signedUp.length}/${s.capacity}${s.waitlist.length ? say(lang, ` · 候补 ${s.waitlist.length}`, ` · waitlist ${s.waitlist.length}`) : ''}`;
    return `- **#${s.no}** ${whenMd(s, lang)} ${mdText(s.title)} · ${audienceLabel[s.audience][lang]} · ${mdText(deliveryWords(s.delivery, lang))} · ${state}`;
  });
  const blocks: Block[] = [{ type: 'text', md: `**${mdText(p.name)}**\n${rows.length ? rows.join('\n') : say(lang, '还没有培训场次。', 'No training sessions yet.')}` }];
  blocks.push({
    type: 'context',
    md: say(lang, '「@机器人 培训 3」重新发出报名卡片;「修改培训 3 上限50」;「取消培训 3」。', '"@bot training 3" posts its sign-up card again; "change training 3 cap 50"; "cancel training 3".'),
  });
  return finish({ title: say(lang, '培训列表', 'Training sessions'), tone: 'info', blocks });
}

/**
 * A refusal; with a rule, that rule's problem and countermeasure verbatim from the rulebook (its
 * English translation and the Chinese original in English), its source and the rulebook version.
 */
export function refusalCard(title: string, d: Refused, lang: Lang, rb: Rulebook): Card {
  const blocks: Block[] = [{ type: 'text', md: mdText(d.why[lang]) }];
  const e = d.rule ? rb.byId.get(d.rule) : undefined;
  if (e?.kind === 'risk') {
    blocks.push({
      type: 'text',
      md: say(
        lang,
        `**${e.id} 风险**\n${mdText(e.problem.zh)}\n**${e.id} 对策**(规则书原文)\n${mdText(e.countermeasure.zh)}`,
        `**${e.id} risk**\n${mdText(e.problem.en)}\n**${e.id} countermeasure** (rulebook)\n${mdText(e.countermeasure.en)}`,
      ),
    });
    if (lang === 'en') blocks.push({ type: 'context', md: `Original (zh): ${mdText(e.countermeasure.zh)}` });
    if (e.id === '5.2-10')
      blocks.push({
        type: 'text',
        md: say(
          lang,
          `请拆成多场;确需超过 ${MAX_SESSION_SIZE} 人时,由${whoMay(OVERRIDE_ROLES, 'zh')}在命令最后加「超额原因 …」。`,
          `Split it into several sessions; where one must exceed ${MAX_SESSION_SIZE}, the ${whoMay(OVERRIDE_ROLES, 'en')} adds "override <reason>" at the end of the command.`,
        ),
      });
    blocks.push({ type: 'context', md: `${say(lang, '来源', 'Source')}: ${mdText(sourceLine(rb, e, lang, {}))} · ${say(lang, '规则书版本', 'rulebook')} ${rb.version}` });
  }
  return finish({ title, tone: 'warning', blocks });
}

/** Warnings and what changed, as lines above the card. */
export const saidMd = (said: Said[], lang: Lang) => said.map((w) => `⚠️ ${mdText(w[lang])}`);

/** The reply to a 报名 / 取消报名 click (or nothing changed). */
export function clickNote(outcome: string, s: Session, user: UserRef, lang: Lang): Card {
  const who = personMd(user);
  const name = `**${nameMd(s)}**`;
  switch (outcome) {
    case 'signed-up':
      return note(say(lang, '已报名', 'Signed up'), say(lang, `${who} 已报名 ${name}(${whenMd(s, lang)}):座位 ${s.signedUp.indexOf(user.id) + 1}/${s.capacity}。`, `${who} signed up for ${name} (${whenMd(s, lang)}): seat ${s.signedUp.indexOf(user.id) + 1}/${s.capacity}.`), 'success');
    case 'waitlisted':
      return note(
        say(lang, '已满员,已进入候补', 'Full: on the waitlist'),
        say(lang, `${name} 已满员(${s.capacity}/${s.capacity}),${who} 在候补第 **${s.waitlist.indexOf(user.id) + 1}** 位;有人取消报名时自动递补并通知你。`, `${name} is full (${s.capacity}/${s.capacity}); ${who} is number **${s.waitlist.indexOf(user.id) + 1}** on the waitlist and moves up, with a message, when someone cancels.`),
        'warning',
      );
    case 'already': {
      const wait = s.waitlist.indexOf(user.id);
      return note(say(lang, '没有变化', 'Nothing changed'), wait >= 0 ? say(lang, `${who} 已在 ${name} 的候补第 ${wait + 1} 位。`, `${who} is already number ${wait + 1} on the waitlist of ${name}.`) : say(lang, `${who} 已报名 ${name}。`, `${who} is already signed up for ${name}.`), 'info');
    }
    case 'unsigned':
      return note(say(lang, '已取消报名', 'Sign-up cancelled'), say(lang, `${who} 已取消报名 ${name}。${seatsMd(s, lang)}`, `${who} cancelled their sign-up for ${name}. ${seatsMd(s, lang)}`), 'info');
    case 'not-signed-up':
      return note(say(lang, '没有变化', 'Nothing changed'), say(lang, `${who} 没有报名 ${name}。`, `${who} is not signed up for ${name}.`), 'info');
    default:
      return note(say(lang, '没有变化', 'Nothing changed'), name, 'info');
  }
}

/** Told to the person moved up: a mention the bot builds from the id it keeps, never from text. */
export function movedUpNote(s: Session, userId: string, lang: Lang): Card {
  return note(
    say(lang, '候补递补成功', 'Moved up from the waitlist'),
    say(
      lang,
      `${mention(userId)} 有人取消了报名,你已从候补递补为 **${nameMd(s)}**(${whenMd(s, lang)},${mdText(deliveryWords(s.delivery, lang))})的正式学员:座位 ${s.signedUp.indexOf(userId) + 1}/${s.capacity}。不能参加请点「取消报名」。`,
      `${mention(userId)} someone cancelled, and you moved up from the waitlist into **${nameMd(s)}** (${whenMd(s, lang)}, ${mdText(deliveryWords(s.delivery, lang))}): seat ${s.signedUp.indexOf(userId) + 1}/${s.capacity}. If you cannot come, press "Cancel sign-up".`,
    ),
    'success',
  );
}

/** The announcement of a cancelled session, to everyone who had signed up or was waiting. */
export function cancelledCard(s: Session, by: UserRef, notify: string[], lang: Lang): Card {
  const lines = [say(lang, `**${nameMd(s)}**(${whenMd(s, lang)})已由 ${personMd(by)} 取消。`, `**${nameMd(s)}** (${whenMd(s, lang)}) was cancelled by ${personMd(by)}.`)];
  if (notify.length) lines.push(say(lang, `请留意:${notify.map(mention).join(' ')}`, `Please note: ${notify.map(mention).join(' ')}`));
  return note(say(lang, `培训已取消 #${s.no}`, `Training cancelled #${s.no}`), lines.join('\n'), 'warning');
}
