import { EvidenceFacts } from './evidence.ts';
import type { ChecklistMessage, PostClaim, SignoffEvent } from './records.ts';

/** PostgreSQL rows → records (the store, the snapshot and the migrations read the same rows). */
export type Row = Record<string, unknown>;
export const toSignoff = (r: Row): SignoffEvent => ({
  seq: Number(r.seq),
  projectId: r.project_id as string,
  action: r.action as SignoffEvent['action'],
  itemId: r.item_id as string,
  itemText: r.item_text as string,
  userId: r.user_id as string,
  ...(r.user_name != null ? { userName: r.user_name as string } : {}),
  role: r.role as SignoffEvent['role'],
  at: r.at as string,
  via: r.via as SignoffEvent['via'],
  platform: r.platform as SignoffEvent['platform'],
  evidenceMessageId: r.evidence_message_id as string,
  text: r.text as string,
  ...(r.subject_id != null ? { subjectId: r.subject_id as string } : {}),
  ...(r.subject_name != null ? { subjectName: r.subject_name as string } : {}),
  ...(r.org != null ? { org: r.org as string } : {}),
  ...(r.role_grant != null ? { roleGrant: JSON.parse(r.role_grant as string) as SignoffEvent['roleGrant'] } : {}),
  ...(r.detail != null ? { detail: r.detail as string } : {}),
  // jsonb hands keys back in its own order: parsed into the schema's, as the store wrote them.
  ...(r.evidence != null ? { evidence: EvidenceFacts.parse(typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) } : {}),
  ...(r.rulebook_version != null ? { rulebookVersion: r.rulebook_version as string } : {}),
  ...(r.prev_hash != null ? { prevHash: r.prev_hash as string } : {}),
  ...(r.hash != null ? { hash: r.hash as string } : {}),
});
export const toMessage = (r: Row): ChecklistMessage => ({
  projectId: r.project_id as string,
  platform: r.platform as ChecklistMessage['platform'],
  chatId: r.chat_id as string,
  messageId: r.message_id as string,
  items: r.items as string[],
  postedAt: r.posted_at as string,
  kind: r.kind as ChecklistMessage['kind'],
});
export const toClaim = (r: Row): PostClaim => ({
  projectId: r.project_id as string,
  slot: r.slot as string,
  status: r.status as PostClaim['status'],
  claimedAt: Number(r.claimed_at),
  attempts: Number(r.attempts),
  ...(r.message_id != null ? { messageId: r.message_id as string } : {}),
});

