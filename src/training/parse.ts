import { mdText } from '../core/markdown.ts';
import { escapeRegExp } from '../core/regexp.ts';
import { addDays, isValidDate } from '../calendar/dates.ts';
import type { SessionDraft, SessionPatch } from './decide.ts';
import type { Audience, CheckKind } from './model.ts';
import type { Lang } from './words.ts';

/**
 * Training commands, read from a message that @-mentions the bot (mention removed):
 *
 *   新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室 [讲师 客户] [标题 …] [部门 …] [超额原因 …]
 *   new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3 [trainer customer] [title …] [dept …] [override …]
 *   修改培训 3 上限50 / change training 3 cap 50     (any of the fields above)
 *   取消培训 3 / cancel training 3 · 培训列表 / trainings · 培训 3 / training 3 · 培训报告 / training report
 *   签到 3 [1234] / check in 3 [1234] · 确认在场 3 [1234] / still here 3 [1234]
 *   签到情况 3 / attendance 3 · 签到码 3 / check-in code 3 (the code page's address)
 *   已观看 3 / watched 3 (a recorded video)
 *
 * `签到码 必须` / `code required` (on site) when planning or changing: check-in needs the code the
 * trainer's screen shows; `签到码 不需要` / `no code` turns it off; `修改培训 3 签到码` turns it on.
 * Delivery: 地点 <place> / at <place> (on site), 链接 <https://…> / link <https://…> (video
 * meeting), 录播 <https://…> / recorded <https://…> (recorded video). The override reason takes
 * the rest of the message, so it comes last. `error`s are core markdown (typed text through mdText).
 */
export type TrainingCommand =
  | { kind: 'create'; lang: Lang; draft: SessionDraft }
  | { kind: 'change'; lang: Lang; no: number; patch: SessionPatch }
  | { kind: 'cancel'; lang: Lang; no: number }
  | { kind: 'list'; lang: Lang }
  /** 培训报告 / training report: the project's training figures (report-model.ts). */
  | { kind: 'goal'; lang: Lang; percent?: number; audience: Audience | 'all' }
  | { kind: 'report'; lang: Lang }
  | { kind: 'show'; lang: Lang; no: number }
  /** 签到 / check in, 确认在场 / still here: `no` absent = the one session whose check is open now; `code` as typed. */
  | { kind: 'check'; lang: Lang; check: CheckKind; no?: number; code?: string; maybeCode?: string }
  | { kind: 'attendance'; lang: Lang; no: number }
  /** 已观看 3 / watched 3: a recorded video was watched (model.ts watched). */
  | { kind: 'watched'; lang: Lang; no: number }
  /** 签到码 3 / check-in code 3: where the trainer's code page is (never the code itself). */
  | { kind: 'code-page'; lang: Lang; no: number }
  /** 开始考试 3 [题库] / start exam 3 [bank], 结束考试 3 / end exam 3, 考试成绩 3 / exam results 3. */
  | { kind: 'exam-start'; lang: Lang; no: number; module?: string }
  | { kind: 'exam-end'; lang: Lang; no: number }
  /** 补考 3 / retake exam 3: a new round for those who did not pass (exam.ts decideRetake). */
  | { kind: 'exam-retake'; lang: Lang; no: number }
  | { kind: 'exam-results'; lang: Lang; no: number }
  | { kind: 'invalid'; lang: Lang; error: string };

export const USAGE = {
  create: {
    zh: '用法:新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室(或 链接 https://… / 录播 https://…;可加 讲师 客户、标题 …、部门 …、职责 …(5.2-16:学员回去做什么)、练习 …(随通知发布的课前练习);超过 60 人加 超额原因 …,放在最后)',
    en: 'usage: new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3 (or link https://… / recorded https://…; optionally trainer customer, title …, dept …, duty … (5.2-16: what attendees must do), exercises … (published with the notice); above 60 add override <reason>, last)',
  },
  change: { zh: '用法:修改培训 3 上限50(可改日期、时间、对象、上限、地点/链接、讲师、标题、部门、签到码)', en: 'usage: change training 3 cap 50 (date, time, audience, cap, place/link, trainer, title, dept, code required / no code)' },
  goal: { zh: '用法:设置培训目标 90% 关键用户(对象可为 全部 / 高层领导 / 中层管理 / 普通员工 / 关键用户 / 管理员,默认关键用户);取消培训目标', en: 'usage: training goal 90% key-users (all / leaders / middle-managers / staff / key-users / admins; default key-users); clear training goal' },
  check: { zh: '用法:签到 3(需要签到码时:签到 3 1234);课堂确认:确认在场 3', en: 'usage: check in 3 (with the code when needed: check in 3 1234); the second check: still here 3' },
};

