// console: each call becomes one host log line. Values are rendered the way a
// developer expects to read them in a log (strings raw, objects as JSON-like
// text, errors with their stack), never by calling back into Java per value.
// Rendering reads the worker's values (their getters, their toString), and a
// value that cannot be rendered becomes '[Uninspectable]': a console call never
// throws into the worker.

const console_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const console_SPEC = /%[sdifjoOc%]/;
const console_mapSize = uncurryThis(ObjectGetOwnPropertyDescriptor(Map.prototype, 'size').get);
const console_setSize = uncurryThis(ObjectGetOwnPropertyDescriptor(Set.prototype, 'size').get);
const console_mapForEach = uncurryThis(Map.prototype.forEach);
const console_setForEach = uncurryThis(Set.prototype.forEach);
const console_errorStack = (value) => {
  try {
    const stack = value.stack;
    if (typeof stack === 'string' && stack !== '') return stack;
  } catch {
    // falls through to name and message
  }
  return `${value.name}: ${value.message}`;
};

function console_isMap(value) {
  try {
    console_mapSize(value);
    return true;
  } catch {
    return false;
  }
}

function console_isSet(value) {
  try {
    console_setSize(value);
    return true;
  } catch {
    return false;
  }
}

function console_isDate(value) {
  try {
    DatePrototypeGetTime(value);
    return true;
  } catch {
    return false;
  }
}

// The runtime's objects whose state is not in own properties, by their Symbol.toStringTag:
// the [inspect] part renders them (for util.inspect too).
const console_webTags = ObjectFreeze({
  __proto__: null, Headers: true, Request: true, Response: true, URLSearchParams: true, FormData: true, Blob: true,
  File: true,
});

function console_render(value, depth, seen) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : JSONStringify(value);
    case 'number':
    case 'boolean':
    case 'undefined': return String(value);
    case 'bigint': return `${value}n`;
    case 'symbol': return SymbolPrototypeToString(value);
    case 'function': return `[Function: ${value.name || '(anonymous)'}]`;
  }
  if (value === null) return 'null';
  if (seen.has(value)) return '[Circular]';
  try {
    if (ErrorIsError(value)) return console_errorStack(value);
    if (depth > 3) return ArrayIsArray(value) ? '[Array]' : '[Object]';
    seen.add(value);
    if (ArrayIsArray(value)) {
      let out = '';
      for (let i = 0; i < value.length; i++) out += (i > 0 ? ', ' : '') + console_render(value[i], depth + 1, seen);
      return `[ ${out} ]`;
    }
    // A plain object (the common case) is not tested for a Map's, Set's or Date's slot.
    const plain = isSlotless(value);
    if (!plain && console_isMap(value)) {
      let out = '';
      console_mapForEach(value, (v, k) => {
        out += `${out === '' ? '' : ', '}${console_render(k, depth + 1, seen)} => ${console_render(v, depth + 1, seen)}`;
      });
      return `Map(${console_mapSize(value)}) { ${out} }`;
    }
    if (!plain && console_isSet(value)) {
      let out = '';
      console_setForEach(value, (v) => {
        out += `${out === '' ? '' : ', '}${console_render(v, depth + 1, seen)}`;
      });
      return `Set(${console_setSize(value)}) { ${out} }`;
    }
    if (ArrayBufferIsView(value) && TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined) {
      const length = TypedArrayPrototypeGetLength(value);
      let out = '';
      for (let i = 0; i < length && i < 50; i++) out += (i > 0 ? ', ' : '') + value[i];
      return `${TypedArrayPrototypeGetSymbolToStringTag(value)}(${length}) [ ${out}${length > 50 ? ', ...' : ''} ]`;
    }
    if (!plain && console_isDate(value)) return DatePrototypeToISOString(value);
    if (ObjectPrototypeToString(value) === '[object RegExp]') return String(value);
    const href = urlHrefOf(value);
    if (href !== null) return href;
    const tag = value[SymbolToStringTag];
    if (typeof tag === 'string' && console_webTags[tag] === true) {
      const text = lazy_load('inspect').inspect_web(value, tag, (v) => console_render(v, depth + 1, seen));
      if (text !== undefined) return text;
    }
    const keys = ObjectKeys(value);
    let body = '';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const name = regExpTest(console_IDENTIFIER, k) ? k : JSONStringify(k);
      body += `${i > 0 ? ', ' : ''}${name}: ${console_render(value[k], depth + 1, seen)}`;
    }
    const prefix = tag ? `${tag} ` : '';
    return keys.length ? `${prefix}{ ${body} }` : `${prefix}{}`;
  } catch (e) {
    return '[Uninspectable]';
  } finally {
    seen.delete(value);
  }
}

// printf-style substitutions in the first argument when it is a string.
function console_substitute(format, args, next) {
  let out = '';
  let from = 0;
  let i = next;
  for (;;) {
    const at = StringPrototypeIndexOf(format, '%', from);
    if (at < 0 || at + 1 >= format.length) break;
    const spec = StringPrototypeSlice(format, at, at + 2);
    if (!regExpTest(console_SPEC, spec)) {
      out += StringPrototypeSlice(format, from, at + 1);
      from = at + 1;
      continue;
    }
    out += StringPrototypeSlice(format, from, at);
    from = at + 2;
    if (spec === '%%') {
      out += '%';
      continue;
    }
    if (i >= args.length) {
      out += spec;
      continue;
    }
    const arg = args[i++];
    switch (spec) {
      case '%s': out += typeof arg === 'string' ? arg : console_render(arg, 1, new SafeSet()); break;
      case '%d':
      case '%i': out += typeof arg === 'bigint' ? `${arg}n` : String(spec === '%i' ? MathTrunc(Number(arg)) : Number(arg)); break;
      case '%f': out += String(Number(arg)); break;
      case '%c': break;
      default: out += console_render(arg, 1, new SafeSet());
    }
  }
  return { text: out + StringPrototypeSlice(format, from), next: i };
}

