import type { RouteModule } from '../server/routes.ts';
import { apiGuard } from '../web/api-guard.ts';
import type { DailyJob } from './schedule/daily-job.ts';
import { signoffsCsv } from './views/signoffs-csv.ts';

/**
 * POST /admin/jobs/daily-checklists: runs the daily job now (same code path and claims
 * as the schedule). Needs `Authorization: Bearer $ADMIN_TOKEN`; 404 when ADMIN_TOKEN is unset.
 * GET /api/projects, GET /api/projects/:id/signoffs[?format=csv]: the same access as the
 * web pages (src/web/api-guard.ts).
 */
export function readinessRoutes(job: DailyJob): RouteModule {
  return (router, { config, bot }) => {
    const store = bot.deps.store;
    const guard = apiGuard(config, bot.deps.clock, store);

    router.post('/admin/jobs/daily-checklists', async (ctx) => {
      await guard(ctx, { bearerOnly: true });
      ctx.body = { results: await job.run() };
    });

    router.get('/api/projects', async (ctx) => {
      await guard(ctx);
      ctx.body = { projects: await store.listProjects() };
    });

    router.get('/api/projects/:id/signoffs', async (ctx) => {
      await guard(ctx);
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
  };
}
