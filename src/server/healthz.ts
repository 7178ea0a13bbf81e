import type { PlatformAdapter, RouteModule } from './routes.ts';

/** GET /healthz: { ok, adapters: { feishu, slack }, rulebook: version, store }. 503 when the store is down. */
export function healthRoutes(adapters: PlatformAdapter[]): RouteModule {
  return (router, { bot }) => {
    router.get('/healthz', async (ctx) => {
      const up = (p: 'feishu' | 'slack') => adapters.some((a) => a.platform === p && a.isUp());
      const store = await bot.deps.store.ping().catch(() => false);
      ctx.status = store ? 200 : 503;
      ctx.body = { ok: store, adapters: { feishu: up('feishu'), slack: up('slack') }, rulebook: bot.deps.rulebook.version, store };
    });
  };
}
