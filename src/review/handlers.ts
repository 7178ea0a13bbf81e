import type { Card } from '../core/card.ts';
import type { Ctx, Handler } from '../core/bot.ts';
import type { AnswerResult, Lang } from '../qa/types.ts';
import type { DownReason } from '../store/store.ts';

const L = {
  zh: {
    why: '哪里不对？', ask: '谢谢反馈。选一个原因，规则书的维护人会看到：',
    'wrong-rule': '答错了规则', unclear: '规则对，但说得不清楚', outdated: '已经过时', other: '其他',
    noted: '已记下原因：', notYours: '只有投 👎 的人可以选原因。',
  },
  en: {
    why: 'What was wrong?', ask: 'Thanks. Pick a reason; the rulebook\'s owners will see it:',
    'wrong-rule': 'Wrong rule', unclear: 'Right rule, but unclear', outdated: 'Outdated', other: 'Other',
    noted: 'Reason noted: ', notYours: 'Only the person who voted 👎 can pick the reason.',
  },
} as const;
const REASONS: DownReason[] = ['wrong-rule', 'unclear', 'outdated', 'other'];

const projectOf = (ctx: Ctx) => (ctx.msg.chat.chatType === 'group' ? `${ctx.msg.chat.platform}:${ctx.msg.chat.chatId}` : null);
const eventKey = (ctx: Ctx) => `${ctx.msg.chat.platform}:${ctx.msg.eventId}`;

/**
 * A question the bot could not answer confidently goes to the review queue, with what it
 * offered. A failed write costs the queue an item, never the asker the answer.
 */
export async function keepUnanswered(ctx: Ctx, result: AnswerResult): Promise<void> {
  if (result.id !== null || result.unknownId) return;
  try {
    await ctx.deps.store.addReview({
      question: result.question.slice(0, 500),
      lang: result.lang,
      reason: result.candidates.length ? 'unsure' : 'none',
      ruleId: result.candidates[0]?.id ?? null,
      offered: result.candidates.map((c) => c.id),
      platform: ctx.msg.chat.platform,
      projectId: projectOf(ctx),
      userId: ctx.msg.user.id,
      at: ctx.deps.clock.now().toISOString(),
      eventId: eventKey(ctx),
    });
  } catch (err) {
    ctx.deps.log.warn('question could not be kept for review', { err });
  }
}

/** After a 👎: the answer goes to the review queue, and the voter is asked why (buttons only they can use). */
export async function keepDownVote(ctx: Ctx, vote: { id: string; question: string }, lang: Lang): Promise<void> {
  const item = await ctx.deps.store.addReview({
    question: vote.question,
    lang,
    reason: 'down',
    ruleId: vote.id,
    offered: [],
    platform: ctx.msg.chat.platform,
    projectId: projectOf(ctx),
    userId: ctx.msg.user.id,
    at: ctx.deps.clock.now().toISOString(),
    eventId: eventKey(ctx),
  });
  const l = L[lang];
  const card: Card = {
    title: l.why,
    tone: 'neutral',
    blocks: [
      { type: 'text', md: l.ask },
      { type: 'buttons', buttons: REASONS.map((reason) => ({ label: l[reason], action: { type: 'reason', item: item.id, reason } })) },
    ],
    fallback: `${l.why} ${REASONS.map((r) => l[r]).join(' / ')}`,
  };
  await ctx.reply(card);
}

/** The reason buttons under a 👎: stored with the vote when the voter clicks; the card then says what was noted. */
export const reasonHandler: Handler = async (ctx) => {
  if (ctx.msg.kind !== 'action' || ctx.msg.action.type !== 'reason') return false;
  const { item, reason } = ctx.msg.action;
  const kept = (await ctx.deps.store.listReview()).find((r) => r.id === item);
  const lang: Lang = kept?.lang ?? 'zh';
  const l = L[lang];
  if (!kept || !(await ctx.deps.store.setReviewReason(item, ctx.msg.user.id, reason))) {
    await ctx.reply({ title: l.why, tone: 'neutral', blocks: [{ type: 'text', md: l.notYours }], fallback: l.notYours });
    return true;
  }
  const done = `${l.noted}${l[reason]}`;
  await ctx.update(ctx.msg.messageId, { title: l.why, tone: 'neutral', blocks: [{ type: 'text', md: done }], fallback: done });
  return true;
};
