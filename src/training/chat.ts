import type { Ctx, Handler } from '../core/bot.ts';
import type { ActionMessage, TextMessage } from '../core/message.ts';
import type { Stamp } from '../readiness/model/authority.ts';
import { DEFAULT_TIME_ZONE, projectIdOf } from '../readiness/model/project-id.ts';
import { personOf } from '../readiness/model/authority.ts';
import type { WorkCalendar } from '../calendar/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import type { ProjectRecord } from '../store/records.ts';
import { randomBytes } from 'node:crypto';
import { cancelledCard, clickNote, movedUpNote, note, refusalCard, saidMd, sessionCard, sessionsCard } from './card.ts';
import { codeMatches } from './code.ts';
import { decideCancel, decideCancelSignUp, decideChange, decideCheckIn, decideCreate, decideSignUp, decideWatched, decideGoal, type TrainingDecision } from './decide.ts';
import { checkWindows, isOpen, type CheckKind, type Session } from './model.ts';
import { parseTrainingCommand, type TrainingCommand } from './parse.ts';
import { attendanceCard, checkNote, checkRefusedNote, codePageNote, watchedNote } from './room-card.ts';
import { mdText, mention } from '../core/markdown.ts';
import type { Lang } from './words.ts';
import { decideAnswer, decideEndExam, decideRetake, decideStartExam, examTakers, pickBank, type ExamBank, type ExamDecision } from './exam.ts';
import { answerNote, examCard, externalResultsCard, resultsCard } from './exam-card.ts';
import { trainingReportCard } from './report-card.ts';
import { factLine, goalFact, trainingReport } from './report-model.ts';
import { mayPlan } from './decide.ts';
import { say } from '../core/reply.ts';

/**
 * The chat edge of training sessions (decide.ts decides, card.ts renders): who asked and the
 * audit stamp of the message, one write through the store (Store.addSession / changeSession,
 * under the session's lock), then the replies: the session card with its buttons, the refusal
 * quoting its rule, the note to the person moved up.
 */

export interface TrainingEnv {
  calendar: WorkCalendar;
  /**
   * The secret the room's check-in code is derived from (code.ts; TRAINING_CODE_SECRET, see
   * src/training/feature.ts trainingCodeSecret), the same on every replica. Absent: this
   * process's own, made at start (a test, or a bot run without one).
   */
  trainingCodeSecret?: string;
  /** PUBLIC_URL: `签到码 N` answers with the code page's full address there. */
  publicUrl?: string;
  /** The question banks of data/training/*.yaml (exam.ts loadExamBanks), loaded at start. */
  examBanks?: readonly ExamBank[];
}

const PROCESS_SECRET = randomBytes(32).toString('hex');
export const codeSecretOf = (env: Pick<TrainingEnv, 'trainingCodeSecret'>) => env.trainingCodeSecret ?? PROCESS_SECRET;

/** The trainer's code page, under the dashboard's access rule (src/training/routes.ts). */
export const codePagePath = (projectId: string, no: number) => `/training/${encodeURIComponent(projectId)}/${no}/code`;


function stampOf(ctx: Ctx, timeZone: string): Stamp {
  const m = ctx.msg;
  return {
    at: isoWithOffset(ctx.deps.clock.now(), timeZone),
    via: m.chat.platform === 'web' ? 'web' : m.kind === 'action' ? 'button' : 'reply',
    platform: m.chat.platform,
    evidenceMessageId: m.messageId,
    // A typed code is kept out of the trail (it is valid for a minute, and the trail is read for years).
    text: m.kind === 'text' ? redactCode(m.text) : m.action.type === 'training' ? `[button] training ${m.action.op} ${m.action.no}` : `[button] ${m.action.type}`,
    rulebookVersion: ctx.deps.rulebook.version,
  };
}

