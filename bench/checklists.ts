/**
 * Checklist figures: rendered card sizes against platform limits, the daily job over many
 * projects on the lowdb store, and the sign-off parser's speed.
 *   npx tsx bench/checklists.ts [projects=200]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFeishuCard } from '../adapters/feishu/render.ts';
import { renderSlackBlocks } from '../adapters/slack/render.ts';
import { buildChecklist } from '../src/readiness/model/checklist.ts';
import { checklistCard } from '../src/readiness/views/checklist-card.ts';
import { loadTemplate } from '../src/readiness/model/template.ts';
import { fixedClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/log.ts';
import { loadRulebook } from '../src/rulebook/load.ts';
import { createCalendar } from '../src/calendar/calendar.ts';
import { createDailyJob } from '../src/readiness/schedule/daily-job.ts';
import { parseSignoff } from '../src/readiness/chat/signoff-parse.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import type { ProjectRecord, SignoffEvent } from '../src/store/store.ts';

const N = Number(process.argv[2] ?? 200);
const rulebook = loadRulebook('data');
const template = loadTemplate('data', rulebook);
const project = (i: number, lang: 'zh' | 'en' = 'zh'): ProjectRecord => ({
  id: `feishu:oc_${i}`, platform: 'feishu', chatId: `oc_${i}`, name: `Project ${i}`, goLive: '2026-10-20', timeZone: 'Asia/Shanghai',
  postTime: '09:00', lang, adminId: 'ou_admin', roles: [], source: 'chat', createdAt: '', updatedAt: '',
});

// 1. Card sizes. Every item carries one button (confirm while open, undo once confirmed), so the
// button count is fixed; the mixes below move it between confirm rows and undo rows and lengthen
// the confirmed lines ("✅ <name> 已确认 …"). Nothing confirmed with many items due/overdue was the old worst case.
const signed = (k: number): SignoffEvent[] =>
  template.items.slice(0, k).map((it, i) => ({
    seq: i + 1, projectId: 'feishu:oc_0', action: 'confirm', itemId: it.id, itemText: it.text.zh, userId: 'ou_someone_with_a_long_id_0123456789',
    userName: '王经理', role: 'customer-lead', at: '2026-10-09T09:12:00+08:00', via: 'button', platform: 'feishu', evidenceMessageId: 'om_x', text: '[button] confirm 1',
  }));
const mixes = [['none confirmed', 0], ['1 open, rest confirmed', template.items.length - 1], ['all confirmed', template.items.length]] as const;
for (const lang of ['zh', 'en'] as const) {
  for (const [label, k] of mixes) {
    const card = checklistCard(buildChecklist(template, project(0, lang), signed(k), '2026-10-16'));
    const feishu = JSON.stringify(renderFeishuCard(card));
    const slack = renderSlackBlocks(card);
    const longestSection = Math.max(...slack.map((b) => JSON.stringify((b as { text?: { text?: string } }).text?.text ?? '').length));
    const widestActions = Math.max(0, ...slack.filter((b) => b.type === 'actions').map((b) => (b as { elements: unknown[] }).elements.length));
    const buttons = card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    console.log(
      `card ${lang}, ${label}: Feishu JSON ${Buffer.byteLength(feishu)} bytes (limit 30 KB); Slack ${slack.length} blocks (limit 50), ` +
        `widest actions block ${widestActions} elements (limit 25), longest section ${longestSection} chars (limit 3000); ` +
        `${buttons.filter((b) => b.action.type === 'confirm').length} confirm + ${buttons.filter((b) => b.action.type === 'undo').length} undo buttons`,
    );
  }
}

// 2. Daily job over N projects (lowdb, one write per claim and per completion).
const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'bench-')), 'db.json'));
for (let i = 0; i < N; i++) await store.putProject(project(i));
let sent = 0;
const transport = { post: async () => ({ messageId: `m${++sent}` }), reply: async () => ({ messageId: 'r' }), update: async () => {} };
const job = createDailyJob({ store, clock: fixedClock('2026-10-09T01:05:00Z'), log: silentLogger, template, calendar: createCalendar(), transport: () => transport });
let t = performance.now();
await job.run();
console.log(`daily job, ${N} projects, first run (posts all): ${(performance.now() - t).toFixed(0)} ms, ${sent} posts`);
t = performance.now();
await job.run();
console.log(`daily job, ${N} projects, second run (all already posted): ${(performance.now() - t).toFixed(0)} ms, ${sent} posts`);

// 3. Parser.
const samples = ['确认 3', '确认 3、5', '3,5 已完成', '确认 1-3', '全部确认', 'confirm 2', 'done 4', '撤销 2', '培训人数多怎么办', '大家辛苦了'];
t = performance.now();
for (let i = 0; i < 100_000; i++) parseSignoff(samples[i % samples.length]!);
console.log(`sign-off parser: ${((performance.now() - t) / 100).toFixed(2)} µs per message (100k messages)`);
