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
 * belongs to the invocation that set it: it fires as a turn charged to that invocation, only
 * that invocation clears it, and it is cancelled when the invocation ends. The runtime forgets
 * the callbacks of the timers cancelled so ({@link #DROPPED_WAITING}). Touched only inside the
 * isolate's turns.
 */
final class WorkerTimers {
    /**
     * Timers pending in one isolate at once. Each costs a few hundred bytes of the Java heap that
     * every isolate shares, outside the isolate's own memory limit; far more than requests in flight
     * together set in practice.
     */
    static final int MAX_PENDING = 10_000;
    /** What {@code host.setTimer} answers: set, refused outside an invocation, refused as one too many. */
    static final int SET = 0;
    static final int NO_INVOCATION = 1;
    static final int TOO_MANY = 2;
    /** Set, and timers that ended with their invocations wait for the runtime to forget them. */
    static final int DROPPED_WAITING = 3;
    /** What {@code host.clearTimer} answers: another invocation's timer, left alone; or gone. */
    static final int KEPT = 0;
    static final int GONE = 1;

    private final IsolateTurns isolate;
    private final ScheduledExecutorService scheduler;
    private final Map<Integer, ScheduledFuture<?>> timers = new HashMap<>();
    private final Map<Integer, Invocation> owners = new HashMap<>();
    /** Timers cancelled with their invocation whose callbacks the runtime still holds. */
    private final java.util.Set<Integer> dropped = new java.util.LinkedHashSet<>();

    WorkerTimers(IsolateTurns isolate, ScheduledExecutorService scheduler) {
        this.isolate = isolate;
        this.scheduler = scheduler;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        // NO_INVOCATION and TOO_MANY: the runtime throws, saying why.
        target.put(HostCall.SET_TIMER, args -> isolate.runtime().createV8ValueInteger(
                set(integer(args[0]), Math.max(0, (long) number(args[1])))));
        target.put(HostCall.CLEAR_TIMER, args -> isolate.runtime().createV8ValueInteger(clear(integer(args[0]))));
        target.put(HostCall.TAKE_DROPPED_TIMERS, args -> isolate.runtime().createV8ValueString(takeDropped()));
    }

    /**
     * Schedules timer {@code id} for the invocation running now. Refused when none runs: a timer
     * set by top-level code, as on Workers, would fire with no invocation to charge its CPU time to
     * and no limit to end it. Refused too when {@link #MAX_PENDING} timers are pending.
     */
    int set(int id, long delay) {
        Invocation owner = isolate.current();
        if (owner == null) {
            return NO_INVOCATION;
        }
        if (timers.size() >= MAX_PENDING && !timers.containsKey(id)) {
            return TOO_MANY;
        }
        dropped.remove(id);
        owner.timerSet(id);
        Invocation before = owners.put(id, owner);
        if (before != null && before != owner) {
            before.timerGone(id);
        }
        // An id still pending is set again only if the runtime's ids came round: the timer it
        // named is replaced, and cancelled, never left in the scheduler's queue with no way to reach it.
        ScheduledFuture<?> replaced = timers.put(id, scheduler.schedule(() -> isolate.post(() -> fire(id)), delay,
                TimeUnit.MILLISECONDS));
        if (replaced != null) {
            replaced.cancel(false);
        }
        return dropped.isEmpty() ? SET : DROPPED_WAITING;
    }

    /** The ids of {@link #dropped} timers, comma-separated, forgotten here. */
    private String takeDropped() {
        StringBuilder ids = new StringBuilder();
        for (Integer id : dropped) {
            ids.append(ids.isEmpty() ? "" : ",").append(id);
        }
        dropped.clear();
        return ids.toString();
    }

    private void fire(int id) {
        if (timers.remove(id) == null) {
            return;
        }
        Invocation by = owners.remove(id);
        if (by != null) {
            by.timerGone(id);
        }
        boolean[] ran = {false};
        isolate.turn(by, () -> {
            ran[0] = true;
            isolate.entry().invokeVoid("fireTimer",
                    isolate.runtime().createV8ValueDouble(Invocation.turnEpochMillis(by)),
                    isolate.runtime().createV8ValueInteger(id));
        });
        if (!ran[0] && !isolate.closed()) {
            // Not run (its invocation had spent its CPU time): the runtime is to forget it too.
            dropped.add(id);
        }
    }

    /**
     * Cancels timer {@code id}, unless it belongs to an invocation other than the one running now:
     * ids are numbers a request may keep in module state, and one request clearing another's
     * timer would end that one's work (as on Workers, it is left alone).
     */
    private int clear(int id) {
        Invocation by = owners.get(id);
        if (by != null && by != isolate.current()) {
            return KEPT;
        }
        ScheduledFuture<?> timer = timers.remove(id);
        owners.remove(id);
        dropped.remove(id);
        if (by != null) {
            by.timerGone(id);
        }
        if (timer != null) {
            timer.cancel(false);
        }
        return GONE;
    }

    /** The invocation ended: its timers never fire, and the runtime is to forget them. */
    void invocationEnded(Invocation inv) {
        if (inv.timers().isEmpty()) {
            return;
        }
        for (Integer id : inv.timers()) {
            ScheduledFuture<?> t = timers.remove(id);
            owners.remove(id);
            if (t != null) {
                t.cancel(false);
                dropped.add(id);
            }
        }
    }

    void cancelAll() {
        timers.values().forEach(t -> t.cancel(false));
        timers.clear();
        owners.clear();
        dropped.clear();
    }
}
