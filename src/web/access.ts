import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../config.ts';
import { EVENT_TTL_MS } from '../core/bot.ts';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/store.ts';

export const SESSION_COOKIE = 'oa_session';
const SESSION_MS = 12 * 60 * 60 * 1000;
const GUESS_WINDOW_MS = 10 * 60 * 1000;
/** Wrong tokens one client may send in the window before it must wait. */
const GUESS_FREE = 10;
/** The wait after that doubles with every further wrong token, up to this. */
const GUESS_MAX_WAIT_MS = 10 * 60 * 1000;

/** 127.0.0.0/8, ::1 and localhost. 0.0.0.0 and :: listen on every interface, so they are not. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected)) && given.length === expected.length;
}

export type Access = ReturnType<typeof createAccess>;

/**
 * Where ended sessions are kept. In the store, so a cookie signed out on one replica is
 * refused by every other; the store forgets a key after EVENT_TTL_MS (24 h), longer than a
 * session lives (12 h).
 */
export interface Revocations {
  revoke(sid: string): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
}
export const storeRevocations = (store: Pick<Store, 'claimEvent' | 'hasEvent'>, clock: Clock): Revocations => ({
  revoke: async (sid) => void (await store.claimEvent(`web-session-ended:${sid}`, clock.now(), EVENT_TTL_MS)),
  isRevoked: (sid) => store.hasEvent(`web-session-ended:${sid}`, clock.now(), SESSION_MS),
});

const shared = new WeakMap<object, Access>();
/** One Access per server config, so the pages and the playground API share the sign-in limits. */
export function accessFor(config: Pick<Config, 'host' | 'adminToken'>, clock: Clock, store?: Pick<Store, 'claimEvent' | 'hasEvent'>): Access {
  let a = shared.get(config);
  if (!a) shared.set(config, (a = createAccess(config, clock, store ? storeRevocations(store, clock) : undefined)));
  return a;
}

/**
 * Who may use the web pages and their JSON API. Open only when the server listens on
 * loopback and ADMIN_TOKEN is unset; otherwise a request needs `Authorization: Bearer
 * $ADMIN_TOKEN` or the session cookie set by /login. The cookie holds an expiry and an
 * HMAC keyed by the token, never the token itself, so changing ADMIN_TOKEN signs everyone out.
 * Beyond loopback without ADMIN_TOKEN the pages stay closed.
 */
