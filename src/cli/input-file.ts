import { readFileSync } from 'node:fs';
import type { CliContext } from './context.ts';

/**
 * An input file of a CLI command, read whole, or undefined after saying why on stderr (it cannot be
 * read; with `utf8`, it is not UTF-8 text): the command then exits 1 having written nothing. The
 * text keeps a BOM, which the parsers drop themselves.
 */
export function readInputFile(ctx: CliContext, file: string, opts: { utf8: true }): { bytes: Buffer; text: string } | undefined;
export function readInputFile(ctx: CliContext, file: string, opts?: { utf8?: false }): { bytes: Buffer } | undefined;
export function readInputFile(ctx: CliContext, file: string, opts: { utf8?: boolean } = {}): { bytes: Buffer; text?: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    ctx.err(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing was written`);
    return undefined;
  }
  if (!opts.utf8) return { bytes };
  try {
    return { bytes, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    ctx.err(`${file}: not UTF-8 text (save the file as UTF-8, e.g. Excel's "CSV UTF-8"); nothing was written`);
    return undefined;
  }
}
