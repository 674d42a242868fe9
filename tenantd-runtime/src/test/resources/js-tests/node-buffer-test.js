// node:buffer, against Node's documented behaviour (run with nodejs_compat).
import { Buffer, Blob, atob, btoa, constants, kMaxLength, isUtf8, isAscii } from 'node:buffer';
import bufferDefault from 'node:buffer';
import { Buffer as BareBuffer } from 'buffer';
import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

const bytes = (b) => Array.from(b);

export function the_global_buffer_is_the_module_buffer_and_bare_specifiers_resolve() {
  assertEquals(globalThis.Buffer, Buffer);
  assertEquals(BareBuffer, Buffer);
  assertEquals(bufferDefault.Buffer, Buffer);
  assertEquals(Blob, globalThis.Blob);
  assertEquals(typeof atob, 'function');
  assertEquals(btoa('hi'), 'aGk=');
  assertEquals(constants.MAX_LENGTH, kMaxLength);
}

export function encodings_round_trip_with_known_outputs() {
  const text = 'héllo wörld €😀';
  assertEquals(Buffer.from(text).toString('hex'), '68c3a96c6c6f2077c3b6726c6420e282acf09f9880');
  assertEquals(Buffer.from(text).toString('base64'), 'aMOpbGxvIHfDtnJsZCDigqzwn5iA');
  assertEquals(Buffer.from(text).toString('base64url'), 'aMOpbGxvIHfDtnJsZCDigqzwn5iA');
  assertEquals(Buffer.from('hello?>').toString('base64'), 'aGVsbG8/Pg==');
  assertEquals(Buffer.from('hello?>').toString('base64url'), 'aGVsbG8_Pg');
  for (const enc of ['utf8', 'utf-8', 'utf16le', 'ucs2', 'utf-16le']) {
    assertEquals(Buffer.from(text, enc).toString(enc), text, enc);
  }
  const binary = Buffer.from([0, 1, 127, 128, 200, 255, 62, 63]);
  for (const enc of ['base64', 'base64url', 'hex', 'latin1', 'binary']) {
    assert(Buffer.from(binary.toString(enc), enc).equals(binary), enc);
  }
  assertDeepEquals(bytes(Buffer.from('€', 'utf16le')), [0xac, 0x20]);
  assertDeepEquals(bytes(Buffer.from('ÿé', 'latin1')), [0xff, 0xe9]);
  assertEquals(Buffer.from([0xff, 0xe9]).toString('latin1'), 'ÿé');
  assertEquals(Buffer.from([0xff, 0x41]).toString('ascii'), '\x7fA');
  assertDeepEquals(bytes(Buffer.from('abz', 'hex')), [0xab]);
  assertDeepEquals(bytes(Buffer.from('aGk', 'base64')), [0x68, 0x69]);
  assertDeepEquals(bytes(Buffer.from('a G\nk=', 'base64')), [0x68, 0x69]);
  assertEquals(Buffer.from([0xe2, 0x82]).toString(), '\ufffd');
  assertThrows(() => Buffer.from('x', 'nope'), TypeError);
  assertEquals(Buffer.isEncoding('UTF-8'), true);
  assertEquals(Buffer.isEncoding('nope'), false);
}

