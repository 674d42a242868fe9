package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over its resident memory limit the server evicts idle isolates and loads no worker until it
 * is back under nine tenths of the limit; requests for a worker not loaded get a 503 meanwhile.
 * The resident memory is the test's own figure: the real one is whatever the test machine's is.
 */
class ResidentLimitTest {
    private static final long GB = 1024L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void over_the_limit_idle_isolates_go_and_none_is_loaded_until_memory_is_back() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            for (String name : List.of("a", "b")) {
                assertThat(t.putModule(t.accountApi("/workers/scripts/" + name), "{\"main_module\":\"a.js\"}", "a.js",
                        "export default { fetch() { return new Response('" + name + "'); } };").status()).isEqualTo(200);
                assertThat(t.worker("GET", name + ".localhost", "/", null).body()).isEqualTo(name);
            }
            // A worker with work in flight after its response (waitUntil): evicting it would free nothing.
            assertThat(t.putModule(t.accountApi("/workers/scripts/busy"), "{\"main_module\":\"a.js\"}", "a.js", """
                    export default { fetch(request, env, ctx) {
                      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 120000)));
                      return new Response('busy');
                    } };""").status()).isEqualTo(200);
            assertThat(t.worker("GET", "busy.localhost", "/", null).body()).isEqualTo("busy");
            var invoker = t.server.platform().invoker();
            long evictedBefore = invoker.isolatesEvicted();
            AtomicLong resident = new AtomicLong(2 * GB);
            invoker.guardResidentMemory(GB, resident::get);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (invoker.isolatesEvicted() < evictedBefore + 2 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(invoker.isolatesEvicted()).as("both idle isolates evicted").isEqualTo(evictedBefore + 2);
            assertThat(invoker.residentOverLimit()).isTrue();
            TestServer.Reply refused = t.worker("GET", "a.localhost", "/", null);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("short of memory");
            // An upload would load an isolate to check the code: refused too, and nothing changes.
            TestServer.Reply upload = t.putModule(t.accountApi("/workers/scripts/a"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('a, again'); } };");
            assertThat(upload.status()).isEqualTo(503);
            assertThat(upload.body()).contains("\"code\":10503").contains("short of memory");
            // Two more checks later, the busy one is still loaded, and serves.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * 1000 + 500));
            assertThat(invoker.isolatesEvicted()).isEqualTo(evictedBefore + 2);
            assertThat(t.worker("GET", "busy.localhost", "/", null).body()).isEqualTo("busy");

            // Under the limit, but not yet under nine tenths of it: still refused.
            resident.set(GB - 1);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1500));
            assertThat(t.worker("GET", "a.localhost", "/", null).status()).isEqualTo(503);

            resident.set(GB / 2);
            TestServer.Reply served;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                served = t.worker("GET", "a.localhost", "/", null);
            } while (served.status() == 503 && System.nanoTime() < deadline);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.body()).isEqualTo("a");
            assertThat(invoker.residentOverLimit()).isFalse();
        }
    }
}
