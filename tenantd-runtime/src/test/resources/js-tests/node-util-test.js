// node:util, against Node's documented behaviour (run with nodejs_compat).
import util, { format, inspect, promisify, callbackify, inherits, deprecate, types, isDeepStrictEqual } from 'node:util';
import * as utilTypes from 'node:util/types';
import { assert, assertEquals, assertThrows } from './assert.js';

export function format_substitutions() {
  assertEquals(format('%s:%s', 'foo'), 'foo:%s');
  assertEquals(format('%s:%s', 'foo', 'bar', 'baz'), 'foo:bar baz');
  assertEquals(format('%d + %i = %f', '1.5', 2.7, '3.25x'), '1.5 + 2 = 3.25');
  assertEquals(format('%d', 10n), '10n');
  assertEquals(format('%d', -0), '-0');
  assertEquals(format('%j', { a: [1, 'x'] }), '{"a":[1,"x"]}');
  const circular = {};
  circular.self = circular;
  assertEquals(format('%j', circular), '[Circular]');
  assertEquals(format('100%% %s', 'sure'), '100% sure');
  assertEquals(format('%c styled', 'color: red'), ' styled');
  assertEquals(format('%s', { a: 1 }), '{ a: 1 }');
  assertEquals(format('%s', 'str', 5, { b: 'x' }), "str 5 { b: 'x' }");
  assertEquals(format(1, 'two', [3]), "1 two [ 3 ]");
  assertEquals(format('%o', 'x'), "'x'");
  assertEquals(format('%x', 1), '%x 1');
  assertEquals(format(), '');
}

export function inspect_common_values() {
  assertEquals(inspect('x'), "'x'");
  assertEquals(inspect("it's"), `"it's"`);
  assertEquals(inspect(-0), '-0');
  assertEquals(inspect(5n), '5n');
  assertEquals(inspect(Symbol('s')), 'Symbol(s)');
  assertEquals(inspect(null), 'null');
  assertEquals(inspect(undefined), 'undefined');
  assertEquals(inspect({ a: 1, 'b-c': [1, 2, { d: 'e' }] }), "{ a: 1, 'b-c': [ 1, 2, { d: 'e' } ] }");
  assertEquals(inspect({}), '{}');
  assertEquals(inspect([]), '[]');
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }), '{ a: { b: { c: [Object] } } }');
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }), '{ a: [Object] }');
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }, { depth: null }), '{\n  a: { b: { c: { d: 1 } } }\n}');
  assertEquals(inspect(new Map([['k', 1]])), "Map(1) { 'k' => 1 }");
  assertEquals(inspect(new Set([1, 'a'])), "Set(2) { 1, 'a' }");
  assertEquals(inspect(function named() {}), '[Function: named]');
  assertEquals(inspect(() => {}), '[Function (anonymous)]');
  assertEquals(inspect(class Foo {}), '[class Foo]');
  assertEquals(inspect(async function af() {}), '[AsyncFunction: af]');
  assertEquals(inspect(/a+/gi), '/a+/gi');
  assertEquals(inspect(new Date(0)), '1970-01-01T00:00:00.000Z');
  assertEquals(inspect([1, , 3]), '[ 1, <1 empty item>, 3 ]');
  assertEquals(inspect(new Uint8Array([1, 2])), 'Uint8Array(2) [ 1, 2 ]');
  assertEquals(inspect(Buffer.from('hi')), '<Buffer 68 69>');
  class Point { constructor() { this.x = 1; } }
  assertEquals(inspect(new Point()), 'Point { x: 1 }');
  assertEquals(inspect(Object.create(null)), '[Object: null prototype] {}');
  const circular = { name: 'loop' };
  circular.self = circular;
  assertEquals(inspect(circular), "<ref *1> { name: 'loop', self: [Circular *1] }");
  assertEquals(inspect({ get g() { return 1; } }), '{ g: [Getter] }');
  assertEquals(inspect({ [inspect.custom]: () => 'custom!' }), 'custom!');
  assertEquals(inspect(new String('s')), "[String: 's']");
  const long = { alpha: 'aaaaaaaaaaaa', beta: 'bbbbbbbbbbbbb', gamma: 'ccccccccccccc', delta: 'dddddddddddddd' };
  assertEquals(inspect(long), "{\n  alpha: 'aaaaaaaaaaaa',\n  beta: 'bbbbbbbbbbbbb',\n  gamma: 'ccccccccccccc',\n  delta: 'dddddddddddddd'\n}");
  assert(inspect(new Error('bad')).startsWith('Error: bad\n    at '), inspect(new Error('bad')));
}

