/** Users: look one up (online state, devices, ban, groups); ban, unban, revoke tokens. */
import { api, query, showError } from '../api.js';
import { field, h, table, time } from '../dom.js';

export async function renderUsers(root, ctx) {
  const params = new URLSearchParams(location.search);
  const input = h('input', { name: 'userId', required: true, value: params.get('userId') ?? '', 'data-testid': 'user-id' });
  const form = h('form', { class: 'inline' }, field('user id', input), h('button', { type: 'submit' }, 'Look up'));
  const result = h('div', { 'data-testid': 'user-result' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`/console/users${query({ userId: input.value })}`);
  });
  root.append(form, result);
  const userId = params.get('userId');
  if (!userId) return;
  const user = await api(`/users${query({ appKey: ctx.appKey, userId })}`);
  if (!ctx.isCurrent()) return;
  const act = (path, body) => async () => {
    try {
      await api(path, { method: 'POST', body: { appKey: ctx.appKey, userId, ...body } });
      ctx.navigate(location.pathname + location.search);
    } catch (error) {
      showError(error);
    }
  };
  const minutes = h('input', { type: 'number', min: 1, max: 43200, value: 60, size: 6 });
  result.append(
    h(
      'div',
      { class: 'panel' },
      h('h2', {}, `${user.userId}${user.name ? ` (${user.name})` : ''}`),
      h(
        'p',
        {},
        h('span', { class: `tag ${user.online ? 'good' : ''}`, 'data-testid': 'user-online' }, user.online ? 'online' : 'offline'),
        ' ',
        user.bannedUntil ? h('span', { class: 'tag bad' }, `banned until ${time(user.bannedUntil)}`) : null,
      ),
      h('p', { class: 'muted' }, `registered ${time(user.createdAt)} · tokens valid after ${time(user.tokensValidAfter)}`),
      h(
        'div',
        { class: 'row' },
        field('ban minutes', minutes),
        h('button', { class: 'danger', onclick: () => act('/users/ban', { minutes: Number(minutes.value) })() }, 'Ban'),
        h('button', { class: 'secondary', onclick: act('/users/unban') }, 'Unban'),
        h('button', { class: 'danger', onclick: act('/users/revoke-tokens') }, 'Revoke tokens'),
      ),
    ),
    h('h2', {}, 'Devices'),
    table(
      ['device', 'node', 'socket'],
      user.devices.map((d) =>
        h(
          'tr',
          {},
          h('td', {}, d.deviceId),
          h('td', {}, d.nodeId || 'this node'),
          h('td', {}, d.attached ? 'connected' : 'away (resumable)'),
        ),
      ),
    ),
    h('h2', {}, 'Groups'),
    table(
      ['group', 'name'],
      user.groups.map((g) =>
        h('tr', {}, h('td', {}, h('a', { href: `/console/groups?groupId=${encodeURIComponent(g.id)}` }, g.id)), h('td', {}, g.name)),
      ),
    ),
  );
}
