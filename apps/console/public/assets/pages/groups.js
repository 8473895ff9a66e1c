/** Groups: a group's members and whether they are online. */
import { api, query } from '../api.js';
import { field, h, table } from '../dom.js';

export async function renderGroups(root, ctx) {
  const params = new URLSearchParams(location.search);
  const input = h('input', { name: 'groupId', required: true, value: params.get('groupId') ?? '', 'data-testid': 'group-id' });
  const form = h('form', { class: 'inline' }, field('group id', input), h('button', { type: 'submit' }, 'Show members'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`/console/groups${query({ groupId: input.value })}`);
  });
  root.append(form);
  const groupId = params.get('groupId');
  if (!groupId) return;
  const group = await api(`/groups${query({ appKey: ctx.appKey, groupId })}`);
  if (!ctx.isCurrent()) return;
  root.append(
    h('h2', {}, `${group.groupId}: ${group.members.length} members`),
    table(
      ['member', 'state'],
      group.members.map((m) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `/console/users?userId=${encodeURIComponent(m.userId)}` }, m.userId)),
          h('td', {}, h('span', { class: `tag ${m.online ? 'good' : ''}` }, m.online ? 'online' : 'offline')),
        ),
      ),
    ),
  );
}
