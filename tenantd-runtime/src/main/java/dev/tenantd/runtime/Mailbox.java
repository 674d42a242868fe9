package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial queue of turns of one isolate. Turns run on the shared JS threads,
 * one at a time per isolate, in submission order; a busy isolate yields its
 * thread after a batch so that other isolates get their turns.
 *
 * <p>Two things keep a CPU-heavy tenant from starving the others. An isolate that
 * ran a long turn recently is drained on the engine's background threads, which
 * run at a lower operating-system priority: they get the cores whenever nothing
 * else wants them, and give them up at once when another tenant's request, an
 * event loop or the network needs them. And when other isolates are waiting for a
 * thread of the same lane, an isolate whose turn ran long rests for as long as
 * that turn ran before its next one; on an otherwise idle engine it runs unhindered.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final int BATCH = 32;
    /** A turn that uses more CPU than this marks its isolate CPU-heavy. */
    static final long HEAVY_TURN_NANOS = 5_000_000;
    /** How long after its last long turn an isolate stays on the background threads. */
    static final long HEAVY_FOR_NANOS = 1_000_000_000;

    private final ThreadPoolExecutor foreground;
    private final ThreadPoolExecutor background;
    private final ScheduledExecutorService timers;
    private final ConcurrentLinkedQueue<Runnable> turns = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** {@link System#nanoTime()} until which this isolate counts as CPU-heavy. */
    private volatile long heavyUntil = System.nanoTime();

    Mailbox(ThreadPoolExecutor foreground, ThreadPoolExecutor background, ScheduledExecutorService timers) {
        this.foreground = foreground;
        this.background = background;
        this.timers = timers;
    }

    @Override
    public void execute(Runnable turn) {
        turns.add(turn);
        schedule();
    }

    /**
     * Queues the isolate's start-up turn (its top-level code). It has its own CPU
     * limit and does not make the isolate count as CPU-heavy: a worker whose modules
     * take a while to evaluate still serves its first requests at normal priority.
     */
    void executeStartup(Runnable turn) {
        execute(new StartupTurn(turn));
    }

    private record StartupTurn(Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }
    }

    /** Whether this isolate ran a long turn recently (its turns then run on the background threads). */
    boolean heavy() {
        return System.nanoTime() - heavyUntil < 0;
    }

    private ThreadPoolExecutor lane() {
        return heavy() ? background : foreground;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                lane().execute(this::drain);
            } catch (RejectedExecutionException engineClosed) {
                turns.clear(); // the engine is shutting down: its isolates take no more turns
            }
        }
    }

    private void drain() {
        ThreadPoolExecutor lane = lane();
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
                } catch (RejectedExecutionException e) {
                    if (!timers.isShutdown()) {
                        LOG.error("isolate turn failed", e);
                    } // else the engine is shutting down and refused a timer
                } catch (Throwable t) {
                    LOG.error("isolate turn failed", t);
                }
                long spent = CpuWatchdog.threadCpuNanos() - cpuBefore;
                if (spent > HEAVY_TURN_NANOS && !(turn instanceof StartupTurn)) {
                    heavyUntil = System.nanoTime() + HEAVY_FOR_NANOS;
                    if (!lane.getQueue().isEmpty()) {
                        pauseNanos = spent;
                        break;
                    }
                    if (lane != background) {
                        break; // the next turns go to the background threads
                    }
                }
            }
        } finally {
            if (pauseNanos > 0 && !turns.isEmpty()) {
                // Still scheduled: nobody else may start a drain while the isolate rests.
                try {
                    timers.schedule(() -> lane().execute(this::drain), pauseNanos, TimeUnit.NANOSECONDS);
                    return;
                } catch (RejectedExecutionException shuttingDown) {
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
