import type { Entry, Rulebook } from '../rulebook/model.ts';
import { symbols } from './analyze.ts';
import { createBayes, posterior } from './bayes.ts';
import { confidenceOf, type ConfidenceModel, type Features } from './confidence.ts';
import { bloomMeets, coverage, type Doc, makeDoc, SymbolTable } from './index.ts';
import { createNormalizer } from './normalize.ts';
import type { Answerer, AnswerResult, Lang, Match } from './types.ts';

export interface EngineOptions {
  /** Candidates below this combined score are not worth offering at all. */
  suggestFloor: number;
  /**
   * An unanswered question whose confidence is at least this is about the rulebook, only not
   * clearly about one rule (on the fitting sets such questions score ≥ 0.05, off-topic ones
   * mostly below): it is offered its three best rules down to `unsureSuggestFloor`, because the
   * right one is often third with a small score when the two views of the question disagree.
   */
  unsureAt: number;
  /** The score floor of those choices, and of an answer's runners-up. */
  unsureSuggestFloor: number;
  /** How many choices an unanswered question is offered, and how many runners-up an answer has. */
  choices: number;
  /** Weight of question coverage against phrase coverage in a phrase's score. */
  queryShare: number;
  /** queryShare for the longest messages, and how fast it falls per symbol beyond 12. */
  longShare: number;
  lengthSlope: number;
  loneCjk: number;
  loneWord: number;
  /** How much a question covered by the entry as a whole (all its phrases together) counts. */
  bagShare: number;
  /** Entries scored exactly per question (the rest are ruled out by a cheap bound). */
  shortlist: number;
  /** Weight of a word the rulebook never uses, as a share of the rarest known word's. */
  unknownShare: number;
  /** Confidence factor of a match that rests on a single shared pair or word. */
  singleMatch: number;
  /** Weight of the naive Bayes posterior (bayes.ts) added to the phrase-match score (3: chosen by `npm run cv:examples`). */
  bayesWeight: number;
  /** Additive smoothing of the naive Bayes feature counts. */
  bayesSmoothing: number;
  /** Temperature of the naive Bayes posterior (see posterior()). */
  bayesTemperature: number;
}

export const defaultOptions: EngineOptions = {
  suggestFloor: 0.1,
  unsureAt: 0.1,
  unsureSuggestFloor: 0.02,
  choices: 3,
  queryShare: 0.65,
  longShare: 0.4,
  lengthSlope: 0.01,
  loneCjk: 0.35,
  loneWord: 0.85,
  bagShare: 0.8,
  shortlist: 12,
  unknownShare: 0.7,
  singleMatch: 0.45,
  bayesWeight: 3,
  bayesSmoothing: 0.2,
  bayesTemperature: 0.05,
};

const RULE_ID = /(?<![\d.])(\d+\.\d+(?:-\d+)?)(?![\d.-])/;
/** Index of the largest value (the first, on a tie). */
function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/** A log-likelihood gap as a feature: clipped to ±3 (chosen by the confidence CV), over 3. */
const gap = (v: number) => Math.max(-3, Math.min(3, v)) / 3;
/** The largest log-likelihood of a rule entry other than `best` (the off-topic class `off` is last). */
function secondLl(ll: ArrayLike<number>, best: number, off: number): number {
  let m = -Infinity;
  for (let i = 0; i < off; i++) if (i !== best && ll[i]! > m) m = ll[i]!;
  return m === -Infinity ? ll[best]! : m;
}

/** A message that is nothing but a rule id, maybe with a word such as 规则/rule around it. */
const ONLY_ID = /^\s*(?:规则|条款|风险|第|rule|risk|show)?\s*\d+\.\d+(?:-\d+)?\s*(?:条|号)?\s*[?？。.!！]*\s*$/i;
/** Latin tokens that say nothing about the asker's language ("@bot OA" is not English). */
const ACRONYM = /^(?:[A-Z0-9]{1,5}|oa|pmo|erp|ppt|it)$/;

/** The language a question is written in; one with no language of its own ("OA", "5.2") is Chinese, the rulebook's. */
function questionLang(question: string, normalizedLang: Lang): Lang {
  const words = question.replace(/<@[A-Z0-9]+>|@\{[^}]*\}|@_user_\d+|@\S+\s+/g, ' ').match(/[A-Za-z0-9]+/g) ?? [];
  if (/[\u3400-\u9fff]/.test(question)) return 'zh';
  return words.every((w) => ACRONYM.test(w)) ? 'zh' : normalizedLang;
}

