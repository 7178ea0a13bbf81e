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
import { buildChecklist } from '../src/checklist/build.ts';
import { checklistCard } from '../src/checklist/card.ts';
import { loadTemplate } from '../src/checklist/template.ts';
import { fixedClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/log.ts';
import { loadRulebook } from '../src/rulebook/load.ts';
import { createCalendar } from '../src/schedule/calendar.ts';
import { createDailyJob } from '../src/schedule/job.ts';
import { parseSignoff } from '../src/signoff/parse.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import type { ProjectRecord } from '../src/store/store.ts';

const N = Number(process.argv[2] ?? 200);
const rulebook = loadRulebook('data');
const template = loadTemplate('data', rulebook);
const project = (i: number, lang: 'zh' | 'en' = 'zh'): ProjectRecord => ({
  id: `feishu:oc_${i}`, platform: 'feishu', chatId: `oc_${i}`, name: `Project ${i}`, goLive: '2026-10-20', timeZone: 'Asia/Shanghai',
  postTime: '09:00', lang, adminId: 'ou_admin', roles: [], source: 'chat', createdAt: '', updatedAt: '',
});

// 1. Card sizes (worst case: nothing confirmed, many items due/overdue, so the most buttons).
for (const lang of ['zh', 'en'] as const) {
  const card = checklistCard(buildChecklist(template, project(0, lang), [], '2026-10-16'));
  const feishu = JSON.stringify(renderFeishuCard(card));
  const slack = renderSlackBlocks(card);
  const longestSection = Math.max(...slack.map((b) => JSON.stringify((b as { text?: { text?: string } }).text?.text ?? '').length));
  console.log(`card ${lang}: Feishu JSON ${Buffer.byteLength(feishu)} bytes (limit 30 KB); Slack ${slack.length} blocks (limit 50), longest section ${longestSection} chars (limit 3000)`);
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
