package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An isolate that has gone quiet gives back what its busy spell left behind. */
class IdleCollectionTest {
    /** Its top level leaves megabytes of garbage behind, and each request a little more. */
    private static final String WASTEFUL = """
            let kept = 0;
            let scratch = [];
            for (let i = 0; i < 60000; i++) scratch.push({ i, text: 'item ' + i });
            kept = scratch.length;
            scratch = null;
            let hits = 0;
            export default { fetch() {
              hits++;
              const parts = [];
              for (let i = 0; i < 2000; i++) parts.push(String(i));
              return new Response(kept + ' ' + hits + ' ' + parts.length);
            } };""";

    @Test
    void a_quiet_isolate_whose_heap_grew_is_compacted_and_keeps_its_state() throws Exception {
        Worker worker = Engines.load(Engines.module(WASTEFUL));
        try {
            assertThat(text(get(worker, "http://x/"))).isEqualTo("60000 1 2000");
            long deadline = collectionDeadline();
            while (worker.idleCollections() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(worker.idleCollections()).as("collections once it was quiet").isEqualTo(1);
            // What it holds now is what is alive: a further collection finds next to nothing.
            long[] used = onIsolate(worker, () -> {
                long before = heap(worker).getUsedHeapSize();
                worker.runtime().lowMemoryNotification();
                return new long[] {before, heap(worker).getUsedHeapSize()};
            });
            assertThat(used[1]).as("bytes in use after a further collection (before: %d)", used[0])
                    .isGreaterThan(used[0] * 95 / 100);
            // Module state is untouched, and the next busy spell is collected again in its turn.
            assertThat(text(get(worker, "http://x/"))).isEqualTo("60000 2 2000");
        } finally {
            worker.close();
        }
    }

    @Test
    void an_isolate_with_an_invocation_in_flight_is_not_collected() throws Exception {
        Worker worker = Engines.load(Engines.module("""
                let scratch = [];
                for (let i = 0; i < 60000; i++) scratch.push({ i, text: 'item ' + i });
                scratch = null;
                let release;
                const released = new Promise((resolve) => { release = resolve; });
                export default { fetch(request, env, ctx) {
                  if (new URL(request.url).pathname === '/release') {
                    release();
                    return new Response('released');
                  }
                  ctx.waitUntil(released);
                  return new Response('holding');
                } };"""));
        try {
            // The first invocation lasts until its waitUntil promise settles: the isolate is not quiet.
            assertThat(text(get(worker, "http://x/hold"))).isEqualTo("holding");
            Thread.sleep(IdleCollection.QUIET_MS * 2);
            assertThat(worker.idleCollections())
                    .as("collections while an invocation is in flight").isZero();
            assertThat(text(get(worker, "http://x/release"))).isEqualTo("released");
            long deadline = collectionDeadline();
            while (worker.idleCollections() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(worker.idleCollections()).as("collections once it was quiet").isEqualTo(1);
        } finally {
            worker.close();
        }
    }

    /**
     * When a collection must have happened: it waits for a moment with no foreground JS task
     * (workers other tests left behind may keep timers running), at most its longest wait.
     */
    private static long collectionDeadline() {
        return System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(IdleCollection.QUIET_MS + IdleCollection.LONGEST_WAIT_MS + 20_000);
    }

    private static V8HeapStatistics heap(Worker worker) {
        return worker.runtime().getV8HeapStatistics().getNow(null);
    }

    private interface OnIsolate<T> {
        T run() throws Exception;
    }

    private static <T> T onIsolate(Worker worker, OnIsolate<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        worker.mailbox().execute(() -> {
            try {
                result.complete(task.run());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }
}