export async function promisify_and_callbackify() {
  const callbackStyle = (a, b, cb) => setTimeout(() => (a < 0 ? cb(new Error('negative')) : cb(null, a + b)), 1);
  const p = promisify(callbackStyle);
  assertEquals(await p(1, 2), 3);
  let caught = null;
  try {
    await p(-1, 2);
  } catch (e) {
    caught = e;
  }
  assertEquals(caught.message, 'negative');
  const custom = () => {};
  custom[promisify.custom] = () => Promise.resolve('custom');
  assertEquals(await promisify(custom)(), 'custom');
  assertEquals(promisify.custom, Symbol.for('nodejs.util.promisify.custom'));
  const cbd = callbackify(async (x) => {
    if (x) return x * 2;
    throw null;
  });
  const results = await new Promise((resolve) => {
    const out = [];
    cbd(21, (err, value) => {
      out.push([err, value]);
      cbd(0, (err2) => {
        out.push([err2.code, err2.reason]);
        resolve(out);
      });
    });
  });
  assertEquals(results[0][0], null);
  assertEquals(results[0][1], 42);
  assertEquals(results[1][0], 'ERR_FALSY_VALUE_REJECTION');
  assertEquals(results[1][1], null);
}

export function inherits_and_deprecate() {
  function Base() {}
  Base.prototype.hello = function () { return 'hi'; };
  function Child() { Base.call(this); }
  inherits(Child, Base);
  assertEquals(new Child().hello(), 'hi');
  assertEquals(Child.super_, Base);
  assertThrows(() => inherits(Child, null), TypeError);
  const old = deprecate((x) => x + 1, 'old() is deprecated', 'DEP0999');
  assertEquals(old(1), 2);
  assertEquals(old(2), 3);
}

export function types_checks() {
  assertEquals(types.isDate(new Date()), true);
  assertEquals(types.isDate({ __proto__: Date.prototype }), false);
  assertEquals(types.isRegExp(/x/), true);
  assertEquals(types.isPromise(Promise.resolve()), true);
  assertEquals(types.isPromise({ then() {} }), false);
  assertEquals(types.isMap(new Map()), true);
  assertEquals(types.isSet(new Map()), false);
  assertEquals(types.isUint8Array(new Uint8Array()), true);
  assertEquals(types.isUint8Array(Buffer.alloc(1)), true);
  assertEquals(types.isTypedArray(new DataView(new ArrayBuffer(1))), false);
  assertEquals(types.isArrayBufferView(new DataView(new ArrayBuffer(1))), true);
  assertEquals(types.isAnyArrayBuffer(new ArrayBuffer(1)), true);
  assertEquals(types.isAsyncFunction(async () => {}), true);
  assertEquals(types.isAsyncFunction(() => {}), false);
  assertEquals(types.isGeneratorFunction(function* () {}), true);
  assertEquals(types.isBoxedPrimitive(Object(1)), true);
  assertEquals(types.isNativeError(new TypeError()), true);
  assertEquals(utilTypes.isDate, types.isDate);
}

