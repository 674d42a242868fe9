package dev.tenantd.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one invocation may still spend, CPU time and subrequests, as a link in the chain of
 * workers calling workers that led to it. What an invocation spends is spent by every
 * invocation above it too, and it may spend only what the least of them has left: a worker
 * called through a binding shares the budget of the worker that called it, as Workers
 * connected by service bindings share the CPU time of the request on Cloudflare, and a user
 * worker given {@code {cpuMs: 10, subRequests: 5}} cannot get more by calling another worker,
 * or itself, through a binding of its own.
 *
 * <p>Chains start at user workers: the platform's own workers (a dispatch worker, its plain
 * services) call one another, and user workers, each on a budget of its own, but a user worker's
 * budget, and that of everything it calls, is {@linkplain #linked linked}: its calls carry it on.
 *
 * <p>Thread-safe: invocations of one chain run on different isolates and threads at once. Two of
 * them spending the last of a budget together may overshoot it by what their turns take
 * before they are stopped.
 */
public final class CallBudget {
    private static final long NANOS_PER_MS = 1_000_000L;

    private final CallBudget above;
    private final InvocationLimits limits;
    private final AtomicLong cpuNanosLeft;
    private final AtomicInteger subrequestsLeft;

    /** The budget of an invocation with these limits, below {@code above} (null: the start of no chain). */
    CallBudget(CallBudget above, InvocationLimits limits) {
        this.above = above;
        this.limits = limits;
        this.cpuNanosLeft = new AtomicLong(limits.cpuMs() * NANOS_PER_MS);
        this.subrequestsLeft = new AtomicInteger(limits.subrequests());
    }

    /**
     * Where a user worker's chain starts: a budget that limits nothing itself, for the caller of
     * a user worker that no other user worker leads to (one per call, so that no two chains
     * share a counter).
     */
    public static CallBudget chainStart() {
        return new CallBudget(null, new InvocationLimits(Long.MAX_VALUE / NANOS_PER_MS, Integer.MAX_VALUE, 1, 0));
    }

    /** Whether calls made on this budget carry it on: it belongs to a user worker's chain. */
    boolean linked() {
        return above != null;
    }

    /**
     * A budget like this one when it was new, below links like those above it when they were
     * new: a WebSocket event from the network starts on it, within the limits of the whole chain.
     */
    CallBudget renewed() {
        return new CallBudget(above == null ? null : above.renewed(), limits);
    }

    /** The least CPU limit along the chain, in nanoseconds. */
    long tightestCpuNanos() {
        long least = Long.MAX_VALUE;
        for (CallBudget b = this; b != null; b = b.above) {
            least = Math.min(least, b.limits.cpuMs() * NANOS_PER_MS);
        }
        return least;
    }

    /** CPU time this invocation may still spend: the least left along its chain, never below zero. */
    long cpuNanosLeft() {
        long left = Long.MAX_VALUE;
        for (CallBudget b = this; b != null; b = b.above) {
            left = Math.min(left, b.cpuNanosLeft.get());
        }
        return Math.max(0, left);
    }

    /** Spends CPU time here and along the chain above. */
    void spend(long nanos) {
        for (CallBudget b = this; b != null; b = b.above) {
            b.cpuNanosLeft.addAndGet(-nanos);
        }
    }

    /**
     * Takes one subrequest here and along the chain above; false, taking none, when this
     * invocation or one above it has none left.
     */
    boolean takeSubrequest() {
        CallBudget b = this;
        for (; b != null; b = b.above) {
            if (b.subrequestsLeft.getAndDecrement() <= 0) {
                break;
            }
        }
        if (b == null) {
            return true;
        }
        // Give back what was taken, the link that had none included.
        for (CallBudget g = this; g != b.above; g = g.above) {
            g.subrequestsLeft.incrementAndGet();
        }
        return false;
    }
}
