import type { Button, Card } from '../../src/core/card.ts';

const templates: Record<Card['tone'], string> = { info: 'blue', success: 'green', warning: 'orange', danger: 'red', neutral: 'grey' };

/** Core markdown → Feishu card markdown: `@{ou_x}` becomes a real mention; `**bold**` and `- ` lists are native. */
export function feishuMarkdown(md: string): string {
  return md.replace(/@\{([^}\s]+)\}/g, (_m, id: string) => `<at id=${id}></at>`);
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
