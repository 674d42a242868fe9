package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytes;
import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What an isolate's WebSockets run on: the {@code ws*} host calls over its
 * {@link IsolateSockets}, and the turns their events take. An accepted socket's events form an
 * invocation of their own, with the limits of the invocation that accepted it; each event is a
 * turn of it with a fresh CPU budget, subrequest count and wall time, but for events from the
 * other end of a pair this isolate holds and accepted too, which go on with the budget left.
 */
final class WebSocketTurns implements IsolateSockets.Isolate {
    private final IsolateTurns isolate;
    private final WorkerHost host;
    private final ScheduledExecutorService timers;
    private final String scriptName;
    private final IsolateSockets sockets;

    WebSocketTurns(IsolateTurns isolate, WorkerHost host, ScheduledExecutorService timers, String scriptName,
            BodyBudget bodies) {
        this.sockets = new IsolateSockets(this, bodies);
        this.isolate = isolate;
        this.host = host;
        this.timers = timers;
        this.scriptName = scriptName;
    }

    /** The isolate's sockets, by the ids its JavaScript knows. */
    IsolateSockets sockets() {
        return sockets;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        target.put(HostCall.WS_PAIR, args -> isolate.runtime().createV8ValueInteger(sockets.pair()));
        target.put(HostCall.WS_ACCEPT, args -> isolate.runtime().createV8ValueInteger(sockets.accept(integer(args[0]))));
        target.put(HostCall.WS_SEND, args -> {
            sockets.send(integer(args[0]), args[1] instanceof V8ValueString text ? new WebSocketMessage.Text(text.getValue())
                    : new WebSocketMessage.Binary(bytesOf(args[2])));
            return null;
        });
        target.put(HostCall.WS_CLOSE, args -> {
            sockets.close(integer(args[0]), integer(args[1]), string(args[2]));
            return null;
        });
    }

    @Override
    public int currentInvocation() {
        Invocation current = isolate.current();
        return current == null ? 0 : current.id;
    }

    @Override
    public int openInvocation() {
        Invocation current = isolate.current();
        if (current == null || current.finished) {
            return 0;
        }
        InvocationOptions by = current.options;
        // The socket's events go on from the invocation that accepted it: its depth, request, origin
        // (what a Tail Worker's socket calls feeds no tail), budget and outbound.
        Invocation inv = isolate.open(new InvocationOptions(by.limits(), by.envJson(), by.outbound(), InvocationObserver.NONE,
                Caller.of(current), Entrypoint.DEFAULT));
        inv.responded = true;
        inv.status = 101;
        return inv.id;
    }

    @Override
    public void event(int invocation, IsolateSockets.Event event, IsolateSockets.Origin origin) {
        Invocation inv = isolate.invocation(invocation);
        if (inv == null || isolate.closed()) {
            return;
        }
        if (origin.fresh()) {
            inv.cpuNanos = 0;
            inv.subrequests = 0;
            inv.budget = inv.budget.renewed();
        }
        long begin = System.nanoTime();
        inv.observer = host.observeWebSocketEvent(event.kind() == IsolateSockets.Event.CLOSE ? "close" : "message");
        ScheduledFuture<?> wall = timers.schedule(() -> isolate.expire(inv, Outcome.EXCEEDED_WALL_TIME),
                inv.limits.wallTimeMs(), TimeUnit.MILLISECONDS);
        try {
            IsolateSockets.relaying(origin, () -> isolate.turn(inv, () -> {
                if (event.bytes() != null && !isolate.admitsBytes(inv, event.bytes().length,
                        "a WebSocket message (" + event.bytes().length + " bytes)")) {
                    return;
                }
                V8Runtime runtime = isolate.runtime();
                try (V8ValueArrayBuffer bytes = event.bytes() == null ? null : bytes(runtime, event.bytes())) {
                    isolate.entry().invokeVoid("socketEvent", runtime.createV8ValueDouble(Invocation.turnEpochMillis(inv)),
                            runtime.createV8ValueInteger(event.socket()),
                            runtime.createV8ValueInteger(event.kind()),
                            event.text() == null ? runtime.createV8ValueNull() : runtime.createV8ValueString(event.text()),
                            bytes == null ? runtime.createV8ValueNull() : bytes,
                            runtime.createV8ValueInteger(event.code()), runtime.createV8ValueBoolean(event.clean()));
                }
            }));
        } finally {
            wall.cancel(false);
        }
        // An event that hit a limit has ended the invocation, and its observer was told then.
        if (!inv.finished && inv.observer != InvocationObserver.NONE) {
            inv.observer.ended(new InvocationRecord(scriptName, Outcome.OK, inv.cpuNanos,
                    System.nanoTime() - begin, inv.subrequests, 0));
            inv.observer = InvocationObserver.NONE;
        }
    }

    @Override
    public void endInvocation(int invocation) {
        Invocation inv = isolate.invocation(invocation);
        if (inv != null) {
            isolate.finish(inv);
        }
    }

    @Override
    public void post(Runnable work) {
        isolate.post(work);
    }
}