export function createAccess(config: Pick<Config, 'host' | 'adminToken'>, clock: Clock, revocations?: Revocations) {
  const token = config.adminToken;
  const open = isLoopback(config.host) && !token;
  // Wrong tokens by client address: each client is slowed down on its own, so guesses from
  // other addresses (or made-up X-Forwarded-For ones) never lock out whoever has the token.
  const failures = new Map<string, number[]>();
  const recentFailures = (ip: string, now: number) => {
    const recent = (failures.get(ip) ?? []).filter((t) => now - t < GUESS_WINDOW_MS);
    if (recent.length) failures.set(ip, recent);
    else failures.delete(ip);
    return recent;
  };
  /** How long this client must wait before its next wrong token is even looked at; 0 = not throttled. */
  const waitMs = (ip: string): number => {
    const now = clock.now().getTime();
    const recent = recentFailures(ip, now);
    if (recent.length < GUESS_FREE) return 0;
    const wait = Math.min(GUESS_MAX_WAIT_MS, 1000 * 2 ** (recent.length - GUESS_FREE));
    return Math.max(0, recent.at(-1)! + wait - now);
  };
  const fail = (ip: string) => {
    const now = clock.now().getTime();
    if (failures.size > 10_000) failures.clear();
    failures.set(ip, [...recentFailures(ip, now), now]);
  };
  // Sessions ended by /logout: their id is refused until the cookie would have expired anyway.
  const revoked = new Map<string, number>();

  const mac = (exp: number, sid: string) => createHmac('sha256', token ?? '').update(`oa-web-session:${exp}:${sid}`).digest('base64url');
  const sessionOf = (ctx: Context) => {
    const v = ctx.cookies.get(SESSION_COOKIE);
    const m = v ? /^(\d{10,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(v) : null;
    return m ? { exp: Number(m[1]), sid: m[2]!, mac: m[3]! } : undefined;
  };

  function bearer(ctx: Context): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
    return !!token && !!m && sameSecret(m[1]!, token);
  }

  /** A signed, unexpired cookie, not signed out here (known at once) or on another replica (asked of the store). */
  async function session(ctx: Context): Promise<boolean> {
    const c = sessionOf(ctx);
    if (!token || !c) return false;
    if (!(c.exp > clock.now().getTime() && sameSecret(c.mac, mac(c.exp, c.sid)) && !revoked.has(c.sid))) return false;
    return !(await revocations?.isRevoked(c.sid));
  }

  /**
   * In open mode the Host header must name loopback too: a page that rebinds its own
   * domain name to 127.0.0.1 (DNS rebinding) would otherwise drive the open server.
   * The raw header is used: X-Forwarded-Host can be set by such a page.
   */
  const loopbackHost = (ctx: Context) => isLoopback((ctx.req.headers.host ?? '').replace(/:\d+$/, ''));

  return {
    open,
    /** False beyond loopback without ADMIN_TOKEN: nobody can sign in. */
    canSignIn: !!token,
    async authorized(ctx: Context): Promise<boolean> {
      if (open) return loopbackHost(ctx);
      return bearer(ctx) || (await session(ctx));
    },
    usesBearer: bearer,
    /**
     * A token someone presented (bearer header or the sign-in form). The right token always
     * passes; a wrong one counts against the client's address, and past GUESS_FREE in the
     * window the client waits (doubling, up to 10 minutes) before another is even compared.
     */
    admit(ip: string, given: string): { ok: true } | { ok: false; retryAfterS?: number } {
      if (token && sameSecret(given, token)) return { ok: true };
      const wait = waitMs(ip);
      if (wait > 0) return { ok: false, retryAfterS: Math.ceil(wait / 1000) };
      fail(ip);
      return { ok: false };
    },
    /** The bearer header, if any, through admit(): 'none' when there is no such header. */
    gateBearer(ctx: Context): { status: 'none' | 'ok' | 'wrong' | 'throttled'; retryAfterS?: number } {
      const header = ctx.get('authorization');
      if (!header) return { status: 'none' };
      const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
      const r = this.admit(ctx.ip, given);
      return r.ok ? { status: 'ok' } : r.retryAfterS ? { status: 'throttled', retryAfterS: r.retryAfterS } : { status: 'wrong' };
    },
    startSession(ctx: Context): void {
      const exp = clock.now().getTime() + SESSION_MS;
      const sid = randomBytes(16).toString('base64url');
      ctx.cookies.set(SESSION_COOKIE, `${exp}.${sid}.${mac(exp, sid)}`, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: SESSION_MS, overwrite: true });
    },
    /** Signs out: this session's cookie is refused from now on, not only deleted from the browser. */
    async endSession(ctx: Context): Promise<void> {
      const c = sessionOf(ctx);
      const now = clock.now().getTime();
      for (const [sid, exp] of revoked) if (exp <= now) revoked.delete(sid);
      if (c && (await session(ctx))) {
        revoked.set(c.sid, c.exp);
        await revocations?.revoke(c.sid);
      }
      ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
    },
  };
}

/**
 * CSRF: a state-changing request must come from our own pages. Browsers send Origin on
 * every cross-site POST; it must name this host (or the proxy's forwarded host, which a
 * cross-site form cannot set). Without Origin, Sec-Fetch-Site decides; a client that sends
 * neither (curl) needs the bearer token, or the open loopback mode.
 */
export function sameOrigin(ctx: Context, access: Access): boolean {
  const hosts = [ctx.req.headers.host, ctx.get('x-forwarded-host').split(',')[0]?.trim()].filter((h): h is string => !!h);
  const origin = ctx.get('origin');
  // "null" is what a form POST sends under some referrer policies (and what sandboxed frames send): Sec-Fetch-Site decides then.
  if (origin && origin !== 'null') {
    try {
      return hosts.includes(new URL(origin).host);
    } catch {
      return false;
    }
  }
  const site = ctx.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  return access.open || access.usesBearer(ctx);
}

/**
 * Headers of a careful web app: a CSP without inline script or style, no sniffing,
 * no framing, no referrer to other sites, nothing cached (the pages show project data).
 */
export function securityHeaders(ctx: Context): void {
  ctx.set(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  ctx.set('Cache-Control', 'no-store');
  if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
  ctx.remove('X-Powered-By');
}
