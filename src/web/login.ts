import { html, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';

export function loginBody(lang: Lang, opts: { next: string; error?: string; canSignIn: boolean }): Raw {
  const s = t(lang);
  if (!opts.canSignIn) return html`<div class="login"><h1>${s.loginTitle}</h1><p class="error">${s.loginNoToken}</p></div>`;
  return html`<form class="login" method="post" action="/login">
  <h1>${s.loginTitle}</h1>
  <p class="muted">${s.loginHint}</p>
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  <label for="token">${s.loginField}</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <input type="hidden" name="next" value="${opts.next}">
  <button type="submit" class="btn primary">${s.loginSubmit}</button>
</form>`;
}
