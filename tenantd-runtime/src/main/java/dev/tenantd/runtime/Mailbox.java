package dev.tenantd.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial queue of turns of one isolate. Turns run on the shared JS threads,
 * one at a time per isolate, in submission order; a busy isolate yields its
 * thread after a batch so that other isolates get their turns.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final int BATCH = 32;

    private final Executor threads;
    private final ConcurrentLinkedQueue<Runnable> turns = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Mailbox(Executor threads) {
        this.threads = threads;
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
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable turn = turns.poll();
                if (turn == null) {
                    break;
                }
                try {
                    turn.run();
                } catch (Throwable t) {
                    LOG.error("isolate turn failed", t);
                }
            }
        } finally {
            scheduled.set(false);
            if (!turns.isEmpty()) {
                schedule();
            }
        }
    }
}
