import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

const URL_A = 'https://example.com/path?q=1';
const post = (body, init = {}) => new Request(URL_A, { method: 'POST', body, ...init });

function streamOf(...chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

export function defaults() {
  const r = new Request('https://EXAMPLE.com');
  assertEquals(r.url, 'https://example.com/');
  assertEquals(r.method, 'GET');
  assertDeepEquals([...r.headers], []);
  assertEquals(r.redirect, 'follow');
  assertEquals(r.cf, undefined);
  assertEquals(r.integrity, '');
  assertEquals(r.keepalive, false);
  assertEquals(r.body, null);
  assertEquals(r.bodyUsed, false);
  assert(r.signal instanceof AbortSignal, 'signal is an AbortSignal');
  assertEquals(r.signal.aborted, false);
  assertEquals(r.signal, r.signal);
  assertEquals(r.headers, r.headers);
  assertEquals(Object.prototype.toString.call(r), '[object Request]');
}

export function urlIsParsedAndKeepsFragment() {
  assertEquals(new Request('http://a.test/x/../y#frag').url, 'http://a.test/y#frag');
  assertEquals(new Request(new URL('https://b.test/p')).url, 'https://b.test/p');
  assertEquals(new Request({ toString: () => 'https://c.test' }).url, 'https://c.test/');
}

export function badUrlsThrow() {
  assertThrows(() => new Request('/relative'), TypeError);
  assertThrows(() => new Request('relative/path'), TypeError);
  assertThrows(() => new Request(''), TypeError);
  assertThrows(() => new Request('http://'), TypeError);
  assertThrows(() => new Request(), TypeError);
  assertThrows(() => Request('https://a.test'), TypeError);
}

export function badInitThrows() {
  assertThrows(() => new Request(URL_A, 5), TypeError);
  assertThrows(() => new Request(URL_A, 'GET'), TypeError);
  assertEquals(new Request(URL_A, null).method, 'GET');
  assertEquals(new Request(URL_A, undefined).method, 'GET');
}

export function methodsAreNormalized() {
  for (const m of ['delete', 'get', 'head', 'options', 'post', 'put', 'Post', 'pUt']) {
    assertEquals(new Request(URL_A, { method: m }).method, m.toUpperCase());
  }
  assertEquals(new Request(URL_A, { method: 'patch' }).method, 'patch');
  assertEquals(new Request(URL_A, { method: 'PATCH' }).method, 'PATCH');
  assertEquals(new Request(URL_A, { method: 'PROPFIND' }).method, 'PROPFIND');
}

export function forbiddenAndInvalidMethodsThrow() {
  for (const m of ['CONNECT', 'connect', 'TRACE', 'trace', 'TRACK', 'Track', '', 'GE T', 'GET\n', 'ä', 'a(b)']) {
    assertThrows(() => new Request(URL_A, { method: m }), TypeError);
  }
}

export function getAndHeadCannotHaveBody() {
  assertThrows(() => new Request(URL_A, { body: 'x' }), TypeError);
  assertThrows(() => new Request(URL_A, { method: 'GET', body: 'x' }), TypeError);
  assertThrows(() => new Request(URL_A, { method: 'head', body: new Uint8Array(1) }), TypeError);
  assertEquals(new Request(URL_A, { method: 'GET', body: null }).body, null);
  assertEquals(new Request(URL_A, { body: undefined }).body, null);
}

export function redirectEnum() {
  for (const r of ['follow', 'manual', 'error']) assertEquals(new Request(URL_A, { redirect: r }).redirect, r);
  assertThrows(() => new Request(URL_A, { redirect: 'FOLLOW' }), TypeError);
  assertThrows(() => new Request(URL_A, { redirect: 'nope' }), TypeError);
}

export function signalOption() {
  const controller = new AbortController();
  const r = new Request(URL_A, { signal: controller.signal });
  assertEquals(r.signal.aborted, false);
  controller.abort();
  assertEquals(r.signal.aborted, true);
  assertEquals(new Request(URL_A, { signal: null }).signal.aborted, false);
  assertThrows(() => new Request(URL_A, { signal: {} }), TypeError);
  assertThrows(() => new Request(URL_A, { signal: 'x' }), TypeError);
}

export function cfIsKeptAsGiven() {
  const cf = { cacheTtl: 5, nested: { a: 1 } };
  const r = new Request(URL_A, { cf });
  assertEquals(r.cf, cf);
  assertEquals(new Request(r).cf, cf);
  assertEquals(r.clone().cf, cf);
  assertEquals(new Request(r, { cf: { other: true } }).cf.other, true);
}

export function integrityOption() {
  assertEquals(new Request(URL_A, { integrity: 'sha256-abc' }).integrity, 'sha256-abc');
}

export function headersOption() {
  const r = new Request(URL_A, { headers: { 'X-A': '1' } });
  assertEquals(r.headers.get('x-a'), '1');
  r.headers.set('x-b', '2');
  assertEquals(r.headers.get('x-b'), '2');
  assertThrows(() => new Request(URL_A, { headers: { 'bad name': 'v' } }), TypeError);
  const source = new Headers({ a: 'b' });
  const r2 = new Request(URL_A, { headers: source });
  assert(r2.headers !== source);
  source.set('a', 'changed');
  assertEquals(r2.headers.get('a'), 'b');
}

export async function stringBody() {
  const r = post('héllo ☃');
  assertEquals(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assertEquals(await r.text(), 'héllo ☃');
}

export async function contentTypeNotOverridden() {
  const r = post('{}', { headers: { 'Content-Type': 'application/json' } });
  assertEquals(r.headers.get('content-type'), 'application/json');
  assertDeepEquals(await r.json(), {});
  const r2 = post(new Blob(['x'], { type: 'text/x' }), { headers: [['content-type', 'a/b']] });
  assertEquals(r2.headers.get('content-type'), 'a/b');
}

export async function bufferBodiesAreCopied() {
  const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
  const r = post(buffer);
  new Uint8Array(buffer)[0] = 99;
  assertEquals(r.headers.get('content-type'), null);
  assertDeepEquals(Array.from(await r.bytes()), [1, 2, 3, 4]);

  const big = new Uint8Array([9, 8, 7, 6, 5]);
  const view = big.subarray(1, 4);
  const r2 = post(view);
  big[2] = 0;
  assertDeepEquals(Array.from(await r2.bytes()), [8, 7, 6]);

  const r3 = post(new DataView(new Uint8Array([5, 6, 7]).buffer, 1));
  assertDeepEquals(Array.from(new Uint8Array(await r3.arrayBuffer())), [6, 7]);

  const r4 = post(new Uint16Array([0x0201]));
  assertDeepEquals(Array.from(await r4.bytes()), [1, 2]);
}

export async function blobBody() {
  const r = post(new Blob(['blob ', 'data'], { type: 'Text/Custom' }));
  assertEquals(r.headers.get('content-type'), 'text/custom');
  assertEquals(await r.text(), 'blob data');
  const r2 = post(new Blob(['x']));
  assertEquals(r2.headers.get('content-type'), null);
}

export async function streamBody() {
  const enc = new TextEncoder();
  const r = post(streamOf(enc.encode('ab'), enc.encode('cd')));
  assertEquals(r.headers.get('content-type'), null);
  assertEquals(r.bodyUsed, false);
  assertEquals(await r.text(), 'abcd');
  assertEquals(r.bodyUsed, true);
}

export function lockedStreamBodyThrows() {
  const stream = streamOf();
  stream.getReader();
  assertThrows(() => post(stream), TypeError);
}

export async function otherObjectsBecomeStrings() {
  const r = post({ toString: () => 'custom' });
  assertEquals(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assertEquals(await r.text(), 'custom');
  assertEquals(await post(42).text(), '42');
}

export async function readingTwiceThrows() {
  const r = post('x');
  assertEquals(await r.text(), 'x');
  assertEquals(r.bodyUsed, true);
  await assertRejects(r.text(), TypeError);
  await assertRejects(r.arrayBuffer(), TypeError);
  await assertRejects(r.json(), TypeError);
  await assertRejects(r.blob(), TypeError);
  await assertRejects(r.formData(), TypeError);
  await assertRejects(r.bytes(), TypeError);
}

export async function bodyUsedIsSetSynchronously() {
  const r = post('x');
  const promise = r.arrayBuffer();
  assertEquals(r.bodyUsed, true);
  await promise;
}

export async function nullBodyReadsAsEmpty() {
  const r = new Request(URL_A);
  assertEquals(await r.text(), '');
  assertEquals(r.bodyUsed, false);
  assertEquals((await r.arrayBuffer()).byteLength, 0);
  await assertRejects(r.json(), SyntaxError);
}

export async function bodyMethods() {
  const json = post('{"a":[1,2]}');
  assertDeepEquals(await json.json(), { a: [1, 2] });
  const bad = post('{nope');
  await assertRejects(bad.json(), SyntaxError);
  const ab = await post('abc').arrayBuffer();
  assert(ab instanceof ArrayBuffer, 'an ArrayBuffer of this realm');
  assertDeepEquals(Array.from(new Uint8Array(ab)), [97, 98, 99]);
  const bytes = await post('abc').bytes();
  assert(bytes instanceof Uint8Array, 'a Uint8Array of this realm');
  assertDeepEquals(Array.from(bytes), [97, 98, 99]);
  const blob = await post('abc', { headers: { 'content-type': 'text/x' } }).blob();
  assert(blob instanceof Blob);
  assertEquals(blob.type, 'text/x');
  assertEquals(await blob.text(), 'abc');
}

export async function bytesAreFreshCopies() {
  const r = post('abc');
  const clone = r.clone();
  const bytes = await r.bytes();
  bytes[0] = 0;
  assertEquals(await clone.text(), 'abc');
}

export async function textStripsBomAndReplacesInvalid() {
  assertEquals(await post(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0x69])).text(), 'hi');
  assertEquals(await post(new Uint8Array([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF])).text(), '\uFEFF');
  assertEquals(await post(new Uint8Array([0x61, 0xFF, 0x62])).text(), 'a\uFFFDb');
  assertDeepEquals(await post(new Uint8Array([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])).json(), {});
}

export async function bodyStreamIsLazyAndStable() {
  const r = post('stream me');
  const body = r.body;
  assert(body instanceof ReadableStream);
  assertEquals(r.body, body);
  assertEquals(r.bodyUsed, false);
  const reader = body.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(...value);
  }
  assertEquals(new TextDecoder().decode(new Uint8Array(chunks)), 'stream me');
  assertEquals(r.bodyUsed, true);
  await assertRejects(r.text(), TypeError);
}

