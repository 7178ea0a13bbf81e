/**
 * Longest-match phrase replacement with a character trie. It does what one big regex
 * alternation (longest first) does, in time that does not grow with the lexicon:
 * the lexicon has hundreds of phrases and every rulebook phrase passes through it.
 */
interface Node {
  next: Map<string, Node>;
  value?: string;
}

function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i); // NaN outside the text
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

export class PhraseTrie {
  private root: Node = { next: new Map() };
  size = 0;

  /** `wordBoundary`: a match must not start or end inside a Latin word (like regex \b). */
  constructor(private readonly wordBoundary: boolean) {}

  add(key: string, value: string): this {
    if (!key) return this;
    let n = this.root;
    for (const ch of key) {
      let child = n.next.get(ch);
      if (!child) n.next.set(ch, (child = { next: new Map() }));
      n = child;
    }
    if (n.value === undefined) this.size++;
    n.value = value;
    return this;
  }

  /** Longest key starting at `i`: [end, value], or undefined. */
  private matchAt(text: string, i: number): [number, string] | undefined {
    if (this.wordBoundary && isWordChar(text, i - 1)) return undefined;
    let n: Node | undefined = this.root;
    let best: [number, string] | undefined;
    for (let j = i; j < text.length && n; j++) {
      n = n.next.get(text[j]!);
      if (n?.value !== undefined && (!this.wordBoundary || !isWordChar(text, j + 1))) best = [j + 1, n.value];
    }
    return best;
  }

  /** Every non-overlapping longest match, left to right, replaced by its value. */
  replaceAll(text: string): string {
    if (!this.size) return text;
    let out = '';
    let copied = 0;
    let i = 0;
    while (i < text.length) {
      const m = this.root.next.has(text[i]!) ? this.matchAt(text, i) : undefined;
      if (m) {
        out += text.slice(copied, i) + m[1];
        i = copied = m[0];
      } else i++;
    }
    return copied ? out + text.slice(copied) : text;
  }

  contains(text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.root.next.has(text[i]!) && this.matchAt(text, i)) return true;
    return false;
  }
}
