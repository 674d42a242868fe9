// Shared by every runtime file: the built-ins the runtime uses, how globals are
// installed and how spec errors are made. `host` is the only channel to Java; it
// never becomes a global.
//
// Primordials. A worker may change its own built-ins (Array.prototype.push,
// Promise.prototype.then, JSON.stringify, String.prototype.split, a global such as
// Map or Uint8Array ...), and that must not break the runtime under it: a request
// would hang or answer with what the worker's patch made up. So the runtime takes
// what it uses here, before any worker code runs. Code on the request path (the
// worker glue, fetch and host calls, Headers, Request, Response and bodies, URL,
// encoding, events, timers, console, the core of streams) follows these rules, and
// new code everywhere should; code that runs only at start-up may use anything:
//   - the global constructors below are bindings of this scope, not look-ups on
//     the global object (the typed arrays are bound in memory.js, which gates
//     them); static methods are taken one by one (ObjectKeys, JSONParse), since a
//     worker can replace Object.keys or JSON.parse on the object itself;
//   - a method is called through its uncurried form: StringPrototypeSlice(s, 1)
//     instead of s.slice(1), ArrayPrototypePush(list, x) instead of list.push(x);
//   - Map, Set, WeakMap and WeakSet the runtime keeps are Safe* instances, whose
//     methods are their own (iterate them with forEach, never for-of);
//   - arrays are walked with indexed loops (for-of, spread and array destructuring
//     call the array iterator, which a worker can replace);
//   - promises are awaited rather than chained (await on a native promise does not
//     look up `then`), and an async function returns `await p`, never `p`;
//   - a regular expression is only ever run with RegExpPrototypeExec (test,
//     replace and split look up methods a worker can change).
// What a worker passes in is still used the way the specs say (its iterables, its
// toString, its thenables): only the runtime's own work is made immune.

// The engine's gc(), which the host's --expose-gc-as defines under this name (the host collects
// garbage through its own API): no worker's. The global cannot be deleted, only emptied.
if (typeof globalThis.__tenantd_gc === 'function') globalThis.__tenantd_gc = undefined;

const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);

const {
  Array, BigInt, Boolean, DataView, Date, Error, EvalError, Map, Number, Object, Promise, Proxy, RangeError,
  ReferenceError, RegExp, Set, String, Symbol, SyntaxError, TypeError, URIError, WeakMap, WeakSet,
} = globalThis;

