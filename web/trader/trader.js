// Trader dashboard: live signal feed (WebSocket), chart with entry/SL/TP, mission brief and fire,
// my fires and positions updating live, account and EA status, SELECT/AUTO mode.
'use strict';
(async () => {
  const { api, el, $, fmtPrice, digitsFor, fmtTime, ago, left, money, table, toast } = B;
  const me = await B.requireUser();
  if (!me) return;
  const state = { signals: new Map(), order: [], missions: new Map(), selected: null, chart: null, series: null, lines: [] };

  // ---- chart ----
  function ensureChart() {
    if (state.chart || !window.LightweightCharts) return;
    const box = $('#chart');
    state.chart = LightweightCharts.createChart(box, {
      height: 380, layout: { background: { color: '#161b22' }, textColor: '#c9d1d9' },
      grid: { vertLines: { color: '#21262d' }, horzLines: { color: '#21262d' } },
      timeScale: { timeVisible: true, secondsVisible: false }, rightPriceScale: { borderColor: '#30363d' },
    });
    state.series = state.chart.addCandlestickSeries({ upColor: '#2ea043', downColor: '#f85149', borderVisible: false,
      wickUpColor: '#2ea043', wickDownColor: '#f85149' });
    new ResizeObserver(() => state.chart.applyOptions({ width: box.clientWidth })).observe(box);
  }
  async function drawChart(sig) {
    ensureChart();
    if (!state.series) return;
    const tf = $('#tf').value;
    $('#chart-title').textContent = `${sig.symbol} ${tf} · ${sig.pattern}`;
    const r = await api(`/api/bars?symbol=${encodeURIComponent(sig.symbol)}&tf=${tf}&limit=300`);
    const d = digitsFor(sig.symbol);
    state.series.applyOptions({ priceFormat: { type: 'price', precision: d, minMove: Math.pow(10, -d) } });
    state.series.setData(r.ok ? r.data.bars.map((b) => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close })) : []);
    state.lines.forEach((l) => state.series.removePriceLine(l));
    state.lines = [
      state.series.createPriceLine({ price: sig.entry, color: '#58a6ff', lineWidth: 2, lineStyle: 0, title: 'ENTRY' }),
      state.series.createPriceLine({ price: sig.sl, color: '#f85149', lineWidth: 2, lineStyle: 2, title: 'SL' }),
      state.series.createPriceLine({ price: sig.tp, color: '#2ea043', lineWidth: 2, lineStyle: 2, title: 'TP' }),
    ];
    state.chart.timeScale().fitContent();
  }

  // ---- signals feed ----
  function signalItem(s, fresh) {
    const d = digitsFor(s.symbol);
    const li = el('li', { 'data-signal': s.signal_id, class: fresh ? 'fresh' : '', onclick: () => select(s.signal_id) },
      el('div', { class: 'row1' }, el('span', {}, s.symbol, ' ', el('span', { class: s.direction === 'BUY' ? 'buy' : 'sell' }, s.direction)),
        el('span', {}, s.probability !== null ? (100 * s.probability).toFixed(0) + '%' : s.confidence.toFixed(0) + ' conf')),
      el('div', { class: 'row2' }, el('span', {}, s.pattern.replaceAll('_', ' ').toLowerCase()),
        el('span', {}, `${s.signal_class} · ${s.timeframe} · R:R ${Number(s.rr).toFixed(2)}`)),
      el('div', { class: 'row2' }, el('span', {}, `E ${fmtPrice(s.entry, d)} SL ${fmtPrice(s.sl, d)} TP ${fmtPrice(s.tp, d)}`),
        el('span', { class: 'ago', 'data-ns': s.detected_ns }, ago(s.detected_ns))));
    if (state.missions.has(s.signal_id)) li.append(el('div', { class: 'row2' }, el('span', { class: 'badge warn' }, 'mission for you')));
    return li;
  }
  function renderFeed() {
    const ul = $('#feed');
    ul.replaceChildren(...state.order.map((id) => signalItem(state.signals.get(id), false)));
    if (state.selected) ul.querySelector(`[data-signal="${CSS.escape(state.selected)}"]`)?.classList.add('selected');
    $('#signal-count').textContent = state.order.length;
  }
  function addSignal(s, live) {
    if (state.signals.has(s.signal_id)) return;
    state.signals.set(s.signal_id, s);
    state.order.unshift(s.signal_id);
    if (state.order.length > 100) state.signals.delete(state.order.pop());
    if (live) {
      const ul = $('#feed');
      ul.prepend(signalItem(s, true));
      $('#signal-count').textContent = state.order.length;
    }
  }
  async function select(id) {
    state.selected = id;
    document.querySelectorAll('#feed li').forEach((li) => li.classList.toggle('selected', li.dataset.signal === id));
    const s = state.signals.get(id);
    if (s) drawChart(s);
    await renderBrief(id);
  }

  // ---- brief and fire ----
  async function renderBrief(signalId) {
    const box = $('#brief');
    const m = state.missions.get(signalId);
    const s = state.signals.get(signalId);
    if (!m) {
      box.replaceChildren(el('p', { class: 'muted' }, s && s.accepted ? 'No mission for you on this signal (tier, class or slots).' : 'Signal not offered.'));
      return;
    }
    const r = await api(`/api/missions/${encodeURIComponent(m.mission_id)}`);
    if (!r.ok) { box.replaceChildren(el('p', { class: 'muted' }, 'Mission unavailable.')); return; }
    const b = r.data, sig = b.signal, o = b.order, d = digitsFor(sig.symbol);
    const v = b.verdict;
    const fired = b.fire;
    const button = el('button', { class: 'fire', id: 'fire-button', disabled: !v.approved || !!fired || !me.can_fire }, fired ? `FIRED · ${fired.state}` : 'FIRE');
    button.addEventListener('click', () => fire(b, button));
    box.replaceChildren(
      el('h3', {}, `Mission ${sig.symbol} `, el('span', { class: sig.direction === 'BUY' ? 'buy' : 'sell' }, sig.direction)),
      el('div', { class: 'verdict ' + (v.approved ? 'ok' : 'bad'), id: 'verdict' },
        v.approved ? 'All risk checks pass.' : `Refused: ${v.reason} — ${v.detail}`),
      el('dl', {},
        el('dt', {}, 'Entry'), el('dd', {}, fmtPrice(sig.entry, d) + ' (market)'),
        el('dt', {}, 'Stop loss'), el('dd', {}, `${fmtPrice(sig.sl, d)} (${Number(sig.sl_pips).toFixed(1)} pips)`),
        el('dt', {}, 'Take profit'), el('dd', {}, `${fmtPrice(sig.tp, d)} (${Number(sig.tp_pips).toFixed(1)} pips)`),
        el('dt', {}, 'Lot'), el('dd', { id: 'lot' }, o ? o.lot.toFixed(2) : (b.lot_preview ? b.lot_preview.toFixed(2) + ' (preview)' : '–')),
        el('dt', {}, 'Risk'), el('dd', {}, o ? `${money(o.risk_amount)} (${o.risk_pct}% of ${money(o.balance)})` : '–'),
        el('dt', {}, 'Slots'), el('dd', {}, o ? `${o.slots_used} / ${o.slots_max}` : '–'),
        el('dt', {}, 'Expires'), el('dd', {}, fmtTime(b.expires_ns))),
      button);
  }
  async function fire(brief, button) {
    button.disabled = true;
    button.textContent = 'FIRING…';
    brief._key = brief._key || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, '');
    const r = await api('/api/fire', { method: 'POST', body: { mission_id: brief.mission_id, idempotency_key: brief._key } });
    const f = r.data || {};
    if (r.status === 202 || (r.status === 200 && f.duplicate)) {
      toast(`Fire ${f.fire_id} ${f.state}`, 'ok');
      button.textContent = `FIRED · ${f.state}`;
    } else {
      toast(`Fire refused: ${f.reason || f.error} ${f.reason_detail || f.message || ''}`, 'bad');
      button.textContent = f.state ? `${f.state}: ${f.reason}` : 'REFUSED';
      const v = $('#verdict');
      if (v) { v.className = 'verdict bad'; v.textContent = `Refused: ${f.reason || f.error} — ${f.reason_detail || f.message || ''}`; }
    }
    refreshFires();
    refreshAccount();
  }

  // ---- side panels ----
  async function refreshMissions() {
    const r = await api('/api/missions');
    if (!r.ok) return;
    state.missions = new Map(r.data.missions.map((m) => [m.signal_id, m]));
    for (const m of r.data.missions) if (m.signal) addSignal(m.signal, false);
    $('#missions').replaceChildren(table(['Symbol', 'Dir', 'Lot', 'Expires', ''], r.data.missions.map((m) =>
      el('tr', {}, el('td', {}, m.signal ? m.signal.symbol : '?'),
        el('td', { class: m.signal && m.signal.direction === 'BUY' ? 'buy' : 'sell' }, m.signal ? m.signal.direction : ''),
        el('td', { class: 'num' }, m.lot_preview.toFixed(2)), el('td', {}, left(m.expires_ns)),
        el('td', {}, el('button', { onclick: () => select(m.signal_id), 'data-mission': m.mission_id }, 'Brief'))))));
  }
  async function refreshFires() {
    const r = await api('/api/fires?limit=20');
    if (!r.ok) return;
    $('#fires').replaceChildren(table(['Fire', 'Symbol', 'Lot', 'State', 'When'], r.data.fires.map((f) =>
      el('tr', { 'data-fire': f.fire_id }, el('td', { class: 'muted' }, f.fire_id.slice(-8)), el('td', {}, `${f.symbol} `, el('span', { class: f.direction === 'BUY' ? 'buy' : 'sell' }, f.direction)),
        el('td', { class: 'num' }, f.lot.toFixed(2)), el('td', {}, el('span', { class: 'state ' + f.state, title: f.reason_detail }, f.state + (f.reason ? ` (${f.reason})` : ''))),
        el('td', {}, ago(f.updated_ns))))));
    const p = await api('/api/positions');
    if (!p.ok) return;
    $('#positions').replaceChildren(table(['Symbol', 'Lot', 'Open', 'Mark', 'SL', 'TP'], p.data.open.map((x) => {
      const d = digitsFor(x.symbol);
      return el('tr', {}, el('td', {}, `${x.symbol} `, el('span', { class: x.direction === 'BUY' ? 'buy' : 'sell' }, x.direction)),
        el('td', { class: 'num' }, x.lot.toFixed(2)), el('td', { class: 'num' }, fmtPrice(x.open_price, d)),
        el('td', { class: 'num' }, fmtPrice(x.mark_price, d)), el('td', { class: 'num' }, fmtPrice(x.sl, d)), el('td', { class: 'num' }, fmtPrice(x.tp, d)));
    })));
  }
  async function refreshAccount() {
    const r = await api('/api/account');
    if (!r.ok) return;
    const a = r.data, ea = a.ea;
    const badge = $('#ea-state');
    badge.textContent = ea ? (a.ea_online ? 'EA online' : `EA offline (${ago(ea.last_seen_ns)})`) : 'no EA linked';
    badge.className = 'badge ' + (a.ea_online ? 'ok' : 'bad');
    $('#mode').value = a.mode;
    const halt = $('#halt');
    halt.hidden = !(a.global_halt || a.halted);
    halt.textContent = a.global_halt ? `Trading is halted: ${a.global_halt_reason}` : a.halted ? `Your trading is halted: ${a.halt_reason}` : '';
    const kv = [['Tier', a.tier], ['Balance', ea ? money(ea.balance, ea.currency) : '–'], ['Equity', ea ? money(ea.equity, ea.currency) : '–'],
      ['Broker', ea ? `${ea.broker} #${ea.account_login}` : '–'], ['Slots', `${a.slots_used} / ${a.slots_max}`],
      ['Trades today', `${a.trades_today} / ${a.max_trades_per_day}`], ['P&L today', money(a.realized_pnl_today)]];
    $('#account').replaceChildren(...kv.flatMap(([k, v]) => [el('div', {}, k), el('div', {}, v)]));
  }
  $('#mode').addEventListener('change', async (e) => {
    const r = await api('/api/mode', { method: 'POST', body: { mode: e.target.value } });
    if (!r.ok) { toast(`Mode refused: ${(r.data && (r.data.reason || r.data.error)) || r.status}`, 'bad'); refreshAccount(); }
    else toast(`Mode: ${r.data.mode}`, 'ok');
  });
  $('#tf').addEventListener('change', () => state.selected && drawChart(state.signals.get(state.selected)));

  // ---- start ----
  const sig = await api('/api/signals?limit=50');
  if (sig.ok) sig.data.signals.slice().reverse().forEach((s) => addSignal(s, false));
  await refreshMissions();
  renderFeed();
  refreshFires();
  refreshAccount();
  B.connect((msg) => {
    if (msg.type === 'signal') { addSignal(msg.data, true); }
    else if (msg.type === 'mission') {
      state.missions.set(msg.data.signal_id, msg.data);
      if (msg.data.signal) addSignal(msg.data.signal, true);
      toast(`New mission: ${msg.data.signal ? msg.data.signal.symbol + ' ' + msg.data.signal.direction : msg.data.mission_id}`);
      refreshMissions().then(renderFeed);
    } else if (msg.type === 'fire') {
      toast(`Fire ${msg.data.fire_id}: ${msg.data.state}${msg.data.reason ? ' (' + msg.data.reason + ')' : ''}`);
      refreshFires();
      refreshAccount();
    }
  }, (up) => { const b = $('#ws-state'); b.textContent = up ? 'live' : 'reconnecting'; b.className = 'badge ' + (up ? 'ok' : 'warn'); });
  setInterval(() => document.querySelectorAll('.ago').forEach((e) => (e.textContent = ago(Number(e.dataset.ns)))), 5000);
  setInterval(refreshAccount, 15000);
})();
