package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.Outcome;

/**
 * Counts invocations for an operator's metrics. The platform calls it once per invocation,
 * on the thread that ends it (a JS thread or an event loop), so implementations count and
 * return: no I/O, no locks held for long. A platform built without metrics uses {@link #NONE}.
 *
 * <p>{@code namespace} is the dispatch namespace's name, or {@link #PLAIN} for a worker outside
 * any namespace (a dispatch worker, an outbound worker, any plain worker).
 */
public interface InvocationMetrics {

    /** The namespace label of workers outside any dispatch namespace; no namespace name starts with '-'. */
    String PLAIN = "-";

    /** Counts nothing. */
    InvocationMetrics NONE = new InvocationMetrics() {
    };

    /** An invocation ran in an isolate and is over (response sent, waitUntil settled, or a limit hit). */
    default void ended(String namespace, String script, InvocationRecord record) {
    }

    /**
     * An invocation that never reached an isolate: refused ({@link Outcome#LOAD_SHED}), aimed
     * at a worker that does not exist ({@link Outcome#SCRIPT_NOT_FOUND}; then {@code script}
     * is empty, since a missing name is whatever a client sent), or whose isolate could not
     * be loaded ({@link Outcome#UNAVAILABLE} for damaged stored code, else the load's outcome).
     */
    default void refused(String namespace, String script, Outcome outcome) {
    }
}
