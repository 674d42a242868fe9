// ReadableStream, WritableStream, TransformStream and the queuing strategies
// per the Streams Standard. Each public object keeps one private record
// holding the spec's internal slots; the abstract operations below work on
// those records and are named after the spec's. Byte streams have default and
// BYOB readers (read(view, { min }), element-sized pull-into requests,
// autoAllocateChunkSize, byobRequest).
//
// Shared with other files (the runtime's own use of streams, which a worker
// changing the streams' prototypes does not reach; assigned inside the block):
//   streams_isReadableStream(value), streams_isLocked(stream), streams_isDisturbed(stream)
//   streams_newReadable(underlyingSource, strategy)   new ReadableStream(...)
//   streams_newWritable(underlyingSink, strategy)     new WritableStream(...)
//   streams_enqueue(controller, chunk), streams_close(controller),
//   streams_error(controller, error) for the controller a source's pull() gets
//   streams_errorWritable(controller, error)  for the controller a sink's start() gets
//   streams_lock(stream)             locks it to a reader nobody reads from
//   streams_tee(stream)              [branch1, branch2]
//   readAllBytes(stream)             all of its chunks (BufferSources) as one new
//                                    Uint8Array; other chunks reject with TypeError
//   streams_byteReader(stream)       locks it to a reader of its chunks as bytes:
//                                    { read() -> Promise<Uint8Array or null at the end>,
//                                      cancel(reason) }; a chunk that is no BufferSource
//                                    cancels the stream and rejects with TypeError
//   streams_desiredSize(controller)  a readable controller's desiredSize
//   streams_fixedLength(stream)      the length of a FixedLengthStream's readable side, else undefined
let streams_isReadableStream;
let streams_isLocked;
let streams_isDisturbed;
let streams_newReadable;
let streams_newWritable;
let streams_enqueue;
let streams_close;
let streams_error;
let streams_errorWritable;
let streams_lock;
let streams_tee;
let readAllBytes;
let streams_byteReader;
let streams_desiredSize;
let streams_fixedLength;

