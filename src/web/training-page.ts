import type { ProjectRecord } from '../store/store.ts';
import { attendanceOf, audienceLabel, type Session, AUDIENCES } from '../training/model.ts';
import { factLine, ruleFacts, sessionFigures, trainingReport, type GroupFigures, type SessionFigures } from '../training/report-model.ts';
import { TRAINER_LABEL, whenWords } from '../training/words.ts';
import { projectHref } from './dashboard.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang, type Strings } from './i18n.ts';
import { personName } from './project-overview.ts';

/**
 * The project's training page (GET /dashboard/projects/:id/training, under the dashboard's access
 * rule): the training report's figures (src/training/report-model.ts, the same as `@bot 培训报告`)
 * and rule lines (ruleFacts), a row per session (cancelled ones greyed), per level and per
 * department, and who came to each session. Exam scores are never shown per person here, only how
 * many passed and took the exam. Everything a person typed (titles, places, departments, names,
 * links) goes through `html`; links only when they are http(s).
 */

export const trainingHref = (projectId: string) => `${projectHref(projectId)}/training`;

const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '—');
const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
const isHttp = (u: string) => /^https?:\/\//i.test(u);
const ruleAnchor = (id: string) => `/rulebook#${id.includes('-') ? 'r' : 's'}-${id}`;

function link(url: string): Raw {
  return isHttp(url) ? html`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>` : html`${url}`;
}

function delivery(s: Session, tr: Strings): Raw {
  const d = s.delivery;
  if (d.kind === 'onsite') return html`${tr.trOnsite}: ${d.place}`;
  return html`${d.kind === 'video' ? tr.trVideo : tr.trRecorded}: ${link(d.link)}`;
}

function managerCell(f: SessionFigures, tr: Strings): Raw | string {
  if (f.managerPresent === undefined) return html`<span class="muted">${tr.trNotNeeded}</span>`;
  if (f.managerPresent) return html`<span class="state state-confirmed">${tr.trPresent}</span>`;
  if (!f.held) return html`<span class="muted">${tr.trNotYet}</span>`;
  return html`<span class="state state-overdue">${tr.trAbsent}</span>`;
}

function examCell(f: SessionFigures, s: Session, tr: Strings): Raw | string {
  if (!f.exam) return '—';
  if (!f.exam.closed) return html`<span class="muted">${fill(tr.trExamOpen, { n: Object.keys(s.exam?.answers ?? {}).length })}</span>`;
  return `${f.exam.passed}/${f.exam.taken}`;
}

function sessionRow(p: ProjectRecord, s: Session, f: SessionFigures, over: boolean, lang: Lang): Raw {
  const tr = t(lang);
  // One span per cell: on a phone the cell is a flex line (label, value), and the value must wrap as one.
  const cell = (label: string, body: Raw | string | number, cls = '') => html`<td${cls ? html` class="${cls}"` : ''} data-label="${label}"><span>${body}</span></td>`;
  return html`<tr data-session="${s.no}"${s.cancelled ? html` class="cancelled"` : ''}>
  ${cell('#', html`<a href="#attendance-${s.no}">${s.no}</a>`, 'num')}
  ${cell(tr.trWhen, html`<span class="nowrap">${whenWords(s)}</span> <span class="muted nowrap">(${p.timeZone})</span>`)}
  ${cell(tr.trName, html`<span class="title">${s.title}</span>${s.cancelled ? html` <span class="tag cancelled-tag">${tr.trCancelled}</span>` : ''}${s.override ? html`<br><span class="muted override">${tr.trOverride}: ${s.override.reason}</span>` : ''}`, 'name')}
  ${cell(tr.trLevel, audienceLabel[s.audience][lang], 'level')}
  ${cell(tr.trDepts, s.departments.join(lang === 'zh' ? '、' : ', '), 'depts')}
  ${cell(tr.trDelivery, delivery(s, tr), 'delivery')}
  ${cell(tr.trTrainer, TRAINER_LABEL[s.trainer][lang], 'trainer')}
  ${cell(tr.trCapacity, s.capacity, 'num')}
  ${cell(tr.trSignedUp, f.signedUp, 'num')}
  ${cell(tr.trWaitlist, f.waitlist, 'num')}
  ${cell(tr.trCheckedIn, f.checkedIn, 'num')}
  ${cell(tr.trWalkIns, f.walkIns, 'num')}
  ${cell(tr.trStayed, f.stayed, 'num')}
  ${cell(tr.trLeft, s.delivery.kind === 'recorded' ? '—' : over ? f.left : html`<span class="muted" title="${tr.trLeftLater}">—</span>`, 'num')}
  ${cell(tr.trManager, managerCell(f, tr))}
  ${cell(tr.trExam, examCell(f, s, tr), 'num')}
</tr>`;
}

