/**
 * The console shell: login, the shared header (nav + app selector + logout) and the router that
 * picks a page from the path (`/console/<page>`, `/console/calls/<callId>`).
 */
import { api, setCsrfToken, showError, whenUnauthenticated } from './api.js';
import { h, setEndReasons } from './dom.js';
import { renderApps } from './pages/apps.js';
import { renderCall } from './pages/call.js';
import { renderDeliveries } from './pages/deliveries.js';
import { renderGroups } from './pages/groups.js';
import { renderLive } from './pages/live.js';
import { renderOverview } from './pages/overview.js';
import { renderRecords } from './pages/records.js';
import { renderUsage } from './pages/usage.js';
import { renderUsers } from './pages/users.js';

const PAGES = [
  { path: '', title: 'Overview', render: renderOverview },
  { path: 'apps', title: 'Apps', render: renderApps },
  { path: 'users', title: 'Users', render: renderUsers },
  { path: 'groups', title: 'Groups', render: renderGroups },
  { path: 'live', title: 'Live calls', render: renderLive },
  { path: 'calls', title: 'Call records', render: renderRecords },
  { path: 'usage', title: 'Usage', render: renderUsage },
  { path: 'deliveries', title: 'Webhook deliveries', render: renderDeliveries },
];

const state = { appKey: '', apps: [], meta: undefined, renderToken: 0 };

function pageFor(pathname) {
  const rest = pathname.replace(/^\/console\/?/, '').replace(/\/$/, '');
  const callMatch = /^calls\/([A-Za-z0-9_-]+)$/.exec(rest);
  if (callMatch) return { page: { path: 'calls', title: 'Call', render: renderCall }, arg: callMatch[1] };
  return { page: PAGES.find((p) => p.path === rest) ?? PAGES[0], arg: undefined };
}

export function navigate(href) {
  history.pushState(null, '', href);
  route();
}

function link(href, text, active) {
  return h(
    'a',
    {
      href,
      class: active ? 'active' : undefined,
      onclick: (event) => {
        event.preventDefault();
        navigate(href);
      },
    },
    text,
  );
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...PAGES.map((p) => link(`/console${p.path ? `/${p.path}` : ''}`, p.title, p.path === current.path)));
  nav.hidden = false;
  document.getElementById('app-picker').hidden = false;
  document.getElementById('logout').hidden = false;
}

async function route() {
  showError(undefined);
  const { page, arg } = pageFor(location.pathname);
  renderNav(page);
  const root = document.getElementById('page');
  const token = ++state.renderToken;
  root.replaceChildren(h('h1', {}, page.title));
  document.title = `${page.title} · OpenCall console`;
  try {
    await page.render(root, {
      appKey: state.appKey,
      apps: state.apps,
      meta: state.meta,
      arg,
      navigate,
      isCurrent: () => token === state.renderToken,
    });
    root.dataset.ready = page.path || 'overview';
  } catch (error) {
    showError(error);
    root.dataset.ready = 'error';
  }
}

async function loadApps() {
  const { apps, defaultAppKey } = await api('/apps');
  state.apps = apps;
  const saved = localStorage.getItem('opencall.console.appKey');
  state.appKey = apps.some((a) => a.appKey === saved) ? saved : defaultAppKey;
  const select = document.getElementById('app-select');
  select.replaceChildren(
    ...apps.map((a) => h('option', { value: a.appKey, selected: a.appKey === state.appKey }, `${a.name} · ${a.environment} · ${a.appKey}`)),
  );
  select.onchange = () => {
    state.appKey = select.value;
    localStorage.setItem('opencall.console.appKey', state.appKey);
    route();
  };
}

async function start() {
  state.meta = await api('/meta');
  setEndReasons(state.meta.endReasons);
  await loadApps();
  document.getElementById('logout').onclick = async () => {
    await api('/logout', { method: 'POST' }).catch(() => undefined);
    location.href = '/console';
  };
  window.addEventListener('popstate', route);
  await route();
}

function renderLogin() {
  for (const id of ['nav', 'app-picker', 'logout']) document.getElementById(id).hidden = true;
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'console-password',
  });
  const form = h(
    'form',
    { class: 'panel login' },
    h('h1', {}, 'Log in'),
    h('p', { class: 'muted' }, 'The console password is OPENCALL_ADMIN_PASSWORD, or the one printed at the first start.'),
    password,
    h('button', { type: 'submit', 'data-testid': 'console-login' }, 'Log in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const session = await api('/login', { method: 'POST', body: { password: password.value } });
      setCsrfToken(session.csrfToken);
      showError(undefined);
      await start();
    } catch (error) {
      showError(error);
    }
  });
  document.getElementById('page').replaceChildren(form);
  document.getElementById('page').dataset.ready = 'login';
  password.focus();
}

whenUnauthenticated(() => renderLogin());

api('/session')
  .then((session) => {
    setCsrfToken(session.csrfToken);
    return start();
  })
  .catch((error) => {
    if (error.status !== 401) showError(error);
  });
