import type { Context } from 'koa';
import { serveReport } from '../reports/index.ts';
import type { DailyJob } from '../schedule/job.ts';
import type { RouteModule } from '../server/routes.ts';
import { signoffsCsv } from '../signoff/export.ts';
import { accessFor } from '../web/access.ts';
import { loadTemplate, type Template } from './template.ts';

/**
 * POST /admin/jobs/daily-checklists: runs the daily job now (same code path and claims
 * as the schedule). Needs `Authorization: Bearer $ADMIN_TOKEN`; 404 when ADMIN_TOKEN is unset.
 * GET /api/projects, GET /api/projects/:id/signoffs[?format=csv]: the same access as the
 * web pages (open only on loopback without ADMIN_TOKEN; else bearer token or session cookie).
 * GET /api/projects/:id/report?format=docx|pdf&kind=check|risk: the same access; src/reports.
 */
export function checklistRoutes(job: DailyJob): RouteModule {
  return (router, { config, bot }) => {
    const store = bot.deps.store;
    const access = accessFor(config, bot.deps.clock, store);
    const refuse = (ctx: Context) => {
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.throw(401, 'missing or wrong bearer token (Authorization: Bearer $ADMIN_TOKEN)');
    };
    /** The admin job needs the bearer token itself, and does not exist without one. */
    const guard = async (ctx: Context, required: boolean): Promise<void> => {
      // Wrong tokens here count against the client like anywhere else that takes ADMIN_TOKEN.
      const gate = access.canSignIn ? access.gateBearer(ctx) : undefined;
      if (gate?.status === 'throttled') ctx.throw(429, `too many wrong tokens from this address; try again in ${gate.retryAfterS} s`, { headers: { 'Retry-After': String(gate.retryAfterS) } });
      if (required) {
        if (!config.adminToken) ctx.throw(404, 'the admin job endpoint is disabled: set ADMIN_TOKEN to enable it');
        if (!access.usesBearer(ctx)) refuse(ctx);
      } else if (!(await access.authorized(ctx))) refuse(ctx);
    };

    router.post('/admin/jobs/daily-checklists', async (ctx) => {
      await guard(ctx, true);
      ctx.body = { results: await job.run() };
    });

    router.get('/api/projects', async (ctx) => {
      await guard(ctx, false);
      ctx.body = { projects: await store.listProjects() };
    });

    router.get('/api/projects/:id/signoffs', async (ctx) => {
      await guard(ctx, false);
      const id = ctx.params.id!;
      if (!(await store.getProject(id))) ctx.throw(404, `no project ${id} (GET /api/projects lists them)`);
      const [events, evidence] = await Promise.all([store.listSignoffs(id), store.listEvidence(id)]);
      if (ctx.query.format === 'csv') {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.body = signoffsCsv(events, evidence);
      } else {
        ctx.body = { projectId: id, signoffs: events, evidence };
      }
    });

    let template: Template | undefined;
    router.get('/api/projects/:id/report', async (ctx) => {
      await guard(ctx, false);
      await serveReport(ctx, { store, clock: bot.deps.clock, rulebook: () => bot.deps.rulebook, template: () => (template ??= loadTemplate(config.dataDir, bot.deps.rulebook)) }, access.usesBearer(ctx));
    });
  };
}
