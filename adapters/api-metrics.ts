import type { Metrics } from '../src/metrics.ts';

/**
 * Counting of the platforms' API calls at the HTTP level, under the SDKs, so every call is
 * counted, retries and token fetches included: `oa_platform_api_calls_total{platform, method,
 * status}` and `oa_platform_api_rate_limited_total{platform, method}`. `method` is the API
 * method's name (chat.postMessage, im.message.reply), never a path with an id in it.
 */
export type ApiMetrics = Pick<Metrics, 'platformCalls' | 'platformRateLimited'>;

/** Slack's method from its URL (…/api/chat.postMessage); "other" for anything unexpected. */
export function slackMethod(url: string | URL): string {
  let path: string;
  try {
    path = new URL(String(url)).pathname;
  } catch {
    return 'other';
  }
  const m = path.split('/').pop() ?? '';
  return /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*){1,3}$/.test(m) ? m : 'other';
}

type FetchLike<R> = (url: string | URL, init?: never) => Promise<R>;

/**
 * A fetch for Slack's WebClient (its `fetch` option) that counts each call by method and
 * HTTP status; "error" when no answer came (network, timeout). A 429 is also a rate limit.
 */
export function observedFetch<R extends { status: number }, F extends FetchLike<R>>(metrics: ApiMetrics | undefined, base: F): F {
  if (!metrics) return base;
  return (async (url: string | URL, init?: never) => {
    const method = slackMethod(url);
    let res: R;
    try {
      res = await base(url, init);
    } catch (err) {
      metrics.platformCalls.inc({ platform: 'slack', method, status: 'error' });
      throw err;
    }
    metrics.platformCalls.inc({ platform: 'slack', method, status: String(res.status) });
    if (res.status === 429) metrics.platformRateLimited.inc({ platform: 'slack', method });
    return res;
  }) as F;
}

/** Feishu's API methods this bot calls, by HTTP method and path (ids replaced). */
const FEISHU_METHODS: [string, RegExp, string][] = [
  ['POST', /^\/open-apis\/im\/v1\/messages$/, 'im.message.create'],
  ['POST', /^\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/, 'im.message.reply'],
  ['PATCH', /^\/open-apis\/im\/v1\/messages\/[^/]+$/, 'im.message.patch'],
  ['GET', /^\/open-apis\/contact\/v3\/users\/[^/]+$/, 'contact.user.get'],
  ['GET', /^\/open-apis\/bot\/v3\/info$/, 'bot.info'],
  ['POST', /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/, 'auth.tenant_access_token'],
  ['POST', /^\/open-apis\/auth\/v3\/app_access_token\/internal$/, 'auth.app_access_token'],
  ['POST', /^\/callback\/ws\/endpoint$/, 'ws.endpoint'],
];

/** Feishu's method for an HTTP method and URL; "other" for a call not in the list above. */
export function feishuMethod(httpMethod: string | undefined, url: string | undefined): string {
  let path: string;
  try {
    path = new URL(url ?? '', 'http://x').pathname;
  } catch {
    return 'other';
  }
  const verb = (httpMethod ?? 'GET').toUpperCase();
  return FEISHU_METHODS.find(([v, re]) => v === verb && re.test(path))?.[2] ?? 'other';
}

/** The axios-like instance the Feishu SDK sends through (its HttpInstance). */
interface HttpLike {
  request(opts: { url?: string; method?: string }): Promise<unknown>;
}
type AxiosErrorLike = { response?: { status?: number; data?: { code?: unknown } } };

/**
 * Wraps the Feishu SDK's HTTP instance (the `httpInstance` option of Client and WSClient):
 * each call counted by method and HTTP status ("error": no answer). A success is counted as
 * 200 (the SDK hands over the body only; Feishu answers 200 for success). A rate limit is
 * HTTP 429 or one of `rateLimitCodes` in the body, whatever the status.
 */
export function observedHttp<H extends HttpLike>(metrics: ApiMetrics | undefined, base: H, rateLimitCodes: number[]): H {
  if (!metrics) return base;
  const wrapped = new Map<string, unknown>();
  const count = (method: string, status: string, code: unknown) => {
    metrics.platformCalls.inc({ platform: 'feishu', method, status });
    if (status === '429' || (typeof code === 'number' && rateLimitCodes.includes(code))) metrics.platformRateLimited.inc({ platform: 'feishu', method });
  };
  const observe = (method: string, call: () => Promise<unknown>) =>
    call().then(
      (res) => {
        const body = (res as { data?: { code?: unknown }; code?: unknown } | undefined) ?? {};
        count(method, '200', body.code ?? body.data?.code);
        return res;
      },
      (err: unknown) => {
        const r = (err as AxiosErrorLike).response;
        count(method, r?.status ? String(r.status) : 'error', r?.data?.code);
        throw err;
      },
    );
  return new Proxy(base, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== 'string' || typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => Promise<unknown>;
      let w = wrapped.get(prop);
      if (!w) {
        const verb = prop.toUpperCase();
        w =
          prop === 'request'
            ? (opts: { url?: string; method?: string }) => observe(feishuMethod(opts?.method, opts?.url), () => fn.call(target, opts))
            : ['GET', 'DELETE', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'].includes(verb)
              ? (url: string, ...rest: unknown[]) => observe(feishuMethod(verb, url), () => fn.call(target, url, ...rest))
              : v;
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
