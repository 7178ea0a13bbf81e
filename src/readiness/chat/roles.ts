import type { Ctx, Handler } from '../../core/bot.ts';
import type { Card } from '../../core/card.ts';
import { cardText } from '../../core/card.ts';
import { mdText, mention, personMd } from '../../core/markdown.ts';
import type { UserRef } from '../../core/message.ts';
import { note, say, type Lang } from '../../core/reply.ts';
import { isoWithOffset } from '../../calendar/dates.ts';
import type { ProjectRecord, Role } from '../../store/records.ts';
import { decideAcceptRole, decideDeclineRole, personOf, type Person, type RoleDecision, type Stamp } from '../model/authority.ts';
import { roleLabel, sideOf } from '../model/roles.ts';

/**
 * The chat edge of role authority (authority.ts decides): who asked, the audit stamp of the
 * message, one write through the store, and the replies, including the nomination card whose
 * buttons only the person named may use.
 */


export function stampOf(ctx: Ctx, timeZone: string): Stamp {
  const m = ctx.msg;
  const web = m.chat.platform === 'web';
  return {
    at: isoWithOffset(ctx.deps.clock.now(), timeZone),
    via: web ? 'web' : m.kind === 'action' ? 'button' : 'reply',
    platform: m.chat.platform,
    evidenceMessageId: m.messageId,
    text: m.kind === 'text' ? m.text : `[button] role ${m.action.type === 'role' ? `${m.action.answer} ${m.action.role}` : m.action.type}`,
    rulebookVersion: ctx.deps.rulebook.version,
  };
}

/** Decides under the project's lock and writes the change with its audit event; undefined when the project is gone. */
export async function changeRoles(ctx: Ctx, project: ProjectRecord, decide: (p: ProjectRecord, s: Stamp) => RoleDecision): Promise<RoleDecision | undefined> {
  const { store, log } = ctx.deps;
  const stamp = stampOf(ctx, project.timeZone);
  const out = await store.changeProject(project.id, (p) => {
    const d = decide(p, stamp);
    return d.ok && d.events.length ? { result: d, project: d.project, events: d.events } : { result: d };
  });
  const d = out?.result;
  if (d?.ok) log.info('role changed', { projectId: project.id, by: ctx.msg.user.id, outcome: d.outcome, role: d.role });
  else if (d) log.info('role change refused', { projectId: project.id, by: ctx.msg.user.id });
  return d;
}

export async function answerRole(ctx: Ctx, project: ProjectRecord, answer: 'accept' | 'decline', role: Role | undefined): Promise<RoleDecision | undefined> {
  const me = personOf(ctx.msg);
  return changeRoles(ctx, project, (p, s) => (answer === 'accept' ? decideAcceptRole(p, me, role, s) : decideDeclineRole(p, me, role, s)));
}

/** The card that asks the person named to accept; its buttons carry their id, so nobody else's click counts. */
export function nominationCard(lang: Lang, subject: { id: string; name?: string }, role: Role, by: UserRef, again: boolean): Card {
  const label = roleLabel[role][lang];
  const md = again
    ? say(lang, `仍在等待 ${mention(subject.id)} 接受 **${label}** 的提名。`, `Still waiting for ${mention(subject.id)} to accept the **${label}** nomination.`)
    : say(
        lang,
        `${personMd(by)} 提名 ${mention(subject.id)} 为 **${label}**(客户方角色)。本人接受后才生效;在此之前,需由${label}确认的事项保持未完成。`,
        `${personMd(by)} nominated ${mention(subject.id)} as **${label}** (a customer-side role). It takes effect only when they accept; until then, items the ${label} confirms stay open.`,
      );
  const card: Card = {
    title: say(lang, '角色待接受', 'Role awaiting acceptance'),
    tone: 'warning',
    blocks: [
      { type: 'text', md },
      {
        type: 'buttons',
        buttons: [
          { label: say(lang, '接受', 'Accept'), action: { type: 'role', answer: 'accept', user: subject.id, role }, style: 'primary' },
          { label: say(lang, '拒绝', 'Decline'), action: { type: 'role', answer: 'decline', user: subject.id, role } },
        ],
      },
      { type: 'context', md: say(lang, '只有被提名的人可以接受或拒绝;也可以 @机器人 接受角色 / 拒绝角色。', 'Only the person nominated can accept or decline; or say @bot accept role / decline role.') },
    ],
    fallback: '',
  };
  card.fallback = cardText(card);
  return card;
}

