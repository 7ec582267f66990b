// Tracking: recent signals with their outcome state; per pattern / symbol / session statistics.
'use strict';
(async () => {
  const { api, el, $, fmtPrice, digitsFor, ago, pct, table } = B;
  if (!(await B.requireUser())) return;
  const statRows = (m) => Object.entries(m).sort((a, b) => b[1].total - a[1].total).map(([k, t]) =>
    el('tr', {}, el('td', {}, k.replaceAll('_', ' ')), el('td', { class: 'num' }, t.total), el('td', { class: 'num buy' }, t.wins),
      el('td', { class: 'num sell' }, t.losses), el('td', { class: 'num' }, t.other), el('td', { class: 'num' }, pct(t.win_rate)),
      el('td', { class: 'num' }, t.avg_r.toFixed(2)), el('td', { class: 'num' }, t.total_pips.toFixed(1))));
  const head = ['', 'Graded', 'Win', 'Loss', 'Other', 'Win rate', 'Avg R', 'Pips'];
  async function refreshStats() {
    const r = await api(`/api/tracking/stats?days=${$('#days').value}`);
    if (!r.ok) return;
    const o = r.data.overall;
    $('#overall').replaceChildren(...[['Graded signals', o.total], ['Wins', o.wins], ['Losses', o.losses], ['Timeouts / other', o.other],
      ['Win rate (W / W+L)', pct(o.win_rate)], ['Average R', o.avg_r.toFixed(2)], ['Total pips', o.total_pips.toFixed(1)]].flatMap(([k, v]) => [el('div', {}, k), el('div', {}, v)]));
    $('#by-pattern').replaceChildren(table(head, statRows(r.data.by_pattern)));
    $('#by-symbol').replaceChildren(table(head, statRows(r.data.by_symbol)));
    $('#by-session').replaceChildren(table(head, statRows(r.data.by_session)));
  }
  async function refreshSignals() {
    const r = await api('/api/tracking/signals?limit=100');
    if (!r.ok) return;
    $('#signals').replaceChildren(table(['When', 'Symbol', 'Dir', 'Pattern', 'Class', 'Entry', 'SL', 'TP', 'P(win)', 'Model', 'Outcome', 'Pips', 'R'], r.data.signals.map((s) => {
      const d = digitsFor(s.symbol);
      return el('tr', {}, el('td', {}, ago(s.detected_ns)), el('td', {}, s.symbol), el('td', { class: s.direction === 'BUY' ? 'buy' : 'sell' }, s.direction),
        el('td', {}, s.pattern.replaceAll('_', ' ').toLowerCase()), el('td', {}, s.signal_class), el('td', { class: 'num' }, fmtPrice(s.entry, d)),
        el('td', { class: 'num' }, fmtPrice(s.sl, d)), el('td', { class: 'num' }, fmtPrice(s.tp, d)), el('td', { class: 'num' }, s.probability === null ? '–' : pct(s.probability)),
        el('td', {}, s.accepted ? el('span', { class: 'badge ok' }, 'accepted') : el('span', { class: 'badge' }, 'rejected')),
        el('td', {}, el('span', { class: 'state ' + (s.outcome === 'WIN' ? 'FILLED' : s.outcome === 'LOSS' ? 'FAILED' : 'QUEUED') }, s.outcome)),
        el('td', { class: 'num' }, s.outcome_pips === null ? '–' : s.outcome_pips.toFixed(1)), el('td', { class: 'num' }, s.outcome_r === null ? '–' : s.outcome_r.toFixed(2)));
    })));
  }
  $('#days').addEventListener('change', refreshStats);
  refreshStats();
  refreshSignals();
  setInterval(() => { refreshStats(); refreshSignals(); }, 30000);
  B.connect((m) => { if (m.type === 'signal') refreshSignals(); },
    (up) => { const b = $('#ws-state'); b.textContent = up ? 'live' : 'reconnecting'; b.className = 'badge ' + (up ? 'ok' : 'warn'); });
})();
