package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compression streams against the isolate's limits: a gzip bomb kept in memory ends the
 * invocation at the memory limit (128 MB in tests) without the process taking the memory; read
 * and let go, it streams through; the native zlib state of streams a worker abandons is freed
 * when their invocation ends.
 */
class CompressionLimitsTest {
    private static final long MB = 1024 * 1024;
    /** A gzip of 1 GiB of zeros: about a megabyte. */
    private static byte[] bomb;

    @BeforeAll
    static void makeBomb() {
        bomb = gzipOfZeros(1024 * MB);
    }

    static byte[] gzipOfZeros(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        Deflater deflater = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (long left = size; left > 0; left -= zeros.length) {
            deflater.setInput(zeros);
            crc.update(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        long c = crc.getValue();
        long n = size & 0xffffffffL;
        out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        return out.toByteArray();
    }

    private static final String WORKER = """
            export default { async fetch(request) {
              const path = new URL(request.url).pathname;
              if (path === '/ok') return new Response('still here');
              const plain = request.body.pipeThrough(new DecompressionStream('gzip'));
              if (path === '/keep') {
                const all = await new Response(plain).arrayBuffer();
                return new Response('kept ' + all.byteLength);
              }
              const reader = plain.getReader();
              let total = 0;
              for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                total += value.length;
                if (path === '/some' && total >= 8 * 1024 * 1024) return new Response('stopped at ' + total);
              }
              return new Response('read ' + total);
            } };""";

    @Test
    void a_gzip_bomb_kept_in_memory_ends_the_invocation_at_the_memory_limit() {
        assertThat(bomb.length).isLessThan((int) (2 * MB));
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = load(Engines.module(WORKER), host);
        long rssBefore = ResidentMemory.bytes();
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("POST", "http://x/keep", List.of(), bomb),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024))))
                .isInstanceOfSatisfying(InvocationException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY);
                    assertThat(e.getMessage()).contains("memory limit");
                });
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(384 * MB);
        Worker again = w.isAlive() ? w : load(Engines.module(WORKER));
        assertThat(text(get(again, "http://x/ok"))).isEqualTo("still here");
        w.close();
        again.close();
    }

    @Test
    void input_a_stream_keeps_unconsumed_counts_against_the_memory_limit() {
        // A gzip header whose file name never ends: the stream keeps every byte written to it, waiting.
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const data = new Uint8Array(30 * 1024 * 1024).fill(1);
                  data.set([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]);
                  const kept = [];
                  for (let i = 0; i < 8; i++) {
                    const writer = new DecompressionStream('gzip').writable.getWriter();
                    try {
                      await writer.write(data);
                    } catch (e) {
                      return new Response(i + ' taken, then ' + e.name + ': ' + e.message);
                    }
                    kept.push(writer);
                  }
                  return new Response('all 8 taken');
                } };"""));
        String answer = text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024))));
        assertThat(answer).matches("[1-4] taken, then TypeError: The worker's memory limit has no room for 31457280 more "
                + "bytes of input to this compression stream.*");
        w.close();
    }

    @Test
    void a_gzip_bomb_read_and_let_go_streams_through_in_bounded_pieces() {
        byte[] smaller = gzipOfZeros(96 * MB);
        Worker w = load(Engines.module(WORKER));
        WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://x/read", List.of(), smaller),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024)));
        assertThat(text(r)).isEqualTo("read " + 96 * MB);
        w.close();
    }

    @Test
    void streams_a_worker_abandons_are_freed_when_its_invocation_ends() throws Exception {
        Worker w = load(Engines.module("""
                const kept = new CompressionStream('gzip');
                export default { async fetch(request) {
                  const path = new URL(request.url).pathname;
                  if (path === '/count') return new Response('ok');
                  for (let i = 0; i < 20; i++) {
                    const s = i % 2 ? new CompressionStream('gzip') : new DecompressionStream('deflate');
                    s.writable.getWriter().write(new Uint8Array(100));
                  }
                  const plain = request.body.pipeThrough(new DecompressionStream('gzip')).getReader();
                  await plain.read();
                  return new Response('left open');
                } };"""));
        assertThat(text(get(w.fetch(new WorkerRequest("POST", "http://x/", List.of(), bomb))))).isEqualTo("left open");
        // The invocation ends with its response; the one stream top-level code made stays.
        assertThat(awaitOpenStreams(w, 1)).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            get(w.fetch(new WorkerRequest("POST", "http://x/", List.of(), bomb)));
        }
        assertThat(awaitOpenStreams(w, 1)).isEqualTo(1);
        w.close();
        assertThat(awaitOpenStreams(w, 0)).isEqualTo(0);
    }

    @Test
    void a_worker_cannot_hold_more_than_its_share_of_streams() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const kept = [];
                  try {
                    for (let i = 0; i < 1000; i++) kept.push(new CompressionStream('deflate'));
                  } catch (e) {
                    return new Response(kept.length + ' ' + e.name + ': ' + e.message);
                  }
                  return new Response('all ' + kept.length);
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("256 TypeError: Too many compression streams are open at "
                + "once (at most 256 per worker); close or finish reading the ones in use.");
        // They belonged to that request: the next one gets its own.
        assertThat(text(get(w, "http://x/"))).startsWith("256 TypeError");
        w.close();
    }

    /** Waits until the isolate holds {@code expected} open streams (their invocation's end is asynchronous). */
    private static int awaitOpenStreams(Worker w, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int open;
        do {
            open = w.openCompressionStreams().get(30, TimeUnit.SECONDS);
            if (open == expected) {
                return open;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return open;
    }
}
