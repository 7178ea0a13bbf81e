import { roleName as roleNames, ROLES } from '../readiness/model/roles.ts';
import { CHAT_ID, DEMO_USERS } from './demo.ts';
import { html, type Raw } from './html.ts';
import { t, type Lang } from './i18n.ts';

/**
 * The playground page: controls and an empty message list; /static/playground.js talks
 * to /api/playground/:chat/* (the web adapter). Strings the script needs travel in
 * data- attributes, never in an inline script.
 */
export function playgroundBody(lang: Lang, chatParam: unknown): Raw {
  const s = t(lang);
  const chat = typeof chatParam === 'string' && CHAT_ID.test(chatParam) ? chatParam : 'demo';
  const strings = { reply: s.pgReply, replyingTo: s.pgReplyingTo, cancel: s.pgCancel, empty: s.pgEmpty, noProject: s.pgNoProject, project: s.pgProject, failed: s.pgFailed, bot: s.pgBot, member: s.roleNone };
  const roleName = (r: string | null) => (r ? roleNames[r as keyof typeof roleNames][lang] : s.roleNone);
  return html`<div id="playground" class="playground" data-chat="${chat}" data-lang="${lang}" data-strings="${JSON.stringify(strings)}"
  data-users="${JSON.stringify(DEMO_USERS.map((u) => ({ id: u.id, name: u.name[lang] })))}">
  <h1>${s.pgTitle}</h1>
  <p class="intro">${s.pgIntro}</p>
  <form class="controls" id="controls">
    <label>${s.pgGroup} <input name="chat" id="chat" value="${chat}" pattern="[a-z0-9][a-z0-9-]{0,31}" maxlength="32" autocomplete="off"></label>
    <label>${s.pgAs} <select id="user" name="user">${DEMO_USERS.map((u) => html`<option value="${u.id}">${u.name[lang]}</option>`)}</select></label>
    <label>${s.pgRole} <select id="role" name="role">
      <option value="">${s.roleNone}</option>
      ${ROLES.map((r) => html`<option value="${r}">${roleName(r)}</option>`)}
    </select></label>
  </form>
  <div class="project-bar"><span id="project">${s.pgNoProject}</span></div>
  <div class="shortcuts">
    <button type="button" class="btn primary" id="bind">${s.pgBind}</button>
    <button type="button" class="btn" data-say="${lang === 'zh' ? '@bot 清单' : '@bot checklist'}">${s.pgChecklist}</button>
    <button type="button" class="btn" data-say="${lang === 'zh' ? '@bot 进度' : '@bot status'}">${s.pgStatus}</button>
    <button type="button" class="btn" data-say="${lang === 'zh' ? '@bot 签字记录' : '@bot sign-offs'}">${s.pgSignoffs}</button>
    <button type="button" class="btn" data-say="${lang === 'zh' ? '@bot 帮助' : '@bot help'}">${s.pgHelp}</button>
  </div>
  <ol class="messages" id="messages" aria-live="polite"></ol>
  <div class="replying" id="replying" hidden><span id="replying-text"></span> <button type="button" class="link" id="reply-cancel">${s.pgCancel}</button></div>
  <form class="composer" id="composer">
    <input id="text" name="text" autocomplete="off" maxlength="2000" placeholder="${s.pgPlaceholder}" aria-label="${s.pgPlaceholder}">
    <button type="submit" class="btn primary" id="send">${s.pgSend}</button>
  </form>
  <p class="error" id="error" role="alert" hidden></p>
</div>`;
}
