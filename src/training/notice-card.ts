import type { Block, Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import { mdText, mention } from '../core/markdown.ts';
import { sourceLine } from '../qa/present.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { roleLabel } from '../readiness/model/roles.ts';
import type { ProjectRecord } from '../store/records.ts';
import { checkButtons, checksMd, nameMd, whenMd, dutyLines } from './card.ts';
import { MANAGER_GRACE_MIN, type NoticeKind, type Session } from './model.ts';
import { deliveryWords, type Lang } from './words.ts';
import { say } from '../core/reply.ts';

/**
 * What the bot posts by itself about a session (src/training/job.ts): the reminders the day
 * before and an hour before, mentioning those signed up, and the 5.3-5 warning that no
 * customer-side manager checked in, mentioning the vendor PM and the customer's lead with
 * 5.3-5's risk and countermeasure verbatim from the rulebook. Mentions only from ids the bot
 * keeps (the sign-ups, the project's roles); titles, places and names through mdText.
 */

const finish = (c: Omit<Card, 'fallback'>): Card => {
  const card: Card = { ...c, fallback: '' };
  card.fallback = cardText(card);
  return card;
};

/** The reminder (`remind-day` or `remind-hour`): when, where, who is expected, how to check in. */
export function reminderCard(p: ProjectRecord, s: Session, kind: Extract<NoticeKind, 'remind-day' | 'remind-hour'>, lang: Lang): Card {
  const lines = [
    `**${nameMd(s)}**`,
    `🕒 ${whenMd(s, lang)} (${mdText(p.timeZone)})`,
    `📍 ${mdText(deliveryWords(s.delivery, lang))}`,
    ...(s.delivery.kind !== 'recorded' ? [checksMd(s, lang)] : []),
    ...dutyLines(s, lang),
    `${say(lang, '已报名', 'Signed up')} (${s.signedUp.length}): ${s.signedUp.map(mention).join(' ')}`,
  ];
  const blocks: Block[] = [{ type: 'text', md: lines.join('\n') }];
  const cancel = { label: say(lang, '取消报名', 'Cancel sign-up'), action: { type: 'training' as const, op: 'cancel' as const, no: s.no } };
  // An hour before: 签到 / 确认在场 too (check-in opens in 45 minutes).
  const checks = kind === 'remind-hour' && s.delivery.kind !== 'recorded' ? (checkButtons(s, lang) as Extract<Block, { type: 'buttons' }>).buttons : [];
  blocks.push({ type: 'buttons', buttons: [...checks, cancel] });
  blocks.push({
    type: 'context',
    md: say(lang, '不能参加请点「取消报名」,座位会让给候补的同事。', 'If you cannot come, press "Cancel sign-up": the seat goes to the first on the waitlist.'),
  });
  const title = kind === 'remind-day' ? say(lang, `培训提醒 #${s.no}:${s.start.slice(5, 10)} 开课`, `Training reminder #${s.no}: on ${s.start.slice(5, 10)}`) : say(lang, `培训提醒 #${s.no}:一小时后开始`, `Training reminder #${s.no}: starts in an hour`);
  return finish({ title, tone: 'info', blocks });
}

/**
 * 5.3-5: a staff session 15 minutes in without a customer-side manager checked in. Mentions the
 * vendor PMs and the customer's leads by the ids the project keeps; says so when nobody holds
 * the role. The rule's problem and countermeasure are quoted from the loaded rulebook.
 */
export function managerAbsentCard(p: ProjectRecord, s: Session, warned: { vendorPm: string[]; customerLead: string[] }, rb: Rulebook, lang: Lang): Card {
  const tell = (ids: string[], role: 'vendor-pm' | 'customer-lead') =>
    ids.length ? `${roleLabel[role][lang]} ${ids.map(mention).join(' ')}` : say(lang, `(本项目还没有${roleLabel[role].zh})`, `(this project has no ${roleLabel[role].en} yet)`);
  const lines = [
    say(
      lang,
      `**${nameMd(s)}**(${whenMd(s, lang)})开始已 ${MANAGER_GRACE_MIN} 分钟,还没有客户方管理人员(客户项目负责人或IT负责人)签到。`,
      `**${nameMd(s)}** (${whenMd(s, lang)}) started ${MANAGER_GRACE_MIN} minutes ago and no customer-side manager (customer-lead or it-lead) has checked in.`,
    ),
    `${say(lang, '请留意', 'Please act')}: ${tell(warned.vendorPm, 'vendor-pm')} · ${tell(warned.customerLead, 'customer-lead')}`,
  ];
  const blocks: Block[] = [{ type: 'text', md: lines.join('\n') }];
  const e = rb.byId.get('5.3-5');
  if (e?.kind === 'risk') {
    blocks.push({
      type: 'text',
      md: say(lang, `**${e.id} 风险**\n${mdText(e.problem.zh)}\n**${e.id} 对策**(规则书原文)\n${mdText(e.countermeasure.zh)}`, `**${e.id} risk**\n${mdText(e.problem.en)}\n**${e.id} countermeasure** (rulebook)\n${mdText(e.countermeasure.en)}`),
    });
    if (lang === 'en') blocks.push({ type: 'context', md: `Original (zh): ${mdText(e.countermeasure.zh)}` });
    blocks.push({ type: 'context', md: `${say(lang, '来源', 'Source')}: ${mdText(sourceLine(rb, e, lang, {}))} · ${say(lang, '规则书版本', 'rulebook')} ${mdText(rb.version)}` });
  }
  blocks.push({ type: 'context', md: say(lang, `管理人员到场后请点「签到」(签到至 ${s.start.slice(11)} 后 30 分钟)。`, `Once a manager is there, they press "Check in" (open until 30 minutes after ${s.start.slice(11)}).`) });
  blocks.push(checkButtons(s, lang));
  return finish({ title: say(lang, `5.3-5 提醒:培训 #${s.no} 没有客户方管理人员在场`, `5.3-5: no customer-side manager at session #${s.no}`), tone: 'warning', blocks });
}
