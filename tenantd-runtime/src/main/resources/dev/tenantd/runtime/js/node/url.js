// node:url (the WHATWG URL and URLSearchParams, fileURLToPath, pathToFileURL,
// the legacy parse/format/resolve) and node:querystring.

node_define('querystring', () => {
  function unescape(string) {
    try {
      return decodeURIComponent(string);
    } catch {
      // Node decodes what it can of a malformed sequence and keeps the rest as it is.
      let out = '';
      for (let i = 0; i < string.length; i++) {
        if (string[i] === '%' && i + 2 < string.length + 0 && node_hexValue(StringPrototypeCharCodeAt(string, i + 1)) >= 0
          && node_hexValue(StringPrototypeCharCodeAt(string, i + 2)) >= 0) {
          const byte = (node_hexValue(StringPrototypeCharCodeAt(string, i + 1)) << 4) | node_hexValue(StringPrototypeCharCodeAt(string, i + 2));
          out += byte < 128 ? StringFromCharCode(byte) : '\ufffd';
          i += 2;
        } else {
          out += string[i];
        }
      }
      return out;
    }
  }

  function escape(string) {
    if (typeof string !== 'string') {
      if (typeof string === 'object') string = String(string);
      else string += '';
    }
    try {
      return encodeURIComponent(string);
    } catch {
      throw node_error(URIError, 'ERR_INVALID_URI', 'URI malformed');
    }
  }

  function stringifyPrimitive(value) {
    if (typeof value === 'string') return value;
    if ((typeof value === 'number' && NumberIsFinite(value)) || typeof value === 'bigint') return `${value}`;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    return '';
  }

  function stringify(object, sep = '&', eq = '=', options = undefined) {
    const encode = options && typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : escape;
    if (object === null || typeof object !== 'object') return '';
    const keys = ObjectKeys(object);
    const parts = [];
    for (let i = 0; i < keys.length; i++) {
      const value = object[keys[i]];
      const key = `${encode(stringifyPrimitive(keys[i]))}${eq}`;
      if (ArrayIsArray(value)) {
        for (let j = 0; j < value.length; j++) ArrayPrototypePush(parts, key + encode(stringifyPrimitive(value[j])));
      } else {
        ArrayPrototypePush(parts, key + encode(stringifyPrimitive(value)));
      }
    }
    return ArrayPrototypeJoin(parts, sep);
  }

  function parse(string, sep = '&', eq = '=', options = undefined) {
    const out = { __proto__: null };
    if (typeof string !== 'string' || string.length === 0) return out;
    sep = sep || '&';
    eq = eq || '=';
    const decode = options && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape;
    const maxKeys = options && typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
    let pieces = string.split(sep);
    if (maxKeys > 0 && pieces.length > maxKeys) pieces = copyList(pieces, 0, maxKeys);
    for (let i = 0; i < pieces.length; i++) {
      const piece = StringPrototypeReplaceAll(pieces[i], '+', ' ');
      if (piece.length === 0 && pieces.length > 1) continue;
      const at = StringPrototypeIndexOf(piece, eq);
      const key = decode(at >= 0 ? StringPrototypeSlice(piece, 0, at) : piece);
      const value = at >= 0 ? decode(StringPrototypeSlice(piece, at + eq.length)) : '';
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else if (ArrayIsArray(existing)) ArrayPrototypePush(existing, value);
      else out[key] = [existing, value];
    }
    return out;
  }

  return {
    parse, stringify, escape, unescape, decode: parse, encode: stringify,
    unescapeBuffer: (string) => node_require('buffer').Buffer.from(unescape(string)),
  };
});

