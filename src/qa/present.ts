import type { Block, Button, Card } from '../core/card.ts';
import { plainMd } from '../core/markdown.ts';
import type { Entry, RiskEntry, Rulebook, StageEntry } from '../rulebook/model.ts';
import { stageOf } from '../rulebook/model.ts';
import type { AnswerResult, Lang } from './types.ts';

export interface PresentOptions {
  /** Replaces the implementer named in the source text. */
  implementerName?: string;
}

const L = {
  zh: { risk: '风险', counter: '对策', source: '来源', version: '规则书版本', conf: '匹配度', related: '相关问题', purpose: '核心目的', prep: '准备工作', points: '工作要点', deliver: '成果交付文档', up: '👍 有用', down: '👎 没用', dym: '没有找到确定的答案，你是不是想问：', none: '规则书里没有找到相关内容，我不猜答案。可以换个说法，或发「帮助」看我能做什么。', noneTitle: '没有找到答案', original: '' },
  en: { risk: 'Risk', counter: 'Countermeasure', source: 'Source', version: 'rulebook', conf: 'match', related: 'Related questions', purpose: 'Core purpose', prep: 'Preparation', points: 'Key work points', deliver: 'Deliverables', up: '👍 Helpful', down: '👎 Not helpful', dym: 'No confident answer. Did you mean:', none: "The rulebook has nothing on this, and I don't guess. Try other words, or say \"help\" to see what I can do.", noneTitle: 'No answer found', original: 'Original (zh)' },
} as const;

/** Entry text in the reader's language, with the implementer's name swapped in. */
export function textOf(rb: Rulebook, t: { zh: string; en: string }, lang: Lang, o: PresentOptions): string {
  const s = t[lang];
  return o.implementerName ? s.split(rb.implementerSource[lang]).join(o.implementerName) : s;
}

