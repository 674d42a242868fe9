import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

const bytes = (...b) => new Uint8Array(b);

export function encoderBasics() {
  const enc = new TextEncoder();
  assertEquals(enc.encoding, 'utf-8');
  assertDeepEquals(enc.encode('abc'), bytes(97, 98, 99));
  assertDeepEquals(enc.encode(), bytes());
  assertDeepEquals(enc.encode(undefined), bytes());
  assertDeepEquals(enc.encode('\u00e9'), bytes(0xC3, 0xA9));
  assertDeepEquals(enc.encode('\u20ac'), bytes(0xE2, 0x82, 0xAC));
  assertDeepEquals(enc.encode('\u{1F600}'), bytes(0xF0, 0x9F, 0x98, 0x80));
  assertDeepEquals(enc.encode(null), bytes(110, 117, 108, 108));
  assertEquals(enc.encode('abc').buffer.byteLength, 3);
  assertThrows(() => enc.encode(Symbol('s')), TypeError);
}

export function encoderLoneSurrogatesBecomeReplacement() {
  const enc = new TextEncoder();
  assertDeepEquals(enc.encode('\uD800'), bytes(0xEF, 0xBF, 0xBD));
  assertDeepEquals(enc.encode('\uDC00a'), bytes(0xEF, 0xBF, 0xBD, 97));
  assertDeepEquals(enc.encode('a\uD800\uD800\uDC00'), bytes(97, 0xEF, 0xBF, 0xBD, 0xF0, 0x90, 0x80, 0x80));
}

export function encodeInto() {
  const enc = new TextEncoder();
  const dest = new Uint8Array(5);
  assertDeepEquals(enc.encodeInto('a\u20acb', dest), { read: 3, written: 5 });
  assertDeepEquals(dest, bytes(97, 0xE2, 0x82, 0xAC, 98));
  // Only whole characters are written.
  const small = new Uint8Array(4);
  assertDeepEquals(enc.encodeInto('ab\u{1F600}', small), { read: 2, written: 2 });
  const exact = new Uint8Array(4);
  assertDeepEquals(enc.encodeInto('\u{1F600}x', exact), { read: 2, written: 4 });
  assertDeepEquals(enc.encodeInto('\uD800', new Uint8Array(3)), { read: 1, written: 3 });
  const view = new Uint8Array(new ArrayBuffer(10), 2, 3);
  assertDeepEquals(enc.encodeInto('xyzw', view), { read: 3, written: 3 });
  assertThrows(() => enc.encodeInto('a', new Uint16Array(2)), TypeError);
  assertThrows(() => enc.encodeInto('a'), TypeError);
}

export function decoderDefaults() {
  const dec = new TextDecoder();
  assertEquals(dec.encoding, 'utf-8');
  assertEquals(dec.fatal, false);
  assertEquals(dec.ignoreBOM, false);
  assertEquals(dec.decode(), '');
  assertEquals(dec.decode(bytes(104, 105)), 'hi');
  assertEquals(Object.prototype.toString.call(dec), '[object TextDecoder]');
}

export function decoderLabels() {
  const cases = {
    'utf8': 'utf-8', ' UTF-8 ': 'utf-8', 'unicode-1-1-utf-8': 'utf-8', '\tutf8\n': 'utf-8',
    'utf-16': 'utf-16le', 'UTF-16LE': 'utf-16le', 'ucs-2': 'utf-16le', 'unicodefeff': 'utf-16le',
    'utf-16be': 'utf-16be', 'unicodefffe': 'utf-16be',
    'latin1': 'windows-1252', 'ascii': 'windows-1252', 'iso-8859-1': 'windows-1252',
    'us-ascii': 'windows-1252', 'cp1252': 'windows-1252', 'Windows-1252': 'windows-1252',
  };
  for (const [label, name] of Object.entries(cases)) {
    assertEquals(new TextDecoder(label).encoding, name, label);
  }
  assertThrows(() => new TextDecoder('nope'), RangeError);
  assertThrows(() => new TextDecoder('replacement'), RangeError);
  assertThrows(() => new TextDecoder('utf-8', 5), TypeError);
  assertThrows(() => new TextDecoder('\u00a0utf-8'), RangeError);
}

