import type { Bot } from '../../src/core/bot.ts';
import type { Card } from '../../src/core/card.ts';
import { answerCard } from '../../src/qa/present.ts';

/**
 * The card the running bot should answer `question` with (the core's own answer card,
 * from the bot's own rulebook and engine), to compare the rendered output against.
 */
export function expectedAnswerCard(bot: Bot, question: string): Card {
  return answerCard(bot.deps.rulebook, bot.deps.answerer.answer(question), { implementerName: bot.deps.implementerName });
}

/** Every button Action on a card, in order. */
export function cardActions(card: Card) {
  return card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.action) : []));
}
