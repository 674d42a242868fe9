package dev.tenantd.platform.observability;

import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;

/** Joins observers, so that one invocation feeds both a live tail and its record. */
public final class Observers {
    private Observers() {
    }

    /**
     * An observer that passes every call to {@code first}, then {@code second}. When one of
     * them is {@link InvocationObserver#NONE} the other is returned itself, so an invocation
     * that nobody watches still carries NONE and pays nothing.
     */
    public static InvocationObserver both(InvocationObserver first, InvocationObserver second) {
        if (first == InvocationObserver.NONE) {
            return second;
        }
        if (second == InvocationObserver.NONE) {
            return first;
        }
        return new InvocationObserver() {
            @Override
            public void log(String level, String messageJson, long timestampMillis) {
                first.log(level, messageJson, timestampMillis);
                second.log(level, messageJson, timestampMillis);
            }

            @Override
            public void exception(String name, String message, long timestampMillis) {
                first.exception(name, message, timestampMillis);
                second.exception(name, message, timestampMillis);
            }

            @Override
            public void responded(int status) {
                first.responded(status);
                second.responded(status);
            }

            @Override
            public void ended(InvocationRecord record) {
                first.ended(record);
                second.ended(record);
            }
        };
    }
}
