package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Name lookups for workers' fetch() and connect() that hang (name servers that never answer)
 * take threads of their own, and a few of them per worker: the API (and KV, D1, the metrics,
 * which share its threads), requests to IP addresses, which need no lookup, and other workers'
 * lookups go on meanwhile.
 */
class SlowLookupsTest {
    @TempDir
    Path dir;

    @Test
    void hanging_lookups_of_one_worker_do_not_stall_the_api_fetches_to_addresses_or_other_workers_lookups()
            throws Exception {
        SlowNamesResolver.release = new CountDownLatch(1);
        int endedBefore = SlowNamesResolver.ended.get();
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/lookups"), "{\"main_module\":\"l.js\"}", "l.js", """
                    export default { async fetch() {
                      const all = [];
                      for (let i = 0; i < 40; i++) all.push(fetch('http://n' + i + '.slow.test/').catch((e) => e.message));
                      return new Response((await Promise.all(all))[0]);
                    } };""").status()).isEqualTo(200);
            Thread hanging = Thread.ofVirtual().start(() -> t.worker("GET", "lookups.localhost", "/", null));
            // the worker's 40 lookups: 4 run (and hang), the rest wait for them
            Await.value(() -> SlowNamesResolver.waiting.get() >= 4 ? Boolean.TRUE : null, "4 lookups hanging");
            // every API request authenticates on a worker thread
            assertThat(t.get(t.accountApi("/workers/scripts")).status()).isEqualTo(200);
            // and another worker's fetch() to an address, which needs no lookup (this one is refused by the policy)
            assertThat(t.putModule(t.accountApi("/workers/scripts/other"), "{\"main_module\":\"o.js\"}", "o.js", """
                    export default { async fetch() {
                      try { await fetch('http://127.0.0.1:9/'); } catch (e) { return new Response(e.message); }
                      return new Response('reached');
                    } };""").status()).isEqualTo(200);
            assertThat(t.worker("GET", "other.localhost", "/", null).body()).contains("blocked by the egress policy");
            // and another worker's fetch() of a name that answers (localhost, refused by the policy once looked up)
            assertThat(t.putModule(t.accountApi("/workers/scripts/named"), "{\"main_module\":\"n.js\"}", "n.js", """
                    export default { async fetch() {
                      try { await fetch('http://localhost:9/'); } catch (e) { return new Response(e.message); }
                      return new Response('reached');
                    } };""").status()).isEqualTo(200);
            assertThat(t.worker("GET", "named.localhost", "/", null).body())
                    .contains("fetch to localhost").contains("blocked by the egress policy");
            assertThat(SlowNamesResolver.waiting.get()).as("one worker holds at most 4 lookup threads").isEqualTo(4);
            assertThat(SlowNamesResolver.ended.get()).as("no hanging lookup had ended meanwhile").isEqualTo(endedBefore);
            SlowNamesResolver.release.countDown();
            hanging.join();
        } finally {
            SlowNamesResolver.release.countDown();
        }
    }
}