function groupTable(id: string, head: string, rows: { label: string; g: GroupFigures }[], tr: Strings): Raw {
  return html`<div class="scroll"><table id="${id}" class="stack"><thead><tr><th>${head}</th><th class="num">${tr.trSessions}</th><th class="num">${tr.trSignedUp}</th><th class="num">${tr.trCheckedIn}</th><th class="num">${tr.trStayed}</th></tr></thead><tbody>
${rows.map(({ label, g }) => html`<tr><td data-label="${head}">${label}</td><td class="num" data-label="${tr.trSessions}">${g.sessions}</td><td class="num" data-label="${tr.trSignedUp}">${g.signedUp}</td><td class="num" data-label="${tr.trCheckedIn}">${g.checkedIn}</td><td class="num" data-label="${tr.trStayed}"><span>${g.stayed} <span class="muted">(${pct(g.stayed, g.checkedIn)})</span></span></td></tr>`)}
</tbody></table></div>`;
}

/** Who signed up, checked in, stayed and left one session (a recording: who watched it): names as the platform gave them, else the id. */
function attendanceDetail(p: ProjectRecord, s: Session, now: string, lang: Lang): Raw {
  const tr = t(lang);
  const a = attendanceOf(s, now);
  const name = (id: string) => personName(p, id, lang, s.names[id]);
  const sep = lang === 'zh' ? '、' : ', ';
  const walkIns = new Set(a.walkIns);
  const managers = new Set(a.managers);
  const people = (ids: string[], mark?: (id: string) => string[]): Raw =>
    ids.length
      ? html`${ids.map((id, i) => {
          const marks = mark?.(id) ?? [];
          return html`${i ? sep : ''}<span class="person">${name(id)}${marks.length ? html` <span class="muted">(${marks.join(sep)})</span>` : ''}</span>`;
        })}`
      : html`<span class="muted">${tr.trNobody}</span>`;
  const line = (key: string, label: string, ids: string[], mark?: (id: string) => string[]) => html`<li data-list="${key}"><strong>${label}</strong> (${ids.length}): ${people(ids, mark)}</li>`;
  return html`<details class="attendance" id="attendance-${s.no}"${s.cancelled ? html` data-cancelled="true"` : ''}>
<summary>#${s.no} ${s.title} · <span class="nowrap">${whenWords(s)}</span>${s.cancelled ? html` · ${tr.trCancelled}` : ''}</summary>
<ul>
${line('signed-up', tr.trSignedUp, s.signedUp)}
${s.waitlist.length ? line('waitlist', tr.trWaitlist, s.waitlist) : ''}
${s.delivery.kind === 'recorded'
  ? line('watched', tr.trWatched, a.checkedIn, (id) => (walkIns.has(id) ? [tr.trWalkIn] : []))
  : html`${line('checked-in', tr.trCheckedIn, a.checkedIn, (id) => [...(walkIns.has(id) ? [tr.trWalkIn] : []), ...(managers.has(id) ? [tr.trManagerMark] : [])])}
${line('stayed', tr.trStayed, a.stayed)}
${a.phase === 'over' ? line('left', tr.trLeft, a.unconfirmed) : line('unconfirmed', tr.trUnconfirmed, a.unconfirmed)}`}
</ul>
</details>`;
}

