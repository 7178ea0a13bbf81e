import type { Ctx } from '../../core/bot.ts';
import { mdText } from '../../core/markdown.ts';
import type { Attachment } from '../../core/message.ts';
import { AttachmentError, type OutgoingFile } from '../../core/transport.ts';
import { say, type Lang } from '../../core/reply.ts';
import type { EvidenceAudit, EvidenceRecord, EvidenceSource } from '../../store/evidence.ts';
import type { SignoffEvent } from '../../store/records.ts';

/** EVIDENCE_MAX_BYTES when unset: 20 MB. */
export const DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

// Slack writes links as <https://x> or <https://x|label>; elsewhere they are bare.
const LINK = /<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>|(https?:\/\/[^\s<>"'，。、；）)]+)/giu;

/** The http(s) links in a reply, each once, in order (an email archive link, an approval link). */
export function linksIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(LINK)) {
    const url = (m[1] ?? m[2] ?? '').replace(/[.,!?;:]+$/, '');
    if (url && !out.includes(url)) out.push(url);
  }
  return out;
}

/** The reply without its links: "确认 3 https://mail/x" is still the sign-off "确认 3". */
export const withoutLinks = (text: string): string => text.replace(LINK, ' ').replace(/\s+/g, ' ').trim();

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const sourceOf = (platform: string, a: Attachment): EvidenceSource => (platform === 'slack' ? 'slack-file' : a.kind === 'image' ? 'feishu-image' : 'feishu-file');

/** Who attaches the evidence and how: the audit event of each piece (Store.addEvidence's `audit`). */
export interface EvidenceActor {
  /** When (ISO 8601 with the project's offset): the record's `at` and its event's. */
  at: string;
  role: SignoffEvent['role'];
  via: SignoffEvent['via'];
  /** The literal reply. */
  text: string;
  rulebookVersion?: string;
}

/** Whether `kept` already holds this piece for sign-off `seq` (a retry after the bot stopped mid-way). */
export const alreadyKept = (kept: readonly Pick<EvidenceRecord, 'signoffSeq' | 'messageId' | 'name'>[], seq: number, messageId: string, name: string): boolean =>
  kept.some((k) => k.signoffSeq === seq && k.messageId === messageId && k.name === name);

/**
 * Keeps what came with a confirm as evidence of each written event: the attachments, fetched
 * through the platform (at most `maxBytes` each), and the links. A file that is too large or
 * cannot be fetched is kept as 'missing' with the reason; the sign-off stands either way.
 * Each record is written with its `evidence` audit event in one step (Store.addEvidence), so the
 * receipt names only what the store kept. Pieces `before` already holds for an event (the same
 * message handled again after a crash) are not kept twice.
 * Returns the receipt's lines (name, size, first 12 of the SHA-256; or why it is missing) and
 * the events that now have stored evidence.
 */
