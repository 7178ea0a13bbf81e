import type { Answerer } from '../qa/types.ts';
import type { EvalReport } from '../qa/evaluate.ts';
import type { ReviewGroup } from '../review/queue.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '100.0') + '%';

export interface EvalView {
  text: string;
  error?: string;
  before?: EvalReport;
  after?: EvalReport;
}

/** The review queue as a page: each group with what the bot does now and the three decisions. */
export function reviewBody(opts: { lang: Lang; rulebook: Rulebook; answerer: Answerer; groups: ReviewGroup[]; notice?: string; evalView?: EvalView }): Raw {
  const { lang, rulebook: rb, answerer } = opts;
  const s = t(lang);
  const label = (id: string) => {
    const e = rb.byId.get(id);
    return e ? `${id} ${e.kind === 'risk' ? e.problem[lang] : e.title[lang]}`.slice(0, 60) : id;
  };
  const ids = [...rb.byId.keys()];
  const group = (g: ReviewGroup) => {
    const now = answerer.answer(g.question);
    const pick = g.rules[0];
    const reasons = Object.entries(g.reasons).map(([k, v]) => `${k} ${v}`).join(', ');
    const down = g.items.flatMap((i) => (i.downReason ? [i.downReason] : []));
    const itemIds = g.items.map((i) => i.id).join(',');
    return html`<li class="review">
  <p><strong>${g.question}</strong> <span class="muted">${g.items.length} ${s.rvCount} · ${s.rvReasons}: ${reasons}${down.length ? ` (${down.join(', ')})` : ''}</span></p>
  <p class="muted">${s.rvChose}: ${g.rules.map(label).join(' / ') || '—'} · ${s.rvNow}: ${now.id ? label(now.id) : s.rvNoAnswer} (${now.score})</p>
  <form method="post" action="/review/decide" class="inline">
    <input type="hidden" name="ids" value="${itemIds}">
    <select name="rule" aria-label="${s.rvAccept}">${ids.map((id) => html`<option value="${id}"${id === pick ? html` selected` : ''}>${label(id)}</option>`)}</select>
    <button type="submit" name="status" value="accepted">${s.rvAccept}</button>
    <button type="submit" name="status" value="offtopic">${s.rvOffTopic}</button>
    <button type="submit" name="status" value="dismissed">${s.rvDismiss}</button>
  </form>
</li>`;
  };
  const ev = opts.evalView;
  const row = (name: string, r: EvalReport) => html`<tr><td>${name}</td><td>${r.inScope.correct}/${r.inScope.total} = ${pct(r.inScope.correct, r.inScope.total)}</td><td>${r.outOfScope.rejected}/${r.outOfScope.total} = ${pct(r.outOfScope.rejected, r.outOfScope.total)}</td></tr>`;
  const diff = (a: EvalReport, b: EvalReport) => {
    const before = new Set(a.misses.map((m) => m.q));
    const after = new Set(b.misses.map((m) => m.q));
    return html`<p>${s.rvFixed}: ${[...before].filter((q) => !after.has(q)).length} · ${s.rvBroken}: ${[...after].filter((q) => !before.has(q)).length}</p>
<ul>${b.misses.map((m) => html`<li>${m.q} — ${m.expect.join('|') || '[]'} → ${m.got ?? s.rvNoAnswer}</li>`)}</ul>`;
  };
  return html`<h1>${s.rvTitle}</h1>
<p class="muted">${s.rvIntro}</p>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
<p><a href="/review/export.yaml">${s.rvExport}</a></p>
${opts.groups.length ? html`<ol class="reviews">${opts.groups.map(group)}</ol>` : html`<p>${s.rvEmpty}</p>`}
<h2 id="eval">${s.rvEval}</h2>
<form method="post" action="/review/eval#eval">
  <p class="muted">${s.rvEvalHint}</p>
  <textarea name="lines" rows="6" cols="80" aria-label="${s.rvEval}">${ev?.text ?? ''}</textarea>
  <p><button type="submit">${s.rvEvalRun}</button></p>
</form>
${ev?.error ? html`<p class="error" role="alert">${s.rvBadEval}${ev.error}</p>` : ''}
${ev?.before && ev.after ? html`<table><thead><tr><th></th><th>top-1</th><th>off-topic</th></tr></thead><tbody>${row(s.rvBefore, ev.before)}${row(s.rvAfter, ev.after)}</tbody></table>${diff(ev.before, ev.after)}` : ''}`;
}
