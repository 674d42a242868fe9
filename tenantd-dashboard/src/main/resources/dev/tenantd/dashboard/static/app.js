// The dashboard's views: sign-in, namespaces, one namespace's scripts (search, paging, analytics,
// upload form) and one script's page (with its analytics, live logs and logs). Views are chosen by the URL's hash:
//   #/signin   #/   #/ns/<namespace>   #/ns/<namespace>/scripts/<script>
import { AuthError, accountPath, call, raw, session, signIn, signOut } from './api.js';
import { h, link, replace, route, when, json } from './dom.js';
import { highlight } from './highlight.js';
import { analyticsView } from './charts.js';
import { liveView, logsView } from './logs.js';

const main = document.getElementById('main');
const PER_PAGE = 50;
const SCRIPT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A message shown once on the next view (after a delete or a refused token). */
let notice = null;

window.addEventListener('hashchange', show);
document.getElementById('signout').addEventListener('click', () => {
  signOut();
  notice = { kind: 'info', text: 'Signed out.' };
  location.hash = '#/signin';
});
show();

/** The view's path in the hash, decoded; null for one that names no view (a bad escape, a "." or ".." part). */
function viewPath() {
  try {
    const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter((p) => p !== '').map(decodeURIComponent);
    return parts.some((p) => p === '.' || p === '..') ? null : parts;
  } catch (e) {
    return null;
  }
}

async function show() {
  const parts = viewPath() ?? [];
  const s = session();
  header(s);
  if (!s || parts[0] === 'signin') {
    if (s && parts[0] === 'signin') signOut();
    header(null);
    return signInView();
  }
  try {
    if (parts[0] === 'ns' && parts.length === 2) return await namespaceView(parts[1]);
    if (parts[0] === 'ns' && parts[2] === 'scripts' && parts.length === 4) return await scriptView(parts[1], parts[3]);
    return await namespacesView();
  } catch (e) {
    failed(e);
  }
}

/** A refused token ends the session and shows the sign-in page with the reason; other errors stay in view. */
function failed(e) {
  if (e instanceof AuthError) {
    signOut();
    notice = { kind: 'error', text: `Your token was refused; sign in again. ${e.message}` };
    header(null);
    if (location.hash !== '#/signin') {
      location.hash = '#/signin';
    } else {
      signInView();
    }
    return;
  }
  replace(main, h('p', { class: 'error', role: 'alert' }, e.message), h('p', {}, link([], 'Back to the namespaces')));
}

function header(s) {
  replace(document.getElementById('who'), s ? `account ${s.accountName}` : '');
  document.getElementById('signout').hidden = !s;
}

function takeNotice() {
  const n = notice;
  notice = null;
  return n ? h('p', { class: n.kind, role: n.kind === 'error' ? 'alert' : 'status', id: 'notice' }, n.text) : null;
}

// ---- sign-in

function signInView() {
  const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true,
    placeholder: 'API token' });
  const message = h('p', { id: 'signin-message', role: 'alert' });
  const form = h('form', { id: 'signin', class: 'card narrow' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Sign in with an API token of this tenantd (the one wrangler uses). It is kept in this tab only.'),
    h('label', { for: 'token' }, 'API token'), token,
    h('button', { type: 'submit' }, 'Sign in'),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(message);
    try {
      await signIn(token.value.trim());
      location.hash = '#/';
    } catch (e) {
      message.className = 'error';
      replace(message, e instanceof AuthError ? `That token was refused: ${e.message}` : e.message);
    }
  });
  replace(main, takeNotice(), form);
  token.focus();
}

// ---- namespaces

