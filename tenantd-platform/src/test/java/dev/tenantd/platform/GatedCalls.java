package dev.tenantd.platform;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/** For tests of a service's queue: a wrapper of its pool under which every call waits at a gate before it runs. */
public final class GatedCalls {
    private GatedCalls() {
    }

    /** Wraps a pool so that each call waits for {@code gate} on the pool's thread, then runs. */
    public static UnaryOperator<Executor> behind(CountDownLatch gate) {
        return pool -> task -> pool.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }
}
