import { pinyin } from 'pinyin-pro';

/**
 * Pinyin input-method slips: a user types the right syllables and picks a wrong character
 * (陪训 for 培训, 领道 for 领导, 被份 for 备份). A character that forms no known two-character
 * word with either neighbour is swapped for a character of the same sound (or a near sound:
 * zh/z, ch/c, sh/s, n/l, -ng/-n) that does form one. "Known" means it occurs in the
 * rulebook, its alternate questions or the lexicon, so a correct question is never changed
 * and a correction can only lead towards words the rulebook uses.
 */
export interface TypoFixer {
  fix(text: string): string;
}

const CJK_RUN = /[\u3400-\u9fff]{2,}/g;
/** Numerals are never slips: "三五个人" is a headcount, not 上五. */
const NUMERAL = /[零〇一二两三四五六七八九十百千万几]/;

/** One toneless syllable per character (the commonest reading), in one call for speed. */
function syllables(chars: string): string[] {
  return pinyin(chars, { toneType: 'none', type: 'array', nonZh: 'removed' });
}

/** The sound a careless typist may confuse with this one. */
export function fuzzy(syllable: string): string {
  return syllable
    .replace(/^([zcs])h/, '$1')
    .replace(/^n/, 'l')
    .replace(/([ei])ng$/, '$1n')
    .replace(/ang$/, 'an');
}

export function createTypoFixer(knownTexts: Iterable<string>): TypoFixer {
  const pairs = new Map<string, number>(); // known two-character words → how often seen
  const chars = new Set<string>();
  for (const text of knownTexts)
    for (const run of text.match(CJK_RUN) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) {
        const p = run.slice(i, i + 2);
        pairs.set(p, (pairs.get(p) ?? 0) + 1);
      }
      for (const c of run) chars.add(c);
    }
  const vocab = [...chars];
  const bySound = new Map<string, string[]>();
  const byFuzzy = new Map<string, string[]>();
  // Spaced apart, each character gets its commonest reading: joined, pinyin-pro would segment
  // the meaningless concatenation into words (ten times slower, and a reading from a false word).
  syllables(vocab.join(' ')).forEach((py, i) => {
    const c = vocab[i]!;
    (bySound.get(py) ?? bySound.set(py, []).get(py)!).push(c);
    const f = fuzzy(py);
    (byFuzzy.get(f) ?? byFuzzy.set(f, []).get(f)!).push(c);
  });
  const known = (a: string | undefined, b: string | undefined) => (a && b ? (pairs.get(a + b) ?? 0) : 0);

  /** The best same-sound replacement of run[i], or undefined when none forms a known word. */
  function replacement(run: string[], i: number, sound: string): string | undefined {
    const prev = run[i - 1];
    const next = run[i + 1];
    let best: string | undefined;
    let bestScore = 0;
    for (const group of [bySound.get(sound), byFuzzy.get(fuzzy(sound))]) {
      for (const c of group ?? []) {
        if (c === run[i] || NUMERAL.test(c)) continue;
        // Both neighbours agreeing beats one; then the more frequent word.
        const l = known(prev, c);
        const r = known(c, next);
        const score = (l ? 1000 : 0) + (r ? 1000 : 0) + l + r;
        if (score > bestScore) [best, bestScore] = [c, score];
      }
      if (best) return best; // an exact sound wins over a near one
    }
    return best;
  }

  function fixRun(text: string): string {
    const run = [...text];
    let sounds: string[] | undefined;
    for (let i = 0; i < run.length; i++) {
      if (known(run[i - 1], run[i]) || known(run[i], run[i + 1]) || NUMERAL.test(run[i]!)) continue;
      sounds ??= syllables(text);
      const sound = sounds[i];
      if (!sound) continue;
      const c = replacement(run, i, sound);
      if (c) run[i] = c;
    }
    return run.join('');
  }

  return { fix: (text) => text.replace(CJK_RUN, fixRun) };
}
