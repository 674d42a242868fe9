// Headers (Fetch Standard) as Cloudflare Workers expose it: no forbidden header
// names, no CORS, names stored lowercased, and a guard that makes the headers
// of incoming requests and fetch() responses immutable.
//
// The header list is a flat array [name, value, name, value, ...] because the
// host bridge hands headers over in that shape, so building a Headers from
// Java is one lowercase-and-copy pass.
//
// Shared with other files:
//   headersFromFlat(flat, guard)  trusted [name, value, ...] -> Headers
//   headersToFlat(headers)        Headers -> [name, value, ...] (read-only),
//                                 sorted and combined as iteration sees them,
//                                 one entry per set-cookie value
//   setHeadersGuard(headers, guard)  guard is 'none' | 'immutable'
//   headersGet(headers, name), headersHas(headers, name),
//   headersAppend(headers, name, value)  the methods, for the runtime's own use
//                                 (a worker can change Headers.prototype)
// Helpers with the fetchapi_ prefix are used by formdata.js and body.js too.

const fetchapi_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const fetchapi_NOT_BYTE = /[^\x00-\xFF]/;
const fetchapi_ITERATOR_PROTOTYPE = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));

// Web IDL ByteString conversion.
function fetchapi_byteString(value, what) {
  const s = webIdlToString(value, what);
  if (regExpTest(fetchapi_NOT_BYTE, s)) {
    throw new TypeError(`${what}: value is not a ByteString (contains characters above U+00FF).`);
  }
  return s;
}

// Web IDL USVString conversion: lone surrogates become U+FFFD.
function fetchapi_usvString(value, what) {
  return StringPrototypeToWellFormed(webIdlToString(value, what));
}

// UTF-8 encoding through the shared encoder of encoding.js.
function fetchapi_encode(string) {
  return utf8Encode(string);
}

// UTF-8 decoding with replacement. stripBom removes one leading BOM (the
// "UTF-8 decode" algorithm); otherwise every BOM is kept ("UTF-8 decode
// without BOM"). Leading BOMs are handled here so that the shared decoder's
// own BOM handling does not matter.
function fetchapi_decode(bytes, stripBom) {
  let start = stripBom && fetchapi_isBomAt(bytes, 0) ? 3 : 0;
  let prefix = '';
  while (fetchapi_isBomAt(bytes, start)) {
    prefix += '\uFEFF';
    start += 3;
  }
  const text = fetchapi_decodeRaw(start === 0 ? bytes : bytesView(bytes, start, TypedArrayPrototypeGetLength(bytes)));
  return prefix === '' ? text : prefix + text;
}

function fetchapi_isBomAt(bytes, i) {
  return TypedArrayPrototypeGetLength(bytes) >= i + 3 && bytes[i] === 0xEF && bytes[i + 1] === 0xBB && bytes[i + 2] === 0xBF;
}

function fetchapi_decodeRaw(bytes) {
  if (TypedArrayPrototypeGetLength(bytes) === 0) return '';
  return utf8Decode(bytes);
}

function fetchapi_isHttpWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0A || c === 0x0D;
}

function fetchapi_checkName(name, what) {
  const s = fetchapi_byteString(name, what);
  if (!regExpTest(fetchapi_TOKEN, s)) throw new TypeError(`${what}: Invalid header name "${s}".`);
  return StringPrototypeToLowerCase(s);
}

// Normalizes (strips leading and trailing HTTP whitespace) and validates a
// header value.
function fetchapi_checkValue(value, what) {
  let s = fetchapi_byteString(value, what);
  const n = s.length;
  if (n > 0 && (fetchapi_isHttpWhitespace(StringPrototypeCharCodeAt(s, 0))
      || fetchapi_isHttpWhitespace(StringPrototypeCharCodeAt(s, n - 1)))) {
    let start = 0;
    let end = n;
    while (start < end && fetchapi_isHttpWhitespace(StringPrototypeCharCodeAt(s, start))) start++;
    while (end > start && fetchapi_isHttpWhitespace(StringPrototypeCharCodeAt(s, end - 1))) end--;
    s = StringPrototypeSlice(s, start, end);
  }
  for (let i = 0; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x00 || c === 0x0A || c === 0x0D) {
      throw new TypeError(`${what}: Invalid header value.`);
    }
  }
  return s;
}

let hdr_sortedOf;
let hdr_setGuard;
let hdr_guardOf;
let hdr_create;
let headersGet;
let headersHas;
let headersAppend;

class Headers {
  #list = [];
  #guard = 'none';
  #sorted = null;

