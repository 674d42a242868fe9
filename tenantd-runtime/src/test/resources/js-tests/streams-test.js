import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

const tick = () => new Promise((resolve) => Promise.resolve().then(() => Promise.resolve()).then(() => resolve()));
const flush = async () => {
  for (let i = 0; i < 10; i++) await tick();
};

async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

export async function readEnqueuedChunksThenDone() {
  const rs = new ReadableStream({
    start(c) {
      c.enqueue('a');
      c.enqueue('b');
      c.close();
    },
  });
  assertEquals(rs.locked, false);
  const reader = rs.getReader();
  assertEquals(rs.locked, true);
  assertDeepEquals(await reader.read(), { value: 'a', done: false });
  assertDeepEquals(await reader.read(), { value: 'b', done: false });
  assertDeepEquals(await reader.read(), { value: undefined, done: true });
  assertDeepEquals(await reader.read(), { value: undefined, done: true });
  assertEquals(await reader.closed, undefined);
}

export async function constructorValidation() {
  assertThrows(() => new ReadableStream(null), TypeError);
  assertThrows(() => new ReadableStream(5), TypeError);
  assertThrows(() => new ReadableStream({ pull: 5 }), TypeError);
  assertThrows(() => new ReadableStream({ type: 'nope' }), TypeError);
  assertThrows(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new ReadableStream({}, { highWaterMark: NaN }), RangeError);
  assertThrows(() => new ReadableStream({}, { size: 5 }), TypeError);
  assertThrows(() => new ReadableStream({ type: 'bytes' }, { size: () => 1 }), RangeError);
  assertThrows(() => new ReadableStream({ start() { throw new SyntaxError('x'); } }), SyntaxError);
  assertThrows(() => ReadableStream(), TypeError);
  new ReadableStream();
  new ReadableStream({}, undefined);
  assertThrows(() => new ReadableStreamDefaultController(), TypeError);
  assertEquals(Object.prototype.toString.call(new ReadableStream()), '[object ReadableStream]');
}

export async function startReceivesControllerAndSourceThis() {
  let ctrl;
  let self;
  const source = {
    start(c) {
      ctrl = c;
      self = this;
    },
  };
  new ReadableStream(source);
  assert(ctrl instanceof ReadableStreamDefaultController);
  assertEquals(self, source);
  assertEquals(ctrl.desiredSize, 1);
}

export async function pullIsCalledUntilHighWaterMark() {
  let pulls = 0;
  const rs = new ReadableStream({
    pull(c) {
      pulls++;
      c.enqueue(pulls);
    },
  }, { highWaterMark: 3 });
  await flush();
  assertEquals(pulls, 3, 'fills the queue to the high-water mark');
  const reader = rs.getReader();
  assertDeepEquals(await reader.read(), { value: 1, done: false });
  await flush();
  assertEquals(pulls, 4);
}

export async function pullNotCalledAgainUntilPreviousPromiseSettles() {
  let pulls = 0;
  let release;
  const rs = new ReadableStream({
    pull(c) {
      pulls++;
      c.enqueue(pulls);
      return new Promise((resolve) => { release = resolve; });
    },
  }, { highWaterMark: 5 });
  await flush();
  assertEquals(pulls, 1);
  release();
  await flush();
  assertEquals(pulls, 2);
  rs.cancel();
}

export async function pullWaitsForStart() {
  let pulls = 0;
  let finishStart;
  new ReadableStream({
    start() {
      return new Promise((resolve) => { finishStart = resolve; });
    },
    pull() {
      pulls++;
    },
  });
  await flush();
  assertEquals(pulls, 0);
  finishStart();
  await flush();
  assertEquals(pulls, 1);
}

export async function highWaterMarkZeroPullsOnlyOnRead() {
  let pulls = 0;
  const rs = new ReadableStream({
    pull(c) {
      pulls++;
      c.enqueue(pulls);
    },
  }, { highWaterMark: 0 });
  await flush();
  assertEquals(pulls, 0);
  const reader = rs.getReader();
  assertDeepEquals(await reader.read(), { value: 1, done: false });
}

