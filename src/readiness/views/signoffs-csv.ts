import { grantWords } from './trail-words.ts';
import type { EvidenceRecord } from '../../store/evidence.ts';
import type { SignoffEvent } from '../../store/records.ts';

/**
 * Role changes fill subjectId/subjectName (whose role) and org; sign-offs fill roleGrant (how the
 * signer holds their role) and evidence (the files or links it carried, with their SHA-256);
 * hash is the event's place in its project's hash chain (cli audit verify).
 */
export const CSV_COLUMNS = ['seq', 'projectId', 'action', 'itemId', 'itemText', 'userId', 'userName', 'role', 'at', 'via', 'platform', 'evidenceMessageId', 'text', 'subjectId', 'subjectName', 'org', 'roleGrant', 'evidence', 'hash'] as const;

/**
 * A cell a spreadsheet would run as a formula: =, +, -, @ (or their full-width forms) first,
 * perhaps behind spaces, NBSP, zero-width characters or a BOM that the spreadsheet skips;
 * or a tab or CR first.
 */
export const FORMULA_START = /^[\s\u00a0\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/** RFC 4180, with a leading ' on cells a spreadsheet would run as a formula. */
export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** "plan.pdf (sha256 ab12…); https://mail.example/123; scan.png (missing: too large)" */
const evidenceWords = (mine: Pick<EvidenceRecord, 'name' | 'sha256' | 'source' | 'url' | 'status' | 'reason'>[]) =>
  mine.map((x) => (x.status === 'missing' ? `${x.name} (missing: ${x.reason ?? 'unknown'})` : x.source === 'link' ? (x.url ?? x.name) : `${x.name} (sha256 ${x.sha256 ?? '?'})`)).join('; ');

function value(e: SignoffEvent, c: (typeof CSV_COLUMNS)[number], evidence: Pick<EvidenceRecord, 'signoffSeq' | 'name' | 'sha256' | 'source' | 'url' | 'status' | 'reason'>[]): unknown {
  switch (c) {
    case 'roleGrant':
      return grantWords(e.roleGrant, 'en', (id, name) => (name ? `${name} (${id})` : id));
    case 'evidence':
      // An evidence event: what it recorded; a sign-off: everything attached to it.
      if (e.action === 'evidence') return e.evidence ? evidenceWords([e.evidence]) : '';
      return evidenceWords(evidence.filter((x) => x.signoffSeq === e.seq));
    default:
      return e[c];
  }
}

export function signoffsCsv(events: SignoffEvent[], evidence: Pick<EvidenceRecord, 'signoffSeq' | 'name' | 'sha256' | 'source' | 'url' | 'status' | 'reason'>[] = []): string {
  const rows = [CSV_COLUMNS.join(','), ...events.map((e) => CSV_COLUMNS.map((c) => csvCell(value(e, c, evidence))).join(','))];
  return rows.join('\r\n') + '\r\n';
}
