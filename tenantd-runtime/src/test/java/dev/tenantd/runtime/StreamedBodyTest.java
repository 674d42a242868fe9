package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Bodies stream through an isolate in chunks: a response built from a ReadableStream leaves as
 * its chunks are made, read no faster than its reader takes them; a streamed subrequest body
 * reaches the worker before its end, and handed on unread it leaves without entering the isolate.
 */
class StreamedBodyTest {

    /** A body the test feeds by hand: reads wait until the test offers a chunk or ends it. */
    private static final class FedBody implements BodyStream {
        private final ArrayDeque<Optional<byte[]>> offered = new ArrayDeque<>();
        private CompletableFuture<Optional<byte[]>> waiting;
        volatile boolean cancelled;
        volatile int reads;

        @Override
        public synchronized CompletableFuture<Optional<byte[]>> read() {
            reads++;
            if (!offered.isEmpty()) {
                return CompletableFuture.completedFuture(offered.poll());
            }
            waiting = new CompletableFuture<>();
            return waiting;
        }

        void offer(String chunk) {
            give(Optional.of(chunk.getBytes(StandardCharsets.UTF_8)));
        }

        void end() {
            give(Optional.empty());
        }

        private void give(Optional<byte[]> chunk) {
            CompletableFuture<Optional<byte[]>> w;
            synchronized (this) {
                w = waiting;
                waiting = null;
                if (w == null) {
                    offered.add(chunk);
                }
            }
            if (w != null) {
                w.complete(chunk);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** Answers subrequests to https://origin.example/NAME with the streamed body registered under NAME. */
    private static final class StreamingOrigin extends Engines.RecordingHost {
        final Map<String, BodyStream> bodies = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<WorkerResponse>> gates = new ConcurrentHashMap<>();
        List<String> headers = List.of("content-type", "text/plain");

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            String name = request.url().substring(request.url().lastIndexOf('/') + 1);
            if (request.url().startsWith("https://gate.example/")) {
                return gates.computeIfAbsent(name, n -> new CompletableFuture<>());
            }
            BodyStream body = bodies.get(name);
            return body == null ? super.fetch(request)
                    : CompletableFuture.completedFuture(WorkerResponse.streamed(200, "OK", headers, body));
        }

        CompletableFuture<WorkerResponse> gate(String name) {
            return gates.computeIfAbsent(name, n -> new CompletableFuture<>());
        }
    }

    private static String read(BodyStream stream) {
        return get(stream.read()).map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse("<end>");
    }

    private static String readAll(BodyStream stream) {
        StringBuilder all = new StringBuilder();
        for (String chunk = read(stream); !chunk.equals("<end>"); chunk = read(stream)) {
            all.append(chunk);
        }
        return all.toString();
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void a_response_from_a_readable_stream_leaves_chunk_by_chunk_before_its_end_is_made() {
        StreamingOrigin host = new StreamingOrigin();
        Worker w = load(Engines.module("""
                export default { fetch() {
                  let n = 0;
                  return new Response(new ReadableStream({ async pull(c) {
                    n++;
                    if (n > 3) { c.close(); return; }
                    // Each chunk after the first waits for a gate the test opens only after reading the one before.
                    if (n > 1) await fetch('https://gate.example/' + n);
                    c.enqueue(new TextEncoder().encode('chunk' + n + ';'));
                  } }), { headers: { 'x-kind': 'streamed' } });
                } };"""), host);
        WorkerResponse response = get(w, "http://x/");
        assertThat(response.header("x-kind")).contains("streamed");
        assertThat(response.body()).isEmpty();
        BodyStream body = response.stream().orElseThrow();
        assertThat(read(body)).isEqualTo("chunk1;");
        assertThat(host.gate("3")).as("the third chunk is not asked for yet").isNotDone();
        host.gate("2").complete(WorkerResponse.text(200, "open"));
        assertThat(read(body)).isEqualTo("chunk2;");
        host.gate("3").complete(WorkerResponse.text(200, "open"));
        assertThat(read(body)).isEqualTo("chunk3;");
        assertThat(read(body)).isEqualTo("<end>");
    }

    @Test
    void a_stream_is_read_no_further_ahead_of_its_reader_than_the_read_ahead() {
        Worker w = load(Engines.module("""
                let pulls = 0, cancelled = '';
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/state') return new Response(pulls + ' ' + cancelled);
                  return new Response(new ReadableStream({
                    pull(c) { pulls++; c.enqueue(new Uint8Array(1000).fill(97)); },
                    cancel(reason) { cancelled = 'cancelled: ' + reason.message; },
                  }));
                } };"""));
        BodyStream body = get(w, "http://x/endless").stream().orElseThrow();
        long taken = 0;
        for (int i = 0; i < 5; i++) {
            byte[] chunk = get(body.read()).orElseThrow();
            assertThat(chunk.length % 1000).as("whole chunks of the stream").isZero();
            assertThat(new String(chunk, StandardCharsets.US_ASCII)).matches("a+");
            taken += chunk.length;
            String state = text(get(w, "http://x/state"));
            long made = Long.parseLong(state.split(" ")[0]) * 1000;
            // Read ahead: up to READ_AHEAD bytes plus the chunk that passes it; the stream's own
            // queue holds one more.
            assertThat(made).as("bytes the stream made, after %d read", taken)
                    .isBetween(taken, taken + IsolateBodyStream.READ_AHEAD + 2000);
        }
        body.cancel();
        waitFor(() -> text(get(w, "http://x/state")).contains("cancelled"), "the stream's cancel to run");
        assertThat(text(get(w, "http://x/state"))).contains("cancelled: The response body was cancelled");
    }

    @Test
    void a_stream_is_read_ahead_of_a_waiting_reader_in_the_turn_that_answers_it_and_what_waits_leaves_as_one_piece() {
        Worker w = load(Engines.module("""
                let pulls = 0;
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/pulls') return new Response(String(pulls));
                  // A queue of none: the stream's pull runs only for a read that waits. 4 KB chunks,
                  // each filled with its number.
                  return new Response(new ReadableStream({
                    pull(c) { pulls++; c.enqueue(new Uint8Array(4096).fill(pulls)); },
                  }, { highWaterMark: 0 }));
                } };"""));
        BodyStream body = get(w, "http://x/stream").stream().orElseThrow();
        assertThat(get(body.read())).get().satisfies(chunk -> assertThat(chunk).hasSize(4096).containsOnly(1));
        // The turn that answered the first read read on, without another read, until 16 KB waited.
        assertThat(text(get(w, "http://x/pulls"))).isEqualTo("5");
        assertThat(get(body.read())).get().satisfies(chunk -> {
            assertThat(chunk).as("chunks 2 to 5 as one piece").hasSize(4 * 4096);
            for (int n = 2; n <= 5; n++) {
                assertThat(Arrays.copyOfRange(chunk, (n - 2) * 4096, (n - 1) * 4096)).containsOnly(n);
            }
        });
        // Taking them made room: one turn reads the next 16 KB, and no further.
        waitFor(() -> text(get(w, "http://x/pulls")).equals("9"), "the next 16 KB to be read");
        assertThat(text(get(w, "http://x/pulls"))).isEqualTo("9");
        assertThat(get(body.read())).get().satisfies(chunk -> assertThat(chunk).hasSize(4 * 4096).startsWith(6));
        body.cancel();
    }

    @Test
    void a_stream_of_tiny_chunks_is_read_ahead_by_a_bounded_number_of_them() {
        Worker w = load(Engines.module("""
                let pulls = 0;
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/pulls') return new Response(String(pulls));
                  return new Response(new ReadableStream({
                    pull(c) { pulls++; c.enqueue(new Uint8Array([120])); },
                  }, { highWaterMark: 0 }));
                } };"""));
        BodyStream body = get(w, "http://x/stream").stream().orElseThrow();
        assertThat(get(body.read())).get().satisfies(chunk -> assertThat(chunk).hasSize(1));
        assertThat(text(get(w, "http://x/pulls"))).isEqualTo(String.valueOf(1 + IsolateBodyStream.READ_AHEAD_CHUNKS));
        assertThat(get(body.read())).get().satisfies(chunk -> assertThat(chunk).hasSize(IsolateBodyStream.READ_AHEAD_CHUNKS));
        body.cancel();
    }

    @Test
    void a_stream_written_by_another_request_still_leaves_chunk_by_chunk_and_ends() {
        Worker w = load(Engines.module("""
                let writer;
                export default { async fetch(request) {
                  const path = new URL(request.url).pathname;
                  if (path === '/write') { await writer.write(new TextEncoder().encode('written;')); return new Response('ok'); }
                  if (path === '/close') { await writer.close(); return new Response('ok'); }
                  const { readable, writable } = new TransformStream();
                  writer = writable.getWriter();
                  return new Response(readable);
                } };"""));
        BodyStream body = get(w, "http://x/stream").stream().orElseThrow();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Optional<byte[]>> next = body.read();
            assertThat(text(get(w, "http://x/write"))).isEqualTo("ok");
            assertThat(get(next)).get().satisfies(chunk -> assertThat(new String(chunk, StandardCharsets.UTF_8)).isEqualTo("written;"));
        }
        CompletableFuture<Optional<byte[]>> end = body.read();
        assertThat(text(get(w, "http://x/close"))).isEqualTo("ok");
        assertThat(get(end)).isEmpty();
    }

    @Test
    void a_streamed_subrequest_body_reaches_the_worker_before_its_end_and_is_cancelled_when_left_unread() {
        StreamingOrigin host = new StreamingOrigin();
        FedBody origin = new FedBody();
        host.bodies.put("slow", origin);
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const r = await fetch('https://origin.example/slow');
                  const reader = r.body.getReader();
                  const first = await reader.read();
                  return new Response('first: ' + new TextDecoder().decode(first.value));
                } };"""), host);
        origin.offer("hello");
        assertThat(text(get(w, "http://x/"))).isEqualTo("first: hello");
        waitFor(() -> origin.cancelled, "the unread rest of the body to be cancelled when the invocation ended");
    }

    @Test
    void a_streamed_subrequest_body_handed_on_unread_leaves_as_the_same_stream() {
        StreamingOrigin host = new StreamingOrigin();
        FedBody origin = new FedBody();
        host.bodies.put("page", origin);
        Worker w = load(Engines.module("export default { fetch() { return fetch('https://origin.example/page'); } };"), host);
        WorkerResponse response = get(w, "http://x/");
        assertThat(response.stream()).get().as("the origin's very stream, never read by the isolate").isSameAs(origin);
        assertThat(origin.reads).isZero();
        assertThat(origin.cancelled).isFalse();
    }

    @Test
    void a_streamed_subrequest_body_is_read_as_text_through_a_clone_and_through_a_transform() {
        StreamingOrigin host = new StreamingOrigin();
        Worker w = load(Engines.module("""
                export default { async fetch(request) {
                  const how = new URL(request.url).pathname;
                  const r = await fetch('https://origin.example/' + how.slice(1));
                  if (how === '/text') return new Response(await r.text());
                  if (how === '/clone') { const copy = r.clone(); return new Response((await copy.text()) + '|' + (await r.text())); }
                  const upper = new TransformStream({ transform(chunk, c) {
                    c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
                  } });
                  return new Response(r.body.pipeThrough(upper));
                } };"""), host);
        for (String how : List.of("text", "clone", "upper")) {
            FedBody body = new FedBody();
            host.bodies.put(how, body);
            body.offer("ab");
            body.offer("cd");
            body.end();
        }
        assertThat(text(get(w, "http://x/text"))).isEqualTo("abcd");
        assertThat(text(get(w, "http://x/clone"))).isEqualTo("abcd|abcd");
        assertThat(readAll(get(w, "http://x/upper").stream().orElseThrow())).isEqualTo("ABCD");
    }

    @Test
    void a_gzipped_streamed_body_is_decoded_as_it_is_read() throws Exception {
        StreamingOrigin host = new StreamingOrigin();
        host.headers = List.of("content-type", "text/plain", "content-encoding", "gzip");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("streamed and gzipped ".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        }
        host.bodies.put("gz", BodyStream.of(gz.toByteArray()));
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const text = await (await fetch('https://origin.example/gz')).text();
                  return new Response(text.length + ' ' + text.slice(0, 21));
                } };"""), host);
        assertThat(text(get(w, "http://x/"))).isEqualTo(21 * 10_000 + " streamed and gzipped ");
    }

    @Test
    void a_stream_that_fails_breaks_the_body_off_and_one_that_yields_no_bytes_too() {
        Worker w = load(Engines.module("""
                export default { fetch(request) {
                  const bad = new URL(request.url).pathname;
                  let n = 0;
                  return new Response(new ReadableStream({ pull(c) {
                    if (++n === 1) c.enqueue(new TextEncoder().encode('ok;'));
                    else if (bad === '/error') c.error(new RangeError('the generator broke'));
                    else c.enqueue('a string is no bytes');
                  } }, { highWaterMark: 0 }));
                } };"""));
        for (String path : List.of("/error", "/string")) {
            BodyStream body = get(w, "http://x" + path).stream().orElseThrow();
            assertThat(read(body)).isEqualTo("ok;");
            assertThatThrownBy(() -> get(body.read())).as(path).isInstanceOf(BodyStream.BrokenBody.class)
                    .hasMessageContaining(path.equals("/error") ? "the generator broke" : "non-Uint8Array");
        }
    }

    @Test
    void a_stream_whose_pull_runs_past_the_cpu_limit_ends_the_invocation_and_breaks_the_body() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  let n = 0;
                  return new Response(new ReadableStream({ pull(c) {
                    if (++n > 2) for (;;) {}
                    c.enqueue(new Uint8Array([1]));
                  } }));
                } };"""));
        BodyStream body = w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationLimits(20, 50, 30_000, 1024 * 1024)).thenApply(r -> r.stream().orElseThrow()).join();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                get(body.read());
            }
        }).isInstanceOf(BodyStream.BrokenBody.class);
        BodyStream again = get(w, "http://x/").stream().orElseThrow();
        assertThat(get(again.read())).as("the isolate serves on").contains(new byte[] {1});
    }

    @Test
    void an_event_source_hears_each_event_as_the_server_sends_it() {
        StreamingOrigin host = new StreamingOrigin();
        host.headers = List.of("content-type", "text/event-stream");
        FedBody events = new FedBody();
        host.bodies.put("events", events);
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const source = new EventSource('https://origin.example/events');
                  return new Promise((resolve) => {
                    source.onmessage = (event) => { source.close(); resolve(new Response('heard ' + event.data)); };
                  });
                } };"""), host);
        events.offer("data: first\n\n");
        assertThat(text(get(w, "http://x/"))).as("the first event, while the stream is still open").isEqualTo("heard first");
        waitFor(() -> events.cancelled, "the closed EventSource to cancel its stream");
    }
}
