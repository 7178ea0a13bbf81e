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
    if (kind !== 'public' && access.canSignIn && ctx.get('authorization')) {
      if (access.tooManyFailures(ctx.ip)) {
        ctx.status = 429;
        ctx.body = { error: 'too many wrong tokens; try again later' };
        return;
      }
      if (!access.usesBearer(ctx)) access.failed(ctx.ip);
    }
    if (kind !== 'public' && !access.authorized(ctx)) {
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
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !sameOrigin(ctx, access)) {
      ctx.status = 403;
      ctx.body = { error: 'cross-site request refused (Origin does not match this server)' };
      return;
    }
    await handler(ctx);
  };
}

/** Where /login may send the browser back to: a path on this site only. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
