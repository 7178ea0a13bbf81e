import type { Ctx, Handler } from '../../core/bot.ts';
import { mdText, personMd } from '../../core/markdown.ts';
import { evidencedSeqs, itemStates, numberingFor } from '../model/checklist.ts';
import { note, say, type Lang } from '../../core/reply.ts';
import type { ReadinessEnv } from '../env.ts';
import type { TemplateItem } from '../model/template.ts';
import { projectIdOf } from '../model/project-id.ts';
import { auditRole, rolesOf, roleLabel } from '../model/roles.ts';
import { roleGrantOf } from '../model/authority.ts';
import { grantWords } from '../views/trail-words.ts';
import type { SignoffOutcome } from '../../metrics.ts';
import { isoWithOffset } from '../../calendar/dates.ts';
import type { ChecklistMessage, NewSignoffEvent, ProjectRecord, SignoffEvent } from '../../store/records.ts';
import { parseSignoff, type SignoffRequest } from './signoff-parse.ts';
import { decideSignoff, type ItemDecision } from '../model/signoff-decision.ts';
import type { Attachment } from '../../core/message.ts';
import type { OutgoingFile } from '../../core/transport.ts';
import { alreadyKept, DEFAULT_EVIDENCE_MAX_BYTES, keepEvidence, linksIn, withoutLinks } from './evidence.ts';

interface Target {
  project: ProjectRecord;
  /** The checklist message the request refers to; absent when none was posted yet. */
  message?: ChecklistMessage;
  order: string[];
}

interface Request {
  req: SignoffRequest;
  /** How: a chat reply, a card button, or the web playground (either way). */
  via: 'reply' | 'button' | 'web';
  /** The literal reply text, or what was clicked. */
  text: string;
  evidenceMessageId: string;
  /** What came with a confirm, kept as evidence (src/readiness/chat/evidence.ts). */
  attachments?: Attachment[];
  links?: string[];
  /** Said in the receipt about evidence looked for and not taken (a file in the thread too old). */
  notes?: string[];
}

/** How far back a confirm in a Slack thread takes the sender's own file message from: 30 minutes. */
export const THREAD_FILE_WINDOW_MS = 30 * 60_000;
/** How far back the thread is read, to say why an older file was not taken. */
const THREAD_LOOK_BACK_MS = 24 * 3600_000;

/**
 * A confirm in the checklist's thread that carries no file, where the platform cannot say which
 * message it answers (Slack: a thread reply has only thread_ts): the newest message with files in
 * that thread by the same person, posted in the 30 minutes before the confirm, whose files were
 * not kept as evidence already. Anyone else's file, an older one, or one used before is not taken;
 * the receipt says so for the sender's own older file.
 */
async function threadEvidence(ctx: Ctx, t: Target, lang: Lang): Promise<{ attachments: Attachment[]; notes: string[] }> {
  const m = ctx.msg;
  const none = { attachments: [], notes: [] };
  if (m.kind !== 'text' || !m.replyTo || m.parentId || m.attachments?.length || !t.message || t.message.messageId !== m.replyTo) return none;
  let found;
  try {
    found = await ctx.threadFiles(m.replyTo, new Date(m.at.getTime() - THREAD_LOOK_BACK_MS));
  } catch (err) {
    ctx.deps.log.warn('the thread could not be read for evidence', { messageId: m.replyTo, err });
    return none;
  }
  const mine = found.filter((f) => f.userId === m.user.id && f.messageId !== m.messageId && f.at.getTime() <= m.at.getTime()).sort((a, b) => b.at.getTime() - a.at.getTime());
  if (!mine.length) return none;
  const used = new Set((await ctx.deps.store.listEvidence(t.project.id)).flatMap((e) => (e.messageId ? [e.messageId] : [])));
  const fresh = mine.filter((f) => !used.has(f.messageId));
  const pick = fresh.find((f) => m.at.getTime() - f.at.getTime() <= THREAD_FILE_WINDOW_MS);
  if (pick) return { attachments: pick.attachments, notes: [] };
  const older = fresh[0];
  if (!older) return none;
  const names = older.attachments.map((a) => mdText(a.name)).join(', ');
  return {
    attachments: [],
    notes: [say(lang, `ℹ️ 未附证据:你在本话题中的文件 ${names} 发送已超过 30 分钟。请随确认一起发送文件,或重新发送后 30 分钟内回复「确认 n」。`, `ℹ️ No evidence attached: your file ${names} in this thread was shared more than 30 minutes ago. Share the file with the confirm, or share it again and reply "confirm n" within 30 minutes.`)],
  };
}

