import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

function streamOf(...chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function readAll(stream) {
  const reader = stream.getReader();
  const out = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(...value);
  }
}

export function defaults() {
  const r = new Response();
  assertEquals(r.status, 200);
  assertEquals(r.ok, true);
  assertEquals(r.statusText, '');
  assertEquals(r.type, 'default');
  assertEquals(r.url, '');
  assertEquals(r.redirected, false);
  assertEquals(r.body, null);
  assertEquals(r.bodyUsed, false);
  assertEquals(r.webSocket, null);
  assertEquals(r.cf, undefined);
  assertDeepEquals([...r.headers], []);
  assertEquals(r.headers, r.headers);
  assertEquals(Object.prototype.toString.call(r), '[object Response]');
  assertEquals(new Response(null).body, null);
  assertEquals(new Response(undefined, undefined).status, 200);
  assertEquals(new Response(null, null).status, 200);
}

export function statusAndStatusText() {
  const r = new Response('x', { status: 404, statusText: 'Not Found' });
  assertEquals(r.status, 404);
  assertEquals(r.ok, false);
  assertEquals(r.statusText, 'Not Found');
  assertEquals(new Response(null, { status: 299 }).ok, true);
  assertEquals(new Response(null, { status: 300 }).ok, false);
  assertEquals(new Response(null, { status: 599 }).status, 599);
  assertEquals(new Response(null, { status: '201' }).status, 201);
  assertEquals(new Response(null, { status: 200.9 }).status, 200);
  // Web IDL unsigned short wraps modulo 2^16.
  assertEquals(new Response(null, { status: 65536 + 200 }).status, 200);
  assertEquals(new Response(null, { statusText: 'caf\u00e9\tok' }).statusText, 'caf\u00e9\tok');
}

export function statusOutOfRangeIsRangeError() {
  for (const status of [0, 100, 102, 199, 600, 999, -1, NaN, 65535]) {
    assertThrows(() => new Response(null, { status }), RangeError);
  }
}

export function status101IsAllowedForWebSockets() {
  const r = new Response(null, { status: 101 });
  assertEquals(r.status, 101);
  assertEquals(r.ok, false);
}

export function badStatusTextThrows() {
  for (const statusText of ['a\nb', 'a\rb', '\0', '\u0100', 'x\u007F']) {
    assertThrows(() => new Response(null, { statusText }), TypeError);
  }
}

export function nullBodyStatusesRejectBodies() {
  for (const status of [101, 204, 205, 304]) {
    assertThrows(() => new Response('x', { status }), TypeError);
    assertThrows(() => new Response('', { status }), TypeError);
    assertEquals(new Response(null, { status }).body, null);
  }
}

export function badInitThrows() {
  assertThrows(() => new Response(null, 5), TypeError);
  assertThrows(() => new Response(null, { headers: 'x' }), TypeError);
  assertThrows(() => Response(), TypeError);
}

export async function bodyTypesAndContentTypes() {
  const cases = [
    ['text', 'text/plain;charset=UTF-8', 'text'],
    [new Uint8Array([104, 105]), null, 'hi'],
    [new Uint8Array([104, 105]).buffer, null, 'hi'],
    [new Blob(['blob'], { type: 'image/svg+xml' }), 'image/svg+xml', 'blob'],
    [new URLSearchParams('a=1&b= 2'), 'application/x-www-form-urlencoded;charset=UTF-8', 'a=1&b=+2'],
    [streamOf(new Uint8Array([115])), null, 's'],
  ];
  for (const [body, type, text] of cases) {
    const r = new Response(body);
    assertEquals(r.headers.get('content-type'), type);
    assertEquals(await r.text(), text);
  }
}

export async function initHeadersKeepTheirContentType() {
  const r = new Response('<p>', { headers: { 'Content-Type': 'text/html' } });
  assertEquals(r.headers.get('content-type'), 'text/html');
  assertEquals(await r.text(), '<p>');
}