export function alloc_from_concat_compare() {
  assertDeepEquals(bytes(Buffer.alloc(3)), [0, 0, 0]);
  assertDeepEquals(bytes(Buffer.alloc(5, 'ab')), [97, 98, 97, 98, 97]);
  assertDeepEquals(bytes(Buffer.alloc(4, 1)), [1, 1, 1, 1]);
  assertEquals(Buffer.alloc(11, 'aGVsbG8gd29ybGQ=', 'base64').toString(), 'hello world');
  assertEquals(Buffer.allocUnsafe(4).length, 4);
  const ab = new ArrayBuffer(8);
  const view = Buffer.from(ab, 2, 4);
  view[0] = 9;
  assertEquals(new Uint8Array(ab)[2], 9, 'from(arrayBuffer) shares memory');
  const copy = Buffer.from(view);
  copy[0] = 1;
  assertEquals(view[0], 9, 'from(buffer) copies');
  assertDeepEquals(bytes(Buffer.from([257, -1, 3])), [1, 255, 3]);
  assertDeepEquals(bytes(Buffer.from({ type: 'Buffer', data: [1, 2] })), [1, 2]);
  assertEquals(Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.from('d')]).toString(), 'abcd');
  assertEquals(Buffer.concat([Buffer.from('abc'), Buffer.from('def')], 4).toString(), 'abcd');
  assertEquals(Buffer.concat([Buffer.from('ab')], 4).length, 4);
  assertEquals(Buffer.compare(Buffer.from('a'), Buffer.from('b')), -1);
  assertEquals(Buffer.compare(Buffer.from('b'), Buffer.from('a')), 1);
  assertEquals(Buffer.compare(Buffer.from('ab'), Buffer.from('a')), 1);
  assertEquals(Buffer.from('abc').compare(Buffer.from('xbc'), 1, 3, 1, 3), 0);
  assertDeepEquals([Buffer.from('b'), Buffer.from('c'), Buffer.from('a')].sort(Buffer.compare).map(String), ['a', 'b', 'c']);
  assert(Buffer.from('ab').equals(new Uint8Array([97, 98])));
  assert(!Buffer.from('ab').equals(Buffer.from('abc')));
  assertThrows(() => Buffer.alloc(-1), RangeError);
  assertThrows(() => Buffer.from(5), TypeError);
}

export function byte_length_and_is_buffer() {
  assertEquals(Buffer.byteLength('½ + ¼ = ¾'), 12);
  assertEquals(Buffer.byteLength('😀'), 4);
  assertEquals(Buffer.byteLength('aGk=', 'base64'), 2);
  assertEquals(Buffer.byteLength('abcd', 'hex'), 2);
  assertEquals(Buffer.byteLength('ab', 'utf16le'), 4);
  assertEquals(Buffer.byteLength(new ArrayBuffer(7)), 7);
  assertEquals(Buffer.isBuffer(Buffer.alloc(1)), true);
  assertEquals(Buffer.isBuffer(new Uint8Array(1)), false);
  assert(Buffer.alloc(1) instanceof Uint8Array);
}

export function slice_and_subarray_share_memory() {
  const buf = Buffer.from('buffer');
  const part = buf.slice(1, 3);
  assertEquals(part.toString(), 'uf');
  part[0] = 0x55;
  assertEquals(buf.toString(), 'bUffer');
  assertEquals(buf.subarray(-3).toString(), 'fer');
  assertEquals(buf.slice(-3, -1).toString(), 'fe');
  assert(Buffer.isBuffer(buf.subarray(1)));
  assertEquals(buf.toString('utf8', 1, 3), 'Uf');
}

