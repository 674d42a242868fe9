// The Cache API as Workers define it: the global `caches` (a CacheStorage) with
// `caches.default` and `await caches.open(name)`, each a Cache with put, match and delete.
// Every worker gets the platform's unnamed `cache` channel; its maker installs the globals.
// The checks Workers make before a request leaves the isolate are made here, as TypeErrors;
// what is stored, for how long and what a match answers is decided by the host
// (CacheKind, CachePolicy, CacheAnswers). A request crosses as its URL and headers; a
// response as its status, headers and whole body (bounded by config.maxObjectBytes).

const cache_key = Symbol('Cache');
const cache_MAX_NAME_BYTES = 1024;

function cache_notImplemented(method, type) {
  return new Error(`Failed to execute '${method}' on '${type}': the method is not implemented.`);
}

function cache_request(input) {
  return isRequest(input) ? input : new Request(input);
}

function cache_ignoresMethod(options) {
  return options !== undefined && options !== null && typeof options === 'object' && Boolean(options.ignoreMethod);
}

class Cache {
  #channel;
  #name;
  #maxObjectBytes;

  constructor(key, channel, name, maxObjectBytes) {
    if (key !== cache_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#name = name;
    this.#maxObjectBytes = maxObjectBytes;
  }

  async match(request, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'match' on 'Cache'");
    const parts = body_requestParts(cache_request(request));
    if (!cache_ignoresMethod(options) && parts.method !== 'GET') return undefined;
    const { text, bytes } = await bindings_call(this.#channel, 'match', JSONStringify({
      cache: this.#name, url: parts.url, headers: fetch_headersString(parts.headers),
    }), null);
    if (text === '') return undefined;
    const answer = JSONParse(text);
    return responseFromHost(answer.status, answer.statusText, fetch_splitHeaders(answer.headers), bytes);
  }

  async put(request, response) {
    requireArguments(arguments.length, 2, "Failed to execute 'put' on 'Cache'");
    const body = body_ofResponse(response);
    if (body === undefined) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (response.type === 'error') throw new TypeError('Cache is unable to store an error response');
    const req = body_requestParts(cache_request(request));
    const res = body_responseParts(response);
    if (req.method !== 'GET') throw new TypeError('Cannot cache response to non-GET request.');
    if (res.status === 206) throw new TypeError('Cannot cache response to a range request (206 Partial Content).');
    const vary = headersGet(body.headers, 'vary');
    if (vary !== null && StringPrototypeIndexOf(vary, '*') >= 0) {
      throw new TypeError("Cannot cache response with 'Vary: *' header.");
    }
    // A 304 answers a conditional request; kept, it would answer unconditional ones too.
    if (res.status === 304) return undefined;
    const { bytes } = await body_readAll(body);
    const length = TypedArrayPrototypeGetByteLength(bytes);
    if (length > this.#maxObjectBytes) {
      throw new TypeError(`Cannot cache a response of ${length} bytes: this server caches responses of at most `
        + `${this.#maxObjectBytes} bytes.`);
    }
    await bindings_call(this.#channel, 'put', JSONStringify({
      cache: this.#name, url: req.url, requestHeaders: fetch_headersString(req.headers),
      status: res.status, statusText: res.statusText, headers: fetch_headersString(res.headers),
    }), bytes);
    return undefined;
  }

  async delete(request, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'delete' on 'Cache'");
    const parts = body_requestParts(cache_request(request));
    if (!cache_ignoresMethod(options) && parts.method !== 'GET') return false;
    const { text } = await bindings_call(this.#channel, 'delete', JSONStringify({ cache: this.#name, url: parts.url }), null);
    return text === 'true';
  }

  add() {
    throw cache_notImplemented('add', 'Cache');
  }

  addAll() {
    throw cache_notImplemented('addAll', 'Cache');
  }

  matchAll() {
    throw cache_notImplemented('matchAll', 'Cache');
  }

  keys() {
    throw cache_notImplemented('keys', 'Cache');
  }
}
webIdlClass(Cache);

class CacheStorage {
  #channel;
  #default;
  #maxObjectBytes;

  constructor(key, channel, maxObjectBytes) {
    if (key !== cache_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#maxObjectBytes = maxObjectBytes;
    this.#default = new Cache(cache_key, channel, null, maxObjectBytes);
  }

  get default() {
    return this.#default;
  }

  async open(cacheName) {
    requireArguments(arguments.length, 1, "Failed to execute 'open' on 'CacheStorage'");
    const name = webIdlToString(cacheName, 'cacheName');
    if (TypedArrayPrototypeGetByteLength(fetchapi_encode(name)) >= cache_MAX_NAME_BYTES) {
      throw new TypeError('Cache name is too long.');
    }
    return new Cache(cache_key, this.#channel, name, this.#maxObjectBytes);
  }

  match() {
    throw cache_notImplemented('match', 'CacheStorage');
  }

  has() {
    throw cache_notImplemented('has', 'CacheStorage');
  }

  keys() {
    throw cache_notImplemented('keys', 'CacheStorage');
  }

  delete() {
    throw cache_notImplemented('delete', 'CacheStorage');
  }
}
webIdlClass(CacheStorage);

bindings_define('cache', (channel, config) => {
  defineGlobal('caches', new CacheStorage(cache_key, channel, config.maxObjectBytes));
  defineGlobal('Cache', Cache);
  defineGlobal('CacheStorage', CacheStorage);
  return undefined;
});
