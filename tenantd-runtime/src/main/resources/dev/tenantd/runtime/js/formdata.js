// FormData (XMLHttpRequest Standard) as Workers expose it: no form element, so
// `new FormData()` is the only constructor form. Also the body codecs the
// Fetch Standard needs: multipart/form-data (RFC 7578) parsing and
// serialization, and application/x-www-form-urlencoded parsing; those are the
// [formdata] part of bootstrap.txt (formdata-codecs.js), loaded the first time
// an isolate reads or writes a form body.
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
let fd_is;

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
    fd_is = (value) => value !== null && typeof value === 'object' && #list in value;
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

// Used by the formdata part too: taken here, before any worker code runs.
const fd_CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);

// ---- the body codecs (the formdata part)

function parseMultipartFormData(input, contentType) {
  return lazy_load('formdata').fd_parseMultipart(input, contentType);
}

function serializeMultipartFormData(formData) {
  return lazy_load('formdata').fd_serializeMultipart(formData);
}

function parseUrlEncodedFormData(input) {
  return lazy_load('formdata').fd_parseUrlEncoded(input);
}

defineGlobal('FormData', FormData);