/** "签到 3 1234" → "签到 3 ****", "签到 1234" → "签到 ****": the trail keeps that a code was given, not the code. */
const CHECK_WORDS = String.raw`(?:签到|确认在场|课堂确认|在场确认|我还在|check[- ]?in|sign[- ]?in|still here|i'?m still here|second check)`;
export const redactCode = (text: string) =>
  text
    .replace(new RegExp(String.raw`(${CHECK_WORDS}\s*#?\d{1,4}\s+(?:签到码\s*|code\s*)?)\S+\s*$`, 'iu'), '$1****')
    .replace(new RegExp(String.raw`(${CHECK_WORDS}\s*)[0-9０-９]{4}\s*$`, 'iu'), '$1****');

/** The project's wall clock now: "2026-12-10T13:50". */
const localNow = (ctx: Ctx, tz: string) => `${localDate(ctx.deps.clock.now(), tz)}T${localTime(ctx.deps.clock.now(), tz)}`;

const calendarOf = (env: TrainingEnv, p: ProjectRecord) => ({ isWorkingDay: (d: string) => env.calendar.isWorkingDay(d, p.timeZone) });

/** The card as it stands now: buttons while sign-up is open. */
export function currentCard(env: TrainingEnv, p: ProjectRecord, s: Session, now: string, head?: string[]): ReturnType<typeof sessionCard> {
  return sessionCard(p, s, {
    open: !s.cancelled && now < s.start,
    checks: now <= checkWindows(s)['second-check'].to,
    nonWorkingDay: !env.calendar.isWorkingDay(s.start.slice(0, 10), p.timeZone),
    ...(head ? { head } : {}),
  });
}

