import { BROADCAST, renderMd } from '../core/markdown.ts';
/**
 * HTML building for the web pages. Everything that is not a literal of ours goes through
 * `esc` (or the `html` tag, which escapes every interpolated value unless it is `raw`).
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Already-safe HTML (built by `html` or by a renderer that escapes). */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export const raw = (s: string) => new Raw(s);

type Part = Raw | string | number | boolean | null | undefined | Part[];

function part(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(part).join('');
  if (v instanceof Raw) return v.value;
  return esc(v);
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v) + strings[i + 1]!));
  return new Raw(out);
}

/**
 * The core's markdown subset as HTML: `**bold**`, `- ` lists, line breaks, and
 * `@{userId}` mentions (shown with `name(id)`). Text is escaped token by token (core/markdown.ts),
 * so nothing the user or the rulebook wrote can become markup.
 */
export function mdToHtml(md: string, name: (id: string) => string = (id) => id): string {
  const inline = (line: string) =>
    renderMd(line, {
      text: esc,
      bold: (inner) => `<strong>${inner}</strong>`,
      mention: (id) => (/^[A-Za-z0-9_.:-]+$/.test(id) && !BROADCAST.test(id) ? `<span class="mention">@${esc(name(id))}</span>` : esc(`@${id}`)),
    });
  const out: string[] = [];
  let list: string[] | null = null;
  const flush = () => {
    if (list) out.push(`<ul>${list.map((l) => `<li>${l}</li>`).join('')}</ul>`);
    list = null;
  };
  for (const line of md.split('\n')) {
    const m = /^\s*[-•] (.*)$/.exec(line);
    if (m) (list ??= []).push(inline(m[1]!));
    else {
      flush();
      out.push(line.trim() ? `<p>${inline(line)}</p>` : '');
    }
  }
  flush();
  return out.join('');
}
