// EventSource as Workers have it: server-sent events read from a fetch() (or a service
// binding's fetcher) with reconnection, or from a ReadableStream with EventSource.from().
// The event stream format per HTML: UTF-8 lines, `data`, `event`, `id` and `retry` fields,
// comments, a blank line ending each event.
//
// A fetch() response body reaches the isolate whole, so `new EventSource(url)` delivers a
// response's events once it has ended; EventSource.from(stream) delivers each event as
// the stream produces it.

const es_CONNECTING = 0;
const es_OPEN = 1;
const es_CLOSED = 2;
const es_DEFAULT_RETRY_MS = 2000;
const es_MIN_RETRY_MS = 1000;
const es_MAX_RETRY_MS = 10000;
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

// Splits an event stream into events, line by line, across chunk boundaries.
class es_Parser {
  constructor(onEvent, onRetry, lastEventId) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.buffer = '';
    this.started = false;
    this.sawCR = false;
    this.data = [];
    this.type = '';
    this.id = lastEventId;
  }

  push(text) {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text[0] === '\ufeff') text = StringPrototypeSlice(text, 1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n' && this.sawCR && i === start) {
        // The LF of a CRLF split where the CR ended the previous line.
        this.sawCR = false;
        start = i + 1;
        continue;
      }
      this.sawCR = false;
      if (c === '\r' || c === '\n') {
        this.line(this.buffer + StringPrototypeSlice(text, start, i));
        this.buffer = '';
        if (c === '\r') {
          if (i + 1 < text.length && text[i + 1] === '\n') i++;
          else if (i + 1 === text.length) this.sawCR = true;
        }
        start = i + 1;
      }
    }
    this.buffer += StringPrototypeSlice(text, start);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line[0] === ':') return;
    const colon = StringPrototypeIndexOf(line, ':');
    const field = colon < 0 ? line : StringPrototypeSlice(line, 0, colon);
    let value = colon < 0 ? '' : StringPrototypeSlice(line, colon + 1);
    if (value[0] === ' ') value = StringPrototypeSlice(value, 1);
    if (field === 'data') ArrayPrototypePush(this.data, value);
    else if (field === 'event') this.type = value;
    else if (field === 'id') {
      if (!StringPrototypeIncludes(value, '\0')) this.id = value;
    } else if (field === 'retry') {
      let digits = value.length > 0;
      for (let i = 0; i < value.length; i++) if (value[i] < '0' || value[i] > '9') digits = false;
      if (digits) this.onRetry(Number(value));
    }
  }

  dispatch() {
    const data = this.data;
    const type = this.type;
    this.data = [];
    this.type = '';
    if (data.length === 0) return;
    this.onEvent(type === '' ? 'message' : type, ArrayPrototypeJoin(data, '\n'), this.id);
  }
}

