import type { ProjectItemStatus, ProjectStatus } from '../readiness/answer-status.ts';
import type { Block, Button, Card } from '../core/card.ts';
import { mdText } from '../core/markdown.ts';
import type { Lang } from './types.ts';
import { shortAt, STATE_MARK, STATE_WORDS, stateChip } from '../readiness/views/item-words.ts';

function stateText(s: ProjectItemStatus, lang: Lang): string {
  const due = s.dueDate.slice(5);
  const chip = stateChip(s.state, lang);
  switch (s.state) {
    case 'confirmed':
      return lang === 'zh' ? `${STATE_MARK.confirmed} ${mdText(s.confirmedBy ?? '')} ${STATE_WORDS.zh.confirmed} ${shortAt(s.confirmedAt ?? '')}` : `${chip} by ${mdText(s.confirmedBy ?? '')} ${shortAt(s.confirmedAt ?? '')}`;
    case 'needs-evidence':
      return lang === 'zh' ? `${chip}(${mdText(s.confirmedBy ?? '')} 已确认,须附文件或链接;截止 ${due})` : `${chip} (confirmed by ${mdText(s.confirmedBy ?? '')}; attach a file or link; due ${due})`;
    case 'overdue':
    case 'due':
    case 'open':
      return lang === 'zh' ? `${chip}(截止 ${due})` : `${chip} (by ${due})`;
    default: {
      const never: never = s.state;
      throw new Error(`unknown state ${JSON.stringify(never)}`);
    }
  }
}

function line(s: ProjectItemStatus, lang: Lang): string {
  const who = s.state === 'confirmed' || s.confirmBy.en === 'anyone' ? '' : lang === 'zh' ? `,需${s.confirmBy.zh}确认` : `; to be confirmed by the ${s.confirmBy.en}`;
  return lang === 'zh' ? `本项目清单 第${s.n}项「${s.text.zh}」：${stateText(s, lang)}${who}` : `Checklist item ${s.n} '${s.text.en}': ${stateText(s, lang)}${who}`;
}

/**
 * The answer card with the project's checklist items behind the answered rule appended,
 * and a confirm button for each item still open (handled by the sign-off path, roles apply).
 */
export function withProjectStatus(card: Card, status: ProjectStatus, lang: Lang): Card {
  const md = status.items.map((s) => line(s, lang)).join('\n');
  const buttons: Button[] = status.items
    .filter((s) => s.state !== 'confirmed')
    .slice(0, 5)
    .map((s) => ({ label: lang === 'zh' ? `确认 ${s.n}` : `Confirm ${s.n}`, action: { type: 'confirm', item: s.n }, style: s.state === 'overdue' ? 'primary' : 'default' }));
  const blocks: Block[] = [...card.blocks, { type: 'text', md }, ...(buttons.length ? [{ type: 'buttons', buttons } as Block] : [])];
  return { ...card, blocks, fallback: `${card.fallback}\n${md}`.slice(0, 3000) };
}