  constructor(init = undefined) {
    if (init === undefined) return;
    if (init !== null && typeof init === 'object' && #list in init) {
      this.#list = copyList(init.#list);
      return;
    }
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
      throw new TypeError("Failed to construct 'Headers': The provided value is not of type "
        + "'(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    }
    const method = init[SymbolIterator];
    if (method !== undefined && method !== null) {
      if (typeof method !== 'function') {
        throw new TypeError("Failed to construct 'Headers': The object's @@iterator is not callable.");
      }
      // The sequence is the worker's: it is iterated the way its iterators say.
      const pairs = [];
      for (const pair of { [SymbolIterator]: () => ReflectApply(method, init, []) }) {
        if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')
          || typeof pair[SymbolIterator] !== 'function') {
          throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
        }
        const items = [];
        for (const item of pair) items[items.length] = fetchapi_byteString(item, "Failed to construct 'Headers'");
        pairs[pairs.length] = items;
      }
      for (let i = 0; i < pairs.length; i++) {
        const items = pairs[i];
        if (items.length !== 2) {
          throw new TypeError("Failed to construct 'Headers': Invalid value: header pairs must contain exactly two items.");
        }
        this.#append(items[0], items[1], "Failed to construct 'Headers'");
      }
      return;
    }
    const entries = [];
    const keys = ReflectOwnKeys(init);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const desc = ReflectGetOwnPropertyDescriptor(init, key);
      if (desc === undefined || !desc.enumerable) continue;
      const name = fetchapi_byteString(key, "Failed to construct 'Headers'");
      entries[entries.length] = name;
      entries[entries.length] = fetchapi_byteString(init[key], "Failed to construct 'Headers'");
    }
    for (let i = 0; i < entries.length; i += 2) {
      this.#append(entries[i], entries[i + 1], "Failed to construct 'Headers'");
    }
  }

  #append(name, value, what) {
    const n = fetchapi_checkName(name, what);
    const v = fetchapi_checkValue(value, what);
    this.#checkMutable();
    const list = this.#list;
    list[list.length] = n;
    list[list.length] = v;
    this.#sorted = null;
  }

  #checkMutable() {
    if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers.");
  }

  append(name, value) {
    requireArguments(arguments.length, 2, "Failed to execute 'append' on 'Headers'");
    this.#append(name, value, "Failed to execute 'append' on 'Headers'");
  }

  delete(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'delete' on 'Headers'");
    const n = fetchapi_checkName(name, "Failed to execute 'delete' on 'Headers'");
    this.#checkMutable();
    const list = this.#list;
    let j = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== n) {
        list[j++] = list[i];
        list[j++] = list[i + 1];
      }
    }
    if (j !== list.length) {
      list.length = j;
      this.#sorted = null;
    }
  }

  get(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'get' on 'Headers'");
    const n = fetchapi_checkName(name, "Failed to execute 'get' on 'Headers'");
    return hdr_get(this.#list, n);
  }

  getSetCookie() {
    const list = this.#list;
    const out = [];
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === 'set-cookie') out[out.length] = list[i + 1];
    }
    return out;
  }

  // Non-standard workerd extension: only valid for Set-Cookie.
  getAll(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'getAll' on 'Headers'");
    const n = fetchapi_checkName(name, "Failed to execute 'getAll' on 'Headers'");
    if (n !== 'set-cookie') {
      throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
    }
    return this.getSetCookie();
  }

  has(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'has' on 'Headers'");
    const n = fetchapi_checkName(name, "Failed to execute 'has' on 'Headers'");
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === n) return true;
    }
    return false;
  }

  set(name, value) {
    requireArguments(arguments.length, 2, "Failed to execute 'set' on 'Headers'");
    const what = "Failed to execute 'set' on 'Headers'";
    const n = fetchapi_checkName(name, what);
    const v = fetchapi_checkValue(value, what);
    this.#checkMutable();
    setInPairList(this.#list, n, v);
    this.#sorted = null;
  }

  forEach(callback, thisArg = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'forEach' on 'Headers'");
    if (typeof callback !== 'function') {
      throw new TypeError("Failed to execute 'forEach' on 'Headers': The callback provided as parameter 1 is not a function.");
    }
    // The pairs are re-read on every step, so that the callback sees changes
    // it makes, as Web IDL's forEach requires.
    for (let i = 0; ; i += 2) {
      const pairs = this.#sortedList();
      if (i >= pairs.length) break;
      ReflectApply(callback, thisArg, [pairs[i + 1], pairs[i], this]);
    }
  }

  keys() {
    return new hdr_HeadersIterator(this, 0);
  }

  values() {
    return new hdr_HeadersIterator(this, 1);
  }

  entries() {
    return new hdr_HeadersIterator(this, 2);
  }

  // The "sort and combine" list, flat, cached until the next mutation. One pass gathers each
  // name's values, so a response with thousands of headers (handed on by a dispatcher, say)
  // costs a sort, not a scan of the whole list per name.
  #sortedList() {
    if (this.#sorted !== null) return this.#sorted;
    const list = this.#list;
    const names = [];
    const values = new SafeMap();
    for (let i = 0; i < list.length; i += 2) {
      const name = list[i];
      const value = list[i + 1];
      const prior = values.get(name);
      if (prior === undefined) {
        names[names.length] = name;
        values.set(name, name === 'set-cookie' ? [value] : value);
      } else if (name === 'set-cookie') {
        prior[prior.length] = value;
      } else {
        values.set(name, `${prior}, ${value}`);
      }
    }
    ArrayPrototypeSort(names);
    const out = [];
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      const value = values.get(name);
      if (name === 'set-cookie') {
        for (let i = 0; i < value.length; i++) {
          out[out.length] = name;
          out[out.length] = value[i];
        }
      } else {
        out[out.length] = name;
        out[out.length] = value;
      }
    }
    this.#sorted = out;
    return out;
  }

  static {
    hdr_sortedOf = (headers) => headers.#sortedList();
    hdr_guardOf = (headers) => headers.#guard;
    hdr_setGuard = (headers, guard) => {
      headers.#guard = guard;
    };
    hdr_create = (list, guard) => {
      const headers = new Headers();
      headers.#list = list;
      headers.#guard = guard;
      return headers;
    };
    headersGet = (headers, name) => hdr_get(headers.#list, name);
    headersHas = (headers, name) => {
      const list = headers.#list;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) return true;
      }
      return false;
    };
    headersAppend = (headers, name, value) => headers.#append(name, value, "Failed to execute 'append' on 'Headers'");
  }
}