{
  // ---------------------------------------------------------------- helpers

  const noop = () => {};
  const resolved = (value) => PromiseResolve(value);
  const rejected = (reason) => PromiseReject(reason);
  function deferred() {
    const d = { promise: null, resolve: null, reject: null, settled: false };
    d.promise = new Promise((resolve, reject) => {
      d.resolve = (value) => { d.settled = true; resolve(value); };
      d.reject = (reason) => { d.settled = true; reject(reason); };
    });
    return d;
  }
  function resolvedDeferred(value) {
    const d = deferred();
    d.resolve(value);
    return d;
  }
  function rejectedDeferred(reason) {
    const d = deferred();
    d.reject(reason);
    setHandled(d.promise);
    return d;
  }
  // Marks a promise as handled, like the spec's [[PromiseIsHandled]].
  function setHandled(promise) {
    PromisePrototypeThen(promise, undefined, noop);
  }
  // "Upon fulfillment / rejection": reactions whose own result is unused.
  function react(promise, onFulfilled, onRejected) {
    PromisePrototypeThen(PromisePrototypeThen(promise, onFulfilled, onRejected), undefined, reportError);
  }
  // Calls a user callback and always returns a promise.
  function promiseCall(fn, thisArg, args) {
    try {
      return resolved(ReflectApply(fn, thisArg, args));
    } catch (error) {
      return rejected(error);
    }
  }
  function isObject(value) {
    return value !== null && (typeof value === 'object' || typeof value === 'function');
  }
  function dictionary(value, what) {
    if (value === undefined || value === null) return {};
    if (!isObject(value)) throw new TypeError(`${what}: The provided value is not of type 'object'.`);
    return value;
  }
  function callbackMember(dict, name, what) {
    const value = dict[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'function') throw new TypeError(`${what}: member ${name} is not a function.`);
    return value;
  }
  function isNonNegativeNumber(v) {
    return typeof v === 'number' && !Number.isNaN(v) && v >= 0;
  }

  const abTransfer = ArrayBuffer.prototype.transfer;
  const abSlice = ArrayBuffer.prototype.slice;
  function transferArrayBuffer(buffer) {
    if (typeof abTransfer === 'function') return ReflectApply(abTransfer, buffer, []);
    // Engines without transfer cannot detach; a copy keeps the semantics we rely on.
    return ReflectApply(abSlice, buffer, [0]);
  }

  // A FIFO of [value, size] pairs that dequeues in O(1).
  class Queue {
    constructor() {
      this.items = [];
      this.head = 0;
    }
    get length() { return this.items.length - this.head; }
    push(item) { this.items[this.items.length] = item; }
    peek() { return this.items[this.head]; }
    shift() {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = copyList(this.items, this.head);
        this.head = 0;
      }
      return item;
    }
    clear() {
      this.items = [];
      this.head = 0;
    }
  }

  function dequeueValue(container) {
    const pair = container.queue.shift();
    const value = pair[0];
    const size = pair[1];
    container.queueTotalSize -= size;
    if (container.queueTotalSize < 0) container.queueTotalSize = 0;
    return value;
  }
  function enqueueValueWithSize(container, value, size) {
    if (!isNonNegativeNumber(size) || size === Infinity) {
      throw new RangeError('The return value of a queuing strategy size function must be a finite, non-NaN, non-negative number.');
    }
    container.queue.push([value, size]);
    container.queueTotalSize += size;
  }
  function resetQueue(container) {
    container.queue.clear();
    container.queueTotalSize = 0;
  }

  function extractHighWaterMark(strategy, defaultHWM) {
    const hwm = strategy.highWaterMark;
    if (hwm === undefined) return defaultHWM;
    const n = Number(hwm);
    if (Number.isNaN(n) || n < 0) throw new RangeError('Invalid highWaterMark');
    return n;
  }
  function extractSizeAlgorithm(size) {
    if (size === undefined) return () => 1;
    return (chunk) => ReflectApply(size, undefined, [chunk]);
  }
  // Reads a QueuingStrategy dictionary in IDL member order.
  function convertStrategy(strategy, what) {
    const dict = dictionary(strategy, what);
    const highWaterMark = dict.highWaterMark;
    const result = {
      highWaterMark: highWaterMark === undefined ? undefined : Number(highWaterMark),
      size: callbackMember(dict, 'size', what),
    };
    return result;
  }

  const constructToken = Symbol('internal');
  const illegalConstructor = () => new TypeError('Illegal constructor');

  // ------------------------------------------------------------ ReadableStream

  let rsRecord;

  class ReadableStream {
    #s;

    constructor(underlyingSource = undefined, strategy = undefined) {
      if (underlyingSource === constructToken) {
        this.#s = strategy;
        strategy.pub = this;
        return;
      }
      const what = "Failed to construct 'ReadableStream'";
      if (underlyingSource !== undefined && !isObject(underlyingSource)) {
        throw new TypeError(`${what}: parameter 1 is not of type 'object'.`);
      }
      const strat = convertStrategy(strategy, what);
      const source = underlyingSource === undefined ? null : underlyingSource;
      const dict = source ?? {};
      const autoAllocateChunkSize = dict.autoAllocateChunkSize;
      const cancel = callbackMember(dict, 'cancel', what);
      const pull = callbackMember(dict, 'pull', what);
      const start = callbackMember(dict, 'start', what);
      let type = dict.type;
      if (type !== undefined) {
        type = webIdlToString(type, 'type');
        if (type !== 'bytes') {
          throw new TypeError(`${what}: The provided value '${type}' is not a valid enum value of type ReadableStreamType.`);
        }
      }
      const s = newReadableStreamRecord(this);
      this.#s = s;
      const startAlgorithm = () => (start ? ReflectApply(start, source, [s.controller.pub]) : undefined);
      const pullAlgorithm = () => (pull ? promiseCall(pull, source, [s.controller.pub]) : resolved());
      const cancelAlgorithm = (reason) => (cancel ? promiseCall(cancel, source, [reason]) : resolved());
      if (type === 'bytes') {
        if (strat.size !== undefined) {
          throw new RangeError(`${what}: The strategy for a byte stream cannot have a size function.`);
        }
        const hwm = extractHighWaterMark(strat, 0);
        let chunkSize;
        if (autoAllocateChunkSize !== undefined) {
          const n = Number(autoAllocateChunkSize);
          if (!Number.isFinite(n) || Math.trunc(n) <= 0 || Math.trunc(n) > Number.MAX_SAFE_INTEGER) {
            throw new TypeError(`${what}: autoAllocateChunkSize must be greater than 0.`);
          }
          chunkSize = Math.trunc(n);
        }
        setUpByteController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, chunkSize);
      } else {
        const sizeAlgorithm = extractSizeAlgorithm(strat.size);
        const hwm = extractHighWaterMark(strat, 1);
        setUpDefaultController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, sizeAlgorithm);
      }
    }

    static {
      rsRecord = (value, orNull = false) => {
        if (!isObject(value) || !(#s in value)) {
          if (orNull) return null;
          throw new TypeError('Illegal invocation');
        }
        return value.#s;
      };
    }

    static from(asyncIterable) {
      requireArguments(arguments.length, 1, "Failed to execute 'from' on 'ReadableStream'");
      return readableStreamFromIterable(asyncIterable);
    }

    get locked() {
      return isLocked(rsRecord(this));
    }

    cancel(reason = undefined) {
      let s;
      try {
        s = rsRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (isLocked(s)) return rejected(new TypeError('Cannot cancel a locked ReadableStream'));
      return readableStreamCancel(s, reason);
    }

    getReader(options = undefined) {
      const s = rsRecord(this);
      const dict = dictionary(options, "Failed to execute 'getReader' on 'ReadableStream'");
      let mode = dict.mode;
      if (mode === undefined) return acquireDefaultReader(s).pub;
      mode = webIdlToString(mode, 'mode');
      if (mode !== 'byob') {
        throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': The provided value '${mode}' is not a valid enum value of type ReadableStreamReaderMode.`);
      }
      return acquireBYOBReader(s).pub;
    }

    pipeThrough(transform, options = undefined) {
      const s = rsRecord(this);
      requireArguments(arguments.length, 1, "Failed to execute 'pipeThrough' on 'ReadableStream'");
      const what = "Failed to execute 'pipeThrough' on 'ReadableStream'";
      if (!isObject(transform)) throw new TypeError(`${what}: parameter 1 is not of type 'ReadableWritablePair'.`);
      const readable = transform.readable;
      const readableRecord = readable !== undefined && isObject(readable) && tryRecord(rsRecord, readable);
      if (!readableRecord) throw new TypeError(`${what}: Failed to read the 'readable' property: not a ReadableStream.`);
      const writable = transform.writable;
      const writableRecord = writable !== undefined && isObject(writable) && tryRecord(wsRecord, writable);
      if (!writableRecord) throw new TypeError(`${what}: Failed to read the 'writable' property: not a WritableStream.`);
      const opts = convertPipeOptions(options, what);
      if (isLocked(s)) throw new TypeError(`${what}: Cannot pipe a locked stream`);
      if (isWritableStreamLocked(writableRecord)) throw new TypeError(`${what}: Cannot pipe to a locked stream`);
      const promise = readableStreamPipeTo(s, writableRecord, opts.preventClose, opts.preventAbort,
        opts.preventCancel, opts.signal);
      setHandled(promise);
      return readable;
    }

    pipeTo(destination, options = undefined) {
      const what = "Failed to execute 'pipeTo' on 'ReadableStream'";
      let s;
      let dest;
      let opts;
      try {
        s = rsRecord(this);
        requireArguments(arguments.length, 1, what);
        dest = isObject(destination) && tryRecord(wsRecord, destination);
        if (!dest) throw new TypeError(`${what}: parameter 1 is not of type 'WritableStream'.`);
        opts = convertPipeOptions(options, what);
      } catch (error) {
        return rejected(error);
      }
      if (isLocked(s)) return rejected(new TypeError(`${what}: Cannot pipe a locked stream`));
      if (isWritableStreamLocked(dest)) return rejected(new TypeError(`${what}: Cannot pipe to a locked stream`));
      return readableStreamPipeTo(s, dest, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    }

    tee() {
      const s = rsRecord(this);
      const branches = readableStreamTee(s, s.controller.isByte);
      return [branches[0].pub, branches[1].pub];
    }

    values(options = undefined) {
      const s = rsRecord(this);
      const dict = dictionary(options, "Failed to execute 'values' on 'ReadableStream'");
      const reader = acquireDefaultReader(s);
      return createAsyncIterator(reader, !!dict.preventCancel);
    }
  }
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values, writable: true, enumerable: false, configurable: true,
  });
  webIdlClass(ReadableStream);

  // A record, or null for a value of another kind (checked without throwing: an exception
  // made and caught costs more than the rest of most calls that ask).
  function tryRecord(get, value) {
    return get(value, true);
  }

  function convertPipeOptions(options, what) {
    const dict = dictionary(options, what);
    const preventAbort = !!dict.preventAbort;
    const preventCancel = !!dict.preventCancel;
    const preventClose = !!dict.preventClose;
    const signal = dict.signal;
    if (signal !== undefined) {
      if (!events_isAbortSignal(signal)) {
        throw new TypeError(`${what}: Failed to read the 'signal' property: not an AbortSignal.`);
      }
    }
    return { preventAbort, preventCancel, preventClose, signal };
  }

  function newReadableStreamRecord(pub) {
    return {
      pub,
      state: 'readable',
      reader: undefined,
      storedError: undefined,
      disturbed: false,
      controller: undefined,
    };
  }

  function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm = 1, sizeAlgorithm = () => 1) {
    const s = newReadableStreamRecord(null);
    new ReadableStream(constructToken, s);
    setUpDefaultController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, sizeAlgorithm);
    return s;
  }

  function createByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
    const s = newReadableStreamRecord(null);
    new ReadableStream(constructToken, s);
    setUpByteController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
    return s;
  }

  function isLocked(s) {
    return s.reader !== undefined;
  }

  function readableStreamCancel(s, reason) {
    s.disturbed = true;
    if (s.state === 'closed') return resolved();
    if (s.state === 'errored') return rejected(s.storedError);
    readableStreamClose(s);
    const reader = s.reader;
    if (reader !== undefined && reader.byob) {
      const requests = reader.readIntoRequests;
      reader.readIntoRequests = new Queue();
      while (requests.length > 0) requests.shift().closeSteps(undefined);
    }
    const sourceCancelPromise = s.controller.cancelSteps(reason);
    return PromisePrototypeThen(sourceCancelPromise, noop);
  }

  function readableStreamClose(s) {
    s.state = 'closed';
    const reader = s.reader;
    if (reader === undefined) return;
    reader.closed.resolve();
    if (reader.byob) return;
    const requests = reader.readRequests;
    reader.readRequests = new Queue();
    while (requests.length > 0) requests.shift().closeSteps();
  }

  function readableStreamError(s, e) {
    s.state = 'errored';
    s.storedError = e;
    const reader = s.reader;
    if (reader === undefined) return;
    reader.closed.reject(e);
    setHandled(reader.closed.promise);
    readerErrorReadRequests(reader, e);
  }

  function readerErrorReadRequests(reader, e) {
    const requests = reader.byob ? reader.readIntoRequests : reader.readRequests;
    if (reader.byob) reader.readIntoRequests = new Queue();
    else reader.readRequests = new Queue();
    while (requests.length > 0) requests.shift().errorSteps(e);
  }

  function fulfillReadIntoRequest(s, chunk, done) {
    const request = s.reader.readIntoRequests.shift();
    if (done) request.closeSteps(chunk);
    else request.chunkSteps(chunk);
  }

  function hasDefaultReader(s) {
    return s.reader !== undefined && !s.reader.byob;
  }

  function hasBYOBReader(s) {
    return s.reader !== undefined && s.reader.byob;
  }

  function numReadIntoRequests(s) {
    return hasBYOBReader(s) ? s.reader.readIntoRequests.length : 0;
  }

  function fulfillReadRequest(s, chunk, done) {
    const request = s.reader.readRequests.shift();
    if (done) request.closeSteps();
    else request.chunkSteps(chunk);
  }

  function numReadRequests(s) {
    return hasDefaultReader(s) ? s.reader.readRequests.length : 0;
  }

  // ------------------------------------------- ReadableStreamDefaultController

  let rscRecord;

  class ReadableStreamDefaultController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== constructToken) throw illegalConstructor();
      this.#c = record;
      record.pub = this;
    }

    static {
      rscRecord = (value) => {
        if (!isObject(value) || !(#c in value)) throw new TypeError('Illegal invocation');
        return value.#c;
      };
    }

    get desiredSize() {
      return defaultControllerGetDesiredSize(rscRecord(this));
    }

    close() {
      const c = rscRecord(this);
      if (!defaultControllerCanCloseOrEnqueue(c)) {
        throw new TypeError("Failed to execute 'close' on 'ReadableStreamDefaultController': The stream is not in a state that permits close");
      }
      defaultControllerClose(c);
    }

    enqueue(chunk = undefined) {
      const c = rscRecord(this);
      if (!defaultControllerCanCloseOrEnqueue(c)) {
        throw new TypeError("Failed to execute 'enqueue' on 'ReadableStreamDefaultController': The stream is not in a state that permits enqueue");
      }
      defaultControllerEnqueue(c, chunk);
    }

    error(e = undefined) {
      defaultControllerError(rscRecord(this), e);
    }
  }
  webIdlClass(ReadableStreamDefaultController);

  function setUpDefaultController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, sizeAlgorithm) {
    const c = {
      pub: null,
      isByte: false,
      stream: s,
      queue: new Queue(),
      queueTotalSize: 0,
      started: false,
      closeRequested: false,
      pullAgain: false,
      pulling: false,
      strategyHWM: hwm,
      strategySizeAlgorithm: sizeAlgorithm,
      pullAlgorithm,
      cancelAlgorithm,
      cancelSteps(reason) {
        resetQueue(c);
        const result = c.cancelAlgorithm(reason);
        defaultControllerClearAlgorithms(c);
        return result;
      },
      pullSteps(readRequest) {
        if (c.queue.length > 0) {
          const chunk = dequeueValue(c);
          if (c.closeRequested && c.queue.length === 0) {
            defaultControllerClearAlgorithms(c);
            readableStreamClose(s);
          } else {
            defaultControllerCallPullIfNeeded(c);
          }
          readRequest.chunkSteps(chunk);
        } else {
          s.reader.readRequests.push(readRequest);
          defaultControllerCallPullIfNeeded(c);
        }
      },
      releaseSteps: noop,
    };
    new ReadableStreamDefaultController(constructToken, c);
    s.controller = c;
    const startResult = startAlgorithm();
    react(resolved(startResult), () => {
      c.started = true;
      defaultControllerCallPullIfNeeded(c);
    }, (r) => {
      defaultControllerError(c, r);
    });
  }

  function defaultControllerCallPullIfNeeded(c) {
    if (!defaultControllerShouldCallPull(c)) return;
    if (c.pulling) {
      c.pullAgain = true;
      return;
    }
    c.pulling = true;
    react(c.pullAlgorithm(), () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        defaultControllerCallPullIfNeeded(c);
      }
    }, (e) => {
      defaultControllerError(c, e);
    });
  }

  function defaultControllerShouldCallPull(c) {
    const s = c.stream;
    if (!defaultControllerCanCloseOrEnqueue(c)) return false;
    if (!c.started) return false;
    if (isLocked(s) && numReadRequests(s) > 0) return true;
    return defaultControllerGetDesiredSize(c) > 0;
  }

  function defaultControllerClearAlgorithms(c) {
    c.pullAlgorithm = undefined;
    c.cancelAlgorithm = undefined;
    c.strategySizeAlgorithm = undefined;
  }

  function defaultControllerClose(c) {
    if (!defaultControllerCanCloseOrEnqueue(c)) return;
    c.closeRequested = true;
    if (c.queue.length === 0) {
      defaultControllerClearAlgorithms(c);
      readableStreamClose(c.stream);
    }
  }

  function defaultControllerEnqueue(c, chunk) {
    if (!defaultControllerCanCloseOrEnqueue(c)) return;
    const s = c.stream;
    if (isLocked(s) && numReadRequests(s) > 0) {
      fulfillReadRequest(s, chunk, false);
    } else {
      let size;
      try {
        size = c.strategySizeAlgorithm(chunk);
      } catch (error) {
        defaultControllerError(c, error);
        throw error;
      }
      try {
        enqueueValueWithSize(c, chunk, size);
      } catch (error) {
        defaultControllerError(c, error);
        throw error;
      }
    }
    defaultControllerCallPullIfNeeded(c);
  }

  function defaultControllerError(c, e) {
    const s = c.stream;
    if (s.state !== 'readable') return;
    resetQueue(c);
    defaultControllerClearAlgorithms(c);
    readableStreamError(s, e);
  }

  function defaultControllerGetDesiredSize(c) {
    const state = c.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return c.strategyHWM - c.queueTotalSize;
  }

  function defaultControllerHasBackpressure(c) {
    return !defaultControllerShouldCallPull(c);
  }

  function defaultControllerCanCloseOrEnqueue(c) {
    return !c.closeRequested && c.stream.state === 'readable';
  }

  // ---------------------------------------------- ReadableByteStreamController

  // Views of byte streams, read through the built-ins' own getters so that a
  // worker redefining `buffer` or `byteLength` on a prototype does not steer them.
  const abDetached = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached');
  const abDetachedGet = abDetached === undefined ? undefined : abDetached.get;
  function isDetached(buffer) {
    if (abDetachedGet !== undefined) return ReflectApply(abDetachedGet, buffer, []);
    return ArrayBufferPrototypeGetByteLength(buffer) === 0;
  }
  function isTypedArray(view) {
    return TypedArrayPrototypeGetSymbolToStringTag(view) !== undefined;
  }
  function viewBuffer(view) {
    return isTypedArray(view) ? TypedArrayPrototypeGetBuffer(view) : DataViewPrototypeGetBuffer(view);
  }
  function viewByteOffset(view) {
    return isTypedArray(view) ? TypedArrayPrototypeGetByteOffset(view) : DataViewPrototypeGetByteOffset(view);
  }
  function viewByteLength(view) {
    return isTypedArray(view) ? TypedArrayPrototypeGetByteLength(view) : DataViewPrototypeGetByteLength(view);
  }
  // The constructor a filled view is made with, by the typed array's name.
  const viewConstructors = {
    __proto__: null,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float16Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  function cloneArrayBuffer(buffer, byteOffset, byteLength) {
    return ReflectApply(abSlice, buffer, [byteOffset, byteOffset + byteLength]);
  }

  let rbcRecord;

  class ReadableByteStreamController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== constructToken) throw illegalConstructor();
      this.#c = record;
      record.pub = this;
    }

    static {
      rbcRecord = (value, orNull = false) => {
        if (!isObject(value) || !(#c in value)) {
          if (orNull) return null;
          throw new TypeError('Illegal invocation');
        }
        return value.#c;
      };
    }

    get byobRequest() {
      return byteControllerGetBYOBRequest(rbcRecord(this));
    }

    get desiredSize() {
      return byteControllerGetDesiredSize(rbcRecord(this));
    }

    close() {
      const c = rbcRecord(this);
      if (c.closeRequested) throw new TypeError('The stream has already been closed.');
      if (c.stream.state !== 'readable') throw new TypeError('The stream is not readable.');
      byteControllerClose(c);
    }

    enqueue(chunk) {
      const c = rbcRecord(this);
      const what = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
      requireArguments(arguments.length, 1, what);
      if (!ArrayBufferIsView(chunk)) throw new TypeError(`${what}: parameter 1 is not of type 'ArrayBufferView'.`);
      if (viewByteLength(chunk) === 0) throw new TypeError(`${what}: chunk is empty.`);
      if (ArrayBufferPrototypeGetByteLength(viewBuffer(chunk)) === 0) throw new TypeError(`${what}: chunk's buffer is detached.`);
      if (c.closeRequested) throw new TypeError(`${what}: stream is closed.`);
      if (c.stream.state !== 'readable') throw new TypeError(`${what}: stream is not readable.`);
      byteControllerEnqueue(c, chunk);
    }

    error(e = undefined) {
      byteControllerError(rbcRecord(this), e);
    }
  }
  webIdlClass(ReadableByteStreamController);

  function newByteControllerRecord(s, pullAlgorithm, cancelAlgorithm, hwm, autoAllocateChunkSize) {
    const c = {
      autoAllocateChunkSize,
      pendingPullIntos: [],
      byobRequest: null,
      pub: null,
      isByte: true,
      stream: s,
      // Entries are { buffer, byteOffset, byteLength }.
      queue: new Queue(),
      queueTotalSize: 0,
      started: false,
      closeRequested: false,
      pullAgain: false,
      pulling: false,
      strategyHWM: hwm,
      pullAlgorithm,
      cancelAlgorithm,
      cancelSteps(reason) {
        byteControllerClearPendingPullIntos(c);
        resetQueue(c);
        const result = c.cancelAlgorithm(reason);
        byteControllerClearAlgorithms(c);
        return result;
      },
      pullSteps(readRequest) {
        if (c.queueTotalSize > 0) {
          byteControllerFillReadRequestFromQueue(c, readRequest);
          return;
        }
        const size = c.autoAllocateChunkSize;
        if (size !== undefined) {
          let buffer;
          try {
            buffer = new ArrayBuffer(size);
          } catch (error) {
            readRequest.errorSteps(error);
            return;
          }
          c.pendingPullIntos[c.pendingPullIntos.length] = {
            buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0,
            minimumFill: 1, elementSize: 1, viewConstructor: Uint8Array, readerType: 'default',
          };
        }
        s.reader.readRequests.push(readRequest);
        byteControllerCallPullIfNeeded(c);
      },
      releaseSteps() {
        // A pending request survives its reader; whatever the source writes into it
        // goes to the queue.
        if (c.pendingPullIntos.length > 0) {
          const first = c.pendingPullIntos[0];
          first.readerType = 'none';
          c.pendingPullIntos = [first];
        }
      },
    };
    new ReadableByteStreamController(constructToken, c);
    s.controller = c;
    return c;
  }

  function setUpByteController(s, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, autoAllocateChunkSize) {
    const c = newByteControllerRecord(s, pullAlgorithm, cancelAlgorithm, hwm, autoAllocateChunkSize);
    const startResult = startAlgorithm();
    react(resolved(startResult), () => {
      c.started = true;
      byteControllerCallPullIfNeeded(c);
    }, (r) => {
      byteControllerError(c, r);
    });
  }

  function byteControllerShouldCallPull(c) {
    const s = c.stream;
    if (s.state !== 'readable' || c.closeRequested || !c.started) return false;
    if (isLocked(s) && (numReadRequests(s) > 0 || numReadIntoRequests(s) > 0)) return true;
    return byteControllerGetDesiredSize(c) > 0;
  }

  function byteControllerCallPullIfNeeded(c) {
    if (!byteControllerShouldCallPull(c)) return;
    if (c.pulling) {
      c.pullAgain = true;
      return;
    }
    c.pulling = true;
    react(c.pullAlgorithm(), () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        byteControllerCallPullIfNeeded(c);
      }
    }, (e) => {
      byteControllerError(c, e);
    });
  }

  function byteControllerClearAlgorithms(c) {
    c.pullAlgorithm = undefined;
    c.cancelAlgorithm = undefined;
  }

  function byteControllerClose(c) {
    const s = c.stream;
    if (c.closeRequested || s.state !== 'readable') return;
    if (c.queueTotalSize > 0) {
      c.closeRequested = true;
      return;
    }
    if (c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      if (first.bytesFilled % first.elementSize !== 0) {
        const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
        byteControllerError(c, e);
        throw e;
      }
    }
    byteControllerClearAlgorithms(c);
    readableStreamClose(s);
  }

  function byteControllerEnqueue(c, chunk) {
    const s = c.stream;
    if (c.closeRequested || s.state !== 'readable') return;
    const what = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
    const buffer = viewBuffer(chunk);
    const byteOffset = viewByteOffset(chunk);
    const byteLength = viewByteLength(chunk);
    if (isDetached(buffer)) throw new TypeError(`${what}: chunk's buffer is detached.`);
    let transferred;
    try {
      transferred = transferArrayBuffer(buffer);
    } catch {
      throw new TypeError(`${what}: chunk's buffer cannot be transferred.`);
    }
    if (c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      if (isDetached(first.buffer)) throw new TypeError(`${what}: the BYOB request's buffer is detached.`);
      byteControllerInvalidateBYOBRequest(c);
      first.buffer = transferArrayBuffer(first.buffer);
      if (first.readerType === 'none') byteControllerEnqueueDetachedPullInto(c, first);
    }
    if (hasDefaultReader(s)) {
      byteControllerProcessReadRequestsUsingQueue(c);
      if (numReadRequests(s) === 0) {
        byteControllerEnqueueChunk(c, transferred, byteOffset, byteLength);
      } else {
        if (c.pendingPullIntos.length > 0) byteControllerShiftPendingPullInto(c);
        fulfillReadRequest(s, new Uint8Array(transferred, byteOffset, byteLength), false);
      }
    } else if (hasBYOBReader(s)) {
      byteControllerEnqueueChunk(c, transferred, byteOffset, byteLength);
      byteControllerCommitAll(c, byteControllerProcessPullIntosUsingQueue(c));
    } else {
      byteControllerEnqueueChunk(c, transferred, byteOffset, byteLength);
    }
    byteControllerCallPullIfNeeded(c);
  }

  function byteControllerEnqueueChunk(c, buffer, byteOffset, byteLength) {
    c.queue.push({ buffer, byteOffset, byteLength });
    c.queueTotalSize += byteLength;
  }

  function byteControllerEnqueueClonedChunk(c, buffer, byteOffset, byteLength) {
    let clone;
    try {
      clone = cloneArrayBuffer(buffer, byteOffset, byteLength);
    } catch (error) {
      byteControllerError(c, error);
      throw error;
    }
    byteControllerEnqueueChunk(c, clone, 0, byteLength);
  }

  // Bytes written into a request whose reader went away are queued.
  function byteControllerEnqueueDetachedPullInto(c, descriptor) {
    if (descriptor.bytesFilled > 0) {
      byteControllerEnqueueClonedChunk(c, descriptor.buffer, descriptor.byteOffset, descriptor.bytesFilled);
    }
    byteControllerShiftPendingPullInto(c);
  }

  function byteControllerError(c, e) {
    const s = c.stream;
    if (s.state !== 'readable') return;
    byteControllerClearPendingPullIntos(c);
    resetQueue(c);
    byteControllerClearAlgorithms(c);
    readableStreamError(s, e);
  }

  function byteControllerClearPendingPullIntos(c) {
    byteControllerInvalidateBYOBRequest(c);
    c.pendingPullIntos = [];
  }

  function byteControllerInvalidateBYOBRequest(c) {
    if (c.byobRequest === null) return;
    const r = byobRequestRecord(c.byobRequest);
    r.controller = undefined;
    r.view = null;
    c.byobRequest = null;
  }

  function byteControllerGetBYOBRequest(c) {
    if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled,
        first.byteLength - first.bytesFilled);
      c.byobRequest = new ReadableStreamBYOBRequest(constructToken, { controller: c, view });
    }
    return c.byobRequest;
  }

  function byteControllerGetDesiredSize(c) {
    const state = c.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return c.strategyHWM - c.queueTotalSize;
  }

  function byteControllerShiftPendingPullInto(c) {
    return ArrayPrototypeShift(c.pendingPullIntos);
  }

  function byteControllerHandleQueueDrain(c) {
    if (c.queueTotalSize === 0 && c.closeRequested) {
      byteControllerClearAlgorithms(c);
      readableStreamClose(c.stream);
    } else {
      byteControllerCallPullIfNeeded(c);
    }
  }

  function byteControllerFillReadRequestFromQueue(c, readRequest) {
    const entry = c.queue.shift();
    c.queueTotalSize -= entry.byteLength;
    byteControllerHandleQueueDrain(c);
    readRequest.chunkSteps(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
  }

  function byteControllerProcessReadRequestsUsingQueue(c) {
    const reader = c.stream.reader;
    while (reader.readRequests.length > 0) {
      if (c.queueTotalSize === 0) return;
      byteControllerFillReadRequestFromQueue(c, reader.readRequests.shift());
    }
  }

  // Copies queued bytes into a pull-into request, whole elements only unless the
  // queue runs dry; answers whether the request now holds at least its minimum.
  function byteControllerFillPullIntoFromQueue(c, descriptor) {
    const maxBytesToCopy = Math.min(c.queueTotalSize, descriptor.byteLength - descriptor.bytesFilled);
    const maxBytesFilled = descriptor.bytesFilled + maxBytesToCopy;
    let remaining = maxBytesToCopy;
    let ready = false;
    const maxAlignedBytes = maxBytesFilled - (maxBytesFilled % descriptor.elementSize);
    if (maxAlignedBytes >= descriptor.minimumFill) {
      remaining = maxAlignedBytes - descriptor.bytesFilled;
      ready = true;
    }
    while (remaining > 0) {
      const head = c.queue.peek();
      const bytesToCopy = Math.min(remaining, head.byteLength);
      const destStart = descriptor.byteOffset + descriptor.bytesFilled;
      TypedArrayPrototypeSet(new Uint8Array(descriptor.buffer, destStart, bytesToCopy),
        new Uint8Array(head.buffer, head.byteOffset, bytesToCopy), 0);
      if (head.byteLength === bytesToCopy) {
        c.queue.shift();
      } else {
        head.byteOffset += bytesToCopy;
        head.byteLength -= bytesToCopy;
      }
      c.queueTotalSize -= bytesToCopy;
      descriptor.bytesFilled += bytesToCopy;
      remaining -= bytesToCopy;
    }
    return ready;
  }

  function byteControllerProcessPullIntosUsingQueue(c) {
    const filled = [];
    while (c.pendingPullIntos.length > 0) {
      if (c.queueTotalSize === 0) break;
      const descriptor = c.pendingPullIntos[0];
      if (byteControllerFillPullIntoFromQueue(c, descriptor)) {
        byteControllerShiftPendingPullInto(c);
        filled[filled.length] = descriptor;
      }
    }
    return filled;
  }

  function convertPullIntoDescriptor(descriptor) {
    const buffer = transferArrayBuffer(descriptor.buffer);
    return new descriptor.viewConstructor(buffer, descriptor.byteOffset,
      descriptor.bytesFilled / descriptor.elementSize);
  }

  function commitPullIntoDescriptor(s, descriptor) {
    const done = s.state === 'closed';
    const filledView = convertPullIntoDescriptor(descriptor);
    if (descriptor.readerType === 'default') fulfillReadRequest(s, filledView, done);
    else fulfillReadIntoRequest(s, filledView, done);
  }

  function byteControllerCommitAll(c, descriptors) {
    for (let i = 0; i < descriptors.length; i++) commitPullIntoDescriptor(c.stream, descriptors[i]);
  }

  function byteControllerPullInto(c, view, min, readIntoRequest) {
    const s = c.stream;
    let elementSize = 1;
    let viewConstructor = DataView;
    const name = TypedArrayPrototypeGetSymbolToStringTag(view);
    if (name !== undefined) {
      viewConstructor = viewConstructors[name];
      elementSize = viewConstructor.BYTES_PER_ELEMENT;
    }
    const byteOffset = viewByteOffset(view);
    const byteLength = viewByteLength(view);
    let buffer;
    try {
      buffer = transferArrayBuffer(viewBuffer(view));
    } catch (error) {
      readIntoRequest.errorSteps(error);
      return;
    }
    const descriptor = {
      buffer, bufferByteLength: ArrayBufferPrototypeGetByteLength(buffer), byteOffset, byteLength,
      bytesFilled: 0, minimumFill: min * elementSize, elementSize, viewConstructor, readerType: 'byob',
    };
    if (c.pendingPullIntos.length > 0) {
      c.pendingPullIntos[c.pendingPullIntos.length] = descriptor;
      s.reader.readIntoRequests.push(readIntoRequest);
      return;
    }
    if (s.state === 'closed') {
      readIntoRequest.closeSteps(new viewConstructor(descriptor.buffer, byteOffset, 0));
      return;
    }
    if (c.queueTotalSize > 0) {
      if (byteControllerFillPullIntoFromQueue(c, descriptor)) {
        const filledView = convertPullIntoDescriptor(descriptor);
        byteControllerHandleQueueDrain(c);
        readIntoRequest.chunkSteps(filledView);
        return;
      }
      if (c.closeRequested) {
        const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
        byteControllerError(c, e);
        readIntoRequest.errorSteps(e);
        return;
      }
    }
    c.pendingPullIntos[c.pendingPullIntos.length] = descriptor;
    s.reader.readIntoRequests.push(readIntoRequest);
    byteControllerCallPullIfNeeded(c);
  }

  function byteControllerRespond(c, bytesWritten) {
    const first = c.pendingPullIntos[0];
    if (c.stream.state === 'closed') {
      if (bytesWritten !== 0) throw new TypeError('bytesWritten must be 0 when calling respond() on a closed stream');
    } else {
      if (bytesWritten === 0) throw new TypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
      if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError('bytesWritten out of range');
    }
    first.buffer = transferArrayBuffer(first.buffer);
    byteControllerRespondInternal(c, bytesWritten);
  }

  function byteControllerRespondInClosedState(c, first) {
    if (first.readerType === 'none') byteControllerShiftPendingPullInto(c);
    const s = c.stream;
    if (hasBYOBReader(s)) {
      const filled = [];
      while (filled.length < numReadIntoRequests(s)) filled[filled.length] = byteControllerShiftPendingPullInto(c);
      byteControllerCommitAll(c, filled);
    }
  }

  function byteControllerRespondInReadableState(c, bytesWritten, descriptor) {
    descriptor.bytesFilled += bytesWritten;
    if (descriptor.readerType === 'none') {
      byteControllerEnqueueDetachedPullInto(c, descriptor);
      byteControllerCommitAll(c, byteControllerProcessPullIntosUsingQueue(c));
      return;
    }
    if (descriptor.bytesFilled < descriptor.minimumFill) return;
    byteControllerShiftPendingPullInto(c);
    const remainder = descriptor.bytesFilled % descriptor.elementSize;
    if (remainder > 0) {
      const end = descriptor.byteOffset + descriptor.bytesFilled;
      byteControllerEnqueueClonedChunk(c, descriptor.buffer, end - remainder, remainder);
    }
    descriptor.bytesFilled -= remainder;
    const filled = byteControllerProcessPullIntosUsingQueue(c);
    commitPullIntoDescriptor(c.stream, descriptor);
    byteControllerCommitAll(c, filled);
  }

  function byteControllerRespondInternal(c, bytesWritten) {
    const first = c.pendingPullIntos[0];
    byteControllerInvalidateBYOBRequest(c);
    if (c.stream.state === 'closed') byteControllerRespondInClosedState(c, first);
    else byteControllerRespondInReadableState(c, bytesWritten, first);
    byteControllerCallPullIfNeeded(c);
  }

  function byteControllerRespondWithNewView(c, view, what) {
    const first = c.pendingPullIntos[0];
    const length = viewByteLength(view);
    if (c.stream.state === 'closed') {
      if (length !== 0) throw new TypeError(`${what}: The view's length must be 0 on a closed stream`);
    } else if (length === 0) {
      throw new TypeError(`${what}: The view's length must be greater than 0`);
    }
    const buffer = viewBuffer(view);
    if (first.byteOffset + first.bytesFilled !== viewByteOffset(view)) throw new RangeError(`${what}: The region specified by view does not match byobRequest`);
    if (first.bufferByteLength !== ArrayBufferPrototypeGetByteLength(buffer)) throw new RangeError(`${what}: The buffer of view has different capacity than byobRequest`);
    if (first.bytesFilled + length > first.byteLength) throw new RangeError(`${what}: The region specified by view is larger than byobRequest`);
    first.buffer = transferArrayBuffer(buffer);
    byteControllerRespondInternal(c, length);
  }

  let byobRequestRecord;

  class ReadableStreamBYOBRequest {
    #r;

    constructor(token = undefined, record = undefined) {
      if (token !== constructToken) throw illegalConstructor();
      this.#r = record;
    }

    static {
      byobRequestRecord = (value) => {
        if (!isObject(value) || !(#r in value)) throw new TypeError('Illegal invocation');
        return value.#r;
      };
    }

    get view() {
      return byobRequestRecord(this).view;
    }

    respond(bytesWritten) {
      const r = byobRequestRecord(this);
      const what = "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'";
      requireArguments(arguments.length, 1, what);
      const n = enforceRangeUnsigned(bytesWritten, what);
      if (r.controller === undefined) throw new TypeError(`${what}: This BYOB request has been invalidated`);
      if (isDetached(TypedArrayPrototypeGetBuffer(r.view))) throw new TypeError(`${what}: The view's buffer has been detached.`);
      byteControllerRespond(r.controller, n);
    }

    respondWithNewView(view) {
      const r = byobRequestRecord(this);
      const what = "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest'";
      requireArguments(arguments.length, 1, what);
      if (!ArrayBufferIsView(view)) throw new TypeError(`${what}: parameter 1 is not of type 'ArrayBufferView'.`);
      if (r.controller === undefined) throw new TypeError(`${what}: This BYOB request has been invalidated`);
      if (isDetached(viewBuffer(view))) throw new TypeError(`${what}: The view's buffer has been detached.`);
      byteControllerRespondWithNewView(r.controller, view, what);
    }
  }
  webIdlClass(ReadableStreamBYOBRequest);

  // Web IDL [EnforceRange] unsigned long long.
  function enforceRangeUnsigned(value, what) {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new TypeError(`${what}: Value is not a finite number.`);
    const t = Math.trunc(n);
    if (t < 0 || t > Number.MAX_SAFE_INTEGER) throw new TypeError(`${what}: Value is outside the 'unsigned long long' value range.`);
    return t === 0 ? 0 : t;
  }

  // --------------------------------------------- ReadableStreamDefaultReader

  let readerRecord;

  class ReadableStreamDefaultReader {
    #r;

    constructor(stream) {
      requireArguments(arguments.length, 1, "Failed to construct 'ReadableStreamDefaultReader'");
      if (stream === constructToken) {
        this.#r = arguments[1];
        this.#r.pub = this;
        return;
      }
      const s = tryRecord(rsRecord, stream);
      if (!s) {
        throw new TypeError("Failed to construct 'ReadableStreamDefaultReader': parameter 1 is not of type 'ReadableStream'.");
      }
      const r = newReaderRecord();
      this.#r = r;
      r.pub = this;
      setUpDefaultReader(r, s);
    }

    static {
      readerRecord = (value) => {
        if (!isObject(value) || !(#r in value)) throw new TypeError('Illegal invocation');
        return value.#r;
      };
    }

    get closed() {
      let r;
      try {
        r = readerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      return r.closed.promise;
    }

    read() {
      let r;
      try {
        r = readerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (r.stream === undefined) return rejected(new TypeError('This readable stream reader has been released and cannot be used to read from its previous owner stream'));
      return new Promise((resolve, reject) => {
        defaultReaderRead(r, {
          chunkSteps: (value) => resolve({ value, done: false }),
          closeSteps: () => resolve({ value: undefined, done: true }),
          errorSteps: reject,
        });
      });
    }

    releaseLock() {
      const r = readerRecord(this);
      if (r.stream === undefined) return;
      defaultReaderRelease(r);
    }

    cancel(reason = undefined) {
      let r;
      try {
        r = readerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (r.stream === undefined) return rejected(new TypeError('This readable stream reader has been released and cannot be used to cancel its previous owner stream'));
      return readableStreamCancel(r.stream, reason);
    }
  }
  webIdlClass(ReadableStreamDefaultReader);

  function newReaderRecord() {
    return { pub: null, byob: false, stream: undefined, closed: null, readRequests: new Queue(), readIntoRequests: null };
  }

  function setUpDefaultReader(r, s) {
    if (isLocked(s)) {
      throw new TypeError('ReadableStreamDefaultReader constructor can only accept readable streams that are not yet locked to a reader');
    }
    r.stream = s;
    s.reader = r;
    if (s.state === 'readable') r.closed = deferred();
    else if (s.state === 'closed') r.closed = resolvedDeferred();
    else r.closed = rejectedDeferred(s.storedError);
    r.readRequests = new Queue();
  }

  function acquireDefaultReader(s) {
    const r = newReaderRecord();
    setUpDefaultReader(r, s);
    new ReadableStreamDefaultReader(constructToken, r);
    return r;
  }

  function defaultReaderRead(r, readRequest) {
    const s = r.stream;
    s.disturbed = true;
    if (s.state === 'closed') readRequest.closeSteps();
    else if (s.state === 'errored') readRequest.errorSteps(s.storedError);
    else s.controller.pullSteps(readRequest);
  }

  // Releases a default or a BYOB reader: its pending reads fail.
  function readerRelease(r) {
    const s = r.stream;
    const error = new TypeError('Reader was released');
    if (s.state === 'readable') {
      r.closed.reject(error);
    } else {
      r.closed = rejectedDeferred(error);
    }
    setHandled(r.closed.promise);
    s.controller.releaseSteps();
    s.reader = undefined;
    r.stream = undefined;
    readerErrorReadRequests(r, error);
  }

  function defaultReaderRelease(r) {
    readerRelease(r);
  }

  // ----------------------------------------------- ReadableStreamBYOBReader

  let byobReaderRecord;

  class ReadableStreamBYOBReader {
    #r;

    constructor(stream) {
      requireArguments(arguments.length, 1, "Failed to construct 'ReadableStreamBYOBReader'");
      if (stream === constructToken) {
        this.#r = arguments[1];
        this.#r.pub = this;
        return;
      }
      const s = tryRecord(rsRecord, stream);
      if (!s) {
        throw new TypeError("Failed to construct 'ReadableStreamBYOBReader': parameter 1 is not of type 'ReadableStream'.");
      }
      const r = newReaderRecord();
      this.#r = r;
      r.pub = this;
      setUpBYOBReader(r, s);
    }

    static {
      byobReaderRecord = (value) => {
        if (!isObject(value) || !(#r in value)) throw new TypeError('Illegal invocation');
        return value.#r;
      };
    }

    get closed() {
      let r;
      try {
        r = byobReaderRecord(this);
      } catch (error) {
        return rejected(error);
      }
      return r.closed.promise;
    }

    read(view, options = undefined) {
      const what = "Failed to execute 'read' on 'ReadableStreamBYOBReader'";
      let r;
      let min;
      try {
        r = byobReaderRecord(this);
        requireArguments(arguments.length, 1, what);
        if (!ArrayBufferIsView(view)) throw new TypeError(`${what}: parameter 1 is not of type 'ArrayBufferView'.`);
        const dict = dictionary(options, what);
        min = dict.min === undefined ? 1 : enforceRangeUnsigned(dict.min, `${what}: Failed to read the 'min' property`);
      } catch (error) {
        return rejected(error);
      }
      if (viewByteLength(view) === 0) return rejected(new TypeError(`${what}: This view has a zero byte length.`));
      const buffer = viewBuffer(view);
      if (ArrayBufferPrototypeGetByteLength(buffer) === 0 || isDetached(buffer)) {
        return rejected(new TypeError(`${what}: This view's buffer is detached or has zero length.`));
      }
      if (min === 0) return rejected(new TypeError(`${what}: options.min must be greater than 0.`));
      if (isTypedArray(view)) {
        if (min > TypedArrayPrototypeGetLength(view)) return rejected(new RangeError(`${what}: options.min must be at most the view's length.`));
      } else if (min > DataViewPrototypeGetByteLength(view)) {
        return rejected(new RangeError(`${what}: options.min must be at most the view's byteLength.`));
      }
      if (r.stream === undefined) return rejected(new TypeError('This readable stream reader has been released and cannot be used to read from its previous owner stream'));
      return new Promise((resolve, reject) => {
        byobReaderRead(r, view, min, {
          chunkSteps: (value) => resolve({ value, done: false }),
          closeSteps: (value) => resolve({ value, done: true }),
          errorSteps: reject,
        });
      });
    }

    releaseLock() {
      const r = byobReaderRecord(this);
      if (r.stream === undefined) return;
      readerRelease(r);
    }

    cancel(reason = undefined) {
      let r;
      try {
        r = byobReaderRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (r.stream === undefined) return rejected(new TypeError('This readable stream reader has been released and cannot be used to cancel its previous owner stream'));
      return readableStreamCancel(r.stream, reason);
    }
  }
  webIdlClass(ReadableStreamBYOBReader);

  function setUpBYOBReader(r, s) {
    if (isLocked(s)) {
      throw new TypeError('ReadableStreamBYOBReader constructor can only accept readable streams that are not yet locked to a reader');
    }
    if (!s.controller.isByte) {
      throw new TypeError("Cannot construct a ReadableStreamBYOBReader for a stream not constructed with a byte source");
    }
    r.byob = true;
    r.stream = s;
    s.reader = r;
    if (s.state === 'readable') r.closed = deferred();
    else if (s.state === 'closed') r.closed = resolvedDeferred();
    else r.closed = rejectedDeferred(s.storedError);
    r.readIntoRequests = new Queue();
  }

  function acquireBYOBReader(s) {
    const r = newReaderRecord();
    setUpBYOBReader(r, s);
    new ReadableStreamBYOBReader(constructToken, r);
    return r;
  }

  function byobReaderRead(r, view, min, readIntoRequest) {
    const s = r.stream;
    s.disturbed = true;
    if (s.state === 'errored') readIntoRequest.errorSteps(s.storedError);
    else byteControllerPullInto(s.controller, view, min, readIntoRequest);
  }

  // ---------------------------------------------------------- async iteration

  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((async function* () {}).prototype));
  const iteratorState = new SafeWeakMap();
  const ReadableStreamAsyncIteratorPrototype = Object.create(AsyncIteratorPrototype, {
    next: {
      value: function next() {
        const it = iteratorState.get(this);
        if (!it) return rejected(new TypeError('Illegal invocation'));
        const nextSteps = () => {
          if (it.finished) return resolved({ value: undefined, done: true });
          return iteratorNext(it);
        };
        it.ongoing = it.ongoing ? PromisePrototypeThen(it.ongoing, nextSteps, nextSteps) : nextSteps();
        return it.ongoing;
      },
      writable: true, enumerable: true, configurable: true,
    },
    return: {
      value: function (value = undefined) {
        const it = iteratorState.get(this);
        if (!it) return rejected(new TypeError('Illegal invocation'));
        const returnSteps = () => {
          if (it.finished) return resolved({ value, done: true });
          it.finished = true;
          return PromisePrototypeThen(iteratorReturn(it, value), () => ({ value, done: true }));
        };
        it.ongoing = it.ongoing ? PromisePrototypeThen(it.ongoing, returnSteps, returnSteps) : returnSteps();
        return it.ongoing;
      },
      writable: true, enumerable: true, configurable: true,
    },
    [Symbol.toStringTag]: { value: 'ReadableStream AsyncIterator', configurable: true },
  });

  function createAsyncIterator(reader, preventCancel) {
    const iterator = ObjectCreate(ReadableStreamAsyncIteratorPrototype);
    iteratorState.set(iterator, { reader, preventCancel, ongoing: null, finished: false });
    return iterator;
  }

  function iteratorNext(it) {
    const r = it.reader;
    if (r.stream === undefined) return rejected(new TypeError('The reader has been released'));
    return new Promise((resolve, reject) => {
      defaultReaderRead(r, {
        chunkSteps: (value) => {
          resolve({ value, done: false });
        },
        closeSteps: () => {
          it.ongoing = null;
          it.finished = true;
          defaultReaderRelease(r);
          resolve({ value: undefined, done: true });
        },
        errorSteps: (e) => {
          it.ongoing = null;
          it.finished = true;
          defaultReaderRelease(r);
          reject(e);
        },
      });
    });
  }

  function iteratorReturn(it, value) {
    const r = it.reader;
    if (r.stream === undefined) return resolved();
    if (!it.preventCancel) {
      const result = readableStreamCancel(r.stream, value);
      defaultReaderRelease(r);
      return result;
    }
    defaultReaderRelease(r);
    return resolved();
  }

  // --------------------------------------------------------------------- from

  function readableStreamFromIterable(asyncIterable) {
    let iterator;
    const method = asyncIterable == null ? undefined : asyncIterable[Symbol.asyncIterator];
    if (method === undefined || method === null) {
      const syncMethod = asyncIterable == null ? undefined : asyncIterable[Symbol.iterator];
      if (typeof syncMethod !== 'function') {
        throw new TypeError("Failed to execute 'from' on 'ReadableStream': The provided value is not async iterable.");
      }
      const syncIterator = ReflectApply(syncMethod, asyncIterable, []);
      if (!isObject(syncIterator)) throw new TypeError('The iterator is not an object.');
      iterator = asyncFromSyncIterator(syncIterator);
    } else {
      if (typeof method !== 'function') throw new TypeError('Symbol.asyncIterator is not a function.');
      iterator = ReflectApply(method, asyncIterable, []);
      if (!isObject(iterator)) throw new TypeError('The iterator is not an object.');
    }
    const nextMethod = iterator.next;
    const pullAlgorithm = () => {
      let nextResult;
      try {
        nextResult = ReflectApply(nextMethod, iterator, []);
      } catch (error) {
        return rejected(error);
      }
      return PromisePrototypeThen(resolved(nextResult), (result) => {
        if (!isObject(result)) throw new TypeError('The iterator result is not an object.');
        if (result.done) {
          defaultControllerClose(s.controller);
        } else {
          defaultControllerEnqueue(s.controller, result.value);
        }
      });
    };
    const cancelAlgorithm = (reason) => {
      let returnMethod;
      try {
        returnMethod = iterator.return;
        if (returnMethod === undefined || returnMethod === null) return resolved();
        if (typeof returnMethod !== 'function') throw new TypeError('return is not a function.');
      } catch (error) {
        return rejected(error);
      }
      return PromisePrototypeThen(promiseCall(returnMethod, iterator, [reason]), (result) => {
        if (!isObject(result)) throw new TypeError('The iterator result is not an object.');
      });
    };
    const s = createReadableStream(noop, pullAlgorithm, cancelAlgorithm, 0);
    return s.pub;
  }

  function asyncFromSyncIterator(syncIterator) {
    const nextMethod = syncIterator.next;
    const continuation = (result) => {
      if (!isObject(result)) throw new TypeError('The iterator result is not an object.');
      const done = !!result.done;
      return PromisePrototypeThen(resolved(result.value), (value) => ({ value, done }));
    };
    return {
      next() {
        try {
          return continuation(ReflectApply(nextMethod, syncIterator, []));
        } catch (error) {
          return rejected(error);
        }
      },
      return(value) {
        try {
          const returnMethod = syncIterator.return;
          if (returnMethod === undefined || returnMethod === null) return resolved({ value, done: true });
          return continuation(ReflectApply(returnMethod, syncIterator, [value]));
        } catch (error) {
          return rejected(error);
        }
      },
    };
  }

  // ---------------------------------------------------------------------- tee

  function cloneChunk(chunk) {
    if (ArrayBufferIsView(chunk)) {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      return new Uint8Array(bytes);
    }
    return structuredClone(chunk);
  }

  // The branches of a byte stream are byte streams (with hwm 0, so that they pull
  // only when read), each chunk copied for the second branch; a BYOB read that a
  // branch still waits for when the source closes is answered empty.
  function readableStreamTee(s, cloneForBranch2) {
    const reader = acquireDefaultReader(s);
    const byte = s.controller.isByte;
    const enqueueBranch = (c, chunk) => {
      if (byte) byteControllerEnqueue(c, chunk);
      else defaultControllerEnqueue(c, chunk);
    };
    const closeBranch = (c) => {
      if (!byte) {
        defaultControllerClose(c);
        return;
      }
      try {
        byteControllerClose(c);
      } catch {
        return; // the branch is errored: its pending read cannot be whole elements
      }
      if (c.pendingPullIntos.length > 0) byteControllerRespond(c, 0);
    };
    const errorBranch = (c, e) => {
      if (byte) byteControllerError(c, e);
      else defaultControllerError(c, e);
    };
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelPromise = deferred();
    const pullAlgorithm = () => {
      if (reading) {
        readAgain = true;
        return resolved();
      }
      reading = true;
      defaultReaderRead(reader, {
        chunkSteps: (chunk) => {
          // Deferred so that errors from the source are seen first.
          queueMicrotaskShim(() => {
            readAgain = false;
            const chunk1 = chunk;
            let chunk2 = chunk;
            if (!canceled2 && cloneForBranch2) {
              try {
                chunk2 = cloneChunk(chunk);
              } catch (error) {
                errorBranch(branch1.controller, error);
                errorBranch(branch2.controller, error);
                cancelPromise.resolve(readableStreamCancel(s, error));
                return;
              }
            }
            if (!canceled1) enqueueBranch(branch1.controller, chunk1);
            if (!canceled2) enqueueBranch(branch2.controller, chunk2);
            reading = false;
            if (readAgain) pullAlgorithm();
          });
        },
        closeSteps: () => {
          reading = false;
          if (!canceled1) closeBranch(branch1.controller);
          if (!canceled2) closeBranch(branch2.controller);
          if (!canceled1 || !canceled2) cancelPromise.resolve();
        },
        errorSteps: () => {
          reading = false;
        },
      });
      return resolved();
    };
    const cancel1Algorithm = (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelPromise.resolve(readableStreamCancel(s, [reason1, reason2]));
      return cancelPromise.promise;
    };
    const cancel2Algorithm = (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelPromise.resolve(readableStreamCancel(s, [reason1, reason2]));
      return cancelPromise.promise;
    };
    const create = byte ? createByteStream : createReadableStream;
    branch1 = create(noop, pullAlgorithm, cancel1Algorithm);
    branch2 = create(noop, pullAlgorithm, cancel2Algorithm);
    react(reader.closed.promise, noop, (r) => {
      errorBranch(branch1.controller, r);
      errorBranch(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve();
    });
    return [branch1, branch2];
  }

  function queueMicrotaskShim(fn) {
    PromisePrototypeThen(PromisePrototypeThen(resolved(), fn), undefined, reportError);
  }

  // --------------------------------------------------------------------- pipe

  function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
    const reader = acquireDefaultReader(source);
    const writer = acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = resolved();
    const done = deferred();
    let abortListener = null;

    const waitForWritesToFinish = () => {
      const old = currentWrite;
      return PromisePrototypeThen(currentWrite, () => (old !== currentWrite ? waitForWritesToFinish() : undefined));
    };

    const finalize = (isError, error) => {
      writerRelease(writer);
      defaultReaderRelease(reader);
      if (abortListener) signal.removeEventListener('abort', abortListener);
      if (isError) done.reject(error);
      else done.resolve();
    };

    const shutdownWithAction = (action, originalIsError, originalError) => {
      if (shuttingDown) return;
      shuttingDown = true;
      const doTheRest = () => {
        react(action(), () => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
      };
      if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
        react(waitForWritesToFinish(), doTheRest, doTheRest);
      } else {
        doTheRest();
      }
    };

    const shutdown = (isError, error) => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
        react(waitForWritesToFinish(), () => finalize(isError, error), () => finalize(isError, error));
      } else {
        finalize(isError, error);
      }
    };

    if (signal !== undefined) {
      const abortAlgorithm = () => {
        const error = signal.reason;
        const actions = [];
        if (!preventAbort) {
          actions[actions.length] = () => (dest.state === 'writable' ? writableStreamAbort(dest, error) : resolved());
        }
        if (!preventCancel) {
          actions[actions.length] = () => (source.state === 'readable' ? readableStreamCancel(source, error) : resolved());
        }
        shutdownWithAction(() => {
          const results = [];
          for (let i = 0; i < actions.length; i++) results[i] = actions[i]();
          return promiseAll(results);
        }, true, error);
      };
      if (signal.aborted) {
        abortAlgorithm();
        return done.promise;
      }
      abortListener = abortAlgorithm;
      signal.addEventListener('abort', abortListener);
    }

    // Errors and closes must propagate, in this order of precedence.
    const onSourceErrored = (storedError) => {
      if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    const onDestErrored = (storedError) => {
      if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    const onSourceClosed = () => {
      if (!preventClose) shutdownWithAction(() => writerCloseWithErrorPropagation(writer));
      else shutdown();
    };

    if (source.state === 'errored') onSourceErrored(source.storedError);
    else react(reader.closed.promise, noop, onSourceErrored);
    if (dest.state === 'errored') onDestErrored(dest.storedError);
    else react(writer.closed.promise, noop, onDestErrored);
    if (source.state === 'closed') onSourceClosed();
    else react(reader.closed.promise, onSourceClosed, noop);
    if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
      const destClosed = new TypeError('the destination writable stream closed before all data could be piped to it');
      if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
      else shutdown(true, destClosed);
    }

    const pipeStep = () => {
      if (shuttingDown) return resolved(true);
      return PromisePrototypeThen(writer.ready.promise, () => {
        if (shuttingDown) return true;
        return new Promise((resolve, reject) => {
          defaultReaderRead(reader, {
            chunkSteps: (chunk) => {
              // Written in a microtask: a read answered from inside enqueue() must not run the
              // sink's write() before enqueue() returns.
              currentWrite = PromisePrototypeThen(PromisePrototypeThen(resolved(undefined), () => writerWrite(writer, chunk)),
                undefined, noop);
              resolve(false);
            },
            closeSteps: () => resolve(true),
            errorSteps: reject,
          });
        });
      });
    };
    const pipeLoop = () => {
      PromisePrototypeThen(pipeStep(), (finished) => {
        if (!finished) pipeLoop();
      }, noop);
    };
    pipeLoop();
    return done.promise;
  }

  // ----------------------------------------------------------- WritableStream

  let wsRecord;

  class WritableStream {
    #s;

    constructor(underlyingSink = undefined, strategy = undefined) {
      if (underlyingSink === constructToken) {
        this.#s = strategy;
        strategy.pub = this;
        return;
      }
      const what = "Failed to construct 'WritableStream'";
      if (underlyingSink !== undefined && !isObject(underlyingSink)) {
        throw new TypeError(`${what}: parameter 1 is not of type 'object'.`);
      }
      const strat = convertStrategy(strategy, what);
      const sink = underlyingSink === undefined ? null : underlyingSink;
      const dict = sink ?? {};
      const abort = callbackMember(dict, 'abort', what);
      const close = callbackMember(dict, 'close', what);
      const start = callbackMember(dict, 'start', what);
      const type = dict.type;
      const write = callbackMember(dict, 'write', what);
      if (type !== undefined) throw new RangeError(`${what}: Invalid type is specified`);
      const s = newWritableStreamRecord(this);
      this.#s = s;
      const sizeAlgorithm = extractSizeAlgorithm(strat.size);
      const hwm = extractHighWaterMark(strat, 1);
      setUpWritableController(s,
        () => (start ? ReflectApply(start, sink, [s.controller.pub]) : undefined),
        (chunk) => (write ? promiseCall(write, sink, [chunk, s.controller.pub]) : resolved()),
        () => (close ? promiseCall(close, sink, []) : resolved()),
        (reason) => (abort ? promiseCall(abort, sink, [reason]) : resolved()),
        hwm, sizeAlgorithm);
    }

    static {
      wsRecord = (value, orNull = false) => {
        if (!isObject(value) || !(#s in value)) {
          if (orNull) return null;
          throw new TypeError('Illegal invocation');
        }
        return value.#s;
      };
    }

    get locked() {
      return isWritableStreamLocked(wsRecord(this));
    }

    abort(reason = undefined) {
      let s;
      try {
        s = wsRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (isWritableStreamLocked(s)) return rejected(new TypeError('Cannot abort a locked WritableStream'));
      return writableStreamAbort(s, reason);
    }

    close() {
      let s;
      try {
        s = wsRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (isWritableStreamLocked(s)) return rejected(new TypeError('Cannot close a locked WritableStream'));
      if (writableStreamCloseQueuedOrInFlight(s)) return rejected(new TypeError('Cannot close an already-closing stream'));
      return writableStreamClose(s);
    }

    getWriter() {
      return acquireWriter(wsRecord(this)).pub;
    }
  }
  webIdlClass(WritableStream);

  function newWritableStreamRecord(pub) {
    return {
      pub,
      state: 'writable',
      storedError: undefined,
      writer: undefined,
      controller: undefined,
      inFlightWriteRequest: undefined,
      closeRequest: undefined,
      inFlightCloseRequest: undefined,
      pendingAbortRequest: undefined,
      writeRequests: new Queue(),
      backpressure: false,
    };
  }

  function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm, sizeAlgorithm) {
    const s = newWritableStreamRecord(null);
    new WritableStream(constructToken, s);
    setUpWritableController(s, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm, sizeAlgorithm);
    return s;
  }

  function isWritableStreamLocked(s) {
    return s.writer !== undefined;
  }

  function writableStreamAbort(s, reason) {
    if (s.state === 'closed' || s.state === 'errored') return resolved();
    s.controller.abortController.abort(reason);
    const state = s.state;
    if (state === 'closed' || state === 'errored') return resolved();
    if (s.pendingAbortRequest !== undefined) return s.pendingAbortRequest.promise.promise;
    let wasAlreadyErroring = false;
    if (state === 'erroring') {
      wasAlreadyErroring = true;
      reason = undefined;
    }
    const promise = deferred();
    s.pendingAbortRequest = { promise, reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) writableStreamStartErroring(s, reason);
    return promise.promise;
  }

  function writableStreamClose(s) {
    const state = s.state;
    if (state === 'closed' || state === 'errored') {
      return rejected(new TypeError('The stream is not in the writable state and cannot be closed'));
    }
    const promise = deferred();
    s.closeRequest = promise;
    const writer = s.writer;
    if (writer !== undefined && s.backpressure && state === 'writable') writer.ready.resolve();
    writableControllerClose(s.controller);
    return promise.promise;
  }

  function writableStreamDealWithRejection(s, error) {
    if (s.state === 'writable') {
      writableStreamStartErroring(s, error);
      return;
    }
    writableStreamFinishErroring(s);
  }

  function writableStreamStartErroring(s, reason) {
    const c = s.controller;
    s.state = 'erroring';
    s.storedError = reason;
    const writer = s.writer;
    if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
    if (!writableStreamHasOperationMarkedInFlight(s) && c.started) writableStreamFinishErroring(s);
  }

  function writableStreamFinishErroring(s) {
    s.state = 'errored';
    resetQueue(s.controller);
    const storedError = s.storedError;
    const requests = s.writeRequests;
    s.writeRequests = new Queue();
    while (requests.length > 0) requests.shift().reject(storedError);
    if (s.pendingAbortRequest === undefined) {
      writableStreamRejectCloseAndClosedPromiseIfNeeded(s);
      return;
    }
    const abortRequest = s.pendingAbortRequest;
    s.pendingAbortRequest = undefined;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.promise.reject(storedError);
      writableStreamRejectCloseAndClosedPromiseIfNeeded(s);
      return;
    }
    const c = s.controller;
    const promise = c.abortAlgorithm(abortRequest.reason);
    writableControllerClearAlgorithms(c);
    react(promise, () => {
      abortRequest.promise.resolve();
      writableStreamRejectCloseAndClosedPromiseIfNeeded(s);
    }, (reason) => {
      abortRequest.promise.reject(reason);
      writableStreamRejectCloseAndClosedPromiseIfNeeded(s);
    });
  }

  function writableStreamFinishInFlightWrite(s) {
    s.inFlightWriteRequest.resolve();
    s.inFlightWriteRequest = undefined;
  }

  function writableStreamFinishInFlightWriteWithError(s, error) {
    s.inFlightWriteRequest.reject(error);
    s.inFlightWriteRequest = undefined;
    writableStreamDealWithRejection(s, error);
  }

  function writableStreamFinishInFlightClose(s) {
    s.inFlightCloseRequest.resolve();
    s.inFlightCloseRequest = undefined;
    if (s.state === 'erroring') {
      s.storedError = undefined;
      if (s.pendingAbortRequest !== undefined) {
        s.pendingAbortRequest.promise.resolve();
        s.pendingAbortRequest = undefined;
      }
    }
    s.state = 'closed';
    const writer = s.writer;
    if (writer !== undefined) writer.closed.resolve();
  }

  function writableStreamFinishInFlightCloseWithError(s, error) {
    s.inFlightCloseRequest.reject(error);
    s.inFlightCloseRequest = undefined;
    if (s.pendingAbortRequest !== undefined) {
      s.pendingAbortRequest.promise.reject(error);
      s.pendingAbortRequest = undefined;
    }
    writableStreamDealWithRejection(s, error);
  }

  function writableStreamCloseQueuedOrInFlight(s) {
    return s.closeRequest !== undefined || s.inFlightCloseRequest !== undefined;
  }

  function writableStreamHasOperationMarkedInFlight(s) {
    return s.inFlightWriteRequest !== undefined || s.inFlightCloseRequest !== undefined;
  }

  function writableStreamRejectCloseAndClosedPromiseIfNeeded(s) {
    if (s.closeRequest !== undefined) {
      s.closeRequest.reject(s.storedError);
      s.closeRequest = undefined;
    }
    const writer = s.writer;
    if (writer !== undefined) {
      writer.closed.reject(s.storedError);
      setHandled(writer.closed.promise);
    }
  }

  function writableStreamUpdateBackpressure(s, backpressure) {
    const writer = s.writer;
    if (writer !== undefined && backpressure !== s.backpressure) {
      if (backpressure) writer.ready = deferred();
      else writer.ready.resolve();
    }
    s.backpressure = backpressure;
  }

  // ------------------------------------------------ WritableStreamDefaultWriter

  let writerRecord;

  class WritableStreamDefaultWriter {
    #w;

    constructor(stream) {
      requireArguments(arguments.length, 1, "Failed to construct 'WritableStreamDefaultWriter'");
      if (stream === constructToken) {
        this.#w = arguments[1];
        this.#w.pub = this;
        return;
      }
      const s = tryRecord(wsRecord, stream);
      if (!s) {
        throw new TypeError("Failed to construct 'WritableStreamDefaultWriter': parameter 1 is not of type 'WritableStream'.");
      }
      const w = { pub: this, stream: undefined, ready: null, closed: null };
      this.#w = w;
      setUpWriter(w, s);
    }

    static {
      writerRecord = (value) => {
        if (!isObject(value) || !(#w in value)) throw new TypeError('Illegal invocation');
        return value.#w;
      };
    }

    get closed() {
      let w;
      try {
        w = writerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      return w.closed.promise;
    }

    get desiredSize() {
      const w = writerRecord(this);
      if (w.stream === undefined) throw new TypeError('The writer has been released');
      return writerGetDesiredSize(w);
    }

    get ready() {
      let w;
      try {
        w = writerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      return w.ready.promise;
    }

    abort(reason = undefined) {
      let w;
      try {
        w = writerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (w.stream === undefined) return rejected(new TypeError('The writer has been released'));
      return writableStreamAbort(w.stream, reason);
    }

    close() {
      let w;
      try {
        w = writerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      const s = w.stream;
      if (s === undefined) return rejected(new TypeError('The writer has been released'));
      if (writableStreamCloseQueuedOrInFlight(s)) return rejected(new TypeError('Cannot close an already-closing stream'));
      return writableStreamClose(s);
    }

    releaseLock() {
      const w = writerRecord(this);
      if (w.stream === undefined) return;
      writerRelease(w);
    }

    write(chunk = undefined) {
      let w;
      try {
        w = writerRecord(this);
      } catch (error) {
        return rejected(error);
      }
      if (w.stream === undefined) return rejected(new TypeError('The writer has been released'));
      return writerWrite(w, chunk);
    }
  }
  webIdlClass(WritableStreamDefaultWriter);

  function setUpWriter(w, s) {
    if (isWritableStreamLocked(s)) throw new TypeError('This stream has already been locked for exclusive writing by another writer');
    w.stream = s;
    s.writer = w;
    const state = s.state;
    if (state === 'writable') {
      w.ready = !writableStreamCloseQueuedOrInFlight(s) && s.backpressure ? deferred() : resolvedDeferred();
      w.closed = deferred();
    } else if (state === 'erroring') {
      w.ready = rejectedDeferred(s.storedError);
      w.closed = deferred();
    } else if (state === 'closed') {
      w.ready = resolvedDeferred();
      w.closed = resolvedDeferred();
    } else {
      w.ready = rejectedDeferred(s.storedError);
      w.closed = rejectedDeferred(s.storedError);
    }
  }

  function acquireWriter(s) {
    const w = { pub: null, stream: undefined, ready: null, closed: null };
    setUpWriter(w, s);
    new WritableStreamDefaultWriter(constructToken, w);
    return w;
  }

  function writerCloseWithErrorPropagation(w) {
    const s = w.stream;
    const state = s.state;
    if (writableStreamCloseQueuedOrInFlight(s) || state === 'closed') return resolved();
    if (state === 'errored') return rejected(s.storedError);
    return writableStreamClose(s);
  }

  function writerEnsureClosedPromiseRejected(w, error) {
    if (!w.closed.settled) w.closed.reject(error);
    else w.closed = rejectedDeferred(error);
    setHandled(w.closed.promise);
  }

  function writerEnsureReadyPromiseRejected(w, error) {
    if (!w.ready.settled) w.ready.reject(error);
    else w.ready = rejectedDeferred(error);
    setHandled(w.ready.promise);
  }

  function writerGetDesiredSize(w) {
    const s = w.stream;
    const state = s.state;
    if (state === 'errored' || state === 'erroring') return null;
    if (state === 'closed') return 0;
    return writableControllerGetDesiredSize(s.controller);
  }

  function writerRelease(w) {
    const s = w.stream;
    const releasedError = new TypeError('Writer was released and can no longer be used to monitor the stream\'s closedness');
    writerEnsureReadyPromiseRejected(w, releasedError);
    writerEnsureClosedPromiseRejected(w, releasedError);
    s.writer = undefined;
    w.stream = undefined;
  }

  function writerWrite(w, chunk) {
    const s = w.stream;
    const c = s.controller;
    const chunkSize = writableControllerGetChunkSize(c, chunk);
    if (s !== w.stream) return rejected(new TypeError('The writer has been released'));
    const state = s.state;
    if (state === 'errored') return rejected(s.storedError);
    if (writableStreamCloseQueuedOrInFlight(s) || state === 'closed') {
      return rejected(new TypeError('The stream is closing or closed and cannot be written to'));
    }
    if (state === 'erroring') return rejected(s.storedError);
    const request = deferred();
    s.writeRequests.push(request);
    writableControllerWrite(c, chunk, chunkSize);
    return request.promise;
  }

  // -------------------------------------------- WritableStreamDefaultController

  const closeSentinel = {};
  let wscRecord;

  class WritableStreamDefaultController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== constructToken) throw illegalConstructor();
      this.#c = record;
      record.pub = this;
    }

    static {
      wscRecord = (value) => {
        if (!isObject(value) || !(#c in value)) throw new TypeError('Illegal invocation');
        return value.#c;
      };
    }

    get signal() {
      return wscRecord(this).abortController.signal;
    }

    error(e = undefined) {
      const c = wscRecord(this);
      if (c.stream.state !== 'writable') return;
      writableControllerError(c, e);
    }
  }
  webIdlClass(WritableStreamDefaultController);

  function setUpWritableController(s, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm, sizeAlgorithm) {
    const c = {
      pub: null,
      stream: s,
      queue: new Queue(),
      queueTotalSize: 0,
      abortController: new AbortController(),
      started: false,
      strategySizeAlgorithm: sizeAlgorithm,
      strategyHWM: hwm,
      writeAlgorithm,
      closeAlgorithm,
      abortAlgorithm,
    };
    new WritableStreamDefaultController(constructToken, c);
    s.controller = c;
    writableStreamUpdateBackpressure(s, writableControllerGetBackpressure(c));
    const startResult = startAlgorithm();
    react(resolved(startResult), () => {
      c.started = true;
      writableControllerAdvanceQueueIfNeeded(c);
    }, (r) => {
      c.started = true;
      writableStreamDealWithRejection(s, r);
    });
  }

  function writableControllerClearAlgorithms(c) {
    c.writeAlgorithm = undefined;
    c.closeAlgorithm = undefined;
    c.abortAlgorithm = undefined;
    c.strategySizeAlgorithm = undefined;
  }

  function writableControllerClose(c) {
    enqueueValueWithSize(c, closeSentinel, 0);
    writableControllerAdvanceQueueIfNeeded(c);
  }

  function writableControllerGetChunkSize(c, chunk) {
    if (c.strategySizeAlgorithm === undefined) return 1;
    try {
      return c.strategySizeAlgorithm(chunk);
    } catch (error) {
      writableControllerErrorIfNeeded(c, error);
      return 1;
    }
  }

  function writableControllerGetDesiredSize(c) {
    return c.strategyHWM - c.queueTotalSize;
  }

  function writableControllerWrite(c, chunk, chunkSize) {
    try {
      enqueueValueWithSize(c, chunk, chunkSize);
    } catch (error) {
      writableControllerErrorIfNeeded(c, error);
      return;
    }
    const s = c.stream;
    if (!writableStreamCloseQueuedOrInFlight(s) && s.state === 'writable') {
      writableStreamUpdateBackpressure(s, writableControllerGetBackpressure(c));
    }
    writableControllerAdvanceQueueIfNeeded(c);
  }

  function writableControllerAdvanceQueueIfNeeded(c) {
    const s = c.stream;
    if (!c.started) return;
    if (s.inFlightWriteRequest !== undefined) return;
    const state = s.state;
    if (state === 'erroring') {
      writableStreamFinishErroring(s);
      return;
    }
    if (state !== 'writable') return;
    if (c.queue.length === 0) return;
    const value = c.queue.peek()[0];
    if (value === closeSentinel) writableControllerProcessClose(c);
    else writableControllerProcessWrite(c, value);
  }

  function writableControllerErrorIfNeeded(c, error) {
    if (c.stream.state === 'writable') writableControllerError(c, error);
  }

  function writableControllerProcessClose(c) {
    const s = c.stream;
    s.inFlightCloseRequest = s.closeRequest;
    s.closeRequest = undefined;
    dequeueValue(c);
    const sinkClosePromise = c.closeAlgorithm();
    writableControllerClearAlgorithms(c);
    react(sinkClosePromise, () => {
      writableStreamFinishInFlightClose(s);
    }, (reason) => {
      writableStreamFinishInFlightCloseWithError(s, reason);
    });
  }

  function writableControllerProcessWrite(c, chunk) {
    const s = c.stream;
    s.inFlightWriteRequest = s.writeRequests.shift();
    const sinkWritePromise = c.writeAlgorithm(chunk);
    react(sinkWritePromise, () => {
      writableStreamFinishInFlightWrite(s);
      const state = s.state;
      dequeueValue(c);
      if (!writableStreamCloseQueuedOrInFlight(s) && state === 'writable') {
        writableStreamUpdateBackpressure(s, writableControllerGetBackpressure(c));
      }
      writableControllerAdvanceQueueIfNeeded(c);
    }, (reason) => {
      if (s.state === 'writable') writableControllerClearAlgorithms(c);
      writableStreamFinishInFlightWriteWithError(s, reason);
    });
  }

  function writableControllerGetBackpressure(c) {
    return writableControllerGetDesiredSize(c) <= 0;
  }

  function writableControllerError(c, error) {
    const s = c.stream;
    writableControllerClearAlgorithms(c);
    writableStreamStartErroring(s, error);
  }

  // ---------------------------------------------------------- TransformStream

  let tsRecord;

  class TransformStream {
    #s;

    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const what = "Failed to construct 'TransformStream'";
      if (transformer !== undefined && !isObject(transformer)) {
        throw new TypeError(`${what}: parameter 1 is not of type 'object'.`);
      }
      const wStrat = convertStrategy(writableStrategy, what);
      const rStrat = convertStrategy(readableStrategy, what);
      const source = transformer === undefined ? null : transformer;
      const dict = source ?? {};
      const cancel = callbackMember(dict, 'cancel', what);
      const flush = callbackMember(dict, 'flush', what);
      const readableType = dict.readableType;
      const start = callbackMember(dict, 'start', what);
      const transform = callbackMember(dict, 'transform', what);
      const writableType = dict.writableType;
      if (readableType !== undefined) throw new RangeError(`${what}: Invalid readableType specified`);
      if (writableType !== undefined) throw new RangeError(`${what}: Invalid writableType specified`);
      const readableHWM = extractHighWaterMark(rStrat, 0);
      const readableSize = extractSizeAlgorithm(rStrat.size);
      const writableHWM = extractHighWaterMark(wStrat, 1);
      const writableSize = extractSizeAlgorithm(wStrat.size);
      const startPromise = deferred();
      const s = { pub: this, readable: null, writable: null, backpressure: undefined,
        backpressureChangePromise: undefined, controller: undefined };
      this.#s = s;
      initializeTransformStream(s, startPromise, writableHWM, writableSize, readableHWM, readableSize);
      const c = {
        pub: null,
        stream: s,
        transformAlgorithm: transform
          ? (chunk) => promiseCall(transform, source, [chunk, c.pub])
          : (chunk) => {
            try {
              transformControllerEnqueue(c, chunk);
              return resolved();
            } catch (error) {
              return rejected(error);
            }
          },
        flushAlgorithm: () => (flush ? promiseCall(flush, source, [c.pub]) : resolved()),
        cancelAlgorithm: (reason) => (cancel ? promiseCall(cancel, source, [reason]) : resolved()),
        finishPromise: undefined,
      };
      new TransformStreamDefaultController(constructToken, c);
      s.controller = c;
      if (start) startPromise.resolve(ReflectApply(start, source, [c.pub]));
      else startPromise.resolve();
    }

    static {
      tsRecord = (value) => {
        if (!isObject(value) || !(#s in value)) throw new TypeError('Illegal invocation');
        return value.#s;
      };
    }

    get readable() {
      return tsRecord(this).readable.pub;
    }

    get writable() {
      return tsRecord(this).writable.pub;
    }
  }
  webIdlClass(TransformStream);

  function initializeTransformStream(s, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
    const startAlgorithm = () => startPromise.promise;
    s.writable = createWritableStream(startAlgorithm,
      (chunk) => transformSinkWrite(s, chunk),
      () => transformSinkClose(s),
      (reason) => transformSinkAbort(s, reason),
      writableHWM, writableSize);
    s.readable = createReadableStream(startAlgorithm,
      () => {
        transformSetBackpressure(s, false);
        return s.backpressureChangePromise.promise;
      },
      (reason) => transformSourceCancel(s, reason),
      readableHWM, readableSize);
    s.backpressure = undefined;
    s.backpressureChangePromise = undefined;
    transformSetBackpressure(s, true);
    s.controller = undefined;
  }

  function transformStreamError(s, e) {
    defaultControllerError(s.readable.controller, e);
    transformErrorWritableAndUnblockWrite(s, e);
  }

  function transformErrorWritableAndUnblockWrite(s, e) {
    transformControllerClearAlgorithms(s.controller);
    writableControllerErrorIfNeeded(s.writable.controller, e);
    transformUnblockWrite(s);
  }

  function transformUnblockWrite(s) {
    if (s.backpressure) transformSetBackpressure(s, false);
  }

  function transformSetBackpressure(s, backpressure) {
    if (s.backpressureChangePromise !== undefined) s.backpressureChangePromise.resolve();
    s.backpressureChangePromise = deferred();
    s.backpressure = backpressure;
  }

  function transformControllerClearAlgorithms(c) {
    c.transformAlgorithm = undefined;
    c.flushAlgorithm = undefined;
    c.cancelAlgorithm = undefined;
  }

  function transformControllerEnqueue(c, chunk) {
    const s = c.stream;
    const rc = s.readable.controller;
    if (!defaultControllerCanCloseOrEnqueue(rc)) {
      throw new TypeError('Readable side is not in a state that permits enqueue');
    }
    try {
      defaultControllerEnqueue(rc, chunk);
    } catch (error) {
      transformErrorWritableAndUnblockWrite(s, error);
      throw s.readable.storedError;
    }
    const backpressure = defaultControllerHasBackpressure(rc);
    if (backpressure !== s.backpressure) transformSetBackpressure(s, true);
  }

  function transformControllerTerminate(c) {
    const s = c.stream;
    defaultControllerClose(s.readable.controller);
    transformErrorWritableAndUnblockWrite(s, new TypeError('TransformStream terminated'));
  }

  function transformPerformTransform(c, chunk) {
    return PromisePrototypeThen(c.transformAlgorithm(chunk), undefined, (r) => {
      transformStreamError(c.stream, r);
      throw r;
    });
  }

  function transformSinkWrite(s, chunk) {
    const c = s.controller;
    if (s.backpressure) {
      return PromisePrototypeThen(s.backpressureChangePromise.promise, () => {
        const writable = s.writable;
        if (writable.state === 'erroring') throw writable.storedError;
        return transformPerformTransform(c, chunk);
      });
    }
    return transformPerformTransform(c, chunk);
  }

  function transformSinkAbort(s, reason) {
    const c = s.controller;
    if (c.finishPromise !== undefined) return c.finishPromise.promise;
    const readable = s.readable;
    c.finishPromise = deferred();
    const cancelPromise = c.cancelAlgorithm(reason);
    transformControllerClearAlgorithms(c);
    react(cancelPromise, () => {
      if (readable.state === 'errored') {
        c.finishPromise.reject(readable.storedError);
      } else {
        defaultControllerError(readable.controller, reason);
        c.finishPromise.resolve();
      }
    }, (r) => {
      defaultControllerError(readable.controller, r);
      c.finishPromise.reject(r);
    });
    return c.finishPromise.promise;
  }

  function transformSinkClose(s) {
    const c = s.controller;
    if (c.finishPromise !== undefined) return c.finishPromise.promise;
    const readable = s.readable;
    c.finishPromise = deferred();
    const flushPromise = c.flushAlgorithm();
    transformControllerClearAlgorithms(c);
    react(flushPromise, () => {
      if (readable.state === 'errored') {
        c.finishPromise.reject(readable.storedError);
      } else {
        defaultControllerClose(readable.controller);
        c.finishPromise.resolve();
      }
    }, (r) => {
      defaultControllerError(readable.controller, r);
      c.finishPromise.reject(r);
    });
    return c.finishPromise.promise;
  }

  function transformSourceCancel(s, reason) {
    const c = s.controller;
    if (c.finishPromise !== undefined) return c.finishPromise.promise;
    const writable = s.writable;
    c.finishPromise = deferred();
    const cancelPromise = c.cancelAlgorithm(reason);
    transformControllerClearAlgorithms(c);
    react(cancelPromise, () => {
      if (writable.state === 'errored') {
        c.finishPromise.reject(writable.storedError);
      } else {
        writableControllerErrorIfNeeded(writable.controller, reason);
        transformUnblockWrite(s);
        c.finishPromise.resolve();
      }
    }, (r) => {
      writableControllerErrorIfNeeded(writable.controller, r);
      transformUnblockWrite(s);
      c.finishPromise.reject(r);
    });
    return c.finishPromise.promise;
  }

  let tscRecord;

  class TransformStreamDefaultController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== constructToken) throw illegalConstructor();
      this.#c = record;
      record.pub = this;
    }

    static {
      tscRecord = (value) => {
        if (!isObject(value) || !(#c in value)) throw new TypeError('Illegal invocation');
        return value.#c;
      };
    }

    get desiredSize() {
      const c = tscRecord(this);
      return defaultControllerGetDesiredSize(c.stream.readable.controller);
    }

    enqueue(chunk = undefined) {
      transformControllerEnqueue(tscRecord(this), chunk);
    }

    error(reason = undefined) {
      transformStreamError(tscRecord(this).stream, reason);
    }

    terminate() {
      transformControllerTerminate(tscRecord(this));
    }
  }
  webIdlClass(TransformStreamDefaultController);

  // ---------------------------------- IdentityTransformStream, FixedLengthStream

  // Workers' byte pipes: what is written (ArrayBuffers and their views only) comes out of the
  // readable side as a copy of its bytes. The writable side takes `highWaterMark` bytes before it
  // pushes back. A FixedLengthStream holds them to the length it was made with, and a body made
  // of its readable side is sent with that Content-Length (streams_fixedLength).
  const fixedLengths = new SafeWeakMap();
  // The expected length a FixedLengthStream hands to the IdentityTransformStream it extends.
  let identityExpected;

  function bytePipe(expected) {
    let seen = 0;
    return {
      __proto__: null,
      transform(chunk, controller) {
        let bytes;
        if (ArrayBufferIsView(chunk)) bytes = new Uint8Array(viewBytes(chunk));
        else if (isArrayBuffer(chunk)) bytes = new Uint8Array(new Uint8Array(chunk));
        else {
          throw new TypeError('This TransformStream is being used as a byte stream, but received a value that is '
            + 'not a BufferSource.');
        }
        if (expected !== undefined) {
          seen += TypedArrayPrototypeGetLength(bytes);
          if (seen > expected) throw new TypeError('Attempt to write too many bytes through a FixedLengthStream.');
        }
        transformControllerEnqueue(tscRecord(controller), bytes);
      },
      flush() {
        if (expected !== undefined && seen < expected) {
          throw new TypeError('FixedLengthStream did not see all expected bytes before close().');
        }
      },
    };
  }

  function bytePipeStrategy(options, expected, what) {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object') throw new TypeError(`${what}: the options are not of type 'object'.`);
    const given = options.highWaterMark;
    if (given === undefined) return undefined;
    let hwm = Number(given);
    if (hwm !== hwm || hwm < 0) throw new RangeError(`${what}: highWaterMark must be a non-negative number.`);
    if (expected !== undefined && hwm > expected) hwm = expected;
    return { __proto__: null, highWaterMark: hwm, size: byteLengthSize };
  }

  class IdentityTransformStream extends TransformStream {
    constructor(options = undefined) {
      const expected = identityExpected;
      identityExpected = undefined;
      const what = expected === undefined ? "Failed to construct 'IdentityTransformStream'"
        : "Failed to construct 'FixedLengthStream'";
      super(bytePipe(expected), bytePipeStrategy(options, expected, what));
      if (expected !== undefined) fixedLengths.set(tsRecord(this).readable, expected);
    }
  }
  webIdlClass(IdentityTransformStream);

  class FixedLengthStream extends IdentityTransformStream {
    constructor(expectedLength, options = undefined) {
      const what = "Failed to construct 'FixedLengthStream'";
      requireArguments(arguments.length, 1, what);
      const length = typeof expectedLength === 'bigint' ? Number(expectedLength) : expectedLength;
      if (typeof length !== 'number' || !NumberIsInteger(length) || length < 0 || length > 9007199254740991) {
        throw new TypeError(`${what}: the expected length must be a whole number of bytes from 0 to 2^53 - 1.`);
      }
      identityExpected = length;
      try {
        super(options);
      } finally {
        identityExpected = undefined;
      }
    }
  }
  webIdlClass(FixedLengthStream);

  // ------------------------------------------------------- queuing strategies

  function strategyInit(init, what) {
    requireArguments(init === undefined ? 0 : 1, 1, what);
    if (!isObject(init)) throw new TypeError(`${what}: The provided value is not of type 'QueuingStrategyInit'.`);
    const hwm = init.highWaterMark;
    if (hwm === undefined) {
      throw new TypeError(`${what}: Failed to read the 'highWaterMark' property from 'QueuingStrategyInit': Required member is undefined.`);
    }
    return Number(hwm);
  }

  const byteLengthSize = {
    size(chunk) {
      return chunk.byteLength;
    },
  }.size;
  const countSize = {
    size() {
      return 1;
    },
  }.size;

  class ByteLengthQueuingStrategy {
    #hwm;

    constructor(init) {
      this.#hwm = strategyInit(init, "Failed to construct 'ByteLengthQueuingStrategy'");
    }

    get highWaterMark() {
      return this.#hwm;
    }

    get size() {
      this.#hwm;
      return byteLengthSize;
    }
  }
  webIdlClass(ByteLengthQueuingStrategy);

  class CountQueuingStrategy {
    #hwm;

    constructor(init) {
      this.#hwm = strategyInit(init, "Failed to construct 'CountQueuingStrategy'");
    }

    get highWaterMark() {
      return this.#hwm;
    }

    get size() {
      this.#hwm;
      return countSize;
    }
  }
  webIdlClass(CountQueuingStrategy);

  streams_isReadableStream = (value) => tryRecord(rsRecord, value) !== null;
  streams_isLocked = (stream) => isLocked(rsRecord(stream));
  streams_isDisturbed = (stream) => rsRecord(stream).disturbed === true;
  streams_newReadable = (underlyingSource, strategy) => new ReadableStream(underlyingSource, strategy);
  streams_enqueue = (controller, chunk) => {
    const c = tryRecord(rbcRecord, controller);
    if (c !== null) byteControllerEnqueue(c, chunk);
    else defaultControllerEnqueue(rscRecord(controller), chunk);
  };
  streams_close = (controller) => {
    const c = tryRecord(rbcRecord, controller);
    if (c !== null) byteControllerClose(c);
    else defaultControllerClose(rscRecord(controller));
  };
  streams_error = (controller, error) => {
    const c = tryRecord(rbcRecord, controller);
    if (c !== null) byteControllerError(c, error);
    else defaultControllerError(rscRecord(controller), error);
  };
  streams_desiredSize = (controller) => {
    const c = tryRecord(rbcRecord, controller);
    return c !== null ? byteControllerGetDesiredSize(c) : defaultControllerGetDesiredSize(rscRecord(controller));
  };
  streams_newWritable = (underlyingSink, strategy) => new WritableStream(underlyingSink, strategy);
  streams_errorWritable = (controller, error) => writableControllerErrorIfNeeded(wscRecord(controller), error);
  streams_lock = (stream) => {
    acquireDefaultReader(rsRecord(stream));
  };
  streams_fixedLength = (stream) => {
    const s = tryRecord(rsRecord, stream);
    return s === null ? undefined : fixedLengths.get(s);
  };
  streams_tee = (stream) => {
    const s = rsRecord(stream);
    const branches = readableStreamTee(s, s.controller.isByte);
    return [branches[0].pub, branches[1].pub];
  };
  streams_byteReader = (stream) => {
    const r = acquireDefaultReader(rsRecord(stream));
    return {
      __proto__: null,
      async read() {
        const step = await new Promise((resolve, reject) => {
          defaultReaderRead(r, {
            chunkSteps: (value) => resolve({ value, done: false }),
            closeSteps: () => resolve({ value: undefined, done: true }),
            errorSteps: reject,
          });
        });
        if (step.done) return null;
        const value = step.value;
        if (ArrayBufferIsView(value)) return viewBytes(value);
        if (isArrayBuffer(value) || readAllBytes_isSharedArrayBuffer(value)) return new Uint8Array(value);
        const error = new TypeError('Received non-Uint8Array chunk');
        setHandled(readableStreamCancel(r.stream, error));
        throw error;
      },
      cancel(reason) {
        if (r.stream !== undefined && r.stream !== null) setHandled(readableStreamCancel(r.stream, reason));
      },
    };
  };
  readAllBytes = async (stream) => {
    const reader = streams_byteReader(stream);
    const chunks = [];
    let total = 0;
    for (;;) {
      const bytes = await reader.read();
      if (bytes === null) break;
      chunks[chunks.length] = bytes;
      total += TypedArrayPrototypeGetLength(bytes);
    }
    // The result is always a fresh array: a stream's own chunk is never handed out.
    return chunks.length === 1 ? new Uint8Array(chunks[0]) : concatBytes(chunks, total);
  };
  const readAllBytes_sabByteLength = typeof SharedArrayBuffer === 'function'
    ? ObjectGetOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : undefined;
  function readAllBytes_isSharedArrayBuffer(value) {
    if (readAllBytes_sabByteLength === undefined || value === null || typeof value !== 'object') return false;
    try {
      ReflectApply(readAllBytes_sabByteLength, value, []);
      return true;
    } catch {
      return false;
    }
  }

  defineGlobal('ReadableStream', ReadableStream);
  defineGlobal('ReadableStreamDefaultReader', ReadableStreamDefaultReader);
  defineGlobal('ReadableStreamBYOBReader', ReadableStreamBYOBReader);
  defineGlobal('ReadableStreamDefaultController', ReadableStreamDefaultController);
  defineGlobal('ReadableByteStreamController', ReadableByteStreamController);
  defineGlobal('ReadableStreamBYOBRequest', ReadableStreamBYOBRequest);
  defineGlobal('WritableStream', WritableStream);
  defineGlobal('WritableStreamDefaultWriter', WritableStreamDefaultWriter);
  defineGlobal('WritableStreamDefaultController', WritableStreamDefaultController);
  defineGlobal('TransformStream', TransformStream);
  defineGlobal('IdentityTransformStream', IdentityTransformStream);
  defineGlobal('FixedLengthStream', FixedLengthStream);
  defineGlobal('TransformStreamDefaultController', TransformStreamDefaultController);
  defineGlobal('ByteLengthQueuingStrategy', ByteLengthQueuingStrategy);
  defineGlobal('CountQueuingStrategy', CountQueuingStrategy);
}