export async function sizeStrategyAndDesiredSize() {
  let ctrl;
  new ReadableStream({ start(c) { ctrl = c; } }, { highWaterMark: 10, size: (chunk) => chunk.length });
  ctrl.enqueue('abcd');
  assertEquals(ctrl.desiredSize, 6);
  ctrl.enqueue('abcdefgh');
  assertEquals(ctrl.desiredSize, -2);
  ctrl.close();
  assertEquals(ctrl.desiredSize, -2);
}

export async function badSizeErrorsStream() {
  let ctrl;
  const rs = new ReadableStream({ start(c) { ctrl = c; } }, { size: () => -1 });
  assertThrows(() => ctrl.enqueue('x'), RangeError);
  await assertRejects(rs.getReader().closed, RangeError);
  assertEquals(ctrl.desiredSize, null);
}

export async function enqueueAfterCloseThrows() {
  let ctrl;
  new ReadableStream({ start(c) { ctrl = c; } });
  ctrl.close();
  assertThrows(() => ctrl.enqueue('x'), TypeError);
  assertThrows(() => ctrl.close(), TypeError);
}

export async function errorPropagatesToReads() {
  let ctrl;
  const rs = new ReadableStream({ start(c) { ctrl = c; } });
  const reader = rs.getReader();
  const pending = reader.read();
  const boom = new Error('boom');
  ctrl.error(boom);
  assertEquals(await pending.catch((e) => e), boom);
  assertEquals(await reader.read().catch((e) => e), boom);
  assertEquals(await reader.closed.catch((e) => e), boom);
  assertEquals(await reader.cancel().catch((e) => e), boom);
  await assertRejects(rs.cancel(), TypeError);
}

export async function startRejectionErrorsStream() {
  const rs = new ReadableStream({ start() { return Promise.reject(new RangeError('bad')); } });
  await assertRejects(rs.getReader().read(), RangeError);
}

export async function pullErrorErrorsStream() {
  const rs = new ReadableStream({ pull() { throw new TypeError('pull failed'); } });
  await assertRejects(rs.getReader().read(), TypeError);
}

export async function cancelCallsSourceCancel() {
  let reason;
  const rs = new ReadableStream({
    start(c) { c.enqueue('a'); },
    cancel(r) { reason = r; },
  });
  assertEquals(await rs.cancel('why'), undefined);
  assertEquals(reason, 'why');
  const reader = rs.getReader();
  assertDeepEquals(await reader.read(), { value: undefined, done: true });
}

export async function cancelRejectsWhenLocked() {
  const rs = new ReadableStream();
  const reader = rs.getReader();
  await assertRejects(rs.cancel(), TypeError);
  assertThrows(() => rs.getReader(), TypeError);
  let cancelled = false;
  const rs2 = new ReadableStream({ cancel() { cancelled = true; } });
  const r2 = rs2.getReader();
  const pending = r2.read();
  await r2.cancel('x');
  assert(cancelled);
  assertDeepEquals(await pending, { value: undefined, done: true });
  reader.releaseLock();
}

export async function cancelSourceRejection() {
  const rs = new ReadableStream({ cancel() { throw new SyntaxError('nope'); } });
  await assertRejects(rs.cancel(), SyntaxError);
}

export async function releaseLockRejectsPendingReads() {
  const rs = new ReadableStream();
  const reader = rs.getReader();
  const pending = reader.read();
  reader.releaseLock();
  await assertRejects(pending, TypeError);
  await assertRejects(reader.closed, TypeError);
  await assertRejects(reader.read(), TypeError);
  assertEquals(rs.locked, false);
  reader.releaseLock();
  const again = rs.getReader();
  assert(again instanceof ReadableStreamDefaultReader);
}

export async function readerConstructor() {
  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } });
  const reader = new ReadableStreamDefaultReader(rs);
  assertDeepEquals(await reader.read(), { value: 1, done: false });
  assertThrows(() => new ReadableStreamDefaultReader({}), TypeError);
  assertThrows(() => new ReadableStreamDefaultReader(rs), TypeError);
  assertThrows(() => rs.getReader({ mode: 'other' }), TypeError);
}

export async function tee() {
  const rs = new ReadableStream({
    start(c) {
      c.enqueue('a');
      c.enqueue('b');
      c.close();
    },
  });
  const [a, b] = rs.tee();
  assert(rs.locked);
  assertDeepEquals(await readAll(a), ['a', 'b']);
  assertDeepEquals(await readAll(b), ['a', 'b']);
}