export async function keepEvidence(
  ctx: Ctx,
  written: SignoffEvent[],
  attachments: Attachment[],
  links: string[],
  maxBytes: number,
  lang: Lang,
  actor: EvidenceActor,
  before: readonly EvidenceRecord[] = [],
  /** Files the bot made of what an event confirms, by item id (ReadinessEnv.itemEvidence): kept for that event only. */
  made: ReadonlyMap<string, OutgoingFile> = new Map(),
): Promise<{ lines: string[]; stored: Set<number> }> {
  const stored = new Set<number>();
  if (!written.length || (!attachments.length && !links.length && !written.some((w) => made.has(w.itemId)))) return { lines: [], stored };
  const { store, log } = ctx.deps;
  const m = ctx.msg;
  const { at } = actor;
  const lines: string[] = [];
  for (const w of written) if (before.some((k) => k.signoffSeq === w.seq && k.status === 'stored')) stored.add(w.seq);
  const audit = (w: SignoffEvent, messageId: string): EvidenceAudit => ({
    itemId: w.itemId,
    itemText: w.itemText,
    userId: m.user.id,
    ...(m.user.name ? { userName: m.user.name } : {}),
    role: actor.role,
    at,
    via: actor.via,
    platform: m.chat.platform,
    evidenceMessageId: messageId,
    text: actor.text,
    ...(actor.rulebookVersion ? { rulebookVersion: actor.rulebookVersion } : {}),
    ...(w.hash ? { signoffHash: w.hash } : {}),
  });
  /** The events this piece still has to be kept for. */
  const owed = (messageId: string, name: string) => written.filter((w) => !alreadyKept(before, w.seq, messageId, name));
  const keep = async (e: Omit<EvidenceRecord, 'id' | 'projectId' | 'signoffSeq' | 'at' | 'sha256' | 'auditSeq'>, bytes?: Uint8Array): Promise<EvidenceRecord | undefined> => {
    let first: EvidenceRecord | undefined;
    try {
      for (const w of owed(e.messageId ?? m.messageId, e.name)) {
        const r = await store.addEvidence({ ...e, projectId: w.projectId, signoffSeq: w.seq, at }, bytes, audit(w, e.messageId ?? m.messageId));
        if (r.status === 'stored') stored.add(w.seq);
        first ??= r;
      }
    } catch (err) {
      log.error('evidence could not be stored', { projectId: written[0]!.projectId, name: e.name, err });
    }
    return first;
  };
  const limit = formatBytes(maxBytes);
  for (const a of attachments) {
    const source = sourceOf(m.chat.platform, a);
    const base = { messageId: a.messageId ?? m.messageId, name: a.name, mime: a.mime ?? 'application/octet-stream', source };
    if (!owed(base.messageId, a.name).length) continue;
    let why: string;
    let size = a.size ?? 0;
    if (a.size !== undefined && a.size > maxBytes) {
      why = say(lang, `超过 ${limit} 上限`, `larger than the ${limit} limit`);
    } else {
      try {
        const f = await ctx.fetchAttachment(a.ref, maxBytes);
        if (f.bytes.byteLength > maxBytes) throw new AttachmentError('too-large', 'too large', f.bytes.byteLength);
        const kept = await keep({ ...base, name: a.name || f.name, mime: f.mime || base.mime, size: f.bytes.byteLength, status: 'stored' }, f.bytes);
        if (kept) {
          lines.push(say(lang, `📎 附件:${mdText(kept.name)}(${formatBytes(kept.size)},SHA-256 ${kept.sha256!.slice(0, 12)})`, `📎 Attached: ${mdText(kept.name)} (${formatBytes(kept.size)}, SHA-256 ${kept.sha256!.slice(0, 12)})`));
          continue;
        }
        why = say(lang, '保存失败', 'it could not be saved');
      } catch (err) {
        const e = err instanceof AttachmentError ? err : new AttachmentError('failed', (err as Error).message);
        if (e.size !== undefined) size = e.size;
        why = e.reason === 'too-large' ? say(lang, `超过 ${limit} 上限`, `larger than the ${limit} limit`) : say(lang, `下载失败:${e.message}`, `the download failed: ${e.message}`);
        log.warn('evidence not fetched', { platform: m.chat.platform, name: a.name, reason: e.reason, err: e.message });
      }
    }
    await keep({ ...base, size, status: 'missing', reason: why });
    lines.push(say(lang, `⚠️ 附件缺失:${mdText(a.name)}(${mdText(why)});确认已记录,但没有保存这份证据`, `⚠️ Evidence missing: ${mdText(a.name)} (${mdText(why)}); the sign-off is recorded without it`));
  }
  // The bot's own snapshot (the plan being signed): for the events of its item, stored with its hash.
  for (const w of written) {
    const f = made.get(w.itemId);
    if (!f || alreadyKept(before, w.seq, m.messageId, f.name)) continue;
    try {
      const r = await store.addEvidence({ messageId: m.messageId, name: f.name, mime: f.mime, size: f.bytes.byteLength, source: 'bot-file', status: 'stored', projectId: w.projectId, signoffSeq: w.seq, at }, f.bytes, audit(w, m.messageId));
      stored.add(w.seq);
      lines.push(say(lang, `📎 附:${mdText(r.name)}(${formatBytes(r.size)},SHA-256 ${r.sha256!.slice(0, 12)}),机器人按确认时的内容生成`, `📎 Attached: ${mdText(r.name)} (${formatBytes(r.size)}, SHA-256 ${r.sha256!.slice(0, 12)}), made by the bot of what was confirmed`));
    } catch (err) {
      log.error('evidence could not be stored', { projectId: w.projectId, name: f.name, err });
    }
  }
  for (const url of links) {
    if (!owed(m.messageId, url).length) continue;
    const kept = await keep({ messageId: m.messageId, name: url, mime: 'text/uri-list', size: 0, source: 'link', url, status: 'stored' });
    if (kept) lines.push(say(lang, `🔗 链接:${mdText(url)}`, `🔗 Link: ${mdText(url)}`));
    else lines.push(say(lang, `⚠️ 链接未能保存:${mdText(url)};确认已记录,但没有这份证据`, `⚠️ Link not saved: ${mdText(url)}; the sign-off is recorded without it`));
  }
  return { lines, stored };
}
