/** Usage per day: call minutes (audio / video × 1:1 / group) and peak concurrent calls. */
import { api, query } from '../api.js';
import { lineChart } from '../charts.js';
import { h, table } from '../dom.js';

const day = (ms) => new Date(ms).toISOString().slice(0, 10);

export async function renderUsage(root, ctx) {
  const params = new URLSearchParams(location.search);
  const toDay = params.get('toDay') ?? day(Date.now());
  const fromDay = params.get('fromDay') ?? day(Date.now() - 29 * 86_400_000);
  const from = h('input', { type: 'date', name: 'fromDay', value: fromDay });
  const to = h('input', { type: 'date', name: 'toDay', value: toDay });
  const form = h(
    'form',
    { class: 'inline' },
    h('label', { class: 'field' }, 'from', from),
    h('label', { class: 'field' }, 'to', to),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`/console/usage${query({ fromDay: from.value, toDay: to.value })}`);
  });
  root.append(form);
  const { days } = await api(`/usage${query({ appKey: ctx.appKey, fromDay, toDay })}`);
  if (!ctx.isCurrent()) return;
  const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`));
  const minutes = (key) => days.map((d) => d.minutes[key]);
  root.append(
    h(
      'div',
      { class: 'charts wide' },
      lineChart({
        title: 'Call minutes per day',
        xs,
        testid: 'chart-usage-minutes',
        width: 560,
        series: [
          { label: 'audio 1:1', values: minutes('audio1v1') },
          { label: 'video 1:1', values: minutes('video1v1') },
          { label: 'audio group', values: minutes('audioGroup') },
          { label: 'video group', values: minutes('videoGroup') },
        ],
      }),
      lineChart({
        title: 'Peak concurrent calls',
        xs,
        testid: 'chart-usage-peak',
        width: 560,
        series: [{ label: 'peak', values: days.map((d) => d.peakConcurrentCalls) }],
      }),
    ),
    table(
      ['day', 'calls', 'audio 1:1 min', 'video 1:1 min', 'audio group min', 'video group min', 'peak concurrent'],
      days.map((d) =>
        h(
          'tr',
          {},
          h('td', {}, d.day),
          h('td', {}, d.calls),
          h('td', {}, d.minutes.audio1v1.toFixed(1)),
          h('td', {}, d.minutes.video1v1.toFixed(1)),
          h('td', {}, d.minutes.audioGroup.toFixed(1)),
          h('td', {}, d.minutes.videoGroup.toFixed(1)),
          h('td', {}, d.peakConcurrentCalls),
        ),
      ),
    ),
  );
}