export async function teeCancelBothCancelsSource() {
  let reason;
  const rs = new ReadableStream({ cancel(r) { reason = r; } });
  const [a, b] = rs.tee();
  const p1 = a.cancel('r1');
  await flush();
  assertEquals(reason, undefined);
  const p2 = b.cancel('r2');
  await Promise.all([p1, p2]);
  assertDeepEquals(reason, ['r1', 'r2']);
}

export async function teeErrorsBothBranches() {
  let ctrl;
  const rs = new ReadableStream({ start(c) { ctrl = c; } });
  const [a, b] = rs.tee();
  ctrl.error(new RangeError('x'));
  await assertRejects(a.getReader().read(), RangeError);
  await assertRejects(b.getReader().read(), RangeError);
}

export async function asyncIteration() {
  const rs = new ReadableStream({
    start(c) {
      c.enqueue(1);
      c.enqueue(2);
      c.close();
    },
  });
  const seen = [];
  for await (const chunk of rs) seen.push(chunk);
  assertDeepEquals(seen, [1, 2]);
  assertEquals(rs.locked, false);
  assertEquals(ReadableStream.prototype[Symbol.asyncIterator], ReadableStream.prototype.values);
}

export async function asyncIterationBreakCancels() {
  let cancelled = false;
  const rs = new ReadableStream({
    pull(c) { c.enqueue('x'); },
    cancel() { cancelled = true; },
  });
  for await (const chunk of rs) {
    assertEquals(chunk, 'x');
    break;
  }
  assert(cancelled);
  assertEquals(rs.locked, false);
}

export async function asyncIterationPreventCancel() {
  let cancelled = false;
  const rs = new ReadableStream({
    pull(c) { c.enqueue('x'); },
    cancel() { cancelled = true; },
  });
  for await (const chunk of rs.values({ preventCancel: true })) {
    assertEquals(chunk, 'x');
    break;
  }
  assert(!cancelled);
  assertEquals(rs.locked, false);
  const reader = rs.getReader();
  assertDeepEquals(await reader.read(), { value: 'x', done: false });
}

export async function asyncIterationError() {
  const rs = new ReadableStream({ pull() { throw new URIError('e'); } });
  await assertRejects(async () => {
    for await (const chunk of rs) void chunk;
  }, URIError);
}

export async function asyncIteratorShape() {
  const it = new ReadableStream().values();
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((async function* () {}).prototype));
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(it)), AsyncIteratorPrototype);
  assertEquals(Object.prototype.toString.call(it), '[object ReadableStream AsyncIterator]');
  const r = await it.return('v');
  assertDeepEquals(r, { value: 'v', done: true });
  assertDeepEquals(await it.next(), { value: undefined, done: true });
}

export async function fromAsyncIterable() {
  async function* gen() {
    yield 1;
    yield 2;
  }
  assertDeepEquals(await readAll(ReadableStream.from(gen())), [1, 2]);
  assertDeepEquals(await readAll(ReadableStream.from(['a', Promise.resolve('b')])), ['a', 'b']);
  assertThrows(() => ReadableStream.from(5), TypeError);
  assertThrows(() => ReadableStream.from({}), TypeError);
  assertThrows(() => ReadableStream.from(), TypeError);
}

export async function fromCancelCallsReturn() {
  let returned = false;
  const iterable = {
    [Symbol.asyncIterator]() {
      return {
        next: () => Promise.resolve({ value: 1, done: false }),
        return: () => { returned = true; return Promise.resolve({ done: true }); },
      };
    },
  };
  const rs = ReadableStream.from(iterable);
  const reader = rs.getReader();
  await reader.read();
  await reader.cancel();
  assert(returned);
}

export async function writableStreamBasics() {
  const written = [];
  let closed = false;
  const ws = new WritableStream({
    write(chunk, controller) {
      assert(controller instanceof WritableStreamDefaultController);
      written.push(chunk);
    },
    close() { closed = true; },
  });
  const writer = ws.getWriter();
  assert(ws.locked);
  assertEquals(writer.desiredSize, 1);
  await writer.ready;
  await writer.write('a');
  await writer.write('b');
  await writer.close();
  await writer.closed;
  assertDeepEquals(written, ['a', 'b']);
  assert(closed);
  await assertRejects(writer.write('c'), TypeError);
  assertEquals(writer.desiredSize, 0);
}

