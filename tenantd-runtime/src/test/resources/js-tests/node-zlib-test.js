// node:zlib, against what Node 20's zlib gives for the same calls (run with nodejs_compat).
import zlib, {
  gzipSync, gunzipSync, deflateSync, inflateSync, deflateRawSync, inflateRawSync, unzipSync, crc32, constants,
  createGzip, createGunzip, createInflate, createUnzip, Gzip,
} from 'node:zlib';
import { Transform, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { assertEquals, assertThrows } from './assert.js';

const { Z_SYNC_FLUSH } = zlib;
const b64 = (buffer) => Buffer.from(buffer).toString('base64');
const fromB64 = (text) => Buffer.from(text, 'base64');

function failure(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

export function sync_compression_gives_nodes_bytes() {
  assertEquals(b64(gzipSync('hello world')), 'H4sIAAAAAAAAA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==');
  assertEquals(b64(gzipSync('hello world', { level: 9 })), 'H4sIAAAAAAACA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==');
  assertEquals(b64(gzipSync('hello world', { level: 1 })), 'H4sIAAAAAAAEA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==');
  assertEquals(b64(deflateSync('hello world')), 'eJzLSM3JyVcozy/KSQEAGgsEXQ==');
  assertEquals(b64(deflateSync('hello world', { level: 0 })), 'eAEBCwD0/2hlbGxvIHdvcmxkGgsEXQ==');
  assertEquals(b64(deflateRawSync('hello world')), 'y0jNyclXKM8vykkBAA==');
  assertEquals(b64(deflateRawSync('a'.repeat(100))), 'S0ykPQAA');
  assertEquals(b64(deflateSync('abc', { finishFlush: constants.Z_SYNC_FLUSH })), 'eJxKTEoGAAAA//8=');
  assertEquals(Buffer.isBuffer(gzipSync(new Uint8Array([1, 2, 3]))), true);
}

export function sync_decompression_round_trips() {
  const data = Buffer.alloc(200_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
  assertEquals(gunzipSync(gzipSync(data)).equals(data), true);
  assertEquals(inflateSync(deflateSync(data)).equals(data), true);
  assertEquals(inflateRawSync(deflateRawSync(data.buffer)).equals(data), true);
  assertEquals(unzipSync(gzipSync('via gzip')).toString(), 'via gzip');
  assertEquals(unzipSync(deflateSync('via zlib')).toString(), 'via zlib');
  assertEquals(gunzipSync(fromB64('H4sIAAAAAAAAA0tMHAWjYBQMdwAAA9o4mugDAAA=')).toString(), 'a'.repeat(1000));
}

export function gzip_members_and_trailing_bytes_as_node_reads_them() {
  const gz = gzipSync('hello world');
  assertEquals(gunzipSync(Buffer.concat([gz, gzipSync('!!')])).toString(), 'hello world!!');
  assertEquals(gunzipSync(Buffer.concat([gz, Buffer.alloc(5)])).toString(), 'hello world');
  assertEquals(failure(() => gunzipSync(Buffer.concat([gz, Buffer.from('garbage')]))).message, 'incorrect header check');
  assertEquals(inflateSync(Buffer.concat([deflateSync('abc'), Buffer.from('garbage')])).toString(), 'abc');
  assertEquals(inflateRawSync(Buffer.concat([deflateRawSync('abc'), Buffer.from('garbage')])).toString(), 'abc');
  // A cut-off stream decodes as far as it goes when the finish is a sync flush.
  assertEquals(inflateSync(deflateSync('hello world').subarray(0, 8), { finishFlush: Z_SYNC_FLUSH }).toString(), 'hello');
}

export function bad_input_fails_with_nodes_codes() {
  const gz = gzipSync('hello world');
  const cases = [
    [() => gunzipSync('hello'), 'Z_DATA_ERROR', -3, 'incorrect header check'],
    [() => inflateSync('hello'), 'Z_DATA_ERROR', -3, 'incorrect header check'],
    [() => unzipSync('hello'), 'Z_DATA_ERROR', -3, 'incorrect header check'],
    [() => gunzipSync(gz.subarray(0, 15)), 'Z_BUF_ERROR', -5, 'unexpected end of file'],
    [() => inflateSync(deflateSync('hello world').subarray(0, 8)), 'Z_BUF_ERROR', -5, 'unexpected end of file'],
    [() => gunzipSync(Buffer.alloc(0)), 'Z_BUF_ERROR', -5, 'unexpected end of file'],
    [() => inflateSync(Buffer.alloc(0)), 'Z_BUF_ERROR', -5, 'unexpected end of file'],
    [() => gunzipSync(Buffer.concat([gz.subarray(0, gz.length - 8), Buffer.alloc(8)])), 'Z_DATA_ERROR', -3,
      'incorrect data check'],
    [() => inflateSync(Buffer.concat([deflateSync('hello world').subarray(0, -4), Buffer.alloc(4)])), 'Z_DATA_ERROR',
      -3, 'incorrect data check'],
    [() => inflateRawSync(Buffer.from([0xff, 0xff, 0xff])), 'Z_DATA_ERROR', -3, 'invalid block type'],
  ];
  for (const [fn, code, errno, message] of cases) {
    const error = failure(fn);
    assertEquals(error instanceof Error, true);
    assertEquals(error.code, code, message);
    assertEquals(error.errno, errno, message);
    assertEquals(error.message, message);
  }
}

export function options_and_arguments_are_checked_as_node_does() {
  const level = failure(() => deflateSync('x', { level: 12 }));
  assertEquals(level.code, 'ERR_OUT_OF_RANGE');
  assertEquals(level.message, 'The value of "options.level" is out of range. It must be >= -1 and <= 9. Received 12');
  assertEquals(failure(() => deflateSync('x', { chunkSize: 10 })).message,
    'The value of "options.chunkSize" is out of range. It must be >= 64. Received 10');
  assertEquals(failure(() => deflateSync('x', { flush: 9 })).message,
    'The value of "options.flush" is out of range. It must be >= 0 and <= 5. Received 9');
  const type = failure(() => deflateSync(123));
  assertEquals(type.code, 'ERR_INVALID_ARG_TYPE');
  assertEquals(type.message, 'The "buffer" argument must be of type string or an instance of Buffer, TypedArray, '
    + 'DataView, or ArrayBuffer. Received type number (123)');
  assertEquals(failure(() => zlib.gzip('x')).message,
    'The "callback" argument must be of type function. Received undefined');
}

export function max_output_length_stops_a_bomb() {
  const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
  const error = failure(() => gunzipSync(bomb, { maxOutputLength: 1000 }));
  assertEquals(error instanceof RangeError, true);
  assertEquals(error.code, 'ERR_BUFFER_TOO_LARGE');
  assertEquals(error.message, 'Cannot create a Buffer larger than 1000 bytes');
  assertEquals(gunzipSync(bomb, { maxOutputLength: 20 * 1024 * 1024 }).length, 20 * 1024 * 1024);
}

export function crc32_matches_node() {
  assertEquals(crc32('hello'), 907060870);
  assertEquals(crc32('world', crc32('hello ')), 222957957);
  assertEquals(crc32(Buffer.from('hello world')), 222957957);
  assertEquals(crc32(new Uint8Array([1, 2, 3])), 1438416925);
  assertEquals(crc32(''), 0);
  assertEquals(crc32('abc', 5), 871334697);
  assertEquals(failure(() => crc32(5)).code, 'ERR_INVALID_ARG_TYPE');
}

export async function callback_and_promisified_forms() {
  const gz = await promisify(zlib.gzip)('abc');
  assertEquals(b64(gz), 'H4sIAAAAAAAAA0tMSgYAwkEkNQMAAAA=');
  assertEquals((await promisify(zlib.gunzip)(gz)).toString(), 'abc');
  const error = await new Promise((resolve) => {
    let sync = true;
    zlib.inflate('bad', (e, result) => resolve([e, result, sync]));
    sync = false;
  });
  assertEquals(error[0].code, 'Z_DATA_ERROR');
  assertEquals(error[0].message, 'incorrect header check');
  assertEquals(error[1], undefined);
  assertEquals(error[2], false, 'the callback runs later');
  const raw = await new Promise((resolve, reject) => zlib.deflateRaw('hello world', { level: 9 },
    (e, r) => (e ? reject(e) : resolve(r))));
  assertEquals(b64(raw), 'y0jNyclXKM8vykkBAA==');
}

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function streams_are_transforms() {
  const gzip = createGzip();
  assertEquals(gzip instanceof Transform, true);
  assertEquals(gzip instanceof Gzip, true);
  assertEquals(typeof zlib.Gunzip, 'function');
  const source = Readable.from([Buffer.from('hello '), 'world']);
  const gz = await collect(source.pipe(createGzip()));
  assertEquals(b64(gz), 'H4sIAAAAAAAAA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==');
  // Input in one-byte pieces, output of a megabyte.
  const big = gzipSync(Buffer.alloc(1024 * 1024, 120));
  const pieces = [];
  for (let i = 0; i < big.length; i++) pieces.push(big.subarray(i, i + 1));
  const out = await collect(Readable.from(pieces).pipe(createGunzip()));
  assertEquals(out.length, 1024 * 1024);
  assertEquals(out.every((b) => b === 120), true);
  assertEquals((await collect(Readable.from([deflateSync('zz')]).pipe(createUnzip()))).toString(), 'zz');
}

export async function a_stream_with_bad_data_emits_a_zlib_error() {
  const inflate = createInflate();
  const error = await new Promise((resolve) => {
    inflate.on('error', resolve);
    inflate.on('data', () => {});
    inflate.end(Buffer.from('not zlib data'));
  });
  assertEquals(error.code, 'Z_DATA_ERROR');
  assertEquals(error.errno, -3);
  assertEquals(error.message, 'incorrect header check');
}

export async function flush_gives_what_was_written_so_far() {
  const deflate = zlib.createDeflate();
  const chunks = [];
  deflate.on('data', (chunk) => chunks.push(chunk));
  deflate.write('abc');
  await new Promise((resolve) => deflate.flush(Z_SYNC_FLUSH, resolve));
  assertEquals(inflateSync(Buffer.concat(chunks), { finishFlush: Z_SYNC_FLUSH }).toString(), 'abc');
  deflate.end();
}

export function brotli_is_refused_clearly() {
  for (const name of ['brotliCompressSync', 'brotliDecompressSync', 'createBrotliCompress', 'brotliCompress']) {
    const error = assertThrows(() => zlib[name]('x'), Error);
    assertEquals(error.code, 'ERR_METHOD_NOT_IMPLEMENTED');
    assertEquals(error.message.includes('Brotli'), true, error.message);
  }
  assertEquals(typeof constants.BROTLI_PARAM_QUALITY, 'number');
}