export function is_deep_strict_equal() {
  assertEquals(isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), true);
  assertEquals(isDeepStrictEqual({ a: 1 }, { a: '1' }), false);
  assertEquals(isDeepStrictEqual([1, 2], { 0: 1, 1: 2 }), false);
  assertEquals(isDeepStrictEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])), true);
  assertEquals(isDeepStrictEqual(new Set([{ a: 1 }]), new Set([{ a: 1 }])), true);
  assertEquals(isDeepStrictEqual(new Set([{ a: 1 }]), new Set([{ a: 2 }])), false);
  assertEquals(isDeepStrictEqual(NaN, NaN), true);
  assertEquals(isDeepStrictEqual(0, -0), false);
  assertEquals(isDeepStrictEqual(new Date(1), new Date(1)), true);
  assertEquals(isDeepStrictEqual(Buffer.from('a'), Buffer.from('a')), true);
  const a = {};
  a.self = a;
  const b = {};
  b.self = b;
  assertEquals(isDeepStrictEqual(a, b), true);
}

export function text_codec_and_misc() {
  assertEquals(util.TextEncoder, TextEncoder);
  assertEquals(new util.TextDecoder().decode(new util.TextEncoder().encode('é')), 'é');
  assertEquals(util.stripVTControlCharacters('\u001b[31mred\u001b[0m'), 'red');
  assertEquals(util.isArray([]), true);
  assertEquals(util.toUSVString('a\ud800'), 'a\ufffd');
}

export function inspect_shows_what_web_objects_hold() {
  assertEquals(inspect(new Headers({ b: '2', a: '1' })), "Headers(2) { 'a' => '1', 'b' => '2' }");
  assertEquals(inspect(new URLSearchParams('a=1&a=2')), "URLSearchParams { 'a' => '1', 'a' => '2' }");
  assertEquals(inspect(new Request('http://x/')),
    "Request { method: 'GET', url: 'http://x/', headers: Headers(0) {}, redirect: 'follow', body: null, bodyUsed: false }");
  assertEquals(inspect({ r: new Response('') }, { depth: 0 }), '{ r: [Response] }');
  assertEquals(format('%o', new Blob(['ab'])), "Blob { size: 2, type: '' }");
}

export function legacy_helpers_of_old_libraries() {
  assertEquals(util.isBuffer(Buffer.from('a')), true);
  assertEquals(util.isBuffer(new Uint8Array(1)), false);
  const target = { a: 1 };
  assertEquals(util._extend(target, { b: 2, a: 3 }), target);
  assertEquals(JSON.stringify(target), '{"a":3,"b":2}');
  assertEquals(util._extend(target, null), target);
}

export function types_byInternalSlotsWhereverTheObjectSits() {
  class Plain {}
  class Registry extends Map {}
  assertEquals(types.isMap(new Registry()), true);
  assertEquals(types.isMap(Object.setPrototypeOf(new Map(), Plain.prototype)), true);
  assertEquals(types.isDate(Object.setPrototypeOf(new Date(), Plain.prototype)), true);
  assertEquals(types.isSet(new Map()), false);
  assertEquals(types.isDate(new Map()), false);
  assertEquals(types.isRegExp(new Date()), false);
  assertEquals(types.isMap({}), false);
  assertEquals(types.isMap([]), false);
  assertEquals(types.isWeakMap(Object.create(null)), false);
  // Three built-in prototypes are boxed primitives themselves.
  assertEquals(types.isNumberObject(Number.prototype), true);
  assertEquals(types.isStringObject(String.prototype), true);
  assertEquals(types.isBooleanObject(Boolean.prototype), true);
  assertEquals(types.isNumberObject(Object.prototype), false);
  assertEquals(types.isArrayBuffer([]), false);
  assertEquals(types.isArrayBuffer({}), false);
  assertEquals(types.isArrayBuffer(new ArrayBuffer(1)), true);
  assertEquals(types.isArrayBuffer(Object.setPrototypeOf(new ArrayBuffer(1), Plain.prototype)), true);
  assertEquals(inspect(new ArrayBuffer(2)).startsWith('ArrayBuffer'), true);
  assertEquals(isDeepStrictEqual(new ArrayBuffer(2), new ArrayBuffer(2)), true);
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assertEquals(types.isMap(proxy), false);
  assertEquals(types.isArrayBuffer(proxy), false);
}
