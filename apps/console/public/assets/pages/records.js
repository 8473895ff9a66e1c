/** Call records: search by user, time range, end reason, duration and quality; every side's end reason; paging. */
import { api, query } from '../api.js';
import { duration, endReasonName, endReasonOptions, field, h, table, time } from '../dom.js';

const SIZE = 20;

function toMs(local) {
  return local ? new Date(local).getTime() : undefined;
}

export async function renderRecords(root, ctx) {
  const params = new URLSearchParams(location.search);
  const input = (name, attrs = {}) => h('input', { name, value: params.get(name) ?? '', ...attrs });
  const reason = h(
    'select',
    { name: 'endReason' },
    h('option', { value: '' }, 'any'),
    endReasonOptions().map((r) =>
      h('option', { value: r.code, selected: params.get('endReason') === String(r.code) }, `${r.name} (${r.code})`),
    ),
  );
  const form = h(
    'form',
    { class: 'inline panel', 'data-testid': 'records-search' },
    field('user id', input('userId', { size: 14 })),
    field('from', input('from', { type: 'datetime-local' })),
    field('to', input('to', { type: 'datetime-local' })),
    field('end reason', reason),
    field('min duration (s)', input('minS', { type: 'number', min: 0, style: 'width:80px' })),
    field('max duration (s)', input('maxS', { type: 'number', min: 0, style: 'width:80px' })),
    field('min MOS', input('minMos', { type: 'number', min: 1, max: 4.5, step: 0.1, style: 'width:70px' })),
    field('max MOS', input('maxMos', { type: 'number', min: 1, max: 4.5, step: 0.1, style: 'width:70px' })),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ''));
    ctx.navigate(`/console/calls${query(values)}`);
  });
  root.append(form);
  const page = Number(params.get('page') ?? '1') || 1;
  const seconds = (name) => (params.get(name) ? Number(params.get(name)) * 1000 : undefined);
  const search = {
    appKey: ctx.appKey,
    userId: params.get('userId'),
    from: toMs(params.get('from')),
    to: toMs(params.get('to')),
    endReason: params.get('endReason'),
    minDurationMs: seconds('minS'),
    maxDurationMs: seconds('maxS'),
    minMos: params.get('minMos'),
    maxMos: params.get('maxMos'),
    page,
    size: SIZE,
  };
  const { total, calls } = await api(`/calls${query(search)}`);
  if (!ctx.isCurrent()) return;
  const rows = calls.map((call) =>
    h(
      'tr',
      { 'data-call': call.callId },
      h(
        'td',
        {},
        h(
          'a',
          {
            href: `/console/calls/${call.callId}`,
            onclick: (e) => {
              e.preventDefault();
              ctx.navigate(`/console/calls/${call.callId}`);
            },
          },
          call.callId,
        ),
      ),
      h('td', {}, time(call.createdAt)),
      h('td', {}, `${call.conversationType === 3 ? 'group' : '1:1'} ${call.mediaType === 2 ? 'video' : 'audio'}`),
      h('td', {}, duration(call.durationMs)),
      h(
        'td',
        { 'data-testid': 'record-reasons' },
        call.participants.map((p) =>
          h('div', {}, `${p.userId}${p.isCaller ? ' (caller)' : ''}: `, h('span', { class: 'reason' }, endReasonName(p.endReason))),
        ),
      ),
      h('td', {}, call.qualityMos === undefined ? '—' : call.qualityMos.toFixed(2)),
    ),
  );
  const pages = Math.max(1, Math.ceil(total / SIZE));
  const go = (to) => {
    params.set('page', String(to));
    ctx.navigate(`/console/calls?${params}`);
  };
  root.append(
    h('p', { class: 'muted', 'data-testid': 'records-total' }, `${total} call(s)`),
    table(['call', 'invited', 'type', 'duration', 'end reasons (each side)', 'MOS'], rows),
    h(
      'div',
      { class: 'pager' },
      h('button', { class: 'secondary', disabled: page <= 1, onclick: () => go(page - 1) }, '‹ Previous'),
      h('span', {}, `page ${page} of ${pages}`),
      h('button', { class: 'secondary', disabled: page >= pages, onclick: () => go(page + 1) }, 'Next ›'),
    ),
  );
}
