// Memory outside the V8 heap (ArrayBuffer and WebAssembly memory) counts against
// the isolate's memory limit before it is taken. Every way a worker can allocate it
// goes through this file. At the start of a turn the host tells what the isolate holds
// (heap and buffers, measured by the engine, after a collection when it is high);
// within the turn every allocation is added to that, and one that would go over the
// limit first has the host collect garbage (and measure what the isolate holds after
// it) and then, if it still does not fit, ends the invocation (exceededMemory)
// without taking the memory. The runtime's own buffers (bodies, encoders) are made
// through the same constructors and are counted alike; bytes the host hands in are
// counted by the host.
//
// Defines for others:
//   memory_startCounting(limitBytes)  once a worker adopts the isolate (the runtime's own
//                                     start-up allocations are not a worker's)
//   memory_measured(bytes)            the host measured what the isolate holds (the engine's
//                                     statistics leave out WebAssembly memory, added here)
//   memory_fromHost(arrayBuffer)      the Uint8Array over bytes the host made
//   memory_wasmRoom(more, what), memory_wasmMade(memory, maximumPages, what), memory_wasmBytes(),
//   memory_wasmPending, memory_wasmLost
//                                     WebAssembly memories: room for more, one made (for
//                                     webassembly.js), what those alive hold, and the memory
//                                     of instances being made or lost
// It replaces the allocating constructors and methods on the global object before any
// other file or any worker code runs.

// What ICU holds behind the Intl objects the worker made: the engine's statistics do not
// show it, nor when it is let go, so each object counts an estimate of its size for the
// life of the isolate. Past half the limit the isolate is retired (a fresh one takes the
// next requests, the requests in flight finish here); past the whole limit, together with
// what else the isolate holds, the invocation ends as over its memory limit.
let memory_intl = 0;
let memory_retiring = false;

function memory_countIntl(bytes) {
  memory_intl += bytes;
  if (memory_held + memory_since + memory_intl + memory_wasmPending > memory_limit) {
    host.retire(true);
    throw new RangeError("Intl object allocation failed: it would exceed the worker's memory limit");
  }
  if (!memory_retiring && memory_intl > memory_limit / 2) {
    memory_retiring = true;
    host.retire(false);
  }
}

// The ungated constructor: bytes the host hands in are counted by the host.
const memory_Uint8Array = globalThis.Uint8Array;
const memory_construct = ReflectConstruct;
const memory_apply = ReflectApply;
const memory_isArray = ArrayIsArray;
const memory_arrayFrom = Array.from;
const memory_defineProperty = ObjectDefineProperty;
const memory_getOwnPropertyDescriptor = ObjectGetOwnPropertyDescriptor;
const memory_typedArrayPrototype = TypedArrayPrototype;
const memory_typedArrayLength = memory_getOwnPropertyDescriptor(memory_typedArrayPrototype, 'length').get;
const memory_typedArrayTag = memory_getOwnPropertyDescriptor(memory_typedArrayPrototype, SymbolToStringTag).get;
const memory_isView = globalThis.ArrayBuffer.isView;
const memory_typedArrayByteLength = memory_getOwnPropertyDescriptor(memory_typedArrayPrototype, 'byteLength').get;
const memory_arrayBufferByteLength = memory_getOwnPropertyDescriptor(globalThis.ArrayBuffer.prototype, 'byteLength').get;
const memory_sharedByteLength = typeof globalThis.SharedArrayBuffer === 'function'
  ? memory_getOwnPropertyDescriptor(globalThis.SharedArrayBuffer.prototype, 'byteLength').get : undefined;

// Allocations smaller than this are not counted one by one: the host's checks after
// each garbage collection and between turns cover them.
const memory_countedBytes = 16 * 1024;
// The host is told of growth in steps of this size, so that it measures again.
const memory_reportStep = 4 * 1024 * 1024;
let memory_limit = Infinity;
let memory_held = 0; // what the host last measured
let memory_since = 0; // allocated since then
// WebAssembly memory of instances being made: counted, but neither made nor tracked yet.
let memory_wasmPending = 0;
// WebAssembly memory of instances that failed but may still be reachable, at its largest.
let memory_wasmLost = 0;
let memory_reported = 0;