const LEVELS: [RegExp, Audience][] = [
  [/^(高层领导|高层|领导|高管|领导层|senior[- ]?leaders?|leaders?|leadership|executives?)$/iu, 'leaders'],
  [/^(中层管理|中层|中层干部|中层领导|部门经理|middle[- ]?managers?|middle[- ]?management|middle|managers?)$/iu, 'middle'],
  [/^(普通员工|员工|全员|staff|employees?|all staff|users?)$/iu, 'staff'],
  [/^(关键用户|key[- ]?users?)$/iu, 'key-users'],
  [/^(管理员|系统管理员|admins?|administrators?|system admins?)$/iu, 'admins'],
];
/** 培训目标 90% [对象]: the audience defaults to key users (the rulebook's trained-first group); 全部 / all is everyone invited. */
function goalCommand(lang: Lang, percent: number, who: string | undefined): TrainingCommand {
  if (percent < 1 || percent > 100) return { kind: 'invalid', lang, error: USAGE.goal[lang] };
  if (!who) return { kind: 'goal', lang, percent, audience: 'key-users' };
  if (/^(全部|所有人|全体|all|everyone)$/iu.test(who)) return { kind: 'goal', lang, percent, audience: 'all' };
  const level = LEVELS.find(([re]) => re.test(who))?.[1];
  return level ? { kind: 'goal', lang, percent, audience: level } : { kind: 'invalid', lang, error: `${mdText(who)}: ${USAGE.goal[lang]}` };
}

export const LEVEL_WORDS = { zh: '高层领导 / 中层管理 / 普通员工 / 关键用户 / 管理员', en: 'leaders / middle-managers / staff / key-users / admins' };

type Field = 'capacity' | 'place' | 'link' | 'recorded' | 'trainer' | 'title' | 'departments' | 'code' | 'duty' | 'exercises' | 'reason';
/** Keywords, longest first within a field; Chinese ones may touch their value (上限40, 地点三楼). */
const KEYS: [string, Field, 'zh' | 'en'][] = [
  ['人数上限', 'capacity', 'zh'], ['上限', 'capacity', 'zh'], ['名额', 'capacity', 'zh'], ['人数', 'capacity', 'zh'],
  ['地点', 'place', 'zh'], ['地址', 'place', 'zh'],
  ['会议链接', 'link', 'zh'], ['视频会议', 'link', 'zh'], ['链接', 'link', 'zh'],
  ['录播', 'recorded', 'zh'], ['录屏', 'recorded', 'zh'],
  ['讲师', 'trainer', 'zh'],
  ['标题', 'title', 'zh'], ['主题', 'title', 'zh'],
  ['部门', 'departments', 'zh'],
  ['签到码', 'code', 'zh'],
  ['学员职责', 'duty', 'zh'], ['职责', 'duty', 'zh'],
  ['课前练习', 'exercises', 'zh'], ['练习', 'exercises', 'zh'],
  ['超额原因', 'reason', 'zh'], ['超额理由', 'reason', 'zh'], ['覆盖原因', 'reason', 'zh'],
  // Few English words, and none a place's name would start with ("at Room 3", "at Video Lab").
  ['capacity', 'capacity', 'en'], ['cap', 'capacity', 'en'], ['limit', 'capacity', 'en'],
  ['at', 'place', 'en'], ['place', 'place', 'en'], ['location', 'place', 'en'],
  ['link', 'link', 'en'],
  ['recorded', 'recorded', 'en'], ['recording', 'recorded', 'en'],
  ['trainer', 'trainer', 'en'],
  ['title', 'title', 'en'],
  ['departments', 'departments', 'en'], ['dept', 'departments', 'en'],
  // Two words each, so "at Code Lab" stays a place.
  ['code required', 'code', 'en'], ['no code', 'code', 'en'],
  ['duty', 'duty', 'en'],
  ['exercises', 'exercises', 'en'], ['homework', 'exercises', 'en'],
  ['override', 'reason', 'en'],
];
const KEY_RE = new RegExp(
  `(?:^|\\s)(?:(${KEYS.filter((k) => k[2] === 'zh').map((k) => escapeRegExp(k[0])).join('|')})|(${KEYS.filter((k) => k[2] === 'en').map((k) => escapeRegExp(k[0])).join('|')})(?=[\\s:]|\\d|$))\\s*:?\\s*`,
  'giu',
);
const fieldOf = (word: string): Field => KEYS.find((k) => k[0].toLowerCase() === word.toLowerCase())![1];

