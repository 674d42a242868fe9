import { assert, assertEquals, assertThrows } from './assert.js';

// Cases from the Encoding Standard's labels and indexes (https://encoding.spec.whatwg.org/).
const bytes = (...b) => new Uint8Array(b);
const decode = (label, input, options) => new TextDecoder(label, options).decode(input);

export function legacyLabelsNameTheirEncoding() {
  const cases = {
    'cp866': 'ibm866', 'latin2': 'iso-8859-2', ' ISO_8859-3:1988\n': 'iso-8859-3', 'greek8': 'iso-8859-7',
    'visual': 'iso-8859-8', 'logical': 'iso-8859-8-i', 'latin6': 'iso-8859-10', 'l9': 'iso-8859-15',
    'iso-8859-16': 'iso-8859-16', 'koi8': 'koi8-r', 'koi8-ru': 'koi8-u', 'mac': 'macintosh',
    'tis-620': 'windows-874', 'x-cp1250': 'windows-1250', 'cp1258': 'windows-1258',
    'x-mac-ukrainian': 'x-mac-cyrillic', 'gb2312': 'gbk', 'x-gbk': 'gbk', 'gb18030': 'gb18030',
    'big5-hkscs': 'big5', 'x-euc-jp': 'euc-jp', 'csiso2022jp': 'iso-2022-jp', 'ms932': 'shift_jis',
    'windows-949': 'euc-kr', 'x-user-defined': 'x-user-defined',
  };
  for (const [label, name] of Object.entries(cases)) {
    assertEquals(new TextDecoder(label).encoding, name, label);
  }
  // The replacement encoding's labels name no TextDecoder.
  for (const label of ['iso-2022-kr', 'hz-gb-2312', 'iso-2022-cn', 'replacement']) {
    assertThrows(() => new TextDecoder(label), RangeError);
  }
}

export function singleByteEncodingsDecodeFromTheStandardsIndexes() {
  assertEquals(decode('windows-1251', bytes(0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2)), 'Привет');
  assertEquals(decode('ibm866', bytes(0x8F, 0xE0, 0xA8)), 'При');
  assertEquals(decode('koi8-r', bytes(0xF0, 0xD2, 0xC9)), 'При');
  assertEquals(decode('iso-8859-2', bytes(0x41, 0xA1, 0xFF)), 'A\u0104\u02D9');
  assertEquals(decode('iso-8859-7', bytes(0xA4, 0xE1)), '\u20AC\u03B1');
  assertEquals(decode('iso-8859-15', bytes(0xA4)), '\u20AC');
  assertEquals(decode('macintosh', bytes(0x80, 0xDB, 0xF0)), '\u00C4\u20AC\uF8FF');
  assertEquals(decode('windows-1255', bytes(0xCA, 0xE0)), '\u05BA\u05D0');
  // Where the JDK's tables differ from the standard's.
  assertEquals(decode('koi8-u', bytes(0xAE, 0xBE)), '\u045E\u040E');
  assertEquals(decode('x-mac-cyrillic', bytes(0xA2, 0xB6, 0xFF)), '\u0490\u0491\u20AC');
  assertEquals(decode('windows-874', bytes(0x80, 0x81, 0xA1)), '\u20AC\u0081\u0E01');
  assertEquals(decode('windows-1250', bytes(0x81, 0x8A)), '\u0081\u0160');
  // Missing from the JDK altogether.
  assertEquals(decode('iso-8859-10', bytes(0xA1, 0xBD)), '\u0104\u2015');
  assertEquals(decode('iso-8859-14', bytes(0xA1, 0xFF)), '\u1E02\u00FF');
  assertEquals(decode('x-user-defined', bytes(0x41, 0x80, 0xFF)), 'A\uF780\uF7FF');
}

export function singleByteDecodersKeepAByteOrderMark() {
  // Only UTF-8 and UTF-16 recognise a BOM.
  assertEquals(decode('windows-1252', bytes(0xEF, 0xBB, 0xBF)), '\u00EF\u00BB\u00BF');
  assertEquals(decode('iso-8859-5', bytes(0xFE, 0xFF)), '\u045E\u045F');
}

export function bytesWithoutCodePointsAreErrors() {
  const holes = { 'iso-8859-3': 0xA5, 'iso-8859-6': 0xA1, 'iso-8859-7': 0xAE, 'iso-8859-8': 0xBF,
    'iso-8859-8-i': 0xFF, 'windows-874': 0xDB, 'windows-1253': 0xAA, 'windows-1255': 0xD9, 'windows-1257': 0xA1 };
  for (const [label, hole] of Object.entries(holes)) {
    assertEquals(decode(label, bytes(0x61, hole, 0x62)), 'a\uFFFDb', label);
    assertThrows(() => decode(label, bytes(hole), { fatal: true }), TypeError);
  }
  assertEquals(decode('windows-1253', bytes(0xA1), { fatal: true }), '\u0385');
}

