// node:net's client side, over connect() of cloudflare:sockets (the [sockets] part): a
// net.Socket is a Duplex stream whose writes go to the TCP connection and whose reads come
// from it, with Node's events ('connect', 'ready', 'data', 'end', 'close', 'error',
// 'timeout'). Database and mail drivers written for Node open their connections this way.
// The connection is made by the host under the platform's egress rules, as connect()'s is.
// Servers (net.createServer) and local sockets (a path) are not available on Workers.
//
// Shared: node_netFinish(net) (node/stubs.js) puts Socket, Stream, connect and
// createConnection into the module the stub table describes.

function node_netFinish(net) {
  const { Duplex } = node_require('stream');
  const { Buffer } = node_require('buffer');

  class Socket extends Duplex {
    #socket = null;
    #writer = null;
    #reader = null;
    #reading = false;
    #timeout = 0;
    #timer = null;

    constructor(options = undefined) {
      const o = options !== null && typeof options === 'object' ? options : {};
      if (o.fd !== undefined) {
        throw node_error(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'Sockets from file descriptors are not available on Workers');
      }
      super({ allowHalfOpen: o.allowHalfOpen === true, emitClose: true, autoDestroy: true, decodeStrings: true });
      this.connecting = false;
      this.remoteAddress = undefined;
      this.remotePort = undefined;
      this.remoteFamily = undefined;
      this.localAddress = undefined;
      this.localPort = undefined;
      this.bytesRead = 0;
      this.encrypted = false;
      this._bytesWritten = 0;
    }

    get bytesWritten() {
      return this._bytesWritten;
    }

    get pending() {
      return this.#socket === null || this.connecting;
    }

    get readyState() {
      if (this.connecting) return 'opening';
      if (this.readable && this.writable) return 'open';
      if (this.readable) return 'readOnly';
      if (this.writable) return 'writeOnly';
      return 'closed';
    }

    // connect(port[, host][, listener]), connect(options[, listener]).
    connect(...args) {
      let options;
      let listener;
      if (args[0] !== null && typeof args[0] === 'object') {
        options = args[0];
        listener = args[1];
      } else {
        options = { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
        listener = typeof args[1] === 'function' ? args[1] : args[2];
      }
      if (options.path !== undefined) {
        throw node_error(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'Local (path) sockets are not available on Workers');
      }
      const port = typeof options.port === 'string' && options.port !== '' ? Number(options.port) : options.port;
      if (typeof port !== 'number' || !NumberIsInteger(port) || port < 0 || port > 65535) {
        throw node_error(RangeError, 'ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${String(options.port)}.`);
      }
      if (this.#socket !== null) throw node_error(Error, 'ERR_SOCKET_CONNECTING', 'Socket is already connecting');
      if (this.destroyed) {
        // (Node would open a new connection on the old socket; this one stays closed, and says so.)
        node_require('process').nextTick(() => this.emit('error',
          node_error(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed: make a new net.Socket to connect again')));
        return this;
      }
      const host = options.host === undefined || options.host === null || options.host === '' ? 'localhost'
        : `${options.host}`;
      if (typeof listener === 'function') this.once('connect', listener);
      this.connecting = true;
      const { connect } = lazy_load('sockets');
      let socket;
      try {
        socket = connect({ hostname: host, port }, { secureTransport: options.secureTransport ?? 'off', allowHalfOpen: true });
      } catch (error) {
        this.connecting = false;
        node_require('process').nextTick(() => this.destroy(error));
        return this;
      }
      this.#socket = socket;
      this.encrypted = options.secureTransport === 'on';
      PromisePrototypeThen(socket.opened, () => {
        // Destroyed while it connected: _destroy closed it.
        if (this.destroyed) return;
        this.connecting = false;
        this.remoteAddress = host;
        this.remotePort = port;
        this.remoteFamily = node_isIPv6(host) ? 'IPv6' : 'IPv4';
        this.#writer = socket.writable.getWriter();
        this.#reader = socket.readable.getReader();
        this.#touch();
        this.emit('connect');
        if (this.encrypted) this.emit('secureConnect');
        this.emit('ready');
        if (this.#reading) this.#pump();
      }, (error) => {
        this.connecting = false;
        this.destroy(node_netError(error, host, port, 'connect'));
      });
      return this;
    }

    _read() {
      this.#reading = true;
      if (this.#reader !== null) this.#pump();
    }

    // Reads until the stream's queue is full (push answers false) or the peer ends.
    async #pump() {
      if (this.#pumping) return;
      this.#pumping = true;
      try {
        while (this.#reading && !this.destroyed) {
          const { value, done } = await this.#reader.read();
          if (this.destroyed) return;
          if (done) {
            this.push(null);
            return;
          }
          this.#touch();
          this.bytesRead += value.byteLength;
          this.#reading = this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
        }
      } catch (error) {
        this.destroy(node_netError(error, this.remoteAddress, this.remotePort, 'read'));
      } finally {
        this.#pumping = false;
      }
    }

    #pumping = false;

    _write(chunk, encoding, callback) {
      const send = () => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
        this._bytesWritten += bytes.byteLength;
        this.#touch();
        PromisePrototypeThen(this.#writer.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
          () => callback(), (error) => callback(node_netError(error, this.remoteAddress, this.remotePort, 'write')));
      };
      if (this.#writer !== null) send();
      else this.once('connect', send);
    }

    _final(callback) {
      const end = () => PromisePrototypeThen(this.#writer.close(), () => callback(), (error) => callback(error));
      if (this.#writer !== null) end();
      else if (this.connecting) this.once('connect', end);
      else callback();
    }

    _destroy(error, callback) {
      this.#clearTimer();
      this.connecting = false;
      const socket = this.#socket;
      if (socket !== null) {
        PromisePrototypeThen(socket.close(), () => callback(error), () => callback(error));
      } else {
        callback(error);
      }
    }

    // An idle time after which 'timeout' is emitted (the socket stays open, as in Node).
    setTimeout(ms, callback = undefined) {
      if (typeof ms !== 'number' || !(ms >= 0)) throw node_invalidArgType('msecs', 'of type number', ms);
      this.#timeout = ms;
      if (typeof callback === 'function') {
        if (ms === 0) this.removeListener('timeout', callback);
        else this.once('timeout', callback);
      }
      this.#touch();
      return this;
    }

    #touch() {
      this.#clearTimer();
      if (this.#timeout > 0 && !this.destroyed) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.emit('timeout');
        }, this.#timeout);
      }
    }

    #clearTimer() {
      if (this.#timer !== null) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
    }

    setNoDelay() { return this; }

    setKeepAlive() { return this; }

    ref() { return this; }

    unref() { return this; }

    address() {
      return {};
    }
  }

  function connect(...args) {
    const options = args[0] !== null && typeof args[0] === 'object' ? args[0] : {};
    return new Socket(options).connect(...args);
  }

  net.Socket = Socket;
  net.Stream = Socket;
  net.connect = connect;
  net.createConnection = connect;
  return Socket;
}

// tls.connect(options[, listener]) and tls.connect(port[, host][, options][, listener]): a
// net.Socket over a TLS connection (cloudflare:sockets' secureTransport 'on'), which emits
// 'secureConnect'. Upgrading a socket already open (options.socket) is not available.
function node_tlsFinish(tls) {
  tls.connect = (...args) => {
    let options = {};
    let listener;
    if (args[0] !== null && typeof args[0] === 'object') {
      options = args[0];
      listener = args[1];
    } else {
      let i = 1;
      options = { port: args[0] };
      if (typeof args[i] === 'string') options.host = args[i++];
      if (args[i] !== null && typeof args[i] === 'object') options = { ...args[i++], ...options };
      listener = args[i];
    }
    if (options.socket !== undefined) {
      throw node_error(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
        'Upgrading an open socket to TLS (options.socket) is not available here; connect with TLS from the start');
    }
    const Socket = node_require('net').Socket;
    const socket = new Socket(options);
    if (typeof listener === 'function') socket.once('secureConnect', listener);
    return socket.connect({ ...options, host: options.host ?? options.servername, secureTransport: 'on' });
  };
}

// A failed connection as Node reports one: an Error with a code, ECONNREFUSED when the
// connection could not be made (`syscall` connect) and ECONNRESET when an open one broke
// (read or write), naming the address.
function node_netError(error, host, port, syscall) {
  if (error !== null && typeof error === 'object' && typeof error.code === 'string') return error;
  const message = error !== null && typeof error === 'object' ? `${error.message}` : `${error}`;
  const failure = new Error(`${message}${host !== undefined ? ` (${host}:${port})` : ''}`);
  failure.code = syscall === 'connect' ? 'ECONNREFUSED' : 'ECONNRESET';
  failure.syscall = syscall;
  failure.address = host;
  failure.port = port;
  failure.cause = error;
  return failure;
}