function memory_startCounting(limitBytes) {
  memory_limit = limitBytes;
}

function memory_measured(bytes) {
  memory_held = bytes + memory_wasmBytes() + memory_wasmLost + memory_trackedBytes(memory_sharedBuffers);
  memory_since = 0;
  memory_reported = 0;
}

function memory_fromHost(buffer) {
  return new memory_Uint8Array(buffer);
}

// SharedArrayBuffers, which the engine's statistics leave out, are kept here by weak
// references: those still alive count at their current size (one made in the running job
// stays alive until the job ends, which counts it a little long).
const memory_WeakRef = globalThis.WeakRef;
const memory_weakRefDeref = WeakRef.prototype.deref;

function memory_tracker(sizeOf) {
  return { __proto__: null, refs: { __proto__: null }, count: 0, sizeOf };
}

function memory_track(tracker, value) {
  tracker.refs[tracker.count++] = memory_construct(memory_WeakRef, [value]);
}

// The bytes of those alive; the others are dropped from the list.
function memory_trackedBytes(tracker) {
  let total = 0;
  let alive = 0;
  for (let i = 0; i < tracker.count; i++) {
    const ref = tracker.refs[i];
    const value = memory_apply(memory_weakRefDeref, ref, []);
    if (value === undefined) continue;
    tracker.refs[alive++] = ref;
    total += tracker.sizeOf(value);
  }
  for (let i = alive; i < tracker.count; i++) delete tracker.refs[i];
  tracker.count = alive;
  return total;
}

// WebAssembly memories, which the engine's statistics leave out too, are held by the host,
// weakly: a garbage collection in the middle of a turn drops those no longer reachable (a
// WeakRef would keep each alive until the running job ends, and webassembly.js's bound on
// what they can grow to needs the dropped ones gone in the turn that dropped them). The host
// holds at most memory_wasmMost of them for an isolate (WasmMemoryTracker.MAX_ALIVE).
let memory_wasmBuffer;
let memory_wasmAny = false;
const memory_wasmMost = 1000;
// Memories tracked since the host last counted them: at least as many as are alive.
let memory_wasmCount = 0;

// Room for `more` memories, or a RangeError before anything is made (WebAssembly.<what>()).
function memory_wasmRoom(more, what) {
  if (more === 0 || memory_wasmCount + more <= memory_wasmMost) return;
  // The host counts those alive, after a garbage collection if `more` would not fit.
  memory_wasmCount = host.wasmMemoryCount(more);
  if (memory_wasmCount + more <= memory_wasmMost) return;
  throw memory_wasmTooMany(what);
}

function memory_wasmTooMany(what) {
  return new RangeError(`WebAssembly.${what}(): the isolate has ${memory_wasmMost} WebAssembly memories alive, `
    + 'the most it may have: keep fewer instances and memories alive');
}

// A memory was made, which declared at most `maximumPages` (-1: no maximum). The caller made
// room for it; if others took that room in between (an import's getter made memories while
// an instance was being made), it is refused all the same (the caller drops it).
function memory_wasmMade(memory, maximumPages, what) {
  // One whose maximum is no page holds nothing, ever.
  if (maximumPages === 0) return;
  if (!host.wasmMemoryMade(memory, maximumPages)) throw memory_wasmTooMany(what);
  memory_wasmAny = true;
  memory_wasmCount++;
  wasm_memoryMade(maximumPages);
}

// What the memories alive hold now. The host hands them in one at a time (a list of them
// made by the host would be filled through setters a worker can define).
function memory_wasmBytes() {
  if (!memory_wasmAny) return 0;
  const count = host.wasmMemoryCount(0);
  memory_wasmCount = count;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const memory = host.wasmMemoryAt(i);
    if (memory === undefined) continue;
    const buffer = memory_apply(memory_wasmBuffer, memory, []);
    total += memory_isShared(buffer)
      ? memory_apply(memory_sharedByteLength, buffer, [])
      : memory_apply(memory_arrayBufferByteLength, buffer, []);
  }
  return total;
}

