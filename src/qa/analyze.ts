/**
 * Symbols are the units answers are matched on: each Chinese character, and each
 * English word reduced to a crude stem. Matching is done on adjacent pairs of
 * symbols, so word boundaries (which Chinese does not mark) never have to be guessed.
 */
export const GAP = '|';

const EN_STOP = new Set(
  'a an the is are was were be been am i you he she it we they me my our your their this that these those of to in on at for with by from as and or but so if then than too very just also what how why when where which who whom do does did doing can could should would will shall may might must there here about any some into out up down over get got has have had let lets please hi'.split(' '),
);

/** Particles that only colour a sentence; dropped so "好的" is one symbol, not a phrase. */
const ZH_PARTICLES = new Set([...'的了吗呢吧啊呀哦嘛哈嗯啦哇呗']);

/** Good enough to meet "trainees"/"trainee", "skipping"/"skip", "delays"/"delay". */
export function stem(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('es') && /(ch|sh|x|ss)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  if (w.length > 3 && w.at(-1) === w.at(-2) && !/[lsz]/.test(w.at(-1)!)) w = w.slice(0, -1); // skipp → skip
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1); // executive/executives
  return w;
}

/**
 * Canonical text → symbol sequence. GAP marks a break no pair may cross: a space
 * next to Chinese text (where punctuation or a filler word was). English words are
 * separated by spaces anyway, so stop words vanish without breaking the phrase.
 */
export function symbols(text: string): string[] {
  const out: string[] = [];
  let pending = false;
  const push = (sym: string) => {
    if (!sym) return;
    const prev = out.at(-1);
    if (pending && prev !== undefined && prev !== GAP && (isCjk(prev) || isCjk(sym))) out.push(GAP);
    pending = false;
    out.push(sym);
  };
  const n = text.length;
  // A hand-written scanner: this runs for every rulebook phrase at start-up and every question.
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c >= 0x3400 && c <= 0x9fff) {
      const ch = text[i++]!;
      if (!ZH_PARTICLES.has(ch)) push(ch);
    } else if (isAlnum(c)) {
      let j = i + 1;
      while (j < n && isAlnum(text.charCodeAt(j))) j++;
      if (text[j] === "'" && isLower(text.charCodeAt(j + 1))) for (j += 1; j < n && isLower(text.charCodeAt(j)); ) j++;
      const tok = text.slice(i, j);
      i = j;
      push(isLower(tok.charCodeAt(0)) ? (EN_STOP.has(tok) ? '' : stem(tok)) : tok);
    } else {
      if (c === 32 || c === 9 || c === 10 || c === 13) pending = true;
      i++;
    }
  }
  return out;
}

const isLower = (c: number) => c >= 97 && c <= 122;
const isAlnum = (c: number) => isLower(c) || (c >= 48 && c <= 57);

export const isCjk = (sym: string) => sym.length === 1 && sym >= '\u3400' && sym <= '\u9fff';
