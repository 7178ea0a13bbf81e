import type { Ctx, Handler } from '../core/bot.ts';
import type { ActionMessage, TextMessage } from '../core/message.ts';
import type { Stamp } from '../projects/authority.ts';
import { DEFAULT_TIME_ZONE, projectIdOf } from '../projects/handlers.ts';
import { personOf } from '../projects/role-chat.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../schedule/dates.ts';
import type { ProjectRecord } from '../store/records.ts';
import { cancelledCard, clickNote, movedUpNote, note, refusalCard, saidMd, sessionCard, sessionsCard } from './card.ts';
import { decideCancel, decideCancelSignUp, decideChange, decideCreate, decideSignUp, type TrainingDecision } from './decide.ts';
import type { Session } from './model.ts';
import { parseTrainingCommand, type TrainingCommand } from './parse.ts';
import { mdText } from '../core/markdown.ts';
import type { Lang } from './words.ts';

/**
 * The chat edge of training sessions (decide.ts decides, card.ts renders): who asked and the
 * audit stamp of the message, one write through the store (Store.addSession / changeSession,
 * under the session's lock), then the replies: the session card with its buttons, the refusal
 * quoting its rule, the note to the person moved up.
 */

export interface TrainingEnv {
  calendar: WorkCalendar;
}

const say = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

function stampOf(ctx: Ctx, timeZone: string): Stamp {
  const m = ctx.msg;
  return {
    at: isoWithOffset(ctx.deps.clock.now(), timeZone),
    via: m.chat.platform === 'web' ? 'web' : m.kind === 'action' ? 'button' : 'reply',
    platform: m.chat.platform,
    evidenceMessageId: m.messageId,
    text: m.kind === 'text' ? m.text : m.action.type === 'training' ? `[button] training ${m.action.op} ${m.action.no}` : `[button] ${m.action.type}`,
    rulebookVersion: ctx.deps.rulebook.version,
  };
}

/** The project's wall clock now: "2026-12-10T13:50". */
const localNow = (ctx: Ctx, tz: string) => `${localDate(ctx.deps.clock.now(), tz)}T${localTime(ctx.deps.clock.now(), tz)}`;

const calendarOf = (env: TrainingEnv, p: ProjectRecord) => ({ isWorkingDay: (d: string) => env.calendar.isWorkingDay(d, p.timeZone) });

/** The card as it stands now: buttons while sign-up is open. */
export function currentCard(env: TrainingEnv, p: ProjectRecord, s: Session, now: string, head?: string[]): ReturnType<typeof sessionCard> {
  return sessionCard(p, s, { open: !s.cancelled && now < s.start, nonWorkingDay: !env.calendar.isWorkingDay(s.start.slice(0, 10), p.timeZone), ...(head ? { head } : {}) });
}

const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });

const notFound = (lang: Lang, no: number) => note(say(lang, '没有这场培训', 'No such session'), say(lang, `本项目没有培训 #${no}。「@机器人 培训列表」可查看编号。`, `This project has no session #${no}. "@bot trainings" lists the numbers.`), 'warning');

