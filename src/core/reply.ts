import type { Card } from './card.ts';
import { cardText } from './card.ts';

/** The languages a project or a reply speaks. */
export type Lang = 'zh' | 'en';
export const say = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

/** A short reply card: a title and one markdown block, with its plain-text fallback. */
export function note(title: string, md: string, tone: Card['tone'] = 'info'): Card {
  const card: Card = { title, tone, blocks: [{ type: 'text', md }], fallback: '' };
  card.fallback = cardText(card);
  return card;
}