export async function lockedBodyRejects() {
  const r = post('x');
  r.body.getReader();
  assertEquals(r.bodyUsed, false);
  await assertRejects(r.text(), TypeError);
  assertThrows(() => r.clone(), TypeError);
}

export async function readingLocksAnExposedStream() {
  const r = post('x');
  const body = r.body;
  assertEquals(await r.text(), 'x');
  assert(body.locked, 'the stream is locked after the body is read');
}

export async function nonByteChunksReject() {
  const r = post(streamOf('a string chunk'));
  await assertRejects(r.text(), TypeError);
}

export async function erroringStreamRejects() {
  const boom = new RangeError('boom');
  const stream = new ReadableStream({
    pull(controller) {
      controller.error(boom);
    },
  });
  const error = await assertRejects(post(stream).text(), RangeError);
  assertEquals(error, boom);
}

export async function requestFromRequest() {
  const original = post('payload', { headers: { 'x-a': '1' }, redirect: 'manual' });
  const copy = new Request(original);
  assertEquals(copy.url, URL_A);
  assertEquals(copy.method, 'POST');
  assertEquals(copy.redirect, 'manual');
  assertEquals(copy.headers.get('x-a'), '1');
  assert(copy.headers !== original.headers);
  copy.headers.set('x-a', '2');
  assertEquals(original.headers.get('x-a'), '1');
  assertEquals(original.bodyUsed, true, 'the body moves to the new request');
  assertEquals(await copy.text(), 'payload');
  await assertRejects(original.text(), TypeError);
}