export async function writableStreamValidation() {
  assertThrows(() => new WritableStream({ type: 'bytes' }), RangeError);
  assertThrows(() => new WritableStream({ write: 1 }), TypeError);
  assertThrows(() => new WritableStream(null), TypeError);
  assertThrows(() => new WritableStreamDefaultController(), TypeError);
  const ws = new WritableStream();
  ws.getWriter();
  assertThrows(() => ws.getWriter(), TypeError);
  await assertRejects(ws.abort(), TypeError);
  await assertRejects(ws.close(), TypeError);
}

export async function writableBackpressure() {
  const resolvers = [];
  const ws = new WritableStream({
    write() {
      return new Promise((resolve) => resolvers.push(resolve));
    },
  }, new CountQueuingStrategy({ highWaterMark: 2 }));
  const writer = ws.getWriter();
  writer.write(1);
  assertEquals(writer.desiredSize, 1);
  writer.write(2);
  assertEquals(writer.desiredSize, 0);
  let ready = false;
  writer.ready.then(() => { ready = true; });
  await flush();
  assertEquals(ready, false);
  resolvers.shift()();
  await flush();
  assertEquals(ready, true);
}

export async function writableSinkErrorErrorsStream() {
  const ws = new WritableStream({ write() { throw new RangeError('sink'); } });
  const writer = ws.getWriter();
  await assertRejects(writer.write('x'), RangeError);
  await assertRejects(writer.closed, RangeError);
  await assertRejects(writer.write('y'), RangeError);
}

export async function writableAbort() {
  let abortReason;
  let signalAborted = false;
  const ws = new WritableStream({
    start(controller) {
      controller.signal.addEventListener('abort', () => { signalAborted = true; });
    },
    abort(reason) { abortReason = reason; },
  });
  const writer = ws.getWriter();
  await writer.abort('stop');
  assertEquals(abortReason, 'stop');
  assert(signalAborted);
  assertEquals(await writer.closed.catch((e) => e), 'stop');
}

export async function writableControllerError() {
  let ctrl;
  const ws = new WritableStream({ start(c) { ctrl = c; } });
  const writer = ws.getWriter();
  ctrl.error(new EvalError('ctrl'));
  await assertRejects(writer.closed, EvalError);
  await assertRejects(writer.ready, EvalError);
  assertEquals(writer.desiredSize, null);
}

export async function writerReleaseLock() {
  const ws = new WritableStream();
  const writer = ws.getWriter();
  writer.releaseLock();
  assertEquals(ws.locked, false);
  await assertRejects(writer.closed, TypeError);
  await assertRejects(writer.write('x'), TypeError);
  assertThrows(() => writer.desiredSize, TypeError);
  const w2 = new WritableStreamDefaultWriter(ws);
  await w2.close();
}

export async function identityTransformStream() {
  const { readable, writable } = new TransformStream();
  assert(readable instanceof ReadableStream);
  assert(writable instanceof WritableStream);
  const writer = writable.getWriter();
  const reader = readable.getReader();
  writer.write('a');
  writer.write('b');
  writer.close();
  assertDeepEquals(await reader.read(), { value: 'a', done: false });
  assertDeepEquals(await reader.read(), { value: 'b', done: false });
  assertDeepEquals(await reader.read(), { value: undefined, done: true });
  await writer.closed;
}

export async function transformWithTransformAndFlush() {
  const upper = new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk.toUpperCase());
      controller.enqueue(chunk.length);
    },
    flush(controller) {
      controller.enqueue('end');
    },
  });
  const source = ReadableStream.from(['ab', 'c']);
  assertDeepEquals(await readAll(source.pipeThrough(upper)), ['AB', 2, 'C', 1, 'end']);
}

export async function transformErrorPropagates() {
  const ts = new TransformStream({
    transform() { throw new RangeError('t'); },
  });
  const writer = ts.writable.getWriter();
  const reader = ts.readable.getReader();
  // Writes wait for the readable side to want data.
  const read = reader.read();
  await assertRejects(writer.write('x'), RangeError);
  await assertRejects(read, RangeError);
  await assertRejects(writer.closed, RangeError);
}

export async function transformTerminate() {
  const ts = new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      controller.terminate();
    },
  });
  const writer = ts.writable.getWriter();
  writer.write('only').catch(() => {});
  assertDeepEquals(await readAll(ts.readable), ['only']);
  await assertRejects(writer.closed, TypeError);
}