export function integer_and_float_reads_and_writes() {
  const buf = Buffer.from([0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef]);
  assertEquals(buf.readUInt8(0), 0x12);
  assertEquals(buf.readUint16BE(0), 0x1234);
  assertEquals(buf.readUInt16LE(0), 0x3412);
  assertEquals(buf.readUInt32BE(0), 0x12345678);
  assertEquals(buf.readInt32LE(4), -271733872);
  assertEquals(buf.readBigUInt64BE(0), 0x1234567890abcdefn);
  assertEquals(buf.readBigInt64LE(0), -1167088091436534766n);
  assertEquals(buf.readUIntBE(0, 3), 0x123456);
  assertEquals(buf.readIntLE(5, 3), -1061461);
  assertEquals(buf.readUIntLE(0, 6), 0xab9078563412);
  const out = Buffer.alloc(8);
  assertEquals(out.writeUInt16BE(0xbeef, 0), 2);
  assertEquals(out.writeInt32LE(-2, 2), 6);
  assertDeepEquals(bytes(out), [0xbe, 0xef, 0xfe, 0xff, 0xff, 0xff, 0, 0]);
  out.writeDoubleBE(1.5);
  assertEquals(out.readDoubleBE(0), 1.5);
  out.writeFloatLE(0.5, 4);
  assertEquals(out.readFloatLE(4), 0.5);
  assertEquals(out.writeIntBE(-123456, 0, 3), 3);
  assertEquals(out.readIntBE(0, 3), -123456);
  out.writeBigInt64BE(-5n);
  assertEquals(out.readBigInt64BE(), -5n);
  const range = assertThrows(() => out.writeUInt8(300), RangeError);
  assertEquals(range.code, 'ERR_OUT_OF_RANGE');
  assertEquals(range.message, 'The value of "value" is out of range. It must be >= 0 and <= 255. Received 300');
  const bounds = assertThrows(() => Buffer.alloc(2).readUInt32LE(0), RangeError);
  assertEquals(bounds.code, 'ERR_BUFFER_OUT_OF_BOUNDS');
  const offset = assertThrows(() => Buffer.alloc(4).readUInt16LE(3), RangeError);
  assertEquals(offset.message, 'The value of "offset" is out of range. It must be >= 0 and <= 2. Received 3');
}

export function write_fill_index_of_and_json() {
  const buf = Buffer.alloc(6);
  assertEquals(buf.write('héllo'), 6);
  assertEquals(buf.toString(), 'héllo');
  const small = Buffer.alloc(2);
  assertEquals(small.write('é!'), 2);
  assertEquals(Buffer.alloc(2).write('aé'), 1, 'a character that does not fit is left out whole');
  assertEquals(Buffer.alloc(4).write('6869', 1, 'hex'), 2);
  assertEquals(Buffer.alloc(3).fill('abc', 1).toString(), '\0ab');
  assertEquals(Buffer.alloc(4).fill(0x41, 1, 3).toString('hex'), '00414100');
  const hay = Buffer.from('this is a buffer');
  assertEquals(hay.indexOf('is'), 2);
  assertEquals(hay.indexOf('is', 3), 5);
  assertEquals(hay.indexOf(Buffer.from('a buffer')), 8);
  assertEquals(hay.indexOf(97), 8);
  assertEquals(hay.indexOf('nope'), -1);
  assertEquals(hay.lastIndexOf('is'), 5);
  assertEquals(hay.lastIndexOf('is', 4), 2);
  assertEquals(hay.includes('buf'), true);
  assertEquals(hay.indexOf('', 3), 3);
  assertEquals(JSON.stringify(Buffer.from([1, 2])), '{"type":"Buffer","data":[1,2]}');
  assertEquals(Buffer.from('ab').swap16().toString(), 'ba');
  assertEquals(Buffer.from('abcd').toString('ucs2'), '扡摣');
}

export function copy_and_utility_checks() {
  const src = Buffer.from('abcdef');
  const dst = Buffer.alloc(4, '.');
  assertEquals(src.copy(dst, 1, 2, 4), 2);
  assertEquals(dst.toString(), '.cd.');
  assertEquals(isUtf8(Buffer.from('é')), true);
  assertEquals(isUtf8(Buffer.from([0xff])), false);
  assertEquals(isAscii(Buffer.from('abc')), true);
  assertEquals(isAscii(Buffer.from('é')), false);
}

export function base64IgnoresAWorkersToBase64() {
  const { toBase64 } = Uint8Array.prototype;
  try {
    Uint8Array.prototype.toBase64 = () => 'X';
    assertEquals(Buffer.from('hello?>').toString('base64'), 'aGVsbG8/Pg==');
    assertEquals(Buffer.from('hello?>').toString('base64url'), 'aGVsbG8_Pg');
  } finally {
    Uint8Array.prototype.toBase64 = toBase64;
  }
}
