import { audienceLabel, checkWindows, isOpen, windowWords, type Session } from '../training/model.ts';
import { deliveryWords } from '../training/words.ts';
import type { ProjectRecord } from '../store/records.ts';
import { html, raw } from './html.ts';
import type { Lang } from './i18n.ts';
import { say } from '../core/reply.ts';

/**
 * The trainer's screen (GET /training/:projectId/:no/code, src/training/routes.ts): the room's
 * check-in code (src/training/code.ts) in type large enough for the back of a room on a
 * projector, or across a phone held up. No script: a meta refresh (which the CSP allows) loads
 * the page again just after the minute turns, when the code changes. One stylesheet from
 * /static; everything from a person (project name, title, place) escaped by `html`.
 */

export interface CodePageView {
  lang: Lang;
  project: ProjectRecord;
  session: Session;
  /** This minute's code (checkInCode), or none when the session has no check-in (cancelled, recorded). */
  code?: string;
  /** The project's local time now, "2026-12-10T14:02", and when the next code comes ("14:03"). */
  now: string;
  next: string;
  /** Seconds until just after the minute turns: the refresh. */
  refreshS: number;
}


export function codePage(v: CodePageView): string {
  const { lang, project: p, session: s } = v;
  const w = checkWindows(s);
  const kind = isOpen(s, 'check-in', v.now) ? 'check-in' : isOpen(s, 'second-check', v.now) ? 'second-check' : undefined;
  const word = kind === 'second-check' ? say(lang, '确认在场', 'still here') : say(lang, '签到', 'check in');
  const state = s.cancelled
    ? say(lang, '这场培训已取消', 'This session was cancelled')
    : s.delivery.kind === 'recorded'
      ? say(lang, '录播培训不签到', 'A recorded session has no check-in')
      : kind === 'check-in'
        ? say(lang, `签到开放中 ${windowWords(s, w['check-in'])}`, `Check-in open ${windowWords(s, w['check-in'])}`)
        : kind === 'second-check'
          ? say(lang, `课堂确认开放中 ${windowWords(s, w['second-check'])}`, `Second check open ${windowWords(s, w['second-check'])}`)
          : v.now < w['check-in'].from
            ? say(lang, `签到 ${windowWords(s, w['check-in'])} 开放`, `Check-in opens ${windowWords(s, w['check-in'])}`)
            : v.now < w['second-check'].from
              ? say(lang, `签到已结束 · 课堂确认 ${windowWords(s, w['second-check'])}`, `Check-in closed · second check ${windowWords(s, w['second-check'])}`)
              : say(lang, '签到和课堂确认都已结束', 'Check-in and the second check are over');
  const title = `${say(lang, '签到码', 'Check-in code')} #${s.no} · ${s.title}`;
  const when = `${s.start.slice(0, 10)} ${s.start.slice(11)}–${s.end.slice(0, 10) === s.start.slice(0, 10) ? s.end.slice(11) : s.end.replace('T', ' ')} (${p.timeZone})`;
  return `<!doctype html>${html`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${v.refreshS}">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/code.css">
</head>
<body class="code-page${raw(kind ? ' is-open' : '')}">
<main>
<p class="session" id="session">${p.name} · #${s.no} ${s.title}</p>
<p class="when" id="when">${when} · ${audienceLabel[s.audience][lang]} · ${deliveryWords(s.delivery, lang)}</p>
${v.code
  ? html`<div class="code" id="code" aria-label="${say(lang, '签到码', 'Check-in code')} ${v.code.split('').join(' ')}">${v.code}</div>
<p class="how" id="how">${say(lang, '在项目群里发送', 'In the project group, send')} <strong>${say(lang, '@机器人', '@bot')} ${word} ${s.no} ${v.code}</strong></p>`
  : ''}
<p class="state" id="state">${state}</p>
${v.code && !s.codeRequired ? html`<p class="note" id="not-required">${say(lang, `这场培训签到现在不需要签到码(「修改培训 ${s.no} 签到码」可开启)。`, `Check-in for this session does not need the code now ("change training ${s.no} code required" turns it on).`)}</p>` : ''}
${v.code ? html`<p class="next" id="next">${say(lang, `每分钟更换 · 下一个 ${v.next} · 刚换下的签到码仍可用 1 分钟`, `A new code every minute · next at ${v.next} · the one before still works for a minute`)}</p>` : ''}
</main>
</body>
</html>`.value}`;
}
