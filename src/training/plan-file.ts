import type { OutgoingFile } from '../core/transport.ts';
import { csvCell } from '../readiness/views/signoffs-csv.ts';
import type { ProjectRecord } from '../store/records.ts';
import { audienceLabel, type Session } from './model.ts';

/**
 * The training plan as the customer's lead confirms it (5.2-17: the plan signed by the
 * customer's project lead, or confirmed by reply): every session not cancelled, as a CSV the
 * bot keeps as the confirm's evidence with its SHA-256, so the trail holds the plan that was
 * signed. Titles, places, departments and links are people's text: through the CSV formula guard.
 */
export function planFile(p: ProjectRecord, sessions: Session[], today: string): OutgoingFile | undefined {
  const live = sessions.filter((s) => !s.cancelled).sort((a, b) => a.no - b.no);
  if (!live.length) return undefined;
  const zh = p.lang === 'zh';
  const head = zh ? ['编号', '标题', '开始', '结束', '对象', '部门', '方式', '地点或链接', '讲师', '上限', '已报名'] : ['no', 'title', 'start', 'end', 'audience', 'departments', 'delivery', 'place or link', 'trainer', 'capacity', 'signed up'];
  const delivery = (s: Session) => (s.delivery.kind === 'onsite' ? (zh ? '现场' : 'on site') : s.delivery.kind === 'video' ? (zh ? '视频会议' : 'video meeting') : zh ? '录播' : 'recording');
  const where = (s: Session) => (s.delivery.kind === 'onsite' ? s.delivery.place : s.delivery.link);
  const trainer = (s: Session) => (s.trainer === 'customer-admin' ? (zh ? '客户管理员' : "customer's admin") : zh ? '实施方' : 'vendor');
  const rows = live.map((s) => [s.no, s.title, s.start.replace('T', ' '), s.end.replace('T', ' '), audienceLabel[s.audience][p.lang], s.departments.join(zh ? '、' : '; '), delivery(s), where(s), trainer(s), s.capacity, s.signedUp.length]);
  // A BOM so that spreadsheets read the Chinese as UTF-8.
  const text = `\ufeff${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
  const safe = p.name.replace(/[\\/:*?"<>|\p{Cc}]+/gu, '_').slice(0, 60);
  return { name: `${zh ? '培训计划' : 'training-plan'}-${safe}-${today}.csv`, mime: 'text/csv', bytes: new TextEncoder().encode(text) };
}
