import { audienceLabel, type Delivery, type Session } from './model.ts';
import type { z } from 'zod';

/**
 * Plain-text words for a session, shared by the audit trail (decide.ts freezes them into events)
 * and the cards (card.ts puts them through mdText): what came from a person (title, place, link)
 * stays in them as it was typed, so every caller escapes for its renderer.
 */

export type Lang = 'zh' | 'en';
export interface Said {
  zh: string;
  en: string;
}

export const TRAINER_LABEL: Record<Session['trainer'], Said> = {
  vendor: { zh: '厂商', en: 'vendor' },
  'customer-admin': { zh: '客户管理员', en: "the customer's admin" },
};

/** "现场:三楼会议室" / "video meeting: https://…". */
export function deliveryWords(d: z.infer<typeof Delivery>, lang: Lang): string {
  switch (d.kind) {
    case 'onsite':
      return lang === 'zh' ? `现场:${d.place}` : `on site: ${d.place}`;
    case 'video':
      return lang === 'zh' ? `视频会议:${d.link}` : `video meeting: ${d.link}`;
    case 'recorded':
      return lang === 'zh' ? `录播视频:${d.link}` : `recorded video: ${d.link}`;
    default: {
      const never: never = d;
      throw new Error(`unknown delivery ${JSON.stringify(never)}`);
    }
  }
}

/** "2026-12-10 14:00–16:00" (the end's date too when it is another day). */
export function whenWords(s: Pick<Session, 'start' | 'end'>): string {
  const sameDay = s.start.slice(0, 10) === s.end.slice(0, 10);
  return `${s.start.slice(0, 10)} ${s.start.slice(11)}–${sameDay ? s.end.slice(11) : s.end.replace('T', ' ')}`;
}

/** "#3 中层管理培训 · 12-10 14:00–16:00": how the trail and the replies name a session. */
export function sessionLabel(s: Pick<Session, 'no' | 'title' | 'start' | 'end'>): string {
  return `#${s.no} ${s.title} · ${whenWords(s).slice(5)}`;
}

export const defaultTitle = (a: Session['audience'], lang: Lang) => (lang === 'zh' ? `${audienceLabel[a].zh}培训` : `Training for ${audienceLabel[a].en}`);

/** The session's terms in one line: when, for whom, how, by whom, how many. */
export function termsWords(s: Session, lang: Lang): string {
  const parts = [
    whenWords(s),
    audienceLabel[s.audience][lang],
    ...(s.departments.length ? [s.departments.join(lang === 'zh' ? '、' : ', ')] : []),
    deliveryWords(s.delivery, lang),
    lang === 'zh' ? `讲师:${TRAINER_LABEL[s.trainer].zh}` : `trainer: ${TRAINER_LABEL[s.trainer].en}`,
    lang === 'zh' ? `上限 ${s.capacity} 人` : `limit ${s.capacity}`,
    ...(s.codeRequired ? [lang === 'zh' ? '签到需签到码' : 'check-in needs the code'] : []),
  ];
  return parts.join(' · ');
}

/** What a change changed, one phrase per field: "上限 40 → 50". */
export function changeWords(before: Session, after: Session, lang: Lang): string[] {
  const out: string[] = [];
  const add = (zh: string, en: string, a: string, b: string) => {
    if (a !== b) out.push(lang === 'zh' ? `${zh} ${a} → ${b}` : `${en} ${a} → ${b}`);
  };
  add('标题', 'title', before.title, after.title);
  add('时间', 'time', whenWords(before), whenWords(after));
  add('对象', 'audience', audienceLabel[before.audience][lang], audienceLabel[after.audience][lang]);
  add('部门', 'departments', before.departments.join('、') || '-', after.departments.join('、') || '-');
  add('方式', 'delivery', deliveryWords(before.delivery, lang), deliveryWords(after.delivery, lang));
  add('讲师', 'trainer', TRAINER_LABEL[before.trainer][lang], TRAINER_LABEL[after.trainer][lang]);
  add('上限', 'limit', String(before.capacity), String(after.capacity));
  const code = (x: Session) => (x.codeRequired ? (lang === 'zh' ? '必须' : 'required') : lang === 'zh' ? '不需要' : 'not needed');
  add('签到码', 'check-in code', code(before), code(after));
  add('职责', 'duty', before.duty ?? '-', after.duty ?? '-');
  add('课前练习', 'exercises', before.exercises ?? '-', after.exercises ?? '-');
  return out;
}
