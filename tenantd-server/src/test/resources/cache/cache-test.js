// The Cache API in a real isolate against the server's real cache. Each exported test
// uses URLs of its own; the server's largest cacheable response is 64 KiB here.

function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
}

function equal(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function rejects(promise, Type, text, what) {
  try {
    await promise;
  } catch (e) {
    check(e instanceof Type, `${what}: ${e} is a ${Type.name}`);
    check(String(e.message).includes(text), `${what}: '${e.message}' mentions '${text}'`);
    return;
  }
  throw new Error(`${what}: did not reject`);
}

const cached = (body, headers = {}) => new Response(body, { headers: { 'cache-control': 'max-age=600', ...headers } });

export async function the_globals_are_there_and_cannot_be_constructed() {
  check(caches instanceof CacheStorage, 'caches is a CacheStorage');
  check(caches.default instanceof Cache, 'caches.default is a Cache');
  equal(caches.default, caches.default, 'caches.default is one object');
  check((await caches.open('x')) instanceof Cache, 'open() gives a Cache');
  let threw = false;
  try { new Cache(); } catch (e) { threw = e instanceof TypeError; }
  check(threw, 'new Cache() throws a TypeError');
}

export async function put_then_match_is_a_hit_and_a_miss_is_undefined() {
  const cache = caches.default;
  const url = 'https://cache.test/hit';
  equal(await cache.match(url), undefined, 'before put');
  await cache.put(url, cached('hello', { 'content-type': 'text/plain', etag: '"e1"' }));
  const hit = await cache.match(new Request(url));
  check(hit instanceof Response, 'a Response');
  equal(hit.status, 200, 'status');
  equal(await hit.text(), 'hello', 'body');
  equal(hit.headers.get('cf-cache-status'), 'HIT', 'CF-Cache-Status');
  equal(hit.headers.get('content-type'), 'text/plain', 'stored header');
  equal(await cache.match('https://cache.test/hit?other'), undefined, 'another URL');
}

export async function put_replaces_and_reads_the_response_body() {
  const cache = await caches.open('replace');
  const url = 'https://cache.test/replace';
  await cache.put(url, cached('one'));
  const response = cached('two');
  await cache.put(url, response);
  check(response.bodyUsed, 'put consumes the body');
  equal(await (await cache.match(url)).text(), 'two', 'the newer response');
}

export async function only_get_is_matched_or_deleted_unless_ignoreMethod() {
  const cache = await caches.open('methods');
  const url = 'https://cache.test/methods';
  await cache.put(url, cached('m'));
  const post = new Request(url, { method: 'POST' });
  equal(await cache.match(post), undefined, 'POST match');
  equal(await (await cache.match(post, { ignoreMethod: true })).text(), 'm', 'POST match with ignoreMethod');
  equal(await cache.delete(post), false, 'POST delete');
  equal(await cache.delete(post, { ignoreMethod: true }), true, 'POST delete with ignoreMethod');
  equal(await cache.match(url), undefined, 'deleted');
  equal(await cache.delete(url), false, 'deleting again');
}

export async function named_caches_are_separate_from_each_other_and_from_the_default() {
  const url = 'https://cache.test/separate';
  await (await caches.open('a')).put(url, cached('in a'));
  equal(await (await caches.open('b')).match(url), undefined, 'cache b');
  equal(await caches.default.match(url), undefined, 'the default cache');
  equal(await (await caches.open('')).match(url), undefined, 'the cache named ""');
  equal(await (await (await caches.open('a')).match(url)).text(), 'in a', 'cache a, opened again');
}

export async function bad_puts_are_refused_with_workers_errors() {
  const cache = caches.default;
  await rejects(cache.put(new Request('https://cache.test/bad', { method: 'POST' }), cached('x')), TypeError,
    'Cannot cache response to non-GET request.', 'POST');
  await rejects(cache.put('https://cache.test/bad', new Response('x', { status: 206 })), TypeError,
    'Cannot cache response to a range request (206 Partial Content).', '206');
  await rejects(cache.put('https://cache.test/bad', cached('x', { vary: 'Accept, *' })), TypeError,
    "Cannot cache response with 'Vary: *' header.", 'Vary: *');
  await rejects(cache.put('https://cache.test/bad', Response.error()), TypeError,
    'Cache is unable to store an error response', 'Response.error()');
  await rejects(cache.put('https://cache.test/bad', 'not a response'), TypeError, 'Response', 'a string');
  await rejects(cache.put('not a url', cached('x')), TypeError, '', 'a relative URL');
  await rejects(cache.put('https://cache.test/big', cached(new Uint8Array(64 * 1024 + 1))), TypeError,
    'at most 65536 bytes', 'a body over the limit');
  await rejects(caches.open('n'.repeat(1024)), TypeError, 'Cache name is too long.', 'a long cache name');
  equal(await cache.match('https://cache.test/bad'), undefined, 'nothing was stored');
  await cache.put('https://cache.test/just-fits', cached(new Uint8Array(64 * 1024)));
  equal((await (await cache.match('https://cache.test/just-fits')).arrayBuffer()).byteLength, 64 * 1024, 'at the limit');
}

export async function headers_decide_what_is_kept() {
  const cache = await caches.open('policy');
  const put = async (path, response) => { await cache.put(`https://cache.test/${path}`, response); };
  const body = async (path) => { const r = await cache.match(`https://cache.test/${path}`); return r && await r.text(); };
  await put('no-store', new Response('x', { headers: { 'cache-control': 'no-store' } }));
  await put('private', new Response('x', { headers: { 'cache-control': 'private, max-age=60' } }));
  await put('cookie', cached('x', { 'set-cookie': 'session=1' }));
  await put('cookie-private', new Response('kept', {
    headers: { 'cache-control': 'max-age=60, private=Set-Cookie', 'set-cookie': 'session=1' },
  }));
  await put('expired', new Response('x', { headers: { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' } }));
  await put('default-ttl', new Response('two hours'));
  await put('teapot', new Response('x', { status: 418 }));
  await put('not-modified', new Response(null, { status: 304, headers: { 'cache-control': 'max-age=60' } }));
  equal(await body('no-store'), undefined, 'no-store');
  equal(await body('private'), undefined, 'private');
  equal(await body('cookie'), undefined, 'Set-Cookie');
  equal(await body('cookie-private'), 'kept', 'private=Set-Cookie');
  equal((await cache.match('https://cache.test/cookie-private')).headers.get('set-cookie'), null, 'Set-Cookie dropped');
  equal(await body('expired'), undefined, 'Expires in the past');
  equal(await body('default-ttl'), 'two hours', 'a 200 without directives');
  equal(await body('teapot'), undefined, 'a 418 without directives');
  equal(await body('not-modified'), undefined, 'a 304');
}

export async function vary_keeps_an_entry_for_the_request_values_it_names() {
  const cache = await caches.open('vary');
  const url = 'https://cache.test/vary';
  await cache.put(new Request(url, { headers: { 'accept-language': 'de' } }), cached('Hallo', { vary: 'Accept-Language' }));
  equal(await (await cache.match(new Request(url, { headers: { 'Accept-Language': 'de' } }))).text(), 'Hallo', 'same');
  equal(await cache.match(new Request(url, { headers: { 'accept-language': 'fr' } })), undefined, 'other value');
  equal(await cache.match(url), undefined, 'no value');
}

export async function conditional_and_range_requests_are_answered_from_the_entry() {
  const cache = await caches.open('conditional');
  const url = 'https://cache.test/conditional';
  await cache.put(url, cached('0123456789', { etag: '"v1"', 'last-modified': 'Wed, 31 Dec 2025 12:00:00 GMT' }));
  const notModified = await cache.match(new Request(url, { headers: { 'if-none-match': '"v1"' } }));
  equal(notModified.status, 304, 'If-None-Match');
  equal(notModified.body, null, 'a 304 has no body');
  equal(notModified.headers.get('etag'), '"v1"', 'the 304 carries the ETag');
  equal((await cache.match(new Request(url, { headers: { 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' } }))).status,
    304, 'If-Modified-Since');
  const part = await cache.match(new Request(url, { headers: { range: 'bytes=2-4' } }));
  equal(part.status, 206, 'Range');
  equal(await part.text(), '234', 'the range');
  equal(part.headers.get('content-range'), 'bytes 2-4/10', 'Content-Range');
  equal((await cache.match(new Request(url, { headers: { range: 'bytes=20-' } }))).status, 416, 'unsatisfiable');
}

export async function binary_bodies_and_statuses_round_trip() {
  const cache = await caches.open('binary');
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  await cache.put('https://cache.test/binary', new Response(bytes, {
    status: 404, statusText: 'Gone Fishing', headers: { 'cache-control': 'max-age=60' },
  }));
  const hit = await cache.match('https://cache.test/binary');
  equal(hit.status, 404, 'status');
  equal(hit.statusText, 'Gone Fishing', 'status text');
  const back = new Uint8Array(await hit.arrayBuffer());
  equal(back.length, 256, 'length');
  for (let i = 0; i < 256; i++) equal(back[i], i, `byte ${i}`);
}
