package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Content-Encoding as Workers handle it: a subrequest asks for gzip, a gzipped answer is
 * decoded as the worker reads it and keeps its header, handed on unread it leaves as it came,
 * and a worker's response with Content-Encoding: gzip is compressed on its way out unless
 * its encodeBody is "manual".
 */
class ContentEncodingTest {
    private static final String SMALL = "a small gzipped answer ".repeat(20);
    private static final String LARGE = "line of a large gzipped answer, kept by the host until read\n".repeat(40_000);
    private static final byte[] SMALL_GZIP = gzip(SMALL);
    private static final byte[] LARGE_GZIP = gzip(LARGE);
    private static final byte[] BOMB = CompressionLimitsTest.gzipOfZeros(1024L * 1024 * 1024);

    /** An origin that answers by path, and remembers the requests it got. */
    static final class Origin extends Engines.RecordingHost {
        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            fetched.add(request);
            String path = java.net.URI.create(request.url()).getPath();
            WorkerResponse response = switch (path) {
                case "/small" -> gzipped(SMALL_GZIP);
                case "/large" -> gzipped(LARGE_GZIP);
                case "/bomb" -> gzipped(BOMB);
                case "/corrupt" -> gzipped("not gzip at all".getBytes(StandardCharsets.UTF_8));
                case "/br" -> new WorkerResponse(200, "OK", List.of("content-encoding", "br"), SMALL_GZIP);
                default -> WorkerResponse.text(200, "plain");
            };
            return CompletableFuture.completedFuture(response);
        }

        private static WorkerResponse gzipped(byte[] body) {
            return new WorkerResponse(200, "OK", List.of("content-type", "text/plain", "content-encoding", "gzip"), body);
        }
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Worker worker(Origin origin, String fetchCode) {
        return load(Engines.module("""
                export default { async fetch(request) {
                  const path = new URL(request.url).pathname;
                  %s
                } };""".formatted(fetchCode)), origin);
    }

    @Test
    void a_gzipped_answer_is_read_decoded_and_keeps_its_header() {
        Origin origin = new Origin();
        Worker w = worker(origin, """
                const res = await fetch('http://origin.test' + path);
                return new Response(res.headers.get('content-encoding') + ' ' + (await res.text()));""");
        assertThat(text(get(w, "http://x/small"))).isEqualTo("gzip " + SMALL);
        assertThat(text(get(w, "http://x/large"))).isEqualTo("gzip " + LARGE);
        assertThat(text(get(w, "http://x/plain"))).isEqualTo("null plain");
        // Only gzip is decoded: other encodings reach the worker as they came.
        assertThat(get(w, "http://x/br").body()).startsWith("br ".getBytes(StandardCharsets.UTF_8));
        assertThat(origin.fetched.getFirst().headers()).containsSequence("accept-encoding", "gzip");
    }

