import type { Role } from '../../store/records.ts';
import { mdText } from '../../core/markdown.ts';
import { isValidDate, isValidTimeZone } from '../../calendar/dates.ts';
import { parseRole } from '../model/roles.ts';

type Lang = 'zh' | 'en';

/** A project chat command, read from a message that @-mentions the bot. */
export type ProjectCommand =
  | { kind: 'bind'; lang: Lang; name: string; goLive: string; timeZone?: string }
  | { kind: 'set-role'; lang: Lang; userId: string; role: Role | null }
  /** The person a customer-side role was nominated for answers; `role` when they name one. */
  | { kind: 'answer-role'; lang: Lang; answer: 'accept' | 'decline'; role?: Role }
  | { kind: 'set-time'; lang: Lang; time: string }
  | { kind: 'set-timezone'; lang: Lang; timeZone: string }
  | { kind: 'checklist'; lang: Lang }
  | { kind: 'status'; lang: Lang }
  | { kind: 'signoffs'; lang: Lang }
  /** Recognised as a command but malformed: `error` says how to write it. */
  | { kind: 'invalid'; lang: Lang; error: string };

const USAGE = {
  bind: { zh: '用法:绑定项目 <名称> 上线日期 <YYYY-MM-DD>', en: 'usage: bind project <name> go-live <YYYY-MM-DD>' },
  role: { zh: '用法:设置角色 @某人 客户项目负责人|项目经理|IT负责人|成员', en: 'usage: set role @someone customer-lead|vendor-pm|it-lead|member' },
  answer: { zh: '用法:接受角色 / 拒绝角色(可加角色名)', en: 'usage: accept role / decline role (optionally the role)' },
  time: { zh: '用法:设置提醒时间 08:30', en: 'usage: set time 08:30' },
  tz: { zh: '用法:设置时区 Asia/Shanghai(IANA 时区名)', en: 'usage: set timezone Europe/Berlin (an IANA zone name)' },
};

/** "2026-10-20", "2026/10/20", "2026.10.20", "2026年10月20日" → "2026-10-20"; undefined if not a real date. */
export function parseDate(s: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s.trim());
  if (!m) return undefined;
  const d = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isValidDate(d) ? d : undefined;
}

