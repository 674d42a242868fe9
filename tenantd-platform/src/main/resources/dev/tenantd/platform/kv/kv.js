// env.NAME of a kv_namespace binding: a KVNamespace, as Workers KV defines it.
//   get(key | keys[], type | {type, cacheTtl})   text (default), json, arrayBuffer, stream;
//                                                 an array of keys (at most 100) gives a Map
//   getWithMetadata(key | keys[], type | {...})  {value, metadata, cacheStatus: null}
//   put(key, value, {expiration, expirationTtl, metadata})
//       value: string, ArrayBuffer, ArrayBufferView or ReadableStream
//   delete(key)
//   list({prefix, limit, cursor})                {keys: [{name, expiration?, metadata?}],
//                                                  list_complete, cursor?, cacheStatus: null}
// Values cross to the host as bytes; everything else as JSON (see KvBindingKind).

const kv_key = Symbol('KVNamespace');
const kv_MapPrototypeSet = uncurryThis(Map.prototype.set);
const kv_TYPES = ['text', 'json', 'arrayBuffer', 'stream'];
const kv_PUT_TYPES = 'KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.';

// Workers checks these before a request is made, as TypeErrors; the length limit is the host's.
function kv_checkKey(key) {
  if (key === '') throw new TypeError('Key name cannot be empty.');
  if (key === '.') throw new TypeError('"." is not allowed as a key name.');
  if (key === '..') throw new TypeError('".." is not allowed as a key name.');
  return key;
}

// A key is text as Workers take it: a lone surrogate (a string cut in the middle of an emoji)
// becomes U+FFFD, so that no two strings name one stored key.
function kv_keyArg(value) {
  return kv_checkKey(StringPrototypeToWellFormed(webIdlToString(value, 'key')));
}

// The type and cache TTL of get(key, type | {type, cacheTtl}).
function kv_getOptions(options) {
  let type = 'text';
  let cacheTtl;
  if (typeof options === 'string') {
    type = options;
  } else if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw new TypeError('KV get() options must be a type string or an object.');
    if (options.type !== undefined) type = webIdlToString(options.type, 'type');
    cacheTtl = options.cacheTtl;
  }
  if (!ArrayPrototypeIncludes(kv_TYPES, type)) {
    throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  }
  if (cacheTtl !== undefined) {
    const ttl = Number(cacheTtl);
    if (!NumberIsFinite(ttl) || ttl < 30) {
      throw new Error(`KV GET failed: 400 Invalid cache_ttl of ${cacheTtl}. Cache TTL must be at least 30.`);
    }
  }
  return type;
}

function kv_ownBuffer(bytes) {
  if (TypedArrayPrototypeGetByteOffset(bytes) === 0
      && ArrayBufferPrototypeGetByteLength(TypedArrayPrototypeGetBuffer(bytes)) === TypedArrayPrototypeGetByteLength(bytes)) {
    return TypedArrayPrototypeGetBuffer(bytes);
  }
  return TypedArrayPrototypeGetBuffer(new Uint8Array(bytes));
}

function kv_value(bytes, type) {
  switch (type) {
    case 'text': return fetchapi_decodeRaw(bytes);
    case 'json': return JSONParse(fetchapi_decodeRaw(bytes));
    case 'arrayBuffer': return kv_ownBuffer(bytes);
    default: return body_makeStream(new body_Source(bytes, null, null));
  }
}

async function kv_bytesOf(value) {
  if (typeof value === 'object' && value !== null) {
    if (streams_isReadableStream(value)) return await readAllBytes(value);
    if (ArrayBufferIsView(value)) return new Uint8Array(viewBytes(value));
    if (isArrayBuffer(value)) return new Uint8Array(new Uint8Array(value));
    throw new TypeError(kv_PUT_TYPES);
  }
  if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(kv_PUT_TYPES);
  return fetchapi_encode(webIdlToString(value, 'value'));
}

class KVNamespace {
  #channel;

