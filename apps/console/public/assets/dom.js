/** DOM helpers: elements are built with text nodes only (no HTML strings from data). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function table(headers, rows) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', {}, t)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

export function time(ms) {
  return ms ? new Date(ms).toLocaleString() : '—';
}

export function duration(ms) {
  if (!ms || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function field(label, input) {
  return h('label', { class: 'field' }, label, input);
}

export function card(label, value, testid) {
  return h('div', { class: 'card', 'data-testid': testid }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
}

/** Values of a form's named inputs, empty ones left out. */
export function formValues(form) {
  const out = {};
  for (const [key, value] of new FormData(form)) if (value !== '') out[key] = String(value);
  return out;
}

/** End reason names, from the server's table (`GET /console/api/meta`), set once at start. */
const endReasons = new Map();

export function setEndReasons(names) {
  for (const [code, name] of Object.entries(names)) endReasons.set(Number(code), name);
}

export function endReasonName(code) {
  return code === undefined || code === null ? '—' : `${endReasons.get(code) ?? 'UNKNOWN'} (${code})`;
}

export function endReasonOptions() {
  return [...endReasons].map(([code, name]) => ({ code, name }));
}
