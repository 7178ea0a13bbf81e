import type { Ctx, Handler } from '../../core/bot.ts';
import { mdText } from '../../core/markdown.ts';
import type { TextMessage } from '../../core/message.ts';
import { signoffsCard, statusLine, countdown } from '../views/checklist-card.ts';
import { note, say, type Lang } from '../../core/reply.ts';
import type { ReadinessEnv } from '../env.ts';
import { notBound } from '../views/not-bound.ts';
import { DEFAULT_POST_TIME, DEFAULT_TIME_ZONE, projectIdOf } from '../model/project-id.ts';
import { daysBetween, isoWithOffset, localDate } from '../../calendar/dates.ts';
import { checkAudit } from '../../store/audit-check.ts';
import type { ProjectRecord } from '../../store/records.ts';
import { parseProjectCommand, type ProjectCommand } from './project-commands.ts';
import { mayConfigure } from '../model/roles.ts';
import { answerRole, changeRoles, roleReply } from './roles.ts';
import { decideSetRole, personOf } from '../model/authority.ts';


const notAllowed = (lang: Lang, p: ProjectRecord) =>
  note(
    say(lang, '没有权限', 'Not allowed'),
    say(lang, `只有项目管理员 @{${p.adminId}} 或项目经理可以修改本项目的设置。`, `Only the project admin @{${p.adminId}} or a vendor-pm can change this project's settings.`),
    'warning',
  );

const scheduleLine = (p: ProjectRecord) =>
  say(p.lang, `每个工作日 ${p.postTime}(${p.timeZone})发布上线准备清单`, `The readiness checklist is posted every working day at ${p.postTime} (${p.timeZone})`);

