import { z } from 'zod';

/** Where a piece of evidence came from. */
/** `bot-file`: a snapshot the bot made of what was confirmed (the training plan for 5.2-17), kept with the confirm. */
export const EvidenceSource = z.enum(['slack-file', 'feishu-file', 'feishu-image', 'link', 'bot-file']);
export type EvidenceSource = z.infer<typeof EvidenceSource>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What an `evidence` event of the audit trail says about the evidence it records: the sign-off
 * it belongs to (its `seq` and `hash`), the file's name, type, size and SHA-256 (or the link),
 * or that it is missing and why. Hashed with the event, so `audit verify` can hold the stored
 * record and the stored bytes to it.
 */
export const EvidenceFacts = z.object({
  signoffSeq: z.number().int().positive(),
  signoffHash: Sha256.optional(),
  source: EvidenceSource,
  name: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  sha256: Sha256.optional(),
  url: z.string().optional(),
  status: z.enum(['stored', 'missing']),
  reason: z.string().optional(),
});
export type EvidenceFacts = z.infer<typeof EvidenceFacts>;
