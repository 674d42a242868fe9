// Analytics: requests, errors and CPU time p50/p99 of a namespace or a script over the last hour,
// day or week, drawn as small SVG charts built element by element (no chart library, no markup
// strings).
import { AuthError, accountPath, call } from './api.js';
import { h, replace } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const MINUTE = 60_000;
export const RANGES = {
  hour: { label: 'Last hour', span: 60 * MINUTE, step: MINUTE },
  day: { label: 'Last day', span: 24 * 60 * MINUTE, step: 30 * MINUTE },
  week: { label: 'Last week', span: 7 * 24 * 60 * MINUTE, step: 4 * 60 * MINUTE },
};
/** Records read per chart at most (pages of 1,000); beyond that the charts say they are partial. */
const MAX_RECORDS = 5000;

/** The analytics of a namespace (script absent) or of one of its scripts, with a range picker. */
export function analyticsView(namespace, script, onAuthError) {
  const range = h('select', { id: 'analytics-range' },
    Object.entries(RANGES).map(([key, r]) => h('option', { value: key }, r.label)));
  const charts = h('div', { id: 'analytics-charts', class: 'charts' });
  const note = h('p', { class: 'muted', id: 'analytics-note', role: 'status' });
  let ticket = 0;

  async function load() {
    const mine = ++ticket;
    const r = RANGES[range.value];
    let data;
    try {
      data = await fromRecords(namespace, script, r);
    } catch (e) {
      if (mine !== ticket) return;
      if (e instanceof AuthError) return onAuthError(e);
      note.className = 'error';
      replace(note, e.message);
      return;
    }
    if (mine !== ticket) return;
    const { buckets, partial } = data;
    replace(charts,
      chart('requests', 'Requests', buckets, [{ key: 'requests', label: 'requests', cls: 'series-a' }], (v) => String(v)),
      chart('errors', 'Errors', buckets, [{ key: 'errors', label: 'errors', cls: 'series-bad' }], (v) => String(v)),
      chart('cpu', 'CPU time', buckets, [
        { key: 'p50', label: 'p50', cls: 'series-a' },
        { key: 'p99', label: 'p99', cls: 'series-b' }], (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`));
    note.className = 'muted';
    replace(note, partial ? `Drawn from the newest ${MAX_RECORDS.toLocaleString()} invocation records of the range only.` : '');
    charts.dataset.loaded = String(mine);
  }

  range.addEventListener('change', load);
  load();
  return h('div', { class: 'analytics' },
    h('p', {}, h('label', { class: 'inline' }, 'Range ', range), ' ',
      h('button', { type: 'button', id: 'analytics-refresh', class: 'plain', onclick: load }, 'Refresh')),
    charts, note);
}

/**
 * The series read from the logs API: every record of the range (up to MAX_RECORDS), counted
 * into buckets of the range's step, with CPU percentiles per bucket.
 */
async function fromRecords(namespace, script, r) {
  const now = Date.now();
  const first = Math.floor((now - r.span) / r.step) * r.step + r.step;
  const count = Math.round(r.span / r.step);
  const cpu = Array.from({ length: count }, () => []);
  const buckets = Array.from({ length: count }, (_, i) => ({ t: first + i * r.step, requests: 0, errors: 0, p50: 0, p99: 0 }));
  const params = new URLSearchParams({ namespace, since: new Date(first).toISOString(), limit: '1000' });
  if (script) params.set('script', script);
  let read = 0;
  let cursor = null;
  do {
    if (cursor) params.set('cursor', cursor);
    const answer = await call(`${accountPath('workers', 'observability', 'invocations')}?${params}`);
    for (const rec of answer.result) {
      const i = Math.floor((Date.parse(rec.timestamp) - first) / r.step);
      if (i < 0 || i >= count) continue;
      buckets[i].requests += 1;
      if (rec.outcome !== 'ok' || rec.status >= 500) buckets[i].errors += 1;
      cpu[i].push(Number(rec.cpu_time_ms) || 0);
    }
    read += answer.result.length;
    cursor = answer.result_info?.cursor ?? null;
  } while (cursor && read < MAX_RECORDS);
  cpu.forEach((values, i) => {
    values.sort((a, b) => a - b);
    buckets[i].p50 = percentile(values, 0.5);
    buckets[i].p99 = percentile(values, 0.99);
  });
  return { buckets, partial: cursor !== null };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** One chart: a line per series over the buckets, the y axis from 0 to the largest value. */
function chart(id, title, buckets, series, format) {
  const W = 320;
  const H = 120;
  const PAD = { left: 44, right: 8, top: 10, bottom: 20 };
  const max = Math.max(0, ...buckets.flatMap((b) => series.map((s) => b[s.key])));
  const top = max === 0 ? 1 : max;
  const x = (i) => PAD.left + (buckets.length <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (buckets.length - 1));
  const y = (v) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
  const totals = Object.fromEntries(series.map((s) => [s.key, buckets.reduce((sum, b) => sum + b[s.key], 0)]));

  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(
    svgEl('line', { x1: PAD.left, y1: y(0), x2: W - PAD.right, y2: y(0), class: 'axis' }),
    svgEl('line', { x1: PAD.left, y1: y(top), x2: W - PAD.right, y2: y(top), class: 'grid' }),
    text(PAD.left - 4, y(top) + 4, format(top), 'end'),
    text(PAD.left - 4, y(0) + 4, format(0), 'end'),
    text(PAD.left, H - 4, clock(buckets[0]?.t), 'start'),
    text(W - PAD.right, H - 4, clock(buckets[buckets.length - 1]?.t), 'end'));
  for (const s of series) {
    const points = buckets.map((b, i) => `${x(i).toFixed(1)},${y(b[s.key]).toFixed(1)}`).join(' ');
    svg.append(svgEl('polyline', { points, class: `line ${s.cls}` }));
  }
  const legend = series.map((s) => h('span', { class: `legend ${s.cls}` }, s.label));
  const figure = h('figure', { class: 'chart-box', id: `chart-${id}` },
    h('figcaption', {}, title, ' ', legend), svg);
  for (const s of series) figure.dataset[s.key] = String(s.key.startsWith('p') ? Math.max(...buckets.map((b) => b[s.key])) : totals[s.key]);
  return figure;
}

function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function text(x, y, value, anchor) {
  const t = svgEl('text', { x, y, 'text-anchor': anchor, class: 'tick' });
  t.textContent = value;
  return t;
}

function clock(t) {
  if (t === undefined) return '';
  const d = new Date(t);
  return d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
