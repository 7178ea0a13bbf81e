// The playground's client: polls the group's messages, sends what the person types,
// forwards button clicks. Message HTML comes from the server, already escaped.
(function () {
  'use strict';
  const root = document.getElementById('playground');
  if (!root) return;
  const S = JSON.parse(root.dataset.strings);
  const users = JSON.parse(root.dataset.users);
  const lang = root.dataset.lang;
  const $ = (id) => document.getElementById(id);
  const list = $('messages');
  const userSel = $('user');
  const roleSel = $('role');
  let chat = root.dataset.chat;
  let rev = 0;
  let replyTo = null;
  let project = null;
  let busy = false;
  const byId = new Map();

  const api = (path) => `/api/playground/${encodeURIComponent(chat)}/${path}?lang=${lang}`;
  const nameOf = (id) => (users.find((u) => u.id === id) || { name: id }).name;

  function showError(msg) {
    const el = $('error');
    el.textContent = msg ? S.failed + msg : '';
    el.hidden = !msg;
  }

  async function post(path, body) {
    const res = await fetch(api(path), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
    if (res.status === 401) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
      return;
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || res.statusText);
    showError('');
    return data;
  }

  function render(m) {
    let li = byId.get(m.id);
    if (!li) {
      li = document.createElement('li');
      li.id = 'm-' + m.id;
      byId.set(m.id, li);
      list.appendChild(li);
    }
    li.className = 'msg ' + (m.from.bot ? 'from-bot' : 'from-user') + (m.replyTo ? ' in-thread' : '');
    li.dataset.summary = m.summary;
    const head = document.createElement('div');
    head.className = 'meta';
    const who = document.createElement('strong');
    who.textContent = m.from.bot ? S.bot : m.from.name || nameOf(m.from.id);
    const when = document.createElement('time');
    when.textContent = new Date(m.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
    head.append(who, ' ', when);
    if (m.replyTo && byId.has(m.replyTo)) {
      const q = document.createElement('span');
      q.className = 'thread';
      q.textContent = '↳ ' + (byId.get(m.replyTo).dataset.summary || '');
      head.append(' ', q);
    }
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.className = 'link reply';
    reply.textContent = S.reply;
    reply.dataset.reply = m.id;
    head.append(' ', reply);
    const body = document.createElement('div');
    body.className = 'body';
    body.innerHTML = m.html; // rendered and escaped by the server (adapters/web/render.ts)
    li.replaceChildren(head, body);
  }

  function renderProject() {
    const el = $('project');
    if (!project) {
      el.textContent = S.noProject;
      roleSel.value = '';
      return;
    }
    const roles = project.roles.map((r) => nameOf(r.userId) + ' · ' + r.label).join(lang === 'zh' ? ',' : ', ');
    el.textContent = S.project + (lang === 'zh' ? ':' : ': ') + project.name + ' · ' + project.goLive + (roles ? ' · ' + roles : '');
    const mine = project.roles.find((r) => r.userId === userSel.value);
    roleSel.value = mine ? mine.role : '';
  }

  async function refresh(follow) {
    try {
      const res = await fetch(api('messages') + '&after=' + rev, { credentials: 'same-origin' });
      if (res.status === 401) return;
      const data = await res.json();
      // Follow new messages only when the reader is already at the bottom; scroll the list, not the page.
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
      const before = byId.size;
      for (const m of data.messages) render(m);
      if (byId.size > before && (atBottom || before === 0 || follow)) list.scrollTop = list.scrollHeight;
      rev = Math.max(rev, data.rev);
      project = data.project;
      renderProject();
      list.dataset.empty = byId.size ? '' : S.empty;
    } catch (e) {
      // The next poll retries.
    }
  }

  function setReply(id) {
    replyTo = id;
    $('replying').hidden = !id;
    $('replying-text').textContent = id ? S.replyingTo + ' ' + ((byId.get(id) && byId.get(id).dataset.summary) || '') : '';
    if (id) $('text').focus();
  }

  async function act(fn) {
    if (busy) return;
    busy = true;
    root.classList.add('busy');
    try {
      await fn();
    } catch (e) {
      showError(e.message);
    } finally {
      busy = false;
      root.classList.remove('busy');
      await refresh(true);
    }
  }

  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = $('text');
    const text = input.value.trim();
    if (!text) return;
    act(async () => {
      await post('messages', { user: userSel.value, text, replyTo: replyTo || undefined });
      input.value = '';
      setReply(null);
    });
  });

  list.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (!b) return;
    if (b.dataset.reply) return setReply(b.dataset.reply);
    if (b.dataset.msg) {
      act(async () => {
        await post('clicks', { user: userSel.value, messageId: b.dataset.msg, block: Number(b.dataset.block), button: Number(b.dataset.button) });
        // 👍/👎 get no reply in chat; show that the click was taken.
        b.classList.add('clicked');
        b.setAttribute('aria-pressed', 'true');
      });
    }
  });

  $('reply-cancel').addEventListener('click', () => setReply(null));
  $('bind').addEventListener('click', () => act(() => post('setup', { action: 'bind', user: userSel.value })));
  for (const b of document.querySelectorAll('[data-say]')) {
    b.addEventListener('click', () => act(() => post('messages', { user: userSel.value, text: b.dataset.say })));
  }
  userSel.addEventListener('change', renderProject);
  roleSel.addEventListener('change', () => act(() => post('setup', { action: 'role', user: userSel.value, role: roleSel.value || null })));
  $('controls').addEventListener('submit', (ev) => ev.preventDefault());
  $('chat').addEventListener('change', (ev) => {
    const v = ev.target.value.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(v)) return;
    const q = new URLSearchParams(location.search);
    q.set('chat', v);
    location.search = q.toString();
  });

  refresh();
  setInterval(() => {
    if (!document.hidden) refresh();
  }, 2000);
})();