export async function transformValidation() {
  assertThrows(() => new TransformStream({ readableType: 'bytes' }), RangeError);
  assertThrows(() => new TransformStream({ writableType: 'bytes' }), RangeError);
  assertThrows(() => new TransformStream({ transform: 5 }), TypeError);
  assertThrows(() => new TransformStreamDefaultController(), TypeError);
}

export async function transformCancelReadable() {
  let cancelReason;
  const ts = new TransformStream({ cancel(r) { cancelReason = r; } });
  await ts.readable.cancel('bye');
  assertEquals(cancelReason, 'bye');
  await assertRejects(ts.writable.getWriter().write('x'));
}

export async function pipeTo() {
  const written = [];
  let closed = false;
  const rs = ReadableStream.from([1, 2, 3]);
  const ws = new WritableStream({
    write(chunk) { written.push(chunk); },
    close() { closed = true; },
  });
  await rs.pipeTo(ws);
  assertDeepEquals(written, [1, 2, 3]);
  assert(closed);
  assertEquals(rs.locked, false);
  assertEquals(ws.locked, false);
}

export async function pipeToPreventClose() {
  let closed = false;
  const ws = new WritableStream({ close() { closed = true; } });
  await ReadableStream.from([1]).pipeTo(ws, { preventClose: true });
  assert(!closed);
  const writer = ws.getWriter();
  await writer.close();
  assert(closed);
}

export async function pipeToSourceErrorAbortsDest() {
  let abortReason;
  const ws = new WritableStream({ abort(r) { abortReason = r; } });
  const rs = new ReadableStream({ pull() { throw new SyntaxError('src'); } });
  await assertRejects(rs.pipeTo(ws), SyntaxError);
  assert(abortReason instanceof SyntaxError);
}

export async function pipeToDestErrorCancelsSource() {
  let cancelReason;
  const rs = new ReadableStream({
    pull(c) { c.enqueue('x'); },
    cancel(r) { cancelReason = r; },
  });
  const ws = new WritableStream({ write() { throw new RangeError('dest'); } });
  await assertRejects(rs.pipeTo(ws), RangeError);
  assert(cancelReason instanceof RangeError);
}

export async function pipeToWithAbortSignal() {
  const controller = new AbortController();
  let cancelled;
  let aborted;
  const rs = new ReadableStream({ cancel(r) { cancelled = r; } });
  const ws = new WritableStream({ abort(r) { aborted = r; } });
  const p = rs.pipeTo(ws, { signal: controller.signal });
  controller.abort();
  const error = await assertRejects(p, DOMException, 'AbortError');
  assertEquals(cancelled, error);
  assertEquals(aborted, error);
  await assertRejects(new ReadableStream().pipeTo(new WritableStream(), { signal: AbortSignal.abort('r') }));
}

export async function pipeToValidation() {
  await assertRejects(new ReadableStream().pipeTo({}), TypeError);
  await assertRejects(new ReadableStream().pipeTo(new WritableStream(), { signal: {} }), TypeError);
  const locked = new ReadableStream();
  locked.getReader();
  await assertRejects(locked.pipeTo(new WritableStream()), TypeError);
  assertThrows(() => new ReadableStream().pipeThrough({ readable: new ReadableStream() }), TypeError);
  assertThrows(() => locked.pipeThrough(new TransformStream()), TypeError);
}

export async function byteStreams() {
  let ctrl;
  const rs = new ReadableStream({
    type: 'bytes',
    start(c) { ctrl = c; },
  });
  assert(ctrl instanceof ReadableByteStreamController);
  assertEquals(ctrl.byobRequest, null);
  assertEquals(ctrl.desiredSize, 0);
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  ctrl.enqueue(new Uint8Array(buffer, 1, 2));
  if (typeof ArrayBuffer.prototype.transfer === 'function') {
    assertEquals(buffer.byteLength, 0, 'enqueue transfers the buffer');
  }
  assertThrows(() => ctrl.enqueue('x'), TypeError);
  assertThrows(() => ctrl.enqueue(new Uint8Array(0)), TypeError);
  ctrl.close();
  const reader = rs.getReader();
  const { value } = await reader.read();
  assert(value instanceof Uint8Array);
  assertDeepEquals(value, new Uint8Array([2, 3]));
  assertDeepEquals(await reader.read(), { value: undefined, done: true });
  assert(new ReadableStream({ type: 'bytes' }).getReader({ mode: 'byob' }) instanceof ReadableStreamBYOBReader);
}

