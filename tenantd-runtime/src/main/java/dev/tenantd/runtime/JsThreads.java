package dev.tenantd.runtime;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run isolate turns, in two lanes of the same size: the foreground
 * lane at normal operating-system priority, and the background lane at the lowest
 * (nice 19) for isolates that ran long turns recently.
 *
 * <p>A turn cannot move to another thread once it runs, so a turn that runs long is
 * handled where it is: its thread is <em>detached</em> from its lane, a new thread
 * takes its place there at once, and a detached foreground thread is lowered to the
 * lowest priority. A detached thread finishes its turn and ends. So the lanes always
 * have their full number of threads for short turns, whatever long turns run, and long
 * turns compete for the cores only at the lowest priority. Detached threads are capped
 * ({@code maxLongTurns}); at the cap a turn cannot be detached and must be stopped.
 *
 * <p>Threads inherit their creator's priority. Foreground threads are therefore made by
 * a normal-priority spawner thread, which also runs {@code renice}; background threads
 * are made by a spawner thread that itself runs at the lowest priority.
 */
final class JsThreads {
    private static final Logger LOG = LoggerFactory.getLogger(JsThreads.class);
    /** The nice value of background threads: the lowest priority Linux offers. */
    static final int LOW_PRIORITY_NICE = 19;

    enum Lane {
        FOREGROUND("tenantd-js-"),
        BACKGROUND("tenantd-js-bg-");

        final String prefix;

        Lane(String prefix) {
            this.prefix = prefix;
        }
    }

    /** A thread of a lane; {@link #detached} once it runs a long turn. */
    static final class JsThread extends Thread {
        final Lane lane;
        private final JsThreads owner;
        private volatile boolean detached;
        private volatile Optional<String> kernelId = Optional.empty();
        /** The task this thread runs as soon as its current one is over ({@link JsThreads#executeNext}). */
        private final AtomicReference<Runnable> next = new AtomicReference<>();
        /** The tasks this thread has started ({@link TurnCpuClock#taskCount}), once it runs. */
        private volatile java.util.function.LongSupplier tasksStarted = () -> 0;
        /** The isolate's mailbox this thread drains now, if any ({@link Mailbox}). */
        Mailbox draining;

        private JsThread(JsThreads owner, Lane lane, String name, long stackBytes) {
            super(null, null, name, stackBytes);
            this.owner = owner;
            this.lane = lane;
            setDaemon(true);
        }

        boolean detached() {
            return detached;
        }

        /**
         * Puts the task kept for after the current one, if any, in the lane's queue, for any thread
         * to take; once the engine is closed there is none to take it, and it is dropped as any task
         * that comes after the close is refused.
         */
        void handOver() {
            Runnable task = next.getAndSet(null);
            if (task != null) {
                try {
                    owner.queue(lane).add(task);
                } catch (RejectedExecutionException engineClosed) {
                    LOG.debug("a turn kept for after a detached or ending JS thread's task came after the engine closed");
                }
            }
        }

        @Override
        public void run() {
            kernelId = ThreadNice.currentThreadId();
            tasksStarted = TurnCpuClock.taskCount();
            owner.initialThreadsStarted.countDown();
            LaneQueue queue = owner.queue(lane);
            try {
                while (!detached) {
                    // Once the queue is closed, the threads finish what is queued and end.
                    Runnable task = next.getAndSet(null);
                    if (task == null) {
                        task = queue.take();
                    }
                    if (task == null) {
                        break;
                    }
                    TurnCpuClock.taskStarting();
                    try {
                        task.run();
                    } catch (Throwable t) {
                        LOG.error("JS thread task failed", t);
                    }
                }
            } catch (InterruptedException e) {
                // the engine is closing
            } finally {
                handOver();
                owner.endedThreadsTasks[lane.ordinal()].addAndGet(tasksStarted.getAsLong());
                owner.live.remove(this);
                if (detached) {
                    owner.detachedNow.decrementAndGet();
                }
            }
        }
    }

    private final int perLane;
    private final int maxLongTurns;
    private final long stackBytes;
    private final LaneQueue foreground = new LaneQueue();
    private final LaneQueue background = new LaneQueue();
    private final AtomicInteger detachedNow = new AtomicInteger();
    private final AtomicInteger[] counters = {new AtomicInteger(), new AtomicInteger()};
    /** Per lane, the tasks that threads which have ended started: a lane's count never goes back. */
    private final AtomicLong[] endedThreadsTasks = {new AtomicLong(), new AtomicLong()};
    /** Makes foreground threads and runs renice; runs at normal priority. */
    private final ThreadPoolExecutor normalSpawner;
    /** Makes background threads; runs at the lowest priority, so they inherit it. */
    private final ThreadPoolExecutor lowSpawner;
    private final java.util.Set<JsThread> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CountDownLatch initialThreadsStarted;
    private volatile boolean closed;

