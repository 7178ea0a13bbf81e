import type { Block, Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import { mdText, personMd } from '../core/markdown.ts';
import type { UserRef } from '../core/message.ts';
import type { ProjectRecord } from '../store/records.ts';
import { nameMd, note, whenMd } from './card.ts';
import { attendanceOf, checkWindows, windowWords, type CheckKind, type Session } from './model.ts';
import type { Lang } from './words.ts';
import { say } from '../core/reply.ts';

/**
 * What the bot says in the room: the reply to a check-in or a second check, the attendance
 * (who came, who stayed, who signed in and left: 5.3-5), and where the trainer's code page is.
 * Titles and names go in through mdText / personMd; the code itself is never put in the chat.
 */


/** The reply to 签到 / 确认在场 (typed or clicked) that was taken, or was already. */
export function checkNote(outcome: 'checked-in' | 'already', kind: CheckKind, s: Session, user: UserRef, lang: Lang): Card {
  const who = personMd(user);
  const name = `**${nameMd(s)}**`;
  const c = s.checkIns.find((x) => x.userId === user.id && x.kind === kind);
  const time = c ? c.at.slice(11, 16) : '';
  if (outcome === 'already')
    return note(say(lang, '没有变化', 'Nothing changed'), kind === 'check-in' ? say(lang, `${who} 已签到 ${name}(${time})。`, `${who} already checked in to ${name} (${time}).`) : say(lang, `${who} 已课堂确认 ${name}(${time})。`, `${who} already confirmed being in ${name} (${time}).`), 'info');
  if (kind === 'second-check')
    return note(say(lang, '课堂确认成功', 'Still here: noted'), say(lang, `${who} 在 ${time} 确认仍在 ${name} 的课堂。`, `${who} confirmed at ${time} being still in ${name}.`), 'success');
  const tags = [
    c?.signedUp === false ? say(lang, '未报名,记为现场参加', 'not signed up: counted as a walk-in') : say(lang, '已报名', 'signed up'),
    ...(c?.manager ? [say(lang, '客户方管理人员在场(5.3-5)', 'a customer-side manager is in the room (5.3-5)')] : []),
    ...(c?.code ? [say(lang, '签到码正确', 'code accepted')] : []),
  ];
  const second = windowWords(s, checkWindows(s)['second-check']);
  return note(
    say(lang, '签到成功', 'Checked in'),
    say(lang, `${who} 在 ${time} 签到 ${name}(${tags.join(',')})。课堂确认 ${second},届时请点「确认在场」。`, `${who} checked in to ${name} at ${time} (${tags.join('; ')}). The second check is ${second}: press "Still here" then.`),
    'success',
  );
}

/** The reply to 已观看 / watched (a recorded video): noted, with what it gives (the exam), or noted before. */
export function watchedNote(outcome: 'checked-in' | 'already', s: Session, user: UserRef, lang: Lang): Card {
  const who = personMd(user);
  const name = `**${nameMd(s)}**`;
  const c = s.checkIns.find((x) => x.userId === user.id && x.kind === 'watched');
  const when = c ? `${c.at.slice(5, 10)} ${c.at.slice(11, 16)}` : '';
  if (outcome === 'already') return note(say(lang, '没有变化', 'Nothing changed'), say(lang, `${who} 已在 ${when} 记为看过 ${name}。`, `${who} was noted as having watched ${name} at ${when}.`), 'info');
  const tag = c?.signedUp === false ? say(lang, '(未报名,也记入)', ' (not signed up; counted too)') : '';
  return note(say(lang, '已记为看过录播', 'Watched: noted'), say(lang, `${who} 在 ${when} 看过 ${name}${tag}。考试开始后可以参加考试。`, `${who} watched ${name} at ${when}${tag}. You take its exam once it starts.`), 'success');
}

/** A check refused: outside its window, the code missing or wrong, not checked in before the second check. */
export const checkRefusedNote = (kind: CheckKind, whyMd: string, lang: Lang): Card =>
  note(kind === 'check-in' ? say(lang, '不能签到', 'Cannot check in') : say(lang, '不能课堂确认', 'Cannot confirm'), whyMd, 'warning');

const MAX_NAMES = 40;
const peopleMd = (s: Session, ids: string[], lang: Lang) =>
  ids.length ? `${ids.slice(0, MAX_NAMES).map((id) => personMd({ id, name: s.names[id] })).join('、')}${ids.length > MAX_NAMES ? ` …(+${ids.length - MAX_NAMES})` : ''}` : say(lang, '无', 'none');

/** 签到情况 N / attendance N: checked in (walk-ins marked), absent, managers (5.3-5), stayed, signed in and left. */
export function attendanceCard(p: ProjectRecord, s: Session, now: string, lang: Lang): Card {
  const a = attendanceOf(s, now);
  const w = checkWindows(s);
  const lines = [
    `**${nameMd(s)}** · ${whenMd(s, lang)} (${mdText(p.timeZone)})`,
    say(lang, `报名 ${s.signedUp.length} 人 · 签到 **${a.checkedIn.length}** 人(其中未报名 ${a.walkIns.length} 人)· 课堂确认 **${a.stayed.length}** 人`, `Signed up ${s.signedUp.length} · checked in **${a.checkedIn.length}** (${a.walkIns.length} not signed up) · second check **${a.stayed.length}**`),
    `${say(lang, '已签到', 'Checked in')}: ${peopleMd(s, a.checkedIn, lang)}`,
  ];
  if (a.walkIns.length) lines.push(`${say(lang, '未报名(现场参加)', 'Walk-ins (not signed up)')}: ${peopleMd(s, a.walkIns, lang)}`);
  lines.push(`${say(lang, '报名未签到', 'Signed up, not checked in')}: ${peopleMd(s, a.absent, lang)}`);
  if (s.audience === 'staff' || a.managers.length)
    lines.push(
      a.managers.length
        ? say(lang, `客户方管理人员在场(5.3-5):${peopleMd(s, a.managers, lang)}`, `Customer-side managers in the room (5.3-5): ${peopleMd(s, a.managers, lang)}`)
        : say(lang, '⚠️ 没有客户方管理人员签到(5.3-5)。', '⚠️ No customer-side manager checked in (5.3-5).'),
    );
  const second = windowWords(s, w['second-check']);
  if (a.phase === 'before-second-check') lines.push(say(lang, `课堂确认 ${second},之后可看出谁签到后离开(5.3-5)。`, `The second check is ${second}; after it, who signed in and left shows (5.3-5).`));
  else {
    lines.push(`${say(lang, '课堂确认(留到最后)', 'Stayed to the end (second check)')}: ${peopleMd(s, a.stayed, lang)}`);
    lines.push(
      a.phase === 'over'
        ? `**${say(lang, '签到后离开(5.3-5)', 'Signed in and left (5.3-5)')}**: ${peopleMd(s, a.unconfirmed, lang)}`
        : `${say(lang, `尚未课堂确认(${second} 开放中)`, `Not confirmed yet (open ${second})`)}: ${peopleMd(s, a.unconfirmed, lang)}`,
    );
  }
  const blocks: Block[] = [{ type: 'text', md: lines.join('\n') }];
  blocks.push({ type: 'context', md: say(lang, `签到 ${windowWords(s, w['check-in'])};课堂确认 ${second}。每次签到、课堂确认都记入审计记录(签字记录)。`, `Check-in ${windowWords(s, w['check-in'])}; second check ${second}. Every check-in and second check is in the audit trail (sign-offs).`) });
  const c: Card = { title: say(lang, `签到情况 #${s.no}`, `Attendance #${s.no}`), tone: a.phase === 'over' && a.unconfirmed.length ? 'warning' : 'info', blocks, fallback: '' };
  c.fallback = cardText(c);
  return c;
}

/** 签到码 N: the trainer's page, behind the dashboard's sign-in (the code itself never goes into the chat). */
export function codePageNote(s: Session, url: string | undefined, path: string, lang: Lang): Card {
  const where = url ?? path;
  const state = s.codeRequired
    ? say(lang, `培训 #${s.no} 的签到需要签到码。`, `Check-in for session #${s.no} needs the code.`)
    : say(lang, `培训 #${s.no} 现在不需要签到码;「修改培训 ${s.no} 签到码」可开启(仅现场培训)。`, `Session #${s.no} does not need the code now; "change training ${s.no} code required" turns it on (on site only).`);
  return note(
    say(lang, `签到码页面 #${s.no}`, `Check-in code page #${s.no}`),
    say(
      lang,
      `${state}\n讲师在投影或手机上打开:${mdText(where)}\n(与看板同样需要登录;页面每分钟换一个 4 位签到码,签到码不会发到群里。)${url ? '' : '\n设置 PUBLIC_URL 后这里会给出完整地址。'}`,
      `${state}\nThe trainer opens, on the projector or a phone: ${mdText(where)}\n(It needs the same sign-in as the dashboard; the page shows a new 4-digit code every minute, and the code is never posted in the chat.)${url ? '' : '\nWith PUBLIC_URL set this is the full address.'}`,
    ),
    'info',
  );
}