  constructor(key, channel) {
    if (key !== kv_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
  }

  async get(key, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'get' on 'KVNamespace'");
    return await kv_get(this.#channel, key, options, false);
  }

  async getWithMetadata(key, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'getWithMetadata' on 'KVNamespace'");
    return await kv_get(this.#channel, key, options, true);
  }

  async put(key, value, options = undefined) {
    requireArguments(arguments.length, 2, "Failed to execute 'put' on 'KVNamespace'");
    const name = kv_keyArg(key);
    const args = { key: name };
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw new TypeError('KV put() options must be an object.');
      if (options.expiration !== undefined) args.expiration = kv_seconds(options.expiration, 'expiration');
      if (options.expirationTtl !== undefined) args.expirationTtl = kv_seconds(options.expirationTtl, 'expirationTtl');
      if (options.metadata !== undefined) {
        const json = JSONStringify(options.metadata);
        if (json !== undefined) args.metadata = json;
      }
    }
    const bytes = await kv_bytesOf(value);
    await bindings_call(this.#channel, 'put', JSONStringify(args), bytes);
  }

  async delete(key) {
    requireArguments(arguments.length, 1, "Failed to execute 'delete' on 'KVNamespace'");
    await bindings_call(this.#channel, 'delete', JSONStringify({ key: kv_keyArg(key) }), null);
  }

  async list(options = undefined) {
    const args = { prefix: '', limit: 1000, cursor: null };
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw new TypeError('KV list() options must be an object.');
      if (options.prefix !== undefined && options.prefix !== null) args.prefix = StringPrototypeToWellFormed(webIdlToString(options.prefix, 'prefix'));
      if (options.limit !== undefined && options.limit !== null) args.limit = kv_seconds(options.limit, 'limit');
      if (options.cursor !== undefined && options.cursor !== null) args.cursor = webIdlToString(options.cursor, 'cursor');
    }
    const answer = await bindings_call(this.#channel, 'list', JSONStringify(args), null);
    const page = JSONParse(answer.text);
    const result = { keys: page.keys, list_complete: page.list_complete };
    if (!page.list_complete) result.cursor = page.cursor;
    result.cacheStatus = null;
    return result;
  }
}
webIdlClass(KVNamespace);

// A whole number of seconds (or a count) from a worker's value; Workers takes 32-bit integers.
function kv_seconds(value, what) {
  const n = Number(value);
  if (!NumberIsFinite(n)) throw new TypeError(`KV: ${what} must be a finite number, not ${webIdlToString(value, what)}.`);
  if (n < -2147483648 || n > 2147483647) {
    throw new TypeError('Value out of range. Must be between -2147483648 and 2147483647 (inclusive).');
  }
  return MathTrunc(n);
}

async function kv_get(channel, key, options, withMetadata) {
  const type = kv_getOptions(options);
  if (ArrayIsArray(key)) {
    if (type !== 'text' && type !== 'json') {
      throw new Error(`KV GET_BULK failed: 400 "${type}" is not a valid type. Use "json" or "text"`);
    }
    const keys = [];
    for (let i = 0; i < key.length; i++) ArrayPrototypePush(keys, kv_keyArg(key[i]));
    const answer = await bindings_call(channel, 'getMany', JSONStringify({ keys }), null);
    const entries = JSONParse(answer.text).entries;
    const all = answer.bytes ?? new Uint8Array(0);
    const result = new Map();
    for (let i = 0; i < keys.length; i++) {
      const entry = entries[keys[i]];
      let value = null;
      if (entry.found) {
        value = kv_value(bytesView(all, entry.offset, entry.offset + entry.length), type);
        if (withMetadata) value = { value, metadata: entry.metadata };
      }
      kv_MapPrototypeSet(result, keys[i], value);
    }
    return result;
  }
  const name = kv_keyArg(key);
  const answer = await bindings_call(channel, 'get', JSONStringify({ key: name }), null);
  const entry = JSONParse(answer.text);
  const value = entry.found ? kv_value(answer.bytes ?? new Uint8Array(0), type) : null;
  if (!withMetadata) return value;
  return { value, metadata: entry.found ? entry.metadata : null, cacheStatus: null };
}

bindings_define('kv_namespace', (channel) => new KVNamespace(kv_key, channel));
