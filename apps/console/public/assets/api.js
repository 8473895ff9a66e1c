/** The console API: JSON in and out, the CSRF token on every POST, errors shown with their code. */
let csrfToken = '';
let pending = 0;
let onUnauthenticated = () => undefined;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

function progress(delta) {
  pending += delta;
  document.getElementById('progress').hidden = pending === 0;
}

export function showError(error) {
  const box = document.getElementById('error');
  if (!error) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const code = document.createElement('code');
  code.textContent = error.code ?? 'console.client_error';
  box.replaceChildren(code, document.createTextNode(` — ${error.message}`));
  box.dataset.code = error.code ?? '';
  box.hidden = false;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `path` under /console/api; throws {@link ApiError}. Long requests show the progress bar. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken;
  }
  progress(+1);
  try {
    const response = await fetch(`/console/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const type = response.headers.get('content-type') ?? '';
    const data = type.includes('json') ? await response.json() : await response.text();
    if (!response.ok) {
      const error = new ApiError(response.status, data?.code ?? `http.${response.status}`, data?.message ?? response.statusText);
      if (response.status === 401 && path !== '/login') onUnauthenticated(error);
      throw error;
    }
    return data;
  } finally {
    progress(-1);
  }
}
