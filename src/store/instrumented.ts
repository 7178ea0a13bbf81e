import type { Metrics } from '../metrics.ts';
import type { Store } from './store.ts';

/**
 * The store with every method timed into `oa_store_operation_duration_seconds`, labelled by
 * the method's name (a Store method: a closed set) and ok / error. Results, errors and
 * arguments pass through unchanged; nothing else is recorded.
 */
export function instrumentStore(store: Store, metrics: Pick<Metrics, 'storeSeconds'>): Store {
  const wrapped = new Map<string, (...args: unknown[]) => unknown>();
  const timed = (method: string, fn: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const t0 = performance.now();
      const done = (outcome: 'ok' | 'error') => metrics.storeSeconds.observe({ method, outcome }, (performance.now() - t0) / 1000);
      let result: unknown;
      try {
        result = fn.apply(store, args);
      } catch (err) {
        done('error');
        throw err;
      }
      if (result instanceof Promise) {
        return result.then(
          (v) => (done('ok'), v),
          (err) => {
            done('error');
            throw err;
          },
        );
      }
      done('ok');
      return result;
    };
  return new Proxy(store, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== 'string' || typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (!w) wrapped.set(prop, (w = timed(prop, v as (...args: unknown[]) => unknown)));
      return w;
    },
  });
}