class EventSource extends EventTarget {
  #url = '';
  #fetcher = null;
  #readyState = es_CONNECTING;
  #lastEventId = '';
  #retryMs = es_DEFAULT_RETRY_MS;
  #controller = null;
  #hadNoBody = false;
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
    if (init !== undefined && init !== null) {
      if (init.withCredentials) {
        throw domException('The init.withCredentials option is not supported. It must be false or undefined.',
          'NotSupportedError');
      }
      if (init.fetcher !== undefined && init.fetcher !== null) {
        if (typeof init.fetcher.fetch !== 'function') throw new TypeError('init.fetcher must have a fetch() method.');
        this.#fetcher = init.fetcher;
      }
    }
    this.#url = href;
    this.#connect();
  }

  static from(stream) {
    requireArguments(arguments.length, 1, "Failed to execute 'from' on 'EventSource'");
    if (!streams_isReadableStream(stream)) throw new TypeError('EventSource.from() needs a ReadableStream.');
    if (streams_isLocked(stream)) throw new TypeError('This ReadableStream is locked.');
    const source = new EventSource(es_key);
    source.#run(stream, false);
    return source;
  }

  get url() {
    return this.#url;
  }

  get withCredentials() {
    return false;
  }

  get readyState() {
    return this.#readyState;
  }

  close() {
    if (this.#readyState === es_CLOSED) return;
    this.#readyState = es_CLOSED;
    if (this.#controller !== null) this.#controller.abort();
  }

  #connect() {
    if (this.#readyState === es_CLOSED) return;
    this.#controller = new AbortController();
    const headers = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (this.#lastEventId !== '') headers['last-event-id'] = this.#lastEventId;
    const init = { headers, signal: this.#controller.signal };
    let pending;
    try {
      pending = this.#fetcher !== null ? this.#fetcher.fetch(this.#url, init) : fetch(this.#url, init);
    } catch (error) {
      pending = PromiseReject(error);
    }
    PromisePrototypeThen(PromiseResolve(pending), (response) => this.#opened(response),
      (error) => this.#fail(error, false));
  }

  #opened(response) {
    if (this.#readyState === es_CLOSED) return;
    if (!response.ok) {
      this.#fail(domException(`The response status code was ${response.status}.`, 'AbortError'), false);
      return;
    }
    const type = response.headers.get('content-type');
    if (type === null) {
      this.#fail(domException('No content type header was present in the response.', 'AbortError'), false);
      return;
    }
    const semicolon = StringPrototypeIndexOf(type, ';');
    let essence = StringPrototypeToLowerCase(semicolon < 0 ? type : StringPrototypeSlice(type, 0, semicolon));
    while (essence.length > 0 && (essence[0] === ' ' || essence[0] === '\t')) essence = StringPrototypeSlice(essence, 1);
    while (essence.length > 0 && (essence[essence.length - 1] === ' ' || essence[essence.length - 1] === '\t')) {
      essence = StringPrototypeSlice(essence, 0, -1);
    }
    if (essence !== 'text/event-stream') {
      this.#fail(domException(`The content type '${type}' is invalid.`, 'AbortError'), false);
      return;
    }
    if (response.redirected) this.#url = response.url;
    if (response.body === null) {
      const again = !this.#hadNoBody;
      this.#hadNoBody = true;
      this.#fail(new Error(again ? 'The server provided no content. Will try reconnecting.'
        : 'The server provided no content.'), again);
      return;
    }
    this.#run(response.body, true);
  }

  async #run(stream, reconnect) {
    // Opened after the caller's turn, so that listeners added right after from() hear it.
    const reader = stream.getReader();
    await PromiseResolve();
    if (this.#readyState === es_CLOSED) {
      reader.cancel();
      return;
    }
    this.#readyState = es_OPEN;
    this.#dispatch(new Event('open'), this.#onopen);
    const parser = new es_Parser((type, data, id) => {
      this.#lastEventId = id;
      if (this.#readyState === es_CLOSED) return;
      this.#dispatch(new MessageEvent(type, { data, lastEventId: id, origin: this.#origin() }),
        type === 'message' ? this.#onmessage : null);
    }, (ms) => {
      this.#retryMs = MathMin(MathMax(ms, es_MIN_RETRY_MS), es_MAX_RETRY_MS);
    }, this.#lastEventId);
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (this.#readyState === es_CLOSED) {
          reader.cancel();
          return;
        }
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.push(decoder.decode());
    } catch (error) {
      this.#fail(error, false);
      return;
    }
    this.#fail(new Error('The server disconnected.'), reconnect);
  }

  #origin() {
    if (this.#url === '') return '';
    try {
      return new URL(this.#url).origin;
    } catch {
      return '';
    }
  }

  // The connection is over: an error event, then a new attempt after the retry time
  // (when `reconnect`) or the end.
  #fail(error, reconnect) {
    if (this.#readyState === es_CLOSED) return;
    if (this.#controller !== null) this.#controller.abort(error);
    this.#readyState = reconnect ? es_CONNECTING : es_CLOSED;
    this.#dispatch(new ErrorEvent('error', { message: error?.message ?? String(error), error }), this.#onerror);
    if (reconnect) {
      timers_arm(() => this.#connect(), this.#retryMs, [], false);
    }
  }

  #dispatch(event, handler) {
    try {
      this.dispatchEvent(event);
      if (typeof handler === 'function') ReflectApply(handler, this, [event]);
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
ObjectDefineProperty(EventSource, 'CONNECTING', { value: es_CONNECTING, enumerable: true });
ObjectDefineProperty(EventSource, 'OPEN', { value: es_OPEN, enumerable: true });
ObjectDefineProperty(EventSource, 'CLOSED', { value: es_CLOSED, enumerable: true });
webIdlClass(EventSource);
defineGlobal('EventSource', EventSource);
