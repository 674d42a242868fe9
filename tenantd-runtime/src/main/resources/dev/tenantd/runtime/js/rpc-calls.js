// JS RPC's calls (rpc.js has the base classes, the stubs and the entry points): the
// arguments, results and errors as bytes, a call to another worker, and the serving of one
// from another worker or of a call back into what this isolate passed. The [rpc] part of
// bootstrap.txt, loaded at an isolate's first RPC call, made or served.
//
// Defined for rpc.js:
//   rpc_call(channel, target, method, args) -> Promise of the result   a call to another worker
//   rpc_answer(id, entrypoint, method, bytes, propsJson, env)            rpc_serve's work
//   rpc_answerExport(id, callId, position, method, bytes)                rpc_serveExport's work

function rpc_set(names) {
  const set = new SafeSet();
  for (let i = 0; i < names.length; i++) set.add(names[i]);
  return set;
}

// Names that are never RPC methods: the handlers the runtime itself calls, and what every
// class has.
const rpc_reserved = rpc_set([
  'fetch', 'connect', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError', 'dup', 'constructor',
]);

function rpc_isRpcTarget(value) {
  let proto = ObjectGetPrototypeOf(value);
  while (proto !== null) {
    if (proto === RpcTarget.prototype) return true;
    proto = ObjectGetPrototypeOf(proto);
  }
  return false;
}

function rpc_cloneError(message) {
  return domException(message, 'DataCloneError');
}

