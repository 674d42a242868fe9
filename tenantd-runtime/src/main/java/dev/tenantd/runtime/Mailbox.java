package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial queue of turns of one isolate. Turns run on the shared JS threads,
 * one at a time per isolate, in submission order; a busy isolate yields its
 * thread after a batch so that other isolates get their turns. When other
 * isolates are waiting for a JS thread, an isolate whose turn ran long on the CPU
 * rests for as long as that turn ran before its next one, so a CPU-heavy tenant
 * cannot keep the others waiting; on an otherwise idle engine it runs unhindered.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final int BATCH = 32;
    /** Turns that use more CPU than this make their isolate pause before its next turn. */
    private static final long HEAVY_TURN_NANOS = 5_000_000;

    private final Executor threads;
    private final java.util.concurrent.ScheduledExecutorService timers;
    private final ConcurrentLinkedQueue<Runnable> turns = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final java.util.function.BooleanSupplier contended;

    Mailbox(Executor threads, java.util.concurrent.ScheduledExecutorService timers,
            java.util.function.BooleanSupplier contended) {
        this.threads = threads;
        this.timers = timers;
        this.contended = contended;
    }

    @Override
    public void execute(Runnable turn) {
        turns.add(turn);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            threads.execute(this::drain);
        }
    }

    private void drain() {
        long pauseNanos = 0;
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable turn = turns.poll();
                if (turn == null) {
                    break;
                }
                long cpuBefore = CpuWatchdog.threadCpuNanos();
                try {
                    turn.run();
                } catch (Throwable t) {
                    LOG.error("isolate turn failed", t);
                }
                long spent = CpuWatchdog.threadCpuNanos() - cpuBefore;
                if (spent > HEAVY_TURN_NANOS && contended.getAsBoolean()) {
                    pauseNanos = spent;
                    break;
                }
            }
        } finally {
            if (pauseNanos > 0 && !turns.isEmpty()) {
                // Still scheduled: nobody else may start a drain while the isolate rests.
                try {
                    timers.schedule(() -> threads.execute(this::drain), pauseNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // fall through and release the mailbox
                }
            }
            scheduled.set(false);
            if (!turns.isEmpty()) {
                schedule();
            }
        }
    }
}
