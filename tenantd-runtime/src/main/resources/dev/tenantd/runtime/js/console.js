// console: each call becomes one host log line. Values are rendered the way a
// developer expects to read them in a log (strings raw, objects as JSON-like
// text, errors with their stack), never by calling back into Java per value.

function console_render(value, depth, seen) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'undefined': return String(value);
    case 'bigint': return `${value}n`;
    case 'symbol': return value.toString();
    case 'function': return `[Function: ${value.name || '(anonymous)'}]`;
  }
  if (value === null) return 'null';
  if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
  if (seen.has(value)) return '[Circular]';
  if (depth > 3) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[ ${value.map((v) => console_render(v, depth + 1, seen)).join(', ')} ]`;
    }
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${console_render(k, depth + 1, seen)} => ${console_render(v, depth + 1, seen)}`);
      return `Map(${value.size}) { ${items.join(', ')} }`;
    }
    if (value instanceof Set) {
      return `Set(${value.size}) { ${[...value].map((v) => console_render(v, depth + 1, seen)).join(', ')} }`;
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return `${value.constructor.name}(${value.length}) [ ${Array.prototype.slice.call(value, 0, 50).join(', ')}${value.length > 50 ? ', ...' : ''} ]`;
    }
    if (value instanceof Date) return value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (typeof URL === 'function' && value instanceof URL) return value.href;
    const tag = value[Symbol.toStringTag];
    const keys = Object.keys(value);
    const body = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${console_render(value[k], depth + 1, seen)}`);
    const prefix = tag ? `${tag} ` : '';
    return body.length ? `${prefix}{ ${body.join(', ')} }` : `${prefix}{}`;
  } catch (e) {
    return '[Uninspectable]';
  } finally {
    seen.delete(value);
  }
}

function console_format(args) {
  const parts = [];
  let i = 0;
  if (typeof args[0] === 'string' && args[0].includes('%') && args.length > 1) {
    i = 1;
    parts.push(args[0].replace(/%[sdifjoOc%]/g, (spec) => {
      if (spec === '%%') return '%';
      if (i >= args.length) return spec;
      const arg = args[i++];
      switch (spec) {
        case '%s': return typeof arg === 'string' ? arg : console_render(arg, 1, new Set());
        case '%d':
        case '%i': return typeof arg === 'bigint' ? `${arg}n` : String(spec === '%i' ? Math.trunc(Number(arg)) : Number(arg));
        case '%f': return String(Number(arg));
        case '%c': return '';
        default: return console_render(arg, 1, new Set());
      }
    }));
  }
  for (; i < args.length; i++) parts.push(console_render(args[i], 0, new Set()));
  return parts.join(' ');
}

const console_counts = new Map();
const console_timers = new Map();

// A console argument as a JSON value, for observers (live tail) that keep the
// arguments apart: strings, numbers, booleans, null, arrays and plain objects
// stay themselves; anything else becomes the text console_render makes of it.
function console_value(value, depth, seen) {
  switch (typeof value) {
    case 'string':
    case 'boolean': return value;
    case 'number': return Number.isFinite(value) ? value : String(value);
    case 'object': break;
    default: return console_render(value, 1, new Set());
  }
  if (value === null) return null;
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype
      || Object.getPrototypeOf(value) === null;
  if (!plain || depth > 5) return console_render(value, 1, new Set());
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => console_value(v, depth + 1, seen));
    const out = {};
    for (const k of Object.keys(value)) out[k] = console_value(value[k], depth + 1, seen);
    return out;
  } catch (e) {
    return '[Uninspectable]';
  } finally {
    seen.delete(value);
  }
}

function console_emit(level, args) {
  // host.log answers true only when someone watches this invocation.
  if (host.log(level, console_format(args))) {
    let values;
    try {
      values = JSON.stringify(args.map((v) => console_value(v, 0, new Set())));
    } catch (e) {
      values = JSON.stringify([console_format(args)]);
    }
    host.logValues(level, values);
  }
}

const console_object = {
  log(...args) { console_emit('log', args); },
  info(...args) { console_emit('info', args); },
  warn(...args) { console_emit('warn', args); },
  error(...args) { console_emit('error', args); },
  debug(...args) { console_emit('debug', args); },
  trace(...args) { console_emit('debug', [...args, new Error('Trace').stack.replace(/^Error: /, '')]); },
  dir(value) { console_emit('log', [value]); },
  table(value) { console_emit('log', [value]); },
  assert(condition, ...args) {
    if (!condition) console_emit('error', ['Assertion failed' + (args.length ? ':' : ''), ...args]);
  },
  count(label = 'default') {
    const n = (console_counts.get(label) ?? 0) + 1;
    console_counts.set(label, n);
    console_emit('log', [`${label}: ${n}`]);
  },
  countReset(label = 'default') { console_counts.delete(label); },
  time(label = 'default') { console_timers.set(label, Date.now()); },
  timeEnd(label = 'default') {
    const start = console_timers.get(label);
    console_timers.delete(label);
    if (start !== undefined) console_emit('log', [`${label}: ${Date.now() - start}ms`]);
  },
  timeLog(label = 'default', ...args) {
    const start = console_timers.get(label);
    if (start !== undefined) console_emit('log', [`${label}: ${Date.now() - start}ms`, ...args]);
  },
  group(...args) { if (args.length) console_emit('log', args); },
  groupCollapsed(...args) { if (args.length) console_emit('log', args); },
  groupEnd() {},
};
defineGlobal('console', console_object);