function rpc_typeName(value) {
  try {
    const proto = ObjectGetPrototypeOf(value);
    const ctor = proto === null ? undefined : ReflectGetOwnPropertyDescriptor(proto, 'constructor');
    const name = ctor !== undefined && typeof ctor.value === 'function' ? ctor.value.name : '';
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

// RPC clones data, and instances of classes other than RpcTarget are refused rather than
// flattened into plain objects. Functions and RpcTargets cross only as arguments of a call
// to another worker (rpc_exportingHooks): the target gets stubs that call back into this
// isolate while the call lasts. Anywhere else (results, errors, the arguments of such a
// call back) they are refused.
function rpc_refuseStub(value) {
  if (typeof value === 'function') {
    throw rpc_cloneError(`${value.name || 'anonymous'}() {} could not be cloned: functions can be passed over RPC `
      + 'only as arguments of a call to another worker.');
  }
  if (rpc_isRpcTarget(value)) {
    throw rpc_cloneError(`Could not serialize object of type "${rpc_typeName(value)}": an RpcTarget can be passed over `
      + 'RPC only as an argument of a call to another worker.');
  }
  return undefined;
}

function rpc_refuseInstance(value) {
  throw rpc_cloneError(`Could not serialize object of type "${rpc_typeName(value)}". This type does not support serialization.`);
}

function rpc_refuseRevive() {
  throw rpc_cloneError('The value sent over RPC could not be read.');
}

// A ReadableStream crosses as its bytes: read to the end by the side that sends it (so it is
// used up there, as a transferred stream is), and a new stream of them on the other side.
function rpc_streamRecord(value, streams) {
  const record = { t: 'stream', stream: value, bytes: null };
  ArrayPrototypePush(streams, record);
  return record;
}

function rpc_streamFrom(bytes) {
  return streams_newReadable({
    start(controller) {
      if (bytes.length > 0) streams_enqueue(controller, bytes);
      streams_close(controller);
    },
  });
}

function rpc_reviveData(record) {
  if (record.t !== 'stream') rpc_refuseRevive();
  return rpc_streamFrom(record.bytes);
}

// Plain data, and streams when `streams` collects them (null: refused, as in errors).
function rpc_dataHooks(streams) {
  return {
    replace(value) {
      if (streams !== null && streams_isReadableStream(value)) return rpc_streamRecord(value, streams);
      return rpc_refuseStub(value);
    },
    classInstance: rpc_refuseInstance,
    revive: rpc_reviveData,
  };
}

const rpc_hooks = rpc_dataHooks(null);

// Functions and RpcTargets this isolate passed to RPC targets while their call lasts: by
// the call's host call id, the list of what that call passed. A target reaches only the
// list of the call it serves, by position.
const rpc_exports = new SafeMap();

// Serializing the arguments of a call to another worker: each function or RpcTarget is
// added to `exported`, and the target gets its position there.
function rpc_exportingHooks(exported, streams) {
  return {
    replace(value) {
      if (streams_isReadableStream(value)) return rpc_streamRecord(value, streams);
      const isFunction = typeof value === 'function';
      if (!isFunction && !rpc_isRpcTarget(value)) return undefined;
      ArrayPrototypePush(exported, value);
      return { t: 'stub', id: exported.length - 1, fn: isFunction };
    },
    classInstance: rpc_refuseInstance,
    revive: rpc_refuseRevive,
  };
}

// Reading the arguments of a call from another worker (invocation `invocation` of this
// isolate): its functions and RpcTargets become stubs that call back into the caller's
// isolate, through that invocation's caller only.
function rpc_revivingHooks(invocation) {
  return {
    replace: rpc_refuseStub,
    classInstance: rpc_refuseInstance,
    revive(record) {
      if (record.t !== 'stub') return rpc_reviveData(record);
      return record.fn ? rpc_functionStub(invocation, record.id) : rpc_targetStub(invocation, record.id);
    },
  };
}

// ---- records <-> JSON. A record seen again (a shared or cyclic reference) is written as
// {r: n}, n counting records in the order they are first written; primitives JSON cannot
// hold are {u: 1} (undefined), {n: 'NaN' | 'Infinity' | '-Infinity' | '-0'}, {g: digits} (BigInt).

function rpc_writePrimitive(value) {
  switch (typeof value) {
    case 'undefined': return { u: 1 };
    case 'bigint': return { g: `${value}` };
    case 'number':
      if (value !== value) return { n: 'NaN' };
      if (value === Infinity) return { n: 'Infinity' };
      if (value === -Infinity) return { n: '-Infinity' };
      if (value === 0 && 1 / value < 0) return { n: '-0' };
      return value;
    default: return value;
  }
}

function rpc_write(record, seen) {
  if (record.t === 'primitive') return rpc_writePrimitive(record.value);
  const known = seen.get(record);
  if (known !== undefined) return { r: known };
  seen.set(record, seen.size);
  switch (record.t) {
    case 'Boolean': case 'Number': case 'BigInt': case 'String': case 'Date':
      return { t: record.t, v: rpc_writePrimitive(record.value) };
    case 'RegExp':
      return { t: 'RegExp', source: record.source, flags: record.flags };
    case 'ArrayBuffer':
      return { t: 'ArrayBuffer', b: base64Encode(record.bytes), m: record.maxByteLength ?? null };
    case 'view':
      return { t: 'view', name: record.name, buffer: rpc_write(record.buffer, seen), o: record.byteOffset, l: record.length };
    case 'Map': case 'Set': {
      const entries = [];
      for (let i = 0; i < record.entries.length; i++) {
        const entry = record.entries[i];
        entries[i] = record.t === 'Map' ? [rpc_write(entry[0], seen), rpc_write(entry[1], seen)] : rpc_write(entry, seen);
      }
      return { t: record.t, e: entries };
    }
    // Stacks stay behind: they would show one tenant's code to another.
    case 'Error':
      return {
        t: 'Error', name: record.name, message: record.message ?? null,
        cause: record.cause === undefined ? null : rpc_write(record.cause, seen),
      };
    case 'DOMException':
      return { t: 'DOMException', name: `${record.name}`, message: `${record.message}` };
    case 'stub':
      return { t: 'stub', i: record.id, f: record.fn ? 1 : 0 };
    case 'stream':
      return { t: 'stream', b: base64Encode(record.bytes) };
    case 'Array': case 'Object': {
      const props = [];
      for (let i = 0; i < record.props.length; i += 2) {
        props[i] = record.props[i];
        props[i + 1] = rpc_write(record.props[i + 1], seen);
      }
      return record.t === 'Array' ? { t: 'Array', l: record.length, p: props } : { t: 'Object', p: props };
    }
    default:
      throw rpc_cloneError(`${record.t} objects cannot be passed over RPC.`);
  }
}

function rpc_readPrimitive(node) {
  if (node === null || typeof node !== 'object') return node;
  if (node.u === 1) return undefined;
  if (typeof node.g === 'string') return BigInt(node.g);
  switch (node.n) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case '-0': return -0;
    default: throw new TypeError('bad primitive');
  }
}

const rpc_viewNames = rpc_set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView',
]);