// SharedArrayBuffers, counted whatever their size.
const memory_sharedBuffers = memory_tracker((buffer) => memory_apply(memory_sharedByteLength, buffer, []));
let memory_slicing = false;
let memory_lastShared; // the one the gated constructor made while a slice ran

function memory_sharedMade(buffer) {
  memory_track(memory_sharedBuffers, buffer);
  if (memory_slicing) memory_lastShared = buffer;
}

// Makes room for `bytes` more, or ends the invocation. Allocations under the counted size
// are let through unless `always` (memory the engine's statistics will never show).
function memory_request(bytes, always = false) {
  if (!(bytes >= (always ? 0 : memory_countedBytes))
    || memory_held + memory_since + memory_intl + memory_wasmPending + bytes <= memory_limit) {
    return;
  }
  // The host collects garbage and measures what the isolate holds after it; that measure
  // replaces the count (which may have included garbage of earlier requests). Without a
  // measure (the invocation is being ended already) the count stands.
  const measured = host.collectGarbage(true);
  if (measured >= 0) memory_measured(measured);
  if (memory_held + memory_since + memory_intl + memory_wasmPending + bytes <= memory_limit) return;
  host.memoryExceeded(bytes);
  // The host has ended the invocation; this stops the allocation in case the
  // termination is noticed only later.
  throw new RangeError(`Array buffer allocation failed: ${bytes} more bytes would exceed the worker's memory limit`);
}

// `bytes` were allocated (or released, when negative).
function memory_count(bytes, always = false) {
  if (!(bytes >= (always ? 0 : memory_countedBytes))) return;
  memory_since += bytes;
  if (memory_since - memory_reported >= memory_reportStep) {
    memory_reported = memory_since;
    host.memoryGrew();
  }
}

// The checks below tell kinds apart without throwing where the engine offers a way (a
// caught exception costs microseconds, several times an allocation's own cost).
function memory_isTypedArray(value) {
  return memory_apply(memory_typedArrayTag, value, []) !== undefined;
}

