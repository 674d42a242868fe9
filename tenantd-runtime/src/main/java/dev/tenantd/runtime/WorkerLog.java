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
        target.put(HostCall.LOG, args -> log(isolate.current(), string(args[0]), string(args[1]))
                ? isolate.runtime().createV8ValueBoolean(true) : null);
        target.put(HostCall.LOG_VALUES, args -> {
            Invocation owner = isolate.current();
            if (owner != null && owner.observer != InvocationObserver.NONE && !owner.logTruncated) {
                String values = string(args[1]);
                // The values count against the log limit too: they can be larger than the printed line.
                owner.logBytes += Utf8.length(values);
                if (owner.logBytes > owner.limits.logBytes()) {
                    log(owner, "warn", "");
                } else {
                    owner.observer.log(string(args[0]), values, System.currentTimeMillis());
                }
            }
            return null;
        });
    }

    /**
     * Writes a console line to the host's log. Returns whether the invocation's observer
     * wants this line; it then receives it from {@code logValues}, with the arguments as values.
     */
    boolean log(Invocation owner, String level, String message) {
        long now = System.currentTimeMillis();
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
