import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

export function primitives() {
  for (const v of [undefined, null, true, false, 0, -0, NaN, Infinity, 1.5, 'str', 10n]) {
    assert(Object.is(structuredClone(v), v), String(v));
  }
  assertThrows(() => structuredClone(), TypeError);
  assertThrows(() => structuredClone(Symbol('s')), DOMException, 'DataCloneError');
}

export function wrappers() {
  const b = structuredClone(Object(false));
  assertEquals(typeof b, 'object');
  assertEquals(b.valueOf(), false);
  assertEquals(structuredClone(Object(3)).valueOf(), 3);
  assertEquals(structuredClone(Object('s')).valueOf(), 's');
  assertEquals(structuredClone(Object(5n)).valueOf(), 5n);
  assertThrows(() => structuredClone(Object(Symbol('x'))), DOMException, 'DataCloneError');
}

export function datesAndRegExps() {
  const d = new Date(123456789);
  const dc = structuredClone(d);
  assert(dc instanceof Date && dc !== d);
  assertEquals(dc.getTime(), 123456789);
  assert(Number.isNaN(structuredClone(new Date(NaN)).getTime()));
  const re = /a+b/gimsuy;
  re.lastIndex = 3;
  const rc = structuredClone(re);
  assert(rc instanceof RegExp && rc !== re);
  assertEquals(rc.source, 'a+b');
  assertEquals(rc.flags, re.flags);
  assertEquals(rc.lastIndex, 0);
  assertEquals(structuredClone(/x/d).hasIndices, true);
}

export function arrayBuffersAndViews() {
  const buf = new ArrayBuffer(8);
  const u8 = new Uint8Array(buf);
  u8.set([1, 2, 3, 4, 5, 6, 7, 8]);
  const c = structuredClone(buf);
  assert(c !== buf && c instanceof ArrayBuffer);
  assertDeepEquals(new Uint8Array(c), u8);
  const views = [
    new Int8Array(buf, 1, 2), new Uint8ClampedArray(buf), new Int16Array(buf, 2, 2),
    new Uint16Array(buf), new Int32Array(buf, 4), new Uint32Array(buf), new Float32Array(buf),
    new Float64Array(buf), new BigInt64Array(buf), new BigUint64Array(buf), new DataView(buf, 3, 4),
  ];
  for (const v of views) {
    const vc = structuredClone(v);
    assertEquals(Object.getPrototypeOf(vc), Object.getPrototypeOf(v));
    assertEquals(vc.byteOffset, v.byteOffset);
    assertEquals(vc.byteLength, v.byteLength);
    assertEquals(vc.buffer.byteLength, 8, 'whole buffer is cloned');
  }
}

export function viewsShareClonedBuffer() {
  const buf = new ArrayBuffer(4);
  const value = { a: new Uint8Array(buf), b: new DataView(buf), buf };
  const c = structuredClone(value);
  assert(c.a.buffer === c.b.buffer && c.a.buffer === c.buf);
  assert(c.buf !== buf);
  c.a[0] = 9;
  assertEquals(c.b.getUint8(0), 9);
  assertEquals(new Uint8Array(buf)[0], 0);
}

export function resizableArrayBuffer() {
  if (!('resizable' in ArrayBuffer.prototype)) return;
  const buf = new ArrayBuffer(2, { maxByteLength: 16 });
  const c = structuredClone(buf);
  assertEquals(c.resizable, true);
  assertEquals(c.maxByteLength, 16);
}

export function mapsAndSets() {
  const key = { k: 1 };
  const m = new Map([[key, 'v'], ['x', key]]);
  const mc = structuredClone(m);
  assert(mc instanceof Map && mc !== m);
  const [[k1, v1], [k2, v2]] = [...mc];
  assertEquals(k1.k, 1);
  assertEquals(v1, 'v');
  assertEquals(k2, 'x');
  assert(v2 === k1, 'shared references preserved');
  const s = new Set([1, 'a', key]);
  const sc = structuredClone(s);
  assert(sc instanceof Set && sc !== s);
  assertEquals(sc.size, 3);
  assert(sc.has('a'));
}

export function arraysSparseAndExtraProps() {
  const arr = [1, , 3];
  arr.extra = 'x';
  arr.length = 5;
  const c = structuredClone(arr);
  assert(Array.isArray(c));
  assertEquals(c.length, 5);
  assert(!(1 in c), 'hole preserved');
  assertEquals(c[2], 3);
  assertEquals(c.extra, 'x');
}