const unquote = (s: string) => s.trim().replace(/^["'“”「『《]+|["'“”」』》]+$/g, '').trim();

function bind(lang: Lang, name: string, date: string, tz?: string): ProjectCommand {
  const n = unquote(name);
  const goLive = parseDate(date);
  if (!n || n.length > 60) return { kind: 'invalid', lang, error: `${lang === 'zh' ? '项目名称需 1–60 个字' : 'the project name must be 1–60 characters'}. ${USAGE.bind[lang]}` };
  if (!goLive) return { kind: 'invalid', lang, error: `${lang === 'zh' ? `"${mdText(date)}" 不是有效日期` : `"${mdText(date)}" is not a valid date`}. ${USAGE.bind[lang]}` };
  if (tz !== undefined && !isValidTimeZone(tz)) return { kind: 'invalid', lang, error: `${lang === 'zh' ? `不认识时区 "${mdText(tz)}"` : `unknown time zone "${mdText(tz)}"`}. ${USAGE.tz[lang]}` };
  return { kind: 'bind', lang, name: n, goLive, ...(tz ? { timeZone: tz } : {}) };
}

function role(lang: Lang, userId: string | undefined, word: string): ProjectCommand {
  if (!userId) return { kind: 'invalid', lang, error: `${lang === 'zh' ? '请 @ 要设置角色的人' : 'mention the person whose role to set'}. ${USAGE.role[lang]}` };
  const r = parseRole(word);
  if (r === undefined) return { kind: 'invalid', lang, error: `${lang === 'zh' ? `不认识角色 "${mdText(word)}"` : `unknown role "${mdText(word)}"`}. ${USAGE.role[lang]}` };
  return { kind: 'set-role', lang, userId, role: r };
}

function answerRole(lang: Lang, answer: 'accept' | 'decline', word: string): ProjectCommand {
  if (!word.trim()) return { kind: 'answer-role', lang, answer };
  const r = parseRole(word);
  if (!r) return { kind: 'invalid', lang, error: `${lang === 'zh' ? `不认识角色 "${mdText(word)}"` : `unknown role "${mdText(word)}"`}. ${USAGE.answer[lang]}` };
  return { kind: 'answer-role', lang, answer, role: r };
}

function time(lang: Lang, h: string, m = '00'): ProjectCommand {
  const hh = Number(h);
  const mm = Number(m);
  if (hh > 23 || mm > 59) return { kind: 'invalid', lang, error: `${lang === 'zh' ? '时间无效' : 'not a valid time'}. ${USAGE.time[lang]}` };
  return { kind: 'set-time', lang, time: `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}` };
}

/** Reads a command from text with the bot's mention already removed; null when it is none. */
export function parseProjectCommand(text: string): ProjectCommand | null {
  const s = text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/[。.!！]+$/u, '');
  let m: RegExpExecArray | null;

  // bind
  if ((m = /^绑定(?:项目)?\s*[:：]?\s*(.+?)\s*[,，]?\s*上线(?:日期|时间)?\s*[:：为是]?\s*(\S+?)(?:\s*[,，]?\s*时区\s*[:：为]?\s*(\S+))?$/u.exec(s))) return bind('zh', m[1]!, m[2]!, m[3]);
  if (/^绑定(?:项目)?(?:\s|$)/u.test(s)) return { kind: 'invalid', lang: 'zh', error: USAGE.bind.zh };
  if ((m = /^bind(?: project)?\s+(.+?)\s*,?\s+go[- ]?live(?: date)?(?: on| is| at)?\s*:?\s*(\S+?)(?:\s*,?\s+(?:tz|time ?zone)\s*:?\s*(\S+))?$/i.exec(s))) return bind('en', m[1]!, m[2]!, m[3]);
  if (/^bind(?:\s|$)/i.test(s)) return { kind: 'invalid', lang: 'en', error: USAGE.bind.en };

  // set role
  if ((m = /^(?:设置|设定|指定)(?:角色)?\s*[:：]?\s*(?:@\{([^}]+)\})?\s*(?:为|是|的角色为|[:：])?\s*(\S*)$/u.exec(s)) && (m[1] || /^设置角色/u.test(s))) return role('zh', m[1], m[2] ?? '');
  if ((m = /^set role\s*(?:@\{([^}]+)\})?\s*(?:to|as|=|:)?\s*(.*)$/i.exec(s))) return role('en', m[1], m[2] ?? '');
  if ((m = /^set\s+@\{([^}]+)\}\s+(?:role\s+)?(?:to|as)?\s*(.+)$/i.exec(s))) return role('en', m[1], m[2]!);

  // accept / decline a nominated role
  if ((m = /^(接受|拒绝|谢绝)(?:角色|提名)?\s*[:：]?\s*(\S*)$/u.exec(s)) && (m[2] || /角色|提名/u.test(s))) return answerRole('zh', m[1] === '接受' ? 'accept' : 'decline', m[2]!);
  if ((m = /^(accept|decline)(?: the)?(?: role| nomination)\s*:?\s*(.*)$/i.exec(s))) return answerRole('en', m[1]!.toLowerCase() === 'accept' ? 'accept' : 'decline', m[2]!);

  // set time / time zone
  if ((m = /^设置(?:提醒|发送|推送|清单)?时间\s*[:：为]?\s*(?:(\d{1,2})[:：点](\d{2})?分?|(\S*))$/u.exec(s))) return m[1] ? time('zh', m[1], m[2]) : { kind: 'invalid', lang: 'zh', error: USAGE.time.zh };
  if ((m = /^set (?:reminder |post(?:ing)? |checklist )?time\s*(?:to\s*)?(?:(\d{1,2}):(\d{2})|(\S*))$/i.exec(s))) return m[1] ? time('en', m[1], m[2]) : { kind: 'invalid', lang: 'en', error: USAGE.time.en };
  if ((m = /^设置时区\s*[:：为]?\s*(\S*)$/u.exec(s))) return isValidTimeZone(m[1]!) && m[1] ? { kind: 'set-timezone', lang: 'zh', timeZone: m[1] } : { kind: 'invalid', lang: 'zh', error: USAGE.tz.zh };
  if ((m = /^set (?:time ?zone|tz)\s*(?:to\s*)?(\S*)$/i.exec(s))) return isValidTimeZone(m[1]!) && m[1] ? { kind: 'set-timezone', lang: 'en', timeZone: m[1] } : { kind: 'invalid', lang: 'en', error: USAGE.tz.en };

  // views
  if (/^(?:清单|检查清单|上线清单|准备清单|发清单|发一下清单|看清单)$/u.test(s)) return { kind: 'checklist', lang: 'zh' };
  if (/^(?:(?:show |post )?checklist|list)$/i.test(s)) return { kind: 'checklist', lang: 'en' };
  if (/^(?:进度|状态|项目进度|上线进度)$/u.test(s)) return { kind: 'status', lang: 'zh' };
  if (/^(?:status|progress)$/i.test(s)) return { kind: 'status', lang: 'en' };
  if (/^(?:签字记录|确认记录|签字|审计记录)$/u.test(s)) return { kind: 'signoffs', lang: 'zh' };
  if (/^(?:sign-?offs?|audit(?: trail)?)$/i.test(s)) return { kind: 'signoffs', lang: 'en' };
  return null;
}