export async function byteStreamPull() {
  let n = 0;
  const rs = new ReadableStream({
    type: 'bytes',
    pull(c) {
      n++;
      c.enqueue(new Uint8Array([n]));
      if (n === 3) c.close();
    },
  });
  const chunks = await readAll(rs);
  assertDeepEquals(chunks.map((c) => c[0]), [1, 2, 3]);
}

export async function byteStreamTeeClonesChunks() {
  const rs = new ReadableStream({
    type: 'bytes',
    start(c) {
      c.enqueue(new Uint8Array([7, 8]));
      c.close();
    },
  });
  const [a, b] = rs.tee();
  const [ca] = await readAll(a);
  const [cb] = await readAll(b);
  assertDeepEquals(ca, new Uint8Array([7, 8]));
  assertDeepEquals(cb, new Uint8Array([7, 8]));
  assert(ca.buffer !== cb.buffer);
}

export function queuingStrategies() {
  const bl = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
  assertEquals(bl.highWaterMark, 16);
  assertEquals(bl.size(new Uint8Array(5)), 5);
  assertEquals(bl.size, new ByteLengthQueuingStrategy({ highWaterMark: 1 }).size);
  const count = new CountQueuingStrategy({ highWaterMark: '3' });
  assertEquals(count.highWaterMark, 3);
  assertEquals(count.size('anything'), 1);
  assertEquals(count.size.name, 'size');
  assertThrows(() => new CountQueuingStrategy(), TypeError);
  assertThrows(() => new CountQueuingStrategy({}), TypeError);
  assertThrows(() => new ByteLengthQueuingStrategy(5), TypeError);
}

export async function byteLengthStrategyOnReadable() {
  let ctrl;
  new ReadableStream({ start(c) { ctrl = c; } }, new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
  ctrl.enqueue(new Uint8Array(4));
  assertEquals(ctrl.desiredSize, 6);
}

export async function streamingResponsePattern() {
  // The worker pattern: return the readable side, write to the writable later.
  const { readable, writable } = new TransformStream();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  (async () => {
    for (let i = 0; i < 3; i++) {
      await writer.write(encoder.encode(`part${i};`));
    }
    await writer.close();
  })();
  const chunks = await readAll(readable);
  const text = chunks.map((c) => new TextDecoder().decode(c)).join('');
  assertEquals(text, 'part0;part1;part2;');
}

export async function manyChunksStayFast() {
  const n = 20000;
  let i = 0;
  const rs = new ReadableStream({
    pull(c) {
      c.enqueue(i++);
      if (i === n) c.close();
    },
  }, { highWaterMark: 100 });
  // Linear time is checked by the harness's CPU budget for each test.
  let count = 0;
  for await (const chunk of rs) count += chunk >= 0 ? 1 : 0;
  assertEquals(count, n);
}

export async function autoAllocateChunkSizeGivesByobRequest() {
  const source = new Uint8Array(10).map((_, i) => i);
  let offset = 0;
  let sawNull = false;
  const rs = new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 4,
    pull(controller) {
      const request = controller.byobRequest;
      if (request === null) {
        sawNull = true;
        return;
      }
      assert(request instanceof ReadableStreamBYOBRequest);
      const view = request.view;
      assertEquals(view.byteLength, 4);
      const n = Math.min(view.byteLength, source.length - offset);
      view.set(source.subarray(offset, offset + n));
      offset += n;
      request.respond(n);
      assertEquals(request.view, null, 'request is invalidated after respond');
      assertThrows(() => request.respond(1), TypeError);
      if (offset >= source.length) controller.close();
    },
  });
  const chunks = await readAll(rs);
  assert(!sawNull);
  assertDeepEquals(chunks.map((c) => c.length), [4, 4, 2]);
  assertDeepEquals(chunks.map((c) => Array.from(c)).flat(), Array.from(source));
  assertThrows(() => new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 0 }), TypeError);
}