const rpc_errorNames = rpc_set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError']);

function rpc_string(value) {
  if (typeof value !== 'string') throw new TypeError('expected a string');
  return value;
}

function rpc_count(value) {
  if (typeof value !== 'number' || !(value >= 0) || value > 0x7fffffff || MathFloor(value) !== value) {
    throw new TypeError('expected a count');
  }
  return value;
}

// The bytes come from another isolate: every field is checked before structured clone
// sees it.
function rpc_read(node, table) {
  if (node === null || typeof node !== 'object' || ArrayIsArray(node)) {
    return { t: 'primitive', value: node };
  }
  if (node.t === undefined) {
    if (node.r !== undefined) {
      const record = table[rpc_count(node.r)];
      if (record === undefined) throw new TypeError('bad reference');
      return record;
    }
    return { t: 'primitive', value: rpc_readPrimitive(node) };
  }
  const record = { t: rpc_string(node.t) };
  ArrayPrototypePush(table, record);
  switch (node.t) {
    case 'Boolean': case 'Number': case 'BigInt': case 'String': case 'Date': {
      const value = rpc_readPrimitive(node.v);
      const expected = node.t === 'Boolean' ? 'boolean' : node.t === 'BigInt' ? 'bigint'
        : node.t === 'String' ? 'string' : 'number';
      if (typeof value !== expected) throw new TypeError('bad value');
      record.value = value;
      break;
    }
    case 'RegExp':
      record.source = rpc_string(node.source);
      record.flags = rpc_string(node.flags);
      break;
    case 'ArrayBuffer':
      record.bytes = base64Decode(rpc_string(node.b));
      record.maxByteLength = node.m === null ? undefined : rpc_count(node.m);
      break;
    case 'view':
      if (!rpc_viewNames.has(node.name)) throw new TypeError('bad view');
      record.name = node.name;
      record.buffer = rpc_read(node.buffer, table);
      if (record.buffer.t !== 'ArrayBuffer') throw new TypeError('bad view');
      record.byteOffset = rpc_count(node.o);
      record.length = rpc_count(node.l);
      break;
    case 'Map': case 'Set': {
      if (!ArrayIsArray(node.e)) throw new TypeError('bad entries');
      record.entries = [];
      for (let i = 0; i < node.e.length; i++) {
        const entry = node.e[i];
        if (node.t === 'Map') {
          if (!ArrayIsArray(entry) || entry.length !== 2) throw new TypeError('bad entry');
          record.entries[i] = [rpc_read(entry[0], table), rpc_read(entry[1], table)];
        } else {
          record.entries[i] = rpc_read(entry, table);
        }
      }
      break;
    }
    case 'Error':
      record.name = rpc_errorNames.has(node.name) ? node.name : 'Error';
      record.message = node.message === null ? undefined : rpc_string(node.message);
      record.stack = undefined;
      record.cause = node.cause === null ? undefined : rpc_read(node.cause, table);
      break;
    case 'DOMException':
      record.name = rpc_string(node.name);
      record.message = rpc_string(node.message);
      record.stack = undefined;
      break;
    case 'stub':
      record.id = rpc_count(node.i);
      record.fn = node.f === 1;
      break;
    case 'stream':
      record.bytes = base64Decode(rpc_string(node.b));
      break;
    case 'Array': case 'Object': {
      if (!ArrayIsArray(node.p) || node.p.length % 2 !== 0) throw new TypeError('bad properties');
      if (node.t === 'Array') record.length = rpc_count(node.l);
      record.props = [];
      for (let i = 0; i < node.p.length; i += 2) {
        record.props[i] = rpc_string(node.p[i]);
        record.props[i + 1] = rpc_read(node.p[i + 1], table);
      }
      break;
    }
    default:
      throw new TypeError('unknown record');
  }
  return record;
}

