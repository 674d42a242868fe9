package dev.tenantd.runtime;

/**
 * The calling thread's CPU time, read once per turn instead of around every layer of it.
 *
 * <p>Reading a thread's CPU clock is a system call (a few hundred nanoseconds to microseconds,
 * and a quarter of a JS thread's time at high request rates when a mailbox and the isolate inside
 * it each read it before and after every turn). A JS thread reads it when each turn ends; a turn
 * starts where the previous reading left off. What runs between two turns (taking the next one
 * from the mailbox) is thus charged to the next turn: microseconds, and never less than the turn
 * itself used, so no limit is loosened by it.
 *
 * <p>A thread that waits uses no CPU, so the reading that closed a mailbox's drain still holds
 * when the same thread's next task is another drain: that drain starts from it instead of reading
 * the clock again, and the thread's waiting and waking are charged to its first turn. Any other
 * task in between (a pre-warmed isolate made, an idle one compacted) makes the next drain read the
 * clock afresh, so no tenant is charged for work that was not its own. A JS thread counts its
 * tasks ({@link #taskStarting}); on any other thread a drain always reads the clock.
 */
final class TurnCpuClock {
    private static final ThreadLocal<Reading> READING = ThreadLocal.withInitial(Reading::new);

    private TurnCpuClock() {
    }

    /** Reads the clock now and remembers the reading; the next {@link #lastReading} starts here. */
    static long read() {
        Reading reading = READING.get();
        reading.nanos = CpuWatchdog.threadCpuNanos();
        reading.takenInTask = reading.task;
        reading.valid = true;
        reading.reads++;
        return reading.nanos;
    }

    /** The last reading in this thread's current task, or a fresh one if there is none. */
    static long lastReading() {
        Reading reading = READING.get();
        return reading.valid && reading.takenInTask == reading.task ? reading.nanos : read();
    }

    /** A JS thread is about to run its next task. */
    static void taskStarting() {
        READING.get().task++;
    }

    /** The calling thread's task count as {@link #taskStarting} keeps it, for other threads to read. */
    static java.util.function.LongSupplier taskCount() {
        Reading reading = READING.get();
        return () -> reading.task;
    }

    /** A mailbox's drain starts: the reading the previous drain closed with if that was this thread's last task, else a fresh one. */
    static long startDrain() {
        Reading reading = READING.get();
        if (reading.valid && reading.task > 0 && reading.carriedFromTask == reading.task - 1
                && reading.takenInTask == reading.task - 1) {
            reading.takenInTask = reading.task;
            return reading.nanos;
        }
        return read();
    }

    /** A mailbox's drain ends; its last reading may start this thread's next task if that is a drain too. */
    static void endDrain() {
        Reading reading = READING.get();
        if (reading.task > 0 && reading.valid && reading.takenInTask == reading.task) {
            reading.carriedFromTask = reading.task;
        } else {
            reading.valid = false;
        }
    }

    /** How often this thread has read its clock (for tests). */
    static long readsOnThisThread() {
        return READING.get().reads;
    }

    private static final class Reading {
        long nanos;
        boolean valid;
        /** The JS thread's task count: 0 on other threads. Written by its thread only, read by others too. */
        volatile long task;
        long takenInTask;
        long carriedFromTask = -1;
        long reads;
    }
}
