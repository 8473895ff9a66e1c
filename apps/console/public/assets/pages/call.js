/** One call: summary, setup timings, timeline, per-participant uPlot charts, CSV export. */
import { api, query } from '../api.js';
import { lineChart } from '../charts.js';
import { duration, endReasonName, h, table, time } from '../dom.js';

const METRICS = [
  { key: 'bitrateKbps', title: 'Bitrate (kbit/s)' },
  { key: 'packetLossPct', title: 'Packet loss (%)' },
  { key: 'jitterMs', title: 'Jitter (ms)' },
  { key: 'rttMs', title: 'RTT (ms)' },
  { key: 'fps', title: 'Frame rate (fps)' },
  { key: 'mos', title: 'MOS', range: [1, 4.5] },
];

const ms = (v) => (v === undefined ? '—' : `${Math.round(v)} ms`);

/** One chart per metric: a series per track (kind, direction, peer); x = the participant's sample times. */
function participantCharts(userId, deviceId, samples) {
  const own = samples.filter((s) => s.userId === userId && s.deviceId === deviceId);
  const xs = [...new Set(own.map((s) => s.at))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  return METRICS.map(({ key, title, range }) => {
    const tracks = new Map();
    for (const s of own) {
      if (s[key] === undefined || s[key] === null) continue;
      const label = `${s.kind} ${s.direction}${s.peerUserId ? ` ${s.direction === 'send' ? '→' : '←'} ${s.peerUserId}` : ''}`;
      if (!tracks.has(label)) tracks.set(label, new Array(xs.length).fill(null));
      tracks.get(label)[index.get(s.at)] = s[key];
    }
    // Sorted, so a track has the same colour in every chart.
    const series = [...tracks].sort(([a], [b]) => a.localeCompare(b)).map(([label, values]) => ({ label, values }));
    if (series.length === 0)
      return h(
        'div',
        { class: 'chart panel muted', 'data-testid': `chart-${userId}-${key}`, 'data-points': '0' },
        h('h3', {}, title),
        'no samples',
      );
    return lineChart({ title, xs, series, range, testid: `chart-${userId}-${key}` });
  });
}

export async function renderCall(root, ctx) {
  const callId = ctx.arg;
  const detail = await api(`/calls/${encodeURIComponent(callId)}${query({ appKey: ctx.appKey })}`);
  if (!ctx.isCurrent()) return;
  const { call, participants, events, samples } = detail;
  root.querySelector('h1').textContent = `Call ${call.callId}`;
  const csvHref = `/console/api/calls/${encodeURIComponent(callId)}/samples.csv${query({ appKey: ctx.appKey })}`;
  root.append(
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, call.live ? 'live' : duration(call.durationMs)),
        h('div', { class: 'label' }, call.live ? 'in flight' : 'duration'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, `${call.conversationType === 3 ? 'group' : '1:1'} ${call.mediaType === 2 ? 'video' : 'audio'}`),
        h('div', { class: 'label' }, 'type'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, (call.mediaPath ?? '—').toUpperCase()),
        h('div', { class: 'label' }, call.relayed ? 'media path (relayed by TURN)' : 'media path'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, call.qualityMos === undefined ? '—' : call.qualityMos.toFixed(2)),
        h('div', { class: 'label' }, 'mean MOS'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, endReasonName(call.endReason)),
        h('div', { class: 'label' }, 'end reason (caller)'),
      ),
    ),
    h(
      'p',
      {},
      `Invited ${time(call.createdAt)} · connected ${time(call.beginAt)} · ended ${time(call.endAt)} · `,
      h('a', { href: csvHref, download: `call-${callId}.csv`, 'data-testid': 'csv-export' }, 'CSV export'),
    ),
    h('h2', {}, 'Participants and setup timings'),
    table(
      ['user', 'device', 'joined', 'left', 'end reason', 'invite → ringing', 'accept → ICE', 'accept → first frame', 'MOS', 'candidates'],
      participants.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, p.userId, p.isCaller ? h('span', { class: 'tag' }, 'caller') : null),
          h('td', {}, p.deviceId || '—'),
          h('td', {}, time(p.joinedAt)),
          h('td', {}, time(p.leftAt)),
          h('td', {}, endReasonName(p.endReason)),
          h('td', {}, ms(p.setup.inviteToRingingMs)),
          h('td', {}, ms(p.setup.acceptToIceConnectedMs)),
          h('td', {}, ms(p.setup.acceptToFirstFrameMs)),
          h('td', {}, p.mos === undefined ? '—' : p.mos.toFixed(2)),
          h('td', {}, p.candidateTypes.join(', ') || '—'),
        ),
      ),
    ),
    h('h2', {}, 'Timeline'),
    table(
      ['time', 'event', 'user', 'device', 'detail'],
      events.map((e) =>
        h(
          'tr',
          { 'data-event': e.kind },
          h('td', {}, new Date(e.at).toLocaleTimeString()),
          h('td', {}, e.kind),
          h('td', {}, e.userId || '—'),
          h('td', {}, e.deviceId || '—'),
          h('td', { class: 'muted' }, e.detail ? JSON.stringify(e.detail) : ''),
        ),
      ),
    ),
  );
  for (const p of participants) {
    root.append(
      h('h2', {}, `Quality of ${p.userId}`),
      h('div', { class: 'charts', 'data-participant': p.userId }, participantCharts(p.userId, p.deviceId, samples)),
    );
  }
}
