import { verifyChain, type ChainCheck } from './chain.ts';
import { verifyEvidence, type EvidenceCheck } from './evidence-check.ts';
import type { EvidenceRecord, SignoffEvent, Store } from './store.ts';

export interface AuditCheck {
  chain: ChainCheck;
  evidence: EvidenceCheck;
  /** The chain holds and the evidence (records, stored files) matches it. */
  ok: boolean;
}

/**
 * The one audit check, for `cli audit verify` and the dashboard alike: the project's hash chain
 * (verifyChain), then its evidence held to the chain (verifyEvidence: records, events, the stored
 * files' bytes hashed again). Evidence an older version kept before evidence had its own event is
 * counted in `evidence.unchained`, not reported as a problem. Pass what the caller already read.
 */
export async function checkAudit(store: Pick<Store, 'listSignoffs' | 'listEvidence' | 'readEvidence'>, projectId: string, have: { events?: SignoffEvent[]; records?: EvidenceRecord[] } = {}): Promise<AuditCheck> {
  const events = have.events ?? (await store.listSignoffs(projectId));
  const chain = verifyChain(projectId, events);
  const evidence = await verifyEvidence(projectId, events, have.records ?? (await store.listEvidence(projectId)), (sha) => store.readEvidence(sha));
  return { chain, evidence, ok: chain.ok && !evidence.problems.length };
}
