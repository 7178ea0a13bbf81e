import type { Button, Card } from '../../src/core/card.ts';
import { BROADCAST, renderMd } from '../../src/core/markdown.ts';

const templates: Record<Card['tone'], string> = { info: 'blue', success: 'green', warning: 'orange', danger: 'red', neutral: 'grey' };

/**
 * Characters Feishu card markdown reads as markup, as character references (the markdown
 * component's documented way to show them): HTML-like tags (<at id=all>, <font>, a
 * placeholder such as <YYYY-MM-DD> that would be dropped), links [x](url), emphasis (`*`,
 * `~~`), code, headings. `-` stays (list lines are the bot's own), and so does `_` (Feishu's
 * emphasis is `*`; ids such as im:message.group_msg must stay readable in the source too).
 */
const FEISHU_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '*': '&#42;', '~': '&#126;', '`': '&#96;', '[': '&#91;', ']': '&#93;', '#': '&#35;' };
export const feishuText = (s: string) => s.replace(/[&<>*~`[\]#]/g, (c) => FEISHU_SPECIAL[c]!);

/** Ids Feishu mentions by: open_id (ou_…) and union_id (on_…); never all. */
const FEISHU_ID = /^o[un]_[0-9A-Za-z]+$/;

/** Core markdown → Feishu card markdown: text escaped, `**bold**` native, `@{ou_x}` a real mention. */
export function feishuMarkdown(md: string): string {
  return renderMd(md, {
    text: feishuText,
    bold: (inner) => `**${inner}**`,
    mention: (id) => (FEISHU_ID.test(id) && !BROADCAST.test(id) ? `<at id=${id}></at>` : feishuText(`@${id}`)),
  });
}

function button(b: Button) {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: b.label },
    type: b.style === 'primary' ? 'primary' : b.style === 'danger' ? 'danger' : 'default',
    // The core Action travels as the callback value and is validated when it comes back.
    behaviors: [{ type: 'callback', value: b.action }],
  };
}

/**
 * Card → Feishu card JSON 2.0. 2.0 rejects unknown attributes, so only documented ones
 * are used; `update_multi` lets the checklist card be patched later.
 */
export function renderFeishuCard(card: Card): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  for (const b of card.blocks) {
    switch (b.type) {
      case 'text':
        elements.push({ tag: 'markdown', content: feishuMarkdown(b.md) });
        break;
      case 'context':
        elements.push({ tag: 'markdown', content: feishuMarkdown(b.md), text_size: 'notation' });
        break;
      case 'divider':
        elements.push({ tag: 'hr' });
        break;
      case 'buttons':
        if (b.buttons.length === 1) elements.push(button(b.buttons[0]!));
        else if (b.buttons.length > 1)
          elements.push({ tag: 'column_set', columns: b.buttons.map((x) => ({ tag: 'column', width: 'auto', elements: [button(x)] })) });
        break;
      default: {
        const never: never = b;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  }
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: card.title }, template: templates[card.tone] },
    body: { elements },
  };
}