export function decoderInputTypes() {
  const dec = new TextDecoder();
  const data = new TextEncoder().encode('hello');
  assertEquals(dec.decode(data.buffer), 'hello');
  assertEquals(dec.decode(new DataView(data.buffer, 1, 3)), 'ell');
  assertEquals(dec.decode(new Uint8Array(data.buffer, 1, 2)), 'el');
  assertEquals(dec.decode(new Uint16Array([0x6968])), 'hi');
  if (typeof SharedArrayBuffer === 'function') {
    const sab = new SharedArrayBuffer(2);
    new Uint8Array(sab).set([111, 107]);
    assertEquals(dec.decode(sab), 'ok');
    assertEquals(dec.decode(new Uint8Array(sab)), 'ok');
  }
  assertThrows(() => dec.decode('string'), TypeError);
  assertThrows(() => dec.decode([1, 2]), TypeError);
  assertThrows(() => dec.decode(null), TypeError);
  assertThrows(() => dec.decode(bytes(1), 5), TypeError);
}

export function utf8ReplacementPerSpec() {
  const dec = new TextDecoder();
  const cases = [
    [[0xFF], '\uFFFD'],
    [[0x80], '\uFFFD'],
    [[0xC0, 0x80], '\uFFFD\uFFFD'],
    [[0xC2], '\uFFFD'],
    [[0xC2, 0x41], '\uFFFDA'],
    [[0xE2, 0x82], '\uFFFD'],
    [[0xE2, 0x82, 0x41], '\uFFFDA'],
    [[0xE0, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD'],
    [[0xED, 0xA0, 0x80], '\uFFFD\uFFFD\uFFFD'],
    [[0xF0, 0x8F, 0xBF, 0xBF], '\uFFFD\uFFFD\uFFFD\uFFFD'],
    [[0xF4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
    [[0xF0, 0x9F, 0x98], '\uFFFD'],
    [[0xF0, 0x9F, 0x98, 0x80], '\u{1F600}'],
    [[0xF5], '\uFFFD'],
    [[0x61, 0xF0, 0x9F, 0x62], 'a\uFFFDb'],
    [[0xEF, 0xBF, 0xBF], '\uFFFF'],
  ];
  for (const [input, expected] of cases) {
    assertEquals(dec.decode(new Uint8Array(input)), expected, JSON.stringify(input));
  }
}

export function fatalThrowsTypeError() {
  const dec = new TextDecoder('utf-8', { fatal: true });
  assertEquals(dec.fatal, true);
  assertThrows(() => dec.decode(bytes(0xFF)), TypeError);
  assertThrows(() => dec.decode(bytes(0xE2, 0x82)), TypeError);
  assertEquals(dec.decode(bytes(0xE2, 0x82, 0xAC)), '\u20ac');
  // A truncated sequence is only an error when the stream ends.
  assertEquals(dec.decode(bytes(0xE2), { stream: true }), '');
  assertThrows(() => dec.decode(), TypeError);
  // After an error the decoder starts afresh.
  assertEquals(dec.decode(bytes(0x41)), 'A');
  const u16 = new TextDecoder('utf-16le', { fatal: true });
  assertThrows(() => u16.decode(bytes(0x00, 0xD8)), TypeError);
  assertThrows(() => u16.decode(bytes(0x41)), TypeError);
}

export function streamingSplitsMultiByteSequences() {
  const text = 'a\u00e9\u20ac\u{1F600}z';
  const data = new TextEncoder().encode(text);
  for (let split = 0; split <= data.length; split++) {
    const dec = new TextDecoder();
    const out = dec.decode(data.subarray(0, split), { stream: true }) + dec.decode(data.subarray(split));
    assertEquals(out, text, `split at ${split}`);
  }
  const dec = new TextDecoder();
  let out = '';
  for (const b of data) out += dec.decode(bytes(b), { stream: true });
  out += dec.decode();
  assertEquals(out, text);
}

export function streamingInvalidAcrossCalls() {
  const dec = new TextDecoder();
  assertEquals(dec.decode(bytes(0xF0, 0x9F), { stream: true }), '');
  assertEquals(dec.decode(bytes(0x41), { stream: true }), '\uFFFDA');
  assertEquals(dec.decode(bytes(0xE2)), '\uFFFD');
}

export function bomHandling() {
  const withBom = bytes(0xEF, 0xBB, 0xBF, 0x41);
  assertEquals(new TextDecoder().decode(withBom), 'A');
  assertEquals(new TextDecoder('utf-8', { ignoreBOM: true }).decode(withBom), '\uFEFFA');
  // Only a leading BOM is removed.
  assertEquals(new TextDecoder().decode(bytes(0x41, 0xEF, 0xBB, 0xBF)), 'A\uFEFF');
  // Across streaming calls the BOM is stripped once.
  const dec = new TextDecoder();
  assertEquals(dec.decode(bytes(0xEF, 0xBB), { stream: true }), '');
  assertEquals(dec.decode(bytes(0xBF, 0xEF, 0xBB, 0xBF), { stream: true }), '\uFEFF');
  assertEquals(dec.decode(bytes(0x42)), 'B');
  // A new (non-streaming) decode strips again.
  assertEquals(dec.decode(withBom), 'A');
  assertEquals(new TextDecoder('utf-16le').decode(bytes(0xFF, 0xFE, 0x41, 0x00)), 'A');
  assertEquals(new TextDecoder('utf-16be').decode(bytes(0xFE, 0xFF, 0x00, 0x41)), 'A');
  assertEquals(new TextDecoder('latin1').decode(bytes(0xEF, 0xBB, 0xBF)), '\u00ef\u00bb\u00bf');
}

export function utf16() {
  const le = new TextDecoder('utf-16le');
  assertEquals(le.decode(bytes(0x68, 0x00, 0x69, 0x00)), 'hi');
  assertEquals(le.decode(bytes(0x3D, 0xD8, 0x00, 0xDE)), '\u{1F600}');
  assertEquals(le.decode(bytes(0x3D, 0xD8, 0x41, 0x00)), '\uFFFDA');
  assertEquals(le.decode(bytes(0x00, 0xDE)), '\uFFFD');
  assertEquals(le.decode(bytes(0x41)), '\uFFFD');
  assertEquals(le.decode(bytes(0x41), { stream: true }), '');
  assertEquals(le.decode(bytes(0x00)), 'A');
  assertEquals(le.decode(bytes(0x3D, 0xD8)), '\uFFFD');
  const be = new TextDecoder('utf-16be');
  assertEquals(be.decode(bytes(0x00, 0x68, 0x00, 0x69)), 'hi');
  assertEquals(be.decode(bytes(0xD8, 0x3D, 0xDE, 0x00)), '\u{1F600}');
  const split = new TextDecoder('utf-16be');
  assertEquals(split.decode(bytes(0xD8), { stream: true }) + split.decode(bytes(0x3D, 0xDE), { stream: true })
    + split.decode(bytes(0x00)), '\u{1F600}');
}

export function windows1252() {
  const dec = new TextDecoder('latin1');
  assertEquals(dec.decode(bytes(0x41, 0x80, 0x81, 0x9F, 0xA0, 0xE9, 0xFF)), 'A\u20ac\u0081\u0178\u00a0\u00e9\u00ff');
  assertEquals(new TextDecoder('ascii').decode(bytes(0x93, 0x94)), '\u201c\u201d');
}

export async function largeRoundTripIsCorrectAndFast() {
  const piece = 'hello world \u00e9\u20ac\u{1F600} ';
  const text = piece.repeat(200000);
  // Linear time is checked by the harness's CPU budget for each test.
  const encoded = new TextEncoder().encode(text);
  const decoded = new TextDecoder().decode(encoded);
  assertEquals(decoded.length, text.length);
  assert(decoded === text, 'round trip');
  const ascii = 'x'.repeat(3000000);
  assertEquals(new TextDecoder().decode(new TextEncoder().encode(ascii)), ascii);
}

export function brandChecks() {
  assertThrows(() => TextDecoder.prototype.decode.call({}, bytes(1)), TypeError);
  assertThrows(() => TextEncoder.prototype.encode.call({}, 'a'), TypeError);
  assertThrows(() => TextDecoder('utf-8'), TypeError);
}