export function plainObjects() {
  const sym = Symbol('s');
  const proto = { inherited: 1 };
  const obj = Object.create(proto);
  obj.own = 2;
  obj[sym] = 3;
  Object.defineProperty(obj, 'hidden', { value: 4, enumerable: false });
  let calls = 0;
  Object.defineProperty(obj, 'getter', { get: () => ++calls, enumerable: true });
  const c = structuredClone(obj);
  assertEquals(Object.getPrototypeOf(c), Object.prototype);
  assertDeepEquals(Object.keys(c), ['own', 'getter']);
  assertEquals(c.getter, 1);
  assertEquals(calls, 1);
  assertEquals(c.inherited, undefined);
  assertEquals(c[sym], undefined);
  assert(!('hidden' in c));
  class Point { constructor() { this.x = 1; } }
  const pc = structuredClone(new Point());
  assertEquals(Object.getPrototypeOf(pc), Object.prototype);
  assertEquals(pc.x, 1);
  assertEquals(Object.getPrototypeOf(structuredClone(Object.create(null))), Object.prototype);
}

export function cyclesAndSharedReferences() {
  const a = { name: 'a' };
  a.self = a;
  const shared = { s: 1 };
  a.list = [shared, shared];
  const c = structuredClone(a);
  assert(c !== a);
  assert(c.self === c);
  assert(c.list[0] === c.list[1]);
  assert(c.list[0] !== shared);
  const arr = [];
  arr.push(arr);
  const ac = structuredClone(arr);
  assert(ac[0] === ac);
}

export function errors() {
  const e = new RangeError('out of range', { cause: { why: 1 } });
  const c = structuredClone(e);
  assert(c instanceof RangeError && c !== e);
  assertEquals(c.name, 'RangeError');
  assertEquals(c.message, 'out of range');
  assertEquals(c.stack, e.stack);
  assertEquals(c.cause.why, 1);
  assert(!Object.getOwnPropertyDescriptor(c, 'message').enumerable);
  for (const Ctor of [Error, EvalError, ReferenceError, SyntaxError, TypeError, URIError]) {
    const x = structuredClone(new Ctor('m'));
    assertEquals(Object.getPrototypeOf(x), Ctor.prototype);
    assertEquals(x.message, 'm');
  }
  const custom = new Error('c');
  custom.name = 'CustomError';
  assertEquals(structuredClone(custom).name, 'Error');
  const noMessage = structuredClone(new Error());
  assert(!Object.hasOwn(noMessage, 'message'));
}

export function domExceptionsAreCloned() {
  const e = new DOMException('gone', 'NotFoundError');
  const c = structuredClone(e);
  assert(c instanceof DOMException && c !== e);
  assertEquals(c.name, 'NotFoundError');
  assertEquals(c.message, 'gone');
  assertEquals(c.code, 8);
}

export function uncloneableValuesThrow() {
  const bad = [
    () => {}, function named() {}, class {}, Symbol('x'), new WeakMap(), new WeakSet(),
    Promise.resolve(), { f() {} }.f, { nested: { fn: () => {} } }, [Symbol.iterator],
    new EventTarget(), new AbortController(), new Event('x'),
  ];
  if (typeof WeakRef === 'function') bad.push(new WeakRef({}));
  bad.push((function* () {})(), new Map().keys(), new ReadableStream());
  if (typeof Headers === 'function') bad.push(new Headers());
  for (const value of bad) {
    assertThrows(() => structuredClone(value), DOMException, 'DataCloneError');
  }
}

export function transferDetachesOriginal() {
  const buf = new ArrayBuffer(4);
  new Uint8Array(buf).set([1, 2, 3, 4]);
  const view = new Uint8Array(buf, 1, 2);
  const c = structuredClone({ buf, view }, { transfer: [buf] });
  assertEquals(c.buf.byteLength, 4);
  assertDeepEquals(new Uint8Array(c.buf), new Uint8Array([1, 2, 3, 4]));
  assert(c.view.buffer === c.buf);
  assertDeepEquals(c.view, new Uint8Array([2, 3]));
  if (typeof ArrayBuffer.prototype.transfer === 'function') {
    assertEquals(buf.byteLength, 0, 'original detached');
    assertEquals(view.length, 0);
    // Cloning a detached buffer fails.
    assertThrows(() => structuredClone(buf), DOMException, 'DataCloneError');
  }
}

