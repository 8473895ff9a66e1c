/** Apps: keys, services, disable, callback URLs, rotate secret (shown once), create. */
import { api, showError } from '../api.js';
import { field, formValues, h, table, time } from '../dom.js';

export async function renderApps(root, ctx) {
  const { apps, manageable } = await api('/apps');
  if (!ctx.isCurrent()) return;
  const notice = h('div', { 'data-testid': 'apps-notice' });
  root.append(notice);
  const act = (work) => async () => {
    try {
      const result = await work();
      if (result !== false) ctx.navigate(location.pathname);
    } catch (error) {
      showError(error);
    }
  };
  const showSecret = (title, lines) => {
    notice.replaceChildren(
      h(
        'div',
        { class: 'notice', 'data-testid': 'secret-once' },
        h('strong', {}, title),
        ...lines.map((l) => h('div', {}, h('code', {}, l))),
        h('div', { class: 'muted' }, 'Shown once: copy it now.'),
      ),
    );
  };
  if (!manageable)
    root.append(h('p', { class: 'muted' }, 'App administration is not available on this server: only the default app is listed.'));
  const rows = apps.map((app) =>
    h(
      'tr',
      { 'data-app': app.appKey },
      h(
        'td',
        {},
        h('div', {}, app.name),
        h('span', { class: 'tag' }, app.environment),
        app.disabled ? h('span', { class: 'tag bad' }, 'disabled') : null,
      ),
      h('td', {}, h('code', {}, app.appKey), h('div', { class: 'muted' }, `created ${time(app.createdAt)}`)),
      h('td', {}, `audio ${app.audioCallEnabled ? 'on' : 'off'}`, h('br'), `video ${app.videoCallEnabled ? 'on' : 'off'}`),
      h(
        'td',
        {},
        h('div', {}, `webhook: ${app.webhookUrl ?? '—'}`),
        h('div', {}, `RTC callback: ${app.rtcCallbackUrl ?? '—'}`),
        app.previousSecretValidUntil && app.previousSecretValidUntil > Date.now()
          ? h('div', { class: 'muted' }, `old secret valid until ${time(app.previousSecretValidUntil)}`)
          : null,
      ),
      h(
        'td',
        {},
        manageable
          ? [
              h(
                'button',
                {
                  class: 'secondary',
                  onclick: act(() => api('/apps/services', { method: 'POST', body: { appKey: app.appKey, audio: !app.audioCallEnabled } })),
                },
                app.audioCallEnabled ? 'Audio off' : 'Audio on',
              ),
              ' ',
              h(
                'button',
                {
                  class: 'secondary',
                  onclick: act(() => api('/apps/services', { method: 'POST', body: { appKey: app.appKey, video: !app.videoCallEnabled } })),
                },
                app.videoCallEnabled ? 'Video off' : 'Video on',
              ),
              ' ',
              h(
                'button',
                {
                  class: app.disabled ? 'secondary' : 'danger',
                  onclick: act(() => api('/apps/disabled', { method: 'POST', body: { appKey: app.appKey, disabled: !app.disabled } })),
                },
                app.disabled ? 'Enable' : 'Disable',
              ),
              ' ',
              h(
                'button',
                {
                  onclick: act(async () => {
                    const { appSecret, previousValidUntil } = await api('/apps/rotate-secret', {
                      method: 'POST',
                      body: { appKey: app.appKey, graceMinutes: 60 },
                    });
                    showSecret(`New secret of ${app.appKey}`, [appSecret, `old secret valid until ${time(previousValidUntil)}`]);
                    return false;
                  }),
                },
                'Rotate secret',
              ),
            ]
          : '—',
      ),
    ),
  );
  root.append(table(['app', 'App Key', 'services', 'callbacks', 'actions'], rows));
  if (!manageable) return;

  const callbacks = h(
    'form',
    { class: 'inline panel' },
    field(
      'App Key',
      h(
        'select',
        { name: 'appKey' },
        apps.map((a) => h('option', { value: a.appKey, selected: a.appKey === ctx.appKey }, a.appKey)),
      ),
    ),
    field('webhook URL (empty clears)', h('input', { name: 'webhookUrl', type: 'url', size: 36 })),
    field('RTC callback URL (empty clears)', h('input', { name: 'rtcCallbackUrl', type: 'url', size: 36 })),
    h('button', { type: 'submit' }, 'Save callbacks'),
  );
  callbacks.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = new FormData(callbacks);
    const url = (name) => (String(values.get(name) ?? '') === '' ? null : String(values.get(name)));
    act(() =>
      api('/apps/callbacks', {
        method: 'POST',
        body: { appKey: String(values.get('appKey')), webhookUrl: url('webhookUrl'), rtcCallbackUrl: url('rtcCallbackUrl') },
      }),
    )();
  });
  const create = h(
    'form',
    { class: 'inline panel' },
    field('new app name', h('input', { name: 'name', required: true, maxlength: 64 })),
    h('button', { type: 'submit' }, 'Create app'),
  );
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const created = await api('/apps', { method: 'POST', body: formValues(create) });
      showSecret(`Created ${created.projectId}`, [
        `development: ${created.development.appKey} / ${created.development.appSecret}`,
        `production: ${created.production.appKey} / ${created.production.appSecret}`,
      ]);
    } catch (error) {
      showError(error);
    }
  });
  root.append(h('h2', {}, 'Callbacks'), callbacks, h('h2', {}, 'New app'), create);
}