async function namespacesView() {
  const namespaces = (await call(accountPath('workers', 'dispatch', 'namespaces'))).result;
  const rows = namespaces.map((n) => h('tr', {},
    h('td', {}, link(['ns', n.namespace_name], n.namespace_name)),
    h('td', { class: 'num' }, n.script_count ?? 0),
    h('td', {}, when(n.created_on))));
  replace(main, takeNotice(),
    h('h1', {}, 'Dispatch namespaces'),
    namespaces.length === 0
      ? h('p', {}, 'No dispatch namespaces yet: create one with wrangler dispatch-namespace create NAME.')
      : h('table', { id: 'namespaces' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Namespace'), h('th', { class: 'num' }, 'Scripts'), h('th', {}, 'Created'))),
        h('tbody', {}, rows)));
}

// ---- one namespace: search, paging, upload form

async function namespaceView(namespace) {
  const ns = (await call(accountPath('workers', 'dispatch', 'namespaces', namespace))).result;
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const state = { prefix: query.get('prefix') ?? '', tag: query.get('tag') ?? '', page: Number(query.get('page')) || 1 };

  const prefix = h('input', { type: 'search', id: 'search-prefix', placeholder: 'Script name starts with…', value: state.prefix });
  const tag = h('input', { type: 'search', id: 'search-tag', placeholder: 'Has tag (tag1, tag2)', value: state.tag });
  const results = h('div', { id: 'scripts' });
  const pager = h('nav', { class: 'pager' });
  let pending = 0;

  async function load() {
    const ticket = ++pending;
    const params = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
    if (state.prefix) params.set('prefix', state.prefix);
    const tags = state.tag.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (tags.length > 0) params.set('tags', tags.map((t) => `${t}:yes`).join(','));
    const kept = new URLSearchParams();
    for (const key of ['prefix', 'tag']) if (state[key]) kept.set(key, state[key]);
    if (state.page > 1) kept.set('page', String(state.page));
    history.replaceState(null, '', route(['ns', namespace]) + (kept.size > 0 ? `?${kept}` : ''));
    let answer;
    try {
      answer = await call(`${accountPath('workers', 'dispatch', 'namespaces', namespace, 'scripts')}?${params}`);
    } catch (e) {
      if (ticket === pending) {
        if (e instanceof AuthError) return failed(e);
        replace(results, h('p', { class: 'error', role: 'alert' }, e.message));
      }
      return;
    }
    if (ticket !== pending) return; // a newer search has been typed meanwhile
    scriptTable(results, namespace, answer.result);
    pagerFor(pager, answer.result_info ?? {}, (page) => {
      state.page = page;
      load();
    });
    results.dataset.loaded = String(ticket);
  }

  let typing = null;
  const search = () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.prefix = prefix.value.trim();
      state.tag = tag.value.trim();
      state.page = 1;
      load();
    }, 200);
  };
  prefix.addEventListener('input', search);
  tag.addEventListener('input', search);

  replace(main, takeNotice(),
    h('p', { class: 'crumbs' }, link([], 'Namespaces'), ' / ', namespace),
    h('h1', {}, namespace, ' ', h('span', { class: 'muted' }, `${ns.script_count ?? 0} scripts`)),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); search(); } },
      h('label', {}, 'Name ', prefix), h('label', {}, 'Tag ', tag)),
    results, pager,
    section('Analytics', 'analytics', analyticsView(namespace, null, failed)),
    uploadForm(namespace, load));
  await load();
}

function scriptTable(container, namespace, scripts) {
  if (scripts.length === 0) {
    replace(container, h('p', { class: 'muted' }, 'No scripts match.'));
    return;
  }
  replace(container, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Script'), h('th', {}, 'Tags'), h('th', {}, 'Modified'))),
    h('tbody', {}, scripts.map((s) => h('tr', {},
      h('td', {}, link(['ns', namespace, 'scripts', s.id], s.id)),
      h('td', {}, (s.tags ?? []).map((t) => h('span', { class: 'tag' }, t))),
      h('td', {}, when(s.modified_on)))))));
}

function pagerFor(pager, info, go) {
  const page = info.page ?? 1;
  const pages = info.total_pages ?? 1;
  const total = info.total_count ?? 0;
  const first = total === 0 ? 0 : (page - 1) * (info.per_page ?? PER_PAGE) + 1;
  const last = first === 0 ? 0 : first + (info.count ?? 0) - 1;
  replace(pager,
    h('button', { type: 'button', disabled: page <= 1, onclick: () => go(page - 1) }, '‹ Previous'),
    h('span', { id: 'page-info' }, `${first}–${last} of ${total.toLocaleString()}`),
    h('button', { type: 'button', disabled: page >= pages, onclick: () => go(page + 1) }, 'Next ›'));
}

