import { symbols } from '../qa/analyze.ts';
import type { ReviewItem } from '../store/store.ts';

/** Questions that ask the same thing in (nearly) the same words, for one decision. */
export interface ReviewGroup {
  /** The question shown for the group: its most frequent wording. */
  question: string;
  items: ReviewItem[];
  /** Rules the bot chose or offered for these questions, most frequent first. */
  rules: string[];
  reasons: Partial<Record<ReviewItem['reason'], number>>;
}

/** Character pairs and English words of a question: what "similar" is measured on. */
function shingles(q: string): Set<string> {
  const s = symbols(q.normalize('NFKC').toLowerCase());
  const out = new Set<string>();
  s.forEach((x, i) => {
    if (x === '|') return;
    if (x.length > 1) out.add(x);
    const p = s[i + 1];
    if (p && p !== '|') out.add(x + p);
  });
  return out;
}

const jaccard = (a: Set<string>, b: Set<string>) => {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both || 1);
};

/**
 * Groups open items by similarity (greedy: an item joins the first group whose first
 * question shares at least `similarity` of its pairs and words), most frequent group first,
 * then the one asked most recently.
 */
export function groupReview(items: ReviewItem[], similarity = 0.5): ReviewGroup[] {
  const groups: { key: Set<string>; items: ReviewItem[] }[] = [];
  for (const item of items) {
    const sh = shingles(item.question);
    const g = groups.find((x) => jaccard(x.key, sh) >= similarity);
    if (g) g.items.push(item);
    else groups.push({ key: sh, items: [item] });
  }
  const byCount = <T>(xs: T[]) => {
    const m = new Map<T, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([x]) => x);
  };
  return groups
    .map(({ items: its }) => ({
      question: byCount(its.map((i) => i.question))[0]!,
      items: its,
      rules: byCount(its.flatMap((i) => (i.ruleId ? [i.ruleId] : []))),
      reasons: its.reduce<ReviewGroup['reasons']>((acc, i) => ({ ...acc, [i.reason]: (acc[i.reason] ?? 0) + 1 }), {}),
    }))
    .sort((a, b) => b.items.length - a.items.length || (b.items.at(-1)!.at > a.items.at(-1)!.at ? 1 : -1));
}

const q = (s: string) => JSON.stringify(s);

/**
 * What was decided in review, as YAML to merge into data/qa/alternates.yaml and
 * data/qa/offtopic.yaml (reviewed data belongs in the files, the store only carries it
 * until then). Never names the askers.
 */
export function exportPatch(decided: ReviewItem[]): string {
  const accepted = decided.filter((r) => r.status === 'accepted' && r.decidedRuleId);
  const off = decided.filter((r) => r.status === 'offtopic');
  const out: string[] = ['# Accepted in review: merge into data/qa/alternates.yaml (each rule\'s questions).'];
  const byRule = new Map<string, ReviewItem[]>();
  for (const r of accepted) byRule.set(r.decidedRuleId!, [...(byRule.get(r.decidedRuleId!) ?? []), r]);
  for (const [rule, rs] of [...byRule].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    out.push(`${q(rule)}:`, '  questions:');
    for (const lang of ['zh', 'en'] as const) {
      const qs = [...new Set(rs.filter((r) => r.lang === lang).map((r) => r.question))];
      if (qs.length) out.push(`    ${lang}:`, ...qs.map((x) => `      - ${q(x)}`));
    }
  }
  out.push('', '# Marked off-topic in review: merge into data/qa/offtopic.yaml.');
  for (const lang of ['zh', 'en'] as const) {
    const qs = [...new Set(off.filter((r) => r.lang === lang).map((r) => r.question))];
    if (qs.length) out.push(`${lang}:`, ...qs.map((x) => `  - ${q(x)}`));
  }
  return out.join('\n') + '\n';
}
