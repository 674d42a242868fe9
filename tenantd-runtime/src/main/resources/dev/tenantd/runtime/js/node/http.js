// node:http and node:https clients on top of fetch(), as workerd offers them:
// http.request()/get() return a ClientRequest (a Writable for the body) and deliver an
// IncomingMessage (a Readable of the response body). The request goes out when end() is
// called, through the same path as the worker's own fetch() calls (so subrequest limits
// and egress rules apply). Servers (createServer) are not implemented.
//
// Shared: node_httpFinish(module, defaultProtocol) (node/stubs.js) adds the client to the
// stubbed module.

const node_fetch = globalThis.fetch;

function node_httpFinish(module, defaultProtocol) {
  const { Writable, Readable } = node_require('stream');
  const { Buffer } = node_require('buffer');
  const STATUS_CODES = module.STATUS_CODES;

  class Agent extends node_require('events') {
    constructor(options = {}) {
      super();
      this.options = { ...options };
      this.defaultPort = defaultProtocol === 'https:' ? 443 : 80;
      this.protocol = defaultProtocol;
      this.keepAlive = !!options.keepAlive;
      this.maxSockets = options.maxSockets ?? Infinity;
      this.sockets = {};
      this.requests = {};
      this.freeSockets = {};
    }

    destroy() {}
  }

  class IncomingMessage extends Readable {
    constructor(response) {
      super();
      this.statusCode = response.status;
      this.statusMessage = response.statusText || STATUS_CODES[response.status] || '';
      this.httpVersion = '1.1';
      this.httpVersionMajor = 1;
      this.httpVersionMinor = 1;
      this.headers = {};
      this.rawHeaders = [];
      this.trailers = {};
      this.rawTrailers = [];
      this.url = response.url;
      this.complete = false;
      response.headers.forEach((value, name) => {
        ArrayPrototypePush(this.rawHeaders, name, value);
        if (name === 'set-cookie') return;
        this.headers[name] = value;
      });
      const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
      if (cookies.length > 0) this.headers['set-cookie'] = cookies;
      this._reader = response.body === null ? null : response.body.getReader();
      this._pulling = false;
    }

    _read() {
      if (this._pulling) return;
      if (this._reader === null) {
        this.complete = true;
        this.push(null);
        return;
      }
      this._pulling = true;
      PromisePrototypeThen(this._reader.read(), ({ value, done }) => {
        this._pulling = false;
        if (done) {
          this.complete = true;
          this.push(null);
        } else if (this.push(Buffer.from(TypedArrayPrototypeGetBuffer(value), value.byteOffset, value.byteLength))) {
          this._read();
        }
      }, (error) => {
        this._pulling = false;
        this.destroy(error);
      });
    }

    _destroy(error, callback) {
      if (this._reader !== null && !this.complete) {
        PromisePrototypeThen(this._reader.cancel(error ?? undefined), () => {}, () => {});
      }
      callback(error);
    }

    setTimeout(ms, callback) {
      if (typeof callback === 'function') this.once('timeout', callback);
      return this;
    }
  }

  class ClientRequest extends Writable {
    #url;
    #headers = new SafeMap();
    #chunks = [];
    #controller = new AbortController();
    #sent = false;

    constructor(url, options, callback) {
      // Finishing the body is when the request starts; the request lives on until its response.
      super({ autoDestroy: false });
      this.#url = url;
      this.method = StringPrototypeToUpperCase(options.method || 'GET');
      this.path = url.pathname + url.search;
      this.host = url.hostname;
      this.protocol = url.protocol;
      this.aborted = false;
      this.reusedSocket = false;
      this.maxHeadersCount = null;
      const headers = options.headers || {};
      if (ArrayIsArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
      } else {
        const names = ObjectKeys(headers);
        for (let i = 0; i < names.length; i++) this.setHeader(names[i], headers[names[i]]);
      }
      if (options.auth && !this.hasHeader('authorization')) {
        this.setHeader('authorization', `Basic ${node_bufferDecode(node_bufferEncode(String(options.auth), 'utf8'), 'base64')}`);
      }
      if (options.signal) {
        if (options.signal.aborted) this.#controller.abort(options.signal.reason);
        else options.signal.addEventListener('abort', () => this.destroy(options.signal.reason), { once: true });
      }
      if (typeof callback === 'function') this.once('response', callback);
    }

    setHeader(name, value) {
      node_validateString(name, 'name');
      if (this.#sent) throw node_error(Error, 'ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client');
      this.#headers.set(StringPrototypeToLowerCase(name), [name, value]);
      return this;
    }

    getHeader(name) {
      const entry = this.#headers.get(StringPrototypeToLowerCase(name));
      return entry === undefined ? undefined : entry[1];
    }

    hasHeader(name) {
      return this.#headers.has(StringPrototypeToLowerCase(name));
    }

    removeHeader(name) {
      this.#headers.delete(StringPrototypeToLowerCase(name));
    }

    getHeaderNames() {
      const names = [];
      this.#headers.forEach((entry, key) => ArrayPrototypePush(names, key));
      return names;
    }

    getHeaders() {
      const out = { __proto__: null };
      this.#headers.forEach((entry, key) => { out[key] = entry[1]; });
      return out;
    }

    get headersSent() {
      return this.#sent;
    }

    flushHeaders() {}

    setTimeout(ms, callback) {
      if (typeof callback === 'function') this.once('timeout', callback);
      return this;
    }

    setNoDelay() {}

    setSocketKeepAlive() {}

    abort() {
      if (this.aborted) return;
      this.aborted = true;
      this.emit('abort');
      this.destroy();
    }

    _write(chunk, encoding, callback) {
      ArrayPrototypePush(this.#chunks, chunk);
      callback();
    }

    _final(callback) {
      this.#sent = true;
      const headers = new Headers();
      this.#headers.forEach(([name, value]) => {
        if (ArrayIsArray(value)) for (let i = 0; i < value.length; i++) headers.append(name, String(value[i]));
        else headers.set(name, String(value));
      });
      const hasBody = this.#chunks.length > 0 && this.method !== 'GET' && this.method !== 'HEAD';
      const init = { method: this.method, headers, redirect: 'manual' };
      if (hasBody) init.body = Buffer.concat(this.#chunks);
      this.#chunks = [];
      callback();
      PromisePrototypeThen(node_fetch(this.#url.href, init), (response) => {
        // A request destroyed meanwhile drops its response.
        if (this.#controller.signal.aborted) {
          if (response.body !== null) PromisePrototypeThen(response.body.cancel(), () => {}, () => {});
          return;
        }
        const message = new IncomingMessage(response);
        message.req = this;
        if (this.listenerCount('response') === 0) message.resume();
        this.emit('response', message);
      }, (error) => {
        if (!this.destroyed) this.destroy(error);
      });
    }

    _destroy(error, callback) {
      this.#controller.abort(error ?? undefined);
      callback(error);
    }
  }

  function requestUrl(input, options) {
    let url;
    if (typeof input === 'string') url = new node_URL(input);
    else if (input instanceof node_URL) url = new node_URL(input.href);
    else {
      options = { ...input, ...options };
      const protocol = options.protocol || defaultProtocol;
      const host = options.hostname || options.host || 'localhost';
      const port = options.port ? `:${options.port}` : '';
      const hostPart = StringPrototypeIncludes(host, ':') && !StringPrototypeStartsWith(host, '[') ? `[${host}]` : host;
      url = new node_URL(`${protocol}//${hostPart}${port}${options.path || '/'}`);
      return { url, options };
    }
    return { url, options: options || {} };
  }

  function request(input, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    const resolved = requestUrl(input, options);
    if (resolved.url.protocol !== 'http:' && resolved.url.protocol !== 'https:') {
      throw node_error(TypeError, 'ERR_INVALID_PROTOCOL', `Protocol "${resolved.url.protocol}" not supported. Expected "${defaultProtocol}"`);
    }
    return new ClientRequest(resolved.url, resolved.options, callback);
  }

  function get(input, options, callback) {
    const req = request(input, options, callback);
    req.end();
    return req;
  }

  module.request = request;
  module.get = get;
  module.Agent = Agent;
  module.globalAgent = new Agent();
  module.ClientRequest = ClientRequest;
  module.IncomingMessage = IncomingMessage;
}