function rpc_serialize(value, hooks = rpc_hooks) {
  const record = structuredClone_serialize(value, hooks);
  return utf8Encode(JSONStringify(rpc_write(record, new SafeMap())));
}

// Arguments and results: streams are read to the end first. `exported` collects the
// functions and RpcTargets of a call to another worker; null refuses them.
async function rpc_encode(value, exported = null) {
  const streams = [];
  const hooks = exported === null ? rpc_dataHooks(streams) : rpc_exportingHooks(exported, streams);
  const record = structuredClone_serialize(value, hooks);
  for (let i = 0; i < streams.length; i++) streams[i].bytes = await readAllBytes(streams[i].stream);
  return utf8Encode(JSONStringify(rpc_write(record, new SafeMap())));
}

function rpc_deserialize(bytes, hooks = rpc_hooks) {
  let record;
  try {
    record = rpc_read(JSONParse(utf8Decode(bytes)), []);
  } catch {
    rpc_refuseRevive();
  }
  return structuredClone_deserialize(record, hooks);
}

// What the target threw, as the caller will see it; an error that cannot be cloned is
// sent as an Error with its message.
function rpc_serializeError(error) {
  try {
    return rpc_serialize(error);
  } catch {
    let message;
    try {
      message = ErrorIsError(error) ? `${error.message}` : `${error}`;
    } catch {
      message = 'An exception was thrown whose message could not be read.';
    }
    return rpc_serialize(new Error(message));
  }
}

// ---- the caller's side

// A method of the other worker: each call is one channel call and one invocation there.
async function rpc_call(channel, target, method, args) {
  const exported = [];
  const bytes = bodyToHost(await rpc_encode(args, exported));
  const json = JSONStringify({ target, method });
  let callId = 0;
  try {
    return rpc_result(await fetch_hostCall(null, (id) => {
      callId = id;
      if (exported.length > 0) rpc_exports.set(id, exported);
      host.call(id, channel, 'rpc', json, bytes);
    }));
  } finally {
    rpc_exports.delete(callId);
  }
}

// What a call answered: its result, or the error it threw, thrown here with a stack of
// this isolate's own.
function rpc_result(answer) {
  const value = rpc_deserialize(answer.bytes ?? new Uint8Array(0));
  if (answer.text === 'error') {
    if (ErrorIsError(value) && typeof ErrorCaptureStackTrace === 'function') ErrorCaptureStackTrace(value, rpc_result);
    throw value;
  }
  return value;
}

// A function or RpcTarget the caller of this invocation passed: calls go back to its isolate.
async function rpc_callBack(invocation, position, method, args) {
  const bytes = bodyToHost(await rpc_encode(args));
  return rpc_result(await fetch_hostCall(null, (call) => host.callBack(call, invocation, position, method, bytes)));
}

function rpc_functionStub(invocation, position) {
  return function (...args) {
    return rpc_callBack(invocation, position, '', args);
  };
}

function rpc_targetStub(invocation, position) {
  return new Proxy(ObjectCreate(null), {
    get(object, name) {
      if (typeof name === 'symbol' || name === 'then') return undefined;
      return function (...args) {
        return rpc_callBack(invocation, position, name, args);
      };
    },
  });
}

