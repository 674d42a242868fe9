import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

// BYOB readers and the byte stream controller's pull-into requests, with the
// Streams Standard's behaviour as the expected values.

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const bytes = (view) => Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));

function byteSource(extra = {}) {
  let controller;
  const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; }, ...extra });
  return { stream, controller: () => controller };
}

export async function getReaderByobGivesABYOBReader() {
  const { stream } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  assert(reader instanceof ReadableStreamBYOBReader);
  assertEquals(stream.locked, true);
  assertThrows(() => stream.getReader(), TypeError);
  assertThrows(() => stream.getReader({ mode: 'byob' }), TypeError);
  reader.releaseLock();
  assertEquals(stream.locked, false);
  assert(new ReadableStreamBYOBReader(stream) instanceof ReadableStreamBYOBReader);
  assertThrows(() => new ReadableStream().getReader({ mode: 'byob' }), TypeError);
  assertThrows(() => new ReadableStreamBYOBReader(new ReadableStream()), TypeError);
  assertThrows(() => new ReadableStreamBYOBReader({}), TypeError);
  assertThrows(() => byteSource().stream.getReader({ mode: 'nope' }), TypeError);
  assertEquals(Object.prototype.toString.call(reader), '[object ReadableStreamBYOBReader]');
  assertEquals(Object.getOwnPropertyDescriptor(globalThis, 'ReadableStreamBYOBReader').enumerable, false);
}

export async function readFillsTheGivenBufferAndDetachesIt() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const buffer = new ArrayBuffer(8);
  const view = new Uint8Array(buffer, 2, 4);
  const read = reader.read(view);
  assertEquals(buffer.byteLength, 0, 'the view\'s buffer is transferred to the stream');
  const request = controller().byobRequest;
  assert(request instanceof ReadableStreamBYOBRequest);
  assertEquals(request.view.byteOffset, 2);
  assertEquals(request.view.byteLength, 4);
  request.view.set([1, 2, 3]);
  request.respond(3);
  assertEquals(request.view, null);
  assertEquals(controller().byobRequest, null);
  const { value, done } = await read;
  assertEquals(done, false);
  assert(value instanceof Uint8Array);
  assertEquals(value.byteOffset, 2);
  assertEquals(value.length, 3);
  assertEquals(value.buffer.byteLength, 8, 'the same memory comes back');
  assertDeepEquals(bytes(value), [1, 2, 3]);
}

export async function enqueueAnswersAPendingRead() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(4));
  controller().enqueue(new Uint8Array([1, 2, 3, 4, 5, 6]));
  const first = await read;
  assertDeepEquals(bytes(first.value), [1, 2, 3, 4]);
  // What did not fit stays queued for the next read.
  assertEquals(controller().desiredSize, -2);
  const second = await reader.read(new Uint8Array(10));
  assertDeepEquals(bytes(second.value), [5, 6]);
  assertEquals(second.value.length, 2);
}

export async function queuedBytesFillAReadAtOnce() {
  const { stream, controller } = byteSource();
  controller().enqueue(new Uint8Array([1, 2]));
  controller().enqueue(new Uint8Array([3, 4, 5]));
  const reader = stream.getReader({ mode: 'byob' });
  const { value } = await reader.read(new Uint8Array(4));
  assertDeepEquals(bytes(value), [1, 2, 3, 4], 'chunks are joined into one view');
  const rest = await reader.read(new Uint8Array(4));
  assertDeepEquals(bytes(rest.value), [5]);
}

export async function elementSizesKeepWholeElements() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  controller().enqueue(new Uint8Array([1, 0, 2, 0, 3]));
  const { value } = await reader.read(new Uint16Array(4));
  assert(value instanceof Uint16Array);
  assertEquals(value.length, 2, 'the odd byte waits for its partner');
  assertDeepEquals(bytes(value), [1, 0, 2, 0]);
  const pending = reader.read(new Uint16Array(1));
  controller().enqueue(new Uint8Array([0, 9]));
  const next = await pending;
  assertDeepEquals(bytes(next.value), [3, 0]);
  const dv = await reader.read(new DataView(new ArrayBuffer(4)));
  assert(dv.value instanceof DataView);
  assertEquals(dv.value.byteLength, 1);
  assertEquals(dv.value.getUint8(0), 9);
}

