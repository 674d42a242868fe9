// FormData (XMLHttpRequest Standard) as Workers expose it: no form element, so
// `new FormData()` is the only constructor form. Also the body codecs the
// Fetch Standard needs: multipart/form-data (RFC 7578) parsing and
// serialization, and application/x-www-form-urlencoded parsing.
//
// Shared with other files:
//   parseMultipartFormData(bytes, contentType) -> FormData   (TypeError if malformed)
//   serializeMultipartFormData(formData) -> { bytes, contentType }
//     When a File's bytes cannot be read synchronously (no blobBytes helper),
//     bytes is null and `blob` holds the same payload as a Blob.
//   parseUrlEncodedFormData(bytes) -> FormData
// fd_-prefixed helpers are used by body.js too.

let fd_appendRaw;
let fd_listOf;

class FormData {
  #list = []; // [name, value, name, value, ...]; value is a string or a File

  constructor(form = undefined) {
    if (form !== undefined) {
      throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
    }
  }

  append(name, value, filename = undefined) {
    requireArguments(arguments.length, 2, "Failed to execute 'append' on 'FormData'");
    const entry = fd_createEntry(name, value, filename, arguments.length, 'append');
    this.#list.push(entry[0], entry[1]);
  }

  delete(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'delete' on 'FormData'");
    const n = fetchapi_usvString(name, "Failed to execute 'delete' on 'FormData'");
    const list = this.#list;
    let j = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== n) {
        list[j++] = list[i];
        list[j++] = list[i + 1];
      }
    }
    list.length = j;
  }

  get(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'get' on 'FormData'");
    const n = fetchapi_usvString(name, "Failed to execute 'get' on 'FormData'");
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === n) return list[i + 1];
    }
    return null;
  }

  getAll(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'getAll' on 'FormData'");
    const n = fetchapi_usvString(name, "Failed to execute 'getAll' on 'FormData'");
    const list = this.#list;
    const out = [];
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === n) out.push(list[i + 1]);
    }
    return out;
  }

  has(name) {
    requireArguments(arguments.length, 1, "Failed to execute 'has' on 'FormData'");
    const n = fetchapi_usvString(name, "Failed to execute 'has' on 'FormData'");
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === n) return true;
    }
    return false;
  }

  set(name, value, filename = undefined) {
    requireArguments(arguments.length, 2, "Failed to execute 'set' on 'FormData'");
    const [n, v] = fd_createEntry(name, value, filename, arguments.length, 'set');
    setInPairList(this.#list, n, v);
  }

  forEach(callback, thisArg = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'forEach' on 'FormData'");
    if (typeof callback !== 'function') {
      throw new TypeError("Failed to execute 'forEach' on 'FormData': The callback provided as parameter 1 is not a function.");
    }
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      callback.call(thisArg, list[i + 1], list[i], this);
    }
  }

  keys() {
    return new fd_FormDataIterator(this.#list, 0);
  }

  values() {
    return new fd_FormDataIterator(this.#list, 1);
  }

  entries() {
    return new fd_FormDataIterator(this.#list, 2);
  }

  static {
    fd_appendRaw = (formData, name, value) => {
      formData.#list.push(name, value);
    };
    fd_listOf = (formData) => formData.#list;
  }
}

Object.defineProperty(FormData.prototype, Symbol.iterator, {
  value: FormData.prototype.entries,
  writable: true,
  configurable: true,
});
webIdlClass(FormData);

// Iterates the live entry list by index, as Web IDL pair iterators do.
class fd_FormDataIterator {
  #list;
  #kind;
  #index = 0;

  constructor(list, kind) {
    this.#list = list;
    this.#kind = kind;
  }

  next() {
    if (!(#list in this)) throw new TypeError('Illegal invocation');
    const list = this.#list;
    const i = this.#index;
    if (i >= list.length) return { value: undefined, done: true };
    this.#index = i + 2;
    const kind = this.#kind;
    const value = kind === 0 ? list[i] : kind === 1 ? list[i + 1] : [list[i], list[i + 1]];
    return { value, done: false };
  }
}
Object.setPrototypeOf(fd_FormDataIterator.prototype, fetchapi_ITERATOR_PROTOTYPE);
Object.defineProperty(fd_FormDataIterator.prototype, Symbol.toStringTag, {
  value: 'FormData Iterator',
  configurable: true,
});

// "Create an entry": strings become USVStrings, Blobs become Files (named
// "blob" unless a filename is given). With three arguments only the Blob
// overload applies, so a non-Blob value is a TypeError.
function fd_createEntry(name, value, filename, argCount, method) {
  const what = `Failed to execute '${method}' on 'FormData'`;
  const n = fetchapi_usvString(name, what);
  if (value instanceof Blob) {
    if (argCount >= 3 && filename !== undefined) {
      const options = { type: value.type };
      if (value instanceof File) options.lastModified = value.lastModified;
      return [n, new File([value], fetchapi_usvString(filename, what), options)];
    }
    if (value instanceof File) return [n, value];
    return [n, new File([value], 'blob', { type: value.type })];
  }
  if (argCount >= 3) throw new TypeError(`${what}: parameter 2 is not of type 'Blob'.`);
  return [n, fetchapi_usvString(value, what)];
}

// ---- MIME parameters

// Parses a MIME type into its lowercase essence and a Map of parameters
// (names lowercased, first occurrence wins, quoted values unescaped).
// Returns null when there is no type/subtype. Content-Disposition values
// (RFC 7578 as browsers send them) have no backslash escapes in quoted
// strings, so that Windows paths in filenames survive.
function fd_parseMime(input, backslashEscapes = true) {
  const s = String(input);
  const n = s.length;
  let i = s.indexOf(';');
  if (i < 0) i = n;
  const essence = s.slice(0, i).trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0 || slash === essence.length - 1) return null;
  const params = new Map();
  while (i < n) {
    i++; // skip ';'
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
    let j = i;
    while (j < n && s[j] !== ';' && s[j] !== '=') j++;
    const name = s.slice(i, j).trim().toLowerCase();
    i = j;
    if (i >= n || s[i] === ';') continue;
    i++; // skip '='
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < n && s[i] !== '"') {
        if (backslashEscapes && s[i] === '\\' && i + 1 < n) i++;
        value += s[i++];
      }
      while (i < n && s[i] !== ';') i++;
    } else {
      j = i;
      while (j < n && s[j] !== ';') j++;
      value = s.slice(i, j).trim();
      i = j;
    }
    if (name !== '' && !params.has(name)) params.set(name, value);
  }
  return { essence, params };
}

// ---- byte helpers

function fd_toBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (ArrayBufferIsView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return new Uint8Array(bytes);
  throw new TypeError('Expected bytes.');
}

function fd_indexOf(haystack, needle, from) {
  const first = needle[0];
  const m = needle.length;
  const last = haystack.length - m;
  let i = from;
  while (i <= last) {
    i = haystack.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    let k = 1;
    while (k < m && haystack[i + k] === needle[k]) k++;
    if (k === m) return i;
    i++;
  }
  return -1;
}

function fd_startsWith(haystack, needle, at) {
  if (at + needle.length > haystack.length) return false;
  for (let k = 0; k < needle.length; k++) {
    if (haystack[at + k] !== needle[k]) return false;
  }
  return true;
}

function fd_asciiBytes(string) {
  const out = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i);
  return out;
}

