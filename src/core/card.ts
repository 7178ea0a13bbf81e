import { plainMd } from './markdown.ts';
import type { Action } from './message.ts';

/**
 * What the core says, as a platform-neutral card. Adapters render it as a
 * Feishu card (JSON 2.0), Slack Block Kit, or HTML.
 *
 * Markdown is a small common subset (core/markdown.ts): `**bold**`, line breaks, `- ` lists,
 * `@{userId}` for a mention (each adapter turns it into its own mention syntax) and `\x` for
 * a literal character; text from a person goes in through `mdText`.
 */
export interface Button {
  label: string;
  action: Action;
  style?: 'primary' | 'danger' | 'default';
}

export type Block =
  | { type: 'text'; md: string }
  | { type: 'context'; md: string }
  | { type: 'divider' }
  | { type: 'buttons'; buttons: Button[] };

export interface Card {
  title: string;
  tone: 'info' | 'success' | 'warning' | 'danger' | 'neutral';
  blocks: Block[];
  /** Plain-text rendering for notifications and clients without cards (no markdown: shown as it is). */
  fallback: string;
}

/** Plain text of a card, used as fallback and by the CLI. */
export function cardText(card: Card): string {
  const lines = [card.title];
  for (const b of card.blocks) {
    switch (b.type) {
      case 'text':
      case 'context':
        lines.push(plainMd(b.md));
        break;
      case 'divider':
        lines.push('—');
        break;
      case 'buttons':
        lines.push(b.buttons.map((x) => `[${x.label}]`).join(' '));
        break;
      default: {
        const never: never = b;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  }
  return lines.join('\n');
}
