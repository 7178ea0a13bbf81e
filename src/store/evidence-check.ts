import { canonical } from './chain.ts';
import { factsOf, sha256Hex, type EvidenceRecord } from './evidence.ts';
import type { SignoffEvent } from './records.ts';

export interface EvidenceCheck {
  projectId: string;
  /** Evidence records looked at, and stored files whose bytes were hashed again. */
  records: number;
  files: number;
  /** What does not hold, one sentence each naming the record (#id, its name) or the event (#seq). */
  problems: string[];
  /** Records kept before evidence had its own event (an older version): not in the chain, their files still hashed. */
  unchained: number;
}

/**
 * Holds a project's evidence to its audit trail (run after verifyChain, so the events can be
 * trusted): every `evidence` event has its record (the record's `auditSeq`) saying the same (the
 * sign-off, name, type, size, SHA-256 or link, status), and follows the sign-off it names (its
 * seq and hash); every record has its event; every stored file's bytes still hash to its SHA-256.
 * `read` gives a file's bytes by hash (Store.readEvidence), none when it is gone or changed.
 */
export async function verifyEvidence(projectId: string, events: SignoffEvent[], records: EvidenceRecord[], read: (sha256: string) => Promise<Uint8Array | undefined>): Promise<EvidenceCheck> {
  const problems: string[] = [];
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const name = (r: EvidenceRecord) => `evidence #${r.id} (${r.name}${r.signoffSeq ? `, sign-off #${r.signoffSeq}` : ''})`;
  for (const e of events) {
    if (e.action !== 'evidence') continue;
    const what = `event #${e.seq} (evidence ${e.evidence?.name ?? '?'} for ${e.itemId.replace(/^evidence:/, '')})`;
    if (!e.evidence) {
      problems.push(`${what} says nothing of the evidence`);
      continue;
    }
    const signoff = bySeq.get(e.evidence.signoffSeq);
    if (!signoff || signoff.action !== 'confirm' || (e.evidence.signoffHash && signoff.hash !== e.evidence.signoffHash)) problems.push(`${what} names sign-off #${e.evidence.signoffSeq}, which is not that confirm in the trail`);
    const r = records.find((x) => x.auditSeq === e.seq);
    if (!r) {
      problems.push(`${what} has no evidence record: the record was removed, or its link to the event changed`);
      continue;
    }
    const { signoffHash: _h, ...said } = e.evidence;
    const kept = factsOf(r) as Record<string, unknown>;
    const differ = Object.keys({ ...said, ...kept }).filter((k) => canonical((said as Record<string, unknown>)[k]) !== canonical(kept[k]));
    if (differ.length) problems.push(`${name(r)} does not match its audit event #${e.seq}: ${differ.map((k) => `${k} is ${JSON.stringify(kept[k] ?? null)}, the event says ${JSON.stringify((said as Record<string, unknown>)[k] ?? null)}`).join('; ')}`);
  }
  // A record an older version kept has no event; it can only belong to a sign-off from before the
  // project's first evidence event, and one whose evidence no event names (since then every piece
  // of a sign-off gets its event in the same write).
  const firstEvidenceSeq = events.find((e) => e.action === 'evidence')?.seq ?? Infinity;
  const chainedSignoffs = new Set(events.flatMap((e) => (e.action === 'evidence' && e.evidence ? [e.evidence.signoffSeq] : [])));
  const older = (r: EvidenceRecord) => r.signoffSeq !== undefined && r.signoffSeq < firstEvidenceSeq && !chainedSignoffs.has(r.signoffSeq) && bySeq.get(r.signoffSeq)?.action === 'confirm';
  let unchained = 0;
  const hashed = new Map<string, boolean>();
  let files = 0;
  for (const r of records) {
    if (r.auditSeq === undefined && older(r)) unchained++;
    else if (r.auditSeq === undefined) problems.push(`${name(r)} is not in the audit trail: added outside the bot`);
    else if (bySeq.get(r.auditSeq)?.action !== 'evidence') problems.push(`${name(r)} points at event #${r.auditSeq}, which is not an evidence event`);
    if (r.status !== 'stored' || !r.sha256) continue;
    let ok = hashed.get(r.sha256);
    if (ok === undefined) {
      const bytes = await read(r.sha256);
      files++;
      ok = !!bytes && sha256Hex(bytes) === r.sha256;
      hashed.set(r.sha256, ok);
    }
    if (!ok) problems.push(`${name(r)}: its stored file is missing or its bytes no longer hash to SHA-256 ${r.sha256}`);
  }
  return { projectId, records: records.length, files, problems, unchained };
}