const itemLine = (n: number, item: TemplateItem, lang: Lang) => `- **${n}.** ${item.text[lang]} (${item.rules.join(', ')})`;

/** Why an item was skipped or refused, as the reply says it. */
function whyWords(x: ItemDecision, lang: Lang): string {
  const { n, item } = x;
  const who = (e: SignoffEvent) => personMd({ id: e.userId, name: e.userName });
  switch (x.kind) {
    case 'skip':
      if (x.why === 'not-confirmed') return say(lang, `第 ${n} 项尚未确认`, `item ${n} is not confirmed`);
      if (x.why === 'needs-evidence') return say(lang, `第 ${n} 项已由 ${who(x.event)} 确认,但仍待补证据:请附上文件、图片或链接回复「确认 ${n}」`, `item ${n} was confirmed by ${who(x.event)} but still needs evidence: reply "confirm ${n}" with a file, image or link`);
      return say(lang, `第 ${n} 项已由 ${who(x.event)} 确认`, `item ${n} was already confirmed by ${who(x.event)}`);
    case 'refuse':
      if (x.why === 'not-yours') return say(lang, `第 ${n} 项只能由确认人 ${who(x.event)} 或项目管理员撤销`, `item ${n} can only be undone by ${who(x.event)}, who confirmed it, or the project admin`);
      return item.confirm === 'anyone' ? '' : say(lang, `第 ${n} 项「${item.text.zh}」需由 **${roleLabel[item.confirm].zh}** 确认`, `item ${n} "${item.text.en}" must be confirmed by the **${roleLabel[item.confirm].en}**`);
    case 'write':
    case 'attach':
      return '';
    default: {
      const never: never = x;
      throw new Error(`unknown item decision ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Which checklist a message refers to: the one it replies to or was clicked on, else the latest
 * when @-mentioned in the group or clicked on another card there (the confirm button of an
 * answer that knows the project carries the latest checklist's number).
 */
async function findTarget(ctx: Ctx, env: ReadinessEnv): Promise<Target | undefined> {
  const { store } = ctx.deps;
  const m = ctx.msg;
  const ref = m.kind === 'action' ? m.messageId : m.replyTo;
  const message = ref ? await store.findChecklistMessage(m.chat.platform, m.chat.chatId, ref) : undefined;
  if (message) {
    const project = await store.getProject(message.projectId);
    // Its numbers, and any item the template gained since (numbered as the next checklist will).
    return project && { project, message, order: numberingFor(env.template, message.items) };
  }
  if (m.chat.chatType !== 'group' || (m.kind === 'text' && !m.mentionsBot)) return undefined;
  const project = await store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
  if (!project) return undefined;
  const latest = await store.latestChecklistMessage(project.id);
  return latest ? { project, message: latest, order: numberingFor(env.template, latest.items) } : { project, order: numberingFor(env.template) };
}

/** Re-renders the checklist message(s) in place after a change; a failed update never undoes a sign-off. */
async function refreshCards(ctx: Ctx, env: ReadinessEnv, t: Target): Promise<void> {
  const latest = await ctx.deps.store.latestChecklistMessage(t.project.id);
  const msgs = [t.message, latest].filter((m, i, a): m is ChecklistMessage => !!m && m.kind !== 'final' && a.findIndex((x) => x?.messageId === m.messageId) === i);
  for (const m of msgs) {
    try {
      const { card } = await env.job.card(t.project, m.items);
      await ctx.update(m.messageId, card);
    } catch (err) {
      ctx.deps.log.warn('checklist message could not be updated in place', { projectId: t.project.id, messageId: m.messageId, err });
    }
  }
}

/** What came of one sign-off request, for /metrics. */
const count = (ctx: Ctx, r: Request, outcome: SignoffOutcome) => ctx.deps.metrics?.signoffs.inc({ action: r.req.kind, outcome });

async function apply(ctx: Ctx, env: ReadinessEnv, t: Target, r: Request): Promise<void> {
  const { store, clock, log } = ctx.deps;
  const { project } = t;
  const lang = project.lang;
  const user = ctx.msg.user;
  const keptBefore = await store.listEvidence(project.id);
  const carries = !!(r.attachments?.length || r.links?.length);
  // What other features make of what an item confirms (the training plan for 5.2-17), by item id.
  // Asked for only when the confirm touches such an item: most confirms read nothing more.
  const made = new Map<string, OutgoingFile>();
  const asked = (r.req.items === 'all' ? t.order : r.req.items.map((n) => t.order[n - 1])).flatMap((id) => (id ? (env.template.byId.get(id) ?? []) : []));
  const ie = env.itemEvidence;
  if (r.req.kind === 'confirm' && ie && asked.some((item) => item.rules.some((rule) => ie.rules.includes(rule)))) {
    try {
      const byRule = await ie.make(project);
      for (const item of asked) for (const rule of item.rules) if (byRule.has(rule) && !made.has(item.id)) made.set(item.id, byRule.get(rule)!);
    } catch (err) {
      log.warn('bot-made evidence unavailable', { projectId: project.id, err });
    }
  }
  const mine = auditRole(project, user.id);
  const d = decideSignoff({
    kind: r.req.kind,
    items: r.req.items,
    order: t.order.map((id) => env.template.byId.get(id)),
    states: itemStates(await store.listSignoffs(project.id)),
    userId: user.id,
    roles: rolesOf(project, user.id),
    adminId: project.adminId,
    evidenced: evidencedSeqs(keptBefore),
    carriesEvidence: carries,
    botEvidenceFor: new Set(made.keys()),
    // The bot stopped between the sign-off and its evidence and the message came again: the evidence goes to that confirm now.
    unfinished: (state) =>
      carries &&
      state.evidenceMessageId === r.evidenceMessageId &&
      [...(r.attachments ?? []).map((a) => [a.messageId ?? r.evidenceMessageId, a.name] as const), ...(r.links ?? []).map((u) => [r.evidenceMessageId, u] as const)].some(([id, name]) => !alreadyKept(keptBefore, state.seq, id, name)),
  });
  switch (d.outcome) {
    case 'unknown-item': {
      count(ctx, r, 'unknown-item');
      const range = d.valid.length ? `${d.valid[0]}–${d.valid.at(-1)}` : '-';
      await ctx.reply(note(say(lang, '没有这个编号', 'No such item'), say(lang, `清单里没有第 ${d.unknown.join('、')} 项;有效编号为 ${range}。未记录任何确认。`, `The checklist has no item ${d.unknown.join(', ')}; valid numbers are ${range}. Nothing was recorded.`), 'warning'));
      return;
    }
    case 'refused': {
      count(ctx, r, 'refused');
      const yours =
        r.req.kind === 'confirm' ? say(lang, `你的角色:${roleLabel[mine].zh}。未记录任何确认。`, `Your role: ${roleLabel[mine].en}. Nothing was recorded.`) : say(lang, '未撤销任何确认。', 'Nothing was undone.');
      await ctx.reply(note(r.req.kind === 'confirm' ? say(lang, '无权确认', 'Not allowed') : say(lang, '无权撤销', 'Not allowed'), [...d.refused.map((x) => `- ${whyWords(x, lang)}`), yours].join('\n'), 'warning'));
      return;
    }
    case 'unchanged': {
      count(ctx, r, d.refused.length ? 'refused' : 'unchanged');
      const why = [...d.skipped, ...d.refused].map((x) => `- ${whyWords(x, lang)}`).join('\n') || say(lang, '没有可确认的事项。', 'Nothing to confirm.');
      await ctx.reply(note(say(lang, '没有变化', 'Nothing changed'), why, 'info'));
      return;
    }
    case 'record':
      break;
    default: {
      const never: never = d;
      throw new Error(`unknown decision ${JSON.stringify(never)}`);
    }
  }
  const toWrite = d.write;
  const attach = d.attach;
  const skipped = d.skipped.map((x) => whyWords(x, lang));
  const refused = d.refused.map((x) => whyWords(x, lang));

  const at = isoWithOffset(clock.now(), project.timeZone);
  // How the signer holds the role they sign with, frozen into the trail (a later change does not rewrite it).
  const grant = mine === 'admin' || mine === 'member' ? undefined : roleGrantOf(project, user.id, mine);
  const events: NewSignoffEvent[] = toWrite.map(({ item }) => ({
    projectId: project.id,
    action: r.req.kind,
    itemId: item.id,
    itemText: item.text[lang],
    userId: user.id,
    ...(user.name ? { userName: user.name } : {}),
    role: mine,
    at,
    via: r.via,
    platform: ctx.msg.chat.platform,
    evidenceMessageId: r.evidenceMessageId,
    text: r.text,
    ...(grant ? { roleGrant: grant } : {}),
    // What the rulebook said when this was signed: the item's text above, and its version here.
    rulebookVersion: ctx.deps.rulebook.version,
  }));
  let written;
  try {
    // Only state changes are written, atomically: a concurrent confirm of the same item
    // (another person, another replica) may have won since we read the states above.
    written = await store.recordSignoffs(events);
  } catch (err) {
    log.error('sign-off could not be written', { projectId: project.id, err });
    count(ctx, r, 'failed');
    await ctx.reply(note(say(lang, '未能记录', 'Not recorded'), say(lang, '写入失败,本次确认没有记录,请稍后重试。', 'The sign-off could not be written and was not recorded; please try again.'), 'danger'));
    return;
  }
  const lost = toWrite.filter(({ item }) => !written.some((e) => e.itemId === item.id));
  for (const { n } of lost) skipped.push(say(lang, `第 ${n} 项刚刚已被他人${r.req.kind === 'confirm' ? '确认' : '撤销'}`, `item ${n} was just ${r.req.kind === 'confirm' ? 'confirmed' : 'undone'} by someone else`));
  toWrite.splice(0, toWrite.length, ...toWrite.filter((w) => !lost.includes(w)));
  if (!toWrite.length && !attach.length) {
    count(ctx, r, 'unchanged');
    await ctx.reply(note(say(lang, '没有变化', 'Nothing changed'), skipped.map((x) => `- ${x}`).join('\n'), 'info'));
    return;
  }
  // Evidence belongs to the events written; fetching it never undoes them.
  const evidence =
    r.req.kind === 'confirm'
      ? await keepEvidence(ctx, [...written, ...attach.map((a) => a.event)], r.attachments ?? [], r.links ?? [], env.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES, lang, { at, role: mine, via: r.via, text: r.text, rulebookVersion: ctx.deps.rulebook.version }, keptBefore, made)
      : { lines: [], stored: new Set<number>() };
  const seqOf = new Map<string, number>([...written.map((e) => [e.itemId, e.seq] as const), ...attach.map((a) => [a.item.id, a.event.seq] as const)]);
  // Acknowledged only now that it is written.
  count(ctx, r, 'recorded');
  const who = personMd(user);
  const head =
    r.req.kind === 'confirm' ? say(lang, `${who}(${roleLabel[mine].zh})确认了:`, `${who} (${roleLabel[mine].en}) confirmed:`) : say(lang, `${who}(${roleLabel[mine].zh})撤销了确认:`, `${who} (${roleLabel[mine].en}) took back:`);
  const added = attach.map(({ n, item, event }) =>
    say(lang, `- **${n}.** ${item.text.zh}(${item.rules.join(', ')}):补充证据,原确认 ${personMd({ id: event.userId, name: event.userName })} ${event.at.slice(5, 16).replace('T', ' ')}`, `- **${n}.** ${item.text.en} (${item.rules.join(', ')}): evidence added to the confirm by ${personMd({ id: event.userId, name: event.userName })} ${event.at.slice(5, 16).replace('T', ' ')}`),
  );
  const lines = [...(toWrite.length ? [head, ...toWrite.map(({ n, item }) => itemLine(n, item, lang))] : []), ...added, ...[...skipped, ...refused].map((x) => `- ${x}`)];
  // A role given in chat is said so, with who gave it: the receipt is what people screenshot.
  if (grant?.source === 'chat') lines.push(grantWords(grant, lang, (id, name) => personMd({ id, name }), mdText)!);
  lines.push(...evidence.lines, ...(r.notes ?? []));
  // Items that require evidence and still have none stay open: the receipt says so.
  for (const { n, item } of [...toWrite, ...attach]) {
    if (r.req.kind !== 'confirm' || item.evidence !== 'required' || evidence.stored.has(seqOf.get(item.id) ?? -1)) continue;
    lines.push(say(lang, `📎 第 ${n} 项需要证据(签字的文件、截图或邮件链接):确认已记录,但在附上证据前该项仍为未完成。请附上文件或链接再回复「确认 ${n}」。`, `📎 Item ${n} needs evidence (the signed file, a screenshot or the email's link): the confirm is recorded, but the item stays open until it has some. Reply "confirm ${n}" with a file or link.`));
  }
  await ctx.reply(note(r.req.kind === 'confirm' ? say(lang, '已确认', 'Confirmed') : say(lang, '已撤销', 'Undone'), lines.join('\n'), 'success'));
  log.info('sign-off recorded', { projectId: project.id, action: r.req.kind, items: toWrite.map((x) => x.item.id), ...(attach.length ? { evidenceAddedTo: attach.map((x) => x.item.id) } : {}), via: r.via });
  await refreshCards(ctx, env, t);
  if (r.req.kind === 'confirm') await env.job.finishIfComplete(project.id);
}

/**
 * Sign-offs: a reply to a checklist message (no mention needed), a confirm/undo button
 * on it, or "@bot 确认 3" in the group (the latest checklist). Anything else is left alone.
 */
export function signoffHandler(env: ReadinessEnv): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    let r: Request;
    if (m.kind === 'action') {
      const a = m.action;
      if (a.type !== 'confirm' && a.type !== 'undo') return false;
      r = { req: { kind: a.type, items: [a.item] }, via: m.chat.platform === 'web' ? 'web' : 'button', text: `[button] ${a.type} ${a.item}`, evidenceMessageId: m.messageId };
    } else {
      // Links in the reply are evidence, not part of the command: "确认 3 https://mail/…" confirms 3.
      const req = parseSignoff(withoutLinks(m.text));
      if (!req) return false;
      const attachments = [...(m.attachments ?? [])];
      // A confirm replying to a file or image message (Feishu, where a text carries no file): that file.
      if (req.kind === 'confirm' && m.parentId && m.parentId !== m.replyTo) {
        try {
          attachments.push(...(await ctx.attachmentsOf(m.parentId)));
        } catch (err) {
          ctx.deps.log.warn('the message replied to could not be read for evidence', { messageId: m.parentId, err });
        }
      }
      r = { req, via: m.chat.platform === 'web' ? 'web' : 'reply', text: m.text, evidenceMessageId: m.messageId, attachments, links: linksIn(m.text) };
    }
    const target = await findTarget(ctx, env);
    if (!target && m.kind === 'text' && m.replyTo && m.chat.chatType === 'group') {
      // "确认 5" in a thread that is not a checklist's: say so rather than drop it without a word.
      const project = await ctx.deps.store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
      if (project) {
        count(ctx, r, 'no-checklist');
        const lang = project.lang;
        await ctx.reply(note(say(lang, '没有找到对应的清单', 'Which checklist?'), say(lang, '这条回复不在上线准备清单的消息下面,无法确定确认的是哪份清单。请回复清单消息,或 @机器人 确认 n(按最新清单的编号)。', 'This reply is not under a readiness checklist, so it is not clear which checklist it confirms. Reply to the checklist message, or say @bot confirm n (numbered as on the latest checklist).'), 'warning'));
        return true;
      }
    }
    if (!target) {
      // "@bot 确认 3" in a group with no project: say what to do rather than answer it as a question.
      if (m.kind !== 'text' || !m.mentionsBot || m.chat.chatType !== 'group') return false;
      count(ctx, r, 'no-checklist');
      const lang = /[\u4e00-\u9fff]/.test(m.text) ? 'zh' : 'en';
      await ctx.reply(note(say(lang, '本群还没有绑定项目', 'No project in this chat yet'), say(lang, '先 @机器人 绑定项目 <名称> 上线日期 <YYYY-MM-DD>,再确认清单事项。', 'First: @bot bind project <name> go-live <YYYY-MM-DD>, then confirm checklist items.'), 'warning'));
      return true;
    }
    if (r.req.kind === 'confirm') {
      // Slack: the sender's own file shared in the thread just before (THREAD_FILE_WINDOW_MS).
      const found = await threadEvidence(ctx, target, target.project.lang);
      r = { ...r, attachments: [...(r.attachments ?? []), ...found.attachments], notes: found.notes };
    }
    await apply(ctx, env, target, r);
    return true;
  };
}