async function run(ctx: Ctx, msg: TextMessage, cmd: ProjectCommand, env: ReadinessEnv): Promise<void> {
  const { store, clock, log } = ctx.deps;
  const lang = cmd.lang;
  const id = projectIdOf(msg.chat.platform, msg.chat.chatId);
  const project = await store.getProject(id);
  const sender = msg.user;
  const now = clock.now();

  switch (cmd.kind) {
    case 'invalid':
      await ctx.reply(note(say(lang, '命令格式不对', 'Command not understood'), cmd.error, 'warning'));
      return;
    case 'bind': {
      if (project && !mayConfigure(project, sender.id)) return void (await ctx.reply(notAllowed(lang, project)));
      const timeZone = cmd.timeZone ?? project?.timeZone ?? DEFAULT_TIME_ZONE;
      const today = localDate(now, timeZone);
      if (cmd.goLive < today) {
        await ctx.reply(note(say(lang, '上线日期已过', 'Go-live date is in the past'), say(lang, `${cmd.goLive} 早于今天(${today}),请给出将来的上线日期。`, `${cmd.goLive} is before today (${today}); give a future go-live date.`), 'warning'));
        return;
      }
      const at = isoWithOffset(now, timeZone);
      const { project: p, created } = await store.bindProject({
        id,
        platform: msg.chat.platform,
        chatId: msg.chat.chatId,
        name: cmd.name,
        goLive: cmd.goLive,
        timeZone,
        postTime: DEFAULT_POST_TIME,
        lang,
        adminId: sender.id,
        ...(sender.name ? { adminName: sender.name } : {}),
        roles: [],
        source: 'chat',
        createdAt: at,
        updatedAt: at,
      });
      const bound = cmd.timeZone && cmd.timeZone !== p.timeZone ? ((await store.updateSchedule(id, { timeZone: cmd.timeZone }, at)) ?? p) : p;
      await env.scheduleChanged();
      const lines = [
        say(lang, `**${mdText(bound.name)}** · 上线日期 ${bound.goLive}(${countdown(daysBetween(today, bound.goLive))})`, `**${mdText(bound.name)}** · go-live ${bound.goLive} (${countdown(daysBetween(today, bound.goLive))})`),
        scheduleLine(bound),
        created
          ? say(lang, `项目管理员:@{${bound.adminId}}。下一步:@机器人 设置角色 @某人 客户项目负责人 / 项目经理 / IT负责人`, `Project admin: @{${bound.adminId}}. Next: @bot set role @someone customer-lead / vendor-pm / it-lead`)
          : say(lang, '已更新上线日期,已有签字记录保留。', 'Go-live date updated; existing sign-offs are kept.'),
      ];
      if (!env.calendar.knows(bound.goLive, bound.timeZone)) {
        lines.push(say(lang, `⚠️ ${bound.goLive.slice(0, 4)} 年的节假日安排尚未收录,该年按周一至周五发送;请在 data/calendar/ 补充。`, `⚠️ The ${bound.goLive.slice(0, 4)} holiday calendar is not known yet; that year is treated as Monday–Friday. Add it in data/calendar/.`));
      }
      log.info(created ? 'project bound' : 'project rebound', { projectId: id, goLive: bound.goLive });
      await ctx.reply(note(created ? say(lang, '项目已绑定', 'Project bound') : say(lang, '项目已更新', 'Project updated'), lines.join('\n'), 'success'));
      return;
    }
    case 'set-role': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      if (!mayConfigure(project, sender.id)) return void (await ctx.reply(notAllowed(lang, project)));
      // Only a real mention names a person: "@{all}" typed as text is no one.
      const mentioned = msg.mentions.find((u) => u.id === cmd.userId);
      if (!mentioned) return void (await ctx.reply(note(say(lang, '命令格式不对', 'Command not understood'), say(lang, '请 @ 要设置角色的人(在聊天里选中这个人)。', 'Mention the person whose role to set (pick them in the chat).'), 'warning')));
      const subject = { id: mentioned.id, ...(mentioned.name ? { name: mentioned.name } : {}) };
      const d = await changeRoles(ctx, project, (p, s) => decideSetRole(p, personOf(msg), subject, cmd.role, s));
      await ctx.reply(roleReply(d, lang, sender, subject));
      return;
    }
    case 'answer-role': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      const d = await answerRole(ctx, project, cmd.answer, cmd.role);
      await ctx.reply(roleReply(d, lang, sender, sender));
      return;
    }
    case 'set-time':
    case 'set-timezone': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      if (!mayConfigure(project, sender.id)) return void (await ctx.reply(notAllowed(lang, project)));
      const change = cmd.kind === 'set-time' ? { postTime: cmd.time } : { timeZone: cmd.timeZone };
      const p = await store.updateSchedule(id, change, isoWithOffset(now, project.timeZone));
      await env.scheduleChanged();
      await ctx.reply(note(say(lang, '发布时间已更新', 'Schedule updated'), scheduleLine(p ?? project), 'success'));
      return;
    }
    case 'checklist': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      const { checklist, card } = await env.job.card(project);
      const { messageId } = await ctx.post(card);
      await store.addChecklistMessage({ projectId: id, platform: project.platform, chatId: project.chatId, messageId, items: checklist.order, postedAt: isoWithOffset(now, project.timeZone), kind: 'manual' });
      return;
    }
    case 'status': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      const checklist = await env.job.checklist(project);
      await ctx.reply(note(say(lang, '进度', 'Status'), statusLine(checklist), 'info'));
      return;
    }
    case 'signoffs': {
      if (!project) return void (await ctx.reply(notBound(lang)));
      const events = await store.listSignoffs(id);
      await ctx.reply(signoffsCard(project, events, { audit: await checkAudit(store, id, { events }) }));
      return;
    }
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** Project commands, by @mention in a group: bind, set role, set time/zone, checklist, status, sign-offs. */
export function commandHandler(env: ReadinessEnv): Handler {
  return async (ctx) => {
    const msg = ctx.msg;
    if (msg.kind !== 'text' || !msg.mentionsBot) return false;
    const cmd = parseProjectCommand(msg.text);
    if (!cmd) return false;
    if (msg.chat.chatType !== 'group') {
      await ctx.reply(note(say(cmd.lang, '请在项目群里使用', 'Use this in the project group'), say(cmd.lang, '项目绑定在群聊上:把机器人拉进项目群,再 @机器人 发命令。', 'A project is bound to a group chat: add the bot to the project group and @ it there.'), 'warning'));
      return true;
    }
    await run(ctx, msg, cmd, env);
    return true;
  };
}