export function fatalErrorsAreTypeErrorsInEveryEncoding() {
  const broken = { 'utf-8': bytes(0xFF), 'utf-16le': bytes(0x00, 0xDC), 'utf-16be': bytes(0xDC, 0x00),
    'shift_jis': bytes(0x82, 0x41), 'euc-kr': bytes(0xB0), 'gb18030': bytes(0x81, 0x30), 'big5': bytes(0xFE) };
  for (const [label, input] of Object.entries(broken)) {
    let error;
    try {
      decode(label, input, { fatal: true });
    } catch (e) {
      error = e;
    }
    assert(error instanceof TypeError, `${label}: ${error}`);
  }
}

export function multiByteEncodingsDecode() {
  assertEquals(decode('gbk', bytes(0xC4, 0xE3, 0xBA, 0xC3)), '你好');
  assertEquals(decode('gb18030', bytes(0xC4, 0xE3, 0x81, 0x30, 0x81, 0x30)), '你\u0080');
  assertEquals(decode('gb18030', bytes(0x84, 0x31, 0xA4, 0x39)), '\uFFFF');
  assertEquals(decode('gb18030', bytes(0x90, 0x30, 0x81, 0x30)), '\u{10000}');
  // Four-byte codes of the characters GB18030-2022 gave two-byte codes still decode, along
  // their ranges, as do the two-byte codes.
  assertEquals(decode('gb18030', bytes(0x82, 0x35, 0x90, 0x37, 0x82, 0x35, 0x91, 0x34)), '\u9FB4\u9FBB');
  assertEquals(decode('gb18030', bytes(0x84, 0x31, 0x82, 0x36, 0x84, 0x31, 0x83, 0x35)), '\uFE10\uFE19');
  assertEquals(decode('gb18030', bytes(0xFE, 0x59, 0xA6, 0xD9)), '\u9FB4\uFE10');
  assertEquals(decode('big5', bytes(0xA4, 0x40, 0x41)), '一A');
  assertEquals(decode('euc-jp', bytes(0xA4, 0xA2, 0x8E, 0xB1)), 'あｱ');
  assertEquals(decode('shift_jis', bytes(0x82, 0xA0, 0xB1, 0x5C)), 'あｱ\\');
  assertEquals(decode('iso-2022-jp', bytes(0x1B, 0x24, 0x42, 0x24, 0x22, 0x1B, 0x28, 0x42, 0x41)), 'あA');
  assertEquals(decode('euc-kr', bytes(0xB0, 0xA1, 0x41)), '가A');
}

export function multiByteErrorsGiveBackAnAsciiByte() {
  // A lead byte followed by ASCII: one U+FFFD, and the ASCII character survives.
  assertEquals(decode('shift_jis', bytes(0x82, 0x41)), '\uFFFDA');
  assertEquals(decode('euc-kr', bytes(0xB0, 0x0A)), '\uFFFD\n');
  assertEquals(decode('big5', bytes(0xA4, 0x0A)), '\uFFFD\n');
  // An incomplete sequence at the end of the input.
  assertEquals(decode('gbk', bytes(0x41, 0xC4)), 'A\uFFFD');
  assertEquals(decode('euc-jp', bytes(0xA4)), '\uFFFD');
}

export function multiByteStreamingKeepsIncompleteSequences() {
  const decoder = new TextDecoder('gbk');
  assertEquals(decoder.decode(bytes(0x41, 0xC4), { stream: true }), 'A');
  assertEquals(decoder.decode(bytes(0xE3, 0xBA), { stream: true }), '你');
  assertEquals(decoder.decode(bytes(0xC3)), '好');
  const gb = new TextDecoder('gb18030');
  assertEquals(gb.decode(bytes(0x81), { stream: true }), '');
  assertEquals(gb.decode(bytes(0x30), { stream: true }), '');
  assertEquals(gb.decode(bytes(0x81), { stream: true }), '');
  assertEquals(gb.decode(bytes(0x30)), '\u0080');
  // A stream that ends inside a sequence gives U+FFFD, or a TypeError when fatal.
  const sjis = new TextDecoder('shift_jis');
  assertEquals(sjis.decode(bytes(0x82), { stream: true }), '');
  assertEquals(sjis.decode(), '\uFFFD');
  const fatal = new TextDecoder('shift_jis', { fatal: true });
  fatal.decode(bytes(0x82), { stream: true });
  assertThrows(() => fatal.decode(), TypeError);
  // The decoder starts afresh after a fatal error.
  assertEquals(fatal.decode(bytes(0x82, 0xA0)), 'あ');
}

async function readAll(readable) {
  const out = [];
  for await (const chunk of readable) out.push(chunk);
  return out;
}

export async function textDecoderStreamDecodesChunks() {
  const stream = new TextDecoderStream('windows-1251');
  assertEquals(stream.encoding, 'windows-1251');
  assertEquals(stream.fatal, false);
  assert(stream instanceof TransformStream);
  const writer = stream.writable.getWriter();
  writer.write(bytes(0xCF, 0xF0));
  writer.write(new Uint8Array([0xE8]).buffer);
  writer.close();
  assertEquals((await readAll(stream.readable)).join(''), 'При');

  const utf8 = new TextDecoderStream();
  const w = utf8.writable.getWriter();
  // '€' split over three chunks, and a BOM that is removed.
  for (const chunk of [bytes(0xEF, 0xBB, 0xBF, 0xE2), bytes(0x82), bytes(0xAC, 0x21)]) w.write(chunk);
  w.close();
  assertEquals((await readAll(utf8.readable)).join(''), '€!');
}

