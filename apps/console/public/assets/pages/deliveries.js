/** Webhook deliveries in the outbox: status, attempts, last error; replay one. */
import { api, query, showError } from '../api.js';
import { h, table, time } from '../dom.js';

const SIZE = 50;

export async function renderDeliveries(root, ctx) {
  const params = new URLSearchParams(location.search);
  const status = params.get('status') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const picker = h(
    'select',
    {},
    ['', 'pending', 'failed'].map((s) => h('option', { value: s, selected: s === status }, s || 'any status')),
  );
  picker.onchange = () => ctx.navigate(`/console/deliveries${query({ status: picker.value })}`);
  root.append(h('div', { class: 'row' }, picker));
  const { total, rows } = await api(`/deliveries${query({ appKey: ctx.appKey, status, page, size: SIZE })}`);
  if (!ctx.isCurrent()) return;
  const replay = (id) => async () => {
    try {
      await api('/deliveries/replay', { method: 'POST', body: { id } });
      ctx.navigate(location.pathname + location.search);
    } catch (error) {
      showError(error);
    }
  };
  root.append(
    h('p', { class: 'muted' }, `${total} delivery(ies) in the outbox (delivered ones are removed).`),
    table(
      ['event', 'call', 'status', 'attempts', 'last error', 'created', 'due', ''],
      rows.map((r) =>
        h(
          'tr',
          { 'data-delivery': r.id },
          h('td', {}, r.event, h('div', { class: 'muted' }, r.topic)),
          h('td', {}, r.callId ? h('a', { href: `/console/calls/${r.callId}` }, r.callId) : '—'),
          h('td', {}, h('span', { class: `tag ${r.status === 'failed' ? 'bad' : ''}` }, r.status)),
          h('td', {}, r.attempts),
          h('td', { class: 'muted' }, r.lastError ?? '—'),
          h('td', {}, time(r.createdAt)),
          h('td', {}, r.failedAt ? `failed ${time(r.failedAt)}` : time(r.dueAt)),
          h('td', {}, h('button', { class: 'secondary', onclick: replay(r.id) }, 'Replay')),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `page ${page} of ${Math.max(1, Math.ceil(total / SIZE))}`),
  );
}
