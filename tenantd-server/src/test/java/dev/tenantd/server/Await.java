package dev.tenantd.server;

import java.time.Duration;
import java.util.function.Supplier;

/** Waiting for a condition, never for a time: for what a server does a moment later (records written, tails delivered). */
final class Await {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** The first non-null value {@code condition} gives, asked again every few milliseconds for up to 30 s. */
    static <T> T value(Supplier<T> condition, String what) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIMIT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
