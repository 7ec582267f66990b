// Shared by every BITTEN page: API calls (CSRF header on changes), sign-in, WebSocket, formatting.
'use strict';
const B = (() => {
  const readCookie = (name) => {
    const m = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
    return m ? decodeURIComponent(m.slice(name.length + 1)) : '';
  };
  async function api(path, opts = {}) {
    const init = { method: opts.method || 'GET', headers: {}, credentials: 'same-origin' };
    if (opts.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    if (init.method !== 'GET') init.headers['X-CSRF-Token'] = readCookie('bitten_csrf');
    const res = await fetch(path, init);
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    return { status: res.status, ok: res.ok, data };
  }
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  };
  const $ = (sel) => document.querySelector(sel);
  const fmtPrice = (v, d = 5) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));
  const digitsFor = (symbol) => (/JPY/.test(symbol) ? 3 : /XAU/.test(symbol) ? 2 : /XAG/.test(symbol) ? 3 : 5);
  const fmtTime = (ns) => (ns ? new Date(ns / 1e6).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '–');
  const ago = (ns) => {
    if (!ns) return '–';
    const s = Math.max(0, Math.round((Date.now() - ns / 1e6) / 1000));
    return s < 60 ? s + 's ago' : s < 3600 ? Math.round(s / 60) + 'm ago' : Math.round(s / 3600) + 'h ago';
  };
  // Time left until a future instant ("14m", "45s"), or "expired".
  const left = (ns) => {
    if (!ns) return '–';
    const s = Math.round((ns / 1e6 - Date.now()) / 1000);
    if (s <= 0) return 'expired';
    return s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm ' + String(s % 60).padStart(2, '0') + 's' : Math.floor(s / 3600) + 'h';
  };
  const pct = (v) => (v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%');
  const money = (v, ccy = '') => (v === null || v === undefined ? '–' : Number(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + (ccy ? ' ' + ccy : ''));

  // The Telegram Login Widget / WebApp hand us signed data; the server verifies it.
  async function signIn(user) {
    const r = await api('/auth/telegram', { method: 'POST', body: user });
    if (r.ok) location.reload();
    else showLoginError(r.data && (r.data.message || r.data.error));
    return r;
  }
  async function signInWebApp(initData) {
    const r = await api('/auth/webapp', { method: 'POST', body: { init_data: initData } });
    if (r.ok) location.reload();
    else showLoginError(r.data && (r.data.message || r.data.error));
    return r;
  }
  function showLoginError(msg) {
    const e = $('#login-error');
    if (e) e.textContent = msg ? 'Sign-in refused: ' + msg : '';
  }
  async function signOut() {
    await api('/auth/logout', { method: 'POST', body: {} });
    location.reload();
  }
  // Shows the sign-in panel; resolves with the user once signed in (or null).
  async function requireUser() {
    const me = await api('/api/me');
    if (me.ok) {
      document.body.classList.add('signed-in');
      const who = $('#who');
      if (who) who.textContent = `${me.data.user_id} · ${me.data.tier}${me.data.role === 'admin' ? ' · admin' : ''}`;
      const out = $('#sign-out');
      if (out) out.addEventListener('click', signOut);
      return me.data;
    }
    document.body.classList.add('signed-out');
    const params = new URLSearchParams(location.search);
    if (params.get('signin')) showLoginError(params.get('signin'));
    if (me.status === 403) showLoginError('this page is for admins only');
    const cfg = await api('/auth/config');
    const tg = window.Telegram && window.Telegram.WebApp;
    if (tg && tg.initData) return signInWebApp(tg.initData).then(() => null);
    const slot = $('#login-widget');
    if (slot && cfg.ok && cfg.data.bot_username) {
      const s = document.createElement('script');
      s.async = true;
      s.src = 'https://telegram.org/js/telegram-widget.js?22';
      s.setAttribute('data-telegram-login', cfg.data.bot_username);
      s.setAttribute('data-size', 'large');
      s.setAttribute('data-auth-url', '/auth/telegram/callback');
      s.setAttribute('data-request-access', 'write');
      slot.append(s);
    } else if (slot) {
      slot.textContent = 'Telegram sign-in is not configured on this server (bot_username).';
    }
    // Operators and the demo: an API token from `bitten-admin create-token`.
    if (slot) {
      const form = document.createElement('form');
      form.id = 'token-form';
      form.innerHTML = '<label>Or sign in with an access token <input id="token-input" type="password" autocomplete="off" placeholder="bt_…"></label> <button type="submit">Sign in</button>';
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const r = await api('/auth/token', { method: 'POST', body: { token: $('#token-input').value.trim() } });
        if (r.ok) location.reload();
        else showLoginError(r.data && (r.data.message || r.data.error));
      });
      slot.after(form);
    }
    return null;
  }
  function connect(onMessage, onState) {
    let ws = null;
    let delay = 500;
    const open = () => {
      ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
      ws.onopen = () => { delay = 500; onState && onState(true); };
      ws.onmessage = (ev) => { try { onMessage(JSON.parse(ev.data)); } catch (e) { console.error(e); } };
      ws.onclose = () => { onState && onState(false); setTimeout(open, delay); delay = Math.min(delay * 2, 10000); };
    };
    open();
    return () => ws;
  }
  function table(head, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: head.length, class: 'muted' }, 'nothing yet'))]));
  }
  function toast(msg, kind = 'info') {
    const t = el('div', { class: 'toast ' + kind }, msg);
    document.body.append(t);
    setTimeout(() => t.remove(), 5000);
  }
  window.bittenSignIn = signIn;  // the Login Widget callback (and the browser tests) call this
  return { api, el, $, fmtPrice, digitsFor, fmtTime, ago, left, pct, money, requireUser, connect, table, toast, signOut };
})();