export async function respondWithPartialElementsWaitsForTheRest() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  let settled = false;
  const read = reader.read(new Uint32Array(2)).then((r) => { settled = true; return r; });
  controller().byobRequest.view.set([1, 2, 3]);
  controller().byobRequest.respond(3);
  await flush();
  assertEquals(settled, false, 'three bytes are no Uint32');
  const request = controller().byobRequest;
  assertEquals(request.view.byteOffset, 3);
  assertEquals(request.view.byteLength, 5);
  request.view.set([4, 5, 6, 7, 8]);
  request.respond(2);
  const { value } = await read;
  assertEquals(value.length, 1);
  assertDeepEquals(bytes(value), [1, 2, 3, 4]);
  // The byte past the last whole element is queued.
  const { value: rest } = await reader.read(new Uint8Array(4));
  assertDeepEquals(bytes(rest), [5]);
}

export async function minWaitsForThatManyElements() {
  let pulls = 0;
  const stream = new ReadableStream({
    type: 'bytes',
    pull(c) {
      pulls++;
      c.enqueue(new Uint8Array([pulls]));
    },
  });
  const reader = stream.getReader({ mode: 'byob' });
  const { value } = await reader.read(new Uint8Array(6), { min: 4 });
  assertEquals(value.length, 4);
  assertDeepEquals(bytes(value), [1, 2, 3, 4]);
  assertEquals(pulls, 4);
  const typed = await reader.read(new Uint16Array(3), { min: 2 });
  assertEquals(typed.value.length, 2);
}

export async function readArgumentsAreChecked() {
  const { stream } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  await assertRejects(reader.read(), TypeError);
  await assertRejects(reader.read(new ArrayBuffer(4)), TypeError);
  await assertRejects(reader.read(new Uint8Array(0)), TypeError);
  await assertRejects(reader.read(new Uint8Array(4), { min: 0 }), TypeError);
  await assertRejects(reader.read(new Uint8Array(4), { min: 5 }), RangeError);
  await assertRejects(reader.read(new Uint16Array(2), { min: 3 }), RangeError);
  await assertRejects(reader.read(new DataView(new ArrayBuffer(2)), { min: 3 }), RangeError);
  await assertRejects(reader.read(new Uint8Array(4), { min: -1 }), TypeError);
  const detached = new Uint8Array(4);
  detached.buffer.transfer();
  await assertRejects(reader.read(detached), TypeError);
  await assertRejects(ReadableStreamBYOBReader.prototype.read.call({}, new Uint8Array(1)), TypeError);
  reader.releaseLock();
  await assertRejects(reader.read(new Uint8Array(4)), TypeError);
}

export async function closeAnswersPendingReadsEmpty() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint16Array(2));
  controller().close();
  // The source still owes the pending request an answer: respond(0) on a closed stream.
  assertThrows(() => controller().byobRequest.respond(1), TypeError);
  controller().byobRequest.respond(0);
  const { value, done } = await read;
  assertEquals(done, true);
  assert(value instanceof Uint16Array);
  assertEquals(value.length, 0);
  assertEquals(value.buffer.byteLength, 4);
  await reader.closed;
  const after = await reader.read(new Uint8Array(3));
  assertEquals(after.done, true);
  assertEquals(after.value.length, 0);
  assertEquals(after.value.buffer.byteLength, 3);
}

export async function closeWithAPartialElementIsATypeError() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint16Array(2));
  controller().byobRequest.view[0] = 1;
  controller().byobRequest.respond(1);
  assertThrows(() => controller().close(), TypeError);
  await assertRejects(read, TypeError);
  await assertRejects(reader.closed, TypeError);
}

export async function closeRequestedWithTooFewQueuedBytesErrors() {
  const { stream, controller } = byteSource();
  controller().enqueue(new Uint8Array([1]));
  controller().close();
  const reader = stream.getReader({ mode: 'byob' });
  await assertRejects(reader.read(new Uint16Array(1)), TypeError);
  await assertRejects(reader.closed, TypeError);
}

export async function queuedBytesDrainBeforeClose() {
  const { stream, controller } = byteSource();
  controller().enqueue(new Uint8Array([1, 2, 3]));
  controller().close();
  const reader = stream.getReader({ mode: 'byob' });
  const first = await reader.read(new Uint8Array(2));
  assertDeepEquals([first.done, bytes(first.value)], [false, [1, 2]]);
  const second = await reader.read(new Uint8Array(2));
  assertDeepEquals([second.done, bytes(second.value)], [false, [3]]);
  const third = await reader.read(new Uint8Array(2));
  assertEquals(third.done, true);
}

export async function respondWithNewViewOnABYOBRead() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(8));
  const view = controller().byobRequest.view;
  assertThrows(() => controller().byobRequest.respondWithNewView(new Uint8Array(9)), RangeError);
  assertThrows(() => controller().byobRequest.respondWithNewView(new Uint8Array(view.buffer, 1, 2)), RangeError);
  const answer = new Uint8Array(view.buffer, 0, 2);
  answer.set([7, 8]);
  controller().byobRequest.respondWithNewView(answer);
  assertEquals(answer.buffer.byteLength, 0, 'the new view\'s buffer is transferred');
  const { value } = await read;
  assertDeepEquals(bytes(value), [7, 8]);
  assertEquals(controller().byobRequest, null);
}

