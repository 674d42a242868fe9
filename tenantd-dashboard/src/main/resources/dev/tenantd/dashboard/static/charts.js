// Analytics: requests, errors and CPU time p50/p99 of a namespace, of its scripts carrying a tag,
// or of one script, over the last hour, day or week, read from the GraphQL Analytics API
// (workersInvocationsAdaptive) and drawn as small SVG charts built element by element (no chart
// library, no markup strings).
import { AuthError, graphql, session } from './api.js';
import { h, replace } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const MINUTE = 60_000;
/** Each range is read grouped by one of the dataset's time dimensions. */
export const RANGES = {
  hour: { label: 'Last hour', span: 60 * MINUTE, step: MINUTE, dimension: 'datetimeMinute' },
  day: { label: 'Last day', span: 24 * 60 * MINUTE, step: 15 * MINUTE, dimension: 'datetimeFifteenMinutes' },
  week: { label: 'Last week', span: 7 * 24 * 60 * MINUTE, step: 60 * MINUTE, dimension: 'datetimeHour' },
};

/** The analytics of a namespace (script null: with a tag filter) or of one of its scripts, with a range picker. */
export function analyticsView(namespace, script, onAuthError) {
  const range = h('select', { id: 'analytics-range' },
    Object.entries(RANGES).map(([key, r]) => h('option', { value: key }, r.label)));
  const tag = script ? null : h('input', { type: 'search', id: 'analytics-tag', placeholder: 'all scripts' });
  const charts = h('div', { id: 'analytics-charts', class: 'charts' });
  const note = h('p', { class: 'muted', id: 'analytics-note', role: 'status' });
  let ticket = 0;

  async function load() {
    const mine = ++ticket;
    let buckets;
    try {
      buckets = await series(RANGES[range.value], namespace, script, tag ? tag.value.trim() : '');
    } catch (e) {
      // a view that has been left (or a newer range) ignores what arrives late
      if (mine !== ticket || !charts.isConnected) return;
      if (e instanceof AuthError) return onAuthError(e);
      note.className = 'error';
      replace(note, e.message);
      return;
    }
    if (mine !== ticket || !charts.isConnected) return;
    replace(charts,
      chart('requests', 'Requests', buckets, [{ key: 'requests', label: 'requests', cls: 'series-a' }], (v) => String(v)),
      chart('errors', 'Errors', buckets, [{ key: 'errors', label: 'errors', cls: 'series-bad' }], (v) => String(v)),
      chart('cpu', 'CPU time', buckets, [
        { key: 'p50', label: 'p50', cls: 'series-a' },
        { key: 'p99', label: 'p99', cls: 'series-b' }], (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`));
    note.className = 'muted';
    replace(note);
    charts.dataset.loaded = String(mine);
  }

  let typing = null;
  range.addEventListener('change', load);
  tag?.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(load, 250);
  });
  load();
  return h('div', { class: 'analytics' },
    h('p', {}, h('label', { class: 'inline' }, 'Range ', range), ' ',
      tag ? h('label', { class: 'inline' }, ' Scripts with tag ', tag) : null, ' ',
      h('button', { type: 'button', id: 'analytics-refresh', class: 'plain', onclick: load }, 'Refresh')),
    charts, note);
}

/**
 * One bucket per step of the range, from one GraphQL query grouped by the range's time
 * dimension. Every value goes in as a variable, never into the query's text.
 */
async function series(r, namespace, script, tag) {
  const first = Math.floor((Date.now() - r.span) / r.step) * r.step + r.step;
  const count = Math.round(r.span / r.step);
  const buckets = Array.from({ length: count }, (_, i) => ({ t: first + i * r.step, requests: 0, errors: 0, p50: 0, p99: 0 }));
  const variables = { accountTag: session()?.account ?? '', since: new Date(first).toISOString(), namespace };
  const declared = ['$accountTag: string', '$since: Time', '$namespace: string'];
  const filter = ['dispatchNamespaceName: $namespace', 'datetime_geq: $since'];
  if (script) {
    variables.script = script;
    declared.push('$script: string');
    filter.push('scriptName: $script');
  }
  if (tag) {
    variables.tag = tag;
    declared.push('$tag: string');
    filter.push('scriptTag: $tag');
  }
  const query = `query DashboardCharts(${declared.join(', ')}) { viewer { accounts(filter: {accountTag: $accountTag}) {
    workersInvocationsAdaptive(limit: 10000, filter: {${filter.join(', ')}}, orderBy: [${r.dimension}_ASC]) {
      sum { requests errors } quantiles { cpuTimeP50 cpuTimeP99 } dimensions { ${r.dimension} } } } } }`;
  const data = await graphql(query, variables);
  for (const row of data?.viewer?.accounts?.[0]?.workersInvocationsAdaptive ?? []) {
    const i = Math.floor((Date.parse(row.dimensions[r.dimension]) - first) / r.step);
    if (!(i >= 0 && i < count)) continue;
    buckets[i].requests = Number(row.sum.requests) || 0;
    buckets[i].errors = Number(row.sum.errors) || 0;
    // the dataset's quantiles are in microseconds
    buckets[i].p50 = (Number(row.quantiles.cpuTimeP50) || 0) / 1000;
    buckets[i].p99 = (Number(row.quantiles.cpuTimeP99) || 0) / 1000;
  }
  return buckets;
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