export async function requestFromRequestWithInit() {
  const original = post('payload', { headers: { 'x-a': '1' } });
  const copy = new Request(original, { method: 'PUT', headers: { 'x-b': '2' }, body: 'other' });
  assertEquals(copy.method, 'PUT');
  assertEquals(copy.headers.get('x-a'), null);
  assertEquals(copy.headers.get('x-b'), '2');
  assertEquals(await copy.text(), 'other');
  assertEquals(original.bodyUsed, false);
  assertEquals(await original.text(), 'payload');

  const redirected = new Request(new Request(URL_A), { redirect: 'error' });
  assertEquals(redirected.url, URL_A);
  assertEquals(redirected.redirect, 'error');
}

export function requestFromUsedRequestThrows() {
  const original = post('x');
  original.text();
  assertThrows(() => new Request(original), TypeError);
  // A new body from init is fine even then.
  assertEquals(new Request(original, { body: 'y' }).method, 'POST');
  // So is a request with no body at all.
  const get = new Request(URL_A);
  assertEquals(new Request(get).method, 'GET');
}

export function requestFromRequestChangingToGetThrows() {
  const original = post('x');
  assertThrows(() => new Request(original, { method: 'GET' }), TypeError);
  assertEquals(original.bodyUsed, false);
}

export function headersFromImmutableSourceAreMutable() {
  const redirect = Response.redirect('https://example.com/');
  const r = new Request(URL_A, { headers: redirect.headers });
  r.headers.set('x', 'y');
  assertEquals(r.headers.get('location'), 'https://example.com/');
}

