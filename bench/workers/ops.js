// Common runtime operations for bench/ops.mjs, the same code on tenantd and workerd.
// GET /?op=NAME&n=N performs operation NAME N times in this one request and answers with
// a count the results add up to, so none of them can be left undone.
const bytes32 = new Uint8Array(32).map((_, i) => i * 7);
const order = { id: 4711, customer: 'c-19', items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }], paid: true };
const orderJson = JSON.stringify(order);
const kilobyte = new Uint8Array(1024).fill(97);
const kilobyteText = 'a'.repeat(1024);
const tenHeaders = new Headers(Array.from({ length: 10 }, (_, i) => [`x-header-${i}`, `value ${i}`]));
let hmacKey;
let hmacSignature;

const OPS = {
  json: () => JSON.parse(JSON.stringify(order)).items.length,
  responseText: () => (new Response('hello world').status === 200 ? 1 : 0),
  responseBytes: () => (new Response(bytes32).status === 200 ? 1 : 0),
  uint8Alloc: () => new Uint8Array(32).length,
  uint8Copy: () => new Uint8Array(bytes32).length,
  uint8FromArray: () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).length,
  blob: () => new Blob([bytes32]).size,
  textCodec: () => new TextDecoder().decode(new TextEncoder().encode('hello world')).length,
  headers: () => (new Headers({ 'content-type': 'application/json', 'x-id': '7', accept: '*/*' }).get('x-id') === '7' ? 1 : 0),
  url: () => new URL('https://shop.example.com/api/orders?id=4711&sort=asc').searchParams.get('id').length,
  structuredClone: () => structuredClone(order).items.length,
  randomValues: () => crypto.getRandomValues(new Uint8Array(16)).length,
  digest: async () => (await crypto.subtle.digest('SHA-256', bytes32)).byteLength,
  hmac: async () => (await crypto.subtle.sign('HMAC', hmacKey, bytes32)).byteLength,
  streamRead: async () => {
    let left = 16;
    const stream = new ReadableStream({ pull(c) { if (left-- > 0) c.enqueue(kilobyte); else c.close(); } });
    return (await new Response(stream).arrayBuffer()).byteLength;
  },
  pipeThrough: async () => (await new Response(new Response(kilobyteText).body.pipeThrough(new TransformStream())).text()).length,
  responseClone: async () => {
    const response = new Response('hello world');
    const copy = response.clone();
    return (await copy.text()).length + (await response.text()).length;
  },
  headersIterate: () => {
    let n = 0;
    for (const [name] of tenHeaders) n += name.length > 0 ? 1 : 0;
    return n;
  },
  base64: () => atob(btoa(kilobyteText.slice(0, 48))).length,
  events: () => {
    let n = 0;
    const target = new EventTarget();
    target.addEventListener('ping', () => { n++; });
    target.dispatchEvent(new Event('ping'));
    return n;
  },
  jwtVerify: async () => {
    // What a JWT middleware does per request: import the secret, then verify the signature.
    const key = await crypto.subtle.importKey('raw', bytes32, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    return (await crypto.subtle.verify('HMAC', key, hmacSignature, bytes32)) ? 1 : 0;
  },
  requestJson: async () => (await new Request('https://shop.example.com/api', { method: 'POST', body: orderJson }).json()).id,
};

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const op = OPS[params.get('op')];
    if (op === undefined) return new Response('unknown op', { status: 404 });
    hmacKey ??= await crypto.subtle.importKey('raw', bytes32, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacSignature ??= await crypto.subtle.sign('HMAC', hmacKey, bytes32);
    const n = Number(params.get('n'));
    let total = 0;
    // Awaited only when it answers with a promise, so a synchronous operation's cost has no microtask in it.
    for (let i = 0; i < n; i++) {
      const result = op();
      total += result instanceof Promise ? await result : result;
    }
    return new Response(String(total));
  },
};