// ---- multipart/form-data

const fd_CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);

function fd_malformed(why) {
  return new TypeError(`Failed to parse body as FormData: ${why}.`);
}

// Undoes the HTML escaping of field names and filenames (%0A, %0D, %22).
function fd_unescapeName(name) {
  return name.indexOf('%') < 0 ? name
    : name.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%22/g, '"');
}

function parseMultipartFormData(input, contentType) {
  const bytes = fd_toBytes(input);
  const mime = fd_parseMime(contentType ?? '');
  const boundary = mime === null ? undefined : mime.params.get('boundary');
  if (mime === null || mime.essence !== 'multipart/form-data' || !boundary) {
    throw fd_malformed('missing or invalid multipart boundary');
  }
  const delimiter = fetchapi_encode(`--${boundary}`);
  const separator = new Uint8Array(delimiter.length + 2);
  separator[0] = 13;
  separator[1] = 10;
  separator.set(delimiter, 2);

  const formData = new FormData();
  let pos;
  if (fd_startsWith(bytes, delimiter, 0)) {
    pos = delimiter.length;
  } else {
    const at = fd_indexOf(bytes, separator, 0);
    if (at < 0) throw fd_malformed('no boundary found');
    pos = at + separator.length;
  }
  const n = bytes.length;
  for (;;) {
    if (bytes[pos] === 0x2D && bytes[pos + 1] === 0x2D) break; // close delimiter
    while (pos < n && (bytes[pos] === 0x20 || bytes[pos] === 0x09)) pos++; // transport padding
    if (bytes[pos] !== 13 || bytes[pos + 1] !== 10) throw fd_malformed('bad delimiter line');
    pos += 2;
    let headersEnd;
    let bodyStart;
    if (bytes[pos] === 13 && bytes[pos + 1] === 10) {
      headersEnd = pos;
      bodyStart = pos + 2;
    } else {
      headersEnd = fd_indexOf(bytes, fd_CRLF_CRLF, pos);
      if (headersEnd < 0) throw fd_malformed('unterminated part headers');
      bodyStart = headersEnd + 4;
    }
    const next = fd_indexOf(bytes, separator, bodyStart);
    if (next < 0) throw fd_malformed('missing closing boundary');
    fd_addPart(formData, fetchapi_decode(bytes.subarray(pos, headersEnd), false),
      bytes.subarray(bodyStart, next));
    pos = next + separator.length;
  }
  return formData;
}

