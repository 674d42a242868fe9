package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The tasks waiting for a lane's threads, handed to the thread that went idle last.
 *
 * <p>A blocking queue wakes the thread that has waited longest, so with few requests in flight
 * consecutive turns of one isolate alternate between the lane's threads: each turn then enters
 * the isolate from another thread than the last, on a core whose caches hold none of it. Here
 * an idle thread puts itself on top of a stack, and a new task wakes the top one: while one
 * thread keeps up, it serves every turn, and the others wake only when tasks come faster than
 * it takes them.
 *
 * <p>A thread looks at the queue once more after it went on the stack and before it parks, and
 * a task is queued before a thread is taken off the stack to be woken; so a task never waits
 * while every thread sleeps.
 *
 * <p>A wake-up is a flag on the sleeper's entry, not the thread's park permit alone: the permit
 * is one bit that anything the thread does before it parks may use up (the queue's own lock
 * parks a thread it makes wait), and a sleeper whose wake-up was used up that way would park
 * for good, off the stack, where no task can reach it.
 */
final class LaneQueue {
    private final LinkedBlockingQueue<Runnable> tasks;
    private final ConcurrentLinkedDeque<Sleeper> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    LaneQueue() {
        this(new LinkedBlockingQueue<>());
    }

    /** A lane queue over the given task queue (tests pass one that acts up). */
    LaneQueue(LinkedBlockingQueue<Runnable> tasks) {
        this.tasks = tasks;
    }

    /** One stay of a thread on the idle stack; whoever takes it off the stack wakes it. */
    private static final class Sleeper {
        final Thread thread = Thread.currentThread();
        volatile boolean woken;

        void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }
    }

    /**
     * Queues the task and wakes the thread that went idle last, if any is idle. A closed queue
     * refuses it: a task queued after the last thread found the queue empty would never run, and
     * whoever waits for it would wait for good. The task is queued before the queue is checked, so
     * a task that a closing thread could still see runs, and one that none can is refused.
     *
     * @throws RejectedExecutionException if the queue was closed and the task was not taken
     */
    void add(Runnable task) {
        tasks.add(task);
        if (closed && tasks.remove(task)) {
            throw new RejectedExecutionException("the JS engine is closed");
        }
        wakeOne();
    }

    private void wakeOne() {
        Sleeper sleeper = idle.pollFirst();
        if (sleeper != null) {
            sleeper.wake();
        }
    }

    /** The next task, or null if none waits. */
    Runnable poll() {
        return tasks.poll();
    }

    /**
     * Wakes every waiting thread and lets no thread wait again: {@link #take} answers what is
     * queued, then null. (A wake-up task per thread would not do: one thread may take several.)
     */
    void close() {
        closed = true;
        for (Sleeper sleeper; (sleeper = idle.pollFirst()) != null; ) {
            sleeper.wake();
        }
    }

    /**
     * The next task; the calling thread waits for one as the most recently idle thread. Null
     * once the queue is {@linkplain #close closed} and empty.
     */
    Runnable take() throws InterruptedException {
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                return task;
            }
            if (closed) {
                // Once more: a task added between the look above and the close was not refused
                // (its adder saw the queue open), so it must be found here.
                return tasks.poll();
            }
            Sleeper self = new Sleeper();
            idle.addFirst(self);
            task = tasks.poll();
            if (task != null) {
                // Taken off the stack by someone else meanwhile, this thread still runs the
                // queue dry before it parks again: the wake-up it missed is not needed.
                idle.removeFirstOccurrence(self);
                return task;
            }
            if (closed) {
                // close() may have emptied the stack before this thread went on it.
                idle.removeFirstOccurrence(self);
                return tasks.poll();
            }
            while (!self.woken) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    if (!idle.removeFirstOccurrence(self)) {
                        wakeOne(); // a task's wake-up reached this thread: pass it on
                    }
                    throw new InterruptedException();
                }
            }
            if (Thread.interrupted()) {
                // Woken for a task and interrupted at once, before this thread looked: it ends
                // as an interrupted thread does, and the wake-up goes on to another.
                wakeOne();
                throw new InterruptedException();
            }
        }
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    int size() {
        return tasks.size();
    }

    /** Threads waiting for a task now (for tests). */
    int idleThreads() {
        return idle.size();
    }
}
