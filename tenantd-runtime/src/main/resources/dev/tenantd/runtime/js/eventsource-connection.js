// The connection behind an EventSource (eventsource.js has the class): fetching the
// stream, parsing it into events, reconnecting after the retry time. The [eventsource]
// part of bootstrap.txt, loaded the first time an isolate opens an EventSource.
//
// Defined for eventsource.js:
//   es_connect(href, fetcher, dispatch) -> connection   fetches href (with the fetcher, if
//       not null), and again after the retry time until closed
//   es_from(stream, dispatch) -> connection             reads the events of a ReadableStream
//   connection.url, connection.readyState, connection.close()
// dispatch(event, handler) is the EventSource's: it fires `event` at its listeners and at
// the handler attribute named by `handler` ('open', 'message', 'error'; null for none).

const es_DEFAULT_RETRY_MS = 2000;
const es_MIN_RETRY_MS = 1000;
const es_MAX_RETRY_MS = 10000;

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

class es_Connection {
  constructor(url, fetcher, dispatch) {
    this.url = url;
    this.fetcher = fetcher;
    this.dispatch = dispatch;
    this.readyState = es_CONNECTING;
    this.lastEventId = '';
    this.retryMs = es_DEFAULT_RETRY_MS;
    this.controller = null;
    this.hadNoBody = false;
  }

  close() {
    if (this.readyState === es_CLOSED) return;
    this.readyState = es_CLOSED;
    if (this.controller !== null) this.controller.abort();
  }

  connect() {
    if (this.readyState === es_CLOSED) return;
    this.controller = new AbortController();
    const headers = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (this.lastEventId !== '') headers['last-event-id'] = this.lastEventId;
    const init = { headers, signal: this.controller.signal };
    let pending;
    try {
      pending = this.fetcher !== null ? this.fetcher.fetch(this.url, init) : fetch(this.url, init);
    } catch (error) {
      pending = PromiseReject(error);
    }
    PromisePrototypeThen(PromiseResolve(pending), (response) => this.opened(response),
      (error) => this.fail(error, false));
  }

  opened(response) {
    if (this.readyState === es_CLOSED) return;
    if (!response.ok) {
      this.fail(domException(`The response status code was ${response.status}.`, 'AbortError'), false);
      return;
    }
    const type = response.headers.get('content-type');
    if (type === null) {
      this.fail(domException('No content type header was present in the response.', 'AbortError'), false);
      return;
    }
    const semicolon = StringPrototypeIndexOf(type, ';');
    let essence = StringPrototypeToLowerCase(semicolon < 0 ? type : StringPrototypeSlice(type, 0, semicolon));
    while (essence.length > 0 && (essence[0] === ' ' || essence[0] === '\t')) essence = StringPrototypeSlice(essence, 1);
    while (essence.length > 0 && (essence[essence.length - 1] === ' ' || essence[essence.length - 1] === '\t')) {
      essence = StringPrototypeSlice(essence, 0, -1);
    }
    if (essence !== 'text/event-stream') {
      this.fail(domException(`The content type '${type}' is invalid.`, 'AbortError'), false);
      return;
    }
    if (response.redirected) this.url = response.url;
    if (response.body === null) {
      const again = !this.hadNoBody;
      this.hadNoBody = true;
      this.fail(new Error(again ? 'The server provided no content. Will try reconnecting.'
        : 'The server provided no content.'), again);
      return;
    }
    this.run(response.body, true);
  }

  async run(stream, reconnect) {
    // Opened after the caller's turn, so that listeners added right after from() hear it.
    const reader = stream.getReader();
    await PromiseResolve();
    if (this.readyState === es_CLOSED) {
      reader.cancel();
      return;
    }
    this.readyState = es_OPEN;
    this.dispatch(new Event('open'), 'open');
    const parser = new es_Parser((type, data, id) => {
      this.lastEventId = id;
      if (this.readyState === es_CLOSED) return;
      this.dispatch(new MessageEvent(type, { data, lastEventId: id, origin: this.origin() }),
        type === 'message' ? 'message' : null);
    }, (ms) => {
      this.retryMs = MathMin(MathMax(ms, es_MIN_RETRY_MS), es_MAX_RETRY_MS);
    }, this.lastEventId);
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (this.readyState === es_CLOSED) {
          reader.cancel();
          return;
        }
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.push(decoder.decode());
    } catch (error) {
      this.fail(error, false);
      return;
    }
    this.fail(new Error('The server disconnected.'), reconnect);
  }

  origin() {
    if (this.url === '') return '';
    try {
      return new URL(this.url).origin;
    } catch {
      return '';
    }
  }

  // The connection is over: an error event, then a new attempt after the retry time
  // (when `reconnect`) or the end.
  fail(error, reconnect) {
    if (this.readyState === es_CLOSED) return;
    if (this.controller !== null) this.controller.abort(error);
    this.readyState = reconnect ? es_CONNECTING : es_CLOSED;
    this.dispatch(new ErrorEvent('error', { message: error?.message ?? String(error), error }), 'error');
    if (reconnect && this.readyState === es_CONNECTING) {
      try {
        timers_arm(() => this.connect(), this.retryMs, [], false);
      } catch (refused) {
        // No timer for the next attempt (the worker has as many pending as it may): the connection ends here.
        this.readyState = es_CLOSED;
        this.dispatch(new ErrorEvent('error', { message: refused.message, error: refused }), 'error');
      }
    }
  }
}

function es_connect(url, fetcher, dispatch) {
  const connection = new es_Connection(url, fetcher, dispatch);
  connection.connect();
  return connection;
}

function es_from(stream, dispatch) {
  const connection = new es_Connection('', null, dispatch);
  connection.run(stream, false);
  return connection;
}