function hdr_get(list, name) {
  let result = null;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) result = result === null ? list[i + 1] : `${result}, ${list[i + 1]}`;
  }
  return result;
}

ObjectDefineProperty(Headers.prototype, SymbolIterator, {
  value: Headers.prototype.entries,
  writable: true,
  configurable: true,
});
webIdlClass(Headers);

class hdr_HeadersIterator {
  #headers;
  #kind;
  #index = 0;

  constructor(headers, kind) {
    hdr_sortedOf(headers); // brand check before an iterator exists
    this.#headers = headers;
    this.#kind = kind;
  }

  next() {
    if (!(#headers in this)) throw new TypeError('Illegal invocation');
    const pairs = hdr_sortedOf(this.#headers);
    const i = this.#index;
    if (i >= pairs.length) return { value: undefined, done: true };
    this.#index = i + 2;
    const kind = this.#kind;
    const value = kind === 0 ? pairs[i] : kind === 1 ? pairs[i + 1] : [pairs[i], pairs[i + 1]];
    return { value, done: false };
  }
}
ObjectSetPrototypeOf(hdr_HeadersIterator.prototype, fetchapi_ITERATOR_PROTOTYPE);
// Web IDL's iterator prototype objects have an enumerable `next`, unlike class methods.
ObjectDefineProperty(hdr_HeadersIterator.prototype, 'next', {
  value: hdr_HeadersIterator.prototype.next, writable: true, enumerable: true, configurable: true,
});
ObjectDefineProperty(hdr_HeadersIterator.prototype, SymbolToStringTag, {
  value: 'Headers Iterator',
  configurable: true,
});

// Builds Headers from a trusted flat [name, value, ...] array (headers that
// Java already parsed off the wire): names are lowercased, nothing else is
// checked.
function headersFromFlat(flat, guard = 'none') {
  const n = flat == null ? 0 : flat.length;
  const list = new Array(n);
  for (let i = 0; i < n; i += 2) {
    list[i] = StringPrototypeToLowerCase(String(flat[i]));
    list[i + 1] = String(flat[i + 1]);
  }
  return hdr_create(list, guard === 'immutable' ? 'immutable' : 'none');
}

// The headers as a worker iterates them: sorted, combined per name, one entry
// per set-cookie value. The array is the cached iteration list (a mutation
// replaces it rather than changing it), so callers read it and never write it.
function headersToFlat(headers) {
  return hdr_sortedOf(headers);
}

function setHeadersGuard(headers, guard) {
  if (guard !== 'none' && guard !== 'immutable') throw new TypeError(`Unknown headers guard: ${guard}`);
  hdr_setGuard(headers, guard);
}

defineGlobal('Headers', Headers);
