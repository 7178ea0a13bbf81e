import type { Context } from 'koa';
import { z } from 'zod';
import { roleLabel, roleName, sideOf } from '../../src/readiness/model/roles.ts';
import { addDays, localDate } from '../../src/calendar/dates.ts';
import { jsonBody } from '../../src/server/body.ts';
import type { RouteModule } from '../../src/server/routes.ts';
import { Role } from '../../src/store/records.ts';
import { accessFor } from '../../src/web/access.ts';
import { CHAT_ID, DEMO_USERS, demoUser } from '../../src/web/demo.ts';
import { guarded } from '../../src/web/guard.ts';
import { pickLang, type Lang } from '../../src/web/i18n.ts';
import { createWebAdapter, WebInputError, type WebAdapter } from './adapter.ts';
import { messageView } from './render.ts';

/** Demo projects go live this many days after the day they are bound, so some items are already overdue. */
export const DEMO_GO_LIVE_DAYS = 20;

const Say = z.object({ user: z.string(), text: z.string().max(2000), replyTo: z.string().max(40).optional() });
const Click = z.object({ user: z.string(), messageId: z.string().max(40), block: z.number().int().min(0).max(99), button: z.number().int().min(0).max(99) });
const Setup = z.discriminatedUnion('action', [
  z.object({ action: z.literal('bind'), user: z.string() }),
  z.object({ action: z.literal('role'), user: z.string(), role: Role.nullable() }),
]);

function parse<T>(ctx: Context, schema: z.ZodType<T>): T {
  const r = schema.safeParse(jsonBody(ctx));
  if (!r.success) ctx.throw(400, `bad request: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return r.data;
}

function chatOf(ctx: Context): string {
  const chat = ctx.params.chat ?? '';
  if (!CHAT_ID.test(chat)) ctx.throw(400, 'a group id is 1–32 lowercase letters, digits or dashes');
  return chat;
}

function person(ctx: Context, id: string, lang: Lang) {
  const u = demoUser(id);
  if (!u) ctx.throw(400, `unknown demo user "${id}" (one of ${DEMO_USERS.map((d) => d.id).join(', ')})`);
  return { id: u.id, name: u.name[lang] };
}

async function run(ctx: Context, fn: () => Promise<unknown>) {
  try {
    ctx.body = { ok: true, result: (await fn()) ?? null };
  } catch (e) {
    if (e instanceof WebInputError) ctx.throw(400, e.message);
    throw e;
  }
}

/**
 * The playground's JSON API (the web adapter's "webhook"): messages, clicks, and the two
 * set-up shortcuts, which only type the real chat commands on the user's behalf
 * (`绑定项目 …` as the chosen person, `设置角色 @{id} …` as the project's admin).
 */
export function playgroundRoutes(opts: { adapter?: (a: WebAdapter) => void } = {}): RouteModule {
  return (router, { config, bot }) => {
    const web = createWebAdapter({ bot });
    opts.adapter?.(web);
    const access = accessFor(config, bot.deps.clock, bot.deps.store);
    const { store, clock } = bot.deps;
    const projectOf = (chat: string) => store.getProject(`web:${chat}`);
    const api = (fn: (ctx: Context) => Promise<void>) => guarded(access, 'api', fn);

    router.get('/api/playground/:chat/messages', api(async (ctx) => {
      const chat = chatOf(ctx);
      const lang = pickLang(ctx);
      const after = Math.max(0, Number(ctx.query.after) || 0);
      const names = (id: string) => (id === 'bot' ? (lang === 'zh' ? '机器人' : 'bot') : (demoUser(id)?.name[lang] ?? id));
      const p = await projectOf(chat);
      ctx.body = {
        rev: web.messages.rev(),
        project: p ? { id: p.id, name: p.name, goLive: p.goLive, adminId: p.adminId, roles: p.roles.map((r) => ({ userId: r.userId, role: r.role, label: roleName[r.role][lang] })) } : null,
        messages: web.messages.since(chat, after).map((m) => messageView(m, names)),
      };
    }));

    router.post('/api/playground/:chat/messages', api(async (ctx) => {
      const chat = chatOf(ctx);
      const body = parse(ctx, Say);
      const lang = pickLang(ctx);
      await run(ctx, async () => ({ id: (await web.say(chat, person(ctx, body.user, lang), body.text, body.replyTo, lang)).id }));
    }));

    // A file the bot put into the chat (a report): always a download, never shown inline.
    router.get('/api/playground/:chat/files/:id', api(async (ctx) => {
      const f = web.file(chatOf(ctx), String(ctx.params.id ?? ''));
      if (!f) ctx.throw(404, 'no such file (the playground keeps the newest files in memory, until a restart)');
      const ascii = f!.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'file';
      ctx.type = /^application\/(pdf|vnd\.openxmlformats-officedocument\.[a-z.]+)$/.test(f!.mime) ? f!.mime : 'application/octet-stream';
      const star = encodeURIComponent(f!.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${star}`);
      ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
      ctx.body = Buffer.from(f!.bytes);
    }));

    router.post('/api/playground/:chat/clicks', api(async (ctx) => {
      const chat = chatOf(ctx);
      const body = parse(ctx, Click);
      const lang = pickLang(ctx);
      await run(ctx, () => web.click(chat, person(ctx, body.user, lang), body.messageId, body.block, body.button));
    }));

    router.post('/api/playground/:chat/setup', api(async (ctx) => {
      const chat = chatOf(ctx);
      const body = parse(ctx, Setup);
      const lang = pickLang(ctx);
      const me = person(ctx, body.user, lang);
      await run(ctx, async () => {
        const roleWord = (r: Role | null) => (r ? roleLabel[r][lang] : lang === 'zh' ? '成员' : 'member');
        const setRole = async (userId: string, r: Role | null) => {
          const p = await projectOf(chat);
          if (!p) throw new WebInputError(lang === 'zh' ? '请先绑定演示项目' : 'bind the demo project first');
          const admin = { id: p.adminId, name: p.adminName ?? demoUser(p.adminId)?.name[lang] };
          await web.say(chat, admin, lang === 'zh' ? `@bot 设置角色 @{${userId}} ${roleWord(r)}` : `@bot set role @{${userId}} ${roleWord(r)}`, undefined, lang);
          // A customer-side role counts once its holder accepts it, as in a real group.
          if (r && sideOf(r) === 'customer') await web.say(chat, { id: userId, name: demoUser(userId)?.name[lang] }, lang === 'zh' ? '@bot 接受角色' : '@bot accept role', undefined, lang);
        };
        if (body.action === 'role') return setRole(me.id, body.role);
        const goLive = addDays(localDate(clock.now(), 'Asia/Shanghai'), DEMO_GO_LIVE_DAYS);
        await web.say(chat, me, lang === 'zh' ? `@bot 绑定项目 演示项目-${chat} 上线日期 ${goLive}` : `@bot bind project Demo ${chat} go-live ${goLive}`, undefined, lang);
        if (!(await projectOf(chat))) return;
        // Give the demo people their usual roles, the way an admin would in a real group.
        for (const u of DEMO_USERS) {
          const p = await projectOf(chat);
          const has = p?.roles.find((r) => r.userId === u.id)?.role ?? null;
          if (u.role && has !== u.role) await setRole(u.id, u.role);
        }
      });
    }));
  };
}