function console_format(args) {
  let line = '';
  let i = 0;
  if (typeof args[0] === 'string' && StringPrototypeIncludes(args[0], '%') && args.length > 1) {
    const substituted = console_substitute(args[0], args, 1);
    line = substituted.text;
    i = substituted.next;
  }
  for (; i < args.length; i++) {
    const part = console_render(args[i], 0, new SafeSet());
    line = line === '' && i === 0 ? part : `${line} ${part}`;
  }
  return line;
}

const console_counts = new SafeMap();
const console_timers = new SafeMap();

// A console argument as a JSON value, for observers (live tail) that keep the
// arguments apart: strings, numbers, booleans, null, arrays and plain objects
// stay themselves; anything else becomes the text console_render makes of it.
function console_value(value, depth, seen) {
  switch (typeof value) {
    case 'string':
    case 'boolean': return value;
    case 'number': return NumberIsFinite(value) ? value : String(value);
    case 'object': break;
    default: return console_render(value, 1, new SafeSet());
  }
  if (value === null) return null;
  if (seen.has(value)) return '[Circular]';
  try {
    const plain = ArrayIsArray(value) || ObjectGetPrototypeOf(value) === Object.prototype
      || ObjectGetPrototypeOf(value) === null;
    if (!plain || depth > 5) return console_render(value, 1, new SafeSet());
    seen.add(value);
    if (ArrayIsArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i++) out[i] = console_value(value[i], depth + 1, seen);
      return out;
    }
    const out = {};
    const keys = ObjectKeys(value);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = console_value(value[keys[i]], depth + 1, seen);
    return out;
  } catch (e) {
    return '[Uninspectable]';
  } finally {
    seen.delete(value);
  }
}

function console_emit(level, args) {
  let line;
  try {
    line = console_format(args);
  } catch {
    line = '[Uninspectable]';
  }
  // host.log answers true only when someone watches this invocation.
  // The line's time is the worker's clock, which stands still while its code runs.
  if (host.log(level, line, clock_epoch)) {
    let values;
    try {
      const list = [];
      for (let i = 0; i < args.length; i++) list[i] = console_value(args[i], 0, new SafeSet());
      values = JSONStringify(list);
    } catch (e) {
      values = JSONStringify([line]);
    }
    host.logValues(level, values, clock_epoch);
  }
}

function console_label(label) {
  try {
    return String(label);
  } catch {
    return '[Uninspectable]';
  }
}

const console_object = {
  log(...args) { console_emit('log', args); },
  info(...args) { console_emit('info', args); },
  warn(...args) { console_emit('warn', args); },
  error(...args) { console_emit('error', args); },
  debug(...args) { console_emit('debug', args); },
  trace(...args) {
    const stack = new Error('Trace').stack;
    args[args.length] = StringPrototypeStartsWith(stack, 'Error: ') ? StringPrototypeSlice(stack, 7) : stack;
    console_emit('debug', args);
  },
  dir(value) { console_emit('log', [value]); },
  table(value) { console_emit('log', [value]); },
  assert(condition, ...args) {
    if (condition) return;
    const line = ['Assertion failed' + (args.length ? ':' : '')];
    for (let i = 0; i < args.length; i++) line[line.length] = args[i];
    console_emit('error', line);
  },
  count(label = 'default') {
    const key = console_label(label);
    const n = (console_counts.get(key) ?? 0) + 1;
    console_counts.set(key, n);
    console_emit('log', [`${key}: ${n}`]);
  },
  countReset(label = 'default') { console_counts.delete(console_label(label)); },
  time(label = 'default') { console_timers.set(console_label(label), clock_now()); },
  timeEnd(label = 'default') {
    const key = console_label(label);
    const start = console_timers.get(key);
    console_timers.delete(key);
    if (start !== undefined) console_emit('log', [`${key}: ${clock_now() - start}ms`]);
  },
  timeLog(label = 'default', ...args) {
    const key = console_label(label);
    const start = console_timers.get(key);
    if (start === undefined) return;
    const line = [`${key}: ${clock_now() - start}ms`];
    for (let i = 0; i < args.length; i++) line[line.length] = args[i];
    console_emit('log', line);
  },
  group(...args) { if (args.length) console_emit('log', args); },
  groupCollapsed(...args) { if (args.length) console_emit('log', args); },
  groupEnd() {},
  dirxml(...args) { console_emit('log', args); },
  // What devtools do with these (clear a screen, record a profile, mark a timeline) has
  // no place in a log: they do nothing, as in a runtime without devtools attached.
  clear() {},
  profile() {},
  profileEnd() {},
  timeStamp() {},
  context() { return console_object; },
  createTask() { return console_task; },
};
const console_task = ObjectFreeze({ run(f) { return f(); } });
defineGlobal('console', console_object);