function fd_addPart(formData, headerText, body) {
  let name = null;
  let filename = null;
  let contentType = null;
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw fd_malformed('bad part header');
    const headerName = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (headerName === 'content-disposition') {
      // "form-data; name=..." parses like a MIME type with a fake subtype.
      const parsed = fd_parseMime(`x/${value}`, false);
      if (parsed === null || parsed.essence !== 'x/form-data') {
        throw fd_malformed('part is not form-data');
      }
      if (parsed.params.has('name')) name = fd_unescapeName(parsed.params.get('name'));
      if (parsed.params.has('filename')) filename = fd_unescapeName(parsed.params.get('filename'));
    } else if (headerName === 'content-type') {
      contentType = value;
    }
  }
  if (name === null) throw fd_malformed('part without a name');
  if (filename !== null) {
    fd_appendRaw(formData, name, new File([body], filename, { type: contentType ?? 'text/plain' }));
  } else {
    fd_appendRaw(formData, name, fetchapi_decode(body, false));
  }
}

function fd_normalizeNewlines(s) {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(/\r\n|\r|\n/g, '\r\n');
}

function fd_escapeName(s) {
  return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function fd_randomBoundary() {
  const bytes = new Uint8Array(12);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  let out = '----TenantdFormBoundary';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

function serializeMultipartFormData(formData) {
  const list = fd_listOf(formData);
  const boundary = fd_randomBoundary();
  const parts = [];
  let total = 0;
  let syncBytes = true;
  let text = '';
  const flushText = () => {
    if (text !== '') {
      const chunk = fetchapi_encode(text);
      parts.push(chunk);
      total += chunk.length;
      text = '';
    }
  };
  for (let i = 0; i < list.length; i += 2) {
    const name = fd_escapeName(fd_normalizeNewlines(list[i]));
    const value = list[i + 1];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
    if (typeof value === 'string') {
      text += `\r\n\r\n${fd_normalizeNewlines(value)}\r\n`;
      continue;
    }
    const type = value.type || 'application/octet-stream';
    text += `; filename="${fd_escapeName(value.name)}"\r\nContent-Type: ${type}\r\n\r\n`;
    flushText();
    if (typeof blobBytes === 'function') {
      const chunk = blobBytes(value);
      parts.push(chunk);
      total += chunk.length;
    } else {
      syncBytes = false;
      parts.push(value);
    }
    text += '\r\n';
  }
  text += `--${boundary}--\r\n`;
  flushText();
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (!syncBytes) return { bytes: null, blob: new Blob(parts), contentType };
  return { bytes: concatBytes(parts, total), contentType };
}

// ---- application/x-www-form-urlencoded

// Percent-decodes bytes (with '+' as space); returns the input when there is
// nothing to decode.
function fd_percentDecode(bytes) {
  let needs = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 || bytes[i] === 0x2B) {
      needs = true;
      break;
    }
  }
  if (!needs) return bytes;
  const out = new Uint8Array(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x2B) {
      out[j++] = 0x20;
    } else if (b === 0x25 && i + 2 < bytes.length && fd_hex(bytes[i + 1]) >= 0 && fd_hex(bytes[i + 2]) >= 0) {
      out[j++] = fd_hex(bytes[i + 1]) * 16 + fd_hex(bytes[i + 2]);
      i += 2;
    } else {
      out[j++] = b;
    }
  }
  return out.subarray(0, j);
}

function fd_hex(b) {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

function parseUrlEncodedFormData(input) {
  const bytes = fd_toBytes(input);
  const formData = new FormData();
  const n = bytes.length;
  let start = 0;
  while (start < n) {
    let end = bytes.indexOf(0x26, start);
    if (end < 0) end = n;
    if (end > start) {
      const sequence = bytes.subarray(start, end);
      const eq = sequence.indexOf(0x3D);
      const name = eq < 0 ? sequence : sequence.subarray(0, eq);
      const value = eq < 0 ? sequence.subarray(0, 0) : sequence.subarray(eq + 1);
      fd_appendRaw(formData, fetchapi_decode(fd_percentDecode(name), false),
        fetchapi_decode(fd_percentDecode(value), false));
    }
    start = end + 1;
  }
  return formData;
}

defineGlobal('FormData', FormData);
