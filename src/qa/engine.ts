import type { Entry, Rulebook } from '../rulebook/model.ts';
import { symbols } from './analyze.ts';
import { coverage, type Doc, makeDoc } from './index.ts';
import { createNormalizer } from './normalize.ts';
import type { Answerer, AnswerResult, Match } from './types.ts';

export interface EngineOptions {
  /** Below this confidence the bot offers "did you mean" instead of an answer. */
  threshold: number;
  /** Candidates below this are not worth offering at all. */
  suggestFloor: number;
  /** Weight of question coverage against phrase coverage in a phrase's score. */
  queryShare: number;
  loneCjk: number;
  loneWord: number;
  /** How much a question covered by the entry as a whole (all its phrases together) counts. */
  bagShare: number;
}

export const defaultOptions: EngineOptions = {
  threshold: 0.42,
  suggestFloor: 0.2,
  queryShare: 0.65,
  loneCjk: 0.35,
  loneWord: 0.85,
  bagShare: 0.8,
};

/** Every phrase of an entry the engine can match, with how much it counts. */
function phrasesOf(e: Entry): [string, number][] {
  const common: [string, number][] = [
    ...[...e.questions.zh, ...e.questions.en].map((q): [string, number] => [q, 1]),
    ...[...e.keywords.zh, ...e.keywords.en].map((k): [string, number] => [k, 0.95]),
  ];
  switch (e.kind) {
    case 'risk':
      return [[e.problem.zh, 1], [e.problem.en, 1], [e.countermeasure.zh, 0.8], [e.countermeasure.en, 0.8], ...common];
    case 'stage':
      return [
        [e.title.zh, 1],
        [e.title.en, 1],
        [e.purpose.zh, 0.85],
        [e.purpose.en, 0.85],
        [e.preparation.zh, 0.85],
        [e.preparation.en, 0.85],
        ...e.workPoints.flatMap((wp) => [wp.text, ...wp.sub]).flatMap((t): [string, number][] => [[t.zh, 0.85], [t.en, 0.85]]),
        ...common,
      ];
    default: {
      const never: never = e;
      throw new Error(`unknown entry ${JSON.stringify(never)}`);
    }
  }
}

/** Builds the index once; `answer` is then a pure function of the question. */
export function createEngine(rulebook: Rulebook, options: Partial<EngineOptions> = {}): Answerer {
  const o = { ...defaultOptions, ...options };
  const normalize = createNormalizer(rulebook.lexicon);
  const entries: Entry[] = [...rulebook.stages, ...rulebook.risks];
  const docs: Doc[] = [];
  const bags: Doc[] = [];
  entries.forEach((e, i) => {
    const all: string[] = [];
    for (const [text, boost] of phrasesOf(e)) {
      const syms = symbols(normalize(text).text);
      if (!syms.length) continue;
      docs.push(makeDoc(i, boost, syms));
      all.push(...syms, '|');
    }
    bags.push(makeDoc(i, 1, all));
  });

  // Document frequency counted per entry, so a word repeated in many phrases of one entry stays specific.
  const df = new Map<string, number>();
  for (const bag of bags) for (const s of bag.symSet) df.set(s, (df.get(s) ?? 0) + 1);
  const n = entries.length;
  const idfCache = new Map<string, number>();
  const idf = (s: string) => {
    let v = idfCache.get(s);
    if (v === undefined) {
      v = Math.log(1 + n / (df.get(s) ?? 0.5));
      idfCache.set(s, v);
    }
    return v;
  };
  const postings = new Map<string, number[]>();
  bags.forEach((bag, i) => {
    for (const s of bag.symSet) {
      let list = postings.get(s);
      if (!list) postings.set(s, (list = []));
      list.push(i);
    }
  });
  const docsOf: Doc[][] = entries.map(() => []);
  for (const d of docs) docsOf[d.entry]!.push(d);

  const lw = { loneCjk: o.loneCjk, loneWord: o.loneWord };

  return {
    answer(question: string): AnswerResult {
      const { text, lang } = normalize(question);
      const q = symbols(text);
      const qPairs = makeDoc(-1, 1, q);
      // Candidates: entries sharing a symbol, roughly ranked by the weight they share.
      const bound = new Map<number, number>();
      for (const s of qPairs.symSet) for (const e of postings.get(s) ?? []) bound.set(e, (bound.get(e) ?? 0) + idf(s));
      const shortlist = [...bound.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);

      const scored: Match[] = shortlist.map(([e]) => {
        let best = o.bagShare * coverage(q, bags[e]!.pairs, bags[e]!.symSet, idf, lw);
        for (const d of docsOf[e]!) {
          const qc = coverage(q, d.pairs, d.symSet, idf, lw);
          if (qc === 0) continue;
          const dc = coverage(d.syms, qPairs.pairs, qPairs.symSet, idf, lw);
          best = Math.max(best, d.boost * (o.queryShare * qc + (1 - o.queryShare) * dc));
        }
        return { id: entries[e]!.id, score: Math.round(best * 1000) / 1000 };
      });
      scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      const top = scored[0];
      const confident = top && top.score >= o.threshold ? top : undefined;
      const candidates = scored.slice(confident ? 1 : 0).filter((m) => m.score >= o.suggestFloor).slice(0, 3);
      return { question, lang, id: confident?.id ?? null, score: top?.score ?? 0, candidates };
    },
  };
}
