package dev.tenantd.runtime;

/**
 * Watches one invocation from start to end: its console output, its uncaught
 * exception, its response status and its end. Calls arrive on the isolate's
 * thread, in order, and must return quickly. Invocations nobody watches carry
 * {@link #NONE}, which the isolate recognises so that they pay nothing.
 */
public interface InvocationObserver {

    /** Watches nothing. */
    InvocationObserver NONE = new InvocationObserver() {
    };

    /**
     * A {@code console} call of this invocation.
     *
     * @param level       log, info, warn, error or debug
     * @param messageJson the call's arguments as a JSON array of JSON values
     */
    default void log(String level, String messageJson, long timestampMillis) {
    }

    /** An exception the worker did not catch: the error's name ({@code TypeError}) and message. */
    default void exception(String name, String message, long timestampMillis) {
    }

    /**
     * An exception the worker did not catch, with its stack as V8 formats it ({@code name:
     * message} then one {@code at ...} line per frame). Observers that do not want the stack
     * get {@link #exception(String, String, long)}.
     */
    default void exception(String name, String message, String stack, long timestampMillis) {
        exception(name, message, timestampMillis);
    }

    /** The worker returned a response with this status. */
    default void responded(int status) {
    }

    /** The invocation is over; the last call. */
    default void ended(InvocationRecord record) {
    }
}
