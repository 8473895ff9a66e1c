/** Overview: live calls and users now (every node), stored figures for the chosen app and range. */
import { api, query, showError } from '../api.js';
import { lineChart } from '../charts.js';
import { card, endReasonName, h, table } from '../dom.js';

const RANGES = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

export async function renderOverview(root, ctx) {
  const picker = h(
    'select',
    { 'data-testid': 'overview-range' },
    Object.keys(RANGES).map((r) => h('option', { value: r }, `last ${r}`)),
  );
  picker.value = sessionStorage.getItem('opencall.console.range') ?? '24h';
  const body = h('div');
  root.append(h('div', { class: 'row' }, h('span', { class: 'muted' }, 'Range'), picker), body);
  const load = async () => {
    sessionStorage.setItem('opencall.console.range', picker.value);
    const to = Date.now();
    const from = to - RANGES[picker.value];
    const { live, stored } = await api(`/overview${query({ appKey: ctx.appKey, from, to })}`);
    if (!ctx.isCurrent()) return;
    const parts = [
      h('h2', {}, 'Now (all nodes)'),
      h(
        'div',
        { class: 'cards' },
        card('live calls', live.calls, 'live-calls'),
        card('connected users', live.users, 'connected-users'),
        card('connected devices', live.devices, 'connected-devices'),
      ),
    ];
    if (!stored) parts.push(h('p', { class: 'muted' }, 'Stored figures need the call queries (not available on this server).'));
    else parts.push(...storedFigures(stored, from, to));
    body.replaceChildren(...parts);
  };
  picker.onchange = () => load().catch(showError);
  await load();
}

function storedFigures(stored, from, to) {
  const byMinute = new Map(stored.callsPerMinute.map((m) => [m.minute, m.calls]));
  const step = to - from > 2 * 86_400_000 ? 3600_000 : 60_000;
  const xs = [];
  const values = [];
  for (let t = Math.floor(from / step) * step; t <= to; t += step) {
    let sum = 0;
    for (let m = t; m < t + step; m += 60_000) sum += byMinute.get(m) ?? 0;
    xs.push(t);
    values.push(sum);
  }
  const bands = stored.qualityBands;
  const bandTotal = Math.max(1, bands.good + bands.fair + bands.poor + bands.bad + bands.none);
  return [
    h('h2', {}, 'Stored calls in range'),
    h(
      'div',
      { class: 'cards' },
      card('setup p50 (accept → connected)', stored.setupMs.p50 === undefined ? '—' : `${Math.round(stored.setupMs.p50)} ms`, 'setup-p50'),
      card('setup p95', stored.setupMs.p95 === undefined ? '—' : `${Math.round(stored.setupMs.p95)} ms`, 'setup-p95'),
      card('setup samples', stored.setupMs.samples, 'setup-samples'),
    ),
    lineChart({
      title: step === 60_000 ? 'Calls per minute' : 'Calls per hour',
      xs,
      series: [{ label: 'calls', values }],
      testid: 'chart-calls-per-minute',
      width: 760,
    }),
    h('h2', {}, 'Quality (MOS bands)'),
    h(
      'div',
      { class: 'panel bars', 'data-testid': 'quality-bands' },
      ['good', 'fair', 'poor', 'bad', 'none'].map((band) =>
        h(
          'div',
          {},
          h('span', { style: 'width:60px' }, band),
          h('span', { class: 'bar-fill', style: `width:${Math.round((300 * bands[band]) / bandTotal)}px` }),
          h('span', {}, bands[band]),
        ),
      ),
    ),
    h('h2', {}, 'End reasons'),
    table(
      ['reason', 'calls'],
      stored.endReasons.map((r) => h('tr', {}, h('td', {}, endReasonName(r.reason)), h('td', {}, r.calls))),
    ),
  ];
}
