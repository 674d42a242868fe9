import { assert, assertDeepEquals, assertEquals, assertRejects, assertThrows } from './assert.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// `gzip -c` (with a file name in the header) and `gzip -c -n` of the same line.
const GZIP_WITH_NAME = 'H4sICFMzEGsAA2hlbGxvLnR4dADzSM3JyVdIK8rPVUivyixQ0E3WUUhUKMnPz1HIT1MoyUhVcPcLVSgoys9KTS7R4wIA7ooTpS8AAAA=';
const GZIP_NO_NAME = 'H4sIAAAAAAAAA/NIzcnJV0grys9VSK/KLFDQTdZRSFQoyc/PUchPUyjJSFVw9wtVKCjKz0pNLtHjAgDuihOlLwAAAA==';
const GZIP_LINE = 'Hello from gzip -c, a tool of the GNU project.\n';
// java.util.zip.GZIPOutputStream's output.
const GZIP_BY_JDK = 'H4sIAAAAAAAA//NNTElVSKpUyEosS9QrLcnM0avKLNBzj/IM8C8tKSgtCS4pSk3MBQD+qwuaJgAAAA==';
// `printf 'hello%.0s' $(seq 100) | gzip -c -n`: what zlib at its default level makes.
const GZIP_HELLO_100 = [31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 203, 72, 205, 201, 201, 207, 24, 37, 70, 18, 1, 0, 40, 120,
  139, 200, 244, 1, 0, 0];
// zlib's deflate of 'hello'.
const DEFLATE_HELLO = [0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x06, 0x2c, 0x02, 0x15];

async function collect(readable) {
  return new Uint8Array(await new Response(readable).arrayBuffer());
}

async function through(stream, ...chunks) {
  const writer = stream.writable.getWriter();
  const done = collect(stream.readable);
  for (const chunk of chunks) writer.write(chunk);
  writer.close();
  return await done;
}

export async function decompressesGzipMadeByTheGzipTool() {
  for (const text of [GZIP_WITH_NAME, GZIP_NO_NAME]) {
    const out = await through(new DecompressionStream('gzip'), fromBase64(text));
    assertEquals(decoder.decode(out), GZIP_LINE);
  }
}

export async function decompressesGzipMadeByTheJdk() {
  const out = await through(new DecompressionStream('gzip'), fromBase64(GZIP_BY_JDK));
  assertEquals(decoder.decode(out), 'Made by java.util.zip.GZIPOutputStream');
}

export async function compressesToTheBytesZlibMakes() {
  const gzip = await through(new CompressionStream('gzip'), encoder.encode('hello'.repeat(100)));
  assertDeepEquals([...gzip], GZIP_HELLO_100);
  const deflate = await through(new CompressionStream('deflate'), encoder.encode('hello'));
  assertDeepEquals([...deflate], DEFLATE_HELLO);
}

// Workers' own test: writes and close resolve before anything is read, and one read
// returns the whole (small) output.
export async function writesResolveBeforeTheReaderReads() {
  for (const format of ['gzip', 'deflate', 'deflate-raw']) {
    const text = 'hello'.repeat(100);
    let compressed;
    {
      const { writable, readable } = new CompressionStream(format);
      const writer = writable.getWriter();
      const reader = readable.getReader();
      await writer.write(encoder.encode(text));
      await writer.close();
      compressed = (await reader.read()).value;
    }
    const { writable, readable } = new DecompressionStream(format);
    const writer = writable.getWriter();
    const reader = readable.getReader();
    await writer.write(compressed);
    await writer.close();
    const result = await reader.read();
    assertEquals(decoder.decode(result.value), text, format);
    assert((await reader.read()).done, 'then the stream ends');
  }
}

export async function aPendingReadIsAnswered() {
  const { writable, readable } = new DecompressionStream('deflate');
  const reader = readable.getReader();
  const read = reader.read();
  const writer = writable.getWriter();
  await writer.write(new Uint8Array(DEFLATE_HELLO));
  await writer.close();
  assertEquals(decoder.decode((await read).value), 'hello');
}

function pseudoRandomText(length) {
  // Text that compresses a little but not to nothing.
  let seed = 7;
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', '\n'];
  let out = '';
  while (out.length < length) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += words[seed % words.length] + (seed % 13);
  }
  return out.slice(0, length);
}

