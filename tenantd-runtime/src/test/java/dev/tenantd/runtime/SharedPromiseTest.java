package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Code that awaited a promise another request settled runs, in that request's turn, as its own
 * request: its subrequests, timers and the rest are its own, and outlive the request that
 * settled the promise.
 */
class SharedPromiseTest {

    /** Module state shared by every request: a promise the request asking ?release settles. */
    private static final String GATED = """
            let release;
            const gate = new Promise((resolve) => { release = resolve; });
            export default {
              async fetch(request) {
                const url = new URL(request.url);
                if (url.searchParams.has('release')) {
                  release('config');
                  return new Response('released');
                }
                const config = await gate;
                %s
              },
            };
            """;

    /** Subrequests to a URL with "slow" in it are answered when the test says so. */
    private static final class SlowOrigin extends Engines.RecordingHost {
        final CompletableFuture<WorkerResponse> slow = new CompletableFuture<>();

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            if (request.url().contains("slow")) {
                fetched.add(request);
                return slow;
            }
            return super.fetch(request);
        }
    }

    private static WorkerRequest request(String url) {
        return new WorkerRequest("GET", url, List.of(), null);
    }

    @Test
    void a_subrequest_made_after_the_await_outlives_the_request_that_settled_the_promise() {
        SlowOrigin host = new SlowOrigin();
        Worker w = load(Engines.module(GATED.formatted("""
                const answer = await fetch('http://origin/slow');
                return new Response(config + ':' + await answer.text());""")), host);
        CompletableFuture<WorkerResponse> waiting = w.fetch(request("http://x/"));
        assertThat(text(get(w, "http://x/?release"))).isEqualTo("released");
        // The waiting request's code ran on in the releasing request's turn and asked the origin;
        // the releasing request is over by now.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (host.fetched.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(host.fetched).hasSize(1);
        assertThat(waiting).isNotDone();
        host.slow.complete(WorkerResponse.text(200, "from the origin"));
        assertThat(text(get(waiting))).isEqualTo("config:from the origin");
    }

    @Test
    void a_timer_set_after_the_await_fires_after_the_request_that_settled_the_promise_ended() {
        Worker w = load(Engines.module(GATED.formatted("""
                await new Promise((resolve) => setTimeout(resolve, 50));
                return new Response(config + ' after the timer');""")));
        CompletableFuture<WorkerResponse> waiting = w.fetch(request("http://x/"));
        assertThat(text(get(w, "http://x/?release"))).isEqualTo("released");
        assertThat(text(get(waiting))).isEqualTo("config after the timer");
    }

    @Test
    void a_compression_stream_opened_after_the_await_outlives_the_request_that_settled_the_promise() {
        Worker w = load(Engines.module(GATED.formatted("""
                const gzip = new CompressionStream('gzip');
                const writer = gzip.writable.getWriter();
                const compressed = new Response(gzip.readable).arrayBuffer();
                await writer.write(new TextEncoder().encode('a'));
                await new Promise((resolve) => setTimeout(resolve, 50));
                await writer.write(new TextEncoder().encode(config.repeat(100)));
                await writer.close();
                const back = new Response(new Response(await compressed).body.pipeThrough(new DecompressionStream('gzip')));
                return new Response((await back.text()).length + ' characters');""")));
        CompletableFuture<WorkerResponse> waiting = w.fetch(request("http://x/"));
        assertThat(text(get(w, "http://x/?release"))).isEqualTo("released");
        assertThat(text(get(waiting))).isEqualTo("601 characters");
    }

    /** What an invocation's observer saw: its console lines, then its record. */
    private static final class Watched implements InvocationObserver {
        final java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<InvocationRecord> record = new CompletableFuture<>();

        @Override
        public void log(String level, String messageJson, long timestampMillis) {
            lines.add(messageJson);
        }

        @Override
        public void ended(InvocationRecord ended) {
            record.complete(ended);
        }
    }

    private static CompletableFuture<WorkerResponse> watched(Worker w, String url, Watched watch) {
        return w.fetch(request(url), new InvocationOptions(InvocationLimits.defaults(), "", java.util.Optional.empty(), watch));
    }

    @Test
    void requests_that_awaited_one_promise_each_keep_their_own_subrequests_and_logs() {
        Worker w = load(Engines.module(GATED.formatted("""
                const id = new URL(request.url).searchParams.get('id');
                console.log('request ' + id + ' goes on');
                const answer = await fetch('http://origin/echo?id=' + id);
                await new Promise((resolve) => setTimeout(resolve, 10));
                return new Response(id + ' got ' + (await answer.text()).split(' ')[1]);""")));
        List<Watched> watches = List.of(new Watched(), new Watched(), new Watched());
        List<CompletableFuture<WorkerResponse>> waiting = List.of(watched(w, "http://x/?id=1", watches.get(0)),
                watched(w, "http://x/?id=2", watches.get(1)), watched(w, "http://x/?id=3", watches.get(2)));
        Watched releasing = new Watched();
        assertThat(text(get(watched(w, "http://x/?release", releasing)))).isEqualTo("released");
        assertThat(waiting.stream().map(f -> text(get(f))).toList()).containsExactly(
                "1 got http://origin/echo?id=1", "2 got http://origin/echo?id=2", "3 got http://origin/echo?id=3");
        // All three ran on in the releasing request's turn; their fetch() calls and console lines are their own.
        assertThat(get(releasing.record).subrequests()).isZero();
        assertThat(releasing.lines).isEmpty();
        for (int i = 0; i < 3; i++) {
            assertThat(get(watches.get(i).record).subrequests()).as("request %d", i + 1).isEqualTo(1);
            assertThat(watches.get(i).lines).as("request %d", i + 1).containsExactly("[\"request " + (i + 1) + " goes on\"]");
        }
    }
}
