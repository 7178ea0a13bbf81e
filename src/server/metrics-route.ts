import type { Metrics } from '../metrics.ts';
import { accessFor } from '../web/access.ts';
import { guarded } from '../web/guard.ts';
import type { RouteModule } from './routes.ts';

/**
 * GET /metrics: every metric in the Prometheus text format. The same access as /api/*:
 * open on loopback without ADMIN_TOKEN; otherwise `Authorization: Bearer $ADMIN_TOKEN` (what
 * a Prometheus scrape config sends) or a signed-in session; 401 else.
 */
export function metricsRoutes(metrics: Metrics): RouteModule {
  return (router, { config, bot }) => {
    const access = accessFor(config, bot.deps.clock, bot.deps.store);
    router.get('/metrics', guarded(access, 'api', async (ctx) => {
      const body = await metrics.text();
      ctx.type = metrics.contentType;
      ctx.body = body;
    }));
  };
}
