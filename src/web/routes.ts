import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'koa';
import { loadTemplate } from '../readiness/model/template.ts';
import { createCalendar } from '../calendar/calendar.ts';
import { formBody } from '../server/body.ts';
import type { RouteModule } from '../server/routes.ts';
import { signoffsCsv } from '../readiness/views/signoffs-csv.ts';
import { accessFor } from './access.ts';
import { filterSignoffs, projectBody, readFilter } from './dashboard.ts';
import { projectOverview } from './project-overview.ts';
import { portfolioBody, readPortfolioQuery } from './portfolio.ts';
import { projectTrend } from './trend-chart.ts';
import { trainingBody, trainingHref } from './training-page.ts';
import { sessionCard } from '../training/card.ts';
import { decideCreate, type TrainingDecision } from '../training/decide.ts';
import { draftFromForm } from '../training/web-form.ts';
import { isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import { guarded, safeNext } from './guard.ts';
import type { Raw } from './html.ts';
import { pickLang, t } from './i18n.ts';
import { page, type Section } from './layout.ts';
import { loginBody } from './login.ts';
import { playgroundBody } from './playground.ts';
import { rulebookBody } from './rulebook.ts';
import { reviewBody, type EvalView } from './review.ts';
import { createEngine } from '../qa/engine.ts';
import { evaluate, parseEvalFile } from '../qa/evaluate.ts';
import { exportPatch, groupReview } from '../review/queue.ts';
import { loadRulebook } from '../rulebook/load.ts';
import { checkAudit } from '../store/audit-check.ts';
import type { Answerer } from '../qa/types.ts';

const STATIC: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'code.css': 'text/css; charset=utf-8', 'playground.js': 'text/javascript; charset=utf-8' };

/**
 * The web pages: playground (its API is adapters/web/routes.ts), dashboard with CSV
 * export, rulebook browser, sign-in. Every page needs access (see access.ts) except
 * /login, /logout and /static; the webhooks and /healthz are not touched.
 */
