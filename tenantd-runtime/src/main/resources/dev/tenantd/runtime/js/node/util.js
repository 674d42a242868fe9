// node:util (format, inspect, promisify, callbackify, inherits, deprecate, types,
// isDeepStrictEqual, TextEncoder/TextDecoder ...) and node:util/types.
//
// Shared: node_types() (the util.types checks), node_inspect(value, options),
//         node_format(args), node_deepEqual(a, b, strict)

// Made the first time a module needs them, not in every isolate's start-up.
let node_typesMade;
function node_types() {
  if (node_typesMade === undefined) node_typesMade = node_makeTypes();
  return node_typesMade;
}

function node_makeTypes() {
  // Each test below throws when its internal slot is missing, and a caught exception costs
  // microseconds; so arrays, views and plain objects are not tested, and an object whose
  // prototype is the home of another of these built-ins is answered no at once (a Map is not
  // tested for a Date's slot). A built-in object a worker moved onto Object.prototype, a null
  // prototype or another built-in's prototype is answered by where it now is.
  const homes = new SafeSet();
  // Homes of values none of the tests below are for: functions, errors.
  homes.add(Function.prototype);
  homes.add(Error.prototype);
  const brand = (fn, home) => {
    if (home !== undefined) homes.add(home);
    return (value) => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
      let proto;
      try {
        if (ArrayIsArray(value) || ArrayBufferIsView(value)) return false;
        proto = ObjectGetPrototypeOf(value);
      } catch {
        return false; // a revoked proxy, or a proxy's getPrototypeOf trap threw
      }
      if (isPlain(value, proto) || (proto !== home && homes.has(proto))) return false;
      try {
        fn(value);
        return true;
      } catch {
        return false;
      }
    };
  };
  const getter = (proto, name) => uncurryThis(ObjectGetOwnPropertyDescriptor(proto, name).get);
  const MapSize = getter(Map.prototype, 'size');
  const SetSize = getter(Set.prototype, 'size');
  const WeakMapHas = uncurryThis(WeakMap.prototype.has);
  const WeakSetHas = uncurryThis(WeakSet.prototype.has);
  const RegExpGlobal = getter(RegExp.prototype, 'global');
  const NumberValueOf = uncurryThis(Number.prototype.valueOf);
  const StringValueOf = uncurryThis(String.prototype.valueOf);
  const BooleanValueOf = uncurryThis(Boolean.prototype.valueOf);
  const BigIntValueOf = uncurryThis(BigInt.prototype.valueOf);
  const SymbolValueOf = uncurryThis(Symbol.prototype.valueOf);
  const SharedArrayBufferLength = globalThis.SharedArrayBuffer
    ? getter(globalThis.SharedArrayBuffer.prototype, 'byteLength') : () => { throw new TypeError(); };
  const PromiseThenCheck = (value) => {
    if (!(value instanceof Promise) && ObjectPrototypeToString(value) !== '[object Promise]') throw new TypeError();
  };
  const typedArrayTag = (tag) => (value) => ArrayBufferIsView(value) && TypedArrayPrototypeGetSymbolToStringTag(value) === tag;
  const AsyncFunction = ObjectGetPrototypeOf(async () => {}).constructor;
  const GeneratorFunction = ObjectGetPrototypeOf(function* () {}).constructor;
  const AsyncGeneratorFunction = ObjectGetPrototypeOf(async function* () {}).constructor;
  const Generator = ObjectGetPrototypeOf(function* () {}).prototype;
  const MapIteratorProto = ObjectGetPrototypeOf(new Map()[SymbolIterator]());
  const SetIteratorProto = ObjectGetPrototypeOf(new Set()[SymbolIterator]());
  const types = {
    isDate: brand(DatePrototypeGetTime, Date.prototype),
    isRegExp: brand((v) => { if (RegExpGlobal(v) === undefined) throw new TypeError(); }, RegExp.prototype),
    isMap: brand(MapSize, Map.prototype),
    isSet: brand(SetSize, Set.prototype),
    isWeakMap: brand((v) => WeakMapHas(v, {}), WeakMap.prototype),
    isWeakSet: brand((v) => WeakSetHas(v, {}), WeakSet.prototype),
    isPromise: brand(PromiseThenCheck, Promise.prototype),
    isArrayBuffer: brand(ArrayBufferPrototypeGetByteLength, globalThis.ArrayBuffer.prototype),
    isSharedArrayBuffer: brand(SharedArrayBufferLength, globalThis.SharedArrayBuffer?.prototype),
    isAnyArrayBuffer: (v) => types.isArrayBuffer(v) || types.isSharedArrayBuffer(v),
    isArrayBufferView: (v) => ArrayBufferIsView(v),
    isTypedArray: (v) => ArrayBufferIsView(v) && TypedArrayPrototypeGetSymbolToStringTag(v) !== undefined,
    isDataView: (v) => ArrayBufferIsView(v) && TypedArrayPrototypeGetSymbolToStringTag(v) === undefined,
    isNumberObject: brand(NumberValueOf, Number.prototype),
    isStringObject: brand(StringValueOf, String.prototype),
    isBooleanObject: brand(BooleanValueOf, Boolean.prototype),
    isBigIntObject: brand(BigIntValueOf, BigInt.prototype),
    isSymbolObject: brand(SymbolValueOf, Symbol.prototype),
    isBoxedPrimitive: (v) => types.isNumberObject(v) || types.isStringObject(v) || types.isBooleanObject(v)
      || types.isBigIntObject(v) || types.isSymbolObject(v),
    isNativeError: (v) => ErrorIsError(v),
    isAsyncFunction: (v) => typeof v === 'function' && (v instanceof AsyncFunction || v instanceof AsyncGeneratorFunction),
    isGeneratorFunction: (v) => typeof v === 'function' && (v instanceof GeneratorFunction || v instanceof AsyncGeneratorFunction),
    isGeneratorObject: (v) => v !== null && typeof v === 'object' && ObjectPrototypeToString(v) === '[object Generator]'
      && v instanceof Generator.constructor === false,
    isMapIterator: (v) => v !== null && typeof v === 'object' && ObjectGetPrototypeOf(v) === MapIteratorProto,
    isSetIterator: (v) => v !== null && typeof v === 'object' && ObjectGetPrototypeOf(v) === SetIteratorProto,
    isModuleNamespaceObject: (v) => v !== null && typeof v === 'object' && ObjectGetPrototypeOf(v) === null
      && v[SymbolToStringTag] === 'Module',
    isArgumentsObject: (v) => ObjectPrototypeToString(v) === '[object Arguments]',
    isProxy: () => false,
    isExternal: () => false,
    isWeakRef: (v) => v instanceof WeakRef,
    isCryptoKey: (v) => globalThis.CryptoKey !== undefined && v instanceof globalThis.CryptoKey,
    isKeyObject: () => false,
  };
  const tags = ['Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'Int8Array', 'Int16Array',
    'Int32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
  for (let i = 0; i < tags.length; i++) types[`is${tags[i]}`] = typedArrayTag(tags[i]);
  types.isGeneratorObject = (v) => v !== null && typeof v === 'object' && ObjectPrototypeToString(v) === '[object Generator]';
  return ObjectFreeze(types);
}

