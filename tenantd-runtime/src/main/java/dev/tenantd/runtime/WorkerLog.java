package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.string;

import java.util.Map;

/**
 * A worker's console: lines go to the host's log, and to the invocation's observer with
 * their arguments as JSON values when it watches. Each invocation may write at most its
 * limit's log bytes (as UTF-8, a line at least {@link #MIN_LINE_BYTES}); past that one warning
 * says so and the rest is dropped.
 */
final class WorkerLog {
    /**
     * What a line counts at least: each costs the server a log line and a record entry whatever
     * it holds, so a loop of empty lines is held to the limit as one of real ones is.
     */
    static final int MIN_LINE_BYTES = 64;

    private final IsolateTurns isolate;
    private final WorkerHost host;
    private final String scriptName;

    WorkerLog(IsolateTurns isolate, WorkerHost host, String scriptName) {
        this.isolate = isolate;
        this.host = host;
        this.scriptName = scriptName;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        // Returns true when the line's arguments are wanted as JSON values too: the JS
        // side then sends them with logValues, so unwatched invocations never serialise them.
        target.put(HostCall.LOG, args -> log(isolate.current(), string(args[0]), string(args[1]), at(args, 2))
                ? isolate.runtime().createV8ValueBoolean(true) : null);
        target.put(HostCall.LOG_VALUES, args -> {
            Invocation owner = isolate.current();
            if (owner != null && owner.observer != InvocationObserver.NONE && !owner.logTruncated) {
                String values = string(args[1]);
                // The values count against the log limit too: they can be larger than the printed line.
                owner.logBytes += Utf8.length(values);
                if (owner.logBytes > owner.limits.logBytes()) {
                    log(owner, "warn", "", at(args, 2));
                } else {
                    owner.observer.log(string(args[0]), values, at(args, 2));
                }
            }
            return null;
        });
    }

    /**
     * When a line was written: the worker's clock, which stands still while its code runs (see
     * {@code clock.js}), as its console passes it; a line's time must not time the code
     * between two lines more finely than {@code Date.now()} can. The wall clock if none came.
     */
    private static long at(com.caoccao.javet.values.V8Value[] args, int index) {
        if (args.length > index && args[index] instanceof com.caoccao.javet.values.primitive.V8ValueDouble d
                && d.getValue() >= 0 && d.getValue() < 253402300800000.0) { // before the year 10000
            return d.getValue().longValue();
        }
        if (args.length > index && args[index] instanceof com.caoccao.javet.values.primitive.V8ValueInteger i
                && i.getValue() >= 0) {
            return i.getValue();
        }
        return System.currentTimeMillis();
    }

    /** A line the runtime writes itself (an uncaught error), at the time it is written. */
    boolean log(Invocation owner, String level, String message) {
        return log(owner, level, message, System.currentTimeMillis());
    }

    /**
     * Writes a console line to the host's log. Returns whether the invocation's observer
     * wants this line; it then receives it from {@code logValues}, with the arguments as values.
     */
    boolean log(Invocation owner, String level, String message, long now) {
        boolean observed = owner != null && owner.observer != InvocationObserver.NONE;
        if (owner != null) {
            if (owner.logTruncated) {
                return false;
            }
            owner.logBytes += Math.max(MIN_LINE_BYTES, Utf8.length(message));
            if (owner.logBytes > owner.limits.logBytes()) {
                owner.logTruncated = true;
                message = "Log size limit exceeded: further console output of this invocation is dropped.";
                level = "warn";
                if (observed) {
                    owner.observer.log(level, "[" + Json.quote(message) + "]", now);
                }
                observed = false;
            }
        }
        host.log(new LogLine(scriptName, level, message, now));
        return observed;
    }
}
