import { summariseFeedback } from '../qa/feedback.ts';
import { textOf } from '../qa/present.ts';
import type { Answerer } from '../qa/types.ts';
import type { Entry, RiskEntry, Rulebook, StageEntry } from '../rulebook/model.ts';
import type { FeedbackRecord } from '../store/store.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';

export function rulebookBody(opts: { lang: Lang; rulebook: Rulebook; answerer: Answerer; q: string; feedback: FeedbackRecord[]; implementerName?: string }): Raw {
  const { lang, rulebook: rb } = opts;
  const s = t(lang);
  // The same substitution the answers make, so the browser reads like the bot.
  const txt = (v: { zh: string; en: string }) => textOf(rb, v, lang, { implementerName: opts.implementerName });
  const label = (e: Entry) => (e.kind === 'stage' ? `${e.id} ${txt(e.title)}` : `${e.id} ${txt(e.problem)}`);

  const risk = (r: RiskEntry) => html`<tr id="r-${r.id}"><td class="nowrap">${r.id}</td><td>${txt(r.problem)}</td><td>${txt(r.countermeasure)}</td></tr>`;
  const stage = (st: StageEntry) => html`<section class="stage" id="s-${st.id}">
  <h2>${st.id} ${txt(st.title)}</h2>
  <h3>${s.rbPurpose}</h3><p class="purpose">${txt(st.purpose)}</p>
  <h3>${s.rbPrep}</h3><p>${txt(st.preparation)}</p>
  <h3>${s.rbWork}</h3>
  <ol>${st.workPoints.map((w) => html`<li>${txt(w.text)}${w.sub.length ? html`<ul>${w.sub.map((x) => html`<li>${x.label}. ${txt(x)}</li>`)}</ul>` : ''}</li>`)}</ol>
  ${st.deliverables.length ? html`<h3>${s.rbDeliverables}</h3><ul>${st.deliverables.map((d) => html`<li>${txt(d)}</li>`)}</ul>` : ''}
  <h3>${s.rbRisks}</h3>
  <div class="scroll"><table><thead><tr><th>#</th><th>${s.rbProblem}</th><th>${s.rbCounter}</th></tr></thead>
  <tbody>${rb.risks.filter((r) => r.stageId === st.id).map(risk)}</tbody></table></div>
</section>`;

  let result: Raw | string = '';
  const q = opts.q.trim().slice(0, 500);
  if (q) {
    const a = opts.answerer.answer(q);
    const hit = a.id ? rb.byId.get(a.id) : undefined;
    const cands = a.candidates.map((c) => rb.byId.get(c.id)).filter((e): e is Entry => !!e);
    const candList = html`<ul>${cands.map((e) => html`<li><a href="#${e.kind === 'stage' ? 's' : 'r'}-${e.id}">${label(e)}</a></li>`)}</ul>`;
    result = hit
      ? html`<div class="answer" id="answer"><h3>${s.rbResult}: <a href="#${hit.kind === 'stage' ? 's' : 'r'}-${hit.id}">${hit.id}</a> <span class="tag">${s.rbScore} ${a.score.toFixed(2)}</span></h3>
        ${hit.kind === 'risk' ? html`<p><strong>${s.rbProblem}</strong> · ${txt(hit.problem)}</p><p><strong>${s.rbCounter}</strong> · ${txt(hit.countermeasure)}</p>` : html`<p>${txt(hit.title)}</p>`}
        ${cands.length ? candList : ''}</div>`
      : html`<div class="answer" id="answer"><p>${s.rbNoAnswer}</p>${candList}</div>`;
  }

  const fb = summariseFeedback(opts.feedback);
  return html`<h1>${s.rbTitle} <span class="tag">${rb.chapter} · ${s.rbVersion} ${rb.version.slice(0, 8)}</span></h1>
<form class="search" method="get" action="/rulebook" role="search">
  <input type="hidden" name="lang" value="${lang}">
  <input name="q" value="${q}" placeholder="${s.rbSearch}" aria-label="${s.rbSearch}" maxlength="500">
  <button type="submit" class="btn primary">${s.rbSearchBtn}</button>
</form>
${result}
<nav class="muted">${rb.stages.map((st) => html`<a href="#s-${st.id}">${st.id} ${txt(st.title)}</a> `)}· <a href="#feedback">${s.rbFeedback}</a></nav>
${rb.stages.map(stage)}
<h2 id="feedback">${s.rbFeedback}</h2>
${fb.length
  ? html`<div class="scroll"><table><thead><tr><th>${s.rbVotes}</th><th>${s.rbRule}</th><th>${s.rbQuestion}</th><th>${s.rbLast}</th></tr></thead><tbody>
    ${fb.map((r) => html`<tr><td class="nowrap">${r.down} / ${r.up}</td><td><a href="#${r.ruleId.includes('-') ? 'r' : 's'}-${r.ruleId}">${r.ruleId}</a></td><td>${r.question}</td><td class="nowrap">${r.last.slice(0, 16).replace('T', ' ')}</td></tr>`)}
    </tbody></table></div>`
  : html`<p class="muted">${s.rbNoFeedback}</p>`}`;
}
