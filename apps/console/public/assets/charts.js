/** uPlot charts (the library is loaded by index.html as the global `uPlot`). */
import { h } from './dom.js';

const COLORS = ['#2563eb', '#e11d48', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

/**
 * A line chart: `xs` in ms, each series `{ label, values }` aligned with `xs` (null = no sample).
 * `range` fixes the y axis (e.g. MOS 1–4.5). Returns the wrapper; the chart's element count and data are what the e2e test reads.
 */
export function lineChart({ title, xs, series, testid, range, width = 380, height = 180 }) {
  const wrapper = h('div', { class: 'chart panel', 'data-testid': testid, 'data-points': String(xs.length) }, h('h3', {}, title));
  if (typeof window.uPlot === 'undefined') {
    wrapper.append(h('p', { class: 'muted' }, 'uPlot did not load'));
    return wrapper;
  }
  const data = [xs.map((x) => x / 1000), ...series.map((s) => s.values)];
  const options = {
    width,
    height,
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
    axes: [{}, { size: 50 }],
    legend: { live: false },
    ...(range ? { scales: { y: { range } } } : {}),
  };
  new window.uPlot(options, data, wrapper);
  return wrapper;
}
