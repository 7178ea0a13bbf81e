import * as OpenCC from 'opencc-js/t2cn';
import type { LexiconFile } from '../rulebook/schema.ts';
import type { Lang } from './types.ts';

const CJK = /[\u3400-\u9fff]/;
const CJK_G = /[\u3400-\u9fff]/g;
const LATIN_WORD_G = /[a-z]{2,}/gi;

/** Chinese when it has Chinese characters at least as many as Latin words ("OA系统多少钱" is Chinese). */
export function languageOf(s: string): Lang {
  const cjk = s.match(CJK_G)?.length ?? 0;
  return cjk > 0 && cjk >= (s.match(LATIN_WORD_G)?.length ?? 0) ? 'zh' : 'en';
}

/** Chinese numerals up to the thousands, as people write headcounts ("一百多", "两百", "五六"). */
function chineseNumber(s: string): number | undefined {
  const digit: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const unit: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  if (s === '几' || s === '几个') return 3;
  if (/^几十/.test(s)) return 30;
  if (/^[上好]?几百|^上百/.test(s)) return 200;
  let total = 0;
  let cur = 0;
  let seen = false;
  for (const ch of s) {
    if (ch in digit) {
      // "五六" (five or six): keep the larger reading
      cur = Math.max(cur, digit[ch]!);
      seen = true;
    } else if (ch in unit) {
      total += (cur || 1) * unit[ch]!;
      cur = 0;
      seen = true;
    } else return undefined;
  }
  return seen ? total + cur : undefined;
}

const ZH_HEADCOUNT = /([0-9]+|[零一二两三四五六七八九十百千几上好]+)\s*[多来余]?\s*[个位名号]?\s*(?:人|用户|员工|学员|同事)/g;
const EN_HEADCOUNT = /\b([0-9]+|hundreds?|dozens?|a handful|a few|few)\s*(?:\+|or more|or so|plus)?\s*(?:people|persons|users|trainees|attendees|participants|staff|employees|learners|students)\b/g;

export interface Normalized {
  /** Canonical text: half-width, lower case, simplified, synonyms rewritten, fillers removed. */
  text: string;
  lang: Lang;
  /** The question contains an everyday office request the rulebook does not cover. */
  offTopicCue: boolean;
}

/**
 * Turns a colloquial question into the canonical form the index uses. The same
 * function prepares the rulebook's own phrases, so both sides meet in the middle.
 */
export function createNormalizer(lexicon: LexiconFile): (raw: string) => Normalized {
  const t2s = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const h = lexicon.headcount;
  const zhMap = new Map<string, string>();
  for (const group of lexicon.synonyms.zh) for (const v of group) zhMap.set(t2s(v.toLowerCase()), t2s(group[0]!.toLowerCase()));
  const enMap = new Map<string, string>();
  for (const group of lexicon.synonyms.en) for (const v of group) enMap.set(v.toLowerCase(), group[0]!.toLowerCase());
  const alt = (keys: Iterable<string>) =>
    [...keys].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const zhRe = zhMap.size ? new RegExp(alt(zhMap.keys()).join('|'), 'g') : undefined;
  const enRe = enMap.size ? new RegExp(`\\b(?:${alt(enMap.keys()).join('|')})\\b`, 'g') : undefined;
  const zhFill = lexicon.fillers.zh.length ? new RegExp(alt(lexicon.fillers.zh.map((f) => t2s(f))).join('|'), 'g') : undefined;
  const cueZh = lexicon.offTopic.zh.map((c) => t2s(c.toLowerCase()));
  const cueEn = lexicon.offTopic.en.length ? new RegExp(`\\b(?:${alt(lexicon.offTopic.en.map((c) => c.toLowerCase())).join('|')})\\b`) : undefined;
  const enFill = lexicon.fillers.en.length ? new RegExp(`\\b(?:${alt(lexicon.fillers.en.map((f) => f.toLowerCase())).join('|')})\\b`, 'g') : undefined;

  return (raw: string): Normalized => {
    let s = raw
      .replace(/<@[A-Z0-9]+>|@\{[^}]*\}|@_user_\d+|@\S+\s+/g, ' ') // mentions
      .normalize('NFKC')
      .toLowerCase();
    s = t2s(s);
    const lang = languageOf(s);
    s = s.replace(/[^\p{L}\p{N}\s'-]+/gu, ' ');
    const offTopicCue = cueZh.some((c) => s.includes(c)) || (cueEn?.test(s) ?? false);
    if (h) {
      s = s.replace(ZH_HEADCOUNT, (m, n: string) => {
        const v = /^[0-9]+$/.test(n) ? Number(n) : chineseNumber(n);
        if (v === undefined) return m;
        return v >= h.many ? ` ${h.manyTerm} ` : v <= h.few ? ` ${h.fewTerm} ` : m;
      });
      s = s.replace(EN_HEADCOUNT, (m, n: string) => {
        const v = /^[0-9]+$/.test(n) ? Number(n) : /hundred/.test(n) ? 200 : /dozen/.test(n) ? 30 : 3;
        return v >= h.many ? ` ${h.manyTerm} ` : v <= h.few ? ` ${h.fewTerm} ` : m;
      });
    }
    if (zhRe) s = s.replace(zhRe, (m) => zhMap.get(m) ?? m);
    if (enRe) s = s.replace(enRe, (m) => enMap.get(m) ?? m);
    if (zhFill) s = s.replace(zhFill, ' ');
    if (enFill) s = s.replace(enFill, ' ');
    return { text: s.replace(/\s+/g, ' ').trim(), lang, offTopicCue };
  };
}

export const hasCjk = (s: string) => CJK.test(s);
