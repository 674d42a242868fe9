package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial queue of turns of one isolate. Turns run on the engine's JS threads,
 * one at a time per isolate, in submission order; a busy isolate yields its
 * thread after a batch so that other isolates get their turns.
 *
 * <p>Three things keep a CPU-heavy tenant from stalling the others. A turn that runs
 * long has its thread detached from its lane while it runs (see {@link JsThreads}): the
 * lane gets a new thread at once and the long turn goes on at the lowest priority. An
 * isolate that ran a long turn recently is drained on the background lane, whose
 * threads run at the lowest operating-system priority: they get the cores whenever
 * nothing else wants them, and give them up at once when another tenant's request, an
 * event loop or the network needs them. And when other isolates are waiting for a
 * thread of the same lane, an isolate whose turn ran long rests for as long as that
 * turn ran before its next one; on an otherwise idle engine it runs unhindered. A batch of
 * short turns yields the thread too once they used as much CPU together as a long turn, if
 * other isolates are waiting for one.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final int BATCH = 32;
    /** A turn that uses more CPU than this is long: it marks its isolate CPU-heavy and is detached. */
    static final long HEAVY_TURN_NANOS = 5_000_000;
    /** How long after its last long turn an isolate stays on the background threads. */
    static final long HEAVY_FOR_NANOS = 1_000_000_000;
    private static final long CAP_WARNING_EVERY_NANOS = 10_000_000_000L;
    /** When the cap on long turns was last reported, so that a flood of them is one line per interval. */
    private static volatile long lastCapWarning = System.nanoTime() - CAP_WARNING_EVERY_NANOS;

    private final JsThreads threads;
    private final ScheduledExecutorService timers;
    private final ConcurrentLinkedQueue<Runnable> turns = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The mailbox is held for an upkeep that has not started yet ({@link #executeUpkeep}). */
    private final AtomicBoolean upkeepPending = new AtomicBoolean();
    /** {@link System#nanoTime()} until which this isolate counts as CPU-heavy. */
    private volatile long heavyUntil = System.nanoTime();
    /** Stops the running turn when no thread may be detached for it (the engine's cap on long turns). */
    private volatile Runnable stopRunningTurn = () -> {
    };
    /**
     * The turn running now, so that a late alarm for an earlier turn stops nothing. Changed and
     * compared under {@code runningLock}: a turn that ends while its alarm stops it cannot be
     * followed by the next one in between, which would be stopped in its place.
     */
    private Runnable running;
    private final Object runningLock = new Object();

    Mailbox(JsThreads threads, ScheduledExecutorService timers) {
        this.threads = threads;
        this.timers = timers;
    }

    /** What stops this isolate's running turn when a long turn finds no thread to detach to. */
    void whenNoThreadForLongTurn(Runnable stop) {
        this.stopRunningTurn = stop;
    }

    @Override
    public void execute(Runnable turn) {
        turns.add(turn);
        if (upkeepPending.compareAndSet(true, false)) {
            // The mailbox was held for an upkeep that has not started: it is this turn's now.
            startDrain();
            return;
        }
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

    /**
     * Runs the engine's own upkeep of a quiet isolate (compacting its heap) on the background
     * threads, so that it only takes CPU time nothing else wants. Only an idle isolate takes
     * it: the upkeep holds the mailbox from now on, and a turn that arrives before the upkeep
     * started takes the mailbox back at once and runs on its own lane, so the upkeep never
     * keeps a request waiting for a background thread. A turn that arrives while the upkeep
     * runs waits for it to finish. False if the isolate was not idle (nothing is run).
     */
    boolean executeUpkeep(Runnable upkeep) {
        if (!scheduled.compareAndSet(false, true)) {
            return false;
        }
        upkeepPending.set(true);
        if (!turns.isEmpty() && upkeepPending.compareAndSet(true, false)) {
            // A turn came between taking the mailbox and marking it held for the upkeep.
            startDrain();
            return false;
        }
        try {
            threads.execute(JsThreads.Lane.BACKGROUND, () -> {
                if (!upkeepPending.compareAndSet(true, false)) {
                    return; // a turn took the mailbox back
                }
                try {
                    upkeep.run();
                } catch (RuntimeException e) {
                    LOG.error("isolate upkeep failed", e);
                } finally {
                    scheduled.set(false);
                    if (!turns.isEmpty()) {
                        schedule();
                    }
                }
            });
        } catch (RejectedExecutionException engineClosed) {
            upkeepPending.set(false);
            scheduled.set(false);
        }
        return true;
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

    private JsThreads.Lane lane() {
        return heavy() ? JsThreads.Lane.BACKGROUND : JsThreads.Lane.FOREGROUND;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            startDrain();
        }
    }

    /**
     * Hands the mailbox, which the caller holds ({@code scheduled}), to a thread of its lane:
     * to the calling JS thread when that one drains an isolate that has no further turn
     * waiting (it is about to be free), to any thread of the lane otherwise.
     */
    private void startDrain() {
        try {
            if (JsThreads.current().map(t -> t.draining != null && t.draining.turns.isEmpty()).orElse(false)) {
                threads.executeNext(lane(), this::drain);
            } else {
                threads.execute(lane(), this::drain);
            }
        } catch (RejectedExecutionException engineClosed) {
            turns.clear(); // the engine is shutting down: its isolates take no more turns
            scheduled.set(false);
        }
    }

    private void drain() {
        JsThreads.Lane lane = lane();
        java.util.Optional<JsThreads.JsThread> thread = JsThreads.current();
        long pauseNanos = 0;
        TurnCpuClock.startDrain();
        thread.ifPresent(t -> t.draining = this);
        long drainCpu = -1;
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable turn = turns.poll();
                if (turn == null) {
                    break;
                }
                long cpuBefore = TurnCpuClock.lastReading();
                if (drainCpu < 0) {
                    drainCpu = cpuBefore;
                }
                synchronized (runningLock) {
                    running = turn;
                }
                thread.ifPresent(t -> CpuWatchdog.INSTANCE.set(CpuWatchdog.Alarm.LONG_TURN, cpuBefore + HEAVY_TURN_NANOS,
                        () -> longTurn(t, turn)));
                try {
                    turn.run();
                } catch (RejectedExecutionException e) {
                    if (!timers.isShutdown()) {
                        LOG.error("isolate turn failed", e);
                    } // else the engine is shutting down and refused a timer
                } catch (Throwable t) {
                    LOG.error("isolate turn failed", t);
                } finally {
                    CpuWatchdog.INSTANCE.clear(CpuWatchdog.Alarm.LONG_TURN);
                    synchronized (runningLock) {
                        running = null;
                    }
                }
                long cpuAfter = TurnCpuClock.lastReading();
                if (cpuAfter == cpuBefore) {
                    cpuAfter = TurnCpuClock.read(); // a turn that did not enter the isolate through Worker.turn
                }
                long spent = cpuAfter - cpuBefore;
                if (spent > HEAVY_TURN_NANOS && !(turn instanceof StartupTurn)) {
                    heavyUntil = System.nanoTime() + HEAVY_FOR_NANOS;
                    if (threads.hasWaiting(lane)) {
                        pauseNanos = spent;
                        break;
                    }
                    if (lane != JsThreads.Lane.BACKGROUND) {
                        break; // the next turns go to the background threads
                    }
                }
                if (thread.isPresent() && thread.get().detached()) {
                    break; // this thread ends; the next turns go to a thread of the lane
                }
                if (cpuAfter - drainCpu > HEAVY_TURN_NANOS && threads.hasWaiting(lane)) {
                    // Short turns add up too: other isolates waiting for a thread of the lane get
                    // theirs before this one goes on (it queues again behind them).
                    break;
                }
                if (!turns.isEmpty()) {
                    // More turns came meanwhile: what this thread kept for after this turn would wait for them.
                    thread.ifPresent(JsThreads.JsThread::handOver);
                }
            }
        } finally {
            thread.ifPresent(t -> t.draining = null);
            TurnCpuClock.endDrain();
            if (pauseNanos > 0 && !turns.isEmpty()) {
                // Still scheduled: nobody else may start a drain while the isolate rests.
                try {
                    timers.schedule(() -> {
                        try {
                            threads.execute(lane(), this::drain);
                        } catch (RejectedExecutionException engineClosed) {
                            turns.clear();
                        }
                    }, pauseNanos, TimeUnit.NANOSECONDS);
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

    /**
     * Called by the watchdog when a turn has run long: detach its thread, or stop the turn at the
     * cap. Nothing is done if the turn has ended meanwhile: its thread may be waiting for work in
     * its lane already, where a detached thread would hold a place among the long turns until it
     * next woke. The turn cannot end while this runs.
     */
    void longTurn(JsThreads.JsThread thread, Runnable turn) {
        synchronized (runningLock) {
            if (running != turn) {
                return;
            }
            if (threads.detach(thread)) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastCapWarning > CAP_WARNING_EVERY_NANOS) {
                lastCapWarning = now;
                LOG.warn("{} long turns run already ([limits] long-turns); further ones are stopped with a 503",
                        threads.maxLongTurns());
            }
            stopRunningTurn.run();
        }
    }
}
