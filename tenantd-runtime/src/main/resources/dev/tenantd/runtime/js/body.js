// Request, Response and their Body mixin (Fetch Standard) as Cloudflare
// Workers expose them, plus the bridge helpers the host uses to move requests
// and responses across the Java boundary.
//
// Shared with other files:
//   requestFromHost(method, url, headersFlat, bodyBytes, cf?) -> Request
//   requestToHost(request) -> Promise<{ method, url, headers, body, redirect, stream, fixedLength }> (stream: the
//     host's id of a body handed on unread, minus the id of a body the host reads from a stream, or 0)
//   responseFromHost(status, statusText, headersFlat, bodyBytes, url, redirected, encodeBody, webSocket) -> Response
//   responseToHost(response) -> Promise<{ status, statusText, headers, body, held, stream, jsStream,
//     jsStreamLength, webSocket }> (jsStreamLength: the length a FixedLengthStream holds it to, or -1)
//   body_hostStreamSource(id, length) -> the source of a body the host streams (fetch_settle)
//   body_pullOut(id), body_cancelOut(id), body_dropOut(id): the host reads a response body that
//     leaves as a stream, cancels it, or lets go of it
//   bodyToHost(bytes) -> ArrayBuffer
// A response body that arrived with Content-Encoding: gzip (and the default encodeBody
// 'automatic') keeps its encoded bytes and is decoded as it is read; handed on unread
// under the same encoding it leaves as it came. A worker's response with Content-Encoding:
// gzip is compressed on its way out unless its encodeBody is 'manual', as in Workers.
//   isRequest(value), requestSignal(request) -> AbortSignal or null
// Headers crossing the boundary are flat [name, value, ...] arrays; bodies
// come in as Uint8Array or null and go out as ArrayBuffer or null. Objects
// coming from the host get immutable headers.
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
const body_INTERNAL = ObjectFreeze({});

// The data behind a body. Several bodies share one source when a stream
// handed out by one body becomes another's body, so that reading either marks
// both as used, as sharing one stream object does in the spec.
class body_Source {
  constructor(bytes, blob, stream) {
    this.bytes = bytes; // Uint8Array or null
    this.blob = blob; // Blob or null
    this.stream = stream; // ReadableStream: the caller's, or one made from bytes/blob on demand
    this.disturbed = false;
    this.held = 0; // the host's id of bytes it keeps until they are needed (body_heldSource), or 0
    this.heldLength = 0;
    this.encoding = null; // 'gzip' when bytes (or held) are encoded and read decoded
    this.hostStream = 0; // the host's id of a body it streams in chunks as they are read, or 0
    this.hostLength = -1; // that body's length, when known
  }
}

// A body the host streams: each read of its stream asks the host for the next chunk, so
// it enters the isolate no faster than the worker reads it. Handed on unread, it never does.
function body_hostStreamSource(id, length) {
  const source = new body_Source(null, null, null);
  source.hostStream = id;
  source.hostLength = length;
  return source;
}

// The next chunk of a streamed body: a Uint8Array, or null at its end.
async function body_hostRead(id) {
  const answer = await fetch_hostCall(null, (callId) => host.readBody(callId, id));
  return answer.text === 'chunk' && answer.bytes !== null ? answer.bytes : null;
}

// The stream of a body the host streams. Its first read makes the body the worker's: from
// then on it can no longer be handed on unread.
function body_makeHostStream(source) {
  const id = source.hostStream;
  const cancel = () => {
    source.disturbed = true;
    host.cancelBody(id);
  };
  if (source.encoding !== null) {
    return compression_decodingStream(source.encoding, async (write) => {
      source.disturbed = true;
      for (;;) {
        const bytes = await body_hostRead(id);
        if (bytes === null) return;
        await write(bytes);
      }
    }, cancel);
  }
  return streams_newReadable({
    __proto__: null,
    type: 'bytes',
    async pull(controller) {
      source.disturbed = true;
      const bytes = await body_hostRead(id);
      if (bytes === null) streams_close(controller);
      else streams_enqueue(controller, bytes);
    },
    cancel,
  }, { __proto__: null, highWaterMark: 0 });
}

// A large body the host keeps until the worker reads it: handed on unread (a dispatcher
// returning what a user worker answered), it never enters the isolate.
function body_heldSource(id, length) {
  const source = new body_Source(null, null, null);
  source.held = id;
  source.heldLength = length;
  return source;
}

