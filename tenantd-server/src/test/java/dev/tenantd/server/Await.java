package dev.tenantd.server;

import java.time.Duration;
import java.util.function.Supplier;

/** Waiting for a condition, never for a time: for what a server does a moment later (records written, tails delivered). */
final class Await {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Whether {@code latch} was released within 30 s (a server-side step that never came gives false). */
    static boolean released(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
