import { cardText, type Button, type Card } from '../../src/core/card.ts';
import { renderMd } from '../../src/core/markdown.ts';

const SECTION_MAX = 3000; // Slack's limit for a section's text

/** &, < and > are all Slack reads as markup in text: <@U…>, <!channel>, <http://…|…> need them. */
export const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack user ids (U…, W… in Enterprise Grid); never here/channel/everyone. */
const SLACK_ID = /^[UW][A-Z0-9]+$/;
const slackMention = (id: string) => (SLACK_ID.test(id) ? `<@${id}>` : slackText(`@${id}`));

/**
 * Core markdown → Slack mrkdwn: text escaped, `**x**` → `*x*`, `@{U1}` → `<@U1>`, `- ` → `• `.
 * Slack has no escape for *, _ and ~ in text: a person's text can still show emphasis, never
 * a mention, a broadcast or a link.
 */
export function slackMrkdwn(md: string): string {
  return renderMd(md, { text: slackText, bold: (inner) => `*${inner}*`, mention: slackMention }).replace(/^(\s*)- /gm, '$1• ');
}

/** Plain-text fallback (notifications, clients without blocks): plain text, escaped; the blocks carry the mentions. */
export function slackFallback(card: Card): string {
  return slackText(card.fallback || cardText(card));
}

function chunks(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out.length ? out : [''];
}

function button(b: Button, actionId: string) {
  return {
    type: 'button',
    text: { type: 'plain_text', text: b.label.slice(0, 75), emoji: true },
    action_id: actionId,
    // The core Action travels as the value and is validated when it comes back.
    value: JSON.stringify(b.action),
    ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
  };
}

/** Card → Block Kit blocks. Button action_ids start with `oa:` so one listener takes them all. */
export function renderSlackBlocks(card: Card): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: card.title.slice(0, 150), emoji: true } }];
  card.blocks.forEach((b, bi) => {
    switch (b.type) {
      case 'text':
        for (const part of chunks(slackMrkdwn(b.md), SECTION_MAX)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: part } });
        break;
      case 'context':
        blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackMrkdwn(b.md).slice(0, SECTION_MAX) }] });
        break;
      case 'divider':
        blocks.push({ type: 'divider' });
        break;
      case 'buttons':
        if (b.buttons.length) blocks.push({ type: 'actions', elements: b.buttons.slice(0, 25).map((x, i) => button(x, `oa:${bi}:${i}`)) });
        break;
      default: {
        const never: never = b;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  });
  return blocks;
}