// Brings a held body's bytes into the isolate, counted against its memory limit.
function body_materialize(source) {
  if (source.held === 0) return;
  const id = source.held;
  source.held = 0;
  memory_request(source.heldLength);
  const buffer = host.takeBody(id);
  if (buffer === undefined || buffer === null) {
    throw new TypeError('The body of this response is no longer available: it came in for a request that has '
      + 'ended. Read it while that request is handled.');
  }
  memory_count(source.heldLength);
  source.bytes = memory_fromHost(buffer);
}

// Every stream that is or became a body, to find its source again.
const body_streamSources = new SafeWeakMap();

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

// "Extract a body": returns { source, type } where type is the Content-Type
// the body implies, or null.
function body_extract(object, what) {
  if (typeof object === 'string') {
    return { source: new body_Source(fetchapi_encode(object), null, null), type: 'text/plain;charset=UTF-8' };
  }
  if (typeof object === 'object' && object !== null) {
    if (streams_isReadableStream(object)) {
      const known = body_streamSources.get(object);
      if (streams_isLocked(object) || streams_isDisturbed(object) || (known !== undefined && known.disturbed)) {
        throw new TypeError(`${what}: The ReadableStream body is locked or has already been read.`);
      }
      return { source: body_fromStream(object), type: null };
    }
    if (blobBytes_has(object)) {
      const type = blobType(object);
      return { source: new body_Source(null, object, null), type: type === '' ? null : type };
    }
    if (ArrayBufferIsView(object)) {
      return { source: new body_Source(new Uint8Array(viewBytes(object)), null, null), type: null };
    }
    if (fd_is(object)) {
      const encoded = serializeMultipartFormData(object);
      return {
        source: new body_Source(encoded.bytes, encoded.bytes === null ? encoded.blob : null, null),
        type: encoded.contentType,
      };
    }
    const form = urlSearchParamsString(object);
    if (form !== null) {
      return {
        source: new body_Source(fetchapi_encode(form), null, null),
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
      };
    }
    if (isArrayBuffer(object)) {
      return { source: new body_Source(new Uint8Array(new Uint8Array(object)), null, null), type: null };
    }
  }
  const text = webIdlToString(object, what);
  return { source: new body_Source(fetchapi_encode(text), null, null), type: 'text/plain;charset=UTF-8' };
}

// A source's bytes for a stream: a private copy, since enqueueing into a byte
// stream transfers (detaches) the chunk's buffer.
function body_sourceChunk(source) {
  body_materialize(source);
  return new Uint8Array(source.bytes !== null ? source.bytes : blobBytes(source.blob));
}

// Makes the stream of a bytes/blob source. Nothing is produced until a read
// asks for it, and that read is what marks the source disturbed.
function body_makeStream(source) {
  if (source.hostStream !== 0) {
    const stream = body_makeHostStream(source);
    body_streamSources.set(stream, source);
    return stream;
  }
  if (source.encoding !== null) {
    const stream = compression_decodingStream(source.encoding, async (write) => {
      source.disturbed = true;
      await write(body_sourceChunk(source));
    });
    body_streamSources.set(stream, source);
    return stream;
  }
  const underlying = {
    pull(controller) {
      source.disturbed = true;
      const chunk = body_sourceChunk(source);
      if (TypedArrayPrototypeGetLength(chunk) > 0) streams_enqueue(controller, chunk);
      streams_close(controller);
    },
    cancel() {
      source.disturbed = true;
    },
  };
  const stream = streams_newReadable({ type: 'bytes', ...underlying }, { highWaterMark: 0 });
  body_streamSources.set(stream, source);
  return stream;
}

function body_stream(body) {
  const source = body.source;
  if (source === null) return null;
  if (source.stream === null) source.stream = source.disturbed ? body_spentStream() : body_makeStream(source);
  return source.stream;
}

// The stream of a body read to its end without one (text(), arrayBuffer(), ...): closed,
// disturbed and locked, as the read would have left it.
function body_spentStream() {
  const stream = streams_newReadable({
    __proto__: null,
    start(controller) {
      streams_close(controller);
    },
  }, undefined);
  // Reading the closed stream once marks it disturbed and leaves it locked.
  streams_byteReader(stream).read();
  return stream;
}