/**
 * The page's body. `sessions`: the project's, cancelled ones included; `now`: the project's local
 * time ("2026-12-10T17:00"), the moment the figures are for.
 */
/** What came of the form (the route redirects with ?created=N[&announced=0], or renders a refusal). */
export interface PlanOutcome {
  created?: number;
  announced?: boolean;
  /** A refusal in the page's language (people's text inside is escaped by `html`). */
  error?: string;
}

/** The form that plans a session as 新建培训 does (src/training/web-form.ts reads it; POST, same-origin only). */
function planForm(lang: Lang, p: ProjectRecord, today: string): Raw {
  const zh = lang === 'zh';
  const opt = (v: string, label: string) => html`<option value="${v}">${label}</option>`;
  return html`<h2 id="plan">${zh ? '新建培训' : 'Plan a session'}</h2>
<form method="post" action="${trainingHref(p.id)}" class="plan-form" id="plan-form">
<label>${zh ? '日期' : 'Date'} <input type="date" name="date" required min="${today}"></label>
<label>${zh ? '开始' : 'From'} <input type="time" name="from" required></label>
<label>${zh ? '结束' : 'To'} <input type="time" name="to" required></label>
<label>${zh ? '对象' : 'Audience'} <select name="audience" required>${AUDIENCES.map((a) => opt(a, audienceLabel[a][lang]))}</select></label>
<label>${zh ? '方式' : 'Delivery'} <select name="delivery">${opt('onsite', zh ? '现场' : 'on site')}${opt('video', zh ? '视频会议' : 'video meeting')}${opt('recorded', zh ? '录播' : 'recording')}</select></label>
<label>${zh ? '地点或链接' : 'Place or link'} <input name="where" required maxlength="500"></label>
<label>${zh ? '讲师' : 'Trainer'} <select name="trainer">${opt('vendor', zh ? '实施方' : 'vendor')}${opt('customer-admin', zh ? '客户管理员' : "customer's admin")}</select></label>
<label>${zh ? '上限' : 'Capacity'} <input type="number" name="capacity" min="1" value="60"></label>
<label>${zh ? '标题' : 'Title'} <input name="title" maxlength="100"></label>
<label>${zh ? '部门' : 'Departments'} <input name="departments" placeholder="${zh ? '财务部、人事部' : 'Finance, HR'}"></label>
<label>${zh ? '学员职责(5.2-16)' : "Attendees' duty (5.2-16)"} <input name="duty" maxlength="300"></label>
<label>${zh ? '课前练习(5.2-16)' : 'Exercises (5.2-16)'} <input name="exercises" maxlength="500"></label>
<label><input type="checkbox" name="code"> ${zh ? '现场签到需签到码' : 'on site, check-in needs the code'}</label>
<label>${zh ? '超过 60 人的原因(5.2-10)' : 'Reason for more than 60 (5.2-10)'} <input name="override" maxlength="300"></label>
<button type="submit" class="btn">${zh ? '新建并在群里发报名卡片' : 'Plan it and post the sign-up card in the group'}</button>
</form>`;
}

