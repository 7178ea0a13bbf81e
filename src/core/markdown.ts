/**
 * The core's markdown: `**bold**`, line breaks, `- ` lists, `@{id}` for a mention the bot
 * makes itself, and `\x` for a character x that is only text. Text that came from a person
 * (a message, a project name, a display name, a role word, a file name) goes in through
 * `mdText`, so it can never become bold, a mention or anything a renderer would read as
 * markup; each renderer then escapes what its platform would read (renderMd).
 */

/** Text from a person (or any data) as core markdown that reads as itself. */
export const mdText = (s: string): string => s.replace(/[\\*@]/g, (c) => `\\${c}`);

/** A mention the bot makes itself; renderers turn it into a platform mention only for an id of that platform's shape. */
export const mention = (id: string): string => `@{${id.replace(/[{}\\]/g, '')}}`;

export type MdToken = { kind: 'text'; text: string } | { kind: 'bold'; children: MdToken[] } | { kind: 'mention'; id: string };

/** Splits core markdown into text, bold spans and mentions; escapes are resolved into text. */
export function parseMd(md: string): MdToken[] {
  const out: MdToken[] = [];
  let text = '';
  const flush = (into: MdToken[]) => {
    if (text) into.push({ kind: 'text', text });
    text = '';
  };
  let stack: MdToken[][] = [out];
  const top = () => stack[stack.length - 1]!;
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === '\\' && i + 1 < md.length) {
      text += md[++i];
    } else if (c === '*' && md[i + 1] === '*') {
      i++;
      flush(top());
      if (stack.length > 1) {
        const children = stack.pop()!;
        top().push({ kind: 'bold', children });
      } else stack = [...stack, []];
    } else if (c === '@' && md[i + 1] === '{') {
      const end = md.indexOf('}', i + 2);
      if (end < 0) text += c;
      else {
        flush(top());
        top().push({ kind: 'mention', id: md.slice(i + 2, end) });
        i = end;
      }
    } else text += c;
  }
  flush(top());
  // An unclosed ** is text.
  while (stack.length > 1) {
    const open = stack.pop()!;
    top().push({ kind: 'text', text: '**' }, ...open);
  }
  return out;
}

export interface MdRenderer {
  /** Plain text, escaped for the platform. */
  text(s: string): string;
  bold(inner: string): string;
  mention(id: string): string;
}

export function renderMd(md: string, r: MdRenderer): string {
  const walk = (tokens: MdToken[]): string =>
    tokens
      .map((t) => {
        switch (t.kind) {
          case 'text':
            return r.text(t.text);
          case 'bold':
            return r.bold(walk(t.children));
          case 'mention':
            return r.mention(t.id);
          default: {
            const never: never = t;
            throw new Error(`unknown token ${JSON.stringify(never)}`);
          }
        }
      })
      .join('');
  return walk(parseMd(md));
}

/** Core markdown as plain text: no bold, mentions as `@id`, escapes resolved (CLI, fallbacks). */
export const plainMd = (md: string): string => renderMd(md, { text: (s) => s, bold: (s) => s, mention: (id) => `@${id}` });

/** A person as text: their display name, or their id when the name is unknown; never a mention (no ping). */
export const personMd = (u: { id: string; name?: string | undefined }): string => mdText(u.name ?? u.id);

/** Ids that are never a person: mentioning them would notify a whole chat. */
export const BROADCAST = /^(all|here|channel|everyone)$/i;