    /**
     * Starts both lanes' threads from the calling thread, which must run at normal
     * priority, and lowers the background lane and its spawner to the lowest.
     */
    JsThreads(int perLane, int maxLongTurns, long stackBytes) {
        if (perLane < 1 || maxLongTurns < 0) {
            throw new IllegalArgumentException("perLane must be positive and maxLongTurns not negative");
        }
        this.perLane = perLane;
        this.maxLongTurns = maxLongTurns;
        this.stackBytes = stackBytes;
        this.initialThreadsStarted = new CountDownLatch(2 * perLane);
        this.normalSpawner = singleThread("tenantd-js-spawn");
        this.lowSpawner = singleThread("tenantd-js-bg-spawn");
        CountDownLatch spawnerKnown = new CountDownLatch(1);
        String[] lowSpawnerId = new String[1];
        lowSpawner.execute(() -> {
            lowSpawnerId[0] = ThreadNice.currentThreadId().orElse(null);
            spawnerKnown.countDown();
        });
        // The JDK starts a helper thread when the first process starts; start it from here
        // (and not from a thread started later by someone at the lowest priority).
        normalSpawner.execute(() -> { });
        List<JsThread> backgroundThreads = new java.util.ArrayList<>();
        for (int i = 0; i < perLane; i++) {
            newThread(Lane.FOREGROUND).start();
            JsThread bg = newThread(Lane.BACKGROUND);
            backgroundThreads.add(bg);
            bg.start();
        }
        List<String> lower = new java.util.ArrayList<>();
        try {
            spawnerKnown.await(10, TimeUnit.SECONDS);
            initialThreadsStarted.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backgroundThreads.forEach(t -> t.kernelId.ifPresent(lower::add));
        if (lowSpawnerId[0] != null) {
            lower.add(lowSpawnerId[0]);
        }
        ThreadNice.lower(lower, LOW_PRIORITY_NICE);
    }

    /** The JS thread running the caller, if it is one. */
    static Optional<JsThread> current() {
        return Thread.currentThread() instanceof JsThread t ? Optional.of(t) : Optional.empty();
    }

    /**
     * Queues the task for a thread of the lane.
     *
     * @throws RejectedExecutionException once the engine is closed, also when it closes while the
     *     task is being queued and no thread is left to take it
     */
    void execute(Lane lane, Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the JS engine is closed");
        }
        queue(lane).add(task);
    }

    /**
     * Runs the task on the calling JS thread as soon as the task it runs now is over,
     * instead of waking another thread of the lane for it: for a turn that the current
     * turn hands on (a request to another isolate, or that request's answer) while the
     * caller is about to go idle, running it here saves two thread wake-ups. When other
     * tasks wait for the lane, the task queues behind them as {@link #execute} does, so
     * it never goes ahead of them; so does a task from any other caller, a thread of
     * another lane, or one that already keeps a task for later. The task waits for no more
     * than the rest of the current turn: should that turn run long, its thread is detached
     * and the task goes to the lane's queue then, and should the caller have more turns to
     * run after it, the caller hands the task over first ({@link JsThread#handOver}).
     */
    void executeNext(Lane lane, Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the JS engine is closed");
        }
        if (!(Thread.currentThread() instanceof JsThread self) || self.owner != this || self.lane != lane
                || self.detached || !queue(lane).isEmpty() || !self.next.compareAndSet(null, task)) {
            queue(lane).add(task);
        } else if (self.detached) {
            self.handOver(); // detached while the task was being kept: it must not wait for the long turn
        }
    }

    /**
     * The tasks the threads of one lane have started, together, those that ended included (a
     * thread detached for a long turn ends after it): it grows whenever a task starts, so two
     * equal readings mean no task started between them.
     */
    long tasksStarted(Lane lane) {
        long sum = endedThreadsTasks[lane.ordinal()].get();
        for (JsThread thread : live) {
            if (thread.lane == lane) {
                sum += thread.tasksStarted.getAsLong();
            }
        }
        return sum;
    }

    /** Whether turns wait for a thread of this lane. */
    boolean hasWaiting(Lane lane) {
        return !queue(lane).isEmpty();
    }

    /** Turns waiting for a thread of this lane. */
    int queued(Lane lane) {
        return queue(lane).size();
    }

    /** Threads that run long turns right now, outside the lanes. */
    int detachedCount() {
        return detachedNow.get();
    }

    int maxLongTurns() {
        return maxLongTurns;
    }

    /**
     * The thread runs a long turn: a new thread takes its place in its lane, and a
     * foreground thread is lowered to the lowest priority. Called from any thread
     * (the CPU watchdog). False when {@code maxLongTurns} threads are detached already:
     * then the turn keeps its thread and must be stopped.
     */
    boolean detach(JsThread thread) {
        if (thread.detached) {
            return true;
        }
        int now;
        do {
            now = detachedNow.get();
            if (now >= maxLongTurns) {
                return false;
            }
        } while (!detachedNow.compareAndSet(now, now + 1));
        thread.detached = true;
        thread.handOver();
        try {
            spawn(thread.lane);
            if (thread.lane == Lane.FOREGROUND) {
                thread.kernelId.ifPresent(id -> normalSpawner.execute(
                        () -> ThreadNice.lowerIfAlive(id, thread.getName(), LOW_PRIORITY_NICE)));
            }
        } catch (RejectedExecutionException engineClosed) {
            // no replacement when the engine shuts down
        }
        return true;
    }

    private void spawn(Lane lane) {
        (lane == Lane.FOREGROUND ? normalSpawner : lowSpawner).execute(() -> {
            if (!closed) {
                newThread(lane).start();
            }
        });
    }

    private JsThread newThread(Lane lane) {
        JsThread t = new JsThread(this, lane, lane.prefix + counters[lane.ordinal()].incrementAndGet(), stackBytes);
        live.add(t);
        return t;
    }

    private LaneQueue queue(Lane lane) {
        return lane == Lane.FOREGROUND ? foreground : background;
    }

    private static ThreadPoolExecutor singleThread(String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        pool.prestartAllCoreThreads();
        return pool;
    }

    /** Takes no more turns; the threads run what is queued and end. */
    void shutdown() {
        closed = true;
        normalSpawner.shutdownNow();
        lowSpawner.shutdownNow();
        // Idle threads wake, run what is queued and end.
        foreground.close();
        background.close();
    }

    /** Threads that have not ended (for tests). */
    int liveThreads() {
        return live.size();
    }

    /** Waits up to {@code millis} for every thread to end. */
    void awaitTermination(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (JsThread t : List.copyOf(live)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            t.join(left);
        }
    }
}
