import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where a piece of evidence came from. */
export const EvidenceSource = z.enum(['slack-file', 'feishu-file', 'feishu-image', 'link']);
export type EvidenceSource = z.infer<typeof EvidenceSource>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

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
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;
export type NewEvidence = Omit<EvidenceRecord, 'id' | 'sha256'>;

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