function memory_isShared(value) {
  if (memory_sharedByteLength === undefined) return false;
  try {
    memory_apply(memory_sharedByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

// An ArrayBuffer or a SharedArrayBuffer.
function memory_isArrayBuffer(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || memory_isView(value)) return false;
  try {
    memory_apply(memory_arrayBufferByteLength, value, []);
    return true;
  } catch {
    return memory_isShared(value);
  }
}

// A length argument converted once: a value whose valueOf answers differently on
// each call cannot tell the count one size and the engine another.
function memory_length(value) {
  return value === undefined ? 0 : +value;
}

// Replaces a global constructor by one that asks first. `prepare(args)` returns the
// arguments to construct with and the bytes they allocate.
function memory_gate(name, prepare) {
  const original = globalThis[name];
  if (typeof original !== 'function') return;
  const gated = new Proxy(original, {
    __proto__: null,
    construct(target, args, newTarget) {
      const { constructArgs, bytes } = prepare(args);
      memory_request(bytes);
      const made = memory_construct(target, constructArgs, newTarget);
      memory_count(bytes);
      return made;
    },
  });
  defineGlobal(name, gated);
  memory_defineProperty(original.prototype, 'constructor',
    { value: gated, writable: true, configurable: true, enumerable: false });
}

// Replaces a method by one that asks for `bytesOf(this, args)` first. With `lengthFirst`,
// the first argument is a length, converted once and handed on as converted (a BigInt stays one).
function memory_gateMethod(holder, name, bytesOf, lengthFirst = false) {
  const descriptor = memory_getOwnPropertyDescriptor(holder, name);
  if (descriptor === undefined || typeof descriptor.value !== 'function') return;
  const original = descriptor.value;
  const gated = {
    [name](...args) {
      if (lengthFirst && args.length > 0 && args[0] !== undefined && typeof args[0] !== 'bigint') {
        args[0] = memory_length(args[0]);
      }
      const bytes = bytesOf(this, args);
      memory_request(bytes);
      const result = memory_apply(original, this, args);
      memory_count(bytes);
      return result;
    },
  }[name];
  memory_defineProperty(gated, 'length', { value: original.length });
  memory_defineProperty(holder, name, { ...descriptor, value: gated });
}

function memory_bufferArgs(args) {
  const constructArgs = copyList(args);
  constructArgs[0] = memory_length(args[0]);
  return { constructArgs, bytes: constructArgs[0] };
}

memory_gate('ArrayBuffer', memory_bufferArgs);
if (memory_sharedByteLength !== undefined) {
  // Counted whatever their size and kept track of, from every way one is made: the
  // constructor, and slice, which makes the engine's own when the buffer's constructor is unset.
  const OriginalShared = globalThis.SharedArrayBuffer;
  const GatedShared = new Proxy(OriginalShared, {
    __proto__: null,
    construct(target, args, newTarget) {
      const { constructArgs, bytes } = memory_bufferArgs(args);
      memory_request(bytes, true);
      const made = memory_construct(target, constructArgs, newTarget);
      memory_count(bytes, true);
      memory_sharedMade(made);
      return made;
    },
  });
  defineGlobal('SharedArrayBuffer', GatedShared);
  memory_defineProperty(OriginalShared.prototype, 'constructor',
    { value: GatedShared, writable: true, configurable: true, enumerable: false });
  // slice(start, end): its bounds are read once, as the standard reads them, and handed on as read.
  const slice = OriginalShared.prototype.slice;
  const bound = (value, length, fallback) => {
    if (value === undefined) return fallback;
    let n = +value;
    n = n !== n ? 0 : MathTrunc(n);
    return n < 0 ? MathMax(length + n, 0) : MathMin(n, length);
  };
  memory_defineProperty(OriginalShared.prototype, 'slice', {
    ...memory_getOwnPropertyDescriptor(OriginalShared.prototype, 'slice'),
    value: {
      slice(start, end) {
        const length = memory_apply(memory_sharedByteLength, this, []);
        const first = bound(start, length, 0);
        const last = bound(end, length, length);
        const bytes = MathMax(last - first, 0);
        memory_request(bytes, true);
        memory_slicing = true;
        memory_lastShared = undefined;
        let made;
        try {
          made = memory_apply(slice, this, [first, last]);
        } finally {
          memory_slicing = false;
        }
        // Made through the gated constructor (the buffer's own), it was counted and tracked there.
        if (made !== memory_lastShared && memory_isShared(made)) {
          memory_count(bytes, true);
          memory_sharedMade(made);
        }
        memory_lastShared = undefined;
        return made;
      },
    }.slice,
  });
}

const memory_typedArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];

for (let i = 0; i < memory_typedArrays.length; i++) {
  const name = memory_typedArrays[i];
  const original = globalThis[name];
  if (typeof original !== 'function') continue;
  const bytesPerElement = original.BYTES_PER_ELEMENT;
  memory_gate(name, (args) => {
    const source = args[0];
    if (source === null || (typeof source !== 'object' && typeof source !== 'function')) {
      const constructArgs = copyList(args);
      constructArgs[0] = memory_length(source);
      return { constructArgs, bytes: constructArgs[0] * bytesPerElement };
    }
    if (memory_isTypedArray(source)) {
      return { constructArgs: args, bytes: memory_apply(memory_typedArrayLength, source, []) * bytesPerElement };
    }
    if (!memory_isArray(source) && memory_isArrayBuffer(source)) return { constructArgs: args, bytes: 0 }; // a view
    // An array, an iterable or an array-like: its elements are taken once into an
    // array (on the heap, which has its own limit), whose length is then counted.
    const list = memory_isArray(source) ? source : memory_arrayFrom(source);
    return { constructArgs: [list], bytes: list.length * bytesPerElement };
  });
}

// Static constructors that allocate a Uint8Array of their own.
memory_gateMethod(memory_Uint8Array, 'fromBase64', (self, args) => typeof args[0] === 'string' ? args[0].length * 3 / 4 : 0);
memory_gateMethod(memory_Uint8Array, 'fromHex', (self, args) => typeof args[0] === 'string' ? args[0].length / 2 : 0);

// Copies made with the typed array's own type rather than through its constructor.
memory_gateMethod(memory_typedArrayPrototype, 'toReversed', (self) => memory_apply(memory_typedArrayByteLength, self, []));
memory_gateMethod(memory_typedArrayPrototype, 'toSorted', (self) => memory_apply(memory_typedArrayByteLength, self, []));
memory_gateMethod(memory_typedArrayPrototype, 'with', (self) => memory_apply(memory_typedArrayByteLength, self, []));

// Growing or replacing a buffer.
memory_gateMethod(globalThis.ArrayBuffer.prototype, 'resize',
  (self, args) => memory_length(args[0]) - memory_apply(memory_arrayBufferByteLength, self, []), true);
const memory_transferBytes = (self, args) =>
  args[0] === undefined ? 0 : memory_length(args[0]) - memory_apply(memory_arrayBufferByteLength, self, []);
memory_gateMethod(globalThis.ArrayBuffer.prototype, 'transfer', memory_transferBytes, true);
memory_gateMethod(globalThis.ArrayBuffer.prototype, 'transferToFixedLength', memory_transferBytes, true);
if (memory_sharedByteLength !== undefined) {
  memory_gateMethod(globalThis.SharedArrayBuffer.prototype, 'grow',
    (self, args) => memory_length(args[0]) - memory_apply(memory_sharedByteLength, self, []), true);
}

// WebAssembly memory: 64 KiB pages, taken when the memory is made and when it grows.
if (typeof WebAssembly === 'object') {
  const wasmPage = 64 * 1024;
  const OriginalMemory = WebAssembly.Memory;
  memory_wasmBuffer = memory_getOwnPropertyDescriptor(OriginalMemory.prototype, 'buffer').get;
  const GatedMemory = new Proxy(OriginalMemory, {
    __proto__: null,
    construct(target, args, newTarget) {
      const given = args[0];
      // The engine takes any object for a descriptor, a function too.
      if (given === null || (typeof given !== 'object' && typeof given !== 'function')) {
        return memory_construct(target, args, newTarget);
      }
      // Read the descriptor once, each size as one primitive, and hand the engine exactly
      // what was counted (it converts a primitive the same way every time).
      const descriptor = { __proto__: null };
      const keys = ['initial', 'maximum', 'shared', 'address'];
      for (let i = 0; i < keys.length; i++) {
        const value = given[keys[i]];
        if (value !== undefined) descriptor[keys[i]] = value;
      }
      if (descriptor.initial !== undefined) descriptor.initial = memory_primitive(descriptor.initial);
      if (descriptor.maximum !== undefined) descriptor.maximum = memory_primitive(descriptor.maximum);
      const bytes = memory_pages(descriptor.initial) * wasmPage;
      const maximumPages = descriptor.maximum === undefined ? -1 : memory_pages(descriptor.maximum);
      memory_request(bytes);
      if (maximumPages !== 0) memory_wasmRoom(1, 'Memory');
      const constructArgs = copyList(args);
      constructArgs[0] = descriptor;
      const made = memory_construct(target, constructArgs, newTarget);
      memory_count(bytes);
      memory_wasmMade(made, maximumPages, 'Memory');
      return made;
    },
  });
  memory_defineProperty(WebAssembly, 'Memory', { value: GatedMemory, writable: true, configurable: true, enumerable: false });
  memory_defineProperty(OriginalMemory.prototype, 'constructor',
    { value: GatedMemory, writable: true, configurable: true, enumerable: false });
  memory_gateMethod(OriginalMemory.prototype, 'grow',
    (self, args) => (typeof args[0] === 'bigint' ? Number(args[0]) : memory_length(args[0])) * wasmPage, true);
}

// A value as the engine converts it to a number or BigInt first (ToPrimitive with the hint
// "number"): the worker's code it runs runs once, and the engine gets the primitive.
function memory_primitive(value) {
  const isPrimitive = (v) => v === null || (typeof v !== 'object' && typeof v !== 'function');
  if (isPrimitive(value)) return value;
  const exotic = value[SymbolToPrimitive];
  if (exotic !== undefined && exotic !== null) {
    const result = memory_apply(exotic, value, ['number']);
    if (isPrimitive(result)) return result;
    throw new TypeError('Cannot convert object to primitive value');
  }
  const methods = ['valueOf', 'toString'];
  for (let i = 0; i < methods.length; i++) {
    const method = value[methods[i]];
    if (typeof method !== 'function') continue;
    const result = memory_apply(method, value, []);
    if (isPrimitive(result)) return result;
  }
  throw new TypeError('Cannot convert object to primitive value');
}

// A memory size in pages from such a primitive (a BigInt for 64-bit memories), for counting;
// a value the engine refuses may read as anything here, as nothing is made of it.
function memory_pages(primitive) {
  if (primitive === undefined) return 0;
  if (typeof primitive === 'bigint') return Number(primitive);
  if (typeof primitive === 'symbol') return NaN;
  return +primitive;
}

// Arrays: filling an array whose elements alone would not fit in the memory limit is
// refused before the engine allocates its backing store in one native call (which
// termination cannot interrupt). `new Array(n)` itself allocates nothing for large n, and
// the Array constructor is left alone: a wrapped one would slow down every map, filter
// and slice (the engine's fast paths rely on it being the original).
{
  const OriginalArray = Array;
  const arrayFrom = Array.from;
  const arrayFill = Array.prototype.fill;
  const tooLong = (length) => length * 8 > memory_limit;
  const refuse = () => {
    throw new RangeError('Invalid array length: the elements would not fit in the worker\'s memory limit');
  };
  memory_defineProperty(OriginalArray, 'from', {
    value: function from(items, ...rest) {
      if (items !== null && typeof items === 'object' && !(Symbol.iterator in items) && tooLong(+items.length)) refuse();
      return memory_apply(arrayFrom, this, [items, ...rest]);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  memory_defineProperty(OriginalArray.prototype, 'fill', {
    value: function fill(...args) {
      if (this !== null && typeof this === 'object' && tooLong(+this.length)) refuse();
      return memory_apply(arrayFill, this, args);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

// The gated constructors, bound for the runtime's own allocations: they are counted
// like a worker's, and a worker replacing the globals does not reach them.
const {
  ArrayBuffer, SharedArrayBuffer, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
  Int32Array, Uint32Array, Float16Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
} = globalThis;

// Intl objects, with what ICU holds behind each (measured: about 27 KB for a DateTimeFormat,
// a few KB for the others; the estimates round up). Called with or without `new`, as
// those constructors may be.
const memory_intlCosts = { __proto__: null, DateTimeFormat: 32 * 1024, NumberFormat: 16 * 1024,
  RelativeTimeFormat: 16 * 1024, DurationFormat: 16 * 1024, Collator: 8 * 1024, Segmenter: 8 * 1024,
  PluralRules: 8 * 1024, ListFormat: 8 * 1024, DisplayNames: 8 * 1024 };
if (typeof globalThis.Intl === 'object' && globalThis.Intl !== null) {
  const intl = globalThis.Intl;
  const names = ObjectKeys(memory_intlCosts);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const descriptor = memory_getOwnPropertyDescriptor(intl, name);
    if (descriptor === undefined || typeof descriptor.value !== 'function') continue;
    const original = descriptor.value;
    const cost = memory_intlCosts[name];
    const gated = new Proxy(original, {
      __proto__: null,
      construct(target, args, newTarget) {
        memory_countIntl(cost);
        return memory_construct(target, args, newTarget);
      },
      apply(target, self, args) {
        memory_countIntl(cost);
        return memory_apply(target, self, args);
      },
    });
    memory_defineProperty(intl, name, { ...descriptor, value: gated });
    memory_defineProperty(original.prototype, 'constructor',
      { value: gated, writable: true, configurable: true, enumerable: false });
  }
}