const write = <D extends TrainingDecision | ExamDecision>(d: D) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });

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
      await ctx.post(sessionCard(p, d.session, { open: true, checks: true, head }));
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
    case 'report':
      await ctx.reply(trainingReportCard(p, trainingReport(await store.listSessions(p.id), now, p.trainingGoal), lang));
      return;
    case 'goal': {
      const st = stampOf(ctx, p.timeZone);
      const goal = cmd.percent === undefined ? undefined : { percent: cmd.percent, audience: cmd.audience };
      const out = await store.changeProject(p.id, (cur) => {
        const d = decideGoal(cur, goal, me, st);
        return d.ok && d.outcome !== 'unchanged' ? { result: d, project: d.project, events: d.events } : { result: d };
      });
      const d = out?.result;
      if (!d) return;
      if (!d.ok) return void (await ctx.reply(note(say(lang, '没有设置', 'Not set'), mdText(d.why[lang]), 'warning')));
      log.info('training goal', { projectId: p.id, by: me.id, outcome: d.outcome, percent: cmd.percent });
      const r = trainingReport(await store.listSessions(p.id), now, out.project.trainingGoal);
      const body = r.goal ? factLine(goalFact(r.goal, lang)) : say(lang, '本项目没有培训目标。', 'This project has no training goal.');
      await ctx.reply(note(d.outcome === 'cleared' ? say(lang, '培训目标已取消', 'Training goal cleared') : d.outcome === 'unchanged' ? say(lang, '没有变化', 'Nothing changed') : say(lang, '培训目标已设置', 'Training goal set'), body, d.outcome === 'unchanged' ? 'info' : 'success'));
      return;
    }
    case 'show': {
      const s = await store.getSession(p.id, cmd.no);
      if (!s) return void (await ctx.reply(notFound(lang, cmd.no)));
      await ctx.post(currentCard(env, p, s, now));
      return;
    }
    case 'check': {
      // "签到 4821" with no session #4821: the code, typed without the number, for the one session open now.
      const asCode = cmd.maybeCode !== undefined && !(await store.getSession(p.id, cmd.no!));
      const no = asCode || cmd.no === undefined ? await openSessionNo(ctx, p, cmd.check, now, lang) : cmd.no;
      if (no === undefined) return;
      await check(ctx, env, p, no, cmd.check, asCode ? cmd.maybeCode : cmd.code, lang);
      return;
    }
    case 'watched':
      await watch(ctx, p, cmd.no, lang);
      return;
    case 'attendance': {
      const s = await store.getSession(p.id, cmd.no);
      if (!s) return void (await ctx.reply(notFound(lang, cmd.no)));
      await ctx.reply(attendanceCard(p, s, now, lang));
      return;
    }
    case 'code-page': {
      const s = await store.getSession(p.id, cmd.no);
      if (!s) return void (await ctx.reply(notFound(lang, cmd.no)));
      const path = codePagePath(p.id, s.no);
      await ctx.reply(codePageNote(s, env.publicUrl ? `${env.publicUrl.replace(/\/+$/, '')}${path}` : undefined, path, lang));
      return;
    }
    case 'exam-start': {
      const bank = pickBank(env.examBanks ?? [], cmd.module, p.id);
      if (!('questions' in bank)) return void (await ctx.reply(note(say(lang, '考试未开始', 'Exam not started'), mdText(bank[lang]), 'warning')));
      const st = stampOf(ctx, p.timeZone);
      const s = await examStep(ctx, p, cmd.no, lang, say(lang, '考试未开始', 'Exam not started'), (x) => decideStartExam(p, x, bank, me, st, now));
      if (!s) return;
      log.info('training exam started', { projectId: p.id, no: cmd.no, by: me.id, bank: bank.module });
      await ctx.post(examCard(s, s.exam!, lang, `${say(lang, `${mdText(me.name ?? me.id)} 开始了考试。`, `${mdText(me.name ?? me.id)} started the exam.`)}${takersMd(s)}`));
      return;
    }
    case 'exam-end': {
      const st = stampOf(ctx, p.timeZone);
      const s = await examStep(ctx, p, cmd.no, lang, say(lang, '考试未结束', 'Exam not ended'), (x) => decideEndExam(p, x, me, st));
      if (!s) return;
      log.info('training exam ended', { projectId: p.id, no: cmd.no, by: me.id, answered: s.exam?.results?.length });
      // The group sees the counts; who ended it (one who runs the session) gets every score, privately.
      await ctx.post(resultsCard(s, lang, undefined, true));
      await ctx.privately(resultsCard(s, lang));
      return;
    }
    case 'exam-retake': {
      const st = stampOf(ctx, p.timeZone);
      const s = await examStep(ctx, p, cmd.no, lang, say(lang, '补考未开始', 'Retake not started'), (x) => decideRetake(p, x, me, st));
      if (!s) return;
      const round = (s.exam!.rounds ?? []).length + 1;
      log.info('training exam retake', { projectId: p.id, no: cmd.no, by: me.id, round });
      await ctx.post(examCard(s, s.exam!, lang, `${say(lang, `${mdText(me.name ?? me.id)} 开始了补考(第 ${round} 次):没通过的人再答一次。`, `${mdText(me.name ?? me.id)} started a retake (round ${round}): those who did not pass answer again.`)}${takersMd(s)}`));
      return;
    }
    case 'exam-results': {
      const s = await store.getSession(p.id, cmd.no);
      if (!s) return void (await ctx.reply(notFound(lang, cmd.no)));
      if (!s.exam && s.externalExam) return void (await ctx.privately(externalResultsCard(s, lang, mayPlan(p, me.id) ? undefined : msg.user)));
      if (!s.exam) return void (await ctx.reply(note(say(lang, '还没有考试', 'No exam yet'), say(lang, `培训 #${s.no} 还没有开始考试。`, `Session #${s.no} has no exam yet.`), 'info')));
      // Nobody sees another's score except those who run the session; a score is said privately.
      await ctx.privately(resultsCard(s, lang, mayPlan(p, me.id) ? undefined : msg.user));
      return;
    }
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * One exam step under the session's lock (start, end, retake): the session as written, or
 * undefined after saying why not (no such session, or the decision's refusal under `refused`).
 */
async function examStep(ctx: Ctx, p: ProjectRecord, no: number, lang: Lang, refused: string, decide: (s: Session) => ExamDecision): Promise<Session | undefined> {
  const out = await ctx.deps.store.changeSession(p.id, no, (s) => write(decide(s)));
  if (!out) return void (await ctx.reply(notFound(lang, no)));
  if (!out.result.ok) return void (await ctx.reply(note(refused, mdText(out.result.why[lang]), 'warning')));
  return out.session;
}

/** The people who answer the open round, mentioned by the ids the platform gave (the exam is posted to them). */
const takersMd = (s: Session) => examTakers(s).map((u) => ` ${mention(u)}`).join('');

/** `签到` without a number: the one session of the project whose check is open now; otherwise says which to name. */
async function openSessionNo(ctx: Ctx, p: ProjectRecord, kind: CheckKind, now: string, lang: Lang): Promise<number | undefined> {
  const open = (await ctx.deps.store.listSessions(p.id)).filter((s) => !s.cancelled && s.delivery.kind !== 'recorded' && isOpen(s, kind, now));
  if (open.length === 1) return open[0]!.no;
  const word = kind === 'check-in' ? say(lang, '签到', 'check in') : say(lang, '确认在场', 'still here');
  await ctx.reply(
    checkRefusedNote(
      kind,
      open.length
        ? say(lang, `现在有 ${open.length} 场培训开放:请带编号,例如「${word} ${open[0]!.no}」(${open.map((s) => `#${s.no}`).join('、')})。`, `${open.length} sessions are open now: give the number, e.g. "${word} ${open[0]!.no}" (${open.map((s) => `#${s.no}`).join(', ')}).`)
        : say(lang, `现在没有开放${kind === 'check-in' ? '签到' : '课堂确认'}的培训。「@机器人 培训列表」可查看时间;签到在开始前 15 分钟至开始后 30 分钟。`, `No session's ${kind === 'check-in' ? 'check-in' : 'second check'} is open now. "@bot trainings" lists the times; check-in is from 15 minutes before the start to 30 after.`),
      lang,
    ),
  );
  return undefined;
}

/** 签到 / 确认在场 (typed, with the code when given, or clicked): one write, then the reply. The code is checked against this minute's and the last. */
async function check(ctx: Ctx, env: TrainingEnv, p: ProjectRecord, no: number, kind: CheckKind, typed: string | undefined, lang: Lang): Promise<void> {
  const me = personOf(ctx.msg);
  const st = stampOf(ctx, p.timeZone);
  const now = localNow(ctx, p.timeZone);
  const at = ctx.deps.clock.now();
  const secret = codeSecretOf(env);
  const code = { ...(typed !== undefined ? { typed } : {}), matches: (sessionId: string, t: string) => codeMatches(secret, sessionId, at, t) };
  const out = await ctx.deps.store.changeSession(p.id, no, (s) => write(decideCheckIn(p, s, me, st, now, kind, code)));
  if (!out) return void (await ctx.reply(notFound(lang, no)));
  const d = out.result;
  if (!d.ok) {
    ctx.deps.log.info('training check refused', { projectId: p.id, no, user: me.id, kind, withCode: typed !== undefined });
    await ctx.reply(checkRefusedNote(kind, mdText(d.why[lang]), lang));
    return;
  }
  ctx.deps.log.info('training check', { projectId: p.id, no, user: me.id, kind, outcome: d.outcome });
  await ctx.reply(checkNote(d.outcome === 'already' ? 'already' : 'checked-in', kind, out.session, ctx.msg.user, lang));
}

/** 已观看 (typed or clicked): one write, then the reply. */
async function watch(ctx: Ctx, p: ProjectRecord, no: number, lang: Lang): Promise<void> {
  const me = personOf(ctx.msg);
  const st = stampOf(ctx, p.timeZone);
  const out = await ctx.deps.store.changeSession(p.id, no, (s) => write(decideWatched(p, s, me, st, localNow(ctx, p.timeZone))));
  if (!out) return void (await ctx.reply(notFound(lang, no)));
  const d = out.result;
  if (!d.ok) return void (await ctx.reply(note(say(lang, '不能记为已观看', 'Not noted'), mdText(d.why[lang]), 'warning')));
  ctx.deps.log.info('training watched', { projectId: p.id, no, user: me.id, outcome: d.outcome });
  await ctx.reply(watchedNote(d.outcome === 'already' ? 'already' : 'checked-in', out.session, ctx.msg.user, lang));
}

const notBound = (lang: Lang) =>
  note(say(lang, '本群还没有绑定项目', 'No project in this chat yet'), say(lang, '先 @机器人 绑定项目 <名称> 上线日期 <YYYY-MM-DD>,再安排培训。', 'First: @bot bind project <name> go-live <YYYY-MM-DD>, then plan training.'), 'warning');

/** `@bot 新建培训 …`, `修改培训 N …`, `取消培训 N`, `培训列表`, `培训 N` (and the English forms), in a project group. */
export function trainingCommandHandler(env: TrainingEnv): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    // In a direct chat nobody @-mentions the bot: every message is to it.
    if (m.kind !== 'text' || !(m.mentionsBot || m.chat.chatType === 'direct')) return false;
    // Read once with the default zone to know whether it is ours; again with the project's zone.
    const first = parseTrainingCommand(m.text, localDate(ctx.deps.clock.now(), DEFAULT_TIME_ZONE));
    if (!first) return false;
    // 签到 by direct message: the room's code is then seen by nobody else in the group.
    if (m.chat.chatType !== 'group' && first.kind === 'check') {
      await checkInPrivately(ctx, env, first);
      return true;
    }
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

/**
 * 签到 / 确认在场 sent to the bot directly: the sessions of this platform's projects whose check is
 * open now (in each project's zone), that this person signed up to (for the second check: checked
 * in to), and with the number given if any. Exactly one: checked as in the group (the code, the
 * window, the audit event); none or several: says so, naming them.
 */
async function checkInPrivately(ctx: Ctx, env: TrainingEnv, cmd: Extract<TrainingCommand, { kind: 'check' }>): Promise<void> {
  const { store, clock } = ctx.deps;
  const m = ctx.msg;
  const lang = cmd.lang;
  const me = m.user.id;
  const found: { p: ProjectRecord; s: Session }[] = [];
  for (const p of (await store.listProjects()).filter((x) => x.platform === m.chat.platform)) {
    const now = `${localDate(clock.now(), p.timeZone)}T${localTime(clock.now(), p.timeZone)}`;
    for (const s of await store.listSessions(p.id)) {
      if (s.cancelled || s.delivery.kind === 'recorded' || !isOpen(s, cmd.check, now)) continue;
      const mine = cmd.check === 'check-in' ? s.signedUp.includes(me) : s.checkIns.some((c) => c.userId === me && c.kind === 'check-in');
      if (mine && (cmd.no === undefined || cmd.no === s.no || cmd.maybeCode !== undefined)) found.push({ p, s });
    }
  }
  // "签到 4821" reads as session #4821 with no code, or as the code alone: one open session decides.
  const exact = cmd.no !== undefined ? found.filter((f) => f.s.no === cmd.no) : found;
  const pick = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : undefined;
  if (!pick) {
    const word = cmd.check === 'check-in' ? say(lang, '签到', 'check-in') : say(lang, '课堂确认', 'the second check');
    const list = found.map((f) => `- ${mdText(f.p.name)} · #${f.s.no} ${mdText(f.s.title)}`).join('\n');
    await ctx.reply(
      checkRefusedNote(
        cmd.check,
        found.length
          ? say(lang, `你有 ${found.length} 场培训的${word}开放,请在对应的项目群里发,或私信里带上编号:\n${list}`, `${found.length} of your sessions have ${word} open: send it in that project's group, or here with the number:\n${list}`)
          : say(lang, `现在没有你报名的培训开放${word}。`, `None of the sessions you signed up to has ${word} open now.`),
        lang,
      ),
    );
    return;
  }
  const code = pick.s.no === cmd.no || cmd.maybeCode === undefined ? cmd.code : cmd.maybeCode;
  await check(ctx, env, pick.p, pick.s.no, cmd.check, code, pick.p.lang);
}

/** 报名 / 取消报名 / 签到 / 确认在场 on a session card (or a reminder): the session of this chat's project with the card's number. */
export function trainingButtonHandler(env: TrainingEnv): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    if (m.kind !== 'action' || m.action.type !== 'training' || m.action.op === 'answer') return false;
    const a = m.action;
    const p = await ctx.deps.store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
    if (!p) {
      await ctx.reply(notBound('zh'));
      return true;
    }
    const lang = p.lang;
    // 签到 / 确认在场: a click carries no code; a session that needs one says how to send it.
    if (a.op === 'watched') {
      await watch(ctx, p, a.no, lang);
      return true;
    }
    if (a.op === 'checkin' || a.op === 'here') {
      await check(ctx, env, p, a.no, a.op === 'checkin' ? 'check-in' : 'second-check', undefined, lang);
      return true;
    }
    const me = personOf(m);
    const st = stampOf(ctx, p.timeZone);
    const now = localNow(ctx, p.timeZone);
    // A department index the session has not (a forged or stale button) is refused by signUp.
    const out = await ctx.deps.store.changeSession(p.id, a.no, (s) => write(a.op === 'signup' ? decideSignUp(p, s, me, st, now, a.d === undefined ? undefined : (s.departments[a.d] ?? `#${a.d}`)) : decideCancelSignUp(p, s, me, st, now)));
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

/** An answer button on an exam card: one write, then a note naming the question (never the choice). */
export function examButtonHandler(): Handler {
  return async (ctx) => {
    const m = ctx.msg;
    if (m.kind !== 'action' || m.action.type !== 'training' || m.action.op !== 'answer') return false;
    const a = m.action;
    const p = await ctx.deps.store.getProject(projectIdOf(m.chat.platform, m.chat.chatId));
    if (!p) {
      await ctx.reply(notBound('zh'));
      return true;
    }
    const lang = p.lang;
    const at = isoWithOffset(ctx.deps.clock.now(), p.timeZone);
    const out = await ctx.deps.store.changeSession(p.id, a.no, (s) => {
      const d = decideAnswer(s, personOf(m), a.q ?? -1, a.c ?? -1, at);
      // An answer writes the session without an audit event (the close records the scores).
      return d.ok && d.outcome !== 'same' ? { result: d, session: d.session, events: [] } : { result: d };
    });
    if (!out) {
      await ctx.reply(notFound(lang, a.no));
      return true;
    }
    const d = out.result;
    // Only the person answering sees what came of it (a private card where the platform has one).
    if (!d.ok) {
      await ctx.privately(note(say(lang, '答案未记录', 'Answer not kept'), mdText(d.why[lang]), 'warning'));
      return true;
    }
    ctx.deps.log.info('training exam answer', { projectId: p.id, no: a.no, user: m.user.id, q: a.q, outcome: d.outcome });
    await ctx.privately(answerNote(d.outcome === 'changed' ? 'changed' : d.outcome === 'same' ? 'same' : 'answered', out.session, a.q ?? 0, m.user, lang));
    return true;
  };
}

export function trainingHandlers(env: TrainingEnv): Handler[] {
  return [trainingCommandHandler(env), trainingButtonHandler(env), examButtonHandler()];
}
