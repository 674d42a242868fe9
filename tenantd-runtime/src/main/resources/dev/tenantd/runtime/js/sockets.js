// TCP sockets: connect() of the cloudflare:sockets module. The host opens the connection
// (under the platform's egress rules) and names it by a number; every read, write and close
// is a host call on that number. Reads are pulled: the readable side asks for the next
// chunk only when its queue has room, so a worker that stops reading stops the peer.
// This file is the [sockets] part of bootstrap.txt: builtins.js defines the module and
// loads the part the first time a worker imports it.

const sockets_key = Symbol('Socket');
const sockets_WRITE_PIECE = 64 * 1024;
const sockets_transports = { __proto__: null, off: 'off', on: 'on', starttls: 'starttls' };

function sockets_call(operation, id, text, bytes) {
  return fetch_hostCall(null, (call) => host.socket(call, operation, id, text, bytes));
}

// `host:port`, `[v6]:port`, or {hostname, port}: [hostname, port, the address as written].
function sockets_address(address) {
  if (address !== null && typeof address === 'object') {
    const hostname = webIdlToString(address.hostname, 'hostname');
    const port = address.port;
    if (typeof port !== 'number' || !NumberIsInteger(port) || port < 0 || port > 65535) {
      throw new TypeError('The port must be an integer between 0 and 65535.');
    }
    if (hostname === '') throw new TypeError('Specified address is missing hostname.');
    return [hostname, port, `${hostname}:${port}`];
  }
  const text = webIdlToString(address, 'address');
  const colon = StringPrototypeLastIndexOf(text, ':');
  const bracket = StringPrototypeLastIndexOf(text, ']');
  if (colon < 0 || colon < bracket) throw new TypeError('Specified address is missing port.');
  const hostname = StringPrototypeSlice(text, 0, colon);
  const portText = StringPrototypeSlice(text, colon + 1);
  if (hostname === '') throw new TypeError('Specified address is missing hostname.');
  if (portText === '') throw new TypeError('Specified address is missing port.');
  let port = 0;
  for (let i = 0; i < portText.length; i++) {
    const digit = StringPrototypeCharCodeAt(portText, i) - 48;
    if (digit < 0 || digit > 9) throw new TypeError('Specified address could not be parsed.');
    port = port * 10 + digit;
  }
  if (port > 65535) throw new TypeError('Specified address could not be parsed.');
  return [hostname, port, text];
}

