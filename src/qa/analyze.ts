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
  for (const m of text.matchAll(/[\u3400-\u9fff]|[a-z0-9]+(?:'[a-z]+)?|\s+/g)) {
    const tok = m[0];
    if (/^\s/.test(tok)) {
      pending = true;
      continue;
    }
    const sym = /^[a-z]/.test(tok) ? (EN_STOP.has(tok) ? '' : stem(tok)) : ZH_PARTICLES.has(tok) ? '' : tok;
    if (!sym) continue;
    const prev = out.at(-1);
    if (pending && prev !== undefined && prev !== GAP && (isCjk(prev) || isCjk(sym))) out.push(GAP);
    pending = false;
    out.push(sym);
  }
  return out;
}

export const isCjk = (sym: string) => sym.length === 1 && sym >= '\u3400' && sym <= '\u9fff';