// A source is used once anybody read from or cancelled it, by a read method or its stream.
function body_sourceDisturbed(source) {
  return source.disturbed || (source.stream !== null && streams_isDisturbed(source.stream));
}

function body_isUsed(body) {
  return body.transferred || (body.source !== null && body_sourceDisturbed(body.source));
}

// Disturbed or locked: such a body can be neither read nor cloned.
function body_isUnusable(body) {
  const source = body.source;
  return body.transferred
    || (source !== null && (body_sourceDisturbed(source) || (source.stream !== null && streams_isLocked(source.stream))));
}

// "Consume body": all of the body's bytes. `owned` says whether nobody else
// holds them, so callers handing bytes to user code know whether to copy.
// The used/locked checks and the marking happen synchronously, before the
// first await, so bodyUsed is true as soon as a read method returns. A stream's
// chunks may be any BufferSource, as Workers accept.
async function body_readAll(body) {
  const source = body.source;
  if (source === null) return { bytes: new Uint8Array(0), owned: true };
  if (body.transferred || body_sourceDisturbed(source)) throw new TypeError(body_USED);
  const stream = source.stream;
  if (stream !== null && streams_isLocked(stream)) throw new TypeError(body_LOCKED);
  if (source.hostStream !== 0) {
    const streamed = body_stream(body);
    source.disturbed = true;
    return { bytes: await readAllBytes(streamed), owned: true };
  }
  body_materialize(source);
  if (source.encoding !== null) {
    // Decoded through its stream, made before the source counts as read.
    const decoded = body_stream(body);
    source.disturbed = true;
    return { bytes: await readAllBytes(decoded), owned: true };
  }
  source.disturbed = true;
  if (source.bytes !== null || source.blob !== null) {
    // A stream handed out but never read is left locked, as a read to the
    // end would leave it.
    if (stream !== null) streams_lock(stream);
    if (source.bytes !== null) return { bytes: source.bytes, owned: false };
    return { bytes: blobBytes(source.blob), owned: false };
  }
  // The shared reader returns a fresh concatenation.
  return { bytes: await readAllBytes(stream), owned: true };
}

function body_clone(body, headers) {
  const source = body.source;
  if (source === null) return new body_Body(null, headers);
  body_materialize(source);
  if (source.hostStream !== 0) body_stream(body);
  if (source.bytes !== null || source.blob !== null) {
    const copy = new body_Source(source.bytes, source.blob, null);
    copy.encoding = source.encoding;
    return new body_Body(copy, headers);
  }
  // The original gets its own source for its half of the tee: the old source
  // (and whatever else shares it) keeps the now locked stream.
  const branches = streams_tee(source.stream);
  body.source = body_fromStream(branches[0]);
  return new body_Body(body_fromStream(branches[1]), headers);
}

function body_contentType(body) {
  return headersGet(body.headers, 'content-type');
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
      if (owned && isUint8Array(bytes) && TypedArrayPrototypeGetByteOffset(bytes) === 0) {
        const buffer = TypedArrayPrototypeGetBuffer(bytes);
        if (isArrayBuffer(buffer) && ArrayBufferPrototypeGetByteLength(buffer) === TypedArrayPrototypeGetByteLength(bytes)) {
          return buffer;
        }
      }
      return TypedArrayPrototypeGetBuffer(new Uint8Array(bytes));
    },
    async bytes() {
      const { bytes, owned } = await body_readAll(bodyOf(this));
      return owned && isUint8Array(bytes) ? bytes : new Uint8Array(bytes);
    },
    async text() {
      const { bytes } = await body_readAll(bodyOf(this));
      return fetchapi_decode(bytes, true);
    },
    async json() {
      const { bytes } = await body_readAll(bodyOf(this));
      return JSONParse(fetchapi_decode(bytes, true));
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
      const { bytes, owned } = await body_readAll(body);
      return blobOfBytes(owned ? bytes : new Uint8Array(bytes), body_contentType(body) ?? '');
    },
  };
}

function body_installMixin(cls, bodyOf) {
  const descriptors = ObjectGetOwnPropertyDescriptors(body_mixin(bodyOf));
  const keys = ObjectKeys(descriptors);
  for (let i = 0; i < keys.length; i++) {
    descriptors[keys[i]].enumerable = false;
  }
  ObjectDefineProperties(cls.prototype, descriptors);
}