async function run(ctx: Ctx, msg: TextMessage, p: ProjectRecord, cmd: Exclude<TrainingCommand, { kind: 'invalid' }>, env: TrainingEnv): Promise<void> {
  const { store, log, rulebook } = ctx.deps;
  const lang = cmd.lang;
  const me = personOf(msg);
  const now = localNow(ctx, p.timeZone);
  switch (cmd.kind) {
    case 'create': {
      const st = stampOf(ctx, p.timeZone);
      const out = await store.addSession(p.id, (no) => write(decideCreate(p, no, cmd.draft, me, st, calendarOf(env, p), now)));
      const d = out.result;
      if (!d.ok) {
        log.info('training session refused', { projectId: p.id, by: me.id, rule: d.rule });
        await ctx.reply(refusalCard(say(lang, '培训未创建', 'Session not created'), d, lang, rulebook));
        return;
      }
      log.info('training session created', { projectId: p.id, no: d.session.no, by: me.id, capacity: d.session.capacity, override: !!d.session.override });
      const head = [say(lang, `${mdText(me.name ?? me.id)} 新建了培训 #${d.session.no},请点「报名」。`, `${mdText(me.name ?? me.id)} planned session #${d.session.no}: press "Sign up".`), ...saidMd(d.warnings, lang)];
      await ctx.post(sessionCard(p, d.session, { open: true, head }));
      return;
    }
    case 'change': {
      const st = stampOf(ctx, p.timeZone);
      const out = await store.changeSession(p.id, cmd.no, (s) => write(decideChange(p, s, cmd.patch, me, st, calendarOf(env, p), now)));
      if (!out) return void (await ctx.reply(notFound(lang, cmd.no)));
      const d = out.result;
      if (!d.ok) return void (await ctx.reply(refusalCard(say(lang, '培训未修改', 'Session not changed'), d, lang, rulebook)));
      if (d.outcome === 'unchanged') return void (await ctx.reply(note(say(lang, '没有变化', 'Nothing changed'), [say(lang, `培训 #${cmd.no} 与原来相同。`, `Session #${cmd.no} is as it was.`), ...saidMd(d.warnings, lang)].join('\n'), 'info')));
      log.info('training session changed', { projectId: p.id, no: cmd.no, by: me.id, movedUp: d.movedUp.length });
      const head = [say(lang, `${mdText(me.name ?? me.id)} 修改了培训 #${cmd.no}:${mdText((d.changes ?? []).join(';'))}`, `${mdText(me.name ?? me.id)} changed session #${cmd.no}: ${mdText((d.changes ?? []).join('; '))}`), ...saidMd(d.warnings, lang)];
      await ctx.post(currentCard(env, p, out.session, now, head));
      for (const u of d.movedUp) await ctx.post(movedUpNote(out.session, u, p.lang));
      return;
    }
    case 'cancel': {
      const st = stampOf(ctx, p.timeZone);
      const out = await store.changeSession(p.id, cmd.no, (s) => write(decideCancel(p, s, me, st)));
      if (!out) return void (await ctx.reply(notFound(lang, cmd.no)));
      const d = out.result;
      if (!d.ok) return void (await ctx.reply(refusalCard(say(lang, '培训未取消', 'Session not cancelled'), d, lang, rulebook)));
      if (d.outcome === 'unchanged') return void (await ctx.reply(note(say(lang, '没有变化', 'Nothing changed'), say(lang, `培训 #${cmd.no} 已经取消。`, `Session #${cmd.no} was already cancelled.`), 'info')));
      log.info('training session cancelled', { projectId: p.id, no: cmd.no, by: me.id });
      await ctx.post(cancelledCard(d.session, msg.user, [...d.session.signedUp, ...d.session.waitlist], lang));
      return;
    }
    case 'list':
      await ctx.reply(sessionsCard(p, await store.listSessions(p.id), lang));
      return;
    case 'show': {
      const s = await store.getSession(p.id, cmd.no);
      if (!s) return void (await ctx.reply(notFound(lang, cmd.no)));
      await ctx.post(currentCard(env, p, s, now));
      return;
    }
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

const notBound = (lang: Lang) =>
  note(say(lang, '本群还没有绑定项目', 'No project in this chat yet'), say(lang, '先 @机器人 绑定项目 <名称> 上线日期 <YYYY-MM-DD>,再安排培训。', 'First: @bot bind project <name> go-live <YYYY-MM-DD>, then plan training.'), 'warning');

/** `@bot 新建培训 …`, `修改培训 N …`, `取消培训 N`, `培训列表`, `培训 N` (and the English forms), in a project group. */
export function trainingCommandHandler(env: TrainingEnv): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    if (m.kind !== 'text' || !m.mentionsBot) return false;
    // Read once with the default zone to know whether it is ours; again with the project's zone.
    const first = parseTrainingCommand(m.text, localDate(ctx.deps.clock.now(), DEFAULT_TIME_ZONE));
    if (!first) return false;
    if (m.chat.chatType !== 'group') {
      await ctx.reply(note(say(first.lang, '请在项目群里使用', 'Use this in the project group'), say(first.lang, '培训属于群聊绑定的项目:在项目群里 @机器人 发命令。', "Training belongs to a group's project: @ the bot in the project group."), 'warning'));
      return true;
    }
    const p = await ctx.deps.store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
    if (!p) {
      await ctx.reply(notBound(first.lang));
      return true;
    }
    const cmd = parseTrainingCommand(m.text, localDate(ctx.deps.clock.now(), p.timeZone))!;
    if (cmd.kind === 'invalid') {
      await ctx.reply(note(say(cmd.lang, '命令格式不对', 'Command not understood'), cmd.error, 'warning'));
      return true;
    }
    await run(ctx, m, p, cmd, env);
    return true;
  };
}

/** 报名 / 取消报名 on a session card: the session of this chat's project with the card's number. */
export function trainingButtonHandler(env: TrainingEnv): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    if (m.kind !== 'action' || m.action.type !== 'training') return false;
    const a = m.action;
    const p = await ctx.deps.store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
    if (!p) {
      await ctx.reply(notBound('zh'));
      return true;
    }
    const lang = p.lang;
    const me = personOf(m);
    const st = stampOf(ctx, p.timeZone);
    const now = localNow(ctx, p.timeZone);
    const out = await ctx.deps.store.changeSession(p.id, a.no, (s) => write(a.op === 'signup' ? decideSignUp(p, s, me, st, now) : decideCancelSignUp(p, s, me, st, now)));
    if (!out) {
      await ctx.reply(notFound(lang, a.no));
      return true;
    }
    const d = out.result;
    if (!d.ok) {
      await ctx.reply(note(say(lang, a.op === 'signup' ? '不能报名' : '不能取消报名', a.op === 'signup' ? 'Cannot sign up' : 'Cannot cancel'), mdText(d.why[lang]), 'warning'));
      return true;
    }
    ctx.deps.log.info('training sign-up', { projectId: p.id, no: a.no, user: me.id, outcome: d.outcome, movedUp: d.movedUp.length });
    await ctx.reply(clickNote(d.outcome, out.session, m.user, lang));
    if (out.events.length) await refresh(ctx, env, p, out.session, now, m);
    for (const u of d.movedUp) await ctx.reply(movedUpNote(out.session, u, lang));
    return true;
  };
}

/** The clicked card shows the new counts; a failed update never undoes the sign-up. */
async function refresh(ctx: Ctx, env: TrainingEnv, p: ProjectRecord, s: Session, now: string, m: ActionMessage): Promise<void> {
  try {
    await ctx.update(m.messageId, currentCard(env, p, s, now));
  } catch (err) {
    ctx.deps.log.warn('training card could not be updated in place', { projectId: p.id, no: s.no, messageId: m.messageId, err });
  }
}

export function trainingHandlers(env: TrainingEnv): Handler[] {
  return [trainingCommandHandler(env), trainingButtonHandler(env)];
}