export function trainingBody(lang: Lang, p: ProjectRecord, sessions: Session[], now: string, outcome: PlanOutcome = {}): Raw {
  const tr = t(lang);
  const zh = lang === 'zh';
  const said = outcome.error
    ? html`<p class="state-overdue" id="plan-error">⛔ ${outcome.error}</p>`
    : outcome.created
      ? html`<p id="plan-created">✅ ${zh ? `已新建培训 #${outcome.created}` : `Session #${outcome.created} planned`}${outcome.announced === false ? (zh ? ',但没能在群里发出报名卡片:请在群里 @机器人 培训 ' : ', but its sign-up card could not be posted in the group: in the group, @bot training ') + String(outcome.created) : zh ? ',报名卡片已发到群里。' : '; its sign-up card is in the group.'}</p>`
      : '';
  const head = html`<p class="training-page"><a href="${projectHref(p.id)}">← ${p.name}</a></p>
<h1>${tr.trTitle} · ${p.name}</h1>
<p class="muted" id="as-of">${fill(tr.trAsOf, { at: `${now.replace('T', ' ')} (${p.timeZone})` })}</p>
${said}`;
  const form = planForm(lang, p, now.slice(0, 10));
  if (!sessions.length) return html`${head}<p class="muted" id="no-sessions">${tr.trNone}</p>${form}`;
  const r = trainingReport(sessions, now, p.trainingGoal);
  const all = [...sessions].sort((a, b) => a.no - b.no);
  const figures = new Map(r.sessions.map((f) => [f.no, f]));
  const tot = r.totals;
  const box = (key: string, n: string | number, label: string, more?: string) => html`<li data-figure="${key}"><span class="count">${n}</span> ${label}${more ? html` <span class="muted">${more}</span>` : ''}</li>`;
  const facts = [...ruleFacts(r, lang)];
  const remote = fill(tr.trRemote, { video: r.remote.video, recorded: r.remote.recorded, n: r.remote.checkedIn });
  return html`${head}
<h2 id="totals-head">${tr.trTotals}</h2>
<ul class="figures" id="totals">
${box('sessions', tot.sessions, tr.trSessions, [fill(tr.trHeldOf, { n: tot.held }), ...(r.cancelled ? [fill(tr.trCancelledOf, { n: r.cancelled })] : [])].join(lang === 'zh' ? ',' : ', '))}
${box('signed-up', tot.signedUp, tr.trSignedUp)}
${box('checked-in', tot.checkedIn, tr.trCheckedIn)}
${box('stayed', tot.stayed, tr.trStayed, `(${pct(tot.stayed, tot.checkedIn)})`)}
${box('left', tot.left, tr.trLeft)}
${box('exam', tot.examined ? `${tot.passed}/${tot.examined}` : '—', tr.trExam, tot.examined ? `(${pct(tot.passed, tot.examined)})` : undefined)}
</ul>
<h2 id="rules-head">${tr.trRules}</h2>
<ul id="rule-facts" class="rule-facts">
${facts.map(([rule, f]) => html`<li data-rule="${rule}"${f.ok === false ? html` class="state-overdue"` : ''}><a href="${ruleAnchor(rule)}">${rule}</a>: ${factLine(f)}</li>`)}
<li data-rule="remote">${remote}</li>
</ul>
<h2 id="sessions-head">${tr.trSessionList}</h2>
<div class="scroll"><table id="sessions" class="stack training-sessions"><thead><tr><th class="num">#</th><th>${tr.trWhen}</th><th>${tr.trName}</th><th>${tr.trLevel}</th><th>${tr.trDepts}</th><th>${tr.trDelivery}</th><th>${tr.trTrainer}</th><th class="num">${tr.trCapacity}</th><th class="num">${tr.trSignedUp}</th><th class="num">${tr.trWaitlist}</th><th class="num">${tr.trCheckedIn}</th><th class="num">${tr.trWalkIns}</th><th class="num">${tr.trStayed}</th><th class="num">${tr.trLeft}</th><th>${tr.trManager}</th><th class="num">${tr.trExam}</th></tr></thead><tbody>
${all.map((s) => sessionRow(p, s, figures.get(s.no) ?? sessionFigures(s, now), attendanceOf(s, now).phase === 'over', lang))}
</tbody></table></div>
<h2 id="by-level">${tr.trByLevel}</h2>
${r.byAudience.length ? groupTable('levels', tr.trLevel, r.byAudience.map((g) => ({ label: audienceLabel[g.audience][lang], g })), tr) : html`<p class="muted">${tr.trNobody}</p>`}
<h2 id="by-department">${tr.trByDept}</h2>
${r.byDepartment.length ? groupTable('departments', tr.trDept, r.byDepartment.map((g) => ({ label: g.department, g })), tr) : html`<p class="muted">${tr.trNoDept}</p>`}
<h2 id="attendance">${tr.trAttendance}</h2>
<p class="muted">${tr.trAttendanceHint}</p>
${all.map((s) => attendanceDetail(p, s, now, lang))}
${form}`;
}
