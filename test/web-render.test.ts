import { describe, expect, it } from 'vitest';
import { readMentions } from '../adapters/web/adapter.ts';
import { renderCard, renderText } from '../adapters/web/render.ts';
import type { Card } from '../src/core/card.ts';

const evil = '<script>alert(1)</script>"\'&';
const name = (id: string) => (id === 'lisi' ? '李四' : id);

describe('playground rendering', () => {
  it('escapes every string of a card and applies only the markdown subset', () => {
    const card: Card = {
      title: evil,
      tone: 'warning',
      fallback: '',
      blocks: [
        { type: 'text', md: `**bold ${evil}**\n- item <b>x</b>\n- @{lisi} and @{${'x"><img src=x>'}}` },
        { type: 'context', md: `[link](javascript:alert(1)) ${evil}` },
        { type: 'divider' },
        { type: 'buttons', buttons: [{ label: evil, action: { type: 'ask', question: evil } }] },
      ],
    };
    const out = renderCard(card, 'w"msg', name);
    expect(out).not.toMatch(/<script|<img|<b>|javascript:alert\(1\)"/);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(out).toContain('<strong>bold &lt;script&gt;');
    expect(out).toContain('<li>item &lt;b&gt;x&lt;/b&gt;</li>');
    expect(out).toContain('<span class="mention">@李四</span>');
    expect(out).toContain('data-msg="w&quot;msg"');
    // The button carries its position only, never the action.
    expect(out).toContain('data-block="3" data-button="0"');
    expect(out).not.toContain('alert(1)</button>');
    expect(out).toContain('class="card tone-warning"');
  });

  it("shows a person's text as typed, escaped, without markdown", () => {
    const out = renderText('**x** <i>y</i>\n- z @{lisi}', name);
    expect(out).toBe('<div class="md"><p>**x** &lt;i&gt;y&lt;/i&gt;<br>- z <span class="mention">@李四</span></p></div>');
  });

  it('reads @bot and the demo people out of what is typed', () => {
    expect(readMentions('@bot 设置角色 @张三 客户项目负责人')).toEqual({
      shown: '@bot 设置角色 @{zhangsan} 客户项目负责人',
      text: '设置角色 @{zhangsan} 客户项目负责人',
      mentionsBot: true,
      mentions: [{ id: 'zhangsan', name: '张三', isBot: false }],
    });
    expect(readMentions('确认 3').mentionsBot).toBe(false);
    expect(readMentions('@Li Si please, @机器人 清单', 'en')).toMatchObject({ text: '@{lisi} please, 清单', mentionsBot: true, mentions: [{ id: 'lisi', name: 'Li Si' }] });
    expect(readMentions('mail me at a@botany.example').mentionsBot).toBe(false);
  });
});
