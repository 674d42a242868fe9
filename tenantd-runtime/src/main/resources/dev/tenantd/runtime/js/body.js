// Request, Response and their Body mixin (Fetch Standard) as Cloudflare
// Workers expose them, plus the bridge helpers the host uses to move requests
// and responses across the Java boundary.
//
// Shared with other files:
//   requestFromHost(method, url, headersFlat, bodyBytes, cf?) -> Request
//   requestToHost(request) -> Promise<{ method, url, headers, body, redirect }>
//   responseFromHost(status, statusText, headersFlat, bodyBytes, url, redirected) -> Response
//   responseToHost(response) -> Promise<{ status, statusText, headers, body }>
// Headers crossing the boundary are flat [name, value, ...] arrays; bodies
// are Uint8Array or null. Objects coming from the host get immutable headers.
//
// Bodies keep their bytes (or Blob) as long as nobody asks for a stream, so
// the common paths (host bytes -> text(), or `new Response(request.body)` ->
// host) never copy or stream: a stream is made only when `body` is read, and
// a stream made here still leads back to its bytes until it is read from.

const body_USED = 'Body has already been used. It can only be used once. '
  + 'Use tee() first if you need to read it twice.';
const body_LOCKED = 'This ReadableStream is currently locked to a reader.';
const body_NULL_BODY_STATUSES = [101, 204, 205, 304];
const body_REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const body_REASON_PHRASE = /^[\t\x20-\x7E\x80-\xFF]*$/;
const body_NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const body_INTERNAL = Object.freeze({});
const body_arrayBufferByteLength =
  Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;

// The data behind a body. Several bodies share one source when a stream
// handed out by one body becomes another's body, so that reading either marks
// both as used, as sharing one stream object does in the spec.
class body_Source {
  constructor(bytes, blob, stream) {
    this.bytes = bytes; // Uint8Array or null
    this.blob = blob; // Blob or null
    this.stream = stream; // ReadableStream: the caller's, or one made from bytes/blob on demand
    this.disturbed = false;
  }
}

// Every stream that is or became a body, to find its source again.
const body_streamSources = new WeakMap();

// The body of one Request or Response.
class body_Body {
  constructor(source, headers) {
    this.source = source; // body_Source or null (null body)
    this.headers = headers;
    this.transferred = false; // given to a new Request built from this one
  }
}

function body_fromStream(stream) {
  let source = body_streamSources.get(stream);
  if (source === undefined) {
    source = new body_Source(null, null, stream);
    body_streamSources.set(stream, source);
  }
  return source;
}