const {
  apply: ReflectApply, construct: ReflectConstruct, defineProperty: ReflectDefineProperty,
  getOwnPropertyDescriptor: ReflectGetOwnPropertyDescriptor, ownKeys: ReflectOwnKeys,
} = Reflect;
const { parse: JSONParse, stringify: JSONStringify } = JSON;
const { floor: MathFloor, max: MathMax, min: MathMin, trunc: MathTrunc } = Math;
const {
  create: ObjectCreate, defineProperties: ObjectDefineProperties, defineProperty: ObjectDefineProperty,
  freeze: ObjectFreeze, getOwnPropertyDescriptor: ObjectGetOwnPropertyDescriptor,
  getOwnPropertyDescriptors: ObjectGetOwnPropertyDescriptors, getPrototypeOf: ObjectGetPrototypeOf,
  keys: ObjectKeys, setPrototypeOf: ObjectSetPrototypeOf,
} = Object;
const ObjectPrototypeToString = uncurryThis(Object.prototype.toString);
const { isArray: ArrayIsArray } = Array;
const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
const ArrayPrototypeIndexOf = uncurryThis(Array.prototype.indexOf);
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
const ArrayFrom = Array.from;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeShift = uncurryThis(Array.prototype.shift);
const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
const { isFinite: NumberIsFinite, parseInt: NumberParseInt } = Number;
const NumberPrototypeToString = uncurryThis(Number.prototype.toString);
const { fromCharCode: StringFromCharCode, fromCodePoint: StringFromCodePoint } = String;
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringPrototypeCodePointAt = uncurryThis(String.prototype.codePointAt);
const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
const StringPrototypeNormalize = uncurryThis(String.prototype.normalize);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeStartsWith = uncurryThis(String.prototype.startsWith);
const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
const StringPrototypeToUpperCase = uncurryThis(String.prototype.toUpperCase);
const StringPrototypeToWellFormed = uncurryThis(String.prototype.toWellFormed);
const SymbolPrototypeToString = uncurryThis(Symbol.prototype.toString);
const { iterator: SymbolIterator, toPrimitive: SymbolToPrimitive, toStringTag: SymbolToStringTag } = Symbol;
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const ErrorCaptureStackTrace = Error.captureStackTrace;
const ErrorIsError = Error.isError ?? ((value) => value instanceof Error);
const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
const DateNow = Date.now;
const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
const DatePrototypeToISOString = uncurryThis(Date.prototype.toISOString);
const DatePrototypeToString = uncurryThis(Date.prototype.toString);
const TypedArrayPrototype = ObjectGetPrototypeOf(globalThis.Uint8Array.prototype);
const TypedArrayPrototypeGetLength = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'length').get);
const TypedArrayPrototypeGetByteLength = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get);
const TypedArrayPrototypeGetByteOffset = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get);
const TypedArrayPrototypeGetBuffer = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get);
const TypedArrayPrototypeGetSymbolToStringTag = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, SymbolToStringTag).get);
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const TypedArrayPrototypeSubarray = uncurryThis(TypedArrayPrototype.subarray);
const DataViewPrototypeGetBuffer = uncurryThis(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get);
const DataViewPrototypeGetByteOffset = uncurryThis(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get);
const DataViewPrototypeGetByteLength = uncurryThis(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength').get);
const ArrayBufferIsView = globalThis.ArrayBuffer.isView;
const NumberIsInteger = Number.isInteger;
const ArrayBufferPrototypeGetByteLength = uncurryThis(ObjectGetOwnPropertyDescriptor(globalThis.ArrayBuffer.prototype, 'byteLength').get);

// The typed array constructors and ArrayBuffer are bound in memory.js, after it gates them.
// Whether `value` is a Uint8Array of this realm, without instanceof (which a worker can
// redirect through Symbol.hasInstance).
function isUint8Array(value) {
  return ArrayBufferIsView(value) && TypedArrayPrototypeGetSymbolToStringTag(value) === 'Uint8Array';
}

// Values of other kinds are told apart without a thrown exception where that is cheap to
// see (a caught TypeError costs microseconds, more than most callers' own work).
function isArrayBuffer(value) {
  if (value === null || typeof value !== 'object' || ArrayBufferIsView(value)) return false;
  try {
    if (ArrayIsArray(value)) return false; // throws for a revoked proxy
    ArrayBufferPrototypeGetByteLength(value);
    return true;
  } catch {
    return false;
  }
}

// Whether an object is an array, a view or a plain object (see isPlain), told without the
// tests for other built-ins' internal slots, each of which throws when its slot is missing
// (a caught exception costs microseconds). console.log, util.inspect and util.types take
// such an object to hold no other built-in's slot.
function isSlotless(value) {
  try {
    if (ArrayIsArray(value) || ArrayBufferIsView(value)) return true;
    return isPlain(value, ObjectGetPrototypeOf(value));
  } catch {
    return false; // a revoked proxy, or a proxy's getPrototypeOf trap threw
  }
}

// Whether an object with prototype `proto` is plain: its prototype is Object.prototype or null,
// and it is not one of the three prototypes that are boxed primitives themselves. A built-in
// object a worker moved onto Object.prototype or a null prototype (Object.setPrototypeOf)
// counts as plain: it is an object literal to the code that asks, though it holds a slot.
const ObjectPrototype = Object.prototype;
const plain_boxedPrototypes = [Boolean.prototype, Number.prototype, String.prototype];
function isPlain(value, proto) {
  if (proto === null) return true;
  return proto === ObjectPrototype && value !== plain_boxedPrototypes[0] && value !== plain_boxedPrototypes[1]
    && value !== plain_boxedPrototypes[2];
}

// Collections whose methods are their own copies of the built-ins: a worker changing
// Map.prototype.get (or set, has, delete, forEach, size...) does not reach them.
function makeSafe(Base, Safe) {
  const source = Base.prototype;
  const keys = ReflectOwnKeys(source);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'constructor') {
      ReflectDefineProperty(Safe.prototype, keys[i], ReflectGetOwnPropertyDescriptor(source, keys[i]));
    }
  }
  ObjectFreeze(Safe.prototype);
  return Safe;
}
const SafeMap = makeSafe(Map, class SafeMap extends Map { constructor() { super(); } });
const SafeSet = makeSafe(Set, class SafeSet extends Set { constructor() { super(); } });
const SafeWeakMap = makeSafe(WeakMap, class SafeWeakMap extends WeakMap { constructor() { super(); } });
const SafeWeakSet = makeSafe(WeakSet, class SafeWeakSet extends WeakSet { constructor() { super(); } });

// A Map of `pairs` ([key, value] arrays), filled without the array iterator.
function safeMapOf(pairs) {
  const map = new SafeMap();
  for (let i = 0; i < pairs.length; i++) map.set(pairs[i][0], pairs[i][1]);
  return map;
}