export function transferValidation() {
  const buf = new ArrayBuffer(1);
  assertThrows(() => structuredClone(1, { transfer: [buf, buf] }), DOMException, 'DataCloneError');
  assertThrows(() => structuredClone(1, { transfer: [{}] }), DOMException, 'DataCloneError');
  assertThrows(() => structuredClone(1, { transfer: [1] }), TypeError);
  assertThrows(() => structuredClone(1, { transfer: 5 }), TypeError);
  assertThrows(() => structuredClone(1, 5), TypeError);
  // A failed serialization does not detach the transfer list.
  const keep = new ArrayBuffer(2);
  assertThrows(() => structuredClone({ keep, fn() {} }, { transfer: [keep] }), DOMException, 'DataCloneError');
  assertEquals(keep.byteLength, 2);
  assertEquals(structuredClone(1, { transfer: [] }), 1);
  assertEquals(structuredClone(1, null), 1);
}

export function blobsAreCloned() {
  const blob = new Blob(['abc'], { type: 'text/plain' });
  const c = structuredClone(blob);
  assert(c instanceof Blob && c !== blob);
  assertEquals(c.size, 3);
  assertEquals(c.type, 'text/plain');
  const file = new File(['x'], 'a.txt', { lastModified: 5 });
  const fc = structuredClone(file);
  assert(fc instanceof File);
  assertEquals(fc.name, 'a.txt');
  assertEquals(fc.lastModified, 5);
}

export function plainObjectWithToStringTagIsCloned() {
  const c = structuredClone({ [Symbol.toStringTag]: 'Promise', a: 1 });
  assertEquals(c.a, 1);
}

export function kindsByInternalSlotsNotPrototypes() {
  // Subclass instances are cloned by their built-in's rules (the clone is of the built-in).
  class Tally extends Map {}
  const tally = structuredClone(new Tally([['a', 1]]));
  assertEquals(Object.getPrototypeOf(tally), Map.prototype);
  assertEquals(tally.get('a'), 1);
  class Stamp extends Date {}
  assertEquals(structuredClone(new Stamp(5)).getTime(), 5);
  // A built-in moved onto another class's prototype keeps its internal slots.
  class Plain {}
  const moved = Object.setPrototypeOf(new Set([7]), Plain.prototype);
  const movedClone = structuredClone(moved);
  assert(movedClone instanceof Set);
  assertEquals(Set.prototype.has.call(movedClone, 7), true);
  const weak = Object.setPrototypeOf(new WeakMap(), Plain.prototype);
  assertThrows(() => structuredClone(weak), DOMException, 'DataCloneError');
  // Errors, arrays and views are recognised whatever their prototype.
  class AppError extends Error {}
  const error = structuredClone(new AppError('boom'));
  assert(error instanceof Error);
  assertEquals(error.message, 'boom');
  const list = structuredClone(Object.setPrototypeOf([1, 2], null));
  assert(Array.isArray(list));
  assertEquals(list.length, 2);
  const view = structuredClone(Object.setPrototypeOf(new Uint16Array([3, 4]), Plain.prototype));
  assertEquals(Object.prototype.toString.call(view), '[object Uint16Array]');
  assertEquals(view[1], 4);
  // Plain objects with and without a prototype, nested.
  const nested = structuredClone({ a: Object.assign(Object.create(null), { b: [new Map([[1, { c: 2 }]])] }) });
  assertEquals(nested.a.b[0].get(1).c, 2);
}

export function viewOfAMovedBuffer() {
  // The view is cloned by its buffer's slot, wherever the buffer's prototype is.
  const buffer = Object.setPrototypeOf(new ArrayBuffer(4), null);
  new Uint8Array(buffer).set([1, 2, 3, 4]);
  const clone = structuredClone(new Uint8Array(buffer));
  assertEquals(clone.length, 4);
  assertEquals(clone[3], 4);
  const view = structuredClone(new DataView(Object.setPrototypeOf(new ArrayBuffer(2), Object.prototype)));
  assertEquals(view.byteLength, 2);
}

export function boxedPrimitivePrototypes() {
  const number = structuredClone(Number.prototype);
  assertEquals(typeof number, 'object');
  assertEquals(number.valueOf(), 0);
  assertEquals(structuredClone(String.prototype).valueOf(), '');
  assertEquals(structuredClone(Boolean.prototype).valueOf(), false);
}
