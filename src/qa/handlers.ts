import type { ProjectStatusFor } from '../readiness/answer-status.ts';
import type { Card } from '../core/card.ts';
import type { Ctx, Handler } from '../core/bot.ts';
import { languageOf } from './normalize.ts';
import { answerCard, entryCard } from './present.ts';
import { HELP_WORDS, helpCard } from './help.ts';
import { withProjectStatus } from './project.ts';
import { keepDownVote, keepUnanswered, reasonHandler } from '../review/handlers.ts';
import type { AnswerOutcome } from '../metrics.ts';
import type { AnswerResult, Lang } from './types.ts';

export interface QaOptions {
  /** In a group bound to a project: the checklist items behind an answered risk, with their status. */
  projectStatus?: ProjectStatusFor;
}

/** Questions are for the bot only when it is mentioned, or in a direct chat. */
const addressed = (ctx: Ctx) => ctx.msg.kind === 'text' && (ctx.msg.mentionsBot || ctx.msg.chat.chatType === 'direct');

const help: Handler = async (ctx) => {
  if (!addressed(ctx) || ctx.msg.kind !== 'text') return false;
  const text = ctx.msg.text.trim();
  if (!HELP_WORDS.test(text)) return false;
  await ctx.reply(helpCard(languageOf(text)));
  return true;
};

/**
 * Sends an answer; for a risk answered in a project group, with the project's checklist items
 * behind it. A failed status lookup costs the extra block, never the answer.
 */
async function replyWith(ctx: Ctx, o: QaOptions, card: Card, id: string | null | undefined, lang: Lang): Promise<void> {
  let out = card;
  if (o.projectStatus && id && ctx.deps.rulebook.byId.get(id)?.kind === 'risk') {
    try {
      const status = await o.projectStatus(id, ctx.msg.chat);
      if (status) out = withProjectStatus(card, status, lang);
    } catch (err) {
      ctx.deps.log.warn('project status for the answer could not be read', { ruleId: id, err });
    }
  }
  await ctx.reply(out);
}

/** A confident answer, "did you mean" choices, or neither. */
const outcomeOf = (r: AnswerResult): AnswerOutcome => (r.id ? 'answered' : r.candidates.length ? 'did-you-mean' : 'none');
const counted = (ctx: Ctx, r: AnswerResult) => ctx.deps.metrics?.answers.inc({ platform: ctx.msg.chat.platform, outcome: outcomeOf(r) });

const question = (o: QaOptions): Handler => async (ctx) => {
  if (!addressed(ctx) || ctx.msg.kind !== 'text') return false;
  const text = ctx.msg.text.trim();
  if (!text) {
    await ctx.reply(helpCard('zh'));
    return true;
  }
  const result = ctx.deps.answerer.answer(text);
  ctx.deps.log.info('answered', { platform: ctx.msg.chat.platform, id: result.id, score: result.score });
  counted(ctx, result);
  await replyWith(ctx, o, answerCard(ctx.deps.rulebook, result, { implementerName: ctx.deps.implementerName }), result.id, result.lang);
  await keepUnanswered(ctx, result);
  return true;
};

/** Buttons on answer cards: related question, "did you mean" choice, 👍/👎. */
const actions = (qo: QaOptions): Handler => async (ctx) => {
  if (ctx.msg.kind !== 'action') return false;
  const { action } = ctx.msg;
  const rb = ctx.deps.rulebook;
  const o = { implementerName: ctx.deps.implementerName };
  switch (action.type) {
    case 'ask': {
      const result = ctx.deps.answerer.answer(action.question);
      counted(ctx, result);
      await replyWith(ctx, qo, answerCard(rb, result, o), result.id, result.lang);
      return true;
    }
    case 'show': {
      const e = rb.byId.get(action.id);
      if (!e) return false;
      const lang = action.lang ?? 'zh';
      await replyWith(ctx, qo, entryCard(rb, e, lang, { question: action.id, candidates: [], score: 1 }, o), e.id, lang);
      return true;
    }
    case 'feedback': {
      if (!rb.byId.has(action.id)) return false;
      const result = await ctx.deps.store.addFeedback({
        question: action.question,
        ruleId: action.id,
        vote: action.vote,
        platform: ctx.msg.chat.platform,
        userId: ctx.msg.user.id,
        at: ctx.deps.clock.now().toISOString(),
        eventId: `${ctx.msg.chat.platform}:${ctx.msg.eventId}`,
        answerKey: `${ctx.msg.chat.platform}:${ctx.msg.chat.chatId}:${ctx.msg.messageId}`,
      });
      // A repeated 👎 from the same person on the same answer is one vote: asked why once.
      if (action.vote === 'down' && result !== 'unchanged') await keepDownVote(ctx, action, languageOf(action.question));
      return true;
    }
    case 'reason':
      return false; // the review feature's
    case 'confirm':
    case 'undo':
    case 'role':
    case 'training':
      return false; // sign-offs, roles and training are the project handlers' business
    default: {
      const never: never = action;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
};

/** `o.projectStatus` is optional: without it (CLI, tests, no checklists) answers are the rulebook's alone. */
export function qaHandlers(o: QaOptions = {}): Handler[] {
  return [help, reasonHandler, actions(o), question(o)];
}
