// node:stream, against Node's documented behaviour (run with nodejs_compat).
import { Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished } from 'node:stream';
import Stream from 'node:stream';
import { pipeline as pipelinePromise, finished as finishedPromise } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { Readable as ReadableAlias } from 'stream';
import { assert, assertEquals, assertDeepEquals } from './assert.js';

function collector() {
  const chunks = [];
  const sink = new Writable({
    write(chunk, encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { sink, chunks };
}

export async function readable_flowing_mode_emits_data_then_end_then_close() {
  const events = [];
  const r = new Readable({
    read() {
      this.push('a');
      this.push('b');
      this.push(null);
    },
  });
  r.setEncoding('utf8');
  r.on('data', (d) => events.push(`data:${d}`));
  r.on('end', () => events.push('end'));
  await new Promise((resolve) => r.on('close', () => { events.push('close'); resolve(); }));
  assertEquals(events.join(' '), 'data:a data:b end close');
  assertEquals(r.readableEnded, true);
  assertEquals(r.destroyed, true);
  assertEquals(ReadableAlias, Readable);
  assertEquals(Stream.Readable, Readable);
  assert(r instanceof Stream);
}

export async function readable_paused_mode_with_readable_event_and_read() {
  const r = new Readable({ read() {} });
  r.push(Buffer.from('hello '));
  r.push('world');
  r.push(null);
  let out = '';
  await new Promise((resolve) => {
    r.on('readable', () => {
      let chunk;
      while ((chunk = r.read()) !== null) out += chunk.toString();
    });
    r.on('end', resolve);
  });
  assertEquals(out, 'hello world');
}

export async function readable_from_and_async_iteration() {
  const got = [];
  for await (const item of Readable.from(['x', 'y', 'z'])) got.push(item);
  assertDeepEquals(got, ['x', 'y', 'z']);
  async function* generate() {
    yield 1;
    yield 2;
  }
  const numbers = [];
  for await (const n of Readable.from(generate())) numbers.push(n);
  assertDeepEquals(numbers, [1, 2]);
  const bytes = [];
  for await (const chunk of new Readable({ read() { this.push('ab'); this.push(null); } })) bytes.push(chunk.toString());
  assertDeepEquals(bytes, ['ab']);
}

export async function writable_back_pressure_drain_and_finish() {
  const written = [];
  const w = new Writable({
    highWaterMark: 4,
    write(chunk, encoding, callback) {
      written.push(chunk.toString());
      setTimeout(callback, 1);
    },
  });
  assertEquals(w.write('ab'), true);
  assertEquals(w.write('cdef'), false, 'over the high-water mark');
  assertEquals(w.writableNeedDrain, true);
  await new Promise((resolve) => w.once('drain', resolve));
  const order = [];
  w.on('finish', () => order.push('finish'));
  w.on('close', () => order.push('close'));
  await new Promise((resolve) => w.end('g', () => { order.push('end callback'); resolve(); }));
  await new Promise((resolve) => setTimeout(resolve, 1));
  assertDeepEquals(written, ['ab', 'cdef', 'g']);
  assertDeepEquals(order, ['end callback', 'finish', 'close']);
  assertEquals(w.writableFinished, true);
}

export async function write_after_end_is_an_error() {
  const { sink } = collector();
  sink.end();
  const error = await new Promise((resolve) => {
    sink.on('error', resolve);
    sink.write('late');
  });
  assertEquals(error.code, 'ERR_STREAM_WRITE_AFTER_END');
}

export async function writev_and_final_and_cork() {
  const batches = [];
  let finalCalled = false;
  const w = new Writable({
    writev(chunks, callback) {
      batches.push(chunks.map((c) => c.chunk.toString()).join('+'));
      callback();
    },
    final(callback) {
      finalCalled = true;
      callback();
    },
  });
  w.cork();
  w.write('a');
  w.write('b');
  w.uncork();
  await new Promise((resolve) => w.end(resolve));
  assertDeepEquals(batches, ['a+b']);
  assertEquals(finalCalled, true);
}

export async function transform_and_pipe() {
  const upper = new Transform({
    transform(chunk, encoding, callback) {
      callback(null, chunk.toString().toUpperCase());
    },
    flush(callback) {
      this.push('!');
      callback();
    },
  });
  const { sink, chunks } = collector();
  Readable.from(['ab', 'cd']).pipe(upper).pipe(sink);
  await new Promise((resolve) => sink.on('finish', resolve));
  assertEquals(chunks.join(''), 'ABCD!');
}

export async function pipeline_with_callback_and_promises() {
  const { sink, chunks } = collector();
  await new Promise((resolve, reject) => {
    pipeline(Readable.from(['1', '2', '3']), new PassThrough(), sink, (error) => (error ? reject(error) : resolve()));
  });
  assertEquals(chunks.join(''), '123');
  const second = collector();
  await pipelinePromise(Readable.from(['x', 'y']), new Transform({
    transform(chunk, encoding, callback) {
      callback(null, `${chunk}${chunk}`);
    },
  }), second.sink);
  assertEquals(second.chunks.join(''), 'xxyy');
  const failing = new Transform({
    transform(chunk, encoding, callback) {
      callback(new Error('transform failed'));
    },
  });
  let caught = null;
  try {
    await pipelinePromise(Readable.from(['z']), failing, collector().sink);
  } catch (error) {
    caught = error;
  }
  assertEquals(caught && caught.message, 'transform failed');
}

export async function duplex_has_both_sides_and_finished_reports_premature_close() {
  const d = new Duplex({
    read() {},
    write(chunk, encoding, callback) {
      this.push(chunk);
      callback();
    },
    final(callback) {
      this.push(null);
      callback();
    },
  });
  assert(d instanceof Writable, 'a Duplex is instanceof Writable');
  d.write('echo');
  d.end();
  let out = '';
  for await (const chunk of d) out += chunk;
  assertEquals(out, 'echo');
  const r = new Readable({ read() {} });
  const error = await new Promise((resolve) => {
    finished(r, resolve);
    r.destroy();
  });
  assertEquals(error.code, 'ERR_STREAM_PREMATURE_CLOSE');
  const ok = new Readable({ read() { this.push(null); } });
  ok.resume();
  await finishedPromise(ok);
}

export async function destroy_with_an_error_emits_error_then_close() {
  const events = [];
  const r = new Readable({ read() {} });
  r.on('error', (e) => events.push(`error:${e.message}`));
  await new Promise((resolve) => {
    r.on('close', () => { events.push('close'); resolve(); });
    r.destroy(new Error('bad'));
  });
  assertDeepEquals(events, ['error:bad', 'close']);
  assertEquals(r.errored.message, 'bad');
}

export async function web_stream_conversions() {
  const web = Readable.toWeb(Readable.from([Buffer.from('we'), Buffer.from('b')]));
  assertEquals(await new Response(web).text(), 'web');
  const node = Readable.fromWeb(new Response('from web').body);
  assertEquals(await text(node), 'from web');
  const written = [];
  const sink = Writable.fromWeb(new WritableStream({ write(chunk) { written.push(new TextDecoder().decode(chunk)); } }));
  await new Promise((resolve) => sink.end('to web', resolve));
  assertDeepEquals(written, ['to web']);
}

export async function legacy_stream_pipe_writes_pauses_at_a_full_destination_and_ends_it() {
  // A pre-streams2 source, as combined-stream (form-data's) is: it emits data and end itself.
  function Legacy() {
    Stream.call(this);
    this.readable = true;
    this.paused = 0;
  }
  Object.setPrototypeOf(Legacy.prototype, Stream.prototype);
  Legacy.prototype.pause = function () { this.paused++; };
  Legacy.prototype.resume = function () {};
  const source = new Legacy();
  const chunks = [];
  const dest = new Writable({
    highWaterMark: 2,
    write(chunk, encoding, callback) { chunks.push(chunk.toString()); setTimeout(callback, 1); },
  });
  let piped = null;
  dest.on('pipe', (from) => { piped = from; });
  assertEquals(source.pipe(dest), dest);
  assertEquals(piped, source);
  source.emit('data', Buffer.from('abc'));
  source.emit('data', Buffer.from('def'));
  source.emit('end');
  await new Promise((resolve) => dest.on('finish', resolve));
  assertEquals(chunks.join(''), 'abcdef');
  assert(source.paused > 0, 'paused while the destination was over its high-water mark');
  assertEquals(source.listenerCount('data'), 0);
}

export async function readable_iterator_helpers() {
  assertEquals(JSON.stringify(await Readable.from([1, 2, 3]).toArray()), '[1,2,3]');
  assertEquals(JSON.stringify(await Readable.from([1, 2, 3, 4]).map(async (x) => x * 10).filter((x) => x > 10).toArray()),
    '[20,30,40]');
  assertEquals(JSON.stringify(await Readable.from([1, 2, 3, 4, 5]).drop(1).take(2).toArray()), '[2,3]');
  assertEquals(JSON.stringify(await Readable.from(['a', 'b']).flatMap((x) => [x, x.toUpperCase()]).toArray()),
    '["a","A","b","B"]');
  assertEquals(await Readable.from([1, 2, 3]).reduce((sum, x) => sum + x, 10), 16);
  assertEquals(await Readable.from([1, 2, 3]).reduce((sum, x) => sum + x), 6);
  assertEquals(await Readable.from([1, 2, 3]).some((x) => x > 2), true);
  assertEquals(await Readable.from([1, 2, 3]).every((x) => x > 2), false);
  assertEquals(await Readable.from([1, 2, 3]).find((x) => x > 1), 2);
  const seen = [];
  await Readable.from([1, 2]).forEach((x) => { seen.push(x); });
  assertEquals(seen.join(), '1,2');
  let empty;
  try { await Readable.from([]).reduce((a, b) => a + b); } catch (e) { empty = e; }
  assertEquals(empty instanceof TypeError, true);
}
