import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

export async function emptyBlob() {
  const b = new Blob();
  assertEquals(b.size, 0);
  assertEquals(b.type, '');
  assertEquals(await b.text(), '');
  assertEquals((await b.arrayBuffer()).byteLength, 0);
  assertEquals(Object.prototype.toString.call(b), '[object Blob]');
  assertEquals(new Blob([]).size, 0);
}

export async function mixedParts() {
  const buffer = new Uint8Array([65, 66, 67, 68]).buffer;
  const inner = new Blob(['in']);
  const b = new Blob(['x\u00e9', buffer, new Uint8Array(buffer, 1, 2), new DataView(buffer, 3, 1), inner, 5]);
  assertEquals(b.size, 3 + 4 + 2 + 1 + 2 + 1);
  assertEquals(await b.text(), 'x\u00e9ABCDBCDin5');
}

export async function partsAreCopied() {
  const bytes = new Uint8Array([1, 2, 3]);
  const b = new Blob([bytes]);
  bytes[0] = 9;
  assertDeepEquals(await b.bytes(), new Uint8Array([1, 2, 3]));
  const out = await b.bytes();
  out[1] = 7;
  assertDeepEquals(await b.bytes(), new Uint8Array([1, 2, 3]));
}

export async function loneSurrogatesAreReplaced() {
  const b = new Blob(['a\uD800b']);
  assertDeepEquals(await b.bytes(), new Uint8Array([97, 0xEF, 0xBF, 0xBD, 98]));
}

export async function endingsOption() {
  assertEquals(await new Blob(['a\r\nb\rc\n'], { endings: 'native' }).text(), 'a\nb\nc\n');
  assertEquals(await new Blob(['a\r\nb'], { endings: 'transparent' }).text(), 'a\r\nb');
  assertEquals(await new Blob(['a\r\nb']).text(), 'a\r\nb');
  assertThrows(() => new Blob([], { endings: 'bogus' }), TypeError);
}

export function typeNormalization() {
  assertEquals(new Blob([], { type: 'Text/HTML; Charset=UTF-8' }).type, 'text/html; charset=utf-8');
  assertEquals(new Blob([], { type: 'text/\u00e9' }).type, '');
  assertEquals(new Blob([], { type: 'a\u0019b' }).type, '');
  assertEquals(new Blob([], { type: 'anything goes~' }).type, 'anything goes~');
}

export function constructorValidation() {
  assertThrows(() => new Blob('abc'), TypeError);
  assertThrows(() => new Blob(5), TypeError);
  assertThrows(() => new Blob(null), TypeError);
  assertThrows(() => new Blob([], 5), TypeError);
  assertThrows(() => Blob([]), TypeError);
  assertThrows(() => new Blob([Symbol('x')]), TypeError);
  // Any iterable works as a sequence.
  assertEquals(new Blob(new Set(['ab', 'c'])).size, 3);
}

export async function slice() {
  const b = new Blob(['0123456789'], { type: 'text/plain' });
  const cases = [
    [[], '0123456789'],
    [[2], '23456789'],
    [[2, 5], '234'],
    [[-3], '789'],
    [[-3, -1], '78'],
    [[5, 2], ''],
    [[0, 100], '0123456789'],
    [[100], ''],
    [[-100, 2], '01'],
    [[NaN, 3], '012'],
    [[1.5, 3.5], '23'],
    [[0.5, 1.5], '01'],
    [[2.5, 4.5], '23'],
    [['2', '4'], '23'],
    [[undefined, 3], '012'],
  ];
  for (const [args, expected] of cases) {
    assertEquals(await b.slice(...args).text(), expected, JSON.stringify(args));
  }
  assertEquals(b.slice().type, '');
  assertEquals(b.slice(0, 1, 'Image/PNG').type, 'image/png');
  assertEquals(b.slice(0, 1, '\u00ff').type, '');
  const nested = b.slice(2, 8).slice(1, -1);
  assertEquals(await nested.text(), '3456');
  assertEquals(nested.size, 4);
}