function body_checkInit(init, what, type) {
  if (init === undefined || init === null) return {};
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new TypeError(`${what}: The provided value is not of type '${type}'.`);
  }
  return init;
}

// encodeBody and encodeResponseBody: 'automatic' (the default) or 'manual'.
function body_encodingOption(value, member) {
  const option = webIdlToString(value, member);
  if (option !== 'automatic' && option !== 'manual') throw new TypeError(`${member}: unexpected value: ${option}`);
  return option;
}

function body_normalizeMethod(value, what) {
  const method = fetchapi_byteString(value, what);
  if (!regExpTest(fetchapi_TOKEN, method)) throw new TypeError(`${what}: '${method}' is not a valid HTTP method.`);
  const upper = StringPrototypeToUpperCase(method);
  if (upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK') {
    throw new TypeError(`${what}: '${method}' HTTP method is unsupported.`);
  }
  return ArrayPrototypeIncludes(body_NORMALIZED_METHODS, upper) ? upper : method;
}

// Web IDL unsigned short (without [EnforceRange]): wraps modulo 2^16.
function body_toUnsignedShort(value) {
  const n = Number(value);
  if (!NumberIsFinite(n)) return 0;
  const t = MathTrunc(n) % 65536;
  return t < 0 ? t + 65536 : t;
}

function body_parseUrl(value, what) {
  const href = fetchapi_usvString(value, what);
  const parsed = urlHref(href);
  if (parsed === null) throw new TypeError(`${what}: Invalid URL: ${href}`);
  return parsed;
}

let body_ofRequest;
let body_makeRequest;
let body_requestCf;
let body_requestParts;
let requestSignal;