node_define('url', () => {
  const querystring = node_require('querystring');
  const slashedProtocols = ['http:', 'https:', 'ftp:', 'gopher:', 'file:', 'ws:', 'wss:'];

  function Url() {
    this.protocol = null;
    this.slashes = null;
    this.auth = null;
    this.host = null;
    this.port = null;
    this.hostname = null;
    this.hash = null;
    this.search = null;
    this.query = null;
    this.pathname = null;
    this.path = null;
    this.href = null;
  }

  function urlParse(url, parseQueryString = false, slashesDenoteHost = false) {
    if (url instanceof Url) return url;
    node_validateString(url, 'url');
    const out = new Url();
    let rest = url.trim();
    const hashAt = StringPrototypeIndexOf(rest, '#');
    if (hashAt >= 0) {
      out.hash = StringPrototypeSlice(rest, hashAt);
      rest = StringPrototypeSlice(rest, 0, hashAt);
    }
    const queryAt = StringPrototypeIndexOf(rest, '?');
    if (queryAt >= 0) {
      out.search = StringPrototypeSlice(rest, queryAt);
      out.query = StringPrototypeSlice(rest, queryAt + 1);
      rest = StringPrototypeSlice(rest, 0, queryAt);
    } else if (parseQueryString) {
      out.search = '';
      out.query = { __proto__: null };
    }
    rest = StringPrototypeReplaceAll(rest, '\\', '/');
    const protocol = RegExpPrototypeExec(/^[a-z0-9.+-]+:/i, rest);
    if (protocol !== null) {
      out.protocol = StringPrototypeToLowerCase(protocol[0]);
      rest = StringPrototypeSlice(rest, protocol[0].length);
    }
    if ((slashesDenoteHost || protocol !== null) && StringPrototypeStartsWith(rest, '//')
      && out.protocol !== 'javascript:') {
      out.slashes = true;
      rest = StringPrototypeSlice(rest, 2);
      let hostEnd = rest.length;
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '/') {
          hostEnd = i;
          break;
        }
      }
      let host = StringPrototypeSlice(rest, 0, hostEnd);
      rest = StringPrototypeSlice(rest, hostEnd);
      const at = StringPrototypeLastIndexOf(host, '@');
      if (at >= 0) {
        out.auth = decodeURIComponent(StringPrototypeSlice(host, 0, at));
        host = StringPrototypeSlice(host, at + 1);
      }
      const port = RegExpPrototypeExec(/:([0-9]*)$/, host);
      if (port !== null) {
        if (port[1] !== '') out.port = port[1];
        host = StringPrototypeSlice(host, 0, host.length - port[0].length);
      }
      out.hostname = StringPrototypeToLowerCase(host);
      out.host = out.port !== null ? `${out.hostname}:${out.port}` : out.hostname;
    }
    if (rest.length > 0) out.pathname = rest;
    else if (out.slashes && ArrayPrototypeIncludes(slashedProtocols, out.protocol)) out.pathname = '/';
    if (parseQueryString && typeof out.query === 'string') out.query = querystring.parse(out.query);
    if (out.pathname !== null || out.search !== null) out.path = (out.pathname ?? '') + (out.search ?? '');
    out.href = urlFormat(out);
    return out;
  }

  function urlFormat(object, options) {
    if (typeof object === 'string') object = urlParse(object);
    else if (object === null || typeof object !== 'object') {
      throw node_invalidArgType('urlObject', 'one of type object or string', object);
    }
    if (object instanceof node_URL) {
      const url = new node_URL(object.href);
      if (options && options.auth === false) {
        url.username = '';
        url.password = '';
      }
      if (options && options.search === false) url.search = '';
      if (options && options.fragment === false) url.hash = '';
      return url.href;
    }
    let auth = object.auth || '';
    if (auth) auth = `${StringPrototypeReplaceAll(encodeURIComponent(auth), '%3A', ':')}@`;
    let protocol = object.protocol || '';
    if (protocol && !StringPrototypeEndsWith(protocol, ':')) protocol += ':';
    let host = '';
    if (object.host) host = auth + object.host;
    else if (object.hostname) {
      const hostname = StringPrototypeIncludes(object.hostname, ':') ? `[${object.hostname}]` : object.hostname;
      host = auth + hostname + (object.port ? `:${object.port}` : '');
    }
    let pathname = object.pathname || '';
    let hash = object.hash || '';
    let search = object.search || '';
    if (!search && object.query && typeof object.query === 'object' && ObjectKeys(object.query).length > 0) {
      search = `?${querystring.stringify(object.query)}`;
    }
    if (object.slashes || ((!protocol || ArrayPrototypeIncludes(slashedProtocols, protocol)) && host !== '')) {
      host = `//${host}`;
      if (pathname && pathname[0] !== '/') pathname = `/${pathname}`;
    }
    if (search && search[0] !== '?') search = `?${search}`;
    if (hash && hash[0] !== '#') hash = `#${hash}`;
    pathname = StringPrototypeReplaceAll(StringPrototypeReplaceAll(pathname, '#', '%23'), '?', '%3F');
    search = StringPrototypeReplaceAll(search, '#', '%23');
    return `${protocol}${host}${pathname}${search}${hash}`;
  }

  function urlResolve(from, to) {
    const resolved = new node_URL(to, new node_URL(from, 'resolve://'));
    if (resolved.protocol === 'resolve:') {
      return resolved.pathname + resolved.search + resolved.hash;
    }
    return resolved.href;
  }

  function fileURLToPath(path) {
    const url = typeof path === 'string' ? new node_URL(path) : path;
    if (!(url instanceof node_URL)) throw node_invalidArgType('path', 'of type string or an instance of URL', path);
    if (url.protocol !== 'file:') throw node_error(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
    if (url.hostname !== '') {
      throw node_error(TypeError, 'ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux');
    }
    const pathname = url.pathname;
    for (let i = 0; i < pathname.length - 2; i++) {
      if (pathname[i] === '%' && pathname[i + 1] === '2' && (pathname[i + 2] === 'f' || pathname[i + 2] === 'F')) {
        throw node_error(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
      }
    }
    return decodeURIComponent(pathname);
  }

  function pathToFileURL(filepath) {
    node_validateString(filepath, 'path');
    let resolved = node_require('path').resolve(filepath);
    if (StringPrototypeEndsWith(filepath, '/') && !StringPrototypeEndsWith(resolved, '/')) resolved += '/';
    let encoded = '';
    for (let i = 0; i < resolved.length; i++) {
      const ch = resolved[i];
      if (ch === '%') encoded += '%25';
      else if (ch === '\\') encoded += '%5C';
      else if (ch === '\n') encoded += '%0A';
      else if (ch === '\r') encoded += '%0D';
      else if (ch === '\t') encoded += '%09';
      else if (ch === '#') encoded += '%23';
      else if (ch === '?') encoded += '%3F';
      else encoded += ch;
    }
    return new node_URL(`file://${encoded}`);
  }

  function urlToHttpOptions(url) {
    const options = {
      protocol: url.protocol,
      hostname: StringPrototypeStartsWith(url.hostname, '[') ? StringPrototypeSlice(url.hostname, 1, -1) : url.hostname,
      hash: url.hash,
      search: url.search,
      pathname: url.pathname,
      path: `${url.pathname || ''}${url.search || ''}`,
      href: url.href,
    };
    if (url.port !== '') options.port = Number(url.port);
    if (url.username || url.password) {
      options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    }
    return options;
  }

  return {
    URL: node_URL,
    URLSearchParams: node_URLSearchParams,
    Url,
    parse: urlParse,
    format: urlFormat,
    resolve: urlResolve,
    resolveObject: (from, to) => urlParse(urlResolve(from, to)),
    fileURLToPath,
    pathToFileURL,
    urlToHttpOptions,
    domainToASCII: (domain) => {
      try {
        return new node_URL(`http://${domain}`).hostname;
      } catch {
        return '';
      }
    },
    domainToUnicode: (domain) => `${domain}`,
  };
});

// The intrinsic URL classes, taken before any worker code runs.
const node_URL = globalThis.URL;
const node_URLSearchParams = globalThis.URLSearchParams;
