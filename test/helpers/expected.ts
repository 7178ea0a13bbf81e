import type { Card } from '../../src/core/card.ts';
import { createEngine } from '../../src/qa/engine.ts';
import { answerCard } from '../../src/qa/present.ts';
import { loadRulebook } from '../../src/rulebook/load.ts';

const rb = loadRulebook('data');
const engine = createEngine(rb);

/** The card the bot should answer `question` with (the core's own answer card), to compare rendered output against. */
export function expectedAnswerCard(question: string): Card {
  return answerCard(rb, engine.answer(question));
}

/** Every button Action on a card, in order. */
export function cardActions(card: Card) {
  return card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.action) : []));
}
