package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * node:zlib's one-shot calls against the isolate's limits: a gzip bomb through gunzipSync ends
 * the invocation at the memory limit (128 MB here), or sooner with a RangeError at the
 * maxOutputLength the worker asks for; the process keeps its memory and the worker serves on.
 */
class NodeZlibLimitsTest {
    private static final long MB = 1024 * 1024;

    private static final String WORKER = """
            import { gunzipSync } from 'node:zlib';
            export default { async fetch(request) {
              const path = new URL(request.url).pathname;
              if (path === '/ok') return new Response('still here');
              const bomb = new Uint8Array(await request.arrayBuffer());
              if (path === '/capped') {
                try {
                  gunzipSync(bomb, { maxOutputLength: 64 * 1024 * 1024 });
                } catch (e) {
                  return new Response(e.name + ' ' + e.code + ': ' + e.message);
                }
              }
              return new Response('inflated ' + gunzipSync(bomb).length);
            } };""";

    private static Worker nodeWorker(WorkerHost host) {
        WorkerModule main = new WorkerModule("main.js", ModuleType.ES_MODULE, WORKER.getBytes(StandardCharsets.UTF_8));
        return load(new WorkerSource("zlib-worker", "main.js", List.of(main), "2026-12-01",
                List.of(CompatibilityFlags.NODEJS_COMPAT), List.of()), host);
    }

    @Test
    void gunzipSync_reads_thousands_of_empty_members_in_shares_of_work_and_gets_them_all() throws Exception {
        // the host answers "read again" after each share; the worker sees one call and the whole output
        Worker w = nodeWorker(new LimitsTest.Recorder());
        byte[] input = ZlibStreamTest.emptyMembersThen(ZlibStreamTest.last());
        assertThat(text(get(w.fetch(new WorkerRequest("POST", "http://x/all", List.of(), input)))))
                .isEqualTo("inflated " + ZlibStreamTest.last().length);
        w.close();
    }

    @Test
    void a_gzip_bomb_through_gunzipSync_ends_at_the_memory_limit() {
        byte[] bomb = CompressionLimitsTest.gzipOfZeros(1024 * MB);
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = nodeWorker(host);
        long rssBefore = ResidentMemory.bytes();
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("POST", "http://x/all", List.of(), bomb),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024))))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(384 * MB);
        Worker again = w.isAlive() ? w : nodeWorker(new LimitsTest.Recorder());
        assertThat(text(get(again, "http://x/ok"))).isEqualTo("still here");
        w.close();
        again.close();
    }

    @Test
    void max_output_length_stops_the_bomb_first() {
        byte[] bomb = CompressionLimitsTest.gzipOfZeros(1024 * MB);
        Worker w = nodeWorker(new LimitsTest.Recorder());
        WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://x/capped", List.of(), bomb),
                new InvocationLimits(30_000, 50, 60_000, 128 * 1024)));
        assertThat(text(r)).isEqualTo("RangeError ERR_BUFFER_TOO_LARGE: Cannot create a Buffer larger than "
                + 64 * MB + " bytes");
        w.close();
    }
}
