import * as OpenCC from 'opencc-js/t2cn';
import type { LexiconFile } from '../rulebook/schema.ts';
import { escapeRegExp } from '../core/regexp.ts';
import { PhraseTrie } from './phrases.ts';
import { createTypoFixer } from './typos.ts';
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

/**
 * "不是X,而是Y" / "我要的不是X,也不是Y,就是Z": people set a close rule aside to say which one
 * they mean. X is what the question is NOT about, so it is dropped before matching, or the
 * rule it names would win. Only with the asserting clause after it (而是/就是/只是/是, never
 * 是不是/是否), and never "是不是" itself, so a plain negation keeps its words.
 */
const ZH_CONTRAST =
  /(?:我要的|我说的|我问的|要的|说的|问的|说)?(?<!是)不是(?:说|问)?[^，,。？?！!；;]{1,40}?(?:[，,]\s*(?:也|更|又)不是[^，,。？?！!；;]{1,40}?)*(?:[，,]\s*|(?=而是))(?=而是|就是|只是|倒是|是(?!不是|否))/g;

/**
 * The English form: "Not about X, (I mean) Y", "Not the X. Y", "This isn't about X. It's about
 * Y". Only at the start of a sentence, with a word that sets something aside (about, asking,
 * the) and more text after it, so "users do not attend" and "not sure" keep their words.
 */
