import type { Context, Middleware } from 'koa';
import { sameOrigin, securityHeaders, type Access } from './access.ts';

export type RouteKind = 'page' | 'api' | 'public';

/**
 * Every web route goes through here: security headers, then access (pages redirect
 * to /login, APIs answer 401 JSON), then the CSRF origin check on anything but GET.
 */
export function guarded(access: Access, kind: RouteKind, handler: (ctx: Context) => Promise<void> | void): Middleware {
  return async (ctx) => {
    securityHeaders(ctx);
    // A bearer token is a sign-in attempt too: wrong ones count against the same limit.
    if (kind !== 'public' && access.canSignIn && !throttledOk(access, ctx)) return;
    if (kind !== 'public' && !(await access.authorized(ctx))) {
      if (kind === 'page' && (ctx.method === 'GET' || ctx.method === 'HEAD') && (access.canSignIn || !access.open)) {
        ctx.status = 302;
        ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.status = 401;
      ctx.body = { error: 'sign in at /login or send Authorization: Bearer $ADMIN_TOKEN' };
      return;
    }
    // The pages show "sign out" to whoever got past the check with a token or session.
    if (kind !== 'public') ctx.state.signedIn = !access.open;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !sameOrigin(ctx, access)) {
      ctx.status = 403;
      ctx.body = { error: 'cross-site request refused (Origin does not match this server)' };
      return;
    }
    await handler(ctx);
  };
}

/**
 * Counts a presented bearer token (every place that takes ADMIN_TOKEN calls this); false,
 * with 429 and Retry-After, while the client waits out its wrong guesses.
 */
export function throttledOk(access: Access, ctx: Context): boolean {
  const r = access.gateBearer(ctx);
  if (r.status !== 'throttled') return true;
  ctx.set('Retry-After', String(r.retryAfterS));
  ctx.status = 429;
  ctx.body = { error: `too many wrong tokens from this address; try again in ${r.retryAfterS} s` };
  return false;
}

/** Where /login may send the browser back to: a path on this site only. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
