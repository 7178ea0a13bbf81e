import { grantWords } from '../projects/trail.ts';
import type { SignoffEvent } from '../store/records.ts';

/** Role changes fill subjectId/subjectName (whose role) and org; sign-offs fill roleGrant (how the signer holds their role). */
export const CSV_COLUMNS = ['seq', 'projectId', 'action', 'itemId', 'itemText', 'userId', 'userName', 'role', 'at', 'via', 'platform', 'evidenceMessageId', 'text', 'subjectId', 'subjectName', 'org', 'roleGrant'] as const;

/**
 * A cell a spreadsheet would run as a formula: =, +, -, @ (or their full-width forms) first,
 * perhaps behind spaces, NBSP, zero-width characters or a BOM that the spreadsheet skips;
 * or a tab or CR first.
 */
export const FORMULA_START = /^[\s\u00a0\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/** RFC 4180, with a leading ' on cells a spreadsheet would run as a formula. */
function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const value = (e: SignoffEvent, c: (typeof CSV_COLUMNS)[number]): unknown => (c === 'roleGrant' ? grantWords(e.roleGrant, 'en', (id, name) => (name ? `${name} (${id})` : id)) : e[c]);

export function signoffsCsv(events: SignoffEvent[]): string {
  const rows = [CSV_COLUMNS.join(','), ...events.map((e) => CSV_COLUMNS.map((c) => cell(value(e, c))).join(','))];
  return rows.join('\r\n') + '\r\n';
}
