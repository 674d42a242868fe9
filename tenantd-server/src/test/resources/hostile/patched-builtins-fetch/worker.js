// A worker that breaks its own built-ins: every listed method throws, listed globals
// are replaced. The runtime under it must still answer with exactly what the handler
// returns; the bystander (another isolate) is untouched.
const Res = Response;
const Prom = Promise;
const fetchFn = fetch;
const log = console.log;
const timeout = setTimeout;
const Err = Error;
function breakAll() {
  const poison = (label) => function () { throw new Err('patched ' + label); };
  const define = Object.defineProperty;
  const getDescriptor = Object.getOwnPropertyDescriptor;
  const Str = String;
  const targets = [
    [Promise.prototype, 'Promise.prototype', ['then', 'catch', 'finally']],
    [Promise, 'Promise', ['resolve', 'reject', 'all', 'allSettled', 'any', 'race', 'withResolvers']],
    [Array.prototype, 'Array.prototype', ['push', 'pop', 'shift', 'unshift', 'join', 'slice', 'splice', 'map',
      'filter', 'forEach', 'includes', 'indexOf', 'lastIndexOf', 'concat', 'sort', 'reduce', 'some', 'every',
      'find', 'findIndex', 'fill', 'keys', 'values', 'entries', 'at', 'flat', 'flatMap', Symbol.iterator]],
    [Object.getPrototypeOf([][Symbol.iterator]()), 'ArrayIterator', ['next']],
    [Array, 'Array', ['from', 'of']],
    [String.prototype, 'String.prototype', ['split', 'slice', 'substring', 'substr', 'indexOf', 'lastIndexOf',
      'includes', 'startsWith', 'endsWith', 'toLowerCase', 'toUpperCase', 'charCodeAt', 'codePointAt', 'charAt',
      'replace', 'replaceAll', 'trim', 'trimStart', 'trimEnd', 'padStart', 'padEnd', 'repeat', 'toWellFormed',
      'normalize', 'match', 'matchAll', 'search', 'at', 'concat', 'localeCompare', Symbol.iterator]],
    [String, 'String', ['fromCharCode', 'fromCodePoint', 'raw']],
    [RegExp.prototype, 'RegExp.prototype', ['exec', 'test', Symbol.replace, Symbol.split, Symbol.match]],
    [JSON, 'JSON', ['parse', 'stringify']],
    [Object, 'Object', ['keys', 'values', 'entries', 'assign', 'defineProperty', 'defineProperties', 'freeze',
      'getPrototypeOf', 'setPrototypeOf', 'create', 'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors',
      'hasOwn', 'fromEntries', 'is']],
    [Object.prototype, 'Object.prototype', ['toString', 'hasOwnProperty', 'valueOf']],
    [Function.prototype, 'Function.prototype', ['call', 'apply', 'bind', 'toString']],
    [Reflect, 'Reflect', ['apply', 'construct', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty', 'get',
      'set', 'has', 'getPrototypeOf']],
    [Map.prototype, 'Map.prototype', ['get', 'set', 'has', 'delete', 'forEach', 'keys', 'values', 'entries',
      'clear', Symbol.iterator]],
    [Set.prototype, 'Set.prototype', ['add', 'has', 'delete', 'forEach', 'keys', 'values', 'entries', 'clear',
      Symbol.iterator]],
    [WeakMap.prototype, 'WeakMap.prototype', ['get', 'set', 'has', 'delete']],
    [WeakSet.prototype, 'WeakSet.prototype', ['add', 'has', 'delete']],
    [Math, 'Math', ['max', 'min', 'floor', 'ceil', 'trunc', 'abs', 'round', 'random']],
    [Number, 'Number', ['isFinite', 'isInteger', 'isNaN', 'parseInt', 'parseFloat']],
    [Number.prototype, 'Number.prototype', ['toString', 'toFixed']],
    [Object.getPrototypeOf(Uint8Array.prototype), 'TypedArray.prototype', ['subarray', 'slice', 'set', 'fill',
      'map', 'forEach', 'join', Symbol.iterator]],
    [ArrayBuffer.prototype, 'ArrayBuffer.prototype', ['slice']],
    [ArrayBuffer, 'ArrayBuffer', ['isView']],
    [TextEncoder.prototype, 'TextEncoder.prototype', ['encode', 'encodeInto']],
    [TextDecoder.prototype, 'TextDecoder.prototype', ['decode']],
    [Headers.prototype, 'Headers.prototype', ['append', 'set', 'has', 'delete', 'forEach', 'entries', 'keys',
      'values', 'getSetCookie', Symbol.iterator]],
    [EventTarget.prototype, 'EventTarget.prototype', ['addEventListener', 'removeEventListener', 'dispatchEvent']],
    [ReadableStream.prototype, 'ReadableStream.prototype', ['getReader', 'tee', 'pipeTo', 'pipeThrough', 'cancel']],
    [Symbol.prototype, 'Symbol.prototype', ['toString']],
    [Date.prototype, 'Date.prototype', ['toISOString', 'toString', 'getTime']],
  ];
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  const globals = ['Promise', 'Map', 'Set', 'WeakMap', 'Uint8Array', 'Uint16Array', 'ArrayBuffer', 'TextEncoder',
    'TextDecoder', 'URL', 'URLSearchParams', 'Headers', 'Request', 'Response', 'JSON', 'Math', 'Reflect',
    'Object', 'Array', 'String', 'Number', 'Symbol', 'Error', 'TypeError', 'RangeError', 'ReadableStream',
    'AbortController', 'AbortSignal', 'Blob', 'parseInt', 'performance', 'structuredClone', 'DOMException'];
  // Indexed loops: the array iterator is among what breaks.
  for (let t = 0; t < targets.length; t++) {
    const holder = targets[t][0];
    const keys = targets[t][2];
    for (let k = 0; k < keys.length; k++) {
      if (getDescriptor(holder, keys[k]) !== undefined) {
        define(holder, keys[k], { value: poison(targets[t][1] + '.' + Str(keys[k])), writable: true, configurable: true });
      }
    }
  }
  const getters = ['length', 'byteLength', 'byteOffset', 'buffer'];
  for (let g = 0; g < getters.length; g++) {
    define(typedArrayPrototype, getters[g], { get: poison('TypedArray.prototype.' + getters[g]), configurable: true });
  }
  define(Map.prototype, 'size', { get: poison('Map.prototype.size'), configurable: true });
  define(Array, Symbol.species, { get: poison('Array[Symbol.species]'), configurable: true });
  for (let n = 0; n < globals.length; n++) {
    define(globalThis, globals[n], { value: poison('global ' + globals[n]), writable: true, configurable: true });
  }
}
breakAll();
export default { async fetch() {
  // Answered by this server's own API (no network): 401 without a token.
  const r = await fetchFn('https://api.cloudflare.com/client/v4/user/tokens/verify');
  const body = await r.text();
  return new Res('fetched ' + r.status + (body.length > 0 ? ' with a body' : ''), { headers: { 'x-fetched': 'yes' } });
} };