export function webRoutes(): RouteModule {
  return (router, { config, bot }) => {
    // The rulebook and answerer are read per request: review decisions replace them while the bot runs.
    const { store, clock } = bot.deps;
    const access = accessFor(config, clock, store);
    const template = loadTemplate(config.dataDir, bot.deps.rulebook);
    const calendar = createCalendar({ dir: join(config.dataDir, 'calendar') });
    // The rulebook as data/ has it, without review decisions: the "before" of an evaluation.
    let baseEngine: Answerer | undefined;
    const dataFilesEngine = () => (baseEngine ??= createEngine(loadRulebook(config.dataDir))); // built once, on first use
    const files = new Map(Object.keys(STATIC).map((f) => [f, readFileSync(new URL(`./static/${f}`, import.meta.url), 'utf8')]));

    const render = (ctx: Context, section: Section, title: string, body: Raw, scripts?: string[]) => {
      const lang = pickLang(ctx);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page({ lang, title, section, path: ctx.path, query: new URLSearchParams(ctx.querystring), body, scripts, signedIn: ctx.state.signedIn === true });
    };

    router.get('/static/:file', guarded(access, 'public', (ctx) => {
      const f = ctx.params.file ?? '';
      const body = files.get(f);
      if (!body) ctx.throw(404, 'not found');
      ctx.type = STATIC[f]!;
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = body;
    }));

    router.get('/', guarded(access, 'page', (ctx) => ctx.redirect('/playground')));

    router.get('/playground', guarded(access, 'page', (ctx) => {
      const lang = pickLang(ctx);
      render(ctx, 'playground', t(lang).navPlayground, playgroundBody(lang, ctx.query.chat), ['/static/playground.js']);
    }));

    router.get('/rulebook', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const q = typeof ctx.query.q === 'string' ? ctx.query.q : '';
      render(ctx, 'rulebook', t(lang).rbTitle, rulebookBody({ lang, rulebook: bot.deps.rulebook, answerer: bot.deps.answerer, q, feedback: await store.listFeedback(), implementerName: config.implementerName }));
    }));

    // ---- the review queue (the rulebook owner's loop): same access as the dashboard ----
    const reviewPage = async (ctx: Context, extra: { notice?: string; evalView?: EvalView } = {}) => {
      const lang = pickLang(ctx);
      const groups = groupReview(await store.listReview(['open']));
      render(ctx, 'review', t(lang).rvTitle, reviewBody({ lang, rulebook: bot.deps.rulebook, answerer: bot.deps.answerer, groups, ...extra }));
    };
    router.get('/review', guarded(access, 'page', (ctx) => reviewPage(ctx)));

    router.post('/review/decide', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const form = formBody(ctx);
      const ids = (form.get('ids') ?? '').split(',').filter((x) => /^\d+$/.test(x)).map(Number);
      const status = form.get('status');
      const rule = form.get('rule') ?? '';
      if (!ids.length || (status !== 'accepted' && status !== 'offtopic' && status !== 'dismissed')) {
        ctx.throw(400, 'ids and a status (accepted, offtopic, dismissed) are required');
        return;
      }
      if (status === 'accepted' && !bot.deps.rulebook.byId.has(rule)) ctx.throw(400, `${t(lang).rvBadRule}: ${rule}`);
      await store.decideReview(ids, { status, ...(status === 'accepted' ? { ruleId: rule } : {}), by: 'web', at: clock.now().toISOString() });
      await bot.deps.live?.refresh(); // this process at once; the others within REVIEW_REFRESH_SECONDS
      ctx.redirect('/review');
    }));

    router.get('/review/export.yaml', guarded(access, 'api', async (ctx) => {
      ctx.type = 'text/yaml; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="review-${clock.now().toISOString().slice(0, 10)}.yaml"`);
      ctx.body = exportPatch(await store.listReview(['accepted', 'offtopic']));
    }));

    router.post('/review/eval', guarded(access, 'page', async (ctx) => {
      const text = formBody(ctx).get('lines') ?? '';
      let evalView: EvalView = { text };
      try {
        const lines = parseEvalFile(text, 'the question set', bot.deps.rulebook.byId);
        evalView = { text, before: evaluate(dataFilesEngine(), lines), after: evaluate(bot.deps.answerer, lines) };
      } catch (e) {
        evalView = { text, error: (e as Error).message };
      }
      await reviewPage(ctx, { evalView });
    }));

    router.get('/dashboard', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const projects = await store.listProjects();
      const rows = await Promise.all(projects.map((p) => projectOverview(store, template, clock, p, lang, calendar)));
      // Sorting and filtering are query parameters (portfolio.ts), so the page works without script.
      render(ctx, 'dashboard', t(lang).dbTitle, portfolioBody(lang, rows, readPortfolioQuery(ctx.query)));
    }));

    const projectOr404 = async (ctx: Context) => {
      const p = await store.getProject(ctx.params.id ?? '');
      if (!p) ctx.throw(404, `no project ${ctx.params.id} (see /dashboard)`);
      return p;
    };

    router.get('/dashboard/projects/:id', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const status = await projectOverview(store, template, clock, await projectOr404(ctx), lang, calendar);
      status.trend = projectTrend(status, calendar); // readiness over time, per working day of the project's calendar
      status.audit = await checkAudit(store, status.project.id, { events: status.signoffs, records: status.evidence }); // the check `audit verify` runs
      render(ctx, 'dashboard', status.project.name, projectBody(lang, status, readFilter(ctx.query), new URLSearchParams(ctx.querystring)));
    }));

    // The project's training: the training report's figures and a row per session (training-page.ts), same guard as the project page.
    router.get('/dashboard/projects/:id/training', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const p = await projectOr404(ctx);
      const at = clock.now();
      const created = Number(ctx.query.created);
      const outcome = Number.isInteger(created) && created > 0 ? { created, ...(ctx.query.announced === '0' ? { announced: false } : {}) } : {};
      render(ctx, 'dashboard', `${t(lang).trTitle} · ${p.name}`, trainingBody(lang, p, await store.listSessions(p.id), `${localDate(at, p.timeZone)}T${localTime(at, p.timeZone)}`, outcome));
    }));

    // Planning a session on the page (issue 15): the chat's decision (decideCreate, as the project's
    // admin: whoever passed the dashboard's access holds ADMIN_TOKEN), its audit events, and the
    // sign-up card posted in the project's group; a refusal (5.2-10 above 60 without a reason, a
    // past start, …) is shown on the page and writes nothing. Same-origin only (guard.ts).
    router.post('/dashboard/projects/:id/training', guarded(access, 'page', async (ctx) => {
      const lang = pickLang(ctx);
      const p = await projectOr404(ctx);
      const at = clock.now();
      const now = `${localDate(at, p.timeZone)}T${localTime(at, p.timeZone)}`;
      const again = async (error: string) => {
        ctx.status = 400;
        render(ctx, 'dashboard', `${t(lang).trTitle} · ${p.name}`, trainingBody(lang, p, await store.listSessions(p.id), now, { error }));
      };
      const read = draftFromForm(formBody(ctx));
      if ('error' in read) return again(read.error[lang]);
      const actor = { id: 'web', name: lang === 'zh' ? '仪表板' : 'dashboard' };
      const st = { at: isoWithOffset(at, p.timeZone), via: 'web' as const, platform: p.platform, evidenceMessageId: `web:${at.getTime()}`, text: '[dashboard] plan a session', rulebookVersion: bot.deps.rulebook.version };
      const cal = { isWorkingDay: (d: string) => calendar.isWorkingDay(d, p.timeZone) };
      const out = await store.addSession(p.id, (no) => {
        const d = decideCreate({ ...p, adminId: actor.id }, no, read.draft, actor, st, cal, now);
        return d.ok ? { result: d as TrainingDecision, session: d.session, events: d.events } : { result: d as TrainingDecision };
      });
      const d = out.result;
      if (!d.ok) {
        const e = d.rule ? bot.deps.rulebook.byId.get(d.rule) : undefined;
        return again(`${d.why[lang]}${e?.kind === 'risk' ? ` ${e.id}: ${e.countermeasure[lang]}` : ''}`);
      }
      const s = out.session!;
      let announced = true;
      try {
        const head = [lang === 'zh' ? `仪表板新建了培训 #${s.no},请点「报名」。` : `Session #${s.no} was planned on the dashboard: press "Sign up".`];
        await bot.transport(p.platform).post({ platform: p.platform, chatId: p.chatId, chatType: 'group' }, sessionCard(p, s, { open: true, checks: true, head }), { key: `training-web:${p.id}:${s.no}` });
      } catch (err) {
        announced = false;
        bot.deps.log.warn('a session planned on the dashboard could not be announced in the group', { projectId: p.id, no: s.no, err });
      }
      ctx.redirect(`${trainingHref(p.id)}?created=${s.no}${announced ? '' : '&announced=0'}#plan-created`);
    }));

    router.get('/dashboard/projects/:id/signoffs.csv', guarded(access, 'api', async (ctx) => {
      const p = await projectOr404(ctx);
      const rows = filterSignoffs(await store.listSignoffs(p.id), readFilter(ctx.query));
      const date = clock.now().toISOString().slice(0, 10);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="signoffs-${p.id.replace(/[^A-Za-z0-9_-]+/g, '_')}-${date}.csv"`);
      // The BOM makes Excel read the Chinese as UTF-8.
      ctx.body = `\uFEFF${signoffsCsv(rows, await store.listEvidence(p.id))}`;
    }));

    // An evidence file: only under the dashboard's access rule, always as a download. The stored
    // type is sent only for raster images and PDF (never HTML or SVG, which could run script).
    router.get('/dashboard/projects/:id/evidence/:eid', guarded(access, 'page', async (ctx) => {
      const p = await projectOr404(ctx);
      const id = Number(ctx.params.eid);
      const e = Number.isInteger(id) && id > 0 ? await store.getEvidence(id) : undefined;
      const bytes = e && e.projectId === p.id && e.status === 'stored' && e.sha256 ? await store.readEvidence(e.sha256) : undefined;
      if (!e || !bytes) {
        ctx.throw(404, 'no such evidence file');
        return;
      }
      const safe = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/i.test(e.mime);
      ctx.type = safe ? e.mime.toLowerCase() : 'application/octet-stream';
      const ascii = e.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'evidence';
      ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(e.name)}`);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
      ctx.set('Cache-Control', 'private, no-store');
      ctx.body = Buffer.from(bytes);
    }));

    router.get('/login', guarded(access, 'public', (ctx) => {
      const lang = pickLang(ctx);
      render(ctx, 'login', t(lang).loginTitle, loginBody(lang, { next: safeNext(ctx.query.next), canSignIn: access.canSignIn }));
    }));

    router.post('/login', guarded(access, 'public', (ctx) => {
      const lang = pickLang(ctx);
      const form = formBody(ctx);
      const next = safeNext(form.get('next'));
      let error: string | undefined;
      const r = access.canSignIn ? access.admit(ctx.ip, form.get('token') ?? '') : undefined;
      if (!r) error = t(lang).loginNoToken;
      else if (r.ok) {
        access.startSession(ctx);
        ctx.redirect(next);
        return;
      } else if (r.retryAfterS) {
        ctx.status = 429;
        ctx.set('Retry-After', String(r.retryAfterS));
        error = t(lang).loginTooMany;
      } else {
        ctx.status = 401;
        error = t(lang).loginWrong;
      }
      const status = ctx.status;
      render(ctx, 'login', t(lang).loginTitle, loginBody(lang, { next, error, canSignIn: access.canSignIn }));
      ctx.status = status;
    }));

    router.post('/logout', guarded(access, 'public', async (ctx) => {
      await access.endSession(ctx);
      ctx.redirect('/login');
    }));
  };
}
