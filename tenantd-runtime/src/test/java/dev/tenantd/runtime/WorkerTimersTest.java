package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An isolate's timers as the host keeps them, apart from any isolate. */
class WorkerTimersTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final Invocation first = invocation(1);
    private final Invocation second = invocation(2);
    private Invocation running = first;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void an_id_set_again_replaces_its_timer_and_leaves_no_other_in_the_scheduler() {
        scheduler.setRemoveOnCancelPolicy(true);
        WorkerTimers timers = new WorkerTimers(new Running(), scheduler);
        assertThat(timers.set(7, Long.MAX_VALUE)).isEqualTo(WorkerTimers.SET);
        running = second;
        assertThat(timers.set(7, Long.MAX_VALUE)).isEqualTo(WorkerTimers.SET);
        assertThat(scheduler.getQueue()).hasSize(1);
        assertThat(first.timers()).doesNotContain(7);
        assertThat(second.timers()).containsExactly(7);
        timers.invocationEnded(second);
        assertThat(scheduler.getQueue()).isEmpty();
    }

    @Test
    void no_more_than_the_most_pending_timers_are_set() {
        WorkerTimers timers = new WorkerTimers(new Running(), scheduler);
        for (int id = 1; id <= WorkerTimers.MAX_PENDING; id++) {
            assertThat(timers.set(id, Long.MAX_VALUE)).isEqualTo(WorkerTimers.SET);
        }
        assertThat(timers.set(WorkerTimers.MAX_PENDING + 1, 1)).isEqualTo(WorkerTimers.TOO_MANY);
        assertThat(timers.set(5, Long.MAX_VALUE)).as("an id pending already").isEqualTo(WorkerTimers.SET);
        timers.cancelAll();
    }

    private static Invocation invocation(int id) {
        return new Invocation(id, new CompletableFuture<>(), new InvocationOptions(InvocationLimits.defaults(), "",
                Optional.empty(), InvocationObserver.NONE, Caller.OUTSIDE, Entrypoint.DEFAULT));
    }

    /** An isolate whose running invocation is the test's {@code running}; nothing else of it is used. */
    private final class Running implements IsolateTurns {
        @Override
        public V8Runtime runtime() {
            throw new UnsupportedOperationException();
        }

        @Override
        public V8ValueObject entry() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Invocation current() {
            return running;
        }

        @Override
        public Invocation invocation(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void turn(Invocation owner, JsCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void post(Runnable work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean admitsBytes(Invocation owner, long bytes, String what) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Invocation open(InvocationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void expire(Invocation owner, Outcome why) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void end(Invocation inv, Outcome outcome, String message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void finish(Invocation inv) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean closed() {
            return false;
        }
    }
}