const DATE = String.raw`(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`;
const TIME = String.raw`(\d{1,2})\s*[:点]\s*(\d{2})?`;
const RANGE = String.raw`${TIME}\s*(?:-|~|–|—|至|到|to)\s*${TIME}`;

const hhmm = (h: string, m: string | undefined) => {
  const hh = Number(h);
  const mm = Number(m ?? '0');
  return hh > 23 || mm > 59 ? undefined : `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
};

/**
 * MM-DD without a year: this year's, unless that was more than 60 days ago (then next year's:
 * "01-12" said in December). A day just past stays this year's, so the reply says it is past.
 */
function resolveDate(y: string | undefined, mo: string, d: string, today: string): string | undefined {
  const md = `${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (y) return isValidDate(`${y}-${md}`) ? `${y}-${md}` : undefined;
  const year = Number(today.slice(0, 4));
  const iso = `${year}-${md}`;
  if (isValidDate(iso) && iso >= addDays(today, -60)) return iso;
  return isValidDate(`${year + 1}-${md}`) ? `${year + 1}-${md}` : isValidDate(iso) ? iso : undefined;
}

const TRAINERS: [RegExp, SessionDraft['trainer'] & string][] = [
  [/^(客户|客户方|客户管理员|甲方|customer|customer[- ]admins?|client|the customer)$/iu, 'customer-admin'],
  [/^(厂商|厂家|实施方|乙方|我方|供应商|vendor|implementer|us)$/iu, 'vendor'],
];

const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/** The fields of a create or change, from what follows the command words. */
function body(lang: Lang, rest: string, today: string, need: 'all' | 'some'): { patch: SessionPatch } | { error: string } {
  const usage = need === 'all' ? USAGE.create[lang] : USAGE.change[lang];
  const bad = (zh: string, en: string) => ({ error: `${lang === 'zh' ? zh : en}. ${usage}` });
  const patch: SessionPatch = {};
  let s = rest.trim();
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^${DATE}(?=\\s|\\d|$)\\s*`, 'u').exec(s))) {
    const date = resolveDate(m[1], m[2]!, m[3]!, today);
    if (!date) return bad(`"${mdText(m[0].trim())}" 不是有效日期`, `"${mdText(m[0].trim())}" is not a valid date`);
    patch.date = date;
    s = s.slice(m[0].length);
  } else if (need === 'all') return bad('缺少日期', 'the date is missing');
  if ((m = new RegExp(`^${RANGE}\\s*`, 'iu').exec(s))) {
    const from = hhmm(m[1]!, m[2]);
    const to = hhmm(m[3]!, m[4]);
    if (!from || !to) return bad(`"${mdText(m[0].trim())}" 不是有效时间`, `"${mdText(m[0].trim())}" is not a valid time`);
    patch.from = from;
    patch.to = to;
    s = s.slice(m[0].length);
  } else if (need === 'all') return bad('缺少时间段(如 14:00-16:00)', 'the time (e.g. 14:00-16:00) is missing');

  // Keyword segments; what comes before the first keyword is the audience level.
  const marks = [...s.matchAll(KEY_RE)];
  const head = (marks[0] ? s.slice(0, marks[0].index) : s).trim();
  const fields = new Map<Field, { v: string; word: string }>();
  for (let i = 0; i < marks.length; i++) {
    const mk = marks[i]!;
    const word = (mk[1] ?? mk[2])!;
    const field = fieldOf(word);
    // The reason takes everything after it: it is free text and may contain keyword words.
    if (field === 'reason') {
      fields.set(field, { v: s.slice(mk.index + mk[0].length).trim(), word });
      break;
    }
    if (fields.has(field)) return bad(`"${mdText(word)}" 出现了两次`, `"${mdText(word)}" is given twice`);
    const end = marks[i + 1]?.index ?? s.length;
    fields.set(field, { v: s.slice(mk.index + mk[0].length, end).trim(), word });
  }
  if (head) {
    const level = LEVELS.find(([re]) => re.test(head))?.[1];
    if (!level) return bad(`不认识培训对象 "${mdText(head)}"(可用:${LEVEL_WORDS.zh})`, `unknown audience "${mdText(head)}" (one of: ${LEVEL_WORDS.en})`);
    patch.audience = level;
  } else if (need === 'all') return bad(`缺少培训对象(${LEVEL_WORDS.zh})`, `the audience is missing (${LEVEL_WORDS.en})`);

  for (const [field, { v, word }] of fields) {
    if (field === 'code') {
      const on = codeSwitch(word, v);
      if (on === undefined) return bad(`"${mdText(word)} ${mdText(v)}" 看不懂(签到码 必须 / 签到码 不需要)`, `"${mdText(word)} ${mdText(v)}" is not understood (code required / no code)`);
      patch.codeRequired = on;
      continue;
    }
    if (!v) return bad(`"${mdText(word)}" 后面缺少内容`, `nothing after "${mdText(word)}"`);
    switch (field) {
      case 'capacity': {
        const n = /^(\d{1,5})\s*(?:人|名|位|people|persons?|seats?)?$/iu.exec(v);
        if (!n || Number(n[1]) < 1) return bad(`上限 "${mdText(v)}" 不是人数`, `cap "${mdText(v)}" is not a number of people`);
        patch.capacity = Number(n[1]);
        break;
      }
      case 'place':
        if ([...v].length > 100) return bad('地点最多 100 个字', 'the place is at most 100 characters');
        patch.delivery = { kind: 'onsite', place: v };
        break;
      case 'link':
      case 'recorded':
        if (!isHttpUrl(v) || /\s/.test(v)) return bad(`"${mdText(v)}" 不是 http(s) 链接`, `"${mdText(v)}" is not an http(s) link`);
        patch.delivery = { kind: field === 'link' ? 'video' : 'recorded', link: v };
        break;
      case 'trainer': {
        const t = TRAINERS.find(([re]) => re.test(v))?.[1];
        if (!t) return bad(`不认识讲师 "${mdText(v)}"(客户 / 厂商)`, `unknown trainer "${mdText(v)}" (customer / vendor)`);
        patch.trainer = t;
        break;
      }
      case 'title':
        if ([...v].length > 100) return bad('标题最多 100 个字', 'the title is at most 100 characters');
        patch.title = v;
        break;
      case 'departments':
        patch.departments = v.split(/\s*[,，、;；/]\s*/u).filter(Boolean);
        break;
      case 'duty':
        if ([...v].length > 300) return bad('职责最多 300 个字', 'the duty is at most 300 characters');
        patch.duty = v;
        break;
      case 'exercises':
        if ([...v].length > 500) return bad('练习最多 500 个字', 'the exercises are at most 500 characters');
        patch.exercises = v;
        break;
      case 'reason':
        patch.overrideReason = v;
        break;
      default: {
        const never: never = field;
        throw new Error(`unknown field ${String(never)}`);
      }
    }
  }
  const deliveries = (['place', 'link', 'recorded'] as const).filter((f) => fields.has(f));
  if (deliveries.length > 1) return bad('地点、链接、录播只能选一种', 'give one of place, link or recorded');
  if (need === 'all' && !patch.delivery) return bad('缺少地点(地点 …)或链接(链接 https://… / 录播 https://…)', 'the place (at …) or a link (link https://… / recorded https://…) is missing');
  if (need === 'some' && !Object.keys(patch).length) return bad('没有要修改的内容', 'nothing to change');
  return { patch };
}

/** `签到码` alone or with 必须/需要/开启 is on, with 不需要/关闭 off; `code required` on, `no code` off (nothing after either). */
function codeSwitch(word: string, v: string): boolean | undefined {
  const w = word.toLowerCase();
  if (w === 'code required') return v ? undefined : true;
  if (w === 'no code') return v ? undefined : false;
  if (!v || /^(必须|必需|需要|要|是|开|开启|启用|on|required)$/iu.test(v)) return true;
  if (/^(不需要|不必|不要|无|否|关|关闭|取消|off|none)$/iu.test(v)) return false;
  return undefined;
}

/** Reads a training command; null when the text is none. `today` (the project's local date) resolves "12-10". */
export function parseTrainingCommand(text: string, today: string): TrainingCommand | null {
  const s = text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/[。!！]+$/u, '');
  let m: RegExpExecArray | null;

  if ((m = /^(?:新建|创建|新增|安排|添加)培训(?:场次)?\s*:?\s*(.*)$/u.exec(s))) return create('zh', m[1]!, today);
  if ((m = /^(?:new|create|add|schedule|plan) training(?: session)?\s*:?\s*(.*)$/iu.exec(s))) return create('en', m[1]!, today);
  if ((m = /^(?:修改|更改|调整|变更)培训\s*#?(\d{1,4})\s*(.*)$/u.exec(s))) return change('zh', Number(m[1]), m[2]!, today);
  if (/^(?:修改|更改|调整|变更)培训/u.test(s)) return { kind: 'invalid', lang: 'zh', error: USAGE.change.zh };
  if ((m = /^(?:change|edit|update|move) training\s*#?(\d{1,4})\s*(.*)$/iu.exec(s))) return change('en', Number(m[1]), m[2]!, today);
  if (/^(?:change|edit|update) training\b/iu.test(s)) return { kind: 'invalid', lang: 'en', error: USAGE.change.en };
  if ((m = /^取消培训\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'cancel', lang: 'zh', no: Number(m[1]) };
  if (/^取消培训(?!目标)/u.test(s)) return { kind: 'invalid', lang: 'zh', error: '用法:取消培训 3(编号见「培训列表」)' };
  if ((m = /^cancel training\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'cancel', lang: 'en', no: Number(m[1]) };
  if (/^cancel training\b/iu.test(s)) return { kind: 'invalid', lang: 'en', error: 'usage: cancel training 3 (numbers as in "trainings")' };
  if ((m = /^(?:已观看|已看完|看完了|已看)(?:录播)?\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'watched', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:watched|i watched|seen|i've watched)(?: (?:the )?recording)?\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'watched', lang: 'en', no: Number(m[1]) };
  if ((m = /^(?:设置|设定)?培训目标\s*(\d{1,3})\s*[%％]\s*(?:对象\s*)?(\S+)?$/u.exec(s))) return goalCommand('zh', Number(m[1]), m[2]);
  if (/^(?:取消|清除|删除)培训目标$/u.test(s)) return { kind: 'goal', lang: 'zh', audience: 'all' };
  if ((m = /^(?:set )?(?:the )?training goal\s*(?:to\s*)?(\d{1,3})\s*%\s*(?:of\s*)?(\S+)?$/iu.exec(s))) return goalCommand('en', Number(m[1]), m[2]);
  if (/^(?:clear|remove|delete) (?:the )?training goal$/iu.test(s)) return { kind: 'goal', lang: 'en', audience: 'all' };
  if (/^(?:设置|设定)?培训目标/u.test(s)) return { kind: 'invalid', lang: 'zh', error: USAGE.goal.zh };
  if (/^(?:培训报告|培训情况|培训统计|培训汇总)$/u.test(s)) return { kind: 'report', lang: 'zh' };
  if (/^(?:training report|training summary|training figures|training stats)$/iu.test(s)) return { kind: 'report', lang: 'en' };
  if (/^(?:培训列表|培训计划|培训安排|培训场次|所有培训|查看培训)$/u.test(s)) return { kind: 'list', lang: 'zh' };
  if (/^(?:trainings|training sessions|training list|list trainings|training plan|show trainings)$/iu.test(s)) return { kind: 'list', lang: 'en' };
  if ((m = /^开始考试\s*#?(\d{1,4})(?:\s+(?:题库\s*)?([a-z0-9][a-z0-9-]{0,39}))?$/iu.exec(s))) return { kind: 'exam-start', lang: 'zh', no: Number(m[1]), ...(m[2] ? { module: m[2].toLowerCase() } : {}) };
  if ((m = /^start (?:the )?exam\s*#?(\d{1,4})(?:\s+(?:bank\s+)?([a-z0-9][a-z0-9-]{0,39}))?$/iu.exec(s))) return { kind: 'exam-start', lang: 'en', no: Number(m[1]), ...(m[2] ? { module: m[2].toLowerCase() } : {}) };
  if ((m = /^(?:结束考试|考试结束)\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'exam-end', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:end|close) (?:the )?exam\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'exam-end', lang: 'en', no: Number(m[1]) };
  if ((m = /^(?:补考|重考|开始补考)\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'exam-retake', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:retake|re-?sit|start (?:the )?retake)(?: (?:the )?exam)?\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'exam-retake', lang: 'en', no: Number(m[1]) };
  if ((m = /^(?:考试成绩|成绩)\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'exam-results', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:exam results|exam scores|scores)\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'exam-results', lang: 'en', no: Number(m[1]) };
  if ((m = /^(?:签到情况|签到记录|签到名单|出勤|出勤情况|考勤)\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'attendance', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:attendance|attendance of|check-ins|checkins)\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'attendance', lang: 'en', no: Number(m[1]) };
  if ((m = /^(?:签到码|签到码页面)\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'code-page', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:check[- ]?in code|code page)\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'code-page', lang: 'en', no: Number(m[1]) };
  // 签到 [N [code]]: a question that starts with 签到 ("签到之后走了怎么办") is none of these.
  if ((m = /^签到\s*(?:#?(\d{1,4})(?:\s+(?:签到码\s*)?(\S{1,12}))?)?$/u.exec(s))) return check('zh', 'check-in', m[1], m[2]);
  if ((m = /^(?:确认在场|课堂确认|在场确认|我还在)\s*(?:#?(\d{1,4})(?:\s+(?:签到码\s*)?(\S{1,12}))?)?$/u.exec(s))) return check('zh', 'second-check', m[1], m[2]);
  if ((m = /^(?:check[- ]?in|sign[- ]?in)\s*(?:#?(\d{1,4})(?:\s+(?:code\s*)?(\S{1,12}))?)?$/iu.exec(s))) return check('en', 'check-in', m[1], m[2]);
  if ((m = /^(?:still here|i'?m still here|second check)\s*(?:#?(\d{1,4})(?:\s+(?:code\s*)?(\S{1,12}))?)?$/iu.exec(s))) return check('en', 'second-check', m[1], m[2]);
  if (/^(?:签到|确认在场|课堂确认)\s*#?\d/u.test(s)) return { kind: 'invalid', lang: 'zh', error: USAGE.check.zh };
  if (/^(?:check[- ]?in|still here)\s*#?\d/iu.test(s)) return { kind: 'invalid', lang: 'en', error: USAGE.check.en };
  if ((m = /^培训\s*#?(\d{1,4})$/u.exec(s))) return { kind: 'show', lang: 'zh', no: Number(m[1]) };
  if ((m = /^(?:training|show training)\s*#?(\d{1,4})$/iu.exec(s))) return { kind: 'show', lang: 'en', no: Number(m[1]) };
  return null;
}

/** `签到 4821`: a lone four digits may be the code typed without the number (`maybeCode`: the chat edge decides, by whether such a session exists). */
const check = (lang: Lang, kind: CheckKind, no: string | undefined, code: string | undefined): TrainingCommand => ({
  kind: 'check',
  lang,
  check: kind,
  ...(no ? { no: Number(no) } : {}),
  ...(code ? { code } : {}),
  ...(no && !code && /^\d{4}$/.test(no) ? { maybeCode: no } : {}),
});

function create(lang: Lang, rest: string, today: string): TrainingCommand {
  if (!rest.trim()) return { kind: 'invalid', lang, error: USAGE.create[lang] };
  const r = body(lang, rest, today, 'all');
  if ('error' in r) return { kind: 'invalid', lang, error: r.error };
  const p = r.patch;
  return { kind: 'create', lang, draft: { ...p, date: p.date!, from: p.from!, to: p.to!, audience: p.audience!, delivery: p.delivery! } };
}

function change(lang: Lang, no: number, rest: string, today: string): TrainingCommand {
  const r = body(lang, rest, today, 'some');
  if ('error' in r) return { kind: 'invalid', lang, error: r.error };
  return { kind: 'change', lang, no, patch: r.patch };
}