/** Every phrase of an entry the engine can match, with how much it counts. */
export function phrasesOf(e: Entry): [string, number][] {
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
export interface Engine extends Answerer {
  /** The best entry for a question and what the confidence model sees of it (for fitting the model). */
  features(question: string): { id: string; x: Features } | undefined;
}

export function createEngine(rulebook: Rulebook, options: Partial<EngineOptions> & { confidence?: ConfidenceModel } = {}): Engine {
  const o = { ...defaultOptions, ...options };
  const model = options.confidence ?? rulebook.confidence;
  const entries: Entry[] = [...rulebook.stages, ...rulebook.risks];
  const normalize = createNormalizer(rulebook.lexicon, entries.flatMap((e) => phrasesOf(e).map(([text]) => text)));
  const table = new SymbolTable();
  // Intern every symbol first, so pair keys can be small integers (see pairKeyFn).
  const phrases = entries.map((e) =>
    phrasesOf(e)
      .map(([text, boost]) => [symbols(normalize(text).text), boost] as const)
      .filter(([syms]) => syms.length),
  );
  for (const list of phrases) for (const [syms] of list) for (const x of syms) if (x !== '|') table.intern(x);
  const pairKey = table.pairKeyFn();
  // One class per entry, and one more (the last) for questions the rulebook does not answer.
  const offTopicDocs = [...rulebook.offTopicQuestions.zh, ...rulebook.offTopicQuestions.en].map((t) => symbols(normalize(t).text));
  const examplesOf = (e: Entry) => [...e.examples.zh, ...e.examples.en].map((t) => symbols(normalize(t).text));
  const bayes = createBayes([...phrases.map((list, i) => [...list.map(([syms]) => syms), ...examplesOf(entries[i]!)]), offTopicDocs], o.bayesSmoothing);
  const OFF = entries.length;
  const lookup = (x: string) => table.lookup(x);
  const docs: Doc[] = [];
  const bags: Doc[] = [];
  phrases.forEach((list, i) => {
    const all: string[] = [];
    for (const [syms, boost] of list) {
      docs.push(makeDoc(i, boost, syms, lookup, pairKey));
      all.push(...syms, '|');
    }
    bags.push(makeDoc(i, 1, all, lookup, pairKey));
  });

  // Document frequency counted per entry, so a word repeated in many phrases of one entry stays specific.
  const df = new Float64Array(table.size);
  for (const bag of bags) for (const s of bag.symSet) df[s]!++;
  const n = entries.length;
  // BM25's idf: a symbol found in nearly every entry (的, 培训) weighs almost nothing.
  const idf = df.map((d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  const unknownWeight = o.unknownShare * Math.log(1 + (n + 0.5) / 0.5);
  const postings: number[][] = Array.from({ length: table.size }, () => []);
  bags.forEach((bag, i) => {
    for (const s of bag.symSet) postings[s]!.push(i);
  });
  const docsOf: number[][] = entries.map(() => []);
  docs.forEach((d, i) => docsOf[d.entry]!.push(i));
  const bound = new Float64Array(entries.length);

  const lw = { loneCjk: o.loneCjk, loneWord: o.loneWord };
  const cov = (seq: Int32Array, other: Doc, ev?: { units: number }) => coverage(seq, other, idf, unknownWeight, table.cjk, lw, ev);

  /** Confidence of every plausible entry for canonical text: entry index → score. */
  function scoreText(text: string, units?: Map<number, number>): Map<number, number> {
    const into = new Map<number, number>();
    const query = makeDoc(-1, 1, symbols(text), lookup, pairKey);
    const q = query.syms;
    // A long message says more than it asks: the longer it is, the more a phrase it covers
    // completely counts against how much of the message that phrase explains.
    const qs = Math.max(o.longShare, o.queryShare - o.lengthSlope * Math.max(0, q.length - 12));
    // Candidates: entries sharing a symbol, ranked by the weight they share; only the best few are scored exactly.
    const touched: number[] = [];
    for (const s of query.symSet)
      for (const e of postings[s]!) {
        if (bound[e] === 0) touched.push(e);
        bound[e]! += idf[s]! + 1e-9; // never exactly 0 once touched
      }
    const shortlist = touched.sort((a, b) => bound[b]! - bound[a]!).slice(0, o.shortlist);
    for (const e of touched) bound[e] = 0;
    // A match must rest on more than one shared pair of characters or English word:
    // "OA怎么登录" shares only 登陆 with 5.1-2, which is not enough to answer it.
    const ev = { units: 0 };
    const gate = () => (ev.units >= 2 ? 1 : ev.units === 1 ? o.singleMatch : 0);
    for (const e of shortlist) {
      if (!bloomMeets(query, bags[e]!)) continue; // nothing that counts as evidence
      const bq = cov(q, bags[e]!, ev);
      units?.set(e, ev.units); // shared pairs and words with the entry as a whole
      let best = o.bagShare * bq * gate();
      for (const i of docsOf[e]!) {
        const d = docs[i]!;
        if (!bloomMeets(query, d)) continue;
        const qc = cov(q, d, ev);
        // Phrase coverage can add at most (1 - queryShare): skip phrases that cannot win.
        if (qc === 0 || d.boost * (qs * qc + (1 - qs)) <= best) continue;
        const dc = cov(d.syms, query);
        best = Math.max(best, d.boost * (qs * qc + (1 - qs) * dc) * gate());
      }
      into.set(e, best);
    }
    return into;
  }

  // A stage's other name (lexicon.yaml stageNames) counts only as "<name>阶段" / "<name> stage":
  // "用户培训的时候有人打断" is about a risk, "用户培训阶段要做什么" about the stage.
  const stageNameTexts = (id: string) =>
    (rulebook.lexicon.stageNames[id] ?? []).flatMap((n) => (/[\u3400-\u9fff]/.test(n) ? [`${n}阶段`, `${n}环节`] : [`${n} stage`, `${n} phase`]));
  // Stage titles and those names, in canonical form, longest first ("上线前培训准备" before
  // "上线前检查"'s "上线前").
  const squash = (t: string) => t.replace(/ /g, '');
  const titles = rulebook.stages
    .flatMap((st) => [st.title.zh, st.title.en, ...stageNameTexts(st.id)].map((t) => ({ index: entries.indexOf(st), text: squash(normalize(t).text) })))
    .filter((t) => t.text)
    .sort((a, b) => b.text.length - a.text.length);
  /** The stage a question names by its title, when it also asks about a stage as a whole. */
  const stageNamed = (text: string) => titles.find((t) => squash(text).includes(t.text))?.index;
  /** A question that is nothing but a piece of a stage's title ("培训准备") names that stage. */
  const titleFragment = (text: string) => {
    const q = squash(text);
    return q.length >= 4 ? titles.find((t) => t.text.includes(q))?.index : undefined;
  };

  /** "5.2-99": no such rule; the nearest ids of its stage (or the stages) are offered instead. */
  function unknownRule(question: string, id: string): AnswerResult {
    const lang: Lang = /rule|risk|show/i.test(question) ? 'en' : 'zh';
    const [stageId, row] = id.split('-') as [string, string | undefined];
    const stageRisks = rulebook.risks.filter((r) => r.stageId === stageId);
    if (!stageRisks.length) return { question, lang, id: null, score: 0, candidates: rulebook.stages.map((s) => ({ id: s.id, score: 0 })), unknownId: { id, heading: false } };
    const n = Number(row ?? 0);
    const nearest = [...stageRisks].sort((a, b) => Math.abs(a.row - n) - Math.abs(b.row - n) || a.row - b.row).slice(0, 3);
    const stage = { id: stageId, first: stageRisks[0]!.id, last: stageRisks.at(-1)!.id };
    // Rows before the first risk are the source table's heading rows ("此阶段工作未进行或无效…").
    return { question, lang, id: null, score: 0, candidates: nearest.map((r) => ({ id: r.id, score: 0 })), unknownId: { id, stage, heading: n >= 1 && n < stageRisks[0]!.row } };
  }

  /** Everything the engine knows about a question it has to rank (not a rule id). */
  function rank(question: string) {
    const normalized = normalize(question, { question: true });
    const { text, offTopicCue } = normalized;
    const lang = questionLang(question, normalized.lang);
    const units = new Map<number, number>();
    const lexical = scoreText(text, units);
    // Both views of the question: the phrase it resembles most, and the vocabulary it is in.
    const qsyms = symbols(text);
    const ll = bayes.logLikelihoods(qsyms);
    const post = posterior(ll, o.bayesTemperature);
    const fused = new Float64Array(entries.length);
    const w = o.bayesWeight;
    for (let e = 0; e < entries.length; e++) fused[e] = (w * post[e]!) / (1 + w);
    for (const [e, sc] of lexical) fused[e]! += sc / (1 + w);
    // "用户使用培训阶段的工作要点" is about stage 5.3 as a whole, however well one of its risks matches.
    const stage = (normalized.stageCue ? stageNamed(text) : undefined) ?? titleFragment(text);
    if (stage !== undefined) fused[stage] = fused[argmax(fused)]! + 0.001;
    const damp = offTopicCue ? rulebook.lexicon.offTopic.penalty : 1;
    const order: number[] = [];
    for (let e = 0; e < fused.length; e++) if (fused[e]! > 0.01) order.push(e);
    order.sort((a, b) => fused[b]! - fused[a]! || a - b); // ties: rulebook order, so runs agree
    const best = order[0];
    let lexTop: number | undefined;
    for (const [e, sc] of lexical) if (lexTop === undefined || sc > lexical.get(lexTop)!) lexTop = e;
    const known = bayes.known(qsyms);
    const features: Features | undefined =
      best === undefined
        ? undefined
        : {
            lexical: lexical.get(best) ?? 0,
            evidence: Math.min(units.get(best) ?? 0, 4) / 4,
            bayes: post[best] ?? 0,
            margin: (fused[best]! - (order[1] !== undefined ? fused[order[1]]! : 0)) * damp,
            known,
            length: Math.log1p(qsyms.length),
            offTopic: offTopicCue ? 1 : 0,
            lexicalAgrees: lexTop === best ? 1 : 0,
            bayesAgrees: argmax(post) === best ? 1 : 0,
            offTopicClass: post[OFF]!,
            offGap: gap(ll[OFF]! - ll[best]!),
            bayesGap: gap(ll[best]! - secondLl(ll, best, OFF)),
          };
    const scored: Match[] = order.map((e) => ({ id: entries[e]!.id, score: Math.round(fused[e]! * damp * 1000) / 1000 }));
    // A reject cue gives way only to one of the rulebook's own questions, word for word (an
    // alternate accepted in review: the rulebook owner's decision is the answer).
    const exact = best !== undefined && (lexical.get(best) ?? 0) >= 0.99;
    return { lang, scored, features, rejected: normalized.rejectCue && !exact, stageNamed: stage !== undefined && stage === best, known, lexical: best !== undefined ? (lexical.get(best) ?? 0) : 0, bayes: best !== undefined ? post[best]! : 0 };
  }

  return {
    answer(question: string): AnswerResult {
      // A rule id ("@bot 5.2-17", "规则 5.1-8", "给我讲讲5.3") names its entry: no guessing.
      const nfkc = question.normalize('NFKC');
      const named = RULE_ID.exec(nfkc)?.[1];
      if (named && rulebook.byId.has(named)) {
        const words = question.match(/[a-z]{2,}/gi)?.filter((w) => !/^(rule|bot)$/i.test(w)).length ?? 0;
        return { question, lang: /[\u3400-\u9fff]/.test(question) || !words ? 'zh' : 'en', id: named, score: 1, candidates: [] };
      }
      if (named && ONLY_ID.test(nfkc.replace(/<@[A-Z0-9]+>|@\{[^}]*\}|@_user_\d+|@\S+\s+/g, ' '))) return unknownRule(question, named);
      const r = rank(question);
      const top = r.scored[0];
      const conf = r.features ? confidenceOf(model, r.features) : 0;
      // A question naming a stage by its title is answered with it (its score is the rule, not a guess).
      // A request the rulebook never answers (which software to use) gets choices only.
      const confident = top && !r.rejected && (conf >= model.threshold || r.stageNamed) ? top : undefined;
      // The low floor for an unsure question (see unsureAt), and for an answer, whose runners-up
      // become its related buttons: the card fills any gap with the rule's neighbours, and a
      // runner-up the question touched at all is the better button.
      const floor = confident || conf >= o.unsureAt ? o.unsureSuggestFloor : o.suggestFloor;
      const candidates = r.scored.slice(confident ? 1 : 0).filter((m) => m.score >= floor).slice(0, o.choices);
      const evidence = { lexical: r.lexical, bayes: r.bayes, known: r.known };
      return { question, lang: r.lang, id: confident?.id ?? null, score: Math.round((r.stageNamed ? Math.max(conf, model.threshold) : conf) * 1000) / 1000, candidates, evidence };
    },
    features(question: string) {
      const r = rank(question);
      return r.features && r.scored[0] ? { id: r.scored[0].id, x: r.features } : undefined;
    },
  };
}
