import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { NewSignoffEvent } from './records.ts';

export { EvidenceFacts, EvidenceSource, Sha256 } from './evidence-facts.ts';
import { EvidenceFacts, EvidenceSource, Sha256 } from './evidence-facts.ts';

/**
 * A file, image or link attached to a sign-off. `status: 'stored'` with a file source: the
 * bytes are kept (store.readEvidence(sha256)); `'missing'`: the sign-off was recorded but the
 * file could not be kept (too large, fetch failed), `reason` says why. A link is stored as its URL.
 */
export const EvidenceRecord = z.object({
  id: z.number().int().positive(),
  projectId: z.string().min(1),
  /** The sign-off event it belongs to (its `seq`), when one was recorded. */
  signoffSeq: z.number().int().positive().optional(),
  /** The platform message it came from. */
  messageId: z.string().optional(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  sha256: Sha256.optional(),
  source: EvidenceSource,
  url: z.string().optional(),
  status: z.enum(['stored', 'missing']),
  reason: z.string().optional(),
  /** When it was attached (ISO 8601 with offset). */
  at: z.string(),
  /** Its `evidence` event in the audit trail (the event's `seq`), written in the same step; absent for records kept before evidence was audited. */
  auditSeq: z.number().int().positive().optional(),
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;
export type NewEvidence = Omit<EvidenceRecord, 'id' | 'sha256' | 'auditSeq'>;


export const factsOf = (r: Omit<EvidenceRecord, 'id'>, signoffHash?: string): EvidenceFacts =>
  EvidenceFacts.parse({
    signoffSeq: r.signoffSeq,
    ...(signoffHash ? { signoffHash } : {}),
    source: r.source,
    name: r.name,
    mime: r.mime,
    size: r.size,
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
    ...(r.url ? { url: r.url } : {}),
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
  });

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** lowdb: the bytes beside the store file, one file per content hash. */
export const evidenceDir = (storeFile: string): string => `${storeFile}.evidence`;

/** Writes the bytes atomically (temp file, fsync, rename); the same content twice is one file. */
export function writeEvidenceFile(dir: string, bytes: Uint8Array): string {
  const sha = sha256Hex(bytes);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, sha);
  if (existsSync(target)) return sha;
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  return sha;
}

export function readEvidenceFile(dir: string, sha: string): Uint8Array | undefined {
  if (!Sha256.safeParse(sha).success) return undefined;
  const f = join(dir, sha);
  return existsSync(f) ? new Uint8Array(readFileSync(f)) : undefined;
}

/**
 * The audit event that goes with an evidence record (Store.addEvidence writes both in one step):
 * who attached it, when and how, for which item (`itemId`: the item's own id) and sign-off.
 */
export type EvidenceAudit = Omit<NewSignoffEvent, 'projectId' | 'action' | 'evidence'> & { signoffHash?: string };

export function evidenceEvent(r: Omit<EvidenceRecord, 'id'>, audit: EvidenceAudit): NewSignoffEvent {
  const { signoffHash, itemId, ...rest } = audit;
  return { ...rest, projectId: r.projectId, action: 'evidence', itemId: `evidence:${itemId}`, evidence: factsOf(r, signoffHash) };
}