// Letters, digits, `-._` and the brackets and colons of IPv6 literals, at most 255 characters:
// what a host name or address literal can hold (the host checks again).
function sockets_validHost(hostname) {
  if (hostname.length === 0 || hostname.length > 255) return false;
  for (let i = 0; i < hostname.length; i++) {
    const c = StringPrototypeCharCodeAt(hostname, i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
      || c === 45 || c === 46 || c === 95 || c === 91 || c === 93 || c === 58;
    if (!ok) return false;
  }
  return true;
}

function sockets_bytes(chunk) {
  if (isArrayBuffer(chunk)) return new Uint8Array(chunk);
  if (ArrayBufferIsView(chunk)) return viewBytes(chunk);
  throw new TypeError('A socket can only write ArrayBuffer or ArrayBufferView chunks; encode strings with TextEncoder.');
}

class Socket {
  #id = 0;
  #address;
  #transport;
  #allowHalfOpen;
  #connected;
  #readable;
  #writable;
  #opened;
  #closed;
  #resolveClosed;
  #rejectClosed;
  #closing = false;
  #done = false;
  #upgraded = false;
  #readEnded = false;
  #writeEnded = false;

  // connecting: a promise of the host's "<socket> <remote address>" answer.
  constructor(key, connecting, address, transport, allowHalfOpen) {
    if (key !== sockets_key) throw new TypeError('Illegal constructor');
    this.#address = address;
    this.#transport = transport;
    this.#allowHalfOpen = allowHalfOpen;
    this.#closed = new Promise((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    PromisePrototypeThen(this.#closed, undefined, () => {});
    this.#connected = PromisePrototypeThen(connecting, (answer) => {
      const text = answer.text;
      this.#id = NumberParseInt(StringPrototypeSlice(text, 0, StringPrototypeIndexOf(text, ' ')), 10);
      if (this.#closing) sockets_call('close', this.#id, '', null);
      return this.#id;
    });
    this.#opened = PromisePrototypeThen(this.#connected,
      () => ({ remoteAddress: this.#address, localAddress: undefined }),
      (error) => {
        this.#fail(error);
        throw error;
      });
    PromisePrototypeThen(this.#opened, undefined, () => {});
    this.#readable = streams_newReadable({
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#endRead(),
    }, { highWaterMark: 0 });
    this.#writable = streams_newWritable({
      start: (controller) => {
        this.#writerController = controller;
      },
      write: (chunk) => this.#write(chunk),
      close: () => this.#endWrite(),
      abort: () => this.close(),
    });
  }

  #writerController = null;
  #readerController = null;

  async #pull(controller) {
    this.#readerController = controller;
    const id = await this.#connected;
    if (this.#done) return;
    let answer;
    try {
      answer = await sockets_call('read', id, '', null);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (this.#done) return;
    if (answer.text === 'eof') {
      streams_close(controller);
      this.#readEnded = true;
      if (!this.#allowHalfOpen || this.#writeEnded) this.#finish();
      return;
    }
    streams_enqueue(controller, answer.bytes ?? new Uint8Array(0));
  }

  async #write(chunk) {
    const bytes = sockets_bytes(chunk);
    const id = await this.#connected;
    if (this.#done) throw new TypeError('The socket is closed.');
    const length = TypedArrayPrototypeGetLength(bytes);
    // In pieces: what a write sends is held in the host until the peer takes it, so a piece at a
    // time keeps a socket whose peer stops reading to one piece there, whatever the chunk's size.
    for (let at = 0; at < length; at += sockets_WRITE_PIECE) {
      if (this.#done) throw new TypeError('The socket is closed.');
      const end = MathMin(length, at + sockets_WRITE_PIECE);
      await sockets_call('write', id, '', bodyToHost(at === 0 && end === length ? bytes
        : TypedArrayPrototypeSubarray(bytes, at, end)));
    }
  }

  async #endWrite() {
    const id = await this.#connected;
    if (this.#done) return;
    await sockets_call('end', id, '', null);
    this.#writeEnded = true;
    if (this.#readEnded) this.#finish();
  }

  #endRead() {
    this.#readEnded = true;
    if (this.#writeEnded || !this.#allowHalfOpen) this.#finish();
  }

  // Both sides are done: the connection is let go and `closed` resolves.
  #finish() {
    if (this.#done) return;
    this.#done = true;
    if (this.#id !== 0) sockets_call('close', this.#id, '', null);
    this.#resolveClosed(undefined);
  }

  #fail(error) {
    if (this.#done) return;
    this.#done = true;
    if (this.#readerController !== null) {
      try { streams_error(this.#readerController, error); } catch { /* already closed */ }
    }
    if (this.#writerController !== null) streams_errorWritable(this.#writerController, error);
    if (this.#id !== 0) sockets_call('close', this.#id, '', null);
    this.#rejectClosed(error);
  }

  get readable() {
    return this.#readable;
  }

  get writable() {
    return this.#writable;
  }

  get opened() {
    return this.#opened;
  }

  get closed() {
    return this.#closed;
  }

  get upgraded() {
    return this.#upgraded;
  }

  get secureTransport() {
    return this.#transport;
  }

  close() {
    if (!this.#closing) {
      this.#closing = true;
      const error = new TypeError('The socket was closed.');
      if (this.#readerController !== null) {
        try { streams_close(this.#readerController); } catch { /* already closed or errored */ }
      }
      if (this.#writerController !== null) streams_errorWritable(this.#writerController, error);
      PromisePrototypeThen(this.#connected, () => this.#finish(), () => this.#finish());
    }
    return this.#closed;
  }

  startTls(options = undefined) {
    if (this.#transport === 'on') throw new TypeError('Cannot startTls on a TLS socket.');
    if (this.#transport !== 'starttls') {
      throw new TypeError("The `secureTransport` socket option must be set to 'starttls' for startTls to be used.");
    }
    if (this.#upgraded) throw new TypeError('startTls can only be called once.');
    if (options !== undefined && options !== null && options.expectedServerHostname !== undefined) {
      throw new TypeError('The expectedServerHostname option is not currently supported in startTls.');
    }
    if (this.#closing || this.#done) throw new TypeError('The connection was closed before startTls could be started.');
    this.#upgraded = true;
    // The plain-text streams are handed over: this socket's sides stop, the new socket's begin.
    this.#done = true;
    if (this.#readerController !== null) {
      try { streams_close(this.#readerController); } catch { /* already closed */ }
    }
    const connected = this.#connected;
    const upgrading = PromisePrototypeThen(connected, async (id) => {
      await sockets_call('startTls', id, '', null);
      return { text: `${id} ${this.#address}` };
    });
    this.#resolveClosed(undefined);
    return new Socket(sockets_key, upgrading, this.#address, 'on', this.#allowHalfOpen);
  }
}
webIdlClass(Socket);

function connect(address, options = undefined) {
  requireArguments(arguments.length, 1, "Failed to execute 'connect'");
  const [hostname, port, written] = sockets_address(address);
  if (!sockets_validHost(hostname)) {
    throw new TypeError('Specified address is empty string, contains unsupported characters or is too long.');
  }
  let transport = 'off';
  let allowHalfOpen = false;
  if (options !== undefined && options !== null) {
    if (options.secureTransport !== undefined) {
      const value = webIdlToString(options.secureTransport, 'secureTransport');
      transport = sockets_transports[value];
      if (transport === undefined) throw new TypeError(`Unsupported value in secureTransport socket option: ${value}`);
    }
    allowHalfOpen = !!options.allowHalfOpen;
  }
  const connecting = sockets_call('connect', 0, `${transport} ${port} ${hostname}`, null);
  return new Socket(sockets_key, connecting, written, transport, allowHalfOpen);
}
