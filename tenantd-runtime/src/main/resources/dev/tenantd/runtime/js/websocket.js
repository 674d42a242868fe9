// WebSocket, WebSocketPair, MessageEvent and CloseEvent as Workers have them. Every
// WebSocket is one end of a connection the host holds (a pipe between the two ends
// of a pair, or a connection to a client or another server); the isolate knows each
// by its id. Messages for an accepted end arrive as turns through
// entryPoints.socketEvent; what a worker sends goes out in one host call per message.
//
// Shared with other files:
//   ws_isWebSocket(value)
//   ws_release(webSocket) -> id     a WebSocket handed on in a Response (it leaves the isolate)
//   ws_fromHost(id) -> WebSocket    an end that came in with a Response (fetch, a worker's answer)

const ws_CONNECTING = 0;
const ws_OPEN = 1;
const ws_CLOSING = 2;
const ws_CLOSED = 3;
const ws_MAX_REASON_BYTES = 123;
const ws_byId = new SafeMap();
const ws_token = Symbol('WebSocket');
let ws_state;

class MessageEvent extends Event {
  #data;
  #origin;
  #lastEventId;

  constructor(type, init = undefined) {
    requireArguments(arguments.length, 1, "Failed to construct 'MessageEvent'");
    super(type, init);
    const options = init ?? {};
    this.#data = options.data === undefined ? null : options.data;
    this.#origin = options.origin === undefined ? '' : webIdlToString(options.origin, 'origin');
    this.#lastEventId = options.lastEventId === undefined ? '' : webIdlToString(options.lastEventId, 'lastEventId');
  }

  get data() {
    return this.#data;
  }

  get origin() {
    return this.#origin;
  }

  get lastEventId() {
    return this.#lastEventId;
  }

  get source() {
    return null;
  }

  get ports() {
    return [];
  }
}
webIdlClass(MessageEvent);
defineGlobal('MessageEvent', MessageEvent);

class CloseEvent extends Event {
  #code;
  #reason;
  #wasClean;

  constructor(type, init = undefined) {
    requireArguments(arguments.length, 1, "Failed to construct 'CloseEvent'");
    super(type, init);
    const options = init ?? {};
    this.#code = options.code === undefined ? 0 : Number(options.code);
    this.#reason = options.reason === undefined ? '' : String(options.reason);
    this.#wasClean = Boolean(options.wasClean);
  }

  get code() {
    return this.#code;
  }

  get reason() {
    return this.#reason;
  }

  get wasClean() {
    return this.#wasClean;
  }
}
webIdlClass(CloseEvent);
defineGlobal('CloseEvent', CloseEvent);

class WebSocket extends EventTarget {
  #s;

