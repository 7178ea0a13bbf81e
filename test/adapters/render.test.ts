import { describe, expect, it } from 'vitest';
import { feishuMarkdown, renderFeishuCard } from '../../adapters/feishu/render.ts';
import { renderSlackBlocks, slackFallback, slackMrkdwn } from '../../adapters/slack/render.ts';
import type { Card } from '../../src/core/card.ts';
import { Action } from '../../src/core/message.ts';

const card: Card = {
  title: '5.2-10 培训人数多',
  tone: 'warning',
  fallback: '5.2-10 培训人数多 @{U123}',
  blocks: [
    { type: 'text', md: '**对策**\n- 单场培训人员控制在60人以下\n请 @{ou_abc} 确认 <b> & co' },
    { type: 'context', md: '来源: 5.2-10' },
    { type: 'divider' },
    { type: 'buttons', buttons: [{ label: '相关问题', action: { type: 'ask', question: '培训场地不够怎么办' }, style: 'primary' }] },
    {
      type: 'buttons',
      buttons: [
        { label: '👍', action: { type: 'feedback', vote: 'up', id: '5.2-10', question: 'q' } },
        { label: '👎', action: { type: 'feedback', vote: 'down', id: '5.2-10', question: 'q' }, style: 'danger' },
      ],
    },
  ],
};

// Feishu card JSON 2.0 rejects attributes it does not know: keep to the documented ones.
const allowed: Record<string, string[]> = {
  markdown: ['tag', 'content', 'text_size'],
  hr: ['tag'],
  button: ['tag', 'text', 'type', 'behaviors'],
  column_set: ['tag', 'columns'],
  column: ['tag', 'width', 'elements'],
};

function walk(el: any, visit: (el: any) => void) {
  visit(el);
  for (const c of el.columns ?? []) walk(c, visit);
  for (const c of el.elements ?? []) walk(c, visit);
}

describe('Feishu card JSON 2.0', () => {
  const out = renderFeishuCard(card) as any;

  it('has the 2.0 envelope, updatable, with a header template per tone', () => {
    expect(Object.keys(out).sort()).toEqual(['body', 'config', 'header', 'schema']);
    expect(out.schema).toBe('2.0');
    expect(out.config).toEqual({ update_multi: true });
    expect(out.header).toEqual({ title: { tag: 'plain_text', content: '5.2-10 培训人数多' }, template: 'orange' });
  });

  it('uses only documented attributes', () => {
    for (const el of out.body.elements)
      walk(el, (e) => {
        expect(allowed[e.tag], `tag ${e.tag}`).toBeDefined();
        for (const k of Object.keys(e)) expect(allowed[e.tag]).toContain(k);
      });
  });

  it('a single button carries the Action as a callback behaviour; several sit in a column_set', () => {
    const [, , , single, row] = out.body.elements;
    expect(single).toEqual({
      tag: 'button',
      text: { tag: 'plain_text', content: '相关问题' },
      type: 'primary',
      behaviors: [{ type: 'callback', value: { type: 'ask', question: '培训场地不够怎么办' } }],
    });
    expect(row.tag).toBe('column_set');
    expect(row.columns).toHaveLength(2);
    const values = row.columns.map((c: any) => c.elements[0].behaviors[0].value);
    for (const v of values) expect(Action.safeParse(v).success).toBe(true);
    expect(row.columns[1].elements[0].type).toBe('danger');
  });

  it('turns @{open_id} into a Feishu mention, keeps bold and lists, and escapes what Feishu reads as markup', () => {
    expect(out.body.elements[0].content).toBe('**对策**\n- 单场培训人员控制在60人以下\n请 <at id=ou_abc></at> 确认 &lt;b&gt; &amp; co');
    expect(feishuMarkdown('@{ou_1} and @{ou_2}')).toBe('<at id=ou_1></at> and <at id=ou_2></at>');
  });
});

describe('Slack Block Kit', () => {
  const blocks = renderSlackBlocks(card) as any[];

  it('header, sections, context, divider and action rows', () => {
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'divider', 'actions', 'actions']);
    expect(blocks[0].text).toEqual({ type: 'plain_text', text: '5.2-10 培训人数多', emoji: true });
  });

  it('converts the markdown subset and escapes &, <, >; an id that is not a Slack user id is no mention', () => {
    expect(blocks[1].text).toEqual({ type: 'mrkdwn', text: '*对策*\n• 单场培训人员控制在60人以下\n请 @ou_abc 确认 &lt;b&gt; &amp; co' });
    expect(slackMrkdwn('**a** @{U1}')).toBe('*a* <@U1>');
  });

  it('buttons carry the Action as JSON with unique oa: action ids', () => {
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
    expect(new Set(buttons.map((b: any) => b.action_id)).size).toBe(3);
    for (const b of buttons) {
      expect(b.action_id).toMatch(/^oa:/);
      expect(Action.safeParse(JSON.parse(b.value)).success).toBe(true);
    }
    expect(buttons[0].style).toBe('primary');
    expect(buttons[1].style).toBeUndefined();
    expect(buttons[2].style).toBe('danger');
  });

  it('splits text over Slack\'s 3,000-character section limit', () => {
    const long = renderSlackBlocks({ title: 't', tone: 'info', fallback: 't', blocks: [{ type: 'text', md: 'x'.repeat(6500) }] }) as any[];
    expect(long.filter((b) => b.type === 'section').map((b) => b.text.text.length)).toEqual([3000, 3000, 500]);
  });

  it('fallback text is plain text: escaped, never a mention or a broadcast', () => {
    expect(slackFallback(card)).toBe('5.2-10 培训人数多 @{U123}');
    expect(slackFallback({ ...card, fallback: '<!channel> <@U1>' })).toBe('&lt;!channel&gt; &lt;@U1&gt;');
  });
});
