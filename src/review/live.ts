import { createHash } from 'node:crypto';
import type { Logger } from '../core/log.ts';
import type { Entry, Rulebook } from '../rulebook/model.ts';
import type { Answerer } from '../qa/types.ts';
import type { ReviewItem, Store } from '../store/store.ts';

/**
 * The rulebook with what its owners accepted in review merged in: an accepted question
 * becomes an alternate question of its rule, an off-topic one joins the off-topic examples.
 * Pure; the version changes with every accepted question, so an answer says which edition
 * spoke. Entries are copied, never changed in place (the base rulebook stays as loaded).
 */
export function mergeAccepted(base: Rulebook, decided: ReviewItem[]): Rulebook {
  const accepted = decided.filter((r) => (r.status === 'accepted' && r.decidedRuleId && base.byId.has(r.decidedRuleId)) || r.status === 'offtopic');
  if (!accepted.length) return base;
  const copy = <E extends Entry>(e: E): E => ({ ...e, questions: { zh: [...e.questions.zh], en: [...e.questions.en] } });
  const stages = base.stages.map(copy);
  const risks = base.risks.map(copy);
  const byId = new Map<string, Entry>([...stages, ...risks].map((e) => [e.id, e]));
  const offTopicQuestions = { zh: [...base.offTopicQuestions.zh], en: [...base.offTopicQuestions.en] };
  const hash = createHash('sha256').update(base.version);
  for (const r of accepted) {
    if (r.status === 'offtopic') offTopicQuestions[r.lang].push(r.question);
    else byId.get(r.decidedRuleId!)!.questions[r.lang].push(r.question);
    hash.update(`\u0000${r.id}\u0000${r.status}\u0000${r.decidedRuleId ?? ''}`);
  }
  return { ...base, stages, risks, byId, offTopicQuestions, version: hash.digest('hex').slice(0, 12) };
}

export interface LiveRulebook {
  readonly rulebook: Rulebook;
  readonly answerer: Answerer;
  /** Reads the review decisions from the store and rebuilds the index when they changed; true when it did. */
  refresh(): Promise<boolean>;
  /** Refreshes every `everyMs` until stopped: how a decision taken on one replica reaches the others. */
  start(everyMs: number): void;
  stop(): void;
}

export function createLiveRulebook(deps: { base: Rulebook; store: Store; engine: (rb: Rulebook) => Answerer; log?: Logger }): LiveRulebook {
  let rulebook = deps.base;
  let answerer = deps.engine(rulebook);
  let seen = ''; // the decisions the current index was built from
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    const decided = await deps.store.listReview(['accepted', 'offtopic']);
    const key = decided.map((r) => `${r.id}:${r.status}:${r.decidedRuleId ?? ''}`).join(',');
    if (key === seen) return false;
    const next = mergeAccepted(deps.base, decided);
    answerer = deps.engine(next); // built before it is swapped in: a question never meets half an index
    rulebook = next;
    seen = key;
    deps.log?.info('rulebook index rebuilt with review decisions', { accepted: decided.length, version: next.version });
    return true;
  };
  return {
    get rulebook() {
      return rulebook;
    },
    get answerer() {
      return answerer;
    },
    refresh,
    start(everyMs) {
      timer ??= setInterval(() => void refresh().catch((err) => deps.log?.warn('review decisions could not be read', { err })), everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
