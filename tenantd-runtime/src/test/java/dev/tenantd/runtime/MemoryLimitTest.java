package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Memory outside the V8 heap counts against the isolate's limit (128 MB in tests) before it
 * is taken: an allocation that would go over ends the invocation as exceededMemory, whatever
 * path the worker takes to it, and the memory is never committed.
 */
class MemoryLimitTest {
    private static final long MB = 1024 * 1024;

    static Stream<Arguments> allocations() {
        return Stream.of(
                Arguments.of("typed arrays kept in a loop (a gigabyte each)",
                        "const k = []; for (let i = 0; i < 3; i++) k.push(new Uint8Array(1 << 30).fill(1));"),
                Arguments.of("one ArrayBuffer", "new Uint8Array(new ArrayBuffer(512 * 1024 * 1024)).fill(1);"),
                Arguments.of("a SharedArrayBuffer", "new Uint8Array(new SharedArrayBuffer(512 * 1024 * 1024)).fill(1);"),
                Arguments.of("a Float64Array by length", "new Float64Array(64 * 1024 * 1024).fill(1);"),
                Arguments.of("a length whose valueOf grows", """
                        let calls = 0; const n = { valueOf() { return calls++ === 0 ? 512 * 1024 * 1024 : 16; } };
                        new Uint8Array(new ArrayBuffer(n)).fill(1);"""),
                Arguments.of("the constructor reached through an instance",
                        "const C = new Uint8Array(1).constructor; new C(512 * 1024 * 1024).fill(1);"),
                Arguments.of("the constructor reached through the prototype chain",
                        "const C = Object.getPrototypeOf(new Uint8Array(1)).constructor; new C(512 * 1024 * 1024).fill(1);"),
                Arguments.of("a subclass", "class Big extends Uint8Array {} new Big(512 * 1024 * 1024).fill(1);"),
                Arguments.of("Uint8Array.from", "Uint8Array.from({ length: 512 * 1024 * 1024 });"),
                Arguments.of("copies of a buffer by slice", """
                        const a = new Uint8Array(100 * 1024 * 1024); const k = [];
                        for (let i = 0; i < 4; i++) k.push(a.buffer.slice(0));"""),
                Arguments.of("copies of a typed array by toReversed", """
                        const a = new Uint8Array(100 * 1024 * 1024); const k = [];
                        for (let i = 0; i < 4; i++) k.push(a.toReversed());"""),
                Arguments.of("copies of a shared buffer by slice, its constructor unset", """
                        const a = new SharedArrayBuffer(100 * 1024 * 1024); a.constructor = undefined; const k = [];
                        for (let i = 0; i < 4; i++) { const c = a.slice(0); new Uint8Array(c).fill(1); k.push(c); }"""),
                Arguments.of("a resizable buffer grown", """
                        const b = new ArrayBuffer(16, { maxByteLength: 1 << 30 }); b.resize(1 << 30); new Uint8Array(b).fill(1);"""),
                Arguments.of("a buffer transferred to a larger one",
                        "const b = new ArrayBuffer(16).transfer(1 << 30); new Uint8Array(b).fill(1);"),
                Arguments.of("WebAssembly memory made large, its size a BigInt", """
                        const m = new WebAssembly.Memory({ initial: 4096n, maximum: 4096n, address: 'i64' });
                        new Uint8Array(m.buffer).fill(1);"""),
                Arguments.of("WebAssembly memory made large",
                        "new Uint8Array(new WebAssembly.Memory({ initial: 8192 }).buffer).fill(1);"),
                Arguments.of("WebAssembly memories grown", """
                        const kept = [];
                        for (let i = 0; i < 3; i++) {
                          const m = new WebAssembly.Memory({ initial: 1, maximum: 2048 }); m.grow(1500);
                          new Uint8Array(m.buffer).fill(1); kept.push(m);
                        }"""),
                Arguments.of("WebAssembly memories whose descriptor is a function", """
                        const kept = [];
                        for (let i = 0; i < 3; i++) {
                          const m = new WebAssembly.Memory(Object.assign(function () {}, { initial: 1500, maximum: 2048 }));
                          new Uint8Array(m.buffer).fill(1); kept.push(m);
                        }"""),
                Arguments.of("many small buffers kept", """
                        const k = []; for (let i = 0; i < 4000; i++) k.push(new Uint8Array(60 * 1024).fill(1));"""),
                Arguments.of("text encoded many times and kept", """
                        const s = 'x'.repeat(8 * 1024 * 1024); const k = []; const e = new TextEncoder();
                        for (let i = 0; i < 40; i++) k.push(e.encode(s));"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocations")
    void an_allocation_over_the_limit_ends_the_invocation_before_the_memory_is_taken(String what, String code) {
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = load(Engines.module("""
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/ok') return new Response('still here');
                  try { %s } catch (e) { return new Response('caught ' + e); }
                  return new Response('kept');
                } };""".formatted(code)), host);
        long rssBefore = ResidentMemory.bytes();
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))
                .as(what)
                .isInstanceOfSatisfying(InvocationException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY);
                    assertThat(e.getMessage()).contains("memory limit");
                });
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(256 * MB);
        assertThat(text(get(w, "http://x/ok"))).isEqualTo("still here");
        w.close();
    }

    /**
     * Arrays whose elements alone exceed the limit are refused before the engine fills their
     * backing store in one native call: {@code new Array(2 ** 26).fill(0)} used to ask V8 for
     * 512 MB at once, more than the heap could grow by, and V8 aborted the whole process.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "new Array(2 ** 26).fill(0)",
            "Array(2 ** 26).fill(0)",
            "Array.from({ length: 2 ** 26 })",
            "(() => { const a = []; a.length = 2 ** 26; return a.fill(0); })()",
            "new (class Big extends Array {})(2 ** 26).fill(0)",
            "Array.prototype.fill.call({ length: 2 ** 26 }, 0)"})
    void an_array_too_long_for_the_memory_limit_is_refused_before_it_is_filled(String code) {
        Worker w = load(Engines.module("""
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/ok') return new Response('still here');
                  try { return new Response(String(%s.length)); }
                  catch (e) { return new Response(e.name + ': ' + e.message); }
                } };""".formatted(code)));
        assertThat(text(get(w, "http://x/"))).startsWith("RangeError: Invalid array length");
        assertThat(text(get(w, "http://x/ok"))).isEqualTo("still here");
        w.close();
    }

    @Test
    void a_slice_of_a_shared_buffer_counts_its_own_size_and_reads_its_bounds_once() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const big = new SharedArrayBuffer(100 * 1024 * 1024);
                  const parts = [];
                  for (let i = 0; i < 1000; i++) parts.push(big.slice(i, i + 16));
                  let reads = 0; const start = { valueOf() { return reads++ === 0 ? 0 : 64 * 1024 * 1024; } };
                  const read = big.slice(start, 32);
                  const backwards = big.slice(-8);
                  const swapped = big.slice(64, 16);
                  return new Response([parts.length, parts[999].byteLength, read.byteLength, reads, backwards.byteLength,
                    swapped.byteLength, read instanceof SharedArrayBuffer].join(' '));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("1000 16 32 1 8 0 true");
        w.close();
    }

    @Test
    void arrays_that_fit_are_made_as_usual() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const a = new Array(1000).fill(7); const b = Array(3); const c = Array.from({ length: 4 }, (_, i) => i);
                  const d = Array.of(1, 2); const e = new Array('x', 'y'); const f = [1, 2, 3].map((x) => x * 2);
                  return new Response([a.length, a[999], b.length, c.join(''), d.length, e.join(''), f.join(','),
                    Array.isArray(a), a instanceof Array, a.constructor === Array, Array.name].join(' '));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("1000 7 3 0123 2 xy 2,4,6 true true true Array");
    }

    @Test
    void memory_that_is_let_go_can_be_allocated_again_and_again() {
        // Within one turn (collections in between) and across requests.
        Worker w = load(Engines.module("""
                export default { fetch() {
                  let total = 0;
                  for (let i = 0; i < 12; i++) { const a = new Uint8Array(60 * 1024 * 1024); a.fill(1); total += a.length; }
                  return new Response(String(total / 1024 / 1024));
                } };"""));
        for (int i = 0; i < 5; i++) {
            assertThat(text(get(w, "http://x/"))).isEqualTo("720");
        }
    }

    @Test
    void webassembly_memory_a_worker_keeps_counts_in_its_later_requests() {
        // The engine's statistics leave WebAssembly memory out: counted only in the turn that
        // made it, memories kept across requests would grow past any limit.
        Worker w = load(Engines.module("""
                const kept = [];
                export default { fetch() {
                  const m = new WebAssembly.Memory({ initial: 1, maximum: 2048 }); m.grow(480);
                  new Uint8Array(m.buffer).fill(1); kept.push(m);
                  return new Response(String(kept.length));
                } };"""));
        long rssBefore = ResidentMemory.bytes();
        for (int i = 1; i <= 3; i++) {
            assertThat(text(get(w, "http://x/"))).isEqualTo(String.valueOf(i));
        }
        Outcome ended = null;
        for (int i = 4; i <= 6 && ended == null; i++) {
            try {
                get(w, "http://x/");
            } catch (InvocationException e) {
                ended = e.outcome();
            }
        }
        assertThat(ended).as("the request that would take the memories past 128 MB").isEqualTo(Outcome.EXCEEDED_MEMORY);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(192 * MB);
    }

    @Test
    void shared_buffers_a_worker_keeps_count_in_its_later_requests_however_small() {
        // The engine's statistics leave SharedArrayBuffers out altogether: counted only in the
        // turn that made them, or not at all when small, kept ones would grow past any limit.
        Worker w = load(Engines.module("""
                const kept = [];
                export default { fetch() {
                  for (let i = 0; i < 2048; i++) { const b = new SharedArrayBuffer(8 * 1024); new Uint8Array(b).fill(1); kept.push(b); }
                  return new Response(String(kept.length));
                } };"""));
        servesUntilOverTheLimit(w, 24, 4, 8, "16 MB each");
    }

    /**
     * Requests {@code w}, whose every request keeps more memory, until one ends as over the
     * memory limit (128 MB), at most {@code requests} times: that happens after {@code min} to
     * {@code max} served, and the process took less than half as much again as the limit.
     */
    private static void servesUntilOverTheLimit(Worker w, int requests, int min, int max, String each) {
        long rssBefore = ResidentMemory.bytes();
        Outcome ended = null;
        int served = 0;
        for (int i = 1; i <= requests && ended == null; i++) {
            try {
                get(w, "http://x/");
                served++;
            } catch (InvocationException e) {
                ended = e.outcome();
            }
        }
        assertThat(ended).as("the request that would take the memory kept past 128 MB, after " + served).isEqualTo(
                Outcome.EXCEEDED_MEMORY);
        assertThat(served).as("requests served (" + each + ")").isBetween(min, max);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(192 * MB);
        w.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webAssemblyBuffers")
    void the_buffers_of_webassembly_memories_a_worker_keeps_count_in_its_later_requests(String what, String shared) {
        // A worker keeps the memories' buffers, not the memories. A shared memory's size was
        // read as an ArrayBuffer's, which threw a TypeError at the next request's accounting.
        Worker w = load(Engines.module("""
                const kept = [];
                export default { fetch() {
                  const m = new WebAssembly.Memory({ initial: 320, maximum: 320, shared: %s });
                  const b = m.buffer; new Uint8Array(b).fill(1); kept.push(b);
                  return new Response(String(kept.length));
                } };""".formatted(shared)));
        servesUntilOverTheLimit(w, 12, 3, 6, "20 MB each");
    }

    static Stream<Arguments> webAssemblyBuffers() {
        return Stream.of(Arguments.of("shared memory", "true"), Arguments.of("unshared memory", "false"));
    }

    @Test
    void memory_let_go_counts_as_free_whether_or_not_it_was_ever_written() {
        // Buffers never written take no resident pages, so the process's resident memory
        // does not drop when they are freed: what a collection gave back is measured by the engine.
        Worker w = load(Engines.module("""
                export default { fetch() {
                  let total = 0;
                  for (let i = 0; i < 12; i++) { const a = new Uint8Array(60 * 1024 * 1024); total += a.length; }
                  return new Response(String(total / 1024 / 1024));
                } };"""));
        for (int i = 0; i < 3; i++) {
            assertThat(text(get(w, "http://x/"))).isEqualTo("720");
        }
    }

    @Test
    void a_length_is_read_once_so_the_engine_allocates_what_was_counted() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  let calls = 0; const n = { valueOf() { return calls++ === 0 ? 16 : 512 * 1024 * 1024; } };
                  let reads = 0; const like = { get length() { return reads++ === 0 ? 1 : 64 * 1024 * 1024; } };
                  const shared = new SharedArrayBuffer(16, { maxByteLength: 1 << 30 });
                  let grows = 0; shared.grow({ valueOf() { return grows++ === 0 ? 32 : 1 << 30; } });
                  const resizable = new ArrayBuffer(16, { maxByteLength: 1 << 30 });
                  let resizes = 0; resizable.resize({ valueOf() { return resizes++ === 0 ? 32 : 1 << 30; } });
                  return new Response(new ArrayBuffer(n).byteLength + ' ' + calls + ' ' + new Float64Array(like).length + ' '
                      + reads + ' ' + shared.byteLength + ' ' + grows + ' ' + resizable.byteLength + ' ' + resizes);
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("16 1 1 1 32 1 32 1");
    }

    @Test
    void views_of_an_existing_buffer_take_nothing_new() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const buffer = new ArrayBuffer(100 * 1024 * 1024); const views = [];
                  for (let i = 0; i < 1000; i++) views.push(new Uint8Array(buffer), new Float64Array(buffer, 8, 1024), new DataView(buffer));
                  return new Response(String(views.length));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("3000");
    }

    @Test
    void the_allocating_constructors_still_behave_as_the_standard_says() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const checks = [
                    new Uint8Array(4) instanceof Uint8Array,
                    Uint8Array.name === 'Uint8Array' && Uint8Array.BYTES_PER_ELEMENT === 1,
                    new Uint8Array([1, 2, 3]).length === 3,
                    new Uint16Array(new Set([1, 2])).length === 2,
                    Object.getPrototypeOf(new Int32Array(2)) === Int32Array.prototype,
                    new Uint8Array(2).subarray(1) instanceof Uint8Array,
                    new ArrayBuffer(8).slice(2).byteLength === 6,
                    new (class X extends Uint8Array {})(3) instanceof Uint8Array,
                    Uint8Array.of(1, 2).length === 2,
                    new Float64Array(new Float64Array([1.5]))[0] === 1.5,
                    (() => { try { new Uint8Array(-1); return false; } catch (e) { return e instanceof RangeError; } })(),
                    (() => { try { Uint8Array(2); return false; } catch (e) { return e instanceof TypeError; } })(),
                    new WebAssembly.Memory({ initial: 1 }).buffer.byteLength === 65536,
                  ];
                  return new Response(checks.map((ok, i) => ok ? '' : 'check ' + i + ' failed').join(''));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEmpty();
    }
}
