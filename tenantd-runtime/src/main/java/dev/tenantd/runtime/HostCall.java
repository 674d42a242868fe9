package dev.tenantd.runtime;

/**
 * Every function the runtime JavaScript may call on {@code host}; nothing else of Java is
 * reachable from an isolate but the {@code import()} function {@link ScriptLoader} makes for
 * each module it rewrote, which only that module can name. Each isolate binds exactly these,
 * and the worker that adopts it must answer every one that the shell does not answer itself
 * ({@link IsolateShell#adopt}).
 */
enum HostCall {
    /** (level, message) -> whether the invocation's observer wants the values too. */
    LOG("log"),
    /** (level, valuesJson): a console line's arguments as JSON, for an observer. */
    LOG_VALUES("logValues"),
    /**
     * (thorough) -> what the isolate holds after a garbage collection in the middle of a turn, or
     * -1 ({@link IsolateMemory#collectInTurn}).
     */
    COLLECT_GARBAGE("collectGarbage"),
    /** (): the isolate's memory outside its heap grew; measured at the next turn. */
    MEMORY_GREW("memoryGrew"),
    /**
     * (escaped): a WebAssembly instance is being made, whose own code may grow its memories
     * unasked: from now on they are counted after every turn. With {@code escaped}, an instance
     * whose making failed may still be reachable, its memories out of the runtime's sight: the
     * isolate takes no new requests and is discarded once idle.
     */
    WASM_INSTANCE_MADE("wasmInstanceMade"),
    /**
     * (memory, maximumPages) -> whether it is tracked: a WebAssembly memory was made, which
     * declared at most {@code maximumPages} (-1: no maximum); held weakly ({@link WasmMemoryTracker}),
     * unless the isolate has {@link WasmMemoryTracker#MAX_ALIVE} alive.
     */
    WASM_MEMORY_MADE("wasmMemoryMade"),
    /**
     * (more) -> how many WebAssembly memories are alive; when {@code more} would take them past
     * {@link WasmMemoryTracker#MAX_ALIVE}, counted after a garbage collection.
     */
    WASM_MEMORY_COUNT("wasmMemoryCount"),
    /** (index) -> the memory at that place of those counted, or undefined: dropped since. */
    WASM_MEMORY_AT("wasmMemoryAt"),
    /** (capBytes) -> what the WebAssembly memories still alive can grow to together. */
    WASM_MEMORIES_REACHABLE("wasmMemoriesReachable"),
    /** (): an allocation would exceed the memory limit; the invocation ends. */
    MEMORY_EXCEEDED("memoryExceeded"),
    /**
     * (now): the isolate holds memory its engine does not measure (ICU's, behind Intl objects)
     * past half its limit: it takes no new requests and is discarded once idle; with
     * {@code now}, past the whole limit: the invocation ends as over its memory limit and the
     * isolate is discarded at once.
     */
    RETIRE("retire"),
    /** (count) -> ArrayBuffer of random bytes. */
    RANDOM_BYTES("randomBytes"),
    /** (algorithm, bytes) -> ArrayBuffer: the digest of the bytes (SHA-1, SHA-256, SHA-384, SHA-512, MD5). */
    DIGEST("digest"),
    /** (id, delayMs) -> {@link WorkerTimers#SET} or why not. */
    SET_TIMER("setTimer"),
    /** (id) -> 1 when gone, 0 when kept as another invocation's. */
    CLEAR_TIMER("clearTimer"),
    /** () -> the ids of timers that ended with their invocations, comma-separated. */
    TAKE_DROPPED_TIMERS("takeDroppedTimers"),
    /** (heldId) -> ArrayBuffer: a large subrequest body kept with the host until read. */
    TAKE_BODY("takeBody"),
    /**
     * (invocation, status, statusText, headers, body, done, heldId, webSocket, streamId, jsStream,
     * jsStreamLength): the invocation's response. {@code streamId} names a streamed body handed on
     * unread, {@code jsStream} a ReadableStream the body is read from ({@link BodyStreams}), whose
     * length is known (a FixedLengthStream's) unless {@code jsStreamLength} is -1.
     */
    COMPLETE("complete"),
    /** (invocation, name, message, stack): the invocation failed with an uncaught exception. */
    FAIL("fail"),
    /** (invocation): the response is out and every waitUntil promise settled. */
    FINISHED("finished"),
    /** (call, streamId): the next chunk of a streamed body, answered as data: "chunk" and its bytes, or "end". */
    READ_BODY("readBody"),
    /** (streamId): nobody reads a streamed body on. */
    CANCEL_BODY("cancelBody"),
    /** (jsStream, bytes, state, error): a chunk (0), the end (1) or the error (2) of a response body's stream. */
    BODY_CHUNK("bodyChunk"),
    /** (call, method, url, headers, body): a subrequest. */
    FETCH("fetch"),
    /** (call, channel, operation, args, bytes): a call on a channel binding. */
    CALL("call"),
    /** (call, channel, operation, args, method, url, headers, body, cf): a channel call that sends a request. */
    CALL_FETCH("callFetch"),
    /** (channel, operation, args) -> string: a channel call answered at once. */
    CALL_NOW("callNow"),
    /** (call, operation, socket, text, bytes): connect, read, write, end, startTls or close a TCP socket. */
    SOCKET("socket"),
    /** (format, direction, level, strict) -> handle or error string: a compression stream ({@link ZlibHostCalls}). */
    ZLIB_OPEN("zlibOpen"),
    /** (handle, bytes, flush) -> nothing or error string. */
    ZLIB_WRITE("zlibWrite"),
    /** (handle) -> ArrayBuffer of at most 64 KiB, null at the end, or error string. */
    ZLIB_READ("zlibRead"),
    /** (handle): frees the stream. */
    ZLIB_CLOSE("zlibClose"),
    /** (domain) -> the domain by UTS #46 ToASCII as the URL Standard runs it, or null: not a valid domain ({@link IdnaHostCalls}). */
    IDNA_TO_ASCII("idnaToAscii"),
    /**
     * (locale, text, whole) -> ArrayBuffer of little-endian int32s, one per word segment: its end
     * times two, plus one when it is word-like ({@link WordSegmentHostCalls}).
     */
    SEGMENT_WORDS("segmentWords"),
    /**
     * (encoding, bytes, fatal, flush) -> string (first code unit: trailing bytes kept) or a negative
     * number: a TextDecoder chunk in a multi-byte legacy encoding ({@link TextCodecHostCalls}).
     */
    TEXT_DECODE("textDecode"),
    /** () -> id of the first end of a new WebSocketPair (the second is the next id), 0 past the limit. */
    WS_PAIR("wsPair"),
    /** (id) -> whether the WebSocket is accepted: its events run in this isolate from now on. */
    WS_ACCEPT("wsAccept"),
    /** (id, text, bytes): sends a message (text when not null, else the bytes). */
    WS_SEND("wsSend"),
    /** (id, code, reason): sends the close. */
    WS_CLOSE("wsClose"),
    /** (call, invocation, position, method, bytes): an RPC target calls a function or RpcTarget its caller passed. */
    CALL_BACK("callBack"),
    /** (id, ok, bytes): what a function or RpcTarget passed to an RPC target answered. */
    EXPORT_RETURNED("exportReturned"),
    /**
     * (operation, params, key, data, extra1, extra2) -> ArrayBuffer, or a string: the
     * {@code name=value} lines of a key, or "\0name\0message" for a failure. Web Crypto.
     */
    CRYPTO("crypto"),
    /**
     * (name) -> function: a part of the runtime JavaScript compiled from the runtime's own
     * text ({@code lazy.js}). Answered by the {@link IsolateShell}, not by the worker.
     */
    LOAD_PART("loadPart");

    final String jsName;

    HostCall(String jsName) {
        this.jsName = jsName;
    }
}