/** The announcement's upload form: a customer id and a script, published into this namespace. */
function uploadForm(namespace, reload) {
  const id = h('input', { id: 'upload-id', name: 'customer', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,62}',
    placeholder: 'customer id', autocomplete: 'off' });
  const code = h('textarea', { id: 'upload-script', name: 'script', rows: 8, spellcheck: 'false' },
    "addEventListener('fetch', (event) => {\n  event.respondWith(new Response('Hello from my own worker!'));\n});\n");
  const message = h('p', { id: 'upload-message', role: 'status' });
  const form = h('form', { id: 'upload', class: 'card' },
    h('h2', {}, 'Upload a customer script'),
    h('p', { class: 'muted' }, 'The script is published as the customer id in this namespace; the dispatcher routes to it at once. '
      + 'A script with import or export is uploaded as an ES module.'),
    h('label', { for: 'upload-id' }, 'Customer id'), id,
    h('label', { for: 'upload-script' }, 'Script'), code,
    h('button', { type: 'submit' }, 'Upload'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = id.value.trim();
    message.className = '';
    if (!SCRIPT_NAME.test(name)) {
      message.className = 'error';
      replace(message, 'A customer id is 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter or digit.');
      return;
    }
    try {
      await call(accountPath('workers', 'dispatch', 'namespaces', namespace, 'scripts', name), uploadRequest(code.value));
      message.className = 'ok';
      replace(message, `Uploaded ${name}.`);
      reload();
    } catch (e) {
      if (e instanceof AuthError) return failed(e);
      message.className = 'error';
      replace(message, `Upload failed: ${e.message}`);
    }
  });
  return form;
}

function uploadRequest(script) {
  if (!/^\s*(import|export)\b/m.test(script)) {
    return { method: 'PUT', body: script, headers: { 'Content-Type': 'application/javascript' } };
  }
  const body = new FormData();
  const today = new Date().toISOString().slice(0, 10);
  body.append('metadata', JSON.stringify({ main_module: 'worker.js', compatibility_date: today }));
  body.append('worker.js', new Blob([script], { type: 'application/javascript+module' }), 'worker.js');
  return { method: 'PUT', body };
}

// ---- one script

async function scriptView(namespace, name) {
  const base = ['workers', 'dispatch', 'namespaces', namespace, 'scripts', name];
  const [detail, settings, versions, deployments, content] = await Promise.all([
    call(accountPath(...base)),
    call(accountPath(...base, 'settings')),
    call(accountPath(...base, 'versions')),
    call(accountPath(...base, 'deployments')),
    raw(accountPath(...base, 'content')),
  ]);
  const script = detail.result.script;
  const s = settings.result;
  replace(main, takeNotice(),
    h('p', { class: 'crumbs' }, link([], 'Namespaces'), ' / ', link(['ns', namespace], namespace), ' / ', name),
    h('div', { class: 'title' }, h('h1', { id: 'script-name' }, name),
      h('button', { type: 'button', id: 'delete', class: 'danger', onclick: () => confirmDelete(namespace, name) }, 'Delete…')),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Modified'), h('dd', {}, when(script.modified_on)),
      h('dt', {}, 'Compatibility date'), h('dd', {}, s.compatibility_date ?? '—'),
      h('dt', {}, 'Compatibility flags'), h('dd', {}, (s.compatibility_flags ?? []).join(', ') || '—'),
      h('dt', {}, 'Tags'), h('dd', { id: 'script-tags' }, (s.tags ?? []).length === 0 ? '—'
        : s.tags.map((t) => h('span', { class: 'tag' }, t)))),
    section('Code', 'code', await codeView(content)),
    section('Bindings', 'bindings', bindingsTable(s.bindings ?? [])),
    section('Versions', 'versions', versionsTable(versions.result.items ?? [])),
    section('Deployments', 'deployments', deploymentsTable(deployments.result.deployments ?? deployments.result ?? [])),
    section('Settings', 'settings', json({ limits: s.limits, observability: s.observability, logpush: s.logpush,
      tail_consumers: s.tail_consumers, placement: s.placement, usage_model: s.usage_model })),
    section('Analytics', 'analytics', analyticsView(namespace, name, failed)),
    section('Live logs', 'live', liveView(namespace, name, failed)),
    section('Logs', 'logs', logsView(namespace, name, failed)));
}