export async function autoAllocateWithEnqueueInstead() {
  let n = 0;
  const rs = new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 16,
    pull(controller) {
      assert(controller.byobRequest !== null);
      controller.enqueue(new Uint8Array([++n]));
      if (n === 2) controller.close();
    },
  });
  const chunks = await readAll(rs);
  assertDeepEquals(chunks.map((c) => c[0]), [1, 2]);
}

export async function respondWithNewView() {
  const rs = new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 8,
    pull(controller) {
      const view = controller.byobRequest.view;
      const replacement = new Uint8Array(view.buffer, view.byteOffset, 3);
      replacement.set([9, 8, 7]);
      assertThrows(() => controller.byobRequest.respondWithNewView(new Uint8Array(3)), RangeError);
      controller.byobRequest.respondWithNewView(replacement);
      controller.close();
    },
  });
  assertDeepEquals(await readAll(rs), [new Uint8Array([9, 8, 7])]);
}

export async function pipeToWritesAfterEnqueueReturns() {
  let controller;
  const rs = new ReadableStream({ start(c) { controller = c; } });
  const writes = [];
  const ws = new WritableStream({ write(chunk) { writes.push(chunk); } });
  const piping = rs.pipeTo(ws);
  await new Promise((resolve) => setTimeout(resolve, 0)); // the pipe now waits for a chunk
  controller.enqueue('a');
  assertEquals(writes.length, 0, 'the sink is not written to while enqueue() runs');
  controller.enqueue('b');
  controller.close();
  await piping;
  assertEquals(writes.join(), 'a,b');
}

export async function identityTransformStreamPassesBytesOnly() {
  const pipe = new IdentityTransformStream();
  assert(pipe instanceof TransformStream, 'a TransformStream');
  const writer = pipe.writable.getWriter();
  const reader = pipe.readable.getReader();
  const written = writer.write(new Uint16Array([0x6968]));
  const first = await reader.read();
  await written;
  assertEquals(new TextDecoder().decode(first.value), 'hi');
  assert(first.value instanceof Uint8Array, 'bytes come out as a Uint8Array');
  writer.write(new TextEncoder().encode('!').buffer);
  assertEquals(new TextDecoder().decode((await reader.read()).value), '!');
  const waiting = reader.read(); // a write is taken only while the readable side is read
  await assertRejects(writer.write('not bytes'), TypeError);
  await assertRejects(waiting, TypeError);
}

export async function bytePipesCopyWhatIsWrittenAndTakeAHighWaterMark() {
  const pipe = new IdentityTransformStream({ highWaterMark: 16 });
  const writer = pipe.writable.getWriter();
  assertEquals(writer.desiredSize, 16);
  const reader = pipe.readable.getReader();
  const chunk = new Uint8Array([1, 2, 3]);
  const reading = reader.read();
  await writer.write(chunk);
  chunk[0] = 9; // changed after the write: what was written stays as it was
  assertEquals([...(await reading).value].join(), '1,2,3');
  const fixed = new FixedLengthStream(4, { highWaterMark: 100 });
  assert(fixed instanceof IdentityTransformStream && fixed instanceof TransformStream, 'a kind of IdentityTransformStream');
  assertEquals(fixed.writable.getWriter().desiredSize, 4, 'at most the expected length');
  assertThrows(() => new IdentityTransformStream({ highWaterMark: -1 }), RangeError);
}

export async function fixedLengthStreamHoldsItsLength() {
  assertThrows(() => new FixedLengthStream(-1), TypeError);
  assertThrows(() => new FixedLengthStream(1.5), TypeError);
  assertThrows(() => new FixedLengthStream(), TypeError);
  const whole = new FixedLengthStream(5n);
  const text = new Response(whole.readable).text();
  const writer = whole.writable.getWriter();
  await writer.write(new TextEncoder().encode('hel'));
  await writer.write(new TextEncoder().encode('lo'));
  await writer.close();
  assertEquals(await text, 'hello');

  const long = new FixedLengthStream(2);
  long.readable.pipeTo(new WritableStream()).catch(() => {});
  await assertRejects(long.writable.getWriter().write(new Uint8Array(3)), TypeError);

  const short = new FixedLengthStream(4);
  short.readable.pipeTo(new WritableStream()).catch(() => {});
  const shortWriter = short.writable.getWriter();
  await shortWriter.write(new Uint8Array(3));
  await assertRejects(shortWriter.close(), TypeError);
}