/** Short label of an entry, for buttons and lists (Slack caps button text at 75 characters). */
export function entryLabel(rb: Rulebook, e: Entry, lang: Lang, o: PresentOptions, max = 60): string {
  const s = e.kind === 'risk' ? textOf(rb, e.problem, lang, o) : `${e.id} ${textOf(rb, e.title, lang, o)}`;
  const flat = s.replace(/\s+/g, ' ').replace(/[,;,;。.]+$/, '');
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** "5.2 上线前培训准备 · 5.2-10" */
export function sourceLine(rb: Rulebook, e: Entry, lang: Lang, o: PresentOptions): string {
  const stage = stageOf(rb, e);
  const head = `${stage.id} ${textOf(rb, stage.title, lang, o)}`;
  return e.kind === 'risk' ? `${head} · ${e.id}` : head;
}

function riskBlocks(rb: Rulebook, e: RiskEntry, lang: Lang, o: PresentOptions): Block[] {
  const l = L[lang];
  const blocks: Block[] = [
    { type: 'text', md: `**${l.risk}**\n${textOf(rb, e.problem, lang, o)}` },
    { type: 'text', md: `**${l.counter}**\n${textOf(rb, e.countermeasure, lang, o)}` },
  ];
  if (lang === 'en') blocks.push({ type: 'context', md: `${l.original}: ${textOf(rb, e.countermeasure, 'zh', o)}` });
  return blocks;
}

function stageBlocks(rb: Rulebook, e: StageEntry, lang: Lang, o: PresentOptions): Block[] {
  const l = L[lang];
  const points = e.workPoints
    .map((wp, i) => [`${i + 1}. ${textOf(rb, wp.text, lang, o)}`, ...wp.sub.map((s) => `   ${s.label}. ${textOf(rb, s, lang, o)}`)].join('\n'))
    .join('\n');
  return [
    { type: 'text', md: `**${l.purpose}**\n${textOf(rb, e.purpose, lang, o)}` },
    { type: 'text', md: `**${l.points}**\n${points}` },
    { type: 'text', md: `**${l.prep}**\n${textOf(rb, e.preparation, lang, o)}` },
  ];
}

/**
 * Up to three related entries: the engine's runners-up, then the entry's neighbours in its
 * stage. Every runner-up is shown, because when the answer is wrong they are what the asker
 * can turn to (and what `evaluate` counts as offered).
 */
export function relatedTo(rb: Rulebook, e: Entry, result: Pick<AnswerResult, 'candidates'>): Entry[] {
  const out: Entry[] = [];
  const add = (x: Entry | undefined) => x && x.id !== e.id && !out.some((y) => y.id === x.id) && out.push(x);
  for (const c of result.candidates) if (out.length < 3) add(rb.byId.get(c.id));
  const stageRisks = rb.risks.filter((r) => r.stageId === (e.kind === 'risk' ? e.stageId : e.id));
  const at = e.kind === 'risk' ? stageRisks.findIndex((r) => r.id === e.id) : -1;
  for (const x of [stageRisks[at + 1], stageRisks[at - 1], ...stageRisks]) if (out.length < 3) add(x);
  return out;
}

/** The answer to a question: the entry verbatim, its source, related questions and feedback buttons. */
export function entryCard(rb: Rulebook, e: Entry, lang: Lang, result: Pick<AnswerResult, 'question' | 'candidates' | 'score'>, o: PresentOptions): Card {
  const l = L[lang];
  const related = relatedTo(rb, e, result);
  const title = e.kind === 'risk' ? `${e.id} ${entryLabel(rb, e, lang, o, 40)}` : `${e.id} ${textOf(rb, e.title, lang, o)}`;
  const body = e.kind === 'risk' ? riskBlocks(rb, e, lang, o) : stageBlocks(rb, e, lang, o);
  const source = `${l.source}: ${sourceLine(rb, e, lang, o)} · ${l.version} ${rb.version} · ${l.conf} ${result.score.toFixed(2)}`;
  const relatedButtons: Button[] = related.map((r) => ({ label: entryLabel(rb, r, lang, o, 40), action: { type: 'show', id: r.id, lang } }));
  const q = result.question.slice(0, 300);
  const blocks: Block[] = [
    ...body,
    { type: 'context', md: source },
    { type: 'text', md: `**${l.related}**` },
    { type: 'buttons', buttons: relatedButtons },
    { type: 'buttons', buttons: [
      { label: l.up, action: { type: 'feedback', vote: 'up', id: e.id, question: q } },
      { label: l.down, action: { type: 'feedback', vote: 'down', id: e.id, question: q } },
    ] },
  ];
  const card: Card = { title, tone: 'info', blocks, fallback: '' };
  card.fallback = fallbackText(card);
  return card;
}

/** "5.2-99" / "5.2-1": what is wrong with the id, in the asker's language. */
function unknownIdText(u: NonNullable<AnswerResult['unknownId']>, lang: Lang): string {
  const { id, stage, heading } = u;
  if (!stage) return lang === 'zh' ? `规则书里没有 ${id}。规则书的阶段是：` : `The rulebook has no ${id}. Its stages are:`;
  if (heading)
    return lang === 'zh'
      ? `${id} 不是一条风险：它是原文 ${stage.id} 表格的表头行。${stage.id} 的风险从 ${stage.first} 开始，到 ${stage.last}。最接近的：`
      : `${id} is not a risk: that row of the ${stage.id} table in the source is its heading. The risks of ${stage.id} start at ${stage.first} and end at ${stage.last}. The nearest:`;
  return lang === 'zh'
    ? `规则书里没有 ${id}。${stage.id} 的风险是 ${stage.first} 到 ${stage.last}，最接近的：`
    : `The rulebook has no ${id}. The risks of ${stage.id} are ${stage.first} to ${stage.last}; the nearest:`;
}

/** No confident answer: "did you mean" choices, or an honest "not in the rulebook". */
export function noAnswerCard(rb: Rulebook, result: AnswerResult, o: PresentOptions): Card {
  const l = L[result.lang];
  const choices = result.candidates.map((c) => rb.byId.get(c.id)).filter((e): e is Entry => !!e);
  const lead = result.unknownId ? unknownIdText(result.unknownId, result.lang) : l.dym;
  const blocks: Block[] = choices.length
    ? [{ type: 'text', md: lead }, { type: 'buttons', buttons: choices.map((e) => ({ label: result.unknownId && e.kind === 'risk' ? `${e.id} ${entryLabel(rb, e, result.lang, o, 32)}` : entryLabel(rb, e, result.lang, o, 40), action: { type: 'show', id: e.id, lang: result.lang } })) }]
    : [{ type: 'text', md: l.none }];
  const title = result.unknownId ? (result.lang === 'zh' ? `没有 ${result.unknownId.id} 这一条` : `No rule ${result.unknownId.id}`) : l.noneTitle;
  const card: Card = { title, tone: 'neutral', blocks, fallback: '' };
  card.fallback = fallbackText(card);
  return card;
}

/** The card for any engine result. */
export function answerCard(rb: Rulebook, result: AnswerResult, o: PresentOptions = {}): Card {
  const e = result.id ? rb.byId.get(result.id) : undefined;
  return e ? entryCard(rb, e, result.lang, result, o) : noAnswerCard(rb, result, o);
}

function fallbackText(card: Card): string {
  const text = card.blocks
    .filter((b) => b.type === 'text' || b.type === 'context')
    .map((b) => plainMd((b as { md: string }).md))
    .join('\n');
  return `${card.title}\n${text}`.slice(0, 3000);
}
