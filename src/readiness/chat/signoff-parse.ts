/**
 * Reads a sign-off reply: "确认 3", "确认 3、5", "3,5 已完成", "确认 1-3", "全部确认",
 * "confirm 2", "done 4", "confirm all", "撤销 2", "undo 2" and natural variants.
 * The whole message must be a sign-off: anything else in it ("确认一下上线时间") is
 * not one, so ordinary chat in the thread is left alone.
 */
export type SignoffRequest = { kind: 'confirm'; items: number[] | 'all' } | { kind: 'undo'; items: number[] };

/** A range longer than this is a typo, not a sign-off ("确认 1-300"). */
const MAX_RANGE = 99;

const CONFIRM = String.raw`(?:(?:已经?|都已?|均已?)?(?:确认|確認|确定|完成|搞定|做完|办完|ok)(?:完毕|了|啦|好了)?|confirm(?:ed)?|done|complete(?:d)?|finished|ok|✅|☑️|✔️?)`;
const UNDO = String.raw`(?:撤销|撤消|撤回|取消确认|取消|回退|undo|revoke|unconfirm|un-confirm|retract|cancel)`;
const ALL = String.raw`(?:全部(?:事项)?|所有(?:事项)?|全都|都|all(?: items)?|everything)`;
const N = String.raw`(?:第\s*)?#?\s*\d{1,3}\s*(?:项|号|条)?`;
const ITEM = String.raw`${N}(?:\s*(?:-|~|～|–|—|到|至|to)\s*${N})?`;
const SEP = String.raw`\s*(?:,|，|、|;|；|/|和|及|与|跟|and|&|\+|\s)\s*`;
const LIST = String.raw`(?:(?:items?|item no\.?|no\.?|事项|项目)\s*)?${ITEM}(?:${SEP}${ITEM})*`;

const forms: [RegExp, 'confirm' | 'undo' | 'confirm-all'][] = [
  [new RegExp(`^${CONFIRM}\\s*[:：]?\\s*(${LIST})$`, 'iu'), 'confirm'],
  [new RegExp(`^(${LIST})\\s*[:：]?\\s*${CONFIRM}$`, 'iu'), 'confirm'],
  [new RegExp(`^${UNDO}\\s*[:：]?\\s*(?:确认\\s*)?(${LIST})$`, 'iu'), 'undo'],
  [new RegExp(`^(${LIST})\\s*[:：]?\\s*${UNDO}$`, 'iu'), 'undo'],
  [new RegExp(`^(?:${ALL}\\s*${CONFIRM}|${CONFIRM}\\s*${ALL})$`, 'iu'), 'confirm-all'],
];

/** Strips what people add around a command: mentions, greetings, thanks, final punctuation. */
function normalize(text: string): string {
  let s = text.normalize('NFKC').replace(/@\{[^}]*\}/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  s = s.replace(/^(?:好的|好|嗯|收到|ok[,，]|我|我们|我已|我方|请|帮我|麻烦)\s*[,，]?\s*/u, '');
  s = s.replace(/(?:[,，]?\s*(?:谢谢|多谢|thanks|thank you|please|pls|thx))+$/u, '');
  s = s.replace(/[\s。.!！~～]+$/u, '').trim();
  return s;
}

function numbers(list: string): number[] | null {
  const out: number[] = [];
  const re = /(\d{1,3})\s*(?:项|号|条)?(?:\s*(?:-|~|～|–|—|到|至|to)\s*(?:第\s*)?#?\s*(\d{1,3}))?/gu;
  for (const m of list.matchAll(re)) {
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < a || b - a >= MAX_RANGE) return null;
    for (let n = a; n <= b; n++) if (!out.includes(n)) out.push(n);
  }
  return out.length ? out : null;
}

export function parseSignoff(text: string): SignoffRequest | null {
  const s = normalize(text);
  if (!s || s.length > 120) return null;
  for (const [re, kind] of forms) {
    const m = re.exec(s);
    if (!m) continue;
    if (kind === 'confirm-all') return { kind: 'confirm', items: 'all' };
    const items = numbers(m[1]!);
    if (!items) return null;
    return { kind, items };
  }
  return null;
}