// list[start..end) as a new array (Array.prototype.slice would ask the array's
// constructor, which a worker can change, what to make).
function copyList(list, start = 0, end = list.length) {
  const out = [];
  for (let i = start; i < end; i++) out[out.length] = list[i];
  return out;
}

// Removes list[index], moving the later entries down.
function removeFromList(list, index) {
  for (let i = index; i < list.length - 1; i++) list[i] = list[i + 1];
  list.length--;
}

// Promise.resolve and Promise.reject of the intrinsic Promise.
const PromiseResolve = Promise.resolve.bind(Promise);
const PromiseReject = Promise.reject.bind(Promise);

// Promise.all for a list of values, without the array iterator or Promise.resolve look-ups.
function promiseAll(values) {
  return new Promise((resolve, reject) => {
    const results = [];
    let remaining = values.length;
    if (remaining === 0) resolve(results);
    for (let i = 0; i < values.length; i++) {
      PromisePrototypeThen(PromiseResolve(values[i]), (value) => {
        results[i] = value;
        if (--remaining === 0) resolve(results);
      }, reject);
    }
  });
}

function regExpTest(pattern, string) {
  return RegExpPrototypeExec(pattern, string) !== null;
}

// A Uint8Array over the memory of any ArrayBufferView (a typed array or a DataView). A view
// takes no memory of its own, so it is made with the constructor memory.js keeps ungated.
function viewBytes(view) {
  if (TypedArrayPrototypeGetSymbolToStringTag(view) !== undefined) {
    return new memory_Uint8Array(TypedArrayPrototypeGetBuffer(view), TypedArrayPrototypeGetByteOffset(view),
      TypedArrayPrototypeGetByteLength(view));
  }
  return new memory_Uint8Array(DataViewPrototypeGetBuffer(view), DataViewPrototypeGetByteOffset(view),
    DataViewPrototypeGetByteLength(view));
}

// `text` split at every `separator` (String.prototype.split would look up Symbol.split, which
// a worker can define).
function stringSplit(text, separator) {
  const out = [];
  let from = 0;
  for (;;) {
    const at = StringPrototypeIndexOf(text, separator, from);
    if (at < 0) break;
    out[out.length] = StringPrototypeSlice(text, from, at);
    from = at + separator.length;
  }
  out[out.length] = StringPrototypeSlice(text, from);
  return out;
}

// A view of bytes[start..end) sharing its memory (subarray, without its species look-up; a
// view takes no memory of its own, so the ungated constructor of memory.js makes it).
function bytesView(bytes, start, end) {
  return new memory_Uint8Array(TypedArrayPrototypeGetBuffer(bytes), TypedArrayPrototypeGetByteOffset(bytes) + start, end - start);
}

function defineGlobal(name, value) {
  ObjectDefineProperty(globalThis, name, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

// Marks methods and accessors of a Web IDL class as non-enumerable the way
// browsers expose them, and sets Symbol.toStringTag. The descriptor has no prototype:
// a runtime part calls this when it loads, after worker code may have added
// properties such as `get` to Object.prototype.
function webIdlClass(cls, tag) {
  ObjectDefineProperty(cls.prototype, SymbolToStringTag, {
    __proto__: null,
    value: tag ?? cls.name,
    configurable: true,
  });
  return cls;
}

function webIdlToString(value, what) {
  if (typeof value === 'symbol') {
    throw new TypeError(`Cannot convert a Symbol value to a string (${what})`);
  }
  return String(value);
}

function requireArguments(count, needed, where) {
  if (count < needed) {
    throw new TypeError(
      `${where}: ${needed} argument${needed === 1 ? '' : 's'} required, but only ${count} present.`);
  }
}

// Joins byte chunks (Uint8Arrays) of `total` bytes; a single chunk is returned as is.
function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    TypedArrayPrototypeSet(out, chunks[i], offset);
    offset += TypedArrayPrototypeGetLength(chunks[i]);
  }
  return out;
}

// In a flat [name, value, name, value, ...] list, makes `value` the only entry
// named `name`: the first such entry is replaced in place, later ones removed,
// and the entry appended when there was none (Headers and FormData `set`).
function setInPairList(list, name, value) {
  let found = false;
  let j = 0;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) {
      if (found) continue;
      found = true;
      list[j++] = name;
      list[j++] = value;
    } else {
      list[j++] = list[i];
      list[j++] = list[i + 1];
    }
  }
  list.length = j;
  if (!found) {
    list[j] = name;
    list[j + 1] = value;
  }
}