export async function roundTripsLargeDataInManyChunks() {
  const text = pseudoRandomText(3 * 512 * 1024);
  const bytes = encoder.encode(text);
  for (const format of ['gzip', 'deflate', 'deflate-raw']) {
    const chunks = [];
    for (let at = 0; at < bytes.length; at += 9973) chunks.push(bytes.subarray(at, at + 9973));
    const compressed = await through(new CompressionStream(format), ...chunks);
    assert(compressed.length < bytes.length / 2, `${format} compresses (${compressed.length})`);
    // Fed back one byte at a time for the first kilobyte, then in odd-sized pieces.
    const pieces = [];
    for (let at = 0; at < 1024; at++) pieces.push(compressed.subarray(at, at + 1));
    for (let at = 1024; at < compressed.length; at += 4099) pieces.push(compressed.subarray(at, at + 4099));
    const restored = await through(new DecompressionStream(format), ...pieces);
    assertEquals(restored.length, bytes.length, format);
    assertEquals(decoder.decode(restored), text, format);
  }
}

export async function pipesThroughAndComesOutInBoundedChunks() {
  const source = new Response('z'.repeat(2 * 1024 * 1024)).body;
  const compressed = source.pipeThrough(new CompressionStream('gzip'));
  const reader = compressed.pipeThrough(new DecompressionStream('gzip')).getReader();
  let total = 0;
  let largest = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    assert(value instanceof Uint8Array, 'chunks are Uint8Arrays');
    total += value.length;
    largest = Math.max(largest, value.length);
  }
  assertEquals(total, 2 * 1024 * 1024);
  assert(largest <= 64 * 1024, `no chunk is larger than 64 KiB (${largest})`);
}

export async function takesAnyBufferSource() {
  const gzip = fromBase64(GZIP_NO_NAME);
  const view = new DataView(gzip.buffer);
  assertEquals(decoder.decode(await through(new DecompressionStream('gzip'), view)), GZIP_LINE);
  assertEquals(decoder.decode(await through(new DecompressionStream('gzip'), gzip.buffer)), GZIP_LINE);
  const padded = new Uint8Array(gzip.length + 8);
  padded.set(gzip, 4);
  assertEquals(decoder.decode(await through(new DecompressionStream('gzip'), padded.subarray(4, 4 + gzip.length))),
    GZIP_LINE);
  assertEquals((await through(new CompressionStream('gzip'), new Uint8Array(0))).length, 20, 'empty gzip');
  assertEquals((await through(new DecompressionStream('gzip'), await through(new CompressionStream('gzip')))).length,
    0);
}

export function isATransformStreamWithReadableAndWritable() {
  const stream = new CompressionStream('gzip');
  assert(stream instanceof TransformStream, 'CompressionStream is a TransformStream');
  assert(new DecompressionStream('deflate') instanceof TransformStream, 'DecompressionStream is a TransformStream');
  assert(stream.readable instanceof ReadableStream, 'readable');
  assert(stream.writable instanceof WritableStream, 'writable');
  assertEquals(Object.prototype.toString.call(stream), '[object CompressionStream]');
}

