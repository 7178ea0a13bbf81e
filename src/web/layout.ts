import { html, raw, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';

export type Section = 'playground' | 'dashboard' | 'rulebook' | 'review' | 'login';

/** Same page in the other language: keeps the query, replaces `lang`. */
function otherLangHref(path: string, query: URLSearchParams, lang: Lang): string {
  const q = new URLSearchParams(query);
  q.set('lang', lang === 'zh' ? 'en' : 'zh');
  return `${path}?${q.toString()}`;
}

/** The page shell: nav, language switch, one stylesheet, scripts only from /static. */
export function page(opts: { lang: Lang; title: string; section: Section; path: string; query: URLSearchParams; body: Raw; scripts?: string[]; signedIn?: boolean }): string {
  const s = t(opts.lang);
  const nav = (section: Section, href: string, label: string) => html`<a href="${href}"${raw(opts.section === section ? ' aria-current="page"' : '')}>${label}</a>`;
  return `<!doctype html>${html`<html lang="${opts.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${s.product}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
${(opts.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<header class="top">
  <span class="brand">${s.product}</span>
  <nav>
    ${nav('playground', '/playground', s.navPlayground)}
    ${nav('dashboard', '/dashboard', s.navDashboard)}
    ${nav('rulebook', '/rulebook', s.navRulebook)}
    ${nav('review', '/review', s.navReview)}
    <a class="lang" href="${otherLangHref(opts.path, opts.query, opts.lang)}">${s.switchLang}</a>
    ${opts.signedIn ? html`<form method="post" action="/logout" class="inline"><button type="submit" class="link">${s.signOut}</button></form>` : ''}
  </nav>
</header>
<main>
${opts.body}
</main>
</body>
</html>`.value}`;
}
