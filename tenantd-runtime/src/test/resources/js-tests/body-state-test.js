// A body's stream and its read methods share one state, as the Fetch Standard says:
// reading either way uses the body up for the other.
import { assert, assertEquals, assertRejects } from './assert.js';

function streamOf(...chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

export async function textLocksAndDisturbsTheBodyStream() {
  for (const make of [() => new Response('abc'), () => new Response(streamOf('a', 'bc')),
    () => new Request('https://x.example/', { method: 'POST', body: 'abc' })]) {
    const r = make();
    assertEquals(await r.text(), 'abc');
    assertEquals(r.bodyUsed, true);
    assertEquals(r.body.locked, true, 'the stream is locked after text()');
    await assertRejects(() => r.arrayBuffer(), TypeError);
  }
}

export async function theStreamReadFirstIsSeenByBodyUsed() {
  const r = new Response(streamOf('abc'));
  assertEquals(r.bodyUsed, false);
  const reader = r.body.getReader();
  assertEquals(r.bodyUsed, false, 'locking alone does not use the body');
  await reader.read();
  assertEquals(r.bodyUsed, true, 'a read through the stream uses the body');
  reader.releaseLock();
  await assertRejects(() => r.text(), TypeError);
}

export async function aBodyFromBytesReadThroughItsStreamIsUsed() {
  const r = new Response('abc');
  const reader = r.body.getReader();
  const { value } = await reader.read();
  assertEquals(new TextDecoder().decode(value), 'abc');
  assertEquals(r.bodyUsed, true);
}

export async function jsonAfterCancelIsATypeError() {
  const r = new Response('{"a":1}');
  await r.body.cancel();
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.json(), TypeError);
}

export async function pipeThroughUsesTheBody() {
  const r = new Response(streamOf('abc'));
  const out = r.body.pipeThrough(new TransformStream());
  assertEquals(await new Response(out).text(), 'abc');
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
}

export async function aCloneStaysReadableAfterTheOriginalIsRead() {
  const r = new Response('abc');
  const copy = r.clone();
  assertEquals(await r.text(), 'abc');
  assertEquals(copy.bodyUsed, false);
  assertEquals(await copy.text(), 'abc');
}

export function anAbortEventIsTrusted() {
  const controller = new AbortController();
  let trusted;
  controller.signal.addEventListener('abort', (event) => {
    trusted = event.isTrusted;
  });
  controller.abort();
  assertEquals(trusted, true);
  assertEquals(new Event('abort').isTrusted, false, 'an event a script makes is not trusted');
  assert(!Object.getOwnPropertyDescriptor(new Event('x'), 'isTrusted').configurable);
}