/** What the group is told after a role command or answer. */
export function roleReply(d: RoleDecision | undefined, lang: Lang, by: UserRef, subject: { id: string; name?: string }): Card {
  if (!d) return note(say(lang, '本群还没有绑定项目', 'No project in this chat yet'), say(lang, '先 @机器人 绑定项目。', 'Bind a project first.'), 'warning');
  if (!d.ok) return note(say(lang, '角色没有变化', 'Role not changed'), d.why[lang], 'warning');
  const who = personMd(subject);
  const label = d.role ? roleLabel[d.role][lang] : roleLabel.member[lang];
  switch (d.outcome) {
    case 'nominated':
    case 'already-nominated':
      return nominationCard(lang, subject, d.role!, by, d.outcome === 'already-nominated');
    case 'granted':
    case 'removed':
      return note(say(lang, '角色已设置', 'Role set'), say(lang, `${who} 现在是 ${label}。`, `${who} is now ${label}.`), 'success');
    case 'unchanged':
      return note(say(lang, '角色没有变化', 'Role not changed'), say(lang, `${who} 已经是 ${label}。`, `${who} is already ${label}.`), 'info');
    case 'accepted': {
      const h = d.project.roles.find((r) => r.userId === subject.id && r.role === d.role);
      const from = h?.grantedBy ? say(lang, `(由 ${personMd({ id: h.grantedBy, name: h.grantedByName })} 提名)`, ` (nominated by ${personMd({ id: h.grantedBy, name: h.grantedByName })})`) : '';
      const lines = [say(lang, `${who} 接受了角色,现在是 **${label}**${from}。`, `${who} accepted and is now **${label}**${from}.`)];
      const org = d.project.customerOrg;
      if (org?.source === 'first-lead' && org.by === subject.id)
        lines.push(say(lang, `本项目的客户方组织记为 ${mdText(org.id)}:此后客户方角色只能由该组织的成员接受。`, `This project's customer organisation is now ${mdText(org.id)}: from now on only its members can accept customer-side roles.`));
      if (!h?.org) lines.push(say(lang, '平台没有提供此人的组织信息:签字记录会注明角色是在群聊中由谁提名的。', "The platform did not say this person's organisation: the sign-off trail notes who nominated them in chat."));
      return note(say(lang, '角色已接受', 'Role accepted'), lines.join('\n'), 'success');
    }
    case 'declined':
      return note(say(lang, '已拒绝角色', 'Role declined'), say(lang, `${who} 拒绝了 ${label} 的提名。`, `${who} declined the ${label} nomination.`), 'info');
    default: {
      const never: never = d.outcome;
      throw new Error(`unknown outcome ${String(never)}`);
    }
  }
}

/** The nomination card's buttons: honoured only from the person named on them. */
export function roleButtonHandler(): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    if (m.kind !== 'action' || m.action.type !== 'role') return false;
    const a = m.action;
    const project = await ctx.deps.store.getProject(`${m.chat.platform}:${m.chat.chatId}`);
    const lang = project?.lang ?? 'zh';
    if (!project) {
      await ctx.reply(roleReply(undefined, lang, m.user, m.user));
      return true;
    }
    if (a.user !== m.user.id) {
      const nominee = project.roles.find((r) => r.userId === a.user);
      const name = personMd({ id: a.user, name: nominee?.name });
      await ctx.reply(note(say(lang, '只有被提名的人可以回应', 'Only the person nominated can answer'), say(lang, `这个提名只能由 ${name} 本人接受或拒绝。没有任何变化。`, `Only ${name} can accept or decline this nomination. Nothing changed.`), 'warning'));
      return true;
    }
    if (sideOf(a.role) !== 'customer') return false;
    const d = await answerRole(ctx, project, a.answer, a.role);
    await ctx.reply(roleReply(d, lang, m.user, m.user));
    return true;
  };
}
