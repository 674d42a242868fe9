// fetch() and the calls that leave the isolate through the host: subrequests and
// calls on channel bindings. Each is one host call with the request flattened to
// primitives; the answer arrives in a later turn through entryPoints.settle (a
// response), entryPoints.answer (data for a binding's wrapper) or entryPoints.reject.

const fetch_pending = new SafeMap();
let fetch_nextCallId = 0;

const fetch_errorTypes = { __proto__: null, TypeError, RangeError, SyntaxError, ReferenceError, Error };

// Headers cross the boundary as one string, name NUL value NUL ...; joined and split
// here by hand, so that nothing a worker does to its arrays or strings can change
// where one header ends (the host checks every name and value again).
function fetch_headersString(flat) {
  const n = flat.length;
  if (n === 0) return '';
  let joined = flat[0];
  for (let i = 1; i < n; i++) joined += '\0' + flat[i];
  return joined;
}

function fetch_splitHeaders(joined) {
  return joined === '' ? [] : stringSplit(joined, '\0');
}

function fetch_hasHeader(flat, name) {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === name) return true;
  }
  return false;
}

// Starts a host call and returns a promise of its Response. `start(id)` makes
// the host call; an aborted signal rejects at once and ignores the late answer.
// `encodeBody` is the request's encodeResponseBody: 'manual' leaves an encoded body as it is.
function fetch_hostCall(signal, start, encodeBody = 'automatic') {
  return new Promise((resolve, reject) => {
    // Aborted while the request was being prepared: nothing is sent.
    if (signal && events_signalAborted(signal)) {
      reject(events_signalReason(signal));
      return;
    }
    const id = ++fetch_nextCallId;
    const entry = { resolve, reject, signal: null, onAbort: null, encodeBody };
    if (signal) {
      entry.signal = signal;
      entry.onAbort = () => {
        fetch_pending.delete(id);
        reject(events_signalReason(signal));
      };
      events_addAbortAlgorithm(signal, entry.onAbort);
    }
    fetch_pending.set(id, entry);
    try {
      start(id);
    } catch (error) {
      fetch_pending.delete(id);
      if (entry.signal) events_removeAbortAlgorithm(entry.signal, entry.onAbort);
      reject(error);
    }
  });
}

// `url` is where the response came from after `redirects` redirects ('' and 0 for
// answers of other workers), which Response.url and Response.redirected report.
// `heldId` names a large body the host keeps until it is read (`heldLength` bytes);
// `streamId` a body the host streams as it is read (`streamLength` bytes, -1 if unknown).
function fetch_settle(id, status, statusText, headers, buffer, url, redirects, heldId, heldLength, socketId, streamId,
  streamLength) {
  const entry = fetch_pending.get(id);
  // Nobody waits for this response any more: a WebSocket it brought is closed when the invocation ends.
  if (!entry) {
    if (streamId > 0) host.cancelBody(streamId);
    return;
  }
  fetch_pending.delete(id);
  if (entry.signal) events_removeAbortAlgorithm(entry.signal, entry.onAbort);
  try {
    const body = streamId > 0 ? body_hostStreamSource(streamId, streamLength)
      : heldId > 0 ? body_heldSource(heldId, heldLength)
      : buffer === null ? null : memory_fromHost(buffer);
    entry.resolve(responseFromHost(status, statusText, fetch_splitHeaders(headers), body, url, redirects > 0,
      entry.encodeBody, socketId > 0 ? ws_fromHost(socketId) : null));
  } catch (error) {
    entry.reject(error);
  }
}

// A channel call's data answer: the binding's wrapper gets {text, bytes}.
function fetch_answer(id, text, buffer) {
  const entry = fetch_pending.get(id);
  if (!entry) return;
  fetch_pending.delete(id);
  if (entry.signal) events_removeAbortAlgorithm(entry.signal, entry.onAbort);
  try {
    entry.resolve({ text, bytes: buffer === null ? null : memory_fromHost(buffer) });
  } catch (error) {
    entry.reject(error);
  }
}

function fetch_reject(id, name, message) {
  const entry = fetch_pending.get(id);
  if (!entry) return;
  fetch_pending.delete(id);
  if (entry.signal) events_removeAbortAlgorithm(entry.signal, entry.onAbort);
  const Type = fetch_errorTypes[name] ?? Error;
  entry.reject(new Type(message));
}

async function fetch_prepare(input, init) {
  const request = init === undefined && isRequest(input) ? input : new Request(input, init);
  const signal = requestSignal(request);
  if (signal !== null && events_signalAborted(signal)) throw events_signalReason(signal);
  return { request, signal, flat: await requestToHost(request) };
}

async function fetch(input, init = undefined) {
  const { signal, flat } = await fetch_prepare(input, init);
  // The URL is serialized already: its scheme is everything before the first colon.
  const protocol = StringPrototypeSlice(flat.url, 0, StringPrototypeIndexOf(flat.url, ':') + 1);
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TypeError(`Fetch API cannot load: ${flat.url}`);
  }
  // As in Workers, a subrequest asks for gzip unless the worker chose an encoding itself;
  // what comes back gzipped is decoded as the worker reads it.
  let headers = fetch_headersString(flat.headers);
  if (!fetch_hasHeader(flat.headers, 'accept-encoding')) {
    headers = headers === '' ? 'accept-encoding\0gzip' : `${headers}\0accept-encoding\0gzip`;
  }
  // A FixedLengthStream's body goes with its length, which the host then holds it to.
  if (flat.fixedLength !== undefined && !fetch_hasHeader(flat.headers, 'content-length')) {
    headers = headers === '' ? `content-length\0${flat.fixedLength}` : `${headers}\0content-length\0${flat.fixedLength}`;
  }
  return await fetch_hostCall(signal, (id) => host.fetch(id, flat.method, flat.url, headers, flat.body ?? null,
    flat.stream, flat.redirect), flat.encodeResponseBody);
}
defineGlobal('fetch', fetch);

// A Fetcher sends requests through a channel binding: to another worker (a service
// binding, a user worker behind a dispatch namespace), or to whatever the binding's
// host side does with a request. `operation` and `args` go with each request.
// Only the runtime makes Fetchers (fetch_fetcher): a worker that reaches the class
// through a binding's constructor property cannot make one over another channel.
const fetch_fetcherKey = Symbol('Fetcher');

// A request's cf object as JSON for another worker ('' when it has none).
function fetch_cfJson(request) {
  const cf = body_requestCf(request);
  if (cf === undefined || cf === null) return '';
  try {
    return JSONStringify(cf) ?? '';
  } catch (error) {
    throw new TypeError(`The request's cf object cannot be sent to another worker: ${error.message}`);
  }
}

class Fetcher {
  #channel;
  #operation;
  #args;

  constructor(key, channel, operation, args) {
    if (key !== fetch_fetcherKey) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#operation = operation;
    this.#args = args;
  }

  async fetch(input, init = undefined) {
    const channel = this.#channel;
    const operation = this.#operation;
    const args = this.#args;
    const { request, signal, flat } = await fetch_prepare(input, init);
    const cf = fetch_cfJson(request);
    return await fetch_hostCall(signal, (id) => host.callFetch(id, channel, operation, args, flat.method, flat.url,
      fetch_headersString(flat.headers), flat.body ?? null, cf, flat.stream), flat.encodeResponseBody);
  }
}
webIdlClass(Fetcher);

function fetch_fetcher(channel, operation, args) {
  return new Fetcher(fetch_fetcherKey, channel, operation, args);
}