export async function arrayBufferAndBytes() {
  const b = new Blob(['hey']);
  const ab = await b.arrayBuffer();
  assert(ab instanceof ArrayBuffer);
  assertEquals(ab.byteLength, 3);
  const sliced = await b.slice(1).arrayBuffer();
  assertEquals(sliced.byteLength, 2);
  assertDeepEquals(new Uint8Array(sliced), new Uint8Array([101, 121]));
  const bytes = await b.slice(1).bytes();
  assert(bytes instanceof Uint8Array);
  assertEquals(bytes.buffer.byteLength, 2);
}

export async function textStripsBomAndReplacesInvalid() {
  assertEquals(await new Blob([new Uint8Array([0xEF, 0xBB, 0xBF, 0x41, 0xFF])]).text(), 'A\uFFFD');
}

export async function stream() {
  const big = new Uint8Array(200000);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xFF;
  const b = new Blob([big]);
  const s = b.stream();
  assert(s instanceof ReadableStream);
  const reader = s.getReader();
  let total = 0;
  let ok = true;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    assert(value instanceof Uint8Array);
    for (let i = 0; i < value.length; i++) if (value[i] !== ((total + i) & 0xFF)) ok = false;
    total += value.length;
  }
  assertEquals(total, big.length);
  assert(ok, 'bytes in order');
  // The blob is still readable afterwards.
  assertEquals(b.size, 200000);
  assertEquals((await b.bytes())[1], 1);
  const empty = new Blob().stream().getReader();
  assertDeepEquals(await empty.read(), { value: undefined, done: true });
}

export async function file() {
  const f = new File(['abc'], 'name.txt', { type: 'TEXT/plain', lastModified: 42 });
  assert(f instanceof Blob);
  assert(f instanceof File);
  assertEquals(f.name, 'name.txt');
  assertEquals(f.lastModified, 42);
  assertEquals(f.type, 'text/plain');
  assertEquals(f.size, 3);
  assertEquals(await f.text(), 'abc');
  assertEquals(Object.prototype.toString.call(f), '[object File]');
  const sliced = f.slice(1);
  assert(!(sliced instanceof File), 'slice returns a Blob');
  assertEquals(await sliced.text(), 'bc');
  assertEquals(new File([f], 'copy').size, 3);
}

export function fileDefaultsAndValidation() {
  const before = Date.now();
  const f = new File([], 'x');
  assert(f.lastModified >= before && f.lastModified <= Date.now());
  assertEquals(new File([], 'x', { lastModified: 1.9 }).lastModified, 1);
  assertEquals(new File([], 5).name, '5');
  assertThrows(() => new File([]), TypeError);
  assertThrows(() => new File('x', 'n'), TypeError);
  assertThrows(() => new File([], Symbol('n')), TypeError);
}

export function brandChecks() {
  const size = Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get;
  assertThrows(() => size.call({}), TypeError);
  const name = Object.getOwnPropertyDescriptor(File.prototype, 'name').get;
  assertThrows(() => name.call(new Blob()), TypeError);
}

export async function responseLikeUseOfBlob() {
  const json = JSON.stringify({ hello: 'w\u00f6rld' });
  const b = new Blob([json], { type: 'application/json' });
  assertEquals(JSON.parse(await b.text()).hello, 'w\u00f6rld');
}

export async function partsAreConvertedBeforeTheOptionsAreRead() {
  const order = [];
  const part = { toString() { order.push('part'); return 'x'; } };
  const options = { get type() { order.push('type'); return 'text/plain'; }, get endings() { order.push('endings'); return 'transparent'; } };
  const blob = new Blob([part, 'y'], options);
  assertEquals(order.join(), 'part,endings,type');
  assertEquals(await blob.text(), 'xy');
  order.length = 0;
  const file = new File([part], 'f.txt', options);
  assertEquals(order[0], 'part');
  assertEquals(await file.text(), 'x');
}
