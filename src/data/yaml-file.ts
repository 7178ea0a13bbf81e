import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { z } from 'zod';

/** "risks[3].countermeasure" from a zod path. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

/** One zod issue as a person fixing the file reads it: "risks[3].countermeasure is required". */
export function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${where} is required`;
  // Strict schemas: a key the file format does not have is a typo, or text cut off by an
  // unquoted half-width comma inside a { zh: …, en: … } flow mapping (YAML ends the value there).
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${where}: unknown key ${keys} (a misspelt field, or a text cut at an unquoted comma: write the value in quotes)`;
  }
  return `${where}: ${issue.message}`;
}

export const issuesText = (error: z.ZodError) => error.issues.map(issueText).join('; ');

/**
 * Parses YAML text (core schema: dates stay strings such as "2026-10-01") and validates
 * it; every error names `shownAs` and the field. `Fail` is the caller's error class, so
 * start-up can tell which data file stopped it.
 */
export function parseDataFile<S extends z.ZodType>(text: string, schema: S, shownAs: string, Fail: new (msg: string) => Error): z.infer<S> {
  let raw: unknown;
  try {
    raw = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: shownAs });
  } catch (e) {
    throw new Fail(`${shownAs}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Fail(`${shownAs}: ${issuesText(parsed.error)}`);
  return parsed.data;
}

/** Reads, parses and validates one YAML data file. */
export function readDataFile<S extends z.ZodType>(file: string, schema: S, shownAs: string, Fail: new (msg: string) => Error): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Fail(`${shownAs}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseDataFile(text, schema, shownAs, Fail);
}