function body_isArrayBuffer(value) {
  try {
    Reflect.apply(body_arrayBufferByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

// "Extract a body": returns { source, type } where type is the Content-Type
// the body implies, or null.
function body_extract(object, what) {
  if (typeof object === 'string') {
    return { source: new body_Source(fetchapi_encode(object), null, null), type: 'text/plain;charset=UTF-8' };
  }
  if (typeof object === 'object' && object !== null) {
    if (object instanceof ReadableStream) {
      const known = body_streamSources.get(object);
      if (object.locked || (known !== undefined && known.disturbed)) {
        throw new TypeError(`${what}: The ReadableStream body is locked or has already been read.`);
      }
      return { source: body_fromStream(object), type: null };
    }
    if (object instanceof Blob) {
      return { source: new body_Source(null, object, null), type: object.type === '' ? null : object.type };
    }
    if (ArrayBuffer.isView(object)) {
      const copy = new Uint8Array(new Uint8Array(object.buffer, object.byteOffset, object.byteLength));
      return { source: new body_Source(copy, null, null), type: null };
    }
    if (body_isArrayBuffer(object)) {
      return { source: new body_Source(new Uint8Array(new Uint8Array(object)), null, null), type: null };
    }
    if (object instanceof FormData) {
      const encoded = serializeMultipartFormData(object);
      return {
        source: new body_Source(encoded.bytes, encoded.bytes === null ? encoded.blob : null, null),
        type: encoded.contentType,
      };
    }
    if (object instanceof URLSearchParams) {
      return {
        source: new body_Source(fetchapi_encode(object.toString()), null, null),
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
      };
    }
  }
  const text = webIdlToString(object, what);
  return { source: new body_Source(fetchapi_encode(text), null, null), type: 'text/plain;charset=UTF-8' };
}

// A source's bytes for a stream: a private copy, since enqueueing into a byte
// stream transfers (detaches) the chunk's buffer.
async function body_sourceChunk(source) {
  if (source.bytes !== null) return new Uint8Array(source.bytes);
  if (typeof blobBytes === 'function') return new Uint8Array(blobBytes(source.blob));
  return new Uint8Array(await source.blob.arrayBuffer());
}

// Makes the stream of a bytes/blob source. Nothing is produced until a read
// asks for it, and that read is what marks the source disturbed.
function body_makeStream(source) {
  const underlying = {
    async pull(controller) {
      source.disturbed = true;
      const chunk = await body_sourceChunk(source);
      if (chunk.length > 0) controller.enqueue(chunk);
      controller.close();
    },
    cancel() {
      source.disturbed = true;
    },
  };
  let stream;
  try {
    stream = new ReadableStream({ type: 'bytes', ...underlying }, { highWaterMark: 0 });
  } catch {
    // A stream implementation without byte streams still gets a body.
    stream = new ReadableStream(underlying, { highWaterMark: 0 });
  }
  body_streamSources.set(stream, source);
  return stream;
}

function body_stream(body) {
  const source = body.source;
  if (source === null) return null;
  if (source.stream === null) source.stream = body_makeStream(source);
  return source.stream;
}

function body_isUsed(body) {
  return body.transferred || (body.source !== null && body.source.disturbed);
}

// Disturbed or locked: such a body can be neither read nor cloned.
function body_isUnusable(body) {
  const source = body.source;
  return body.transferred
    || (source !== null && (source.disturbed || (source.stream !== null && source.stream.locked)));
}

// Reads a stream to its end. Chunks may be any BufferSource, as Workers
// accept; anything else rejects with a TypeError.
async function body_readStream(stream) {
  // The shared reader returns a fresh concatenation.
  if (typeof readAllBytes === 'function') return { bytes: await readAllBytes(stream), owned: true };
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let chunk;
    if (value instanceof Uint8Array) {
      chunk = value;
    } else if (ArrayBuffer.isView(value)) {
      chunk = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } else if (value !== null && typeof value === 'object' && body_isArrayBuffer(value)) {
      chunk = new Uint8Array(value);
    } else {
      const error = new TypeError('This ReadableStream did not return bytes.');
      reader.cancel(error).catch(() => {});
      throw error;
    }
    chunks.push(chunk);
    total += chunk.length;
  }
  if (chunks.length === 0) return { bytes: new Uint8Array(0), owned: true };
  return { bytes: concatBytes(chunks, total), owned: chunks.length > 1 };
}

// "Consume body": all of the body's bytes. `owned` says whether nobody else
// holds them, so callers handing bytes to user code know whether to copy.
// The used/locked checks and the marking happen synchronously, before the
// first await, so bodyUsed is true as soon as a read method returns.
async function body_readAll(body) {
  const source = body.source;
  if (source === null) return { bytes: new Uint8Array(0), owned: true };
  if (body.transferred || source.disturbed) throw new TypeError(body_USED);
  const stream = source.stream;
  if (stream !== null && stream.locked) throw new TypeError(body_LOCKED);
  source.disturbed = true;
  if (source.bytes !== null || source.blob !== null) {
    // A stream handed out but never read is left locked, as a read to the
    // end would leave it.
    if (stream !== null) stream.getReader();
    if (source.bytes !== null) return { bytes: source.bytes, owned: false };
    if (typeof blobBytes === 'function') return { bytes: blobBytes(source.blob), owned: false };
    return { bytes: new Uint8Array(await source.blob.arrayBuffer()), owned: true };
  }
  return body_readStream(stream);
}

function body_clone(body, headers) {
  const source = body.source;
  if (source === null) return new body_Body(null, headers);
  if (source.bytes !== null || source.blob !== null) {
    return new body_Body(new body_Source(source.bytes, source.blob, null), headers);
  }
  // The original gets its own source for its half of the tee: the old source
  // (and whatever else shares it) keeps the now locked stream.
  const [mine, theirs] = source.stream.tee();
  body.source = body_fromStream(mine);
  return new body_Body(body_fromStream(theirs), headers);
}

function body_contentType(body) {
  return body.headers.get('content-type');
}

// The Body mixin, made once per interface so each prototype has its own
// function objects, as Web IDL gives them.
function body_mixin(bodyOf) {
  return {
    get body() {
      return body_stream(bodyOf(this));
    },
    get bodyUsed() {
      return body_isUsed(bodyOf(this));
    },
    async arrayBuffer() {
      const { bytes, owned } = await body_readAll(bodyOf(this));
      if (owned && bytes instanceof Uint8Array && bytes.byteOffset === 0
        && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
        return bytes.buffer;
      }
      return new Uint8Array(bytes).buffer;
    },
    async bytes() {
      const { bytes, owned } = await body_readAll(bodyOf(this));
      return owned && bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    },
    async text() {
      const { bytes } = await body_readAll(bodyOf(this));
      return fetchapi_decode(bytes, true);
    },
    async json() {
      const { bytes } = await body_readAll(bodyOf(this));
      return JSON.parse(fetchapi_decode(bytes, true));
    },
    async formData() {
      const body = bodyOf(this);
      const { bytes } = await body_readAll(body);
      const contentType = body_contentType(body);
      const mime = contentType === null ? null : fd_parseMime(contentType);
      if (mime !== null && mime.essence === 'multipart/form-data') {
        return parseMultipartFormData(bytes, contentType);
      }
      if (mime !== null && mime.essence === 'application/x-www-form-urlencoded') {
        return parseUrlEncodedFormData(bytes);
      }
      throw new TypeError('Unrecognized Content-Type header value. FormData can only parse the '
        + 'following MIME types: multipart/form-data, application/x-www-form-urlencoded');
    },
    async blob() {
      const body = bodyOf(this);
      const { bytes } = await body_readAll(body);
      return new Blob([bytes], { type: body_contentType(body) ?? '' });
    },
  };
}

function body_installMixin(cls, bodyOf) {
  const descriptors = Object.getOwnPropertyDescriptors(body_mixin(bodyOf));
  for (const key of Object.keys(descriptors)) {
    descriptors[key].enumerable = false;
  }
  Object.defineProperties(cls.prototype, descriptors);
}

function body_checkInit(init, what, type) {
  if (init === undefined || init === null) return {};
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new TypeError(`${what}: The provided value is not of type '${type}'.`);
  }
  return init;
}

function body_normalizeMethod(value, what) {
  const method = fetchapi_byteString(value, what);
  if (!fetchapi_TOKEN.test(method)) throw new TypeError(`${what}: '${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK') {
    throw new TypeError(`${what}: '${method}' HTTP method is unsupported.`);
  }
  return body_NORMALIZED_METHODS.includes(upper) ? upper : method;
}

// Web IDL unsigned short (without [EnforceRange]): wraps modulo 2^16.
function body_toUnsignedShort(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  const t = Math.trunc(n) % 65536;
  return t < 0 ? t + 65536 : t;
}

function body_parseUrl(value, what) {
  const href = fetchapi_usvString(value, what);
  try {
    return new URL(href).href;
  } catch {
    throw new TypeError(`${what}: Invalid URL: ${href}`);
  }
}

let body_ofRequest;
let body_makeRequest;
let body_requestParts;

class Request {
  #body = null;
  #method = 'GET';
  #url = '';
  #headers = null;
  #redirect = 'follow';
  #signal = null; // made on first access when none was given
  #cf = undefined;
  #integrity = '';

  constructor(input, init = undefined) {
    if (input === body_INTERNAL) return;
    const what = "Failed to construct 'Request'";
    requireArguments(arguments.length, 1, what);
    let inputRequest = null;
    if (input !== null && typeof input === 'object' && #body in input) {
      inputRequest = input;
    } else {
      this.#url = body_parseUrl(input, what);
    }
    const options = body_checkInit(init, what, 'RequestInit');
    // Dictionary members are read in Web IDL (lexicographic) order.
    const initBody = options.body;
    const initCf = options.cf;
    const initHeaders = options.headers;
    const initIntegrity = options.integrity;
    const initMethod = options.method;
    const initRedirect = options.redirect;
    const initSignal = options.signal;

    if (inputRequest !== null) {
      this.#url = inputRequest.#url;
      this.#method = inputRequest.#method;
      this.#redirect = inputRequest.#redirect;
      this.#signal = inputRequest.#signal;
      this.#cf = inputRequest.#cf;
      this.#integrity = inputRequest.#integrity;
    }
    if (initCf !== undefined) this.#cf = initCf;
    if (initIntegrity !== undefined) this.#integrity = webIdlToString(initIntegrity, what);
    if (initMethod !== undefined) this.#method = body_normalizeMethod(initMethod, what);
    if (initRedirect !== undefined) {
      const redirect = webIdlToString(initRedirect, what);
      if (redirect !== 'follow' && redirect !== 'manual' && redirect !== 'error') {
        throw new TypeError(`${what}: The provided value '${redirect}' is not a valid enum value of type RequestRedirect.`);
      }
      this.#redirect = redirect;
    }
    if (initSignal !== undefined) {
      if (initSignal !== null && !(initSignal instanceof AbortSignal)) {
        throw new TypeError(`${what}: member signal is not of type AbortSignal.`);
      }
      this.#signal = initSignal;
    }

    const headers = new Headers(initHeaders !== undefined ? initHeaders
      : inputRequest !== null ? inputRequest.#headers : undefined);
    this.#headers = headers;

    const inputBody = inputRequest !== null ? inputRequest.#body : null;
    const hasInputBody = inputBody !== null && inputBody.source !== null;
    if ((initBody != null || hasInputBody) && (this.#method === 'GET' || this.#method === 'HEAD')) {
      throw new TypeError(`${what}: Request with a GET or HEAD method cannot have a body.`);
    }
    let source = null;
    if (initBody != null) {
      const extracted = body_extract(initBody, what);
      source = extracted.source;
      if (extracted.type !== null && !headers.has('content-type')) headers.append('content-type', extracted.type);
    } else if (hasInputBody) {
      if (body_isUnusable(inputBody)) {
        throw new TypeError(`${what}: Cannot construct a Request with a Request object that has already been used.`);
      }
      source = inputBody.source;
      inputBody.transferred = true;
    }
    this.#body = new body_Body(source, headers);
  }

  get method() {
    return this.#method;
  }

  get url() {
    return this.#url;
  }

  get headers() {
    return this.#headers;
  }

  get redirect() {
    return this.#redirect;
  }

  get signal() {
    if (!(#signal in this)) throw new TypeError('Illegal invocation');
    this.#signal ??= new AbortController().signal;
    return this.#signal;
  }

  get cf() {
    return this.#cf;
  }

  get integrity() {
    return this.#integrity;
  }

  get keepalive() {
    if (!(#signal in this)) throw new TypeError('Illegal invocation');
    return false;
  }

  clone() {
    if (body_isUnusable(this.#body)) {
      throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used.");
    }
    const headers = new Headers(this.#headers);
    setHeadersGuard(headers, hdr_guardOf(this.#headers));
    const copy = new Request(body_INTERNAL);
    copy.#method = this.#method;
    copy.#url = this.#url;
    copy.#headers = headers;
    copy.#redirect = this.#redirect;
    copy.#signal = this.#signal;
    copy.#cf = this.#cf;
    copy.#integrity = this.#integrity;
    copy.#body = body_clone(this.#body, headers);
    return copy;
  }

  static {
    body_ofRequest = (value) => (value !== null && typeof value === 'object' && #body in value ? value.#body : undefined);
    body_makeRequest = (method, url, headers, source, cf) => {
      const request = new Request(body_INTERNAL);
      request.#method = method;
      request.#url = url;
      request.#headers = headers;
      request.#cf = cf;
      request.#body = new body_Body(source, headers);
      return request;
    };
    body_requestParts = (request) => ({
      method: request.#method,
      url: request.#url,
      headers: headersToFlat(request.#headers),
      body: null,
      redirect: request.#redirect,
    });
  }
}

body_installMixin(Request, (value) => {
  const body = body_ofRequest(value);
  if (body === undefined) throw new TypeError('Illegal invocation');
  return body;
});
webIdlClass(Request);

let body_ofResponse;
let body_makeResponse;
let body_responseParts;

class Response {
  #body = null;
  #type = 'default';
  #status = 200;
  #statusText = '';
  #headers = null;
  #url = '';
  #redirected = false;
  #cf = undefined;

  constructor(body = null, init = undefined) {
    if (body === body_INTERNAL) return;
    const what = "Failed to construct 'Response'";
    const extracted = body === null || body === undefined ? null : body_extract(body, what);
    this.#initialize(init, extracted, what);
  }

  // "Initialize a response" with an already extracted body.
  #initialize(init, extracted, what) {
    const options = body_checkInit(init, what, 'ResponseInit');
    const initCf = options.cf;
    const initHeaders = options.headers;
    const initStatus = options.status;
    const initStatusText = options.statusText;
    const status = initStatus === undefined ? 200 : body_toUnsignedShort(initStatus);
    // 101 stays possible because Workers answer WebSocket upgrades with it.
    if ((status < 200 && status !== 101) || status > 599) {
      throw new RangeError(`${what}: The status provided (${status}) is outside the range [200, 599].`);
    }
    const statusText = initStatusText === undefined ? '' : fetchapi_byteString(initStatusText, what);
    if (!body_REASON_PHRASE.test(statusText)) throw new TypeError(`${what}: Invalid statusText.`);
    const headers = new Headers(initHeaders);
    this.#status = status;
    this.#statusText = statusText;
    this.#headers = headers;
    this.#cf = initCf;
    let source = null;
    if (extracted !== null) {
      if (body_NULL_BODY_STATUSES.includes(status)) {
        throw new TypeError(`${what}: Response with null body status (${status}) cannot have a body.`);
      }
      source = extracted.source;
      if (extracted.type !== null && !headers.has('content-type')) headers.append('content-type', extracted.type);
    }
    this.#body = new body_Body(source, headers);
  }

  static error() {
    const response = new Response(body_INTERNAL);
    response.#type = 'error';
    response.#status = 0;
    response.#headers = hdr_create([], 'immutable');
    response.#body = new body_Body(null, response.#headers);
    return response;
  }

  static redirect(url, status = 302) {
    const what = "Failed to execute 'redirect' on 'Response'";
    requireArguments(arguments.length, 1, what);
    const location = body_parseUrl(url, what);
    const code = body_toUnsignedShort(status);
    if (!body_REDIRECT_STATUSES.includes(code)) throw new RangeError(`${what}: Invalid status code ${code}.`);
    const response = new Response(body_INTERNAL);
    response.#status = code;
    response.#headers = hdr_create(['location', location], 'immutable');
    response.#body = new body_Body(null, response.#headers);
    return response;
  }

  static json(data, init = undefined) {
    const what = "Failed to execute 'json' on 'Response'";
    requireArguments(arguments.length, 1, what);
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError(`${what}: The data is not JSON serializable.`);
    const response = new Response(body_INTERNAL);
    response.#initialize(init, {
      source: new body_Source(fetchapi_encode(text), null, null),
      type: 'application/json',
    }, what);
    return response;
  }

  get type() {
    return this.#type;
  }

  get url() {
    return this.#url;
  }

  get redirected() {
    return this.#redirected;
  }

  get status() {
    return this.#status;
  }

  get ok() {
    return this.#status >= 200 && this.#status <= 299;
  }

  get statusText() {
    return this.#statusText;
  }

  get headers() {
    return this.#headers;
  }

  get cf() {
    return this.#cf;
  }

  // Workers' WebSocket handshake responses carry one; none are made here.
  get webSocket() {
    if (!(#type in this)) throw new TypeError('Illegal invocation');
    return null;
  }

  clone() {
    if (body_isUnusable(this.#body)) {
      throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used.");
    }
    const headers = new Headers(this.#headers);
    setHeadersGuard(headers, hdr_guardOf(this.#headers));
    const copy = new Response(body_INTERNAL);
    copy.#type = this.#type;
    copy.#status = this.#status;
    copy.#statusText = this.#statusText;
    copy.#headers = headers;
    copy.#url = this.#url;
    copy.#redirected = this.#redirected;
    copy.#cf = this.#cf;
    copy.#body = body_clone(this.#body, headers);
    return copy;
  }

  static {
    body_ofResponse = (value) => (value !== null && typeof value === 'object' && #body in value ? value.#body : undefined);
    body_makeResponse = (status, statusText, headers, source, url, redirected) => {
      const response = new Response(body_INTERNAL);
      response.#status = status;
      response.#statusText = statusText;
      response.#headers = headers;
      response.#url = url;
      response.#redirected = redirected;
      response.#body = new body_Body(source, headers);
      return response;
    };
    body_responseParts = (response) => ({
      status: response.#status,
      statusText: response.#statusText,
      headers: headersToFlat(response.#headers),
      body: null,
    });
  }
}

body_installMixin(Response, (value) => {
  const body = body_ofResponse(value);
  if (body === undefined) throw new TypeError('Illegal invocation');
  return body;
});
webIdlClass(Response);

// Host bytes become a body source without a copy; the host hands them over.
function body_hostSource(bodyBytes) {
  if (bodyBytes === null || bodyBytes === undefined) return null;
  return new body_Source(fd_toBytes(bodyBytes), null, null);
}

// An incoming request: trusted values, immutable headers. A GET or HEAD
// without body bytes has a null body, as in Workers.
function requestFromHost(method, url, headersFlat, bodyBytes, cf = undefined) {
  const m = String(method);
  let source = body_hostSource(bodyBytes);
  if (source !== null && source.bytes.length === 0 && (m === 'GET' || m === 'HEAD')) source = null;
  return body_makeRequest(m, String(url), headersFromFlat(headersFlat, 'immutable'), source, cf);
}

// A Request going out through the host (fetch): consumes its body. The body
// bytes may be shared with the request's source; the host only reads them.
async function requestToHost(request) {
  const body = body_ofRequest(request);
  if (body === undefined) throw new TypeError('Expected a Request.');
  const parts = body_requestParts(request);
  if (body.source !== null) parts.body = (await body_readAll(body)).bytes;
  return parts;
}

// A response the host fetched: immutable headers. Null-body statuses get a
// null body whatever bytes came with them.
function responseFromHost(status, statusText, headersFlat, bodyBytes, url = '', redirected = false) {
  const code = Number(status);
  const source = body_NULL_BODY_STATUSES.includes(code) ? null : body_hostSource(bodyBytes);
  return body_makeResponse(code, statusText == null ? '' : String(statusText),
    headersFromFlat(headersFlat, 'immutable'), source, url == null ? '' : String(url), Boolean(redirected));
}

// The worker's answer going back to the host: consumes its body.
async function responseToHost(response) {
  const body = body_ofResponse(response);
  if (body === undefined) {
    throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  }
  const parts = body_responseParts(response);
  if (body.source !== null) parts.body = (await body_readAll(body)).bytes;
  return parts;
}

defineGlobal('Request', Request);
defineGlobal('Response', Response);