// ---- inspect

const node_inspectDefaults = {
  depth: 2, colors: false, showHidden: false, maxArrayLength: 100, maxStringLength: 10000, breakLength: 80,
  compact: 3, sorted: false, getters: false, customInspect: true,
};

function node_inspect(value, options) {
  let opts = node_inspectDefaults;
  if (typeof options === 'boolean') {
    opts = { ...node_inspectDefaults, showHidden: options };
  } else if (options !== null && typeof options === 'object') {
    opts = { ...node_inspectDefaults, ...options };
  }
  if (opts.depth === null) opts = { ...opts, depth: Infinity };
  const ctx = { ...opts, seen: [], circular: new SafeMap(), indentation: '' };
  return node_formatValue(ctx, value, 0, false);
}

const node_identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function node_quote(string) {
  let quote = "'";
  if (StringPrototypeIncludes(string, "'")) {
    if (!StringPrototypeIncludes(string, '"')) quote = '"';
    else if (!StringPrototypeIncludes(string, '`') && !StringPrototypeIncludes(string, '${')) quote = '`';
  }
  let out = '';
  for (let i = 0; i < string.length; i++) {
    const ch = string[i];
    const c = StringPrototypeCharCodeAt(string, i);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c < 16 ? '0' : ''}${NumberPrototypeToString(c, 16).toUpperCase()}`;
    else out += ch;
  }
  return quote + out + quote;
}

function node_formatPrimitive(value) {
  switch (typeof value) {
    case 'string': return node_quote(value);
    case 'number': return Object.is(value, -0) ? '-0' : `${value}`;
    case 'bigint': return `${value}n`;
    case 'symbol': return SymbolPrototypeToString(value);
    case 'undefined': return 'undefined';
    case 'boolean': return `${value}`;
    default: return 'null';
  }
}

function node_propertyKey(key) {
  if (typeof key === 'symbol') return `[${SymbolPrototypeToString(key)}]`;
  if (regExpTest(node_identifier, key)) return key;
  return node_quote(key);
}

function node_constructorName(value) {
  let proto = value;
  while (proto !== null && proto !== undefined) {
    const descriptor = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
    if (descriptor !== undefined && typeof descriptor.value === 'function' && descriptor.value.name !== '') {
      return descriptor.value.name;
    }
    proto = ObjectGetPrototypeOf(proto);
  }
  return null;
}

function node_formatValue(ctx, value, depth, nested) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return node_formatPrimitive(value);
  }
  if (ctx.customInspect) {
    const custom = value[node_inspectCustom];
    if (typeof custom === 'function' && custom !== node_require('util').inspect) {
      const result = ReflectApply(custom, value, [ctx.depth - depth, { ...ctx, seen: undefined }, node_require('util').inspect]);
      if (result !== value) {
        return typeof result === 'string' ? result : node_formatValue(ctx, result, depth, nested);
      }
    }
  }
  if (ArrayPrototypeIncludes(ctx.seen, value)) {
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return node_formatObject(ctx, value, depth);
}

function node_formatObject(ctx, value, depth) {
  const types = node_types();
  // The depth of the object whose entries were formatted last: an object with entries
  // nested `compact` levels deep or more is written over several lines, as Node does.
  if (depth <= ctx.depth) ctx.currentDepth = depth;
  const name = node_constructorName(value);
  let keys = ObjectKeys(value);
  const symbols = ReflectOwnKeys(value);
  for (let i = 0; i < symbols.length; i++) {
    if (typeof symbols[i] === 'symbol' && ObjectGetOwnPropertyDescriptor(value, symbols[i]).enumerable) {
      keys[keys.length] = symbols[i];
    }
  }
  let braces = ['{', '}'];
  let prefix = '';
  let entries = [];
  let base = '';
  const tag = value[SymbolToStringTag];
  const tagText = typeof tag === 'string' && tag !== '' && tag !== name ? ` [${tag}]` : '';
  if (typeof tag === 'string' && console_webTags[tag] === true) {
    if (depth > ctx.depth) return `[${tag}]`;
    const text = lazy_load('inspect').inspect_web(value, tag, (v) => node_formatValue(ctx, v, depth + 1, true));
    if (text !== undefined) return text;
  }
  if (ArrayIsArray(value)) {
    prefix = name === 'Array' ? '' : `${name ?? '[Array: null prototype]'}(${value.length}) `;
    braces = ['[', ']'];
    const shown = MathMin(value.length, ctx.maxArrayLength);
    if (depth > ctx.depth) return `[Array]`;
    ctx.seen[ctx.seen.length] = value;
    let holes = 0;
    for (let i = 0; i < shown; i++) {
      if (!(i in value)) {
        holes++;
        continue;
      }
      if (holes > 0) {
        entries[entries.length] = `<${holes} empty item${holes > 1 ? 's' : ''}>`;
        holes = 0;
      }
      entries[entries.length] = node_formatValue(ctx, value[i], depth + 1, true);
    }
    if (holes > 0) entries[entries.length] = `<${holes} empty item${holes > 1 ? 's' : ''}>`;
    if (value.length > shown) entries[entries.length] = `... ${value.length - shown} more item${value.length - shown > 1 ? 's' : ''}`;
    keys = keys.filter((k) => typeof k === 'symbol' || !regExpTest(/^\d+$/, k));
  } else if (typeof value === 'function') {
    const isClass = regExpTest(/^class\b/, FunctionPrototypeToString(value));
    const fnName = value.name ? `: ${value.name}` : ' (anonymous)';
    let kind = 'Function';
    if (types.isAsyncFunction(value)) kind = types.isGeneratorFunction(value) ? 'AsyncGeneratorFunction' : 'AsyncFunction';
    else if (types.isGeneratorFunction(value)) kind = 'GeneratorFunction';
    base = isClass ? `[class ${value.name || '(anonymous)'}${node_classExtends(value)}]` : `[${kind}${fnName}]`;
    keys = keys.filter((k) => k !== 'prototype');
    if (keys.length === 0) return base;
  } else if (types.isRegExp(value)) {
    base = RegExpPrototypeToString(value);
    if (keys.length === 0) return base;
  } else if (types.isDate(value)) {
    const time = DatePrototypeGetTime(value);
    base = time !== time ? 'Invalid Date' : DatePrototypeToISOString(value);
    if (keys.length === 0) return base;
  } else if (ErrorIsError(value)) {
    base = node_formatError(value);
    keys = keys.filter((k) => k !== 'stack' && k !== 'message');
    if (keys.length === 0) return base;
  } else if (types.isMap(value)) {
    prefix = `${name ?? 'Map'}(${value.size}) `;
    if (depth > ctx.depth) return `[${name ?? 'Map'}]`;
    ctx.seen[ctx.seen.length] = value;
    value.forEach((v, k) => {
      entries[entries.length] = `${node_formatValue(ctx, k, depth + 1, true)} => ${node_formatValue(ctx, v, depth + 1, true)}`;
    });
  } else if (types.isSet(value)) {
    prefix = `${name ?? 'Set'}(${value.size}) `;
    if (depth > ctx.depth) return `[${name ?? 'Set'}]`;
    ctx.seen[ctx.seen.length] = value;
    value.forEach((v) => {
      entries[entries.length] = node_formatValue(ctx, v, depth + 1, true);
    });
  } else if (ArrayBufferIsView(value) && TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined) {
    const length = TypedArrayPrototypeGetLength(value);
    prefix = `${name ?? TypedArrayPrototypeGetSymbolToStringTag(value)}(${length}) `;
    braces = ['[', ']'];
    const shown = MathMin(length, ctx.maxArrayLength);
    for (let i = 0; i < shown; i++) entries[entries.length] = node_formatPrimitive(value[i]);
    if (length > shown) entries[entries.length] = `... ${length - shown} more item${length - shown > 1 ? 's' : ''}`;
    keys = keys.filter((k) => typeof k === 'symbol' || !regExpTest(/^\d+$/, k));
  } else if (node_types().isArrayBuffer(value)) {
    const bytes = new Uint8Array(value);
    let hex = '';
    const shown = MathMin(bytes.length, 50);
    for (let i = 0; i < shown; i++) hex += (i ? ' ' : '') + crypto_HEX[bytes[i] >> 4] + crypto_HEX[bytes[i] & 15];
    if (bytes.length > shown) hex += ` ... ${bytes.length - shown} more byte${bytes.length - shown > 1 ? 's' : ''}`;
    entries[0] = `[Uint8Contents]: <${hex}>`;
    entries[1] = `byteLength: ${bytes.length}`;
    prefix = 'ArrayBuffer ';
  } else if (types.isPromise(value)) {
    return `Promise { <${'unknown'}> }`;
  } else if (types.isBoxedPrimitive(value)) {
    const inner = node_formatPrimitive(value.valueOf());
    const kind = types.isStringObject(value) ? 'String' : types.isNumberObject(value) ? 'Number'
      : types.isBooleanObject(value) ? 'Boolean' : types.isBigIntObject(value) ? 'BigInt' : 'Symbol';
    base = `[${kind}: ${inner}]`;
    if (types.isStringObject(value)) keys = keys.filter((k) => typeof k === 'symbol' || !regExpTest(/^\d+$/, k));
    if (keys.length === 0) return base;
  } else if (types.isWeakMap(value) || types.isWeakSet(value)) {
    return `${types.isWeakMap(value) ? 'WeakMap' : 'WeakSet'} { <items unknown> }`;
  } else {
    if (name === null) prefix = `[${tag ?? 'Object'}: null prototype] `;
    else if (name !== 'Object') prefix = `${name}${tagText} `;
    else if (tagText !== '') prefix = `Object${tagText} `;
    if (depth > ctx.depth) return `[${name ?? 'Object'}]`;
  }
  if (depth > ctx.depth) return base || `[${name ?? 'Object'}]`;
  if (!ArrayPrototypeIncludes(ctx.seen, value)) ctx.seen[ctx.seen.length] = value;
  if (ctx.sorted) ArrayPrototypeSort(keys);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const descriptor = ObjectGetOwnPropertyDescriptor(value, key);
    let shown;
    if (descriptor.get !== undefined || descriptor.set !== undefined) {
      shown = descriptor.get !== undefined ? (descriptor.set !== undefined ? '[Getter/Setter]' : '[Getter]') : '[Setter]';
    } else {
      shown = node_formatValue(ctx, descriptor.value, depth + 1, true);
    }
    entries[entries.length] = `${node_propertyKey(key)}: ${shown}`;
  }
  ctx.seen.length -= 1;
  let ref = '';
  const index = ctx.circular.get(value);
  if (index !== undefined) ref = `<ref *${index}> `;
  if (base !== '') {
    if (entries.length === 0) return ref + base;
    prefix = `${base} `;
  }
  if (entries.length === 0) {
    return `${ref}${prefix}${braces[0]}${braces[1]}`;
  }
  const start = `${ref}${prefix}${braces[0]}`;
  let total = start.length + entries.length;
  let multiline = false;
  for (let i = 0; i < entries.length; i++) {
    total += entries[i].length;
    if (StringPrototypeIncludes(entries[i], '\n')) multiline = true;
  }
  if (!multiline && total + 2 <= ctx.breakLength && (ctx.currentDepth ?? depth) - depth < ctx.compact) {
    return `${start} ${ArrayPrototypeJoin(entries, ', ')} ${braces[1]}`;
  }
  const indent = '  ';
  const lines = [];
  for (let i = 0; i < entries.length; i++) {
    lines[i] = indent + StringPrototypeReplaceAll(entries[i], '\n', `\n${indent}`);
  }
  return `${start}\n${ArrayPrototypeJoin(lines, ',\n')}\n${braces[1]}`;
}

function node_classExtends(cls) {
  const parent = ObjectGetPrototypeOf(cls);
  return parent && parent.name ? ` extends ${parent.name}` : '';
}

function node_formatError(error) {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  if (stack !== '') return stack;
  return `[${ErrorPrototypeToString(error)}]`;
}

const FunctionPrototypeToString = uncurryThis(Function.prototype.toString);
const RegExpPrototypeToString = uncurryThis(RegExp.prototype.toString);
const ErrorPrototypeToString = uncurryThis(Error.prototype.toString);
const StringPrototypeReplaceAll = uncurryThis(String.prototype.replaceAll);

// ---- format

function node_format(args) {
  const first = args[0];
  let out = '';
  let next = 1;
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (StringPrototypeCharCodeAt(first, i) !== 37) continue; // '%'
      const c = first[i + 1];
      if (c === '%') {
        out += StringPrototypeSlice(first, last, i) + '%';
        last = i + 2;
        i++;
        continue;
      }
      if (next >= args.length) continue;
      let piece;
      const arg = args[next];
      switch (c) {
        case 's':
          if (typeof arg === 'number') piece = node_formatPrimitive(arg);
          else if (typeof arg === 'bigint') piece = `${arg}n`;
          else if (arg !== null && typeof arg === 'object') {
            piece = node_inspect(arg, { depth: 0, colors: false, compact: 3 });
          } else piece = String(arg);
          break;
        case 'j':
          try {
            piece = JSONStringify(arg);
          } catch (error) {
            if (StringPrototypeIncludes(String(error.message), 'circular')) piece = '[Circular]';
            else throw error;
          }
          break;
        case 'd':
          if (typeof arg === 'bigint') piece = `${arg}n`;
          else if (typeof arg === 'symbol') piece = 'NaN';
          else piece = node_formatPrimitive(Number(arg));
          break;
        case 'i':
          if (typeof arg === 'bigint') piece = `${arg}n`;
          else if (typeof arg === 'symbol') piece = 'NaN';
          else piece = node_formatPrimitive(NumberParseInt(arg));
          break;
        case 'f':
          piece = typeof arg === 'symbol' ? 'NaN' : node_formatPrimitive(NumberParseFloat(arg));
          break;
        case 'o':
          piece = node_inspect(arg, { showHidden: true, showProxy: true, depth: 4 });
          break;
        case 'O':
          piece = node_inspect(arg, {});
          break;
        case 'c':
          piece = '';
          break;
        default:
          continue;
      }
      out += StringPrototypeSlice(first, last, i) + piece;
      last = i + 2;
      i++;
      next++;
    }
    out += StringPrototypeSlice(first, last);
  } else {
    next = 0;
  }
  for (; next < args.length; next++) {
    const arg = args[next];
    const piece = typeof arg === 'string' ? arg : node_inspect(arg, {});
    out += (out.length > 0 || next > 0 ? ' ' : '') + piece;
  }
  return out;
}

const NumberParseFloat = Number.parseFloat;

// ---- deep equality (util.isDeepStrictEqual, assert.deepEqual / deepStrictEqual)

function node_deepEqual(a, b, strict, memo) {
  if (strict ? Object.is(a, b) : (a == b || (a !== a && b !== b))) return true; // eslint-disable-line eqeqeq
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (!strict && (a === null || typeof a !== 'object') && (b === null || typeof b !== 'object')) {
      return a == b || (a !== a && b !== b); // eslint-disable-line eqeqeq
    }
    if (typeof a === 'function' || typeof b === 'function') return false;
    return false;
  }
  const types = node_types();
  if (strict && ObjectGetPrototypeOf(a) !== ObjectGetPrototypeOf(b)) return false;
  const tagA = ObjectPrototypeToString(a);
  if (tagA !== ObjectPrototypeToString(b)) return false;
  if (ArrayIsArray(a) !== ArrayIsArray(b)) return false;
  if (types.isDate(a)) {
    if (!types.isDate(b) || DatePrototypeGetTime(a) !== DatePrototypeGetTime(b)) return false;
  } else if (types.isRegExp(a)) {
    if (!types.isRegExp(b) || RegExpPrototypeToString(a) !== RegExpPrototypeToString(b) || a.lastIndex !== b.lastIndex) return false;
  } else if (ErrorIsError(a)) {
    if (!ErrorIsError(b) || a.message !== b.message || a.name !== b.name) return false;
  } else if (types.isBoxedPrimitive(a)) {
    if (!Object.is(a.valueOf(), b.valueOf())) return false;
  } else if (ArrayBufferIsView(a)) {
    if (!ArrayBufferIsView(b)) return false;
    const x = viewBytes(a);
    const y = viewBytes(b);
    if (x.length !== y.length) return false;
    if (!strict && TypedArrayPrototypeGetSymbolToStringTag(a) !== undefined && (TypedArrayPrototypeGetSymbolToStringTag(a) === 'Float32Array'
      || TypedArrayPrototypeGetSymbolToStringTag(a) === 'Float64Array')) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    } else {
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    }
  } else if (node_types().isArrayBuffer(a)) {
    if (!node_types().isArrayBuffer(b)) return false;
    return node_deepEqual(new Uint8Array(a), new Uint8Array(b), strict, memo);
  }
  memo = memo ?? new SafeMap();
  const pairs = memo.get(a);
  if (pairs !== undefined && pairs.has(b)) return true;
  if (pairs === undefined) memo.set(a, new SafeSet([b]));
  else pairs.add(b);
  if (types.isMap(a)) {
    if (!types.isMap(b) || a.size !== b.size) return false;
    let equal = true;
    a.forEach((value, key) => {
      if (!equal) return;
      if (b.has(key)) {
        if (!node_deepEqual(value, b.get(key), strict, memo)) equal = false;
        return;
      }
      let found = false;
      b.forEach((otherValue, otherKey) => {
        if (!found && node_deepEqual(key, otherKey, strict, memo) && node_deepEqual(value, otherValue, strict, memo)) found = true;
      });
      if (!found) equal = false;
    });
    if (!equal) return false;
  } else if (types.isSet(a)) {
    if (!types.isSet(b) || a.size !== b.size) return false;
    let equal = true;
    a.forEach((value) => {
      if (!equal || b.has(value)) return;
      let found = false;
      b.forEach((other) => {
        if (!found && node_deepEqual(value, other, strict, memo)) found = true;
      });
      if (!found) equal = false;
    });
    if (!equal) return false;
  }
  const keysA = node_ownEnumerable(a, strict);
  const keysB = node_ownEnumerable(b, strict);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i];
    if (!ObjectPrototypeHasOwnProperty(b, key) || !ObjectPrototypePropertyIsEnumerable(b, key)) return false;
    if (!node_deepEqual(a[key], b[key], strict, memo)) return false;
  }
  return true;
}

const ObjectPrototypeHasOwnProperty = uncurryThis(Object.prototype.hasOwnProperty);
const ObjectPrototypePropertyIsEnumerable = uncurryThis(Object.prototype.propertyIsEnumerable);

function node_ownEnumerable(value, strict) {
  const keys = ObjectKeys(value);
  if (strict) {
    const all = ReflectOwnKeys(value);
    for (let i = 0; i < all.length; i++) {
      if (typeof all[i] === 'symbol' && ObjectPrototypePropertyIsEnumerable(value, all[i])) keys[keys.length] = all[i];
    }
  }
  return keys;
}

node_define('util/types', () => ({ ...node_types() }));

node_define('util', () => {
  const customPromisify = Symbol.for('nodejs.util.promisify.custom');

  function inspect(value, options) {
    return node_inspect(value, options);
  }
  inspect.custom = node_inspectCustom;
  inspect.defaultOptions = node_inspectDefaults;
  inspect.colors = { __proto__: null };
  inspect.styles = { __proto__: null };

  function promisify(original) {
    node_validateFunction(original, 'original');
    if (typeof original[customPromisify] === 'function') {
      const fn = original[customPromisify];
      return ObjectDefineProperty(fn, customPromisify, { value: fn, configurable: true });
    }
    function promisified(...args) {
      return new Promise((resolve, reject) => {
        ReflectApply(original, this, [...args, (error, ...values) => {
          if (error) reject(error);
          else resolve(values.length > 1 ? values : values[0]);
        }]);
      });
    }
    ObjectSetPrototypeOf(promisified, ObjectGetPrototypeOf(original));
    ObjectDefineProperty(promisified, customPromisify, { value: promisified, configurable: true });
    return ObjectDefineProperties(promisified, ObjectGetOwnPropertyDescriptors(original));
  }
  promisify.custom = customPromisify;

  function callbackify(original) {
    node_validateFunction(original, 'original');
    function callbackified(...args) {
      const callback = args.pop();
      node_validateFunction(callback, 'last argument');
      PromisePrototypeThen(PromiseResolve(ReflectApply(original, this, args)),
        (value) => node_require('process').nextTick(callback, null, value),
        (reason) => {
          let error = reason;
          if (!reason) {
            error = node_error(Error, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value');
            error.reason = reason;
          }
          node_require('process').nextTick(callback, error);
        });
    }
    return callbackified;
  }

  function inherits(ctor, superCtor) {
    if (ctor === undefined || ctor === null) throw node_invalidArgType('ctor', 'of type function', ctor);
    if (superCtor === undefined || superCtor === null) throw node_invalidArgType('superCtor', 'of type function', superCtor);
    if (superCtor.prototype === undefined) {
      throw node_invalidArgType('superCtor.prototype', 'of type object', superCtor.prototype);
    }
    ObjectDefineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    ObjectSetPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  const warned = new SafeSet();
  function deprecate(fn, message, code) {
    node_validateFunction(fn, 'fn');
    function deprecated(...args) {
      const key = code ?? message;
      if (!warned.has(key)) {
        warned.add(key);
        console.warn(`(node) ${code ? `[${code}] ` : ''}DeprecationWarning: ${message}`);
      }
      return new.target ? ReflectConstruct(fn, args, new.target) : ReflectApply(fn, this, args);
    }
    ObjectSetPrototypeOf(deprecated, fn);
    if (fn.prototype) deprecated.prototype = fn.prototype;
    return deprecated;
  }

  const debugEnabled = new SafeMap();
  function debuglog(section) {
    const enabled = debugEnabled.get(section) ?? false;
    const log = (...args) => {
      if (enabled) console.error(`${StringPrototypeToUpperCase(section)}: ${node_format(args)}`);
    };
    log.enabled = enabled;
    return log;
  }

  function stripVTControlCharacters(string) {
    node_validateString(string, 'str');
    return StringPrototypeReplaceAll(string, /\u001b\[[0-9;]*[A-Za-z]|\u009b[0-9;]*[A-Za-z]/g, '');
  }

  function aborted(signal, resource) {
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  function getSystemErrorName(code) {
    return `Unknown system error ${code}`;
  }

  function styleText(format, text) {
    node_validateString(text, 'text');
    return text;
  }

  function parseEnv(content) {
    const out = {};
    const lines = content.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = RegExpPrototypeExec(/^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)?\s*$/, lines[i]);
      if (m === null) continue;
      let v = (m[2] ?? '').trim();
      if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
      out[m[1]] = v;
    }
    return out;
  }

  return {
    format: (...args) => node_format(args),
    formatWithOptions: (options, ...args) => node_format(args),
    inspect,
    promisify,
    callbackify,
    inherits,
    deprecate,
    debuglog,
    debug: debuglog,
    isDeepStrictEqual: (a, b) => node_deepEqual(a, b, true),
    types: node_require('util/types'),
    TextEncoder,
    TextDecoder,
    stripVTControlCharacters,
    toUSVString: (string) => StringPrototypeToWellFormed(`${string}`),
    aborted,
    getSystemErrorName,
    styleText,
    parseEnv,
    isArray: ArrayIsArray,
    isBoolean: (v) => typeof v === 'boolean',
    isNull: (v) => v === null,
    isNullOrUndefined: (v) => v === null || v === undefined,
    isNumber: (v) => typeof v === 'number',
    isString: (v) => typeof v === 'string',
    isSymbol: (v) => typeof v === 'symbol',
    isUndefined: (v) => v === undefined,
    isRegExp: node_types().isRegExp,
    isObject: (v) => v !== null && typeof v === 'object',
    isDate: node_types().isDate,
    isError: (v) => ErrorIsError(v),
    isFunction: (v) => typeof v === 'function',
    isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
    isBuffer: (v) => node_require('buffer').Buffer.isBuffer(v),
    // The deprecated Object.assign of old libraries: own enumerable string keys only.
    _extend(target, source) {
      if (source === null || typeof source !== 'object') return target;
      const keys = ObjectKeys(source);
      for (let i = keys.length - 1; i >= 0; i--) target[keys[i]] = source[keys[i]];
      return target;
    },
  };
});
