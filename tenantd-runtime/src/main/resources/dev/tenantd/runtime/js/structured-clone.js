// structuredClone() per HTML. Like the spec it first serializes the whole
// value into records (so a non-cloneable value throws before any transfer
// detaches a buffer), then transfers, then deserializes.
//
// Defined for others (RPC, rpc-calls.js, sends values to other isolates as these records):
//   structuredClone_serialize(value, hooks) -> a record graph (shared and cyclic
//       references are the same record object)
//   structuredClone_deserialize(record, hooks) -> the value
//   hooks: { replace(value) -> a record standing for a function or object, or undefined;
//            classInstance(value): called for an object of a class not cloned by its own
//            rules (throw to refuse it); revive(record) -> the value of a record that
//            replace made }; null for structuredClone's own rules.
let structuredClone_serialize;
let structuredClone_deserialize;

{
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const abResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')
    ? getter(ArrayBuffer.prototype, 'resizable') : null;
  const abMaxByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'maxByteLength')
    ? getter(ArrayBuffer.prototype, 'maxByteLength') : null;
  const abDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')
    ? getter(ArrayBuffer.prototype, 'detached') : null;
  const abTransfer = ArrayBuffer.prototype.transfer;
  const sabByteLength = typeof SharedArrayBuffer === 'function'
    ? getter(SharedArrayBuffer.prototype, 'byteLength') : null;
  const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayName = getter(TypedArrayPrototype, Symbol.toStringTag);
  const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer');
  const typedArrayByteOffset = getter(TypedArrayPrototype, 'byteOffset');
  const typedArrayLength = getter(TypedArrayPrototype, 'length');
  const dataViewBuffer = getter(DataView.prototype, 'buffer');
  const dataViewByteOffset = getter(DataView.prototype, 'byteOffset');
  const dataViewByteLength = getter(DataView.prototype, 'byteLength');
  const mapSize = getter(Map.prototype, 'size');
  const setSize = getter(Set.prototype, 'size');
  const regExpSource = getter(RegExp.prototype, 'source');
  const regExpFlagGetters = [
    ['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'],
    ['dotAll', 's'], ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y'],
  ].filter(([name]) => Object.getOwnPropertyDescriptor(RegExp.prototype, name))
    .map(([name, flag]) => [getter(RegExp.prototype, name), flag]);
  const errorConstructors = {
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };
  const typedArrayConstructors = {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  if (typeof Float16Array === 'function') typedArrayConstructors.Float16Array = Float16Array;
  // Web API classes that are platform objects but not serializable.
  const platformNames = [
    'Event', 'EventTarget', 'AbortController', 'TextEncoder', 'TextDecoder', 'ReadableStream',
    'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader',
    'ReadableStreamDefaultController', 'WritableStreamDefaultWriter',
    'WritableStreamDefaultController', 'TransformStreamDefaultController',
    'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'Headers', 'Request', 'Response',
    'FormData', 'URL', 'URLSearchParams', 'Crypto', 'SubtleCrypto', 'CryptoKey',
  ];

  const brand = (fn, value) => {
    try {
      fn.call(value);
      return true;
    } catch {
      return false;
    }
  };
  const cloneError = (message) => domException(message, 'DataCloneError');
  const describe = (value) => {
    try {
      return typeof value === 'function' ? `${value.name || 'anonymous'}() {}` : String(value);
    } catch {
      return 'value';
    }
  };

  const isArrayBuffer = (value) => brand(abByteLength, value);

  // The kind of object `value` is, by its internal slots: one of the kinds cloned by their
  // own rules, 'Array', 'view', 'Object' (a plain object: its prototype is Object.prototype
  // or null), or '' (none of these). Each slot test is a call that throws when the slot is
  // missing, and a caught exception costs microseconds, so arrays, views, errors and plain
  // objects (the most common values by far) are told apart without them, and an object whose
  // prototype is a built-in's is tested for that built-in's slot first. A built-in object
  // a worker moved onto Object.prototype or a null prototype is cloned as a plain object.
  const slotTests = [
    ['Boolean', Boolean.prototype, (value) => brand(Boolean.prototype.valueOf, value)],
    ['Number', Number.prototype, (value) => brand(Number.prototype.valueOf, value)],
    ['BigInt', BigInt.prototype, (value) => brand(BigInt.prototype.valueOf, value)],
    ['String', String.prototype, (value) => brand(String.prototype.valueOf, value)],
    ['Symbol', Symbol.prototype, (value) => brand(Symbol.prototype.valueOf, value)],
    ['Date', Date.prototype, (value) => brand(Date.prototype.getTime, value)],
    ['RegExp', RegExp.prototype, (value) => value !== RegExp.prototype && brand(regExpSource, value)],
    ['ArrayBuffer', ArrayBuffer.prototype, isArrayBuffer],
    ['SharedArrayBuffer', sabByteLength === null ? null : SharedArrayBuffer.prototype,
      (value) => sabByteLength !== null && brand(sabByteLength, value)],
    ['Map', Map.prototype, (value) => brand(mapSize, value)],
    ['Set', Set.prototype, (value) => brand(setSize, value)],
  ];
  const kindOf = (value) => {
    if (Array.isArray(value)) return 'Array';
    if (ArrayBufferIsView(value)) return 'view';
    if (ErrorIsError(value)) return '';
    const proto = Object.getPrototypeOf(value);
    if (isPlain(value, proto)) return 'Object';
    for (const [kind, prototype, test] of slotTests) {
      if (prototype === proto) {
        if (test(value)) return kind;
        break;
      }
    }
    for (const [kind, , test] of slotTests) {
      if (test(value)) return kind;
    }
    return '';
  };
  const isDetached = (buffer) => {
    if (abDetached) return abDetached.call(buffer);
    // Without the accessor, only a zero length can mean detached.
    return false;
  };

  // The hooks of the serialization running now (RPC's), or null.
  let hooks = null;

  // `ofView`: the value is a view's buffer, an ArrayBuffer or a SharedArrayBuffer by its slot
  // wherever its prototype is.
  function serialize(value, memory, ofView = false) {
    const type = typeof value;
    if (value === null || (type !== 'object' && type !== 'function')) {
      if (type === 'symbol') throw cloneError(`${describe(value)} could not be cloned.`);
      return { t: 'primitive', value };
    }
    const existing = memory.get(value);
    if (existing) return existing;
    if (hooks !== null) {
      const replaced = hooks.replace(value);
      if (replaced !== undefined) {
        memory.set(value, replaced);
        return replaced;
      }
    }
    if (type === 'function') throw cloneError(`${describe(value)} could not be cloned.`);

    let record;
    const kind = ofView ? (isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer') : kindOf(value);
    if (kind === 'Boolean') {
      record = { t: 'Boolean', value: Boolean.prototype.valueOf.call(value) };
    } else if (kind === 'Number') {
      record = { t: 'Number', value: Number.prototype.valueOf.call(value) };
    } else if (kind === 'BigInt') {
      record = { t: 'BigInt', value: BigInt.prototype.valueOf.call(value) };
    } else if (kind === 'String') {
      record = { t: 'String', value: String.prototype.valueOf.call(value) };
    } else if (kind === 'Symbol') {
      throw cloneError('Symbol object could not be cloned.');
    } else if (kind === 'Date') {
      record = { t: 'Date', value: Date.prototype.getTime.call(value) };
    } else if (kind === 'RegExp') {
      let flags = '';
      for (const [get, flag] of regExpFlagGetters) if (get.call(value)) flags += flag;
      record = { t: 'RegExp', source: regExpSource.call(value), flags };
    } else if (kind === 'ArrayBuffer') {
      if (isDetached(value)) throw cloneError('An ArrayBuffer is detached and could not be cloned.');
      const resizable = abResizable !== null && abResizable.call(value);
      record = {
        t: 'ArrayBuffer',
        bytes: new Uint8Array(ArrayBuffer.prototype.slice.call(value, 0)),
        maxByteLength: resizable ? abMaxByteLength.call(value) : undefined,
      };
    } else if (kind === 'SharedArrayBuffer') {
      throw cloneError('SharedArrayBuffer could not be cloned.');
    } else if (kind === 'view') {
      const name = typedArrayName.call(value);
      let buffer;
      if (name !== undefined) {
        buffer = typedArrayBuffer.call(value);
        record = {
          t: 'view', name, buffer: null,
          byteOffset: typedArrayByteOffset.call(value),
          length: typedArrayLength.call(value),
        };
      } else {
        buffer = dataViewBuffer.call(value);
        record = {
          t: 'view', name: 'DataView', buffer: null,
          byteOffset: dataViewByteOffset.call(value),
          length: dataViewByteLength.call(value),
        };
      }
      memory.set(value, record);
      record.buffer = serialize(buffer, memory, true);
      return record;
    } else if (kind === 'Map') {
      record = { t: 'Map', entries: [] };
      memory.set(value, record);
      const copied = [...Map.prototype.entries.call(value)];
      for (const [k, v] of copied) record.entries.push([serialize(k, memory), serialize(v, memory)]);
      return record;
    } else if (kind === 'Set') {
      record = { t: 'Set', entries: [] };
      memory.set(value, record);
      const copied = [...Set.prototype.values.call(value)];
      for (const v of copied) record.entries.push(serialize(v, memory));
      return record;
    } else if (kind === '' && typeof DOMException === 'function' && value instanceof DOMException
        && brand(Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get, value)) {
      record = { t: 'DOMException', name: value.name, message: value.message, stack: undefined };
      const stack = Object.getOwnPropertyDescriptor(value, 'stack');
      if (stack && 'value' in stack && typeof stack.value === 'string') record.stack = stack.value;
      else if (stack && stack.get) record.stack = String(value.stack);
    } else if (kind === '' && isError(value)) {
      return serializeError(value, memory);
    } else if (kind === '' && typeof Blob === 'function' && value instanceof Blob) {
      record = { t: 'Blob', blob: value };
      if (typeof File === 'function' && value instanceof File) {
        record.t = 'File';
      }
    } else if (kind === 'Array') {
      record = { t: 'Array', length: value.length, props: [] };
      memory.set(value, record);
      serializeProps(value, record.props, memory);
      return record;
    } else {
      const proto = Object.getPrototypeOf(value);
      if (hooks !== null && proto !== Object.prototype) hooks.classInstance(value);
      if (kind !== 'Object') checkOrdinary(value);
      record = { t: 'Object', props: [] };
      memory.set(value, record);
      serializeProps(value, record.props, memory);
      return record;
    }
    memory.set(value, record);
    return record;
  }

  function isError(value) {
    if (typeof Error.isError === 'function') return Error.isError(value);
    return Object.prototype.toString.call(value) === '[object Error]' || value instanceof Error;
  }

  function serializeError(value, memory) {
    const record = { t: 'Error', name: 'Error', message: undefined, stack: undefined, cause: undefined };
    memory.set(value, record);
    const name = value.name;
    if (Object.hasOwn(errorConstructors, name)) record.name = name;
    const messageDesc = Object.getOwnPropertyDescriptor(value, 'message');
    if (messageDesc && 'value' in messageDesc) record.message = String(messageDesc.value);
    const stackDesc = Object.getOwnPropertyDescriptor(value, 'stack');
    if (stackDesc) {
      const stack = 'value' in stackDesc ? stackDesc.value : value.stack;
      if (typeof stack === 'string') record.stack = stack;
    }
    if (Object.hasOwn(value, 'cause')) record.cause = serialize(value.cause, memory);
    return record;
  }

  // Objects with internal slots other than an ordinary object's, and platform
  // objects that are not serializable, cannot be cloned.
  function checkOrdinary(value) {
    if (brand(WeakMap.prototype.has, value)) throw cloneError('#<WeakMap> could not be cloned.');
    if (brand(WeakSet.prototype.has, value)) throw cloneError('#<WeakSet> could not be cloned.');
    if (typeof WeakRef === 'function' && brand(WeakRef.prototype.deref, value)) {
      throw cloneError('#<WeakRef> could not be cloned.');
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return;
    if (value instanceof Promise) throw cloneError('#<Promise> could not be cloned.');
    const tag = Object.prototype.toString.call(value);
    if (/^\[object (Promise|Generator|AsyncGenerator|.* Iterator|Module|FinalizationRegistry)\]$/.test(tag)) {
      throw cloneError(`${tag.slice(8, -1)} object could not be cloned.`);
    }
    for (const name of platformNames) {
      const ctor = globalThis[name];
      if (typeof ctor === 'function' && value instanceof ctor) {
        throw cloneError(`${name} object could not be cloned.`);
      }
    }
  }

  function serializeProps(value, props, memory) {
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(value, key)) continue;
      props.push(key, serialize(value[key], memory));
    }
  }

  function deserialize(record, memory) {
    if (record.t === 'primitive') return record.value;
    if (memory.has(record)) return memory.get(record);
    let value;
    switch (record.t) {
      case 'Boolean': value = Object(record.value); break;
      case 'Number': value = Object(record.value); break;
      case 'BigInt': value = Object(record.value); break;
      case 'String': value = Object(record.value); break;
      case 'Date': value = new Date(record.value); break;
      case 'RegExp': value = new RegExp(record.source, record.flags); break;
      case 'ArrayBuffer': {
        const options = record.maxByteLength !== undefined ? { maxByteLength: record.maxByteLength } : undefined;
        value = new ArrayBuffer(record.bytes.length, options);
        new Uint8Array(value).set(record.bytes);
        break;
      }
      case 'transferred': value = record.buffer; break;
      case 'view': {
        const buffer = deserialize(record.buffer, memory);
        value = record.name === 'DataView'
          ? new DataView(buffer, record.byteOffset, record.length)
          : new typedArrayConstructors[record.name](buffer, record.byteOffset, record.length);
        break;
      }
      case 'Map': {
        value = new Map();
        memory.set(record, value);
        for (const [k, v] of record.entries) value.set(deserialize(k, memory), deserialize(v, memory));
        return value;
      }
      case 'Set': {
        value = new Set();
        memory.set(record, value);
        for (const v of record.entries) value.add(deserialize(v, memory));
        return value;
      }
      case 'Error': {
        const Ctor = errorConstructors[record.name];
        value = record.message === undefined ? new Ctor() : new Ctor(record.message);
        memory.set(record, value);
        if (record.stack !== undefined) {
          Object.defineProperty(value, 'stack', {
            value: record.stack, writable: true, enumerable: false, configurable: true,
          });
        } else {
          delete value.stack;
        }
        if (record.cause !== undefined) {
          Object.defineProperty(value, 'cause', {
            value: deserialize(record.cause, memory), writable: true, enumerable: false, configurable: true,
          });
        }
        return value;
      }
      case 'DOMException': {
        value = new DOMException(record.message, record.name);
        if (record.stack !== undefined) {
          Object.defineProperty(value, 'stack', {
            value: record.stack, writable: true, enumerable: false, configurable: true,
          });
        }
        break;
      }
      case 'Blob': value = new Blob([record.blob], { type: record.blob.type }); break;
      case 'File':
        value = new File([record.blob], record.blob.name,
          { type: record.blob.type, lastModified: record.blob.lastModified });
        break;
      case 'Array': {
        value = new Array(record.length);
        memory.set(record, value);
        setProps(value, record.props, memory);
        return value;
      }
      case 'Object': {
        value = {};
        memory.set(record, value);
        setProps(value, record.props, memory);
        return value;
      }
      default:
        if (hooks === null) throw cloneError('Unknown serialized value.');
        value = hooks.revive(record);
        break;
    }
    memory.set(record, value);
    return value;
  }

  function setProps(target, props, memory) {
    for (let i = 0; i < props.length; i += 2) {
      Object.defineProperty(target, props[i], {
        value: deserialize(props[i + 1], memory), writable: true, enumerable: true, configurable: true,
      });
    }
  }

  function structuredClone(value, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'structuredClone'");
    return withHooks(null, () => cloneValue(value, options));
  }

  function cloneValue(value, options) {
    let transferList = [];
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object' && typeof options !== 'function') {
        throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
      }
      const transfer = options.transfer;
      if (transfer !== undefined) {
        if (transfer === null || typeof transfer !== 'object' || typeof transfer[Symbol.iterator] !== 'function') {
          throw new TypeError("Failed to execute 'structuredClone': The provided value cannot be converted to a sequence.");
        }
        transferList = [...transfer];
        for (const item of transferList) {
          if (item === null || (typeof item !== 'object' && typeof item !== 'function')) {
            throw new TypeError("Failed to execute 'structuredClone': Value is not of type 'object'.");
          }
        }
      }
    }
    const memory = new Map();
    const transferRecords = [];
    for (const item of transferList) {
      if (!isArrayBuffer(item)) {
        throw cloneError('Value not transferable.');
      }
      if (memory.has(item)) throw cloneError('ArrayBuffer at index 1 is a duplicate of an earlier ArrayBuffer.');
      if (isDetached(item)) throw cloneError('An ArrayBuffer is detached and could not be cloned.');
      const record = { t: 'transferred', buffer: null };
      memory.set(item, record);
      transferRecords.push([item, record]);
    }
    const serialized = serialize(value, memory);
    for (const [buffer, record] of transferRecords) {
      if (typeof abTransfer === 'function') {
        try {
          record.buffer = abTransfer.call(buffer);
        } catch {
          throw cloneError('ArrayBuffer could not be transferred.');
        }
      } else {
        // Engines without ArrayBuffer.prototype.transfer cannot detach.
        record.buffer = ArrayBuffer.prototype.slice.call(buffer, 0);
      }
    }
    return deserialize(serialized, new Map());
  }

  // Runs `work` with `using` as the hooks, and whatever hooks ran before again after
  // it: a getter the value's owner wrote may call structuredClone in the middle.
  const withHooks = (using, work) => {
    const saved = hooks;
    hooks = using;
    try {
      return work();
    } finally {
      hooks = saved;
    }
  };
  structuredClone_serialize = (value, using) => withHooks(using, () => serialize(value, new Map()));
  structuredClone_deserialize = (record, using) => withHooks(using, () => deserialize(record, new Map()));

  defineGlobal('structuredClone', structuredClone);
}
