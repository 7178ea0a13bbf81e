import type { Ctx, Handler } from '../core/bot.ts';
import { languageOf } from './normalize.ts';
import { answerCard, entryCard } from './present.ts';
import { HELP_WORDS, helpCard } from './help.ts';

/** Questions are for the bot only when it is mentioned, or in a direct chat. */
const addressed = (ctx: Ctx) => ctx.msg.kind === 'text' && (ctx.msg.mentionsBot || ctx.msg.chat.chatType === 'direct');

const help: Handler = async (ctx) => {
  if (!addressed(ctx) || ctx.msg.kind !== 'text') return false;
  const text = ctx.msg.text.trim();
  if (!HELP_WORDS.test(text)) return false;
  await ctx.reply(helpCard(languageOf(text)));
  return true;
};

const question: Handler = async (ctx) => {
  if (!addressed(ctx) || ctx.msg.kind !== 'text') return false;
  const text = ctx.msg.text.trim();
  if (!text) {
    await ctx.reply(helpCard('zh'));
    return true;
  }
  const result = ctx.deps.answerer.answer(text);
  ctx.deps.log.info('answered', { platform: ctx.msg.chat.platform, id: result.id, score: result.score });
  await ctx.reply(answerCard(ctx.deps.rulebook, result, { implementerName: ctx.deps.implementerName }));
  return true;
};

/** Buttons on answer cards: related question, "did you mean" choice, 👍/👎. */
const actions: Handler = async (ctx) => {
  if (ctx.msg.kind !== 'action') return false;
  const { action } = ctx.msg;
  const rb = ctx.deps.rulebook;
  const o = { implementerName: ctx.deps.implementerName };
  switch (action.type) {
    case 'ask': {
      await ctx.reply(answerCard(rb, ctx.deps.answerer.answer(action.question), o));
      return true;
    }
    case 'show': {
      const e = rb.byId.get(action.id);
      if (!e) return false;
      await ctx.reply(entryCard(rb, e, action.lang ?? 'zh', { question: action.id, candidates: [], score: 1 }, o));
      return true;
    }
    case 'feedback': {
      if (!rb.byId.has(action.id)) return false;
      await ctx.deps.store.addFeedback({
        question: action.question,
        ruleId: action.id,
        vote: action.vote,
        platform: ctx.msg.chat.platform,
        userId: ctx.msg.user.id,
        at: ctx.deps.clock.now().toISOString(),
      });
      return true;
    }
    case 'confirm':
    case 'undo':
      return false; // sign-offs are the checklist handlers' business
    default: {
      const never: never = action;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
};

export function qaHandlers(): Handler[] {
  return [help, actions, question];
}
