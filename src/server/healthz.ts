import type { Store } from '../store/store.ts';
import type { PlatformAdapter, RouteModule } from './routes.ts';

/** A store that does not answer within this counts as unreachable (as for the webhooks, gate.ts). */
const STORE_TIMEOUT_MS = 1000;
const reachable = (store: Store) => Promise.race([store.ping().catch(() => false), new Promise<boolean>((r) => setTimeout(r, STORE_TIMEOUT_MS, false).unref())]);

/**
 * GET /healthz, liveness: 200 as long as the process serves HTTP, whatever else is down (a
 * restart would not bring a platform or the database back). The body says what is up:
 * { ok: true, adapters: { feishu, slack }, rulebook: version, store }. Readiness is /readyz.
 */
export function healthRoutes(adapters: PlatformAdapter[]): RouteModule {
  return (router, { bot }) => {
    router.get('/healthz', async (ctx) => {
      const up = (p: 'feishu' | 'slack') => adapters.some((a) => a.platform === p && a.isUp());
      const store = await reachable(bot.deps.store);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ok: true, adapters: { feishu: up('feishu'), slack: up('slack') }, rulebook: bot.deps.rulebook.version, store };
    });
  };
}

export interface Readiness {
  /** starting: between listening and the end of start-up; stopping: after a stop began. */
  phase(): 'starting' | 'running' | 'stopping';
  /** The configured platforms (off ones are not counted). */
  adapters: PlatformAdapter[];
  /** Why a platform is down, as the last attempt to start it said (see wire.ts). */
  problem(platform: string): string | undefined;
}

/**
 * GET /readyz, readiness: 200 { ready: true, reasons: [] } when this process can take the
 * platforms' events and answer them; otherwise 503 with every reason: start-up unfinished
 * or a stop under way, the store unreachable, a configured platform down (with why, when
 * known). A load balancer or orchestrator sends traffic by this, restarts by /healthz.
 */
export function readyRoutes(r: Readiness): RouteModule {
  return (router, { bot }) => {
    router.get('/readyz', async (ctx) => {
      const reasons: string[] = [];
      const phase = r.phase();
      if (phase === 'starting') reasons.push('start-up unfinished');
      if (phase === 'stopping') reasons.push('shutting down');
      const store = await reachable(bot.deps.store);
      if (!store) reasons.push('store unreachable');
      const adapters: Record<string, boolean> = {};
      for (const a of r.adapters) {
        adapters[a.platform] = a.isUp();
        if (!adapters[a.platform]) reasons.push(`${a.platform} is down${r.problem(a.platform) ? `: ${r.problem(a.platform)}` : ''}`);
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.status = reasons.length ? 503 : 200;
      ctx.body = { ready: !reasons.length, reasons, store, adapters };
    });
  };
}
