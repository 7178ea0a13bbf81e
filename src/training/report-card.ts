import type { Block, Card } from '../core/card.ts';
import { cardText } from '../core/card.ts';
import { mdText } from '../core/markdown.ts';
import { say } from '../core/reply.ts';
import type { ProjectRecord } from '../store/records.ts';
import { audienceLabel } from './model.ts';
import { factLine, ruleFacts, type SessionFigures, type TrainingReport } from './report-model.ts';
import type { Lang } from './words.ts';

const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '—');

function sessionLine(f: SessionFigures, lang: Lang): string {
  const counts = say(lang, `报名 ${f.signedUp}/${f.capacity} · 签到 ${f.checkedIn} · 坚持到最后 ${f.stayed}`, `signed up ${f.signedUp}/${f.capacity} · checked in ${f.checkedIn} · stayed ${f.stayed}`);
  const left = f.left ? say(lang, ` · 签到后离开 ${f.left}`, ` · signed in and left ${f.left}`) : '';
  const exam = f.exam ? (f.exam.closed ? say(lang, ` · 考试通过 ${f.exam.passed}/${f.exam.taken}`, ` · exam passed ${f.exam.passed}/${f.exam.taken}`) : say(lang, ' · 考试进行中', ' · exam open')) : '';
  const manager = f.held && f.managerPresent === false ? say(lang, ' · ⚠️ 无客户管理人员在场', ' · ⚠️ no customer-side manager') : '';
  return `- **#${f.no}** ${f.start.slice(5).replace('T', ' ')} ${mdText(f.title)} · ${audienceLabel[f.audience][lang]}${f.trainer === 'customer-admin' ? say(lang, ' · 客户管理员主讲', " · the customer's admin trains") : ''} · ${counts}${left}${exam}${manager}`;
}

/**
 * `培训报告` / `training report`: the project's sessions with their counts, the totals, per level
 * and per department, and what the plan says of the rules it keeps (report-model.ts ruleFacts).
 * Titles and department names are people's text: through mdText.
 */
export function trainingReportCard(p: ProjectRecord, r: TrainingReport, lang: Lang): Card {
  const t = r.totals;
  const blocks: Block[] = [];
  if (!r.sessions.length) {
    blocks.push({ type: 'text', md: say(lang, '还没有培训场次。「@机器人 新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室」', 'No training sessions yet. "@bot new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3"') });
  } else {
    blocks.push({
      type: 'text',
      md: say(
        lang,
        `**合计** ${t.sessions} 场(已开始 ${t.held}${r.cancelled ? `,另取消 ${r.cancelled}` : ''})· 报名 ${t.signedUp} · 签到 ${t.checkedIn} · 坚持到最后 ${t.stayed}(${pct(t.stayed, t.checkedIn)})${t.left ? ` · 签到后离开 ${t.left}` : ''}${t.examined ? ` · 考试通过 ${t.passed}/${t.examined}(${pct(t.passed, t.examined)})` : ''}`,
        `**Total** ${t.sessions} sessions (${t.held} started${r.cancelled ? `, ${r.cancelled} cancelled` : ''}) · signed up ${t.signedUp} · checked in ${t.checkedIn} · stayed ${t.stayed} (${pct(t.stayed, t.checkedIn)})${t.left ? ` · signed in and left ${t.left}` : ''}${t.examined ? ` · exam passed ${t.passed}/${t.examined} (${pct(t.passed, t.examined)})` : ''}`,
      ),
    });
    for (let i = 0; i < r.sessions.length; i += 10) blocks.push({ type: 'text', md: r.sessions.slice(i, i + 10).map((f) => sessionLine(f, lang)).join('\n') });
    const levels = r.byAudience.map((a) => `${audienceLabel[a.audience][lang]} ${a.sessions}${say(lang, ' 场', '')} · ${a.signedUp}/${a.checkedIn}/${a.stayed}`).join(lang === 'zh' ? ';' : '; ');
    blocks.push({ type: 'text', md: `${say(lang, '**按对象**(报名/签到/坚持到最后)', '**By level** (signed up / checked in / stayed)')}\n${levels}` });
    if (r.byDepartment.length) {
      const depts = r.byDepartment.slice(0, 15).map((d) => `${mdText(d.department)} ${d.sessions}${say(lang, ' 场', '')} · ${d.signedUp}/${d.checkedIn}/${d.stayed}`).join(lang === 'zh' ? ';' : '; ');
      blocks.push({ type: 'text', md: `${say(lang, '**按部门**(报名/签到/坚持到最后)', '**By department** (signed up / checked in / stayed)')}\n${depts}` });
    }
    const facts = ruleFacts(r, lang);
    const remote = say(lang, `远程:视频会议 ${r.remote.video} 场、录播 ${r.remote.recorded} 场,签到 ${r.remote.checkedIn}`, `Remote: ${r.remote.video} video meetings, ${r.remote.recorded} recordings, ${r.remote.checkedIn} checked in`);
    blocks.push({ type: 'text', md: [...[...facts].map(([rule, f]) => `- ${rule}: ${factLine(f)}`), `- ${remote}`].join('\n') });
  }
  blocks.push({ type: 'context', md: say(lang, '「培训列表」列出场次;「签到情况 3」看某一场的名单。', '"trainings" lists the sessions; "attendance 3" shows who came to one.') });
  const card: Card = { title: say(lang, `培训报告 · ${p.name}`, `Training report · ${p.name}`), tone: r.managerMissing.length || !r.largest.withinLimit ? 'warning' : 'info', blocks, fallback: '' };
  card.fallback = cardText(card);
  return card;
}