export async function respondChecksItsArgument() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  reader.read(new Uint8Array(4));
  const request = controller().byobRequest;
  assertThrows(() => request.respond(5), RangeError);
  assertThrows(() => request.respond(0), TypeError);
  assertThrows(() => request.respond(-1), TypeError);
  assertThrows(() => request.respond(Infinity), TypeError);
  request.view.buffer.transfer();
  assertThrows(() => request.respond(1), TypeError);
}

export async function errorRejectsPendingReads() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(4));
  const boom = new SyntaxError('boom');
  controller().error(boom);
  assertEquals(await read.catch((e) => e), boom);
  assertEquals(await reader.closed.catch((e) => e), boom);
  assertEquals(await reader.read(new Uint8Array(1)).catch((e) => e), boom);
  assertEquals(controller().byobRequest, null);
}

export async function cancelAnswersPendingReadsDoneWithoutAView() {
  let reason;
  const stream = new ReadableStream({ type: 'bytes', cancel(r) { reason = r; } });
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(4));
  assertEquals(await reader.cancel('stop'), undefined);
  assertEquals(reason, 'stop');
  assertDeepEquals(await read, { value: undefined, done: true });
  await reader.closed;
}

export async function releaseLockRejectsPendingReads() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(4));
  reader.releaseLock();
  await assertRejects(read, TypeError);
  await assertRejects(reader.closed, TypeError);
  reader.releaseLock();
  // The request the source holds survives the reader: what it writes is queued.
  const request = controller().byobRequest;
  request.view.set([5, 6]);
  request.respond(2);
  const next = await stream.getReader().read();
  assertDeepEquals(bytes(next.value), [5, 6]);
}

export async function readsAreAnsweredInOrder() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader({ mode: 'byob' });
  const a = reader.read(new Uint8Array(2));
  const b = reader.read(new Uint8Array(3));
  controller().enqueue(new Uint8Array([1, 2, 3, 4]));
  assertDeepEquals(bytes((await a).value), [1, 2]);
  assertDeepEquals(bytes((await b).value), [3, 4]);
}

export async function defaultReadOfAByteStreamStillWorks() {
  const { stream, controller } = byteSource();
  const reader = stream.getReader();
  const read = reader.read();
  controller().enqueue(new Uint8Array([1, 2]));
  assertDeepEquals(bytes((await read).value), [1, 2]);
  controller().enqueue(new Uint16Array([3]));
  const { value } = await reader.read();
  assert(value instanceof Uint8Array, 'a default reader gets Uint8Arrays');
  assertEquals(value.length, 2);
}

export async function teeOfAByteStreamGivesByteStreams() {
  const stream = new ReadableStream({
    type: 'bytes',
    start(c) {
      c.enqueue(new Uint8Array([1, 2, 3]));
      c.enqueue(new Uint8Array([4]));
      c.close();
    },
  });
  const [a, b] = stream.tee();
  const byob = a.getReader({ mode: 'byob' });
  const first = await byob.read(new Uint8Array(2));
  assertDeepEquals(bytes(first.value), [1, 2]);
  const second = await byob.read(new Uint8Array(8));
  assertDeepEquals(bytes(second.value), [3]);
  const third = await byob.read(new Uint8Array(8));
  assertDeepEquals(bytes(third.value), [4]);
  const end = await byob.read(new Uint8Array(8));
  assertEquals(end.done, true);
  const reader = b.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(bytes(value));
  }
  assertDeepEquals(chunks, [[1, 2, 3], [4]]);
}

export async function teeBranchPendingBYOBReadEndsWithTheSource() {
  let controller;
  const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
  const [a, b] = stream.tee();
  const read = a.getReader({ mode: 'byob' }).read(new Uint8Array(4));
  await flush();
  controller.close();
  const { value, done } = await read;
  assertEquals(done, true);
  assertEquals(value.length, 0);
  assertEquals((await b.getReader().read()).done, true);
}

export async function responseBodyReadsWithABYOBReader() {
  const text = 'This is response\'s body';
  const reader = new Response(text).body.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(text.length);
  let offset = 3;
  while (offset < text.length) {
    const { done, value } = await reader.read(new Uint8Array(buffer, offset));
    if (done) break;
    buffer = value.buffer;
    offset += value.byteLength;
  }
  assertEquals(new TextDecoder().decode(new Uint8Array(buffer, 3)), text.slice(0, text.length - 3));
  assertDeepEquals(Array.from(new Uint8Array(buffer, 0, 3)), [0, 0, 0]);
}