class Request {
  #body = null;
  #method = 'GET';
  #url = '';
  #headers = null;
  #redirect = 'follow';
  #signal = null; // made on first access when none was given
  #cf = undefined;
  #integrity = '';
  #encodeResponseBody = 'automatic';
  #cache = undefined;

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
    const initCache = options.cache;
    const initCf = options.cf;
    const initEncodeResponseBody = options.encodeResponseBody;
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
      this.#encodeResponseBody = inputRequest.#encodeResponseBody;
      this.#cache = inputRequest.#cache;
    }
    if (initCache !== undefined) {
      // As Workers by compatibility date: the option is refused before cache_option_enabled; then
      // 'no-store' (and 'no-cache' with cache_no_cache_enabled) is taken, with no cache in front of
      // this platform's fetch() to skip, and the other modes are refused rather than ignored.
      if (worker_flags.cache_option_enabled !== true) {
        throw new TypeError("The 'cache' field on 'RequestInitializerDict' is not implemented.");
      }
      const cache = webIdlToString(initCache, what);
      if (cache !== 'no-store' && (cache !== 'no-cache' || worker_flags.cache_no_cache_enabled !== true)) {
        throw new TypeError(`Unsupported cache mode: ${cache}`);
      }
      this.#cache = cache;
    }
    if (initCf !== undefined) this.#cf = initCf;
    if (initEncodeResponseBody !== undefined) {
      this.#encodeResponseBody = body_encodingOption(initEncodeResponseBody, 'encodeResponseBody');
    }
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
      if (initSignal !== null && !events_isAbortSignal(initSignal)) {
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
      if (extracted.type !== null && !headersHas(headers, 'content-type')) {
        headersAppend(headers, 'content-type', extracted.type);
      }
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
    this.#signal ??= events_newSignal();
    return this.#signal;
  }

  get cf() {
    return this.#cf;
  }

  get integrity() {
    return this.#integrity;
  }

  get cache() {
    if (!(#signal in this)) throw new TypeError('Illegal invocation');
    return this.#cache;
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
    copy.#encodeResponseBody = this.#encodeResponseBody;
    copy.#cache = this.#cache;
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
      // As in Workers, a request a worker is given does not follow redirects: fetch(request)
      // hands the origin's redirect on to the client.
      request.#redirect = 'manual';
      request.#body = new body_Body(source, headers);
      return request;
    };
    requestSignal = (request) => request.#signal;
    body_requestCf = (request) => request.#cf;
    body_requestParts = (request) => ({
      method: request.#method,
      url: request.#url,
      headers: headersToFlat(request.#headers),
      body: null,
      redirect: request.#redirect,
      encodeResponseBody: request.#encodeResponseBody,
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
  #encodeBody = 'automatic';
  #webSocket = null;

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
    const initEncodeBody = options.encodeBody;
    const initHeaders = options.headers;
    const initStatus = options.status;
    const initStatusText = options.statusText;
    const initWebSocket = options.webSocket;
    const status = initStatus === undefined ? 200 : body_toUnsignedShort(initStatus);
    // 101 stays possible because Workers answer WebSocket upgrades with it.
    if ((status < 200 && status !== 101) || status > 599) {
      throw new RangeError(`${what}: The status provided (${status}) is outside the range [200, 599].`);
    }
    const statusText = initStatusText === undefined ? '' : fetchapi_byteString(initStatusText, what);
    if (!regExpTest(body_REASON_PHRASE, statusText)) throw new TypeError(`${what}: Invalid statusText.`);
    const encodeBody = initEncodeBody === undefined ? 'automatic' : body_encodingOption(initEncodeBody, 'encodeBody');
    if (initWebSocket !== undefined && initWebSocket !== null) {
      if (!ws_isWebSocket(initWebSocket)) throw new TypeError(`${what}: webSocket must be a WebSocket.`);
      if (status !== 101) throw new RangeError(`${what}: Responses with a WebSocket must have status code 101.`);
      this.#webSocket = initWebSocket;
    }
    const headers = new Headers(initHeaders);
    this.#encodeBody = encodeBody;
    this.#status = status;
    this.#statusText = statusText;
    this.#headers = headers;
    this.#cf = initCf;
    let source = null;
    if (extracted !== null) {
      if (ArrayPrototypeIncludes(body_NULL_BODY_STATUSES, status)) {
        throw new TypeError(`${what}: Response with null body status (${status}) cannot have a body.`);
      }
      source = extracted.source;
      if (extracted.type !== null && !headersHas(headers, 'content-type')) {
        headersAppend(headers, 'content-type', extracted.type);
      }
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
    if (!ArrayPrototypeIncludes(body_REDIRECT_STATUSES, code)) throw new RangeError(`${what}: Invalid status code ${code}.`);
    const response = new Response(body_INTERNAL);
    response.#status = code;
    response.#headers = hdr_create(['location', location], 'immutable');
    response.#body = new body_Body(null, response.#headers);
    return response;
  }

  static json(data, init = undefined) {
    const what = "Failed to execute 'json' on 'Response'";
    requireArguments(arguments.length, 1, what);
    const text = JSONStringify(data);
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

  // The WebSocket of a handshake response (status 101), or null.
  get webSocket() {
    if (!(#type in this)) throw new TypeError('Illegal invocation');
    return this.#webSocket;
  }

  clone() {
    if (this.#webSocket !== null) {
      throw new TypeError("Failed to execute 'clone' on 'Response': a WebSocket handshake response cannot be cloned.");
    }
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
    copy.#encodeBody = this.#encodeBody;
    copy.#body = body_clone(this.#body, headers);
    return copy;
  }

  static {
    body_ofResponse = (value) => (value !== null && typeof value === 'object' && #body in value ? value.#body : undefined);
    body_makeResponse = (status, statusText, headers, source, url, redirected, encodeBody = 'automatic',
      webSocket = null) => {
      const response = new Response(body_INTERNAL);
      response.#encodeBody = encodeBody;
      response.#webSocket = webSocket;
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
      encodeBody: response.#encodeBody,
      webSocket: response.#webSocket,
    });
  }
}

body_installMixin(Response, (value) => {
  const body = body_ofResponse(value);
  if (body === undefined) throw new TypeError('Illegal invocation');
  return body;
});
webIdlClass(Response);

// Host bytes (a Uint8Array the host handed over) become a body source without a copy.
function body_hostSource(bodyBytes) {
  if (bodyBytes === null || bodyBytes === undefined) return null;
  if (bodyBytes instanceof body_Source) return bodyBytes;
  return new body_Source(bodyBytes, null, null);
}

// An incoming request: trusted values, immutable headers. A GET or HEAD
// without body bytes has a null body, as in Workers.
function requestFromHost(method, url, headersFlat, bodyBytes, cf = undefined) {
  const m = String(method);
  let source = body_hostSource(bodyBytes);
  if (source !== null && source.hostStream === 0 && TypedArrayPrototypeGetLength(source.bytes) === 0
    && (m === 'GET' || m === 'HEAD')) source = null;
  return body_makeRequest(m, String(url), headersFromFlat(headersFlat, 'immutable'), source, cf);
}

function isRequest(value) {
  return body_ofRequest(value) !== undefined;
}

// A Request going out through the host (fetch): consumes its body. The body
// bytes may be shared with the request's source; the host only reads them.
async function requestToHost(request) {
  const body = body_ofRequest(request);
  if (body === undefined) throw new TypeError('Expected a Request.');
  const parts = body_requestParts(request);
  parts.stream = 0;
  const source = body.source;
  if (source === null) return parts;
  if (source.hostStream !== 0 && source.encoding === null && !body.transferred && !body_sourceDisturbed(source)
    && (source.stream === null || !streams_isLocked(source.stream))) {
    // A streamed body handed on unread (its stream, if made, never read): the host passes the
    // stream itself along, and the one made here is left locked.
    source.disturbed = true;
    if (source.stream !== null) streams_lock(source.stream);
    parts.stream = source.hostStream;
    source.hostStream = 0;
  } else if (source.bytes === null && source.blob === null && source.held === 0) {
    // A body that is a stream (the worker's own, or one it began to read) leaves as one: the
    // host reads it chunk by chunk as the receiver takes them. The host knows it by its negative id.
    if (body.transferred || body_sourceDisturbed(source)) throw new TypeError(body_USED);
    if (source.stream !== null && streams_isLocked(source.stream)) throw new TypeError(body_LOCKED);
    const stream = body_stream(body);
    source.disturbed = true;
    parts.stream = -body_registerOut(stream).id;
    parts.fixedLength = streams_fixedLength(stream);
  } else {
    parts.body = bodyToHost((await body_readAll(body)).bytes);
  }
  return parts;
}

// A response the host fetched: immutable headers. Null-body statuses get a
// null body whatever bytes came with them.
function responseFromHost(status, statusText, headersFlat, bodyBytes, url = '', redirected = false,
  encodeBody = 'automatic', webSocket = null) {
  const code = Number(status);
  const source = ArrayPrototypeIncludes(body_NULL_BODY_STATUSES, code) ? null : body_hostSource(bodyBytes);
  const headers = headersFromFlat(headersFlat, 'immutable');
  if (source !== null && encodeBody === 'automatic' && headersGet(headers, 'content-encoding') === 'gzip') {
    source.encoding = 'gzip';
  }
  return body_makeResponse(code, statusText == null ? '' : String(statusText), headers, source,
    url == null ? '' : String(url), Boolean(redirected), encodeBody, webSocket);
}

// The worker's answer going back to the host: consumes its body.
async function responseToHost(response) {
  const body = body_ofResponse(response);
  if (body === undefined) {
    throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  }
  const parts = body_responseParts(response);
  const source = body.source;
  const gzip = parts.encodeBody === 'automatic' && body_flatGet(parts.headers, 'content-encoding') === 'gzip';
  if (source === null) return parts;
  const unread = !body_sourceDisturbed(source) && !body.transferred
    && (source.stream === null || ((source.encoding !== null || source.hostStream !== 0) && !streams_isLocked(source.stream)));
  if (unread && source.encoding === (gzip ? 'gzip' : null)
      && (source.held !== 0 || source.hostStream !== 0 || source.encoding !== null)) {
    // Handed on unread, in the encoding it came in: the bytes leave as they arrived (the host
    // passes on those it kept, or the stream it reads them from).
    source.disturbed = true;
    if (source.stream !== null) streams_lock(source.stream);
    if (source.hostStream !== 0) {
      parts.stream = source.hostStream;
      source.hostStream = 0;
    } else if (source.held !== 0) {
      parts.held = source.held;
      source.held = 0;
    } else {
      parts.body = bodyToHost(source.bytes);
    }
  } else if (source.bytes === null && source.blob === null && source.held === 0) {
    // A body that is a stream leaves as one: the host reads it chunk by chunk, as fast as
    // its own reader takes them.
    if (body.transferred || body_sourceDisturbed(source)) throw new TypeError(body_USED);
    if (source.stream !== null && streams_isLocked(source.stream)) throw new TypeError(body_LOCKED);
    let stream = body_stream(body);
    source.disturbed = true;
    if (gzip) stream = compression_encodingStream('gzip', stream);
    const out = body_registerOut(stream);
    parts.jsStream = out.id;
    parts.jsStreamLength = gzip ? -1 : streams_fixedLength(stream) ?? -1;
    parts.streamDone = out.done;
  } else {
    const bytes = (await body_readAll(body)).bytes;
    parts.body = bodyToHost(gzip ? compression_processAll('gzip', 'compress', bytes) : bytes);
  }
  return parts;
}

// Response bodies leaving as streams, by the id the host reads them by.
const body_outStreams = new SafeMap();
let body_nextOutStream = 0;
const body_OUT_CHUNK = 64 * 1024;

function body_registerOut(stream) {
  const id = ++body_nextOutStream;
  let finish;
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  body_outStreams.set(id, { reader: streams_byteReader(stream), rest: null, finish });
  return { id, done };
}

// The next piece of an outgoing body: at most body_OUT_CHUNK bytes, never empty; null at the end.
async function body_nextOut(out) {
  for (;;) {
    let bytes = out.rest;
    out.rest = null;
    if (bytes === null) bytes = await out.reader.read();
    if (bytes === null) return null;
    const length = TypedArrayPrototypeGetLength(bytes);
    if (length > body_OUT_CHUNK) {
      out.rest = TypedArrayPrototypeSubarray(bytes, body_OUT_CHUNK, length);
      return TypedArrayPrototypeSubarray(bytes, 0, body_OUT_CHUNK);
    }
    if (length > 0) return bytes;
  }
}

// The host wants the next chunk of outgoing body `id`: answered with host.bodyChunk, now or
// when the stream has one. While the host wants more (bodyChunk returns true: a reader waits,
// or what waits for one leaves room), the next chunk is read at once, without its asking again.
function body_pullOut(id) {
  const out = body_outStreams.get(id);
  if (out === undefined) {
    host.bodyChunk(id, null, 2, 'The response body is no longer available.');
    return;
  }
  PromisePrototypeThen(body_nextOut(out), (bytes) => {
    if (bytes !== null) {
      if (host.bodyChunk(id, bodyToHost(bytes), 0, '') === true) body_pullOut(id);
      return;
    }
    body_outStreams.delete(id);
    host.bodyChunk(id, null, 1, '');
    out.finish();
  }, (error) => {
    body_outStreams.delete(id);
    let message;
    try {
      message = String(error);
    } catch {
      message = 'an error whose message could not be read';
    }
    host.bodyChunk(id, null, 2, message);
    reportError(error);
    out.finish();
  });
}

// Outgoing body `id` is over for the host (its request ended first): forgotten, and the
// invocation's wait for it ends, without running any of the stream's code.
function body_dropOut(id) {
  const out = body_outStreams.get(id);
  if (out === undefined) return;
  body_outStreams.delete(id);
  out.finish();
}

// Nobody reads outgoing body `id` on (the client went away): its stream is cancelled.
function body_cancelOut(id) {
  const out = body_outStreams.get(id);
  if (out === undefined) return;
  body_outStreams.delete(id);
  out.reader.cancel(new TypeError('The response body was cancelled: nobody reads it any more.'));
  out.finish();
}

// A header's value in a flat list of lowercased names, combined as Headers combines them; null if absent.
function body_flatGet(flat, name) {
  let value = null;
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === name) value = value === null ? flat[i + 1] : `${value}, ${flat[i + 1]}`;
  }
  return value;
}

// Body bytes for the host: an ArrayBuffer holding exactly them. The host copies a
// buffer's memory directly, where reading a view would go through properties a
// worker can redefine; a view of part of a larger buffer is copied first.
function bodyToHost(bytes) {
  const buffer = TypedArrayPrototypeGetBuffer(bytes);
  if (TypedArrayPrototypeGetByteOffset(bytes) === 0 && isArrayBuffer(buffer)
      && ArrayBufferPrototypeGetByteLength(buffer) === TypedArrayPrototypeGetByteLength(bytes)) {
    return buffer;
  }
  return TypedArrayPrototypeGetBuffer(new Uint8Array(bytes));
}

defineGlobal('Request', Request);
defineGlobal('Response', Response);
