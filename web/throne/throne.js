// Commander Throne: kill switches, users and tiers, EA fleet, daemon health, model registry, audit.
'use strict';
(async () => {
  const { api, el, $, fmtTime, ago, money, table, toast } = B;
  const me = await B.requireUser();
  if (!me) return;
  let tiers = [];
  const done = (what) => (r) => {
    if (r.ok) toast(`${what}: done`, 'ok');
    else toast(`${what} refused: ${(r.data && (r.data.message || r.data.error)) || r.status}`, 'bad');
    refreshAll();
  };

  async function refreshHalt() {
    const r = await api('/api/admin/halt');
    if (!r.ok) return;
    const h = r.data;
    $('#halt-state').replaceChildren(h.halted
      ? el('div', { class: 'halt-banner', id: 'halt-banner' }, `HALTED since ${fmtTime(h.since_ns)} by ${h.by}: ${h.reason}`)
      : el('p', { class: 'badge ok', id: 'halt-banner' }, 'Trading is live'));
    const b = $('#halt-toggle');
    b.textContent = h.halted ? 'Resume trading' : 'Halt all trading';
    b.dataset.halted = h.halted ? '1' : '0';
  }
  $('#halt-toggle').addEventListener('click', async (e) => {
    const halted = e.target.dataset.halted !== '1';
    if (halted && !confirm('Halt ALL trading now?')) return;
    done(halted ? 'Global halt' : 'Resume')(await api('/api/admin/halt', { method: 'POST', body: { halted, reason: $('#halt-reason').value || (halted ? 'halted from the Throne' : '') } }));
  });
  $('#rollback').addEventListener('click', async () => {
    if (confirm('Roll back the current model?')) done('Rollback')(await api('/api/admin/models/rollback', { method: 'POST', body: {} }));
  });

  async function refreshUsers() {
    const r = await api('/api/admin/users');
    if (!r.ok) return;
    tiers = r.data.tiers;
    $('#users').replaceChildren(table(['User', 'Telegram', 'Tier', 'Role', 'Slots', 'EA', 'Balance', 'Trading', ''], r.data.users.map((u) => {
      const sel = el('select', { 'data-user': u.user_id, onchange: async (e) => done(`Tier of ${u.user_id}`)(await api(`/api/admin/users/${encodeURIComponent(u.user_id)}`, { method: 'POST', body: { tier: e.target.value } })) },
        tiers.map((t) => el('option', { value: t, selected: t === u.tier }, t)));
      const halt = el('button', { class: u.halted ? '' : 'danger', 'data-halt-user': u.user_id, onclick: async () => {
        const reason = u.halted ? '' : prompt(`Halt ${u.user_id}: reason?`, 'halted by admin');
        if (reason === null) return;
        done(`${u.halted ? 'Resume' : 'Halt'} ${u.user_id}`)(await api(`/api/admin/users/${encodeURIComponent(u.user_id)}/halt`, { method: 'POST', body: { halted: !u.halted, reason } }));
      } }, u.halted ? 'Resume' : 'Halt');
      return el('tr', {}, el('td', {}, u.user_id, ' ', el('span', { class: 'muted' }, u.display_name)), el('td', { class: 'muted' }, u.telegram_id ?? '–'), el('td', {}, sel),
        el('td', {}, u.role), el('td', { class: 'num' }, u.slots_used), el('td', {}, u.ea ? el('span', { class: 'badge ' + (u.ea.online ? 'ok' : 'bad') }, u.ea.online ? 'online' : 'offline') : '–'),
        el('td', { class: 'num' }, u.ea ? money(u.ea.balance, u.ea.currency) : '–'),
        el('td', {}, u.halted ? el('span', { class: 'badge bad' }, 'halted: ' + u.halt_reason) : el('span', { class: 'badge ok' }, 'live')), el('td', {}, halt));
    })));
  }
  async function refreshEas() {
    const r = await api('/api/admin/ea');
    if (!r.ok) return;
    $('#eas').replaceChildren(table(['UUID', 'User', 'Broker / account', 'Status', 'Last seen', 'Balance', 'Equity', 'Identity', ''], r.data.eas.map((e) =>
      el('tr', {}, el('td', { class: 'muted' }, e.uuid), el('td', {}, e.user_id ?? '–'), el('td', {}, `${e.broker} #${e.account_login}`),
        el('td', {}, el('span', { class: 'badge ' + (e.online ? 'ok' : 'bad') }, e.online ? 'online' : 'offline')), el('td', {}, ago(e.last_seen_ns)),
        el('td', { class: 'num' }, money(e.balance, e.currency)), el('td', { class: 'num' }, money(e.equity, e.currency)),
        el('td', {}, e.blocked || e.duplicate_seen ? el('span', { class: 'badge bad' }, e.blocked ? 'blocked (duplicate)' : 'duplicate seen') : el('span', { class: 'badge ok' }, 'unique')),
        el('td', {}, el('button', { onclick: async () => done(`${e.blocked ? 'Unblock' : 'Block'} ${e.uuid}`)(await api(`/api/admin/ea/${encodeURIComponent(e.uuid)}`, { method: 'POST', body: { blocked: !e.blocked } })) }, e.blocked ? 'Unblock' : 'Block'))))));
  }
  async function refreshHealth() {
    const r = await api('/api/admin/health');
    if (!r.ok) return;
    const h = r.data;
    const b = $('#fleet-state');
    b.textContent = h.http_status === 200 ? 'fleet healthy' : 'fleet degraded';
    b.className = 'badge ' + (h.http_status === 200 ? 'ok' : 'bad');
    const rows = Object.entries(h.daemons).map(([name, d]) => el('tr', {}, el('td', {}, name),
      el('td', {}, el('span', { class: 'badge ' + (d.status === 'ok' ? 'ok' : d.status === 'degraded' ? 'warn' : 'bad') }, d.status)),
      el('td', { class: 'num' }, d.last_heartbeat_age_s === null ? 'never' : d.last_heartbeat_age_s.toFixed(1) + ' s'),
      el('td', { class: 'num' }, d.uptime_s !== undefined ? Math.round(d.uptime_s) + ' s' : '–')));
    $('#health').replaceChildren(el('div', { class: 'kv' }, el('div', {}, 'Signals 24h'), el('div', {}, h.signals_24h), el('div', {}, 'Active fires'), el('div', {}, h.active_fires),
      el('div', {}, 'EAs connected'), el('div', {}, h.ea_connected), el('div', {}, 'WebSocket clients'), el('div', {}, h.ws_clients)),
      table(['Daemon', 'Status', 'Heartbeat age', 'Uptime'], rows));
  }
  async function refreshModels() {
    const r = await api('/api/admin/models');
    if (!r.ok) return;
    $('#models').replaceChildren(table(['Version', 'Created', 'AUC', 'Brier', 'Threshold', ''], r.data.models.map((m) =>
      el('tr', {}, el('td', {}, m.version, m.is_current ? el('span', { class: 'badge ok' }, ' current') : ''), el('td', {}, fmtTime(m.created_ns)),
        el('td', { class: 'num' }, m.metrics.auc !== undefined ? Number(m.metrics.auc).toFixed(3) : '–'),
        el('td', { class: 'num' }, m.metrics.brier !== undefined ? Number(m.metrics.brier).toFixed(3) : '–'),
        el('td', { class: 'num' }, m.threshold.toFixed(2)),
        el('td', {}, m.is_current ? '' : el('button', { onclick: async () => done(`Promote ${m.version}`)(await api(`/api/admin/models/${encodeURIComponent(m.version)}/promote`, { method: 'POST', body: {} })) }, 'Promote'))))));
  }
  async function refreshAudit() {
    const r = await api('/api/admin/audit?limit=50');
    if (!r.ok) return;
    $('#audit').replaceChildren(table(['When', 'Actor', 'Action', 'Target', 'Detail'], r.data.entries.map((a) =>
      el('tr', {}, el('td', {}, fmtTime(a.ts_ns)), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.target),
        el('td', { class: 'muted' }, typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail))))));
  }
  // Every user's fires, newest first: loaded once, then kept current by "fire" events over /ws.
  const fires = new Map();
  const stateClass = (s) => (s === 'FILLED' || s === 'CLOSED' ? 'ok' : s === 'QUEUED' || s === 'SENT' ? 'warn' : 'bad');
  function renderFires() {
    const rows = [...fires.values()].sort((a, b) => (b.requested_ns || 0) - (a.requested_ns || 0)).slice(0, 50);
    $('#fires').replaceChildren(table(['When', 'User', 'Fire', 'Mode', 'Order', 'Lot', 'State', 'Result'], rows.map((f) =>
      el('tr', { 'data-fire': f.fire_id }, el('td', {}, fmtTime(f.requested_ns)), el('td', {}, f.user_id || '–'), el('td', { class: 'muted' }, f.fire_id),
        el('td', {}, f.mode || '–'), el('td', {}, `${f.symbol || ''} ${f.direction || ''}`), el('td', { class: 'num' }, f.lot ?? '–'),
        el('td', {}, el('span', { class: 'badge ' + stateClass(f.state) }, f.state || '?'), f.reason ? el('span', { class: 'muted' }, ' ' + f.reason) : ''),
        el('td', { class: 'num' }, f.pnl !== null && f.pnl !== undefined ? money(f.pnl) : f.close_result || '–')))));
  }
  async function refreshFires() {
    const r = await api('/api/admin/fires?limit=50');
    if (!r.ok) return;
    fires.clear();
    for (const f of r.data.fires) fires.set(f.fire_id, f);
    renderFires();
  }
  function onFireEvent(d) {
    if (!d.fire_id) return;
    fires.set(d.fire_id, Object.assign(fires.get(d.fire_id) || {}, d));  // events may carry part of the row
    while (fires.size > 200) fires.delete([...fires.values()].sort((a, b) => (a.requested_ns || 0) - (b.requested_ns || 0))[0].fire_id);
    renderFires();
  }
  function refreshAll() { refreshHalt(); refreshUsers(); refreshEas(); refreshModels(); refreshAudit(); refreshHealth(); refreshFires(); }
  refreshAll();
  setInterval(refreshHealth, 3000);
  setInterval(refreshEas, 10000);
  B.connect((msg) => {
    const ul = $('#events');
    const d = msg.data || {};
    let text = msg.type;
    if (msg.type === 'signal') text = `signal ${d.symbol} ${d.direction} ${d.pattern} ${d.accepted ? 'accepted' : 'rejected'}`;
    else if (msg.type === 'fire') text = `fire ${d.fire_id} ${d.user_id || ''} ${d.state} ${d.reason || ''}`;
    else if (msg.type === 'ea') text = `ea ${d.kind} ${d.uuid}`;
    else if (msg.type === 'model') text = `model ${d.action} ${d.version}`;
    else if (msg.type === 'hello') return;
    ul.prepend(el('li', { class: 'fresh' }, el('div', { class: 'row1' }, text), el('div', { class: 'row2' }, new Date().toISOString().slice(11, 19))));
    while (ul.children.length > 100) ul.lastChild.remove();
    if (msg.type === 'ea') refreshEas();
    if (msg.type === 'model') refreshModels();
    if (msg.type === 'fire') onFireEvent(d);
  }, (up) => { if (up) refreshFires(); const b = $('#ws-state'); b.textContent = up ? 'live' : 'reconnecting'; b.className = 'badge ' + (up ? 'ok' : 'warn'); });
})();