export async function headersAreMutable() {
  const r = new Response('x', { headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']] });
  r.headers.append('x-extra', 'y');
  assertDeepEquals(r.headers.getSetCookie(), ['a=1', 'b=2']);
  assertEquals(r.headers.get('x-extra'), 'y');
}

export async function readMethods() {
  assertDeepEquals(await new Response('[1,"two",{"x":null}]').json(), [1, 'two', { x: null }]);
  await assertRejects(new Response('not json').json(), SyntaxError);
  await assertRejects(new Response('').json(), SyntaxError);
  const ab = await new Response('abc').arrayBuffer();
  assert(ab instanceof ArrayBuffer);
  assertEquals(ab.byteLength, 3);
  const bytes = await new Response(new Uint8Array([1, 2, 3])).bytes();
  assert(bytes instanceof Uint8Array);
  assertDeepEquals(Array.from(bytes), [1, 2, 3]);
  const blob = await new Response('hey', { headers: { 'content-type': 'text/x-hey' } }).blob();
  assertEquals(blob.type, 'text/x-hey');
  assertEquals(blob.size, 3);
  assertEquals((await new Response('hey').blob()).type, 'text/plain;charset=utf-8');
  assertEquals((await new Response(new Uint8Array(2)).blob()).type, '');
}

export async function readingTwiceThrows() {
  const r = new Response('once');
  await r.text();
  assertEquals(r.bodyUsed, true);
  const error = await assertRejects(r.text(), TypeError);
  assert(/already been used/.test(error.message), error.message);
  await assertRejects(r.arrayBuffer(), TypeError);
}

export async function emptyBodyIsNotNull() {
  const r = new Response('');
  assert(r.body !== null, 'an empty body is still a body');
  assertDeepEquals(await readAll(r.body), []);
  assertEquals(r.bodyUsed, true);
}

export async function bodyStreamReads() {
  const r = new Response('streamed');
  assertDeepEquals(await readAll(r.body), Array.from(new TextEncoder().encode('streamed')));
  assertEquals(r.bodyUsed, true);
  await assertRejects(r.text(), TypeError);
}

export async function cancelledBodyIsUsed() {
  const r = new Response('x');
  await r.body.cancel();
  assertEquals(r.bodyUsed, true);
  await assertRejects(r.text(), TypeError);
}

export async function blobBodyStreams() {
  const r = new Response(new Blob(['from ', 'blob']));
  assertEquals(new TextDecoder().decode(new Uint8Array(await readAll(r.body))), 'from blob');
}

export async function streamedBodyConcatenatesChunks() {
  const enc = new TextEncoder();
  const r = new Response(streamOf(enc.encode('a'), new Uint8Array(0), enc.encode('☃')));
  assertEquals(await r.text(), 'a☃');
}

export async function streamBodyKeepsIdentity() {
  const stream = streamOf(new Uint8Array([1]));
  const r = new Response(stream);
  assertEquals(r.body, stream);
}

export async function nonByteChunkRejects() {
  await assertRejects(new Response(streamOf(new Uint8Array([1]), 'two')).text(), TypeError);
  await assertRejects(new Response(streamOf({})).arrayBuffer(), TypeError);
}

export async function cloneIsIndependent() {
  const r = new Response('clone', { status: 201, statusText: 'Created', headers: { a: 'b' } });
  const c = r.clone();
  assertEquals(c.status, 201);
  assertEquals(c.statusText, 'Created');
  assertEquals(c.type, 'default');
  assertEquals(c.headers.get('a'), 'b');
  assert(c.headers !== r.headers);
  assertEquals(await c.text(), 'clone');
  assertEquals(await r.text(), 'clone');
}

export async function cloneTeesStream() {
  const enc = new TextEncoder();
  const r = new Response(streamOf(enc.encode('x'), enc.encode('y')));
  const c = r.clone();
  assertEquals(await c.text(), 'xy');
  assertEquals(await r.text(), 'xy');
}

export async function cloneAfterReadThrows() {
  const r = new Response('x');
  await r.text();
  assertThrows(() => r.clone(), TypeError);
  const locked = new Response('x');
  locked.body.getReader();
  assertThrows(() => locked.clone(), TypeError);
}

export function cloneKeepsImmutableHeaders() {
  const c = Response.redirect('https://a.test/').clone();
  assertThrows(() => c.headers.set('x', 'y'), TypeError);
}

export async function errorResponse() {
  const r = Response.error();
  assertEquals(r.type, 'error');
  assertEquals(r.status, 0);
  assertEquals(r.ok, false);
  assertEquals(r.statusText, '');
  assertEquals(r.body, null);
  assertEquals(r.url, '');
  assertThrows(() => r.headers.set('a', 'b'), TypeError);
  assertEquals(r.clone().type, 'error');
}

export function redirectResponse() {
  const r = Response.redirect('https://example.com/a b?x=1');
  assertEquals(r.status, 302);
  assertEquals(r.headers.get('location'), 'https://example.com/a%20b?x=1');
  assertEquals(r.body, null);
  assertEquals(r.type, 'default');
  for (const status of [301, 302, 303, 307, 308]) {
    assertEquals(Response.redirect('https://example.com/', status).status, status);
  }
  assertEquals(Response.redirect(new URL('http://b.test')).headers.get('location'), 'http://b.test/');
}

export function redirectErrors() {
  for (const status of [200, 300, 304, 306, 309, 400]) {
    assertThrows(() => Response.redirect('https://example.com/', status), RangeError);
  }
  assertThrows(() => Response.redirect('/relative'), TypeError);
  assertThrows(() => Response.redirect('not a url'), TypeError);
  assertThrows(() => Response.redirect(), TypeError);
}

export async function jsonResponse() {
  const r = Response.json({ a: 1, b: [true, null] });
  assertEquals(r.status, 200);
  assertEquals(r.headers.get('content-type'), 'application/json');
  assertEquals(await r.text(), '{"a":1,"b":[true,null]}');
  const r2 = Response.json('str', { status: 418, statusText: 'Teapot', headers: { 'x-a': '1' } });
  assertEquals(r2.status, 418);
  assertEquals(r2.statusText, 'Teapot');
  assertEquals(r2.headers.get('x-a'), '1');
  assertDeepEquals(await r2.json(), 'str');
  const r3 = Response.json(null, { headers: { 'Content-Type': 'application/vnd.api+json' } });
  assertEquals(r3.headers.get('content-type'), 'application/vnd.api+json');
  assertEquals(await r3.text(), 'null');
  r3.headers.set('x', 'mutable');
}

export async function jsonResponseErrors() {
  assertThrows(() => Response.json(undefined), TypeError);
  assertThrows(() => Response.json(Symbol('s')), TypeError);
  assertThrows(() => Response.json(() => 1), TypeError);
  assertThrows(() => Response.json(1n), TypeError);
  assertThrows(() => Response.json({}, { status: 204 }), TypeError);
  assertThrows(() => Response.json({}, { status: 700 }), RangeError);
  const cyclic = {};
  cyclic.self = cyclic;
  assertThrows(() => Response.json(cyclic), TypeError);
  assertThrows(() => Response.json(), TypeError);
}

export async function formDataBody() {
  const fd = new FormData();
  fd.append('k', 'v');
  const r = new Response(fd);
  assert(r.headers.get('content-type').startsWith('multipart/form-data; boundary='));
  assertEquals((await r.formData()).get('k'), 'v');
}

export async function passThroughAnotherResponseBody() {
  const upstream = new Response('proxied', { headers: { 'content-type': 'text/x' } });
  const r = new Response(upstream.body, upstream);
  assertEquals(r.headers.get('content-type'), 'text/x');
  assertEquals(r.status, 200);
  assertEquals(await r.text(), 'proxied');
  assertEquals(upstream.bodyUsed, true);
}

export async function brandChecks() {
  await assertRejects(Response.prototype.json.call({}), TypeError);
  await assertRejects(Response.prototype.text.call(new Request('https://a.test')), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(Response.prototype, 'status').get.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(Response.prototype, 'bodyUsed').get.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(Response.prototype, 'webSocket').get.call({}), TypeError);
}

export function interfaceShape() {
  assertEquals(Response.length, 0);
  assertEquals(Response.redirect.length, 1);
  assertEquals(Response.json.length, 1);
  assertEquals(Object.getOwnPropertyDescriptor(globalThis, 'Response').enumerable, false);
  for (const name of ['type', 'url', 'redirected', 'status', 'ok', 'statusText', 'headers', 'body', 'bodyUsed', 'webSocket']) {
    assertEquals(typeof Object.getOwnPropertyDescriptor(Response.prototype, name).get, 'function', name);
  }
}

export async function subclassesWork() {
  class MyResponse extends Response {
    get extra() {
      return this.status;
    }
  }
  const r = new MyResponse('sub', { status: 202 });
  assertEquals(r.extra, 202);
  assertEquals(await r.text(), 'sub');
}

export async function aDisturbedStreamIsNoBody() {
  const stream = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array()) });
  const reader = stream.getReader();
  await reader.read();
  reader.releaseLock();
  assertThrows(() => new Response(stream), TypeError);
  const untouched = new ReadableStream({ start: (c) => { c.enqueue(new Uint8Array([104, 105])); c.close(); } });
  assertEquals(await new Response(untouched).text(), 'hi');
}

export async function bufferBodiesByTheirSlotWhereverTheirPrototype() {
  const buffer = Object.setPrototypeOf(new Uint8Array([104, 105]).buffer, null);
  assertEquals(await new Response(buffer).text(), 'hi');
  assertEquals(new TextDecoder().decode(buffer), 'hi');
}
