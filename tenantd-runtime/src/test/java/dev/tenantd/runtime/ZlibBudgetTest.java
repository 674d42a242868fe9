package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Input a compression stream holds until it consumes it lies on the Java heap every tenant
 * shares: from 64 KiB on it counts against the budget for bodies in flight, given back as the
 * stream takes it in and when the stream is freed. A stream left holding input holds its count.
 */
class ZlibBudgetTest {
    private static final long BUDGET = 4L << 20;
    private static final JsEngine ENGINE = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0)
            .withBufferedBodyBytes(BUDGET));

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void input_that_does_not_fit_the_budget_is_refused_and_what_fits_is_given_back() {
        Worker w = get(ENGINE.load(new WorkerSource("zlib-budget", "w.js", List.of(esm("w.js", """
                import { gzipSync, gunzipSync } from 'node:zlib';
                let kept;
                export default { async fetch(request, env, ctx) {
                  const url = new URL(request.url);
                  const size = Number(url.searchParams.get('size'));
                  try {
                    if (url.pathname === '/hold') {
                      // Written, never read: the stream holds its input until the request ends,
                      // which waitUntil keeps for a while after the response.
                      const writer = new CompressionStream('gzip').writable.getWriter();
                      writer.write(new Uint8Array(size));
                      await new Promise((resolve) => setTimeout(resolve, 10));
                      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 2000)));
                      return new Response('holding');
                    }
                    const back = gunzipSync(gzipSync(new Uint8Array(size).fill(7)));
                    return new Response(`${back.length} ${back.every((b) => b === 7)}`);
                  } catch (e) {
                    return new Response(`${e.name}: ${e.message}`);
                  }
                } };""")), "2026-11-01", List.of("nodejs_compat"), List.of()), new Engines.RecordingHost()));
        int fits = 1 << 20;
        assertThat(text(get(w, "http://x/?size=" + fits))).isEqualTo(fits + " true");
        assertThat(ENGINE.bodies().heldBytes()).as("given back").isZero();
        assertThat(text(get(w, "http://x/?size=" + (5 << 20)))).startsWith("Error: Server busy")
                .contains("does not fit in the memory this server sets aside");
        assertThat(ENGINE.bodies().heldBytes()).isZero();
        assertThat(text(get(w, "http://x/hold?size=" + fits))).isEqualTo("holding");
        assertThat(ENGINE.bodies().heldBytes()).as("counted while the stream holds it").isGreaterThanOrEqualTo(fits);
        // The request ends when its waitUntil does: then its streams are freed.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ENGINE.bodies().heldBytes() != 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(ENGINE.bodies().heldBytes()).as("freed with the request that opened the stream").isZero();
        w.close();
    }
}