// A call back from a target into a function or RpcTarget this isolate passed it; the
// answer goes back with host.exportReturned.
async function rpc_answerExport(id, callId, position, method, bytes) {
  let ok = true;
  let out;
  try {
    const exported = rpc_exports.get(callId);
    const value = exported === undefined ? undefined : exported[position];
    if (value === undefined) {
      throw new Error('The RPC stub is no longer usable: the call it was passed with has ended.');
    }
    const args = rpc_deserialize(bytes);
    if (!ArrayIsArray(args)) rpc_refuseRevive();
    let result;
    if (typeof value === 'function') {
      if (method !== '') rpc_notImplemented(method);
      result = await ReflectApply(value, undefined, args);
    } else {
      result = await ReflectApply(rpc_method(value, method), value, args);
    }
    out = await rpc_encode(result);
  } catch (error) {
    ok = false;
    out = rpc_serializeError(error);
  }
  host.exportReturned(id, ok, bodyToHost(out));
}

// ---- the target's side

function rpc_lookup(exported, method, ctx, env) {
  if (rpc_reserved.has(method)) {
    throw new TypeError(`'${method}' is a reserved method and cannot be called over RPC.`);
  }
  if (rpc_isEntrypointClass(exported)) {
    const instance = new exported(ctx, env);
    const fn = rpc_method(instance, method);
    return (args) => ReflectApply(fn, instance, args);
  }
  if (exported !== null && typeof exported === 'object') {
    if (!rpc_ObjectHasOwn(exported, method)) rpc_notImplemented(method);
    const fn = exported[method];
    if (typeof fn !== 'function') throw new TypeError(`"${method}" is not a function.`);
    if (fn.length > 3) {
      throw new TypeError(`Cannot call handler function "${method}" over RPC because it has the wrong number of `
        + 'arguments. A simple function handler can only be called over RPC if it has exactly the arguments '
        + '(arg, env, ctx), where only the first argument comes from the client. To support multi-argument RPC '
        + 'functions, use class-based syntax (extending WorkerEntrypoint) instead.');
    }
    return (args) => {
      if (args.length !== 1) {
        throw new TypeError(`Attempted to call RPC function "${method}" with the wrong number of arguments. When `
          + 'calling a top-level handler function that is not declared as part of a class, you must always send '
          + 'exactly one argument. In order to support variable numbers of arguments, the server must use '
          + 'class-based syntax (extending WorkerEntrypoint) instead.');
      }
      return ReflectApply(fn, exported, [args[0], env, ctx]);
    };
  }
  rpc_notImplemented(method);
}

// A method of a class instance (an entrypoint, an RpcTarget): only what the class defines
// is callable, never fields set on the instance (env and ctx among them), nor what every
// object inherits.
function rpc_method(instance, method) {
  if (rpc_reserved.has(method)) {
    throw new TypeError(`'${method}' is a reserved method and cannot be called over RPC.`);
  }
  if (rpc_ObjectHasOwn(instance, method)) rpc_notImplemented(method);
  const fn = instance[method];
  if (fn === undefined || fn === rpc_ObjectPrototype[method]) rpc_notImplemented(method);
  if (typeof fn !== 'function') throw new TypeError(`"${method}" is not a function.`);
  return fn;
}

function rpc_notImplemented(method) {
  throw new TypeError(`The RPC receiver does not implement the method "${method}".`);
}

async function rpc_answer(id, entrypoint, method, bytes, propsJson, env) {
  const pending = { waitUntil: [], passThrough: false, responded: false, response: undefined, finished: false };
  let status = 200;
  let out;
  try {
    const exported = worker_entrypoint(entrypoint);
    const args = rpc_deserialize(bytes, rpc_revivingHooks(id));
    if (!ArrayIsArray(args)) rpc_refuseRevive();
    const ctx = new ExecutionContext(pending, JSONParse(propsJson));
    const invoke = rpc_lookup(exported, method, ctx, env);
    out = await rpc_encode(await invoke(args));
  } catch (error) {
    status = 500;
    out = rpc_serializeError(error);
  }
  const done = pending.waitUntil.length === 0;
  if (done) pending.finished = true;
  host.complete(id, status, '', '', bodyToHost(out), done, 0);
  await worker_whenSettled(id, pending);
}
