// A script's logs: its stored invocation records (the logs API, newest first, paged by cursor,
// filtered by outcome and text) and its live events (a tail, as wrangler tail uses it).
import { AuthError, accountPath, call } from './api.js';
import { h, replace, when } from './dom.js';

const PAGE = 25;
const OUTCOMES = ['ok', 'exception', 'exceededCpu', 'exceededMemory', 'exceededWallTime', 'exceededSubrequests',
  'canceled', 'loadShed', 'scriptNotFound', 'unknown'];
/** Live events kept on screen; older ones scroll away. */
const LIVE_KEPT = 200;

/** The stored records of one script, with outcome and text filters and "Older" paging. */
export function logsView(namespace, script, onAuthError) {
  const outcome = h('select', { id: 'logs-outcome' }, h('option', { value: '' }, 'any outcome'),
    OUTCOMES.map((o) => h('option', { value: o }, o)));
  const text = h('input', { type: 'search', id: 'logs-q', placeholder: 'Text in a console line or exception' });
  const list = h('div', { id: 'logs-list' });
  const more = h('button', { type: 'button', id: 'logs-older', hidden: true }, 'Older ›');
  const status = h('p', { class: 'muted', id: 'logs-status', role: 'status' });
  let cursor = null;
  let ticket = 0;

  async function load(fresh) {
    const mine = ++ticket;
    const params = new URLSearchParams({ namespace, script, limit: String(PAGE) });
    if (outcome.value) params.set('outcome', outcome.value);
    if (text.value.trim()) params.set('q', text.value.trim());
    if (!fresh && cursor) params.set('cursor', cursor);
    let answer;
    try {
      answer = await call(`${accountPath('workers', 'observability', 'invocations')}?${params}`);
    } catch (e) {
      // a view that has been left (or a newer filter) ignores what arrives late
      if (mine !== ticket || !list.isConnected) return;
      if (e instanceof AuthError) return onAuthError(e);
      replace(status, e.message);
      status.className = 'error';
      return;
    }
    if (mine !== ticket || !list.isConnected) return;
    if (fresh) replace(list);
    list.append(...answer.result.map(recordView));
    cursor = answer.result_info?.cursor ?? null;
    more.hidden = cursor === null;
    status.className = 'muted';
    replace(status, list.childElementCount === 0 ? 'No invocations recorded for this script match.' : '');
    list.dataset.loaded = String(mine);
  }

  let typing = null;
  const refilter = () => {
    clearTimeout(typing);
    typing = setTimeout(() => load(true), 250);
  };
  outcome.addEventListener('change', () => load(true));
  text.addEventListener('input', refilter);
  more.addEventListener('click', () => load(false));
  load(true);
  return h('div', { class: 'logs' },
    h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); load(true); } },
      h('label', {}, 'Outcome ', outcome), h('label', {}, 'Text ', text),
      h('button', { type: 'button', class: 'plain', onclick: () => load(true) }, 'Refresh')),
    list, status, more);
}

/** One stored record: its summary line, then its console lines and exception. */
function recordView(r) {
  const failed = r.outcome !== 'ok';
  return h('article', { class: `invocation${failed ? ' failed' : ''}`, 'data-id': r.id },
    h('header', {},
      when(r.timestamp), ' ',
      h('span', { class: `outcome ${failed ? 'bad' : 'good'}` }, r.outcome), ' ',
      h('span', { class: 'mono' }, `${r.status || '—'} ${r.request?.method ?? ''} ${r.request?.path ?? ''}`), ' ',
      h('span', { class: 'muted' }, `CPU ${ms(r.cpu_time_ms)} · wall ${ms(r.wall_time_ms)}`)),
    linesView(r.logs ?? [], r.exceptions ?? [], r.logs_truncated));
}

function linesView(logs, exceptions, truncated) {
  if (logs.length === 0 && exceptions.length === 0) return null;
  return h('pre', { class: 'console' },
    logs.map((l) => h('div', { class: `line level-${String(l.level)}` }, `${l.level}: ${message(l.message)}`)),
    truncated ? h('div', { class: 'muted' }, '(more console lines were dropped)') : null,
    exceptions.map((x) => h('div', { class: 'line exception' }, `${x.name}: ${x.message}`)));
}

