// node:stream: Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished,
// Readable.from, toWeb/fromWeb; and node:stream/promises, node:stream/web,
// node:stream/consumers and the _stream_* aliases.
//
// A working subset of Node's streams: paused and flowing modes, 'data'/'readable'/
// 'end'/'finish'/'drain'/'error'/'close' in Node's order, highWaterMark back-pressure
// on both sides, object mode, string decoding, cork/uncork, _writev, _final, _flush,
// destroy with _destroy, async iteration. Not implemented: construct(), wrap(), and
// back-pressure from a Transform's readable side onto its writable side.

node_define('stream', () => {
  const EventEmitter = node_require('events');
  const { Buffer } = node_require('buffer');
  const nextTick = (fn, ...args) => node_require('process').nextTick(fn, ...args);
  let defaultHighWaterMark = 65536;
  const defaultObjectHighWaterMark = 16;

  function Stream(options) {
    EventEmitter.call(this, options);
  }
  ObjectSetPrototypeOf(Stream.prototype, EventEmitter.prototype);
  ObjectSetPrototypeOf(Stream, EventEmitter);

  // The pipe of pre-streams2 code (a Stream subclass that emits 'data' and 'end' itself,
  // as combined-stream and form-data do): data is written on, the source paused while the
  // destination is full and resumed at its 'drain'; its end ends the destination (unless
  // {end: false}); an error with no other listener is passed on as the source's.
  Stream.prototype.pipe = function pipe(dest, options) {
    const source = this;
    function ondata(chunk) {
      if (dest.writable && dest.write(chunk) === false && typeof source.pause === 'function') source.pause();
    }
    function ondrain() {
      if (source.readable && typeof source.resume === 'function') source.resume();
    }
    let ended = false;
    function onend() {
      if (ended) return;
      ended = true;
      dest.end();
    }
    function onclose() {
      if (ended) return;
      ended = true;
      if (typeof dest.destroy === 'function') dest.destroy();
    }
    function onerror(error) {
      cleanup();
      if (EventEmitter.listenerCount(this, 'error') === 0) this.emit('error', error);
    }
    function cleanup() {
      source.removeListener('data', ondata);
      dest.removeListener('drain', ondrain);
      source.removeListener('end', onend);
      source.removeListener('close', onclose);
      source.removeListener('error', onerror);
      dest.removeListener('error', onerror);
      source.removeListener('end', cleanup);
      source.removeListener('close', cleanup);
      dest.removeListener('close', cleanup);
    }
    source.on('data', ondata);
    dest.on('drain', ondrain);
    if (!dest._isStdio && (!options || options.end !== false)) {
      source.on('end', onend);
      source.on('close', onclose);
    }
    source.prependListener('error', onerror);
    dest.prependListener('error', onerror);
    source.on('end', cleanup);
    source.on('close', cleanup);
    dest.on('close', cleanup);
    dest.emit('pipe', source);
    return dest;
  };

  function codeError(Base, code, message) {
    return node_error(Base, code, message);
  }

  function highWaterMarkOf(options, objectMode, duplexKey) {
    const value = options && (options[duplexKey] ?? options.highWaterMark);
    if (value === undefined || value === null) return objectMode ? defaultObjectHighWaterMark : defaultHighWaterMark;
    if (!(value >= 0) || !node_NumberIsInteger(MathFloor(value))) {
      throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'options.highWaterMark' is invalid. Received ${value}`);
    }
    return MathFloor(value);
  }

  function chunkSize(state, chunk) {
    return state.objectMode ? 1 : chunk.length;
  }

  // ---- destroy, shared by both sides

  function destroy(error, callback) {
    const r = this._readableState;
    const w = this._writableState;
    const s = r ?? w;
    if (s.destroyed) {
      if (typeof callback === 'function') callback(error);
      return this;
    }
    if (r) r.destroyed = true;
    if (w) w.destroyed = true;
    if (error && !s.errored) {
      if (r) r.errored = error;
      if (w) w.errored = error;
    }
    const done = (err) => {
      if (err && !s.errored) {
        if (r) r.errored = err;
        if (w) w.errored = err;
      }
      if (typeof callback === 'function') callback(err);
      nextTick(() => {
        if (err && !(s.errorEmitted)) {
          s.errorEmitted = true;
          if (r) r.errorEmitted = true;
          if (w) w.errorEmitted = true;
          this.emit('error', err);
        }
        if (r) r.closed = true;
        if (w) w.closed = true;
        if (s.emitClose) this.emit('close');
        wake(this);
      });
    };
    this._destroy(error ?? null, done);
    return this;
  }

  function wake(stream) {
    const r = stream._readableState;
    if (r === undefined) return;
    const waiters = r.waiters;
    r.waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }

  // ---- Readable

  function ReadableState(options, stream, isDuplex) {
    this.objectMode = !!(options && (options.objectMode || (isDuplex && options.readableObjectMode)));
    this.highWaterMark = highWaterMarkOf(options, this.objectMode, 'readableHighWaterMark');
    this.buffer = [];
    this.length = 0;
    this.flowing = null;
    this.ended = false;
    this.endEmitted = false;
    this.reading = false;
    this.sync = true;
    this.needReadable = false;
    this.emittedReadable = false;
    this.readableListening = false;
    this.destroyed = false;
    this.errored = null;
    this.errorEmitted = false;
    this.closed = false;
    this.emitClose = !(options && options.emitClose === false);
    this.autoDestroy = !(options && options.autoDestroy === false);
    this.decoder = null;
    this.encoding = null;
    this.pipes = [];
    this.waiters = [];
    this.dataEmitted = false;
    this.paused = false;
    if (options && options.encoding) this.setEncoding(options.encoding);
  }
  ReadableState.prototype.setEncoding = function (encoding) {
    const { StringDecoder } = node_require('string_decoder');
    this.decoder = new StringDecoder(encoding);
    this.encoding = this.decoder.encoding;
  };

  function Readable(options) {
    if (!(this instanceof Readable)) return new Readable(options);
    const isDuplex = this instanceof Duplex;
    this._readableState = new ReadableState(options, this, isDuplex);
    if (options) {
      if (typeof options.read === 'function') this._read = options.read;
      if (typeof options.destroy === 'function') this._destroy = options.destroy;
      if (options.signal) addAbortSignal(options.signal, this);
    }
    Stream.call(this, options);
  }
  ObjectSetPrototypeOf(Readable.prototype, Stream.prototype);
  ObjectSetPrototypeOf(Readable, Stream);

  Readable.prototype.destroy = destroy;
  Readable.prototype._destroy = function (error, callback) {
    callback(error);
  };
  Readable.prototype._read = function () {
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _read() method is not implemented');
  };

  function addChunk(stream, state, chunk, front) {
    if (state.flowing && state.length === 0 && !state.sync && stream.listenerCount('data') > 0 && !front) {
      state.dataEmitted = true;
      stream.emit('data', chunk);
    } else {
      state.length += chunkSize(state, chunk);
      if (front) {
        const rest = state.buffer;
        state.buffer = [chunk];
        for (let i = 0; i < rest.length; i++) state.buffer[i + 1] = rest[i];
      } else {
        ArrayPrototypePush(state.buffer, chunk);
      }
      if (state.needReadable) emitReadable(stream);
    }
    maybeReadMore(stream, state);
    wake(stream);
  }

  function readableAddChunk(stream, chunk, encoding, front) {
    const state = stream._readableState;
    if (chunk === null) {
      state.reading = false;
      if (!state.ended) {
        if (state.decoder) {
          const rest = state.decoder.end();
          if (rest.length > 0) {
            ArrayPrototypePush(state.buffer, rest);
            state.length += state.objectMode ? 1 : rest.length;
          }
        }
        state.ended = true;
        if (state.sync) emitReadable(stream);
        else {
          state.needReadable = false;
          state.emittedReadable = true;
          emitReadableNow(stream);
        }
      }
      wake(stream);
      return false;
    }
    if (!state.objectMode) {
      if (typeof chunk === 'string') {
        encoding = encoding || 'utf8';
        if (state.encoding !== encoding) {
          chunk = Buffer.from(chunk, encoding);
          encoding = '';
        }
      } else if (isUint8Array(chunk)) {
        if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(TypedArrayPrototypeGetBuffer(chunk), chunk.byteOffset, chunk.length);
      } else if (chunk !== undefined) {
        const error = node_invalidArgType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
        stream.destroy(error);
        return false;
      }
    }
    if (state.destroyed) return false;
    if (state.ended && !front) {
      stream.destroy(codeError(Error, 'ERR_STREAM_PUSH_AFTER_EOF', 'stream.push() after EOF'));
      return false;
    }
    state.reading = false;
    if (chunk === undefined || (!state.objectMode && chunk.length === 0)) {
      maybeReadMore(stream, state);
      return state.length < state.highWaterMark;
    }
    if (state.decoder && !encoding && typeof chunk !== 'string') {
      chunk = state.decoder.write(chunk);
      if (chunk.length === 0 && !state.objectMode) return state.length < state.highWaterMark;
    }
    addChunk(stream, state, chunk, front);
    return !state.ended && (state.length < state.highWaterMark || state.length === 0);
  }

  Readable.prototype.push = function push(chunk, encoding) {
    return readableAddChunk(this, chunk, encoding, false);
  };
  Readable.prototype.unshift = function unshift(chunk, encoding) {
    return readableAddChunk(this, chunk, encoding, true);
  };

  function takeFromBuffer(state, n) {
    if (state.objectMode) {
      state.length -= 1;
      return ArrayPrototypeShift(state.buffer);
    }
    if (n === undefined || n >= state.length) {
      const all = state.buffer;
      state.buffer = [];
      state.length = 0;
      if (all.length === 1) return all[0];
      if (state.decoder) return ArrayPrototypeJoin(all, '');
      return Buffer.concat(all);
    }
    // Exactly n bytes (or characters) from the front.
    let out = typeof state.buffer[0] === 'string' ? '' : Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const head = state.buffer[0];
      const take = MathMin(head.length, n - copied);
      if (typeof out === 'string') out += StringPrototypeSlice(head, 0, take);
      else TypedArrayPrototypeSet(out, bytesView(head, 0, take), copied);
      if (take === head.length) ArrayPrototypeShift(state.buffer);
      else state.buffer[0] = typeof head === 'string' ? StringPrototypeSlice(head, take) : head.subarray(take);
      copied += take;
    }
    state.length -= n;
    return out;
  }

  Readable.prototype.read = function read(n) {
    const state = this._readableState;
    if (n !== undefined) n = +n;
    if (n === 0 && state.needReadable && (state.length >= state.highWaterMark || state.ended)) {
      if (state.length === 0 && state.ended) endReadable(this);
      else emitReadable(this);
      return null;
    }
    let doRead = !state.ended && !state.reading && !state.destroyed && !state.errored
      && state.length - (n || 0) < state.highWaterMark;
    if (doRead) {
      state.reading = true;
      state.sync = true;
      if (state.length === 0) state.needReadable = true;
      try {
        this._read(state.highWaterMark);
      } catch (error) {
        this.destroy(error);
      }
      state.sync = false;
    }
    let chunk = null;
    if (state.length > 0 && n !== 0) {
      if (state.objectMode) chunk = takeFromBuffer(state);
      else if (n === undefined || Number.isNaN(n)) chunk = takeFromBuffer(state, state.flowing ? state.buffer[0].length : undefined);
      else if (n <= state.length) chunk = takeFromBuffer(state, n);
      else if (state.ended) chunk = takeFromBuffer(state);
    }
    if (chunk === null) {
      state.needReadable = state.length <= state.highWaterMark;
    }
    if (state.length === 0) {
      if (!state.ended) state.needReadable = true;
      else endReadable(this);
    }
    if (chunk !== null) {
      state.dataEmitted = true;
      this.emit('data', chunk);
    }
    return chunk;
  };

  function emitReadable(stream) {
    const state = stream._readableState;
    state.needReadable = false;
    if (!state.emittedReadable) {
      state.emittedReadable = true;
      nextTick(emitReadableNow, stream);
    }
  }

  function emitReadableNow(stream) {
    const state = stream._readableState;
    if (!state.destroyed && !state.errored && (state.length > 0 || state.ended)) {
      stream.emit('readable');
      state.emittedReadable = false;
    }
    state.needReadable = !state.flowing && !state.ended && state.length <= state.highWaterMark;
    flow(stream);
  }

  function maybeReadMore(stream, state) {
    if (!state.readingMore) {
      state.readingMore = true;
      nextTick(() => {
        while (!state.reading && !state.ended && !state.destroyed
          && (state.length < state.highWaterMark || (state.flowing && state.length === 0))) {
          const before = state.length;
          stream.read(0);
          if (before === state.length) break;
        }
        state.readingMore = false;
      });
    }
  }

  function flow(stream) {
    const state = stream._readableState;
    while (state.flowing && stream.read() !== null);
  }

  function endReadable(stream) {
    const state = stream._readableState;
    if (!state.endEmitted) {
      state.ended = true;
      nextTick(() => {
        if (!state.errored && !state.closeEmitted && !state.endEmitted && state.length === 0) {
          state.endEmitted = true;
          stream.emit('end');
          wake(stream);
          const w = stream._writableState;
          if (w !== undefined && stream.allowHalfOpen === false && !w.ending) stream.end();
          if (state.autoDestroy && (w === undefined || (w.finished || w.writable === false))) stream.destroy();
        }
      });
    }
  }

  Readable.prototype.on = function on(event, listener) {
    const result = Stream.prototype.on.call(this, event, listener);
    const state = this._readableState;
    if (event === 'data') {
      state.readableListening = this.listenerCount('readable') > 0;
      if (state.flowing !== false) this.resume();
    } else if (event === 'readable') {
      if (!state.endEmitted && !state.readableListening) {
        state.readableListening = true;
        state.needReadable = true;
        state.flowing = false;
        state.emittedReadable = false;
        if (state.length > 0) emitReadable(this);
        else if (!state.reading) nextTick(() => this.read(0));
      }
    }
    return result;
  };
  Readable.prototype.addListener = Readable.prototype.on;

  Readable.prototype.resume = function resume() {
    const state = this._readableState;
    if (!state.flowing) {
      state.flowing = !state.readableListening;
      state.paused = false;
      if (!state.resumeScheduled) {
        state.resumeScheduled = true;
        nextTick(() => {
          state.resumeScheduled = false;
          if (!state.reading) this.read(0);
          this.emit('resume');
          flow(this);
          if (state.flowing && !state.reading) this.read(0);
        });
      }
    }
    return this;
  };

  Readable.prototype.pause = function pause() {
    const state = this._readableState;
    if (state.flowing !== false) {
      state.flowing = false;
      state.paused = true;
      this.emit('pause');
    }
    return this;
  };

  Readable.prototype.isPaused = function isPaused() {
    return this._readableState.paused === true || this._readableState.flowing === false;
  };

  Readable.prototype.setEncoding = function setEncoding(encoding) {
    const state = this._readableState;
    state.setEncoding(encoding);
    const buffered = state.buffer;
    state.buffer = [];
    state.length = 0;
    let text = '';
    for (let i = 0; i < buffered.length; i++) text += state.decoder.write(buffered[i]);
    if (text.length > 0) {
      ArrayPrototypePush(state.buffer, text);
      state.length = text.length;
    }
    return this;
  };

  Readable.prototype.pipe = function pipe(dest, options) {
    const source = this;
    const state = this._readableState;
    ArrayPrototypePush(state.pipes, dest);
    const doEnd = !options || options.end !== false;
    const ondata = (chunk) => {
      if (dest.write(chunk) === false) {
        source.pause();
        dest.once('drain', ondrain);
      }
    };
    const ondrain = () => source.resume();
    const onend = () => {
      if (doEnd) dest.end();
    };
    const unpipe = () => {
      source.removeListener('data', ondata);
      source.removeListener('end', onend);
      dest.removeListener('drain', ondrain);
    };
    source.on('data', ondata);
    source.once('end', onend);
    dest.once('unpipe', (from) => {
      if (from === source) unpipe();
    });
    dest.emit('pipe', source);
    if (!state.flowing) this.resume();
    return dest;
  };

  Readable.prototype.unpipe = function unpipe(dest) {
    const state = this._readableState;
    const pipes = dest === undefined ? state.pipes : [dest];
    for (let i = 0; i < pipes.length; i++) pipes[i].emit('unpipe', this, { hasUnpiped: false });
    state.pipes = dest === undefined ? [] : state.pipes.filter((d) => d !== dest);
    if (state.pipes.length === 0) this.pause();
    return this;
  };

  Readable.prototype[SymbolAsyncIterator] = function () {
    const stream = this;
    const state = this._readableState;
    const wait = () => new Promise((resolve) => ArrayPrototypePush(state.waiters, resolve));
    let finished = false;
    const onError = (error) => {
      state.errored = state.errored ?? error;
      wake(stream);
    };
    stream.on('error', onError);
    return {
      async next() {
        while (true) {
          if (finished) return { value: undefined, done: true };
          if (state.errored) {
            finished = true;
            throw state.errored;
          }
          const chunk = state.destroyed ? null : stream.read();
          if (chunk !== null) return { value: chunk, done: false };
          if (state.endEmitted || (state.ended && state.length === 0) || state.destroyed) {
            if (state.destroyed && !state.ended && !state.errored) {
              finished = true;
              throw codeError(Error, 'ERR_STREAM_PREMATURE_CLOSE', 'Premature close');
            }
            finished = true;
            return { value: undefined, done: true };
          }
          await wait();
        }
      },
      async return() {
        finished = true;
        stream.removeListener('error', onError);
        if (!state.endEmitted) stream.destroy();
        return { value: undefined, done: true };
      },
      [SymbolAsyncIterator]() {
        return this;
      },
    };
  };

  Readable.prototype.wrap = node_notImplemented('stream.Readable.wrap');

  const readableGetters = {
    readable() {
      const s = this._readableState;
      return !s.destroyed && !s.errored && !s.endEmitted;
    },
    readableEnded() { return this._readableState.endEmitted; },
    readableFlowing() { return this._readableState.flowing; },
    readableLength() { return this._readableState.length; },
    readableHighWaterMark() { return this._readableState.highWaterMark; },
    readableObjectMode() { return this._readableState.objectMode; },
    readableEncoding() { return this._readableState.encoding; },
    readableAborted() {
      const s = this._readableState;
      return (s.destroyed || !!s.errored) && !s.endEmitted;
    },
    readableDidRead() { return this._readableState.dataEmitted; },
    destroyed() { return (this._readableState ?? this._writableState).destroyed; },
    closed() { return (this._readableState ?? this._writableState).closed; },
    errored() { return (this._readableState ?? this._writableState).errored; },
  };
  const readableNames = ObjectKeys(readableGetters);
  for (let i = 0; i < readableNames.length; i++) {
    ObjectDefineProperty(Readable.prototype, readableNames[i], { get: readableGetters[readableNames[i]], configurable: true });
  }

  Readable.from = function from(iterable, options) {
    if (typeof iterable === 'string' || isUint8Array(iterable)) {
      return new Readable({
        objectMode: true,
        ...options,
        read() {
          this.push(iterable);
          this.push(null);
        },
      });
    }
    let iterator;
    if (iterable && typeof iterable[SymbolAsyncIterator] === 'function') iterator = iterable[SymbolAsyncIterator]();
    else if (iterable && typeof iterable[SymbolIterator] === 'function') iterator = iterable[SymbolIterator]();
    else throw node_invalidArgType('iterable', 'an Iterable', iterable);
    let reading = false;
    const readable = new Readable({
      objectMode: true,
      highWaterMark: 1,
      ...options,
      read() {
        if (reading) return;
        reading = true;
        (async () => {
          try {
            while (true) {
              const { value, done } = await iterator.next();
              if (done) {
                this.push(null);
                break;
              }
              const chunk = await value;
              if (chunk === null) throw codeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
              if (!this.push(chunk)) break;
            }
          } catch (error) {
            this.destroy(error);
          }
          reading = false;
        })();
      },
      destroy(error, callback) {
        if (typeof iterator.return === 'function' && !this._readableState.endEmitted) {
          PromisePrototypeThen(PromiseResolve(iterator.return()), () => callback(error), callback);
        } else {
          callback(error);
        }
      },
    });
    return readable;
  };

  // The iterator helpers of Node's Readable: each reads the stream with its async iterator
  // (so it consumes it, and destroys it when stopped early) and calls `fn(value, {signal})`
  // one value at a time. Those that give a stream give an object-mode Readable.
  const helperSignal = (options) => ({ signal: options?.signal });
  const checkHelperFunction = (fn) => node_validateFunction(fn, 'fn');
  const fromGenerator = (generator) => Readable.from(generator, { objectMode: true });
  const readableHelpers = {
    map(fn, options = undefined) {
      checkHelperFunction(fn);
      const source = this;
      return fromGenerator((async function* () {
        for await (const value of source) yield await fn(value, helperSignal(options));
      })());
    },
    filter(fn, options = undefined) {
      checkHelperFunction(fn);
      const source = this;
      return fromGenerator((async function* () {
        for await (const value of source) if (await fn(value, helperSignal(options))) yield value;
      })());
    },
    flatMap(fn, options = undefined) {
      checkHelperFunction(fn);
      const source = this;
      return fromGenerator((async function* () {
        for await (const value of source) yield* await fn(value, helperSignal(options));
      })());
    },
    drop(limit, options = undefined) {
      const count = node_helperCount(limit);
      const source = this;
      return fromGenerator((async function* () {
        let seen = 0;
        for await (const value of source) if (seen++ >= count) yield value;
      })());
    },
    take(limit, options = undefined) {
      const count = node_helperCount(limit);
      const source = this;
      return fromGenerator((async function* () {
        if (count === 0) return;
        let taken = 0;
        for await (const value of source) {
          yield value;
          if (++taken >= count) return;
        }
      })());
    },
    async forEach(fn, options = undefined) {
      checkHelperFunction(fn);
      for await (const value of this) await fn(value, helperSignal(options));
    },
    async toArray(options = undefined) {
      const out = [];
      for await (const value of this) out[out.length] = value;
      return out;
    },
    async some(fn, options = undefined) {
      checkHelperFunction(fn);
      for await (const value of this) if (await fn(value, helperSignal(options))) return true;
      return false;
    },
    async every(fn, options = undefined) {
      checkHelperFunction(fn);
      for await (const value of this) if (!(await fn(value, helperSignal(options)))) return false;
      return true;
    },
    async find(fn, options = undefined) {
      checkHelperFunction(fn);
      for await (const value of this) if (await fn(value, helperSignal(options))) return value;
      return undefined;
    },
    async reduce(fn, ...rest) {
      checkHelperFunction(fn);
      let started = rest.length > 0;
      let accumulator = rest[0];
      for await (const value of this) {
        if (started) {
          accumulator = await fn(accumulator, value, helperSignal(rest[1]));
        } else {
          accumulator = value;
          started = true;
        }
      }
      if (!started) throw node_error(TypeError, 'ERR_INVALID_ARGS', 'Reduce of an empty stream requires an initial value');
      return accumulator;
    },
  };
  const helperNames = ObjectKeys(readableHelpers);
  for (let i = 0; i < helperNames.length; i++) {
    ObjectDefineProperty(Readable.prototype, helperNames[i],
      { value: readableHelpers[helperNames[i]], writable: true, configurable: true, enumerable: false });
  }

  Readable.toWeb = function toWeb(readable) {
    const iterator = readable[SymbolAsyncIterator]();
    return new node_ReadableStream({
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? node_bufferEncode(value, 'utf8') : value);
      },
      cancel(reason) {
        readable.destroy(reason);
      },
    });
  };

  Readable.fromWeb = function fromWeb(readableStream, options) {
    const reader = readableStream.getReader();
    return Readable.from({
      async *[SymbolAsyncIterator]() {
        try {
          while (true) {
            const { value, done } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    }, { objectMode: false, ...options });
  };

  // ---- Writable

  function WritableState(options, stream, isDuplex) {
    this.objectMode = !!(options && (options.objectMode || (isDuplex && options.writableObjectMode)));
    this.highWaterMark = highWaterMarkOf(options, this.objectMode, 'writableHighWaterMark');
    this.decodeStrings = !(options && options.decodeStrings === false);
    this.defaultEncoding = (options && options.defaultEncoding) || 'utf8';
    this.length = 0;
    this.writing = false;
    this.corked = 0;
    this.queue = [];
    this.ending = false;
    this.ended = false;
    this.finished = false;
    this.finalCalled = false;
    this.needDrain = false;
    this.destroyed = false;
    this.errored = null;
    this.errorEmitted = false;
    this.closed = false;
    this.emitClose = !(options && options.emitClose === false);
    this.autoDestroy = !(options && options.autoDestroy === false);
    this.finishCallbacks = [];
  }

  function Writable(options) {
    if (!(this instanceof Writable) && !(this instanceof Duplex)) return new Writable(options);
    this._writableState = new WritableState(options, this, this instanceof Duplex);
    if (options) {
      if (typeof options.write === 'function') this._write = options.write;
      if (typeof options.writev === 'function') this._writev = options.writev;
      if (typeof options.final === 'function') this._final = options.final;
      if (typeof options.destroy === 'function') this._destroy = options.destroy;
      if (options.signal) addAbortSignal(options.signal, this);
    }
    Stream.call(this, options);
  }
  ObjectSetPrototypeOf(Writable.prototype, Stream.prototype);
  ObjectSetPrototypeOf(Writable, Stream);
  ObjectDefineProperty(Writable, SymbolHasInstance, {
    value(object) {
      if (FunctionPrototypeSymbolHasInstance(this, object)) return true;
      if (this !== Writable) return false;
      return object !== null && typeof object === 'object' && object._writableState !== undefined;
    },
  });

  Writable.prototype.destroy = destroy;
  Writable.prototype._destroy = function (error, callback) {
    callback(error);
  };
  Writable.prototype._write = function (chunk, encoding, callback) {
    if (this._writev !== null && typeof this._writev === 'function') {
      this._writev([{ chunk, encoding }], callback);
      return;
    }
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented');
  };
  Writable.prototype._writev = null;

  function writeOrBuffer(stream, state, chunk, encoding, callback) {
    const size = chunkSize(state, chunk);
    state.length += size;
    const ok = state.length < state.highWaterMark;
    if (!ok) state.needDrain = true;
    if (state.writing || state.corked > 0 || state.errored) {
      ArrayPrototypePush(state.queue, { chunk, encoding, callback, size });
    } else {
      doWrite(stream, state, [{ chunk, encoding, callback, size }]);
    }
    return ok && !state.errored && !state.destroyed;
  }

  function doWrite(stream, state, entries) {
    state.writing = true;
    state.sync = true;
    let called = false;
    const onwrite = (error) => {
      if (called) {
        stream.destroy(codeError(Error, 'ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'));
        return;
      }
      called = true;
      state.writing = false;
      let size = 0;
      for (let i = 0; i < entries.length; i++) size += entries[i].size;
      state.length -= size;
      if (error) {
        for (let i = 0; i < entries.length; i++) entries[i].callback(error);
        stream.destroy(error);
        return;
      }
      const after = () => {
        for (let i = 0; i < entries.length; i++) entries[i].callback(null);
        if (state.needDrain && state.length === 0 && !state.ending && !state.destroyed) {
          state.needDrain = false;
          stream.emit('drain');
        }
        clearQueue(stream, state);
        finishMaybe(stream, state);
      };
      if (state.sync) nextTick(after);
      else after();
    };
    try {
      if (entries.length > 1 && typeof stream._writev === 'function') {
        stream._writev(entries.map((e) => ({ chunk: e.chunk, encoding: e.encoding })), onwrite);
      } else {
        stream._write(entries[0].chunk, entries[0].encoding, onwrite);
      }
    } catch (error) {
      onwrite(error);
    }
    state.sync = false;
  }

  function clearQueue(stream, state) {
    if (state.writing || state.corked > 0 || state.queue.length === 0 || state.destroyed) return;
    if (state.queue.length > 1 && typeof stream._writev === 'function') {
      const entries = state.queue;
      state.queue = [];
      doWrite(stream, state, entries);
    } else {
      doWrite(stream, state, [ArrayPrototypeShift(state.queue)]);
    }
  }

  function finishMaybe(stream, state) {
    if (!state.ending || state.finished || state.writing || state.queue.length > 0 || state.length > 0
      || state.destroyed || state.errored) return;
    if (!state.finalCalled) {
      state.finalCalled = true;
      if (typeof stream._final === 'function') {
        state.pendingFinal = true;
        let called = false;
        try {
          stream._final((error) => {
            if (called) return;
            called = true;
            state.pendingFinal = false;
            if (error) {
              const callbacks = state.finishCallbacks;
              state.finishCallbacks = [];
              for (let i = 0; i < callbacks.length; i++) callbacks[i](error);
              stream.destroy(error);
              return;
            }
            finishMaybe(stream, state);
          });
        } catch (error) {
          stream.destroy(error);
        }
        return;
      }
    }
    if (state.pendingFinal) return;
    state.finished = true;
    nextTick(() => {
      if (state.errored || state.destroyed && !state.finished) return;
      stream.emit('prefinish');
      const callbacks = state.finishCallbacks;
      state.finishCallbacks = [];
      for (let i = 0; i < callbacks.length; i++) callbacks[i](null);
      stream.emit('finish');
      const r = stream._readableState;
      if (state.autoDestroy && (r === undefined || r.endEmitted || r.readable === false)) stream.destroy();
    });
  }

  Writable.prototype.write = function write(chunk, encoding, callback) {
    const state = this._writableState;
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = null;
    }
    if (typeof callback !== 'function') callback = () => {};
    if (!encoding) encoding = state.defaultEncoding;
    else if (encoding !== 'buffer' && !Buffer.isEncoding(encoding)) {
      throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
    }
    if (chunk === null) throw codeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
    if (!state.objectMode) {
      if (typeof chunk === 'string') {
        if (state.decodeStrings !== false) {
          chunk = Buffer.from(chunk, encoding);
          encoding = 'buffer';
        }
      } else if (isUint8Array(chunk)) {
        if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(TypedArrayPrototypeGetBuffer(chunk), chunk.byteOffset, chunk.length);
        encoding = 'buffer';
      } else {
        throw node_invalidArgType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
      }
    }
    let error;
    if (state.ending) error = codeError(Error, 'ERR_STREAM_WRITE_AFTER_END', 'write after end');
    else if (state.destroyed) error = codeError(Error, 'ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed');
    if (error) {
      nextTick(callback, error);
      if (!state.destroyed) this.destroy(error);
      return false;
    }
    return writeOrBuffer(this, state, chunk, encoding, callback);
  };

  Writable.prototype.end = function end(chunk, encoding, callback) {
    const state = this._writableState;
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = null;
      encoding = null;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = null;
    }
    if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
    if (state.corked) {
      state.corked = 1;
      this.uncork();
    }
    if (typeof callback === 'function') {
      if (state.finished) nextTick(callback, null);
      else if (state.ending || state.destroyed) {
        nextTick(callback, state.errored ?? codeError(Error, 'ERR_STREAM_ALREADY_FINISHED',
          'Cannot call end after a stream was finished'));
      } else ArrayPrototypePush(state.finishCallbacks, callback);
    }
    if (!state.ending) {
      state.ending = true;
      state.ended = true;
      finishMaybe(this, state);
    }
    return this;
  };

  Writable.prototype.cork = function cork() {
    this._writableState.corked++;
  };
  Writable.prototype.uncork = function uncork() {
    const state = this._writableState;
    if (state.corked > 0) {
      state.corked--;
      if (state.corked === 0) clearQueue(this, state);
    }
  };
  Writable.prototype.setDefaultEncoding = function setDefaultEncoding(encoding) {
    if (!Buffer.isEncoding(encoding)) throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
    this._writableState.defaultEncoding = encoding;
    return this;
  };

  const writableGetters = {
    writable() {
      const s = this._writableState;
      return !s.destroyed && !s.errored && !s.ending;
    },
    writableEnded() { return this._writableState.ending; },
    writableFinished() { return this._writableState.finished; },
    writableLength() { return this._writableState.length; },
    writableHighWaterMark() { return this._writableState.highWaterMark; },
    writableObjectMode() { return this._writableState.objectMode; },
    writableCorked() { return this._writableState.corked; },
    writableNeedDrain() {
      const s = this._writableState;
      return !s.destroyed && !s.ending && s.needDrain;
    },
    writableAborted() {
      const s = this._writableState;
      return (s.destroyed || !!s.errored) && !s.finished;
    },
    destroyed: readableGetters.destroyed,
    closed: readableGetters.closed,
    errored: readableGetters.errored,
  };
  const writableNames = ObjectKeys(writableGetters);
  for (let i = 0; i < writableNames.length; i++) {
    ObjectDefineProperty(Writable.prototype, writableNames[i], { get: writableGetters[writableNames[i]], configurable: true });
  }

  Writable.toWeb = function toWeb(writable) {
    return new node_WritableStream({
      write(chunk) {
        return new Promise((resolve, reject) => {
          writable.write(chunk, (error) => (error ? reject(error) : resolve()));
        });
      },
      close() {
        return new Promise((resolve, reject) => {
          writable.end((error) => (error ? reject(error) : resolve()));
        });
      },
      abort(reason) {
        writable.destroy(reason);
      },
    });
  };

  Writable.fromWeb = function fromWeb(writableStream, options) {
    const writer = writableStream.getWriter();
    return new Writable({
      ...options,
      write(chunk, encoding, callback) {
        PromisePrototypeThen(writer.write(chunk), () => callback(), callback);
      },
      final(callback) {
        PromisePrototypeThen(writer.close(), () => callback(), callback);
      },
      destroy(error, callback) {
        if (error) PromisePrototypeThen(writer.abort(error), () => callback(error), () => callback(error));
        else callback(null);
      },
    });
  };

  // ---- Duplex, Transform, PassThrough

  function Duplex(options) {
    if (!(this instanceof Duplex)) return new Duplex(options);
    Readable.call(this, options);
    this._writableState = new WritableState(options, this, true);
    if (options) {
      if (typeof options.write === 'function') this._write = options.write;
      if (typeof options.writev === 'function') this._writev = options.writev;
      if (typeof options.final === 'function') this._final = options.final;
      if (options.readable === false) {
        this._readableState.readable = false;
        this._readableState.ended = true;
        this._readableState.endEmitted = true;
      }
      if (options.writable === false) {
        this._writableState.writable = false;
        this._writableState.ending = true;
        this._writableState.ended = true;
        this._writableState.finished = true;
      }
    }
    this.allowHalfOpen = !(options && options.allowHalfOpen === false);
  }
  ObjectSetPrototypeOf(Duplex.prototype, Readable.prototype);
  ObjectSetPrototypeOf(Duplex, Readable);
  {
    const names = ReflectOwnKeys(Writable.prototype);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name === 'constructor' || name === 'destroy' || name === '_destroy' || ObjectPrototypeHasOwnProperty(Duplex.prototype, name)) continue;
      if (name === 'destroyed' || name === 'closed' || name === 'errored') continue;
      ObjectDefineProperty(Duplex.prototype, name, ObjectGetOwnPropertyDescriptor(Writable.prototype, name));
    }
  }

  Duplex.from = function from(body) {
    if (body instanceof Duplex) return body;
    if (body && typeof body.getReader === 'function') return Readable.fromWeb(body);
    if (body && (typeof body[SymbolAsyncIterator] === 'function' || typeof body[SymbolIterator] === 'function')) {
      return Readable.from(body);
    }
    throw node_invalidArgType('body', 'a stream, iterable, or web stream', body);
  };

  function Transform(options) {
    if (!(this instanceof Transform)) return new Transform(options);
    Duplex.call(this, options);
    this._readableState.sync = false;
    if (options) {
      if (typeof options.transform === 'function') this._transform = options.transform;
      if (typeof options.flush === 'function') this._flush = options.flush;
    }
  }
  ObjectSetPrototypeOf(Transform.prototype, Duplex.prototype);
  ObjectSetPrototypeOf(Transform, Duplex);

  Transform.prototype._transform = function () {
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _transform() method is not implemented');
  };
  Transform.prototype._write = function (chunk, encoding, callback) {
    let called = false;
    this._transform(chunk, encoding, (error, data) => {
      if (called) return;
      called = true;
      if (error) {
        callback(error);
        return;
      }
      if (data !== undefined && data !== null) this.push(data);
      callback();
    });
  };
  Transform.prototype._read = function () {};
  Transform.prototype._final = function (callback) {
    const done = (error, data) => {
      if (error) {
        callback(error);
        return;
      }
      if (data !== undefined && data !== null) this.push(data);
      this.push(null);
      callback();
    };
    if (typeof this._flush === 'function') this._flush(done);
    else done();
  };

  function PassThrough(options) {
    if (!(this instanceof PassThrough)) return new PassThrough(options);
    Transform.call(this, options);
  }
  ObjectSetPrototypeOf(PassThrough.prototype, Transform.prototype);
  ObjectSetPrototypeOf(PassThrough, Transform);
  PassThrough.prototype._transform = function (chunk, encoding, callback) {
    callback(null, chunk);
  };

  // ---- finished, pipeline, addAbortSignal

  function finished(stream, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    }
    options = options || {};
    node_validateFunction(callback, 'callback');
    const r = stream._readableState;
    const w = stream._writableState;
    const readable = options.readable ?? (r !== undefined && r.readable !== false);
    const writable = options.writable ?? (w !== undefined && w.writable !== false);
    let done = false;
    const call = (error) => {
      if (done) return;
      done = true;
      cleanup();
      callback.call(stream, error);
    };
    let readableDone = !readable || (r !== undefined && r.endEmitted);
    let writableDone = !writable || (w !== undefined && w.finished);
    const onend = () => {
      readableDone = true;
      if (writableDone) call();
    };
    const onfinish = () => {
      writableDone = true;
      if (readableDone) call();
    };
    const onerror = (error) => call(error);
    const onclose = () => {
      if ((r && r.errored) || (w && w.errored)) {
        call((r && r.errored) || w.errored);
      } else if (!readableDone || !writableDone) {
        call(codeError(Error, 'ERR_STREAM_PREMATURE_CLOSE', 'Premature close'));
      } else {
        call();
      }
    };
    stream.on('end', onend);
    stream.on('finish', onfinish);
    if (options.error !== false) stream.on('error', onerror);
    stream.on('close', onclose);
    const cleanup = () => {
      stream.removeListener('end', onend);
      stream.removeListener('finish', onfinish);
      stream.removeListener('error', onerror);
      stream.removeListener('close', onclose);
    };
    const s = r ?? w;
    if (s !== undefined && s.closed) nextTick(onclose);
    else if (readableDone && writableDone) nextTick(call);
    return cleanup;
  }

  function isNodeStream(value) {
    return value !== null && typeof value === 'object' && typeof value.on === 'function'
      && (value._readableState !== undefined || value._writableState !== undefined || typeof value.pipe === 'function');
  }

  function pipeline(...streams) {
    const callback = typeof streams[streams.length - 1] === 'function' ? streams.pop() : undefined;
    if (ArrayIsArray(streams[0]) && streams.length === 1) streams = streams[0];
    if (streams.length < 2) throw codeError(TypeError, 'ERR_MISSING_ARGS', 'The "streams" argument must be specified');
    node_validateFunction(callback, 'streams[stream.length - 1]');
    let error = null;
    let finishedCount = 0;
    const nodes = [];
    let result;
    for (let i = 0; i < streams.length; i++) {
      let stream = streams[i];
      if (typeof stream === 'function') {
        const output = stream(i === 0 ? undefined : nodes[i - 1], { signal: undefined });
        if (i === streams.length - 1 && output && typeof output.then === 'function') {
          nodes[i] = null;
          PromisePrototypeThen(output, (value) => {
            result = value;
            finishOne(i);
          }, (e) => fail(e));
          continue;
        }
        stream = output;
      }
      if (!isNodeStream(stream)) {
        if (stream && (typeof stream[SymbolAsyncIterator] === 'function' || typeof stream[SymbolIterator] === 'function')) {
          stream = Readable.from(stream);
        } else {
          throw node_invalidArgType(`streams[${i}]`, 'a Stream, Iterable, AsyncIterable, or Function', stream);
        }
      }
      nodes[i] = stream;
    }
    const fail = (e) => {
      if (error !== null) return;
      error = e;
      for (let j = 0; j < nodes.length; j++) if (nodes[j] && !nodes[j].destroyed) nodes[j].destroy(e);
      nextTick(callback, e);
    };
    const finishOne = () => {
      finishedCount++;
      if (finishedCount === nodes.length && error === null) nextTick(callback, null, result);
    };
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node === null) continue;
      const last = i === nodes.length - 1;
      finished(node, { readable: !last && node._readableState !== undefined,
        writable: i > 0 && node._writableState !== undefined }, (e) => {
        if (e) fail(e);
        else finishOne(i);
      });
      if (i > 0 && nodes[i - 1] !== null) {
        const previous = nodes[i - 1];
        if (typeof node.write === 'function') previous.pipe(node);
      }
    }
    return nodes[nodes.length - 1] ?? undefined;
  }

  function addAbortSignal(signal, stream) {
    if (!events_isAbortSignal(signal)) throw node_invalidArgType('signal', 'an instance of AbortSignal', signal);
    const onAbort = () => {
      const error = node_error(Error, 'ABORT_ERR', 'The operation was aborted');
      error.name = 'AbortError';
      error.cause = signal.reason;
      stream.destroy(error);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return stream;
  }

  const promises = {
    pipeline: (...streams) => new Promise((resolve, reject) => {
      const options = streams.length > 0 && streams[streams.length - 1] !== null
        && typeof streams[streams.length - 1] === 'object' && !isNodeStream(streams[streams.length - 1])
        && typeof streams[streams.length - 1][SymbolAsyncIterator] !== 'function'
        && typeof streams[streams.length - 1][SymbolIterator] !== 'function' ? streams.pop() : undefined;
      if (options && options.signal) {
        streams[0] = addAbortSignal(options.signal, isNodeStream(streams[0]) ? streams[0] : Readable.from(streams[0]));
      }
      pipeline(...streams, (error, value) => (error ? reject(error) : resolve(value)));
    }),
    finished: (stream, options) => new Promise((resolve, reject) => {
      finished(stream, options, (error) => (error ? reject(error) : resolve()));
    }),
  };

  Stream.Stream = Stream;
  Stream.Readable = Readable;
  Stream.Writable = Writable;
  Stream.Duplex = Duplex;
  Stream.Transform = Transform;
  Stream.PassThrough = PassThrough;
  Stream.pipeline = pipeline;
  Stream.finished = finished;
  Stream.addAbortSignal = addAbortSignal;
  Stream.promises = promises;
  Stream.isReadable = (s) => isNodeStream(s) && s._readableState !== undefined && s.readable;
  Stream.isWritable = (s) => isNodeStream(s) && s._writableState !== undefined && s.writable;
  Stream.isErrored = (s) => isNodeStream(s) && !!s.errored;
  Stream.isDisturbed = (s) => isNodeStream(s) && s._readableState !== undefined && s._readableState.dataEmitted;
  Stream.getDefaultHighWaterMark = (objectMode) => (objectMode ? defaultObjectHighWaterMark : defaultHighWaterMark);
  Stream.setDefaultHighWaterMark = (objectMode, value) => {
    if (!objectMode) defaultHighWaterMark = value;
  };
  Stream.compose = node_notImplemented('stream.compose');
  Stream.duplexPair = node_notImplemented('stream.duplexPair');
  Stream.default = Stream;
  return Stream;
});

const SymbolAsyncIterator = Symbol.asyncIterator;
const node_ReadableStream = globalThis.ReadableStream;
const node_WritableStream = globalThis.WritableStream;
const SymbolHasInstance = Symbol.hasInstance;
const FunctionPrototypeSymbolHasInstance = uncurryThis(Function.prototype[Symbol.hasInstance]);

node_define('stream/promises', () => node_require('stream').promises);
node_define('_stream_readable', () => node_require('stream').Readable);
node_define('_stream_writable', () => node_require('stream').Writable);
node_define('_stream_duplex', () => node_require('stream').Duplex);
node_define('_stream_transform', () => node_require('stream').Transform);
node_define('_stream_passthrough', () => node_require('stream').PassThrough);
node_define('stream/web', () => {
  const names = ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
    'ReadableStreamBYOBRequest', 'ReadableByteStreamController', 'ReadableStreamDefaultController',
    'TransformStream', 'TransformStreamDefaultController', 'WritableStream', 'WritableStreamDefaultWriter',
    'WritableStreamDefaultController', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'TextEncoderStream',
    'TextDecoderStream', 'CompressionStream', 'DecompressionStream'];
  const out = {};
  for (let i = 0; i < names.length; i++) {
    if (globalThis[names[i]] !== undefined) out[names[i]] = globalThis[names[i]];
  }
  return out;
});
node_define('stream/consumers', () => {
  async function chunksOf(stream) {
    const chunks = [];
    if (stream && typeof stream.getReader === 'function') {
      const reader = stream.getReader();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        ArrayPrototypePush(chunks, value);
      }
    } else {
      for await (const chunk of stream) ArrayPrototypePush(chunks, chunk);
    }
    return chunks;
  }
  async function bytes(stream) {
    const chunks = await chunksOf(stream);
    const { Buffer } = node_require('buffer');
    const parts = [];
    for (let i = 0; i < chunks.length; i++) {
      ArrayPrototypePush(parts, typeof chunks[i] === 'string' ? Buffer.from(chunks[i]) : Buffer.from(chunks[i]));
    }
    return Buffer.concat(parts);
  }
  return {
    buffer: bytes,
    arrayBuffer: async (stream) => {
      const b = await bytes(stream);
      return TypedArrayPrototypeGetBuffer(new Uint8Array(b));
    },
    text: async (stream) => node_bufferDecode(await bytes(stream), 'utf8'),
    json: async (stream) => JSONParse(node_bufferDecode(await bytes(stream), 'utf8')),
    blob: async (stream) => new Blob([await bytes(stream)]),
  };
});

// drop()'s and take()'s count: a non-negative number (Infinity allowed), as Node checks it.
function node_helperCount(limit) {
  const n = +limit;
  if (n !== n) throw node_invalidArgType('number', 'of type number', limit);
  if (n < 0) throw node_outOfRange('number', '>= 0', limit);
  return n === Infinity ? n : MathTrunc(n);
}
