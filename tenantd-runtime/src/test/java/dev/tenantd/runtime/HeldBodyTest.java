package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A large body a subrequest answers with stays with the host until the worker reads it:
 * handed on unread, as a dispatcher hands on what a user worker answered, it never enters
 * the isolate (so it is not copied in and out, and does not count against its memory).
 */
class HeldBodyTest {
    private static final int MB = 1024 * 1024;

    /** Answers every subrequest with {@code size} bytes of a repeating pattern. */
    private static final class LargeAnswers extends Engines.RecordingHost {
        private final byte[] body;

        LargeAnswers(int size) {
            body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
        }

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            return CompletableFuture.completedFuture(new WorkerResponse(200, "OK", List.of("x-from", "origin"), body));
        }
    }

    @Test
    void a_body_handed_on_unread_never_enters_the_isolate_even_when_larger_than_its_memory_limit() {
        LargeAnswers host = new LargeAnswers(160 * MB);
        Worker w = load(Engines.module("export default { fetch() { return fetch('https://origin.example/'); } };"), host);
        WorkerResponse response = get(w, "http://x/");
        assertThat(response.header("x-from")).contains("origin");
        assertThat(response.body()).hasSize(160 * MB);
        assertThat(response.body()).as("the very bytes, not a copy").isSameAs(host.body);
    }

    @Test
    void a_held_body_is_read_as_text_as_bytes_as_a_stream_and_through_a_clone() {
        LargeAnswers host = new LargeAnswers(MB);
        Worker w = load(Engines.module("""
                export default { async fetch(request) {
                  const how = new URL(request.url).pathname;
                  const r = await fetch('https://origin.example/');
                  let text;
                  if (how === '/text') text = await r.text();
                  else if (how === '/bytes') text = new TextDecoder().decode(await r.arrayBuffer());
                  else if (how === '/stream') text = await new Response(r.body).text();
                  else { const copy = r.clone(); const a = await copy.text(); const b = await r.text(); text = a === b ? a : 'differ'; }
                  return new Response(text.length + ' ' + text.slice(0, 5) + ' ' + text.slice(-3));
                } };"""), host);
        String expectedTail = new String(Arrays.copyOfRange(host.body, MB - 3, MB), java.nio.charset.StandardCharsets.US_ASCII);
        for (String how : List.of("/text", "/bytes", "/stream", "/clone")) {
            assertThat(text(get(w, "http://x" + how))).as(how).isEqualTo(MB + " abcde " + expectedTail);
        }
    }

    @Test
    void a_held_body_kept_past_its_request_says_so_when_read() {
        LargeAnswers host = new LargeAnswers(MB);
        Worker w = load(Engines.module("""
                let kept;
                export default { async fetch(request) {
                  if (new URL(request.url).pathname === '/keep') { kept = await fetch('https://origin.example/'); return new Response('kept'); }
                  try { await kept.text(); return new Response('read'); } catch (e) { return new Response(e.name + ': ' + e.message); }
                } };"""), host);
        assertThat(text(get(w, "http://x/keep"))).isEqualTo("kept");
        assertThat(text(get(w, "http://x/later"))).startsWith("TypeError: The body of this response is no longer available");
    }

    @Test
    void a_held_body_read_counts_against_the_memory_limit_whatever_length_the_isolate_was_told() {
        LargeAnswers host = new LargeAnswers(160 * MB);
        // The runtime's own record of the length, taken over by an accessor on Object.prototype.
        Worker w = load(Engines.module("""
                Object.defineProperty(Object.prototype, 'heldLength', { get() { return 0; }, set() {}, configurable: true });
                export default { async fetch() {
                  const r = await fetch('https://origin.example/');
                  return new Response(String((await r.arrayBuffer()).byteLength));
                } };"""), host);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(w, "http://x/"))
                .hasMessageContaining("exceeded memory limit").hasMessageContaining("a response body read (167772160 bytes)");
    }
}