/** A console call's arguments as the console shows them: strings bare, everything else as JSON. */
function message(args) {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

function ms(value) {
  return typeof value === 'number' ? `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms` : '—';
}

/**
 * Live events of one script: creates a tail, connects its WebSocket (subprotocol trace-v1) and
 * shows each event as it arrives. The tail is deleted when the view is left or the page closes.
 */
export function liveView(namespace, script, onAuthError) {
  const base = ['workers', 'dispatch', 'namespaces', namespace, 'scripts', script, 'tails'];
  const events = h('div', { id: 'live-events' });
  const state = h('span', { id: 'live-state', class: 'muted' }, 'Not connected.');
  const start = h('button', { type: 'button', id: 'live-start' }, 'Start live logs');
  const stop = h('button', { type: 'button', id: 'live-stop', hidden: true }, 'Stop');
  let tail = null;
  let socket = null;

  async function begin() {
    start.disabled = true;
    replace(state, 'Connecting…');
    try {
      tail = (await call(accountPath(...base), { method: 'POST', body: '{"filters":[]}',
        headers: { 'Content-Type': 'application/json' } })).result;
    } catch (e) {
      start.disabled = false;
      if (!events.isConnected) return;
      if (e instanceof AuthError) return onAuthError(e);
      replace(state, `Live logs could not start: ${e.message}`);
      return;
    }
    if (!events.isConnected) {
      end(); // the view was left while the tail was being created
      return;
    }
    socket = new WebSocket(tail.url, 'trace-v1');
    socket.addEventListener('open', () => {
      // the first frame wrangler sends; the server needs nothing more
      socket.send(JSON.stringify({ debug: false }));
      state.dataset.connected = 'true';
      replace(state, 'Connected: new invocations appear here as they end.');
      stop.hidden = false;
      start.hidden = true;
    });
    socket.addEventListener('message', (m) => {
      if (typeof m.data !== 'string') return;
      let event;
      try {
        event = JSON.parse(m.data);
      } catch {
        return;
      }
      events.prepend(eventView(event));
      while (events.childElementCount > LIVE_KEPT) events.lastElementChild.remove();
    });
    socket.addEventListener('close', () => {
      delete state.dataset.connected;
      replace(state, 'Disconnected.');
      end();
    });
  }

  /** Closes the socket and deletes the tail; keepalive lets the delete finish while the page unloads. */
  function end() {
    start.hidden = false;
    start.disabled = false;
    stop.hidden = true;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed in the dashboard');
    socket = null;
    if (tail) {
      const id = tail.id;
      tail = null;
      call(accountPath(...base, id), { method: 'DELETE', keepalive: true }).catch(() => {
        // the tail expires by itself on the server
      });
    }
  }

  start.addEventListener('click', begin);
  stop.addEventListener('click', end);
  window.addEventListener('pagehide', end);
  window.addEventListener('hashchange', function leave() {
    window.removeEventListener('hashchange', leave);
    window.removeEventListener('pagehide', end);
    end();
  });
  return h('div', { class: 'live' }, h('p', {}, start, stop, ' ', state), events);
}

/** One live event, shown like a stored record. */
function eventView(e) {
  const request = e.event?.request;
  const status = e.event?.response?.status;
  const failed = e.outcome !== 'ok';
  let path = '';
  try {
    path = request?.url ? new URL(request.url).pathname : '';
  } catch {
    path = String(request?.url ?? '');
  }
  return h('article', { class: `invocation${failed ? ' failed' : ''}` },
    h('header', {},
      when(new Date(e.eventTimestamp ?? Date.now()).toISOString()), ' ',
      h('span', { class: `outcome ${failed ? 'bad' : 'good'}` }, String(e.outcome)), ' ',
      h('span', { class: 'mono' }, `${status ?? '—'} ${request?.method ?? ''} ${path}`), ' ',
      h('span', { class: 'muted' }, `CPU ${ms(e.cpuTime)} · wall ${ms(e.wallTime)}`)),
    linesView(e.logs ?? [], e.exceptions ?? [], false));
}