export async function cloneReadsIndependently() {
  const r = post('clone me', { headers: { 'x-a': '1' }, cf: { a: 1 }, redirect: 'manual' });
  const c = r.clone();
  assert(c !== r);
  assertEquals(c.url, r.url);
  assertEquals(c.method, 'POST');
  assertEquals(c.redirect, 'manual');
  assertEquals(c.headers.get('x-a'), '1');
  assert(c.headers !== r.headers);
  c.headers.set('x-a', '2');
  assertEquals(r.headers.get('x-a'), '1');
  assertEquals(await c.text(), 'clone me');
  assertEquals(r.bodyUsed, false);
  assertEquals(await r.text(), 'clone me');
}

export async function cloneTeesStreams() {
  const enc = new TextEncoder();
  const r = post(streamOf(enc.encode('one '), enc.encode('two')));
  const c = r.clone();
  const [a, b] = await Promise.all([r.text(), c.text()]);
  assertEquals(a, 'one two');
  assertEquals(b, 'one two');
}

export async function cloneOfUsedThrows() {
  const r = post('x');
  await r.text();
  assertThrows(() => r.clone(), TypeError);
}

export async function passingBodyStreamShares() {
  const r = post('through');
  const response = new Response(r.body);
  assertEquals(r.bodyUsed, false);
  assertEquals(await response.text(), 'through');
  assertEquals(r.bodyUsed, true);
  assertEquals(response.bodyUsed, true);
  await assertRejects(r.text(), TypeError);
}

export async function usedStreamCannotBecomeABody() {
  const r = post('x');
  const body = r.body;
  await r.text();
  assertThrows(() => new Response(body), TypeError);
}

export async function brandChecks() {
  await assertRejects(Request.prototype.text.call({}), TypeError);
  await assertRejects(Request.prototype.arrayBuffer.call(new Response('x')), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(Request.prototype, 'url').get.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(Request.prototype, 'body').get.call({}), TypeError);
  assertThrows(() => Request.prototype.clone.call({}), TypeError);
  assert(Request.prototype.text !== Response.prototype.text);
}

export function interfaceShape() {
  assertEquals(Request.length, 1);
  assertEquals(Object.getOwnPropertyDescriptor(globalThis, 'Request').enumerable, false);
  for (const name of ['method', 'url', 'headers', 'redirect', 'signal', 'cf', 'body', 'bodyUsed']) {
    assertEquals(typeof Object.getOwnPropertyDescriptor(Request.prototype, name).get, 'function', name);
  }
  for (const name of ['arrayBuffer', 'bytes', 'text', 'json', 'formData', 'blob', 'clone']) {
    assertEquals(typeof Request.prototype[name], 'function', name);
  }
}

export async function requestAsInitOfNewRequest() {
  // The common Workers idiom for rewriting a URL: new Request(newUrl, request).
  const original = post('forwarded', { headers: { 'x-a': '1' }, redirect: 'manual', cf: { c: 1 } });
  const rewritten = new Request('https://other.test/new', original);
  assertEquals(rewritten.url, 'https://other.test/new');
  assertEquals(rewritten.method, 'POST');
  assertEquals(rewritten.redirect, 'manual');
  assertEquals(rewritten.cf.c, 1);
  assertEquals(rewritten.headers.get('x-a'), '1');
  assertEquals(rewritten.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assertEquals(original.bodyUsed, false);
  assertEquals(await rewritten.text(), 'forwarded');
  assertEquals(original.bodyUsed, true);

  const get = new Request('https://other.test/', new Request(URL_A, { headers: { a: 'b' } }));
  assertEquals(get.method, 'GET');
  assertEquals(get.body, null);
  assertEquals(get.headers.get('a'), 'b');
}

export async function cacheModeNoStoreIsKeptAndOtherModesAreRefused() {
  assertEquals(new Request('http://x/').cache, undefined);
  const noStore = new Request('http://x/', { cache: 'no-store' });
  assertEquals(noStore.cache, 'no-store');
  assertEquals(noStore.clone().cache, 'no-store');
  assertEquals(new Request(noStore).cache, 'no-store');
  for (const mode of ['default', 'no-cache', 'force-cache', 'only-if-cached', 'reload', 'bogus']) {
    let error;
    try { new Request('http://x/', { cache: mode }); } catch (e) { error = e; }
    assert(error instanceof TypeError, mode);
    assertEquals(error.message, `Unsupported cache mode: ${mode}`);
  }
  let rejected;
  try { await fetch('http://x/', { cache: 'force-cache' }); } catch (e) { rejected = e; }
  assertEquals(rejected?.message, 'Unsupported cache mode: force-cache');
}
