/** Live calls (every node): participants, media path; kick one participant, end the call. */
import { api, query, showError } from '../api.js';
import { h, table, time } from '../dom.js';

export async function renderLive(root, ctx) {
  const { calls } = await api(`/live${query({ appKey: ctx.appKey })}`);
  if (!ctx.isCurrent()) return;
  const act = (path, body, confirmText) => async () => {
    if (!confirm(confirmText)) return;
    try {
      await api(path, { method: 'POST', body: { appKey: ctx.appKey, ...body } });
      ctx.navigate(location.pathname);
    } catch (error) {
      showError(error);
    }
  };
  root.append(
    h(
      'p',
      { class: 'muted' },
      `${calls.length} call(s) in flight.`,
      ' ',
      h('button', { class: 'secondary', onclick: () => ctx.navigate(location.pathname) }, 'Refresh'),
    ),
  );
  const rows = calls.map((call) =>
    h(
      'tr',
      { 'data-call': call.callId },
      h(
        'td',
        {},
        h('a', { href: `/console/calls/${call.callId}` }, call.callId),
        h('div', { class: 'muted' }, `${call.group ? 'group' : '1:1'} ${call.mediaType === 2 ? 'video' : 'audio'}`),
      ),
      h(
        'td',
        {},
        h('span', { class: 'tag' }, call.mediaPath.toUpperCase()),
        call.ownerNode ? h('div', { class: 'muted' }, `node ${call.ownerNode}`) : null,
      ),
      h('td', {}, time(call.createdAt), h('div', { class: 'muted' }, call.beginAt ? `connected ${time(call.beginAt)}` : 'ringing')),
      h(
        'td',
        {},
        call.participants
          .filter((p) => p.state !== 'left')
          .map((p) =>
            h(
              'div',
              {},
              `${p.userId} `,
              h('span', { class: 'tag' }, p.state),
              ' ',
              p.state === 'keeping'
                ? h(
                    'button',
                    { class: 'secondary', onclick: act('/live/kick', { callId: call.callId, userId: p.userId }, `Kick ${p.userId}?`) },
                    'Kick',
                  )
                : null,
            ),
          ),
      ),
      h(
        'td',
        {},
        h('button', { class: 'danger', onclick: act('/live/end', { callId: call.callId }, `End call ${call.callId}?`) }, 'End call'),
      ),
    ),
  );
  root.append(table(['call', 'media path', 'started', 'participants', ''], rows));
}