    @Test
    void a_subrequest_keeps_the_accept_encoding_the_worker_chose() {
        Origin origin = new Origin();
        Worker w = worker(origin, """
                await fetch('http://origin.test/plain', { headers: { 'accept-encoding': 'identity', vary: 'accept-encoding' } });
                return new Response('sent');""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("sent");
        List<String> headers = origin.fetched.getFirst().headers();
        assertThat(headers).containsSequence("accept-encoding", "identity").doesNotContain("gzip");
    }

    @Test
    void a_gzipped_answer_reads_decoded_as_a_stream_too() {
        Worker w = worker(new Origin(), """
                const res = await fetch('http://origin.test' + path);
                const reader = res.body.getReader();
                let n = 0;
                for (;;) { const { value, done } = await reader.read(); if (done) break; n += value.length; }
                const clone = (await fetch('http://origin.test' + path)).clone();
                return new Response(n + ' ' + (await clone.text()).length);""");
        assertThat(text(get(w, "http://x/large"))).isEqualTo(LARGE.length() + " " + LARGE.length());
    }

    @Test
    void encode_response_body_manual_leaves_the_answer_encoded() {
        Worker w = worker(new Origin(), """
                const res = await fetch(new Request('http://origin.test' + path, { encodeResponseBody: 'manual' }));
                return new Response(await res.arrayBuffer(), { encodeBody: 'manual', headers: { 'content-encoding': 'gzip' } });""");
        assertThat(get(w, "http://x/small").body()).isEqualTo(SMALL_GZIP);
    }

    @Test
    void handed_on_unread_an_encoded_answer_leaves_as_it_came() {
        Worker w = worker(new Origin(), """
                const res = await fetch('http://origin.test' + path);
                if (new URL(request.url).searchParams.has('wrapped')) return new Response(res.body, res);
                return res;""");
        for (String url : List.of("http://x/small", "http://x/large", "http://x/small?wrapped", "http://x/large?wrapped")) {
            WorkerResponse r = get(w, url);
            assertThat(r.header("content-encoding")).as(url).contains("gzip");
            assertThat(r.body()).as(url).isEqualTo(url.contains("small") ? SMALL_GZIP : LARGE_GZIP);
        }
    }

    @Test
    void an_answer_read_and_answered_again_under_gzip_is_compressed_again() {
        Worker w = worker(new Origin(), """
                const res = await fetch('http://origin.test' + path);
                return new Response((await res.text()).toUpperCase(), res);""");
        WorkerResponse r = get(w, "http://x/small");
        assertThat(r.header("content-encoding")).contains("gzip");
        assertThat(gunzip(r.body())).isEqualTo(SMALL.toUpperCase());
    }

    @Test
    void an_answer_whose_encoding_the_worker_removes_leaves_decoded() {
        Worker w = worker(new Origin(), """
                const res = await fetch('http://origin.test' + path);
                const out = new Response(res.body, res);
                out.headers.delete('content-encoding');
                return out;""");
        assertThat(text(get(w, "http://x/large"))).isEqualTo(LARGE);
    }

    @Test
    void a_worker_response_with_content_encoding_gzip_is_compressed_unless_manual() {
        Worker w = worker(new Origin(), """
                const headers = { 'content-encoding': 'gzip', 'content-type': 'text/plain' };
                if (path === '/manual') return new Response('already mine', { headers, encodeBody: 'manual' });
                if (path === '/stream') {
                  const body = new Response('streamed '.repeat(1000)).body;
                  return new Response(body, { headers });
                }
                return new Response('compress me '.repeat(100), { headers });""");
        assertThat(gunzip(get(w, "http://x/").body())).isEqualTo("compress me ".repeat(100));
        assertThat(gunzip(get(w, "http://x/stream").body())).isEqualTo("streamed ".repeat(1000));
        assertThat(text(get(w, "http://x/manual"))).isEqualTo("already mine");
    }

    @Test
    void a_corrupt_gzipped_answer_fails_the_read_with_a_type_error() {
        Worker w = worker(new Origin(), """
                const res = await fetch('http://origin.test/corrupt');
                try { await res.text(); return new Response('read'); }
                catch (e) { return new Response(e.name + ': ' + e.message); }""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError: Decompression failed.");
    }

    @Test
    void encode_options_take_only_automatic_or_manual() {
        Worker w = worker(new Origin(), """
                const out = [];
                for (const make of [() => new Response('x', { encodeBody: 'gzip' }),
                                    () => new Request('http://a/', { encodeResponseBody: 'auto' })]) {
                  try { make(); out.push('made'); } catch (e) { out.push(e.name + ': ' + e.message); }
                }
                new Response('x', { encodeBody: 'automatic' }); new Request('http://a/', { encodeResponseBody: 'manual' });
                return new Response(out.join('\\n'));""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError: encodeBody: unexpected value: gzip\n"
                + "TypeError: encodeResponseBody: unexpected value: auto");
    }

    @Test
    void a_gzip_bomb_from_an_origin_ends_the_invocation_at_the_memory_limit() {
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const res = await fetch('http://origin.test/bomb');
                  return new Response(String((await res.arrayBuffer()).byteLength));
                } };"""), new Origin());
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024))))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        w.close();
    }
}