function section(title, id, ...body) {
  return h('section', { id: `section-${id}` }, h('h2', {}, title), body);
}

/** Every module of the script, the entry module first, JavaScript highlighted. */
async function codeView(response) {
  const entry = response.headers.get('cf-worker-main-module-part') ?? response.headers.get('cf-worker-body-part');
  const parts = [...(await response.formData()).entries()].filter(([, v]) => v instanceof File);
  parts.sort(([a], [b]) => (a === entry ? -1 : b === entry ? 1 : a.localeCompare(b)));
  const views = [];
  for (const [partName, file] of parts) {
    const textual = /javascript|json|text/.test(file.type);
    views.push(h('figure', { class: 'module' },
      h('figcaption', {}, partName, partName === entry ? ' (entry)' : '', h('span', { class: 'muted' }, ` ${file.type}, ${file.size} bytes`)),
      textual
        ? h('pre', { class: 'code' }, h('code', {}, /javascript/.test(file.type) ? highlight(await file.text()) : await file.text()))
        : h('p', { class: 'muted' }, 'Binary data, not shown.')));
  }
  return views;
}

function bindingsTable(bindings) {
  if (bindings.length === 0) return h('p', { class: 'muted' }, 'No bindings.');
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Details'))),
    h('tbody', {}, bindings.map(({ name, type, ...rest }) => h('tr', {},
      h('td', {}, name), h('td', {}, type),
      h('td', {}, type === 'secret_text' ? '(secret)' : Object.entries(rest).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', '))))));
}

function versionsTable(items) {
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Version'), h('th', {}, 'Created'), h('th', {}, 'Source'))),
    h('tbody', {}, items.map((v) => h('tr', {},
      h('td', { class: 'num' }, v.number), h('td', { class: 'mono' }, v.id),
      h('td', {}, when(v.metadata?.created_on)), h('td', {}, v.metadata?.source ?? '')))));
}

function deploymentsTable(list) {
  const items = Array.isArray(list) ? list : [];
  if (items.length === 0) return h('p', { class: 'muted' }, 'No deployments.');
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Deployment'), h('th', {}, 'Created'), h('th', {}, 'Versions'))),
    h('tbody', {}, items.map((d) => h('tr', {},
      h('td', { class: 'mono' }, d.id), h('td', {}, when(d.created_on)),
      h('td', {}, (d.versions ?? []).map((v) => `${v.version_id} (${v.percentage}%)`).join(', '))))));
}

/** Deleting asks first, in a modal dialog naming the script; only its Delete button deletes. */
function confirmDelete(namespace, name) {
  const dialog = h('dialog', { id: 'confirm-delete' },
    h('p', {}, 'Delete the script ', h('strong', {}, name), ' from ', h('strong', {}, namespace), '? ',
      'Requests for it get "Worker not found" from then on. This cannot be undone.'),
    h('menu', {},
      h('button', { type: 'button', id: 'confirm-cancel', onclick: () => dialog.close('cancel') }, 'Cancel'),
      h('button', { type: 'button', id: 'confirm-yes', class: 'danger', onclick: () => dialog.close('delete') },
        `Delete ${name}`)));
  dialog.addEventListener('close', async () => {
    dialog.remove();
    if (dialog.returnValue !== 'delete') return;
    try {
      await call(accountPath('workers', 'dispatch', 'namespaces', namespace, 'scripts', name), { method: 'DELETE' });
      notice = { kind: 'ok', text: `Deleted ${name}.` };
      location.hash = route(['ns', namespace]);
    } catch (e) {
      failed(e);
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}
