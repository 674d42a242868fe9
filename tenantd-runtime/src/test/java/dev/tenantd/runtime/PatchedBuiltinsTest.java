package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker may change its own built-ins; the runtime under it must still serve its
 * requests exactly. Each worker here first replaces a broad list of built-ins with
 * functions that throw (and some globals with garbage), keeping only what its own
 * handler needs, then answers.
 */
class PatchedBuiltinsTest {
    /**
     * Breaks the built-ins: every listed method throws "patched X", the listed globals are
     * replaced. What the handlers below use is taken first.
     */
    static final String BREAK_EVERYTHING = """
            const Res = Response;
            const Prom = Promise;
            const fetchFn = fetch;
            const log = console.log;
            const timeout = setTimeout;
            const uuid = crypto.randomUUID.bind(crypto);
            const Err = Error;
            const RangeErr = RangeError;
            function breakAll() {
              const poison = (label) => function () { throw new Err('patched ' + label); };
              const define = Object.defineProperty;
              const getDescriptor = Object.getOwnPropertyDescriptor;
              const Str = String;
              const targets = [
                [Promise.prototype, 'Promise.prototype', ['then', 'catch', 'finally']],
                [Promise, 'Promise', ['resolve', 'reject', 'all', 'allSettled', 'any', 'race', 'withResolvers']],
                [Array.prototype, 'Array.prototype', ['push', 'pop', 'shift', 'unshift', 'join', 'slice', 'splice', 'map',
                  'filter', 'forEach', 'includes', 'indexOf', 'lastIndexOf', 'concat', 'sort', 'reduce', 'some', 'every',
                  'find', 'findIndex', 'fill', 'keys', 'values', 'entries', 'at', 'flat', 'flatMap', Symbol.iterator]],
                [Object.getPrototypeOf([][Symbol.iterator]()), 'ArrayIterator', ['next']],
                [Array, 'Array', ['from', 'of']],
                [String.prototype, 'String.prototype', ['split', 'slice', 'substring', 'substr', 'indexOf', 'lastIndexOf',
                  'includes', 'startsWith', 'endsWith', 'toLowerCase', 'toUpperCase', 'charCodeAt', 'codePointAt', 'charAt',
                  'replace', 'replaceAll', 'trim', 'trimStart', 'trimEnd', 'padStart', 'padEnd', 'repeat', 'toWellFormed',
                  'normalize', 'match', 'matchAll', 'search', 'at', 'concat', 'localeCompare', Symbol.iterator]],
                [String, 'String', ['fromCharCode', 'fromCodePoint', 'raw']],
                [RegExp.prototype, 'RegExp.prototype', ['exec', 'test', Symbol.replace, Symbol.split, Symbol.match]],
                [JSON, 'JSON', ['parse', 'stringify']],
                [Object, 'Object', ['keys', 'values', 'entries', 'assign', 'defineProperty', 'defineProperties', 'freeze',
                  'getPrototypeOf', 'setPrototypeOf', 'create', 'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors',
                  'hasOwn', 'fromEntries', 'is']],
                [Object.prototype, 'Object.prototype', ['toString', 'hasOwnProperty', 'valueOf']],
                [Function.prototype, 'Function.prototype', ['call', 'apply', 'bind', 'toString']],
                [Reflect, 'Reflect', ['apply', 'construct', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty', 'get',
                  'set', 'has', 'getPrototypeOf']],
                [Map.prototype, 'Map.prototype', ['get', 'set', 'has', 'delete', 'forEach', 'keys', 'values', 'entries',
                  'clear', Symbol.iterator]],
                [Set.prototype, 'Set.prototype', ['add', 'has', 'delete', 'forEach', 'keys', 'values', 'entries', 'clear',
                  Symbol.iterator]],
                [WeakMap.prototype, 'WeakMap.prototype', ['get', 'set', 'has', 'delete']],
                [WeakSet.prototype, 'WeakSet.prototype', ['add', 'has', 'delete']],
                [Math, 'Math', ['max', 'min', 'floor', 'ceil', 'trunc', 'abs', 'round', 'random']],
                [Number, 'Number', ['isFinite', 'isInteger', 'isNaN', 'parseInt', 'parseFloat']],
                [Number.prototype, 'Number.prototype', ['toString', 'toFixed']],
                [Object.getPrototypeOf(Uint8Array.prototype), 'TypedArray.prototype', ['subarray', 'slice', 'set', 'fill',
                  'map', 'forEach', 'join', Symbol.iterator]],
                [ArrayBuffer.prototype, 'ArrayBuffer.prototype', ['slice']],
                [ArrayBuffer, 'ArrayBuffer', ['isView']],
                [TextEncoder.prototype, 'TextEncoder.prototype', ['encode', 'encodeInto']],
                [TextDecoder.prototype, 'TextDecoder.prototype', ['decode']],
                [Headers.prototype, 'Headers.prototype', ['append', 'set', 'has', 'delete', 'forEach', 'entries', 'keys',
                  'values', 'getSetCookie', Symbol.iterator]],
                [EventTarget.prototype, 'EventTarget.prototype', ['addEventListener', 'removeEventListener', 'dispatchEvent']],
                [ReadableStream.prototype, 'ReadableStream.prototype', ['getReader', 'tee', 'pipeTo', 'pipeThrough', 'cancel']],
                [Symbol.prototype, 'Symbol.prototype', ['toString']],
                [Date.prototype, 'Date.prototype', ['toISOString', 'toString', 'getTime']],
              ];
              const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
              const globals = ['Promise', 'Map', 'Set', 'WeakMap', 'Uint8Array', 'Uint16Array', 'ArrayBuffer', 'TextEncoder',
                'TextDecoder', 'URL', 'URLSearchParams', 'Headers', 'Request', 'Response', 'JSON', 'Math', 'Reflect',
                'Object', 'Array', 'String', 'Number', 'Symbol', 'Error', 'TypeError', 'RangeError', 'ReadableStream',
                'AbortController', 'AbortSignal', 'Blob', 'parseInt', 'performance', 'structuredClone', 'DOMException'];
              // Indexed loops: the array iterator is among what breaks.
              for (let t = 0; t < targets.length; t++) {
                const holder = targets[t][0];
                const keys = targets[t][2];
                for (let k = 0; k < keys.length; k++) {
                  if (getDescriptor(holder, keys[k]) !== undefined) {
                    define(holder, keys[k], { value: poison(targets[t][1] + '.' + Str(keys[k])), writable: true, configurable: true });
                  }
                }
              }
              const getters = ['length', 'byteLength', 'byteOffset', 'buffer'];
              for (let g = 0; g < getters.length; g++) {
                define(typedArrayPrototype, getters[g], { get: poison('TypedArray.prototype.' + getters[g]), configurable: true });
              }
              define(Map.prototype, 'size', { get: poison('Map.prototype.size'), configurable: true });
              define(Array, Symbol.species, { get: poison('Array[Symbol.species]'), configurable: true });
              for (let n = 0; n < globals.length; n++) {
                define(globalThis, globals[n], { value: poison('global ' + globals[n]), writable: true, configurable: true });
              }
            }
            """;

