import type { Feature } from '../feature.ts';
import type { ReadinessEnv } from '../readiness/env.ts';
import { loadTemplate, type Template } from '../readiness/model/template.ts';
import { apiGuard } from '../web/api-guard.ts';
import { reportCommandHandler } from './chat-command.ts';
import { serveReport } from './index.ts';

/**
 * The pre-launch check report and the risk report: `@bot 生成报告` / `@bot 风险报告` in the
 * project group, and GET /api/projects/:id/report?format=docx|pdf&kind=check|risk (the API's
 * access rule; the dashboard's download buttons use it).
 */
export function reportsFeature(env: Pick<ReadinessEnv, 'template'>): Feature {
  return {
    name: 'reports',
    commands: [reportCommandHandler(env)],
    routes: (router, { config, bot }) => {
      const guard = apiGuard(config, bot.deps.clock, bot.deps.store);
      let template: Template | undefined;
      router.get('/api/projects/:id/report', async (ctx) => {
        const { bearer } = await guard(ctx);
        await serveReport(ctx, { store: bot.deps.store, clock: bot.deps.clock, rulebook: () => bot.deps.rulebook, template: () => (template ??= loadTemplate(config.dataDir, bot.deps.rulebook)) }, bearer);
      });
    },
  };
}
