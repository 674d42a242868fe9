package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
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
 */
final class LaneQueue {
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Thread> idle = new ConcurrentLinkedDeque<>();

    /** Queues the task and wakes the thread that went idle last, if any is idle. */
    void add(Runnable task) {
        tasks.add(task);
        Thread sleeper = idle.pollFirst();
        if (sleeper != null) {
            LockSupport.unpark(sleeper);
        }
    }

    /** The next task, or null if none waits. */
    Runnable poll() {
        return tasks.poll();
    }

    /** The next task; the calling thread waits for one as the most recently idle thread. */
    Runnable take() throws InterruptedException {
        Thread self = Thread.currentThread();
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                return task;
            }
            idle.addFirst(self);
            task = tasks.poll();
            if (task != null) {
                idle.removeFirstOccurrence(self);
                return task;
            }
            LockSupport.park(this);
            idle.removeFirstOccurrence(self); // a spurious wake-up or an interrupt: nobody took it off
            if (Thread.interrupted()) {
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