export async function textDecoderStreamErrors() {
  const bad = new TextDecoderStream();
  const writer = bad.writable.getWriter();
  const reader = bad.readable.getReader();
  const write = writer.write({});
  // The transform runs once the readable side is read.
  const read = reader.read();
  let failure;
  try {
    await write;
  } catch (e) {
    failure = e;
  }
  assert(failure instanceof TypeError, String(failure));
  await read.then(() => { throw new Error('read should fail'); }, (e) => assert(e instanceof TypeError));

  const fatal = new TextDecoderStream('utf-8', { fatal: true });
  const fw = fatal.writable.getWriter();
  fw.write(bytes(0xE2)).catch(() => {});
  fw.close().catch(() => {});
  let error;
  try {
    await readAll(fatal.readable);
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError, String(error));
}

export async function textEncoderStreamJoinsSplitSurrogates() {
  const stream = new TextEncoderStream();
  assertEquals(stream.encoding, 'utf-8');
  const writer = stream.writable.getWriter();
  writer.write('a\uD83D');
  writer.write('\uDE00');
  writer.write('');
  writer.write('\uD800');
  writer.close();
  const chunks = await readAll(stream.readable);
  const all = chunks.flatMap((c) => [...c]);
  assertEquals(JSON.stringify(all), JSON.stringify([0x61, 0xF0, 0x9F, 0x98, 0x80, 0xEF, 0xBF, 0xBD]));
  assert(chunks.every((c) => c instanceof Uint8Array && c.length > 0));
  // The two classes' accessors check their receiver.
  const getter = Object.getOwnPropertyDescriptor(TextDecoderStream.prototype, 'readable').get;
  assertThrows(() => getter.call(stream), TypeError);
}

export function iso2022jpStreamingKeepsItsMode() {
  const decoder = new TextDecoder('iso-2022-jp');
  assertEquals(decoder.decode(bytes(0x1B, 0x24, 0x42, 0x24), { stream: true }), '');
  assertEquals(decoder.decode(bytes(0x22, 0x24), { stream: true }), 'あ');
  assertEquals(decoder.decode(bytes(0x24, 0x1B, 0x28), { stream: true }), 'い');
  assertEquals(decoder.decode(bytes(0x42, 0x41)), 'A');
}

export function gb18030AndIso2022jpFollowTheStandardsStateMachines() {
  assertEquals(decode('gb18030', bytes(0x80)), '\u20AC');
  assertEquals(decode('gbk', bytes(0x80)), '\u20AC');
  assertEquals(decode('gb18030', bytes(0x81, 0x30)), '\uFFFD');
  assertEquals(decode('gb18030', bytes(0xFE, 0x39, 0xFE, 0x39)), '\uFFFD');
  assertEquals(decode('gb18030', bytes(0xE3, 0x32, 0x9A, 0x35)), '\u{10FFFF}');
  // GB18030-2022: two-byte forms of U+FE10 and U+9FB4; the four-byte ones decode to the same
  // characters through index gb18030 ranges (the Encoding Standard leaves out the recommended
  // byte-to-private-use mappings, as the ranges already cover those bytes).
  assertEquals(decode('gb18030', bytes(0xA6, 0xD9, 0xFE, 0x59)), '\uFE10\u9FB4');
  assertEquals(decode('gb18030', bytes(0x82, 0x35, 0x90, 0x37, 0x84, 0x31, 0x82, 0x36)), '\u9FB4\uFE10');
  assertEquals(decode('gb18030', bytes(0xA3, 0xA0)), '\u3000');
  assertThrows(() => decode('gb18030', bytes(0xE3, 0x32, 0x9A, 0x36), { fatal: true }), TypeError);
  assertEquals(decode('iso-2022-jp', bytes(0x1B, 0x24)), '\uFFFD$');
  assertEquals(decode('iso-2022-jp', bytes(0x0D, 0x0E, 0x0F, 0x10)), '\r\uFFFD\uFFFD\x10');
  assertEquals(decode('iso-2022-jp', bytes(0x1B, 0x28, 0x49, 0x1B, 0x24, 0x40, 0x50, 0x50)), '\uFFFD\u4F69');
  assertThrows(() => decode('iso-2022-jp', bytes(0x0E), { fatal: true }), TypeError);
  // An escape sequence split across streaming chunks, with the output flag kept.
  const d = new TextDecoder('iso-2022-jp');
  assertEquals(d.decode(bytes(0x1B, 0x28), { stream: true }), '');
  assertEquals(d.decode(bytes(0x49), { stream: true }), '');
  assertEquals(d.decode(bytes(0x1B), { stream: true }), '');
  assertEquals(d.decode(bytes(0x28, 0x42, 0x50)), '\uFFFDP');
}