    static final String ANSWERS = BREAK_EVERYTHING + """
            breakAll();
            export default { async fetch(request, env, ctx) {
              log('handling', request.method, { n: 1 });
              await new Prom((resolve) => timeout(resolve, 1, 'ignored'));
              ctx.waitUntil(new Prom((resolve) => timeout(resolve, 1)));
              const body = await request.text();
              return new Res('ok ' + body + ' ' + request.headers.get('x-in') + ' ' + uuid(),
                { status: 201, statusText: 'Made', headers: { 'x-a': '1', 'x-b': 'two words', 'content-type': 'text/plain' } });
            } };""";

    @Test
    void a_worker_that_broke_its_built_ins_gets_exactly_its_response() throws Exception {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module(ANSWERS), host);
        for (int i = 0; i < 2; i++) {
            WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://x/", List.of("x-in", "hello"),
                    "body".getBytes(StandardCharsets.UTF_8))));
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.statusText()).isEqualTo("Made");
            assertThat(text(r)).matches("ok body hello [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(r.headers()).containsExactly("content-type", "text/plain", "x-a", "1", "x-b", "two words");
        }
        assertThat(host.logs).extracting(LogLine::message).contains("handling POST { n: 1 }");
    }

    @Test
    void a_worker_that_broke_its_built_ins_awaits_a_fetch_and_answers_with_what_it_got() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module(BREAK_EVERYTHING + """
                breakAll();
                export default { async fetch(request) {
                  const r = await fetchFn('https://example.com/path?q=1',
                    { method: 'PUT', body: 'sent', headers: { 'x-out': 'v' } });
                  return new Res('got ' + (await r.text()) + ' ' + r.status + ' ' + r.headers.get('x-echo-method'),
                    { headers: { 'x-fetched': r.url } });
                } };"""), host);
        WorkerResponse r = get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null)));
        assertThat(text(r)).isEqualTo("got PUT https://example.com/path?q=1 sent 200 PUT");
        assertThat(r.headers()).containsExactly("content-type", "text/plain;charset=UTF-8", "x-fetched", "");
        assertThat(host.fetched).singleElement().satisfies(sent -> {
            assertThat(sent.method()).isEqualTo("PUT");
            assertThat(sent.url()).isEqualTo("https://example.com/path?q=1");
            // And the depth of the call, which a request that comes back to this server goes on from.
            assertThat(sent.headers()).containsExactly("content-type", "text/plain;charset=UTF-8", "x-out", "v",
                    "accept-encoding", "gzip", Caller.DEPTH_HEADER, "1");
        });
    }

    @Test
    void a_handler_that_throws_after_breaking_the_built_ins_fails_at_once_rather_than_hanging() {
        Worker w = load(Engines.module(BREAK_EVERYTHING + """
                export default { async fetch() {
                  breakAll();
                  throw new RangeErr('mine');
                } };"""));
        var result = w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null));
        assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(InvocationException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.EXCEPTION);
                    assertThat(e.errorName()).isEqualTo("RangeError");
                    assertThat(e.getMessage()).isEqualTo("mine");
                });
    }

    @Test
    void a_service_worker_that_broke_its_built_ins_answers_through_respond_with() {
        Worker w = load(Engines.serviceWorker(BREAK_EVERYTHING + """
                addEventListener('fetch', (event) => {
                  breakAll();
                  event.waitUntil(new Prom((resolve) => timeout(resolve, 1)));
                  event.respondWith(new Res('from the listener', { headers: { 'x-sw': 'yes' } }));
                });"""));
        WorkerResponse r = get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null)));
        assertThat(text(r)).isEqualTo("from the listener");
        assertThat(r.header("x-sw")).contains("yes");
    }
}
