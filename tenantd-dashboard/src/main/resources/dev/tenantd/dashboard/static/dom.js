// Building the page without HTML strings: every value goes in as a text node or an attribute,
// so names, tags and code chosen by tenants are never parsed as markup.

/** An element with attributes (on* keys become listeners) and children (strings become text). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, anything else as text. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces everything inside an element. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A link inside the dashboard: every path segment is encoded, so a name cannot leave its place. */
export function link(segments, ...children) {
  return h('a', { href: route(segments) }, ...children);
}

export function route(segments) {
  return '#/' + segments.map(encodeURIComponent).join('/');
}

/** A time stamp as the user's locale writes it, the exact value in its title. */
export function when(iso) {
  if (!iso) return h('span', {}, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, Number.isNaN(date.getTime()) ? iso : date.toLocaleString());
}

/** A JSON value, pretty-printed as text. */
export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}