const EN_CONTRAST =
  /(?:^|(?<=[.!?]\s*))(?:(?:i['’]?m |i am |this is |it['’]?s )?not|(?:this|it|that|my question) (?:isn['’]?t|is not)) (?:about |asking about |asking |talking about |the )[^.:;!?]{1,80}?(?:[.:;!?,]+|\s+-+)\s*(?:but |rather |instead )?(?:(?:i mean|i['’]?m asking about|it['’]?s about|what i mean is|asking about|about)\b[,:]?\s*)?(?=\S+\s+\S)/g;

/**
 * Two different products joined by a word such as 还是 / or, at most eight characters from
 * each ("腾讯会议还是钉钉会议", "DingTalk vs WeCom"): a question which one to choose.
 */
function productChoice(products: string[], between: string[]): (s: string) => boolean {
  if (products.length < 2 || !between.length) return () => false;
  const alt = (xs: string[]) =>
    [...xs]
      .sort((a, b) => b.length - a.length) // 企业微信 before 微信
      .map((x) => (CJK.test(x) ? escapeRegExp(x) : `(?<![a-z])${escapeRegExp(x)}(?![a-z])`))
      .join('|');
  const re = new RegExp(`(${alt(products)}).{0,8}?(?:${alt(between)}).{0,8}?(${alt(products)})`, 'g');
  return (s) => {
    for (const m of s.matchAll(re)) if (m[1] !== m[2]) return true;
    return false;
  };
}

let converter: ((s: string) => string) | undefined;

/**
 * Traditional → simplified. Building OpenCC's converter costs ~40 ms, so it is built once;
 * a text none of whose characters change (nearly every rulebook phrase) skips conversion.
 */
function simplifier(): (s: string) => string {
  const conv = (converter ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  const changes = new Map<string, boolean>();
  return (s) => {
    for (const ch of s) {
      if (ch < '\u3400') continue;
      let c = changes.get(ch);
      if (c === undefined) changes.set(ch, (c = conv(ch) !== ch));
      if (c) return conv(s);
    }
    return s;
  };
}

export interface Normalized {
  /** Canonical text: half-width, lower case, simplified, synonyms rewritten, fillers removed. */
  text: string;
  lang: Lang;
  /** The question contains an everyday office request the rulebook does not cover (questions only). */
  offTopicCue: boolean;
  /** The question asks about a stage as a whole (阶段, 工作要点, key points; questions only). */
  stageCue: boolean;
  /** The question asks for something the rulebook never answers (lexicon offTopic.reject; questions only). */
  rejectCue: boolean;
}

/**
 * A reject cue as a pattern: `*` is up to four characters between Chinese words ("哪个*软件":
 * 哪个录屏软件, 用什么视频会议软件), up to two words between English ones ("which video
 * conferencing software"); English cues match whole words only.
 */
function rejectPattern(cue: string): RegExp {
  const parts = cue
    .split('*')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => escapeRegExp(p).replace(/\s+/g, String.raw`\s+`));
  if (CJK.test(cue)) return new RegExp(parts.join('.{0,4}?'));
  return new RegExp(`(?<![a-z0-9])${parts.join(String.raw`(?:\s+\S+){0,2}?\s+`)}(?![a-z0-9])`);
}

export type Normalizer = (raw: string, opts?: { question?: boolean }) => Normalized;

/**
 * Turns a colloquial question into the canonical form the index uses. The same
 * function prepares the rulebook's own phrases, so both sides meet in the middle.
 * `known` is the rest of the text the bot knows (the rulebook's phrases): with the
 * lexicon, it is the vocabulary that pinyin slips in a question are corrected towards
 * (only for `{ question: true }`; the rulebook's own text is never "corrected").
 */
export function createNormalizer(lexicon: LexiconFile, known: Iterable<string> = []): Normalizer {
  const t2s = simplifier();
  const canon = (v: string) => t2s(v.normalize('NFKC').toLowerCase());
  // The cues' words are vocabulary too: a slip is never "corrected" away from them.
  const rejectWords = lexicon.offTopic.reject.zh.flatMap((c) => c.split('*'));
  const lexiconTexts = [lexicon.synonyms.zh.flat(), lexicon.fillers.zh, lexicon.offTopic.zh, rejectWords, lexicon.offTopic.reject.except].flat();
  const typos = createTypoFixer([...known, ...lexiconTexts].map(canon));
  const h = lexicon.headcount;
  const zhSyn = new PhraseTrie(false);
  for (const group of lexicon.synonyms.zh) for (const v of group) zhSyn.add(t2s(v.toLowerCase()), t2s(group[0]!.toLowerCase()));
  const enSyn = new PhraseTrie(true);
  for (const group of lexicon.synonyms.en) for (const v of group) enSyn.add(v.toLowerCase(), group[0]!.toLowerCase());
  const zhFill = new PhraseTrie(false);
  for (const f of lexicon.fillers.zh) zhFill.add(t2s(f.toLowerCase()), ' ');
  const enFill = new PhraseTrie(true);
  for (const f of lexicon.fillers.en) enFill.add(f.toLowerCase(), ' ');
  const cues = new PhraseTrie(false);
  for (const c of lexicon.offTopic.zh) cues.add(t2s(c.toLowerCase()), '');
  const enCues = new PhraseTrie(true);
  for (const c of lexicon.offTopic.en) enCues.add(c.toLowerCase(), '');
  const stageZh = new PhraseTrie(false);
  for (const c of lexicon.stageCues.zh) stageZh.add(t2s(c.toLowerCase()), '');
  const stageEn = new PhraseTrie(true);
  for (const c of lexicon.stageCues.en) stageEn.add(c.toLowerCase(), '');
  const reject = lexicon.offTopic.reject;
  const rejectRes = [...reject.zh, ...reject.en].map((c) => rejectPattern(canon(c)));
  const rejectExcept = reject.except.map(canon);
  const choice = productChoice(reject.products.map(canon), reject.between.map(canon));
  const rejects = (s: string) => {
    for (const name of rejectExcept) s = s.replaceAll(name, ' ');
    return rejectRes.some((re) => re.test(s)) || choice(s);
  };

  return (raw, opts = {}): Normalized => {
    let s = raw
      .replace(/<@[A-Z0-9]+>|@\{[^}]*\}|@_user_\d+|@\S+\s+/g, ' ') // mentions
      .normalize('NFKC')
      .toLowerCase();
    s = t2s(s);
    if (opts.question) s = typos.fix(s.replace(ZH_CONTRAST, ' ').replace(EN_CONTRAST, ' '));
    const lang = languageOf(s);
    s = s.replace(/[^\p{L}\p{N}\s'-]+/gu, ' ');
    // Cues say something about a question only; the rulebook's own phrases (thousands, at
    // every start and review rebuild) skip the four scans.
    const offTopicCue = !!opts.question && (cues.contains(s) || enCues.contains(s));
    const stageCue = !!opts.question && (stageZh.contains(s) || stageEn.contains(s));
    const rejectCue = !!opts.question && rejects(s);
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
    s = enFill.replaceAll(zhFill.replaceAll(enSyn.replaceAll(zhSyn.replaceAll(s))));
    return { text: s.replace(/\s+/g, ' ').trim(), lang, offTopicCue, stageCue, rejectCue };
  };
}

export const hasCjk = (s: string) => CJK.test(s);
