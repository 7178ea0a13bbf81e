import type { Context } from 'koa';
import type { RouteModule } from '../server/routes.ts';
import { localDate, localTime } from '../calendar/dates.ts';
import { accessFor } from '../web/access.ts';
import { codePage } from '../web/code-page.ts';
import { guarded } from '../web/guard.ts';
import { LANG_COOKIE, pickLang } from '../web/i18n.ts';
import { checkInCode, CODE_PERIOD_MS } from './code.ts';
import type { TrainingJob } from './job.ts';

/**
 * GET /training/:projectId/:no/code: the trainer's code page (src/web/code-page.ts), under the
 * dashboard's access rule (src/web/guard.ts: open only on loopback without ADMIN_TOKEN, else the
 * sign-in cookie or the bearer token). Any replica shows the same code: it is derived from the
 * session id, the minute and the shared secret (code.ts), never stored.
 * POST /admin/jobs/training-notices: runs the training notices now (the scheduler's code path
 * and claims); `Authorization: Bearer $ADMIN_TOKEN`, 404 while ADMIN_TOKEN is unset.
 */
export function trainingRoutes(opts: { job: TrainingJob; codeSecret: string }): RouteModule {
  return (router, { config, bot }) => {
    const { store, clock } = bot.deps;
    const access = accessFor(config, clock, store);

    router.get('/training/:projectId/:no/code', guarded(access, 'page', async (ctx: Context) => {
      const p = await store.getProject(ctx.params.projectId ?? '');
      const no = Number(ctx.params.no);
      const s = p && Number.isInteger(no) && no > 0 ? await store.getSession(p.id, no) : undefined;
      if (!p || !s) {
        ctx.throw(404, 'no such training session (in the group: @bot trainings)');
        return;
      }
      const at = clock.now();
      const lang = typeof ctx.query.lang === 'string' || ctx.cookies.get(LANG_COOKIE) || ctx.get('accept-language') ? pickLang(ctx) : p.lang;
      const intoMinute = at.getTime() % CODE_PERIOD_MS;
      const nextAt = new Date(at.getTime() - intoMinute + CODE_PERIOD_MS);
      const hasCheck = !s.cancelled && s.delivery.kind !== 'recorded';
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = codePage({
        lang,
        project: p,
        session: s,
        ...(hasCheck ? { code: checkInCode(opts.codeSecret, s.id, at) } : {}),
        now: `${localDate(at, p.timeZone)}T${localTime(at, p.timeZone)}`,
        next: localTime(nextAt, p.timeZone),
        // Just after the minute turns (1 s of slack for a slow clock), at least 1 s.
        refreshS: Math.max(1, Math.ceil((CODE_PERIOD_MS - intoMinute) / 1000) + 1),
      });
    }));

    router.post('/admin/jobs/training-notices', async (ctx) => {
      const gate = access.canSignIn ? access.gateBearer(ctx) : undefined;
      if (gate?.status === 'throttled') ctx.throw(429, `too many wrong tokens from this address; try again in ${gate.retryAfterS} s`, { headers: { 'Retry-After': String(gate.retryAfterS) } });
      if (!config.adminToken) ctx.throw(404, 'the admin job endpoint is disabled: set ADMIN_TOKEN to enable it');
      if (!access.usesBearer(ctx)) {
        ctx.set('WWW-Authenticate', 'Bearer');
        ctx.throw(401, 'missing or wrong bearer token (Authorization: Bearer $ADMIN_TOKEN)');
      }
      ctx.body = { results: await opts.job.run() };
    });
  };
}