  // `new WebSocket(url, protocols)` connects to a server through fetch() (the same egress
  // rules and subrequest count); the runtime makes the other WebSockets with ws_make.
  constructor(url, protocols = undefined) {
    super();
    if (url === ws_token) {
      this.#s = protocols;
      return;
    }
    requireArguments(arguments.length, 1, "Failed to construct 'WebSocket'");
    const what = 'WebSocket Constructor: ';
    let parsed;
    try {
      parsed = new URL(webIdlToString(url, 'url'));
    } catch {
      throw domException(`${what}The url is invalid.`, 'SyntaxError');
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw domException(`${what}The url scheme must be ws or wss.`, 'SyntaxError');
    }
    if (parsed.hash !== '') throw domException(`${what}The url fragment must be empty.`, 'SyntaxError');
    const headers = [['upgrade', 'websocket']];
    const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : copyList(protocols);
    for (let i = 0; i < list.length; i++) {
      const token = String(list[i]);
      if (!regExpTest(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, token)) {
        throw domException(`${what}The protocol header token is invalid.`, 'SyntaxError');
      }
      if (ArrayPrototypeIndexOf(list, list[i]) !== i) {
        throw domException(`${what}The protocols header cannot have repeating values.`, 'SyntaxError');
      }
    }
    if (list.length > 0) ArrayPrototypePush(headers, ['sec-websocket-protocol', ArrayPrototypeJoin(list, ', ')]);
    const href = (parsed.protocol === 'ws:' ? 'http:' : 'https:') + StringPrototypeSlice(parsed.href, parsed.protocol.length);
    this.#s = ws_newState(0, 'connecting');
    this.#s.url = parsed.href;
    ws_connect(this, this.#s, href, headers);
  }

  static {
    ws_state = (value) => {
      if (value === null || typeof value !== 'object' || !(#s in value)) throw new TypeError('Illegal invocation');
      return value.#s;
    };
  }

  get readyState() {
    return ws_state(this).readyState;
  }

  get url() {
    return ws_state(this).url;
  }

  get protocol() {
    return ws_state(this).protocol;
  }

  get extensions() {
    return '';
  }

  get binaryType() {
    return ws_state(this).binaryType;
  }

  set binaryType(value) {
    const s = ws_state(this);
    if (value === 'arraybuffer' || value === 'blob') s.binaryType = value;
  }

  accept(options = undefined) {
    const s = ws_state(this);
    if (s.phase === 'connecting' || s.fromConstructor) {
      throw new TypeError("Websockets obtained from the 'new WebSocket()' constructor cannot call accept");
    }
    if (s.phase === 'released') throw new TypeError("Can't accept() WebSocket that was already used in a response.");
    if (s.phase !== 'pending') return;
    ws_accept(this, s);
  }

  send(message) {
    requireArguments(arguments.length, 1, "Failed to execute 'send' on 'WebSocket'");
    const s = ws_state(this);
    if (s.closedOutgoing) throw new TypeError("Can't call WebSocket send() after close().");
    if (s.phase === 'released' || s.phase === 'gone') return;
    if (s.phase !== 'accepted') {
      throw new TypeError('You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.');
    }
    if (isArrayBuffer(message)) {
      host.wsSend(s.id, null, ArrayBufferPrototypeGetByteLength(message) === 0 ? null : bodyToHost(new Uint8Array(message)));
    } else if (ArrayBufferIsView(message)) {
      const bytes = viewBytes(message);
      host.wsSend(s.id, null, TypedArrayPrototypeGetLength(bytes) === 0 ? null : bodyToHost(new Uint8Array(bytes)));
    } else {
      host.wsSend(s.id, webIdlToString(message, 'message'), null);
    }
  }

  close(code = undefined, reason = undefined) {
    const s = ws_state(this);
    if (code !== undefined) {
      code = NumberIsFinite(Number(code)) ? MathTrunc(Number(code)) : 0;
      if (!(code >= 1000 && code < 5000) || code === 1004 || code === 1005 || code === 1006 || code === 1015) {
        throw domException(`Invalid WebSocket close code: ${code}.`, 'InvalidAccessError');
      }
    }
    if (reason !== undefined) {
      reason = StringPrototypeToWellFormed(webIdlToString(reason, 'reason'));
      if (TypedArrayPrototypeGetLength(fetchapi_encode(reason)) > ws_MAX_REASON_BYTES) {
        throw domException('WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.', 'SyntaxError');
      }
      if (code === undefined) {
        throw domException('If you specify a WebSocket close reason, you must also specify a code.', 'InvalidAccessError');
      }
    }
    if (s.phase === 'connecting') {
      s.phase = 'gone';
      s.readyState = ws_CLOSED;
      return;
    }
    if (s.closedOutgoing || s.phase === 'released' || s.phase === 'gone') return;
    if (s.phase !== 'accepted') {
      throw new TypeError('You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.');
    }
    s.closedOutgoing = true;
    s.readyState = s.closedIncoming ? ws_CLOSED : ws_CLOSING;
    host.wsClose(s.id, code ?? 1005, reason ?? '');
  }

  serializeAttachment(value) {
    ws_state(this).attachment = structuredClone(value);
  }

  deserializeAttachment() {
    const attachment = ws_state(this).attachment;
    return attachment === undefined ? null : structuredClone(attachment);
  }
}
for (const [name, value] of [['CONNECTING', ws_CONNECTING], ['OPEN', ws_OPEN], ['CLOSING', ws_CLOSING],
  ['CLOSED', ws_CLOSED], ['READY_STATE_CONNECTING', ws_CONNECTING], ['READY_STATE_OPEN', ws_OPEN],
  ['READY_STATE_CLOSING', ws_CLOSING], ['READY_STATE_CLOSED', ws_CLOSED]]) {
  ObjectDefineProperty(WebSocket, name, { value, enumerable: true });
  ObjectDefineProperty(WebSocket.prototype, name, { value, enumerable: true });
}
events_defineHandler(WebSocket, 'onopen');
events_defineHandler(WebSocket, 'onmessage');
events_defineHandler(WebSocket, 'onclose');
events_defineHandler(WebSocket, 'onerror');
webIdlClass(WebSocket);
defineGlobal('WebSocket', WebSocket);

class WebSocketPair {
  constructor() {
    const first = host.wsPair();
    if (first === 0) {
      throw new RangeError('Too many WebSockets are open in this worker: close some before opening more.');
    }
    ObjectDefineProperty(this, 0, { value: ws_make(first), enumerable: true });
    ObjectDefineProperty(this, 1, { value: ws_make(first + 1), enumerable: true });
  }

  *[SymbolIterator]() {
    yield this[0];
    yield this[1];
  }
}
webIdlClass(WebSocketPair);
defineGlobal('WebSocketPair', WebSocketPair);

// phase: 'connecting' (new WebSocket() waiting for its server), 'pending' (neither accepted
// nor handed on), 'accepted' (events arrive here), 'released' (handed on in a Response),
// 'gone' (the connection failed or the host let it go).
function ws_newState(id, phase) {
  return {
    id, phase, readyState: phase === 'connecting' ? ws_CONNECTING : ws_OPEN, url: null, protocol: '',
    binaryType: worker_flags.websocket_standard_binary_type ? 'blob' : 'arraybuffer', closedOutgoing: false, closedIncoming: false, fromConstructor: phase === 'connecting',
    attachment: undefined,
  };
}

function ws_make(id) {
  return new WebSocket(ws_token, ws_newState(id, 'pending'));
}

function ws_accept(socket, s) {
  const accepted = host.wsAccept(s.id);
  if (accepted === -1) {
    throw new Error('Disallowed operation called within global scope: a WebSocket can only be accepted while '
      + 'handling a request or another event.');
  }
  if (accepted !== 1) {
    throw new RangeError('Too many WebSockets are open in this worker: close some before accepting more.');
  }
  s.phase = 'accepted';
  ws_byId.set(s.id, socket);
}

async function ws_connect(socket, s, href, headers) {
  let response;
  try {
    response = await fetch(href, { headers });
    const end = response.webSocket;
    if (s.phase !== 'connecting') {
      if (end !== null) ws_abandon(ws_state(end));
      return;
    }
    if (response.status !== 101 || end === null) {
      throw new TypeError(`WebSocket Constructor: the server answered ${response.status} instead of switching protocols.`);
    }
    const other = ws_state(end);
    s.id = other.id;
    other.phase = 'released';
    s.protocol = headersGet(response.headers, 'sec-websocket-protocol') ?? '';
    ws_accept(socket, s);
    s.readyState = ws_OPEN;
    socket.dispatchEvent(new Event('open'));
  } catch (error) {
    if (s.phase !== 'connecting') return;
    s.phase = 'gone';
    s.readyState = ws_CLOSED;
    socket.dispatchEvent(new ErrorEventLike(error));
    socket.dispatchEvent(new CloseEvent('close', { code: 1006, reason: 'Failed to establish websocket connection', wasClean: false }));
  }
}

// The 'error' event of a failed connection: an Event carrying the error and its message.
class ErrorEventLike extends Event {
  #error;

  constructor(error) {
    super('error');
    this.#error = error;
  }

  get error() {
    return this.#error;
  }

  get message() {
    return this.#error !== null && typeof this.#error === 'object' ? String(this.#error.message) : String(this.#error);
  }
}
webIdlClass(ErrorEventLike, 'ErrorEvent');

// An end nobody will use: closed at once, so that the other side learns of it.
function ws_abandon(s) {
  if (s.phase === 'pending') {
    s.phase = 'gone';
    host.wsClose(s.id, 1006, '');
  }
}

function ws_isWebSocket(value) {
  try {
    ws_state(value);
    return true;
  } catch {
    return false;
  }
}

function ws_release(socket) {
  const s = ws_state(socket);
  if (s.fromConstructor) throw new TypeError("Can't return WebSocket in a Response if it was created with `new WebSocket()`");
  if (s.phase === 'released') throw new TypeError("Can't return WebSocket that was already used in a response.");
  if (s.phase === 'accepted') throw new TypeError("Can't return WebSocket in a Response after calling accept().");
  s.phase = 'released';
  return s.id;
}

function ws_fromHost(id) {
  return ws_make(id);
}

// kind: 0 text, 1 binary, 2 close (code, reason; `clean` whether a close frame came).
entryPoints.socketEvent = function socketEvent(epochMs, id, kind, text, buffer, code, clean) {
  clock_turn(epochMs);
  const socket = ws_byId.get(id);
  if (socket === undefined) return;
  const s = ws_state(socket);
  if (kind === 2) {
    ws_byId.delete(id);
    s.closedIncoming = true;
    s.readyState = ws_CLOSED;
    if (code === 1009 || code === 1011) socket.dispatchEvent(new ErrorEventLike(new Error(text)));
    socket.dispatchEvent(new CloseEvent('close', { code, reason: text, wasClean: clean }));
    return;
  }
  let data;
  if (kind === 0) {
    data = text;
  } else {
    const bytes = buffer === null || ArrayBufferPrototypeGetByteLength(buffer) === 0 ? new Uint8Array(0) : memory_fromHost(buffer);
    data = s.binaryType === 'blob' ? new Blob([bytes]) : TypedArrayPrototypeGetBuffer(bytes);
  }
  socket.dispatchEvent(new MessageEvent('message', { data }));
};
