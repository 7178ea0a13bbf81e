import type { Card } from '../../src/core/card.ts';
import { esc, mdToHtml } from '../../src/web/html.ts';
import type { WebMessage } from './log.ts';

/**
 * Card → HTML. Every string is escaped (the markdown subset is applied after escaping),
 * and buttons carry only their position: the click is resolved on the server against the
 * stored card, so a page cannot make up an action.
 */
export function renderCard(card: Card, messageId: string, name: (id: string) => string): string {
  const parts = card.blocks.map((b, bi) => {
    switch (b.type) {
      case 'text':
        return `<div class="md">${mdToHtml(b.md, name)}</div>`;
      case 'context':
        return `<div class="md context">${mdToHtml(b.md, name)}</div>`;
      case 'divider':
        return '<hr>';
      case 'buttons':
        return `<div class="buttons">${b.buttons
          .map((x, i) => `<button type="button" class="btn ${x.style === 'primary' ? 'primary' : x.style === 'danger' ? 'danger' : ''}" data-msg="${esc(messageId)}" data-block="${bi}" data-button="${i}">${esc(x.label)}</button>`)
          .join('')}</div>`;
      default: {
        const never: never = b;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  });
  return `<section class="card tone-${esc(card.tone)}"><h3>${esc(card.title)}</h3>${parts.join('')}</section>`;
}

/** A person's message: escaped text as typed (no markdown), `@{id}` shown as a mention. */
export function renderText(text: string, name: (id: string) => string): string {
  const body = esc(text).replace(/@\{([A-Za-z0-9_.:-]+)\}/g, (_m, id: string) => `<span class="mention">@${esc(name(id))}</span>`);
  return `<div class="md"><p>${body.replace(/\n/g, '<br>')}</p></div>`;
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** A file the bot put into the chat: its comment, and a download link to the playground API. */
export function renderFile(m: WebMessage & { file: NonNullable<WebMessage['file']> }): string {
  const href = `/api/playground/${encodeURIComponent(m.chatId)}/files/${encodeURIComponent(m.file.id)}`;
  const comment = m.text ? `<p>${esc(m.text)}</p>` : '';
  return `<section class="card tone-info file">${comment}<p>📎 <a class="file-link" href="${esc(href)}" download="${esc(m.file.name)}">${esc(m.file.name)}</a> <span class="muted">(${size(m.file.size)})</span></p></section>`;
}

/** What the page gets for one message. */
export function messageView(m: WebMessage, name: (id: string) => string) {
  return {
    id: m.id,
    rev: m.rev,
    at: m.at,
    from: m.from,
    replyTo: m.replyTo,
    /** Plain text for the "replying to" line. */
    summary: (m.card?.title ?? m.file?.name ?? m.text ?? '').slice(0, 80),
    html: m.card ? renderCard(m.card, m.id, name) : m.file ? renderFile({ ...m, file: m.file }) : renderText(m.text ?? '', name),
  };
}
