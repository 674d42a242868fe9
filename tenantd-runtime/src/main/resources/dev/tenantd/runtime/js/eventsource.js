// EventSource as Workers have it: server-sent events read from a fetch() (or a service
// binding's fetcher) with reconnection, or from a ReadableStream with EventSource.from().
// The event stream format per HTML: UTF-8 lines, `data`, `event`, `id` and `retry` fields,
// comments, a blank line ending each event.
//
// A fetch() response body reaches the isolate whole, so `new EventSource(url)` delivers a
// response's events once it has ended; EventSource.from(stream) delivers each event as
// the stream produces it. This file holds the class (and ErrorEvent); the connection is the
// [eventsource] part of bootstrap.txt (eventsource-connection.js), loaded the first time an
// isolate opens one.

const es_CONNECTING = 0;
const es_OPEN = 1;
const es_CLOSED = 2;
const es_key = Symbol('EventSource');

class ErrorEvent extends Event {
  #message;
  #error;

  constructor(type, init = undefined) {
    requireArguments(arguments.length, 1, "Failed to construct 'ErrorEvent'");
    super(type, init);
    const options = init ?? {};
    this.#message = options.message === undefined ? '' : webIdlToString(options.message, 'message');
    this.#error = options.error;
  }

  get message() {
    return this.#message;
  }

  get error() {
    return this.#error;
  }

  get filename() {
    return '';
  }

  get lineno() {
    return 0;
  }

  get colno() {
    return 0;
  }
}
webIdlClass(ErrorEvent);
defineGlobal('ErrorEvent', ErrorEvent);

class EventSource extends EventTarget {
  #connection = null;
  #onopen = null;
  #onmessage = null;
  #onerror = null;

  constructor(url, init = undefined) {
    super();
    if (url === es_key) return;
    requireArguments(arguments.length, 1, "Failed to construct 'EventSource'");
    const text = webIdlToString(url, 'url');
    const href = urlHref(text);
    if (href === null) {
      throw domException(`Cannot open an EventSource to '${text}'. The URL is invalid.`, 'SyntaxError');
    }
    let fetcher = null;
    if (init !== undefined && init !== null) {
      if (init.withCredentials) {
        throw domException('The init.withCredentials option is not supported. It must be false or undefined.',
          'NotSupportedError');
      }
      if (init.fetcher !== undefined && init.fetcher !== null) {
        if (typeof init.fetcher.fetch !== 'function') throw new TypeError('init.fetcher must have a fetch() method.');
        fetcher = init.fetcher;
      }
    }
    this.#connection = lazy_load('eventsource').es_connect(href, fetcher,
      (event, handler) => this.#dispatch(event, handler));
  }

  static from(stream) {
    requireArguments(arguments.length, 1, "Failed to execute 'from' on 'EventSource'");
    if (!streams_isReadableStream(stream)) throw new TypeError('EventSource.from() needs a ReadableStream.');
    if (streams_isLocked(stream)) throw new TypeError('This ReadableStream is locked.');
    const source = new EventSource(es_key);
    source.#connection = lazy_load('eventsource').es_from(stream,
      (event, handler) => source.#dispatch(event, handler));
    return source;
  }

  get url() {
    return this.#connection.url;
  }

  get withCredentials() {
    return false;
  }

  get readyState() {
    return this.#connection.readyState;
  }

  close() {
    this.#connection.close();
  }

  // An event of the connection, for the listeners and then the handler attribute `handler`
  // names ('open', 'message', 'error'; null for none).
  #dispatch(event, handler) {
    const listener = handler === 'open' ? this.#onopen : handler === 'message' ? this.#onmessage
      : handler === 'error' ? this.#onerror : null;
    try {
      this.dispatchEvent(event);
      if (typeof listener === 'function') ReflectApply(listener, this, [event]);
    } catch (error) {
      reportError(error);
    }
  }

  get onopen() { return this.#onopen; }
  set onopen(value) { this.#onopen = typeof value === 'function' ? value : null; }
  get onmessage() { return this.#onmessage; }
  set onmessage(value) { this.#onmessage = typeof value === 'function' ? value : null; }
  get onerror() { return this.#onerror; }
  set onerror(value) { this.#onerror = typeof value === 'function' ? value : null; }
}
// The ready states, on the interface and its prototype (so `source.readyState === source.OPEN` works).
for (const target of [EventSource, EventSource.prototype]) {
  ObjectDefineProperty(target, 'CONNECTING', { value: es_CONNECTING, enumerable: true });
  ObjectDefineProperty(target, 'OPEN', { value: es_OPEN, enumerable: true });
  ObjectDefineProperty(target, 'CLOSED', { value: es_CLOSED, enumerable: true });
}
webIdlClass(EventSource);
defineGlobal('EventSource', EventSource);
