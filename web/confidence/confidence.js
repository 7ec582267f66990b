// Confidence analysis: reliability diagrams (predicted vs realised win rate by bucket) and the
// model registry's metrics over time.
'use strict';
(async () => {
  const { api, el, $, fmtTime, pct, table } = B;
  if (!(await B.requireUser())) return;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };
  // Reliability diagram: the diagonal is perfect calibration; dot size grows with the bucket's count.
  function diagram(buckets) {
    const W = 420, H = 300, P = 36;
    const x = (v) => P + v * (W - 2 * P), y = (v) => H - P - v * (H - 2 * P);
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'calibration' });
    for (let i = 0; i <= 10; i += 2) {
      s.append(svg('line', { x1: x(i / 10), y1: y(0), x2: x(i / 10), y2: y(1), stroke: '#21262d' }), svg('line', { x1: x(0), y1: y(i / 10), x2: x(1), y2: y(i / 10), stroke: '#21262d' }));
      const tx = svg('text', { x: x(i / 10), y: H - P + 16, fill: '#8b949e', 'font-size': 11, 'text-anchor': 'middle' }); tx.textContent = i * 10 + '%'; s.append(tx);
      const ty = svg('text', { x: P - 6, y: y(i / 10) + 4, fill: '#8b949e', 'font-size': 11, 'text-anchor': 'end' }); ty.textContent = i * 10 + '%'; s.append(ty);
    }
    s.append(svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: '#8b949e', 'stroke-dasharray': '4 4' }));
    const pts = buckets.filter((b) => b.count > 0);
    const max = Math.max(1, ...pts.map((b) => b.count));
    if (pts.length > 1) s.append(svg('polyline', { points: pts.map((b) => `${x(b.predicted)},${y(b.realised)}`).join(' '), fill: 'none', stroke: '#58a6ff', 'stroke-width': 2 }));
    for (const b of pts) {
      const c = svg('circle', { cx: x(b.predicted), cy: y(b.realised), r: 3 + 7 * Math.sqrt(b.count / max), fill: '#58a6ff', 'fill-opacity': 0.6 });
      const t = svg('title', {}); t.textContent = `${b.count} signals: predicted ${pct(b.predicted)}, won ${pct(b.realised)}`; c.append(t); s.append(c);
    }
    const lx = svg('text', { x: W / 2, y: H - 4, fill: '#8b949e', 'font-size': 11, 'text-anchor': 'middle' }); lx.textContent = 'predicted'; s.append(lx);
    if (!pts.length) { const e = svg('text', { x: W / 2, y: H / 2, fill: '#8b949e', 'text-anchor': 'middle' }); e.textContent = 'no graded signals in this window'; s.append(e); }
    return s;
  }
  const bucketTable = (bs) => table(['Bucket', 'Signals', 'Wins', 'Predicted', 'Realised', 'Gap'], bs.filter((b) => b.count > 0).map((b) =>
    el('tr', {}, el('td', {}, `${(100 * b.lo).toFixed(0)}–${(100 * b.hi).toFixed(0)}%`), el('td', { class: 'num' }, b.count), el('td', { class: 'num' }, b.wins),
      el('td', { class: 'num' }, pct(b.predicted)), el('td', { class: 'num' }, pct(b.realised)),
      el('td', { class: 'num ' + (b.realised < b.predicted ? 'sell' : 'buy') }, ((b.realised - b.predicted) * 100).toFixed(1) + ' pt'))));
  async function refreshCalibration() {
    const r = await api(`/api/confidence/calibration?days=${$('#days').value}`);
    if (!r.ok) return;
    $('#calib-chart').replaceChildren(diagram(r.data.model.buckets));
    $('#calib-model').replaceChildren(bucketTable(r.data.model.buckets));
    $('#calib-rule-chart').replaceChildren(diagram(r.data.rule_confidence.buckets));
    $('#calib-rule').replaceChildren(bucketTable(r.data.rule_confidence.buckets));
    $('#brier').textContent = r.data.model.brier === null ? 'Brier –' : `Brier ${r.data.model.brier.toFixed(3)} · n=${r.data.model.count}`;
  }
  let chart = null;
  async function refreshModels() {
    const r = await api('/api/confidence/models');
    if (!r.ok) return;
    const ms = r.data.models;
    $('#models').replaceChildren(table(['Version', 'Created', 'AUC', 'Log loss', 'Brier', 'Threshold', 'Status'], ms.slice().reverse().map((m) =>
      el('tr', {}, el('td', {}, m.version), el('td', {}, fmtTime(m.created_ns)), ...['auc', 'log_loss', 'brier'].map((k) => el('td', { class: 'num' }, m.metrics[k] !== undefined ? Number(m.metrics[k]).toFixed(3) : '–')),
        el('td', { class: 'num' }, m.threshold.toFixed(2)), el('td', {}, m.is_current ? el('span', { class: 'badge ok' }, 'current') : m.rolled_back_ns ? el('span', { class: 'badge bad' }, 'rolled back') : '')))));
    if (!window.LightweightCharts || !ms.length) return;
    if (!chart) chart = LightweightCharts.createChart($('#metrics-chart'), { height: 260, layout: { background: { color: '#161b22' }, textColor: '#c9d1d9' },
      grid: { vertLines: { color: '#21262d' }, horzLines: { color: '#21262d' } }, timeScale: { timeVisible: true } });
    const colors = { auc: '#58a6ff', brier: '#d29922', log_loss: '#f85149' };
    for (const k of Object.keys(colors)) {
      const seen = new Set();
      const data = ms.filter((m) => m.metrics[k] !== undefined).map((m) => ({ time: Math.floor(m.created_ns / 1e9), value: Number(m.metrics[k]) }))
        .filter((p) => !seen.has(p.time) && seen.add(p.time)).sort((a, b) => a.time - b.time);
      if (data.length) chart.addLineSeries({ color: colors[k], lineWidth: 2, title: k }).setData(data);
    }
    chart.timeScale().fitContent();
  }
  $('#days').addEventListener('change', refreshCalibration);
  refreshCalibration();
  refreshModels();
})();