export function refusesUnknownFormats() {
  for (const format of ['br', 'GZIP', 'zlib', '', 'deflate ', undefined]) {
    assertThrows(() => new CompressionStream(format), TypeError);
    assertThrows(() => new DecompressionStream(format), TypeError);
  }
  assertThrows(() => new CompressionStream(), TypeError);
  try {
    new CompressionStream();
  } catch (e) {
    assertEquals(e.message, "Failed to construct 'CompressionStream': constructor parameter 1 is not of type 'string'.");
  }
  try {
    new DecompressionStream('br');
  } catch (e) {
    assertEquals(e.message, "The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
  }
}

export async function refusesChunksThatAreNotBuffers() {
  for (const chunk of ['text', 42, { length: 3 }, null]) {
    const stream = new CompressionStream('gzip');
    const writer = stream.writable.getWriter();
    await assertRejects(writer.write(chunk), TypeError);
    await assertRejects(stream.readable.getReader().read(), TypeError);
  }
  const writer = new CompressionStream('gzip').writable.getWriter();
  try {
    await writer.write('text');
  } catch (e) {
    assert(e.message.includes('received a string on its writable side'), e.message);
  }
}

async function decompressError(format, ...chunks) {
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  const reading = collect(stream.readable);
  const writing = (async () => {
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  })();
  const results = await Promise.allSettled([reading, writing]);
  const failure = results.find((r) => r.status === 'rejected');
  assert(failure !== undefined, 'the stream fails');
  assert(failure.reason instanceof TypeError, `a TypeError: ${failure.reason}`);
  return failure.reason.message;
}

export async function corruptInputIsATypeError() {
  assertEquals(await decompressError('gzip', encoder.encode('this is not gzip at all')), 'Decompression failed.');
  assertEquals(await decompressError('deflate', encoder.encode('nor is this deflate')), 'Decompression failed.');
  assertEquals(await decompressError('deflate-raw', new Uint8Array([0xff, 0xff, 0xff, 0xff])), 'Decompression failed.');
  // A gzip whose CRC does not match its data.
  const bad = fromBase64(GZIP_NO_NAME);
  bad[bad.length - 6] ^= 1;
  assertEquals(await decompressError('gzip', bad), 'Decompression failed.');
  // A zlib stream whose Adler-32 does not match.
  const badAdler = new Uint8Array(DEFLATE_HELLO);
  badAdler[badAdler.length - 1] ^= 1;
  assertEquals(await decompressError('deflate', badAdler), 'Decompression failed.');
}

export async function truncatedInputIsATypeError() {
  const gzip = fromBase64(GZIP_NO_NAME);
  for (const cut of [0, 5, 12, gzip.length - 4, gzip.length - 1]) {
    assertEquals(await decompressError('gzip', gzip.subarray(0, cut)),
      'Called close() on a decompression stream with incomplete data', `cut at ${cut}`);
  }
  assertEquals(await decompressError('deflate', new Uint8Array(DEFLATE_HELLO.slice(0, 6))),
    'Called close() on a decompression stream with incomplete data');
}

export async function trailingDataIsATypeError() {
  const gzip = fromBase64(GZIP_NO_NAME);
  // A second gzip member is trailing data too: Workers read one member.
  const twice = new Uint8Array(gzip.length * 2);
  twice.set(gzip);
  twice.set(gzip, gzip.length);
  assertEquals(await decompressError('gzip', twice), 'Trailing bytes after end of compressed data');
  assertEquals(await decompressError('gzip', gzip, new Uint8Array([0])), 'Trailing bytes after end of compressed data');
  assertEquals(await decompressError('deflate', new Uint8Array([...DEFLATE_HELLO, 1, 2, 3])),
    'Trailing bytes after end of compressed data');
}

export async function aFailedStreamCannotBeUsedAgain() {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reading = collect(stream.readable);
  await assertRejects(writer.write(encoder.encode('garbage garbage')), TypeError);
  await assertRejects(reading, TypeError);
  await assertRejects(writer.write(fromBase64(GZIP_NO_NAME)), TypeError);
}

export async function cancellingTheReadableErrorsTheWritable() {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  await stream.readable.cancel(new Error('no longer wanted'));
  await assertRejects(writer.write(new Uint8Array(10)), Error);
}

export async function abortingTheWritableErrorsTheReadable() {
  const stream = new DecompressionStream('gzip');
  const reader = stream.readable.getReader();
  const read = reader.read();
  await stream.writable.abort(new RangeError('stopped'));
  await assertRejects(read, RangeError);
}

export async function aBombIsProducedOnlyAsFastAsItIsRead() {
  // 16 MiB of zeros compress to about 16 KiB: the output waits on the reader instead of
  // filling memory, and a reader that throws chunks away gets through all of it.
  const compressed = await through(new CompressionStream('deflate-raw'), new Uint8Array(16 * 1024 * 1024));
  assert(compressed.length < 128 * 1024, `small (${compressed.length})`);
  const reader = new Response(compressed).body.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.length;
  }
  assertEquals(total, 16 * 1024 * 1024);
}

export async function aPatchedWorldDoesNotReachTheStreams() {
  const gzip = fromBase64(GZIP_NO_NAME);
  const saved = [Uint8Array.prototype.subarray, Array.prototype.push, Promise.prototype.then];
  try {
    Uint8Array.prototype.subarray = () => { throw new Error('patched'); };
    Array.prototype.push = () => { throw new Error('patched'); };
    const out = await through(new DecompressionStream('gzip'), gzip);
    assertEquals(decoder.decode(out), GZIP_LINE);
  } finally {
    [Uint8Array.prototype.subarray, Array.prototype.push, Promise.prototype.then] = saved;
  }
}
