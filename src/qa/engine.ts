import type { Rulebook } from '../rulebook/model.ts';
import type { Answerer } from './types.ts';

// Placeholder until the real engine lands (being written now); keeps imports stable.
export function createEngine(_rulebook: Rulebook): Answerer {
  return { answer: (question) => ({ question, lang: 'zh', id: null, score: 0, candidates: [] }) };
}
