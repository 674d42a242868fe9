package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.number;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one isolate ({@code setTimeout}, {@code setInterval} in timers.js). A timer
 * belongs to the invocation that set it: it fires as a turn charged to that invocation and is
 * cancelled when the invocation ends. Touched only inside the isolate's turns.
 */
final class WorkerTimers {
    private final IsolateTurns isolate;
    private final ScheduledExecutorService scheduler;
    private final Map<Integer, ScheduledFuture<?>> timers = new HashMap<>();
    private final Map<Integer, Invocation> owners = new HashMap<>();

    WorkerTimers(IsolateTurns isolate, ScheduledExecutorService scheduler) {
        this.isolate = isolate;
        this.scheduler = scheduler;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        // False when no invocation would own the timer (top-level code): the runtime throws then.
        target.put(HostCall.SET_TIMER, args -> isolate.runtime().createV8ValueBoolean(
                set(integer(args[0]), Math.max(0, (long) number(args[1])))));
        target.put(HostCall.CLEAR_TIMER, args -> {
            clear(integer(args[0]));
            return null;
        });
    }

    /**
     * Schedules timer {@code id} for the invocation running now. Refused (false) when none runs:
     * a timer set by top-level code, as on Workers, would fire with no invocation to charge its
     * CPU time to and no limit to end it.
     */
    private boolean set(int id, long delay) {
        Invocation owner = isolate.current();
        if (owner == null) {
            return false;
        }
        owner.timers.add(id);
        owners.put(id, owner);
        timers.put(id, scheduler.schedule(() -> isolate.post(() -> fire(id)), delay, TimeUnit.MILLISECONDS));
        return true;
    }

    private void fire(int id) {
        if (timers.remove(id) == null) {
            return;
        }
        Invocation by = owners.remove(id);
        if (by != null) {
            by.timers.remove(id);
        }
        isolate.turn(by, () -> {
            long since = Invocation.millisSinceStart(by);
            isolate.entry().invokeVoid("fireTimer",
                    isolate.runtime().createV8ValueDouble(Invocation.epochMillis(by, since)),
                    isolate.runtime().createV8ValueDouble(since), isolate.runtime().createV8ValueInteger(id));
        });
    }

    private void clear(int id) {
        ScheduledFuture<?> timer = timers.remove(id);
        Invocation by = owners.remove(id);
        if (by != null) {
            by.timers.remove(id);
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The invocation ended: its timers never fire. */
    void invocationEnded(Invocation inv) {
        for (Integer id : inv.timers) {
            ScheduledFuture<?> t = timers.remove(id);
            owners.remove(id);
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    void cancelAll() {
        timers.values().forEach(t -> t.cancel(false));
        timers.clear();
        owners.clear();
    }
}
