import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A report file as a reader opens it: the PDF through `pdftotext -raw` (poppler-utils), the
 * DOCX's word/document.xml through `unzip -p` (so it is a real zip with that part). Wrapped
 * lines break text anywhere: compare through `squash`.
 */
function withFile<T>(bytes: Buffer, name: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'oa-report-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const pdfText = (bytes: Buffer): string => withFile(bytes, 'r.pdf', (f) => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }));

/** word/document.xml as stored; throws when the file is not a zip with that part. */
export const docxXml = (bytes: Buffer): string => withFile(bytes, 'r.docx', (f) => execFileSync('unzip', ['-p', f, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 64 << 20 }));

/** What Word shows: the text of word/document.xml, one line per paragraph or line break, entities decoded. */
export const docxText = (bytes: Buffer): string =>
  docxXml(bytes)
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:br\/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export const squash = (s: string) => s.replace(/[\s-]+/g, '');
