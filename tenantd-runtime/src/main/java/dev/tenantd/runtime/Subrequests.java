package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.EMPTY;
import static dev.tenantd.runtime.JsValues.bytes;
import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.joinHeaders;
import static dev.tenantd.runtime.JsValues.splitHeaders;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls that leave an isolate and whose answers come back as turns: {@code fetch()}
 * subrequests, calls on channel bindings, TCP sockets. Each counts against the subrequest
 * limit of the invocation making it, and its answer is charged to that invocation. Large
 * response bodies stay with the host until the worker reads them (or hands them on unread).
 * Touched only inside the isolate's turns.
 */
final class Subrequests {
    private static final Logger LOG = LoggerFactory.getLogger(Subrequests.class);
    /** Subrequest answers with bodies from this size on are kept with the host until read. */
    private static final int HELD_FROM = 64 * 1024;

    private final IsolateTurns isolate;
    private final WorkerHost host;
    private final BodyBudget bodies;
    private final WorkerSockets sockets;
    private final IsolateSockets webSockets;
    private final BiFunction<Invocation, Integer, Caller> rpcCaller;
    private final BodyStreams streams;
    private final String scriptName;
    /** Who made each call still waiting for its answer. */
    private final Map<Integer, Invocation> callOwners = new HashMap<>();
    /**
     * fetch() calls not answered yet, by call: when their invocation ends they are cancelled,
     * which lets go of their connections (an origin that answers a byte at a time would
     * otherwise hold one for good). Answers complete on other threads, hence concurrent.
     */
    private final Map<Integer, PendingFetch> fetches = new java.util.concurrent.ConcurrentHashMap<>();

    private record PendingFetch(Invocation owner, CompletableFuture<WorkerResponse> answer) {
    }
    /** Large bodies of subrequest answers kept with the host until the worker reads them or hands them on. */
    private final Map<Integer, HeldBody> heldBodies = new HashMap<>();
    private int nextHeldBody;

    private record HeldBody(byte[] bytes, Invocation owner) {
    }

    Subrequests(IsolateTurns isolate, WorkerHost host, BodyBudget bodies, IsolateSockets webSockets,
            BiFunction<Invocation, Integer, Caller> rpcCaller, String scriptName) {
        this.isolate = isolate;
        this.host = host;
        this.bodies = bodies;
        this.sockets = new WorkerSockets(host);
        this.webSockets = webSockets;
        this.rpcCaller = rpcCaller;
        this.scriptName = scriptName;
        this.streams = new BodyStreams(isolate, this);
    }

    /** The streamed bodies going into and out of the isolate. */
    BodyStreams streams() {
        return streams;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        streams.bind(target);
        target.put(HostCall.TAKE_BODY, args -> {
            Optional<byte[]> body = takeHeld(integer(args[0]));
            if (body.isEmpty()) {
                return null; // the request it came in for has ended
            }
            // Counted here, whatever length the isolate's own check was given.
            Invocation owner = isolate.current();
            if (owner != null && !isolate.admitsBytes(owner, body.get().length,
                    "a response body read (" + body.get().length + " bytes)")) {
                bodies.release(body.get());
                return null;
            }
            V8ValueArrayBuffer buffer = bytes(isolate.runtime(), body.get());
            bodies.release(body.get());
            return buffer;
        });
        target.put(HostCall.FETCH, args -> {
            int call = integer(args[0]);
            Invocation owner = isolate.current();
            if (!bodyFits(call, args[4])) {
                return null;
            }
            WorkerRequest request = withStream(request(args, 1).withRedirect(WorkerRequest.Redirect.of(
                    args.length > 6 ? string(args[6]) : "")), args, 5, owner);
            if (request == null) {
                refuseStream(call);
            } else if (refusedRequest(call, request)) {
                request.discardBody();
            } else if (!admit(call)) {
                request.discardBody();
                reply(call, refused(owner));
            } else {
                CompletableFuture<WorkerResponse> pending = owner.outbound.map(o -> o.fetch(request))
                        .orElseGet(() -> host.fetch(request.withHeader(Caller.DEPTH_HEADER, Integer.toString(owner.depth() + 1)),
                                owner.caller));
                if (owner.outbound.isEmpty()) {
                    // Only the egress's own exchanges are cancelled: an outbound worker's answer is
                    // an invocation of its own, which ends by its own limits and is let go on arrival.
                    fetches.put(call, new PendingFetch(owner, pending));
                    pending.whenComplete((response, error) -> fetches.remove(call));
                }
                reply(call, sent(request, pending).thenApply(ChannelReply::response));
            }
            return null;
        });
        // A call on a channel binding: (id, channel, operation, args, bytes).
        target.put(HostCall.CALL, args -> {
            int call = integer(args[0]);
            Invocation owner = isolate.current();
            if (!bodyFits(call, args[4])) {
                return null;
            }
            byte[] payload = bytesOf(args[4]);
            String callArgs = string(args[3]);
            // A call's arguments (a D1 query's bound values, an RPC's) wait with it in the
            // binding's queue: they count against the budget like its bytes do.
            long argsSize = callArgs.length() >= BodyBudget.COUNTED_FROM ? callArgs.length() : 0;
            if (argsSize > 0 && !bodies.reserve(argsSize)) {
                ownedBy(call, owner);
                reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                        bodies.refusal(argsSize))));
                return null;
            }
            ChannelCall channelCall = new ChannelCall(integer(args[1]), string(args[2]), callArgs, payload,
                    Optional.empty(), rpcCaller.apply(owner, call));
            if (admit(call)) {
                Object sender = holdOut(owner, payload);
                CompletableFuture<ChannelReply> answer;
                try {
                    answer = host.call(channelCall);
                } catch (RuntimeException e) {
                    bodies.answered(sender, payload);
                    bodies.unreserve(argsSize);
                    throw e;
                }
                reply(call, answer.whenComplete((answered, error) -> {
                    bodies.answered(sender, payload);
                    bodies.unreserve(argsSize);
                }));
            } else {
                bodies.unreserve(argsSize);
                reply(call, refused(owner));
            }
            return null;
        });
        // A call on a channel binding that sends a request: (id, channel, operation, args, method, url, headers, body, cf).
        target.put(HostCall.CALL_FETCH, args -> {
            int call = integer(args[0]);
            if (!bodyFits(call, args[7])) {
                return null;
            }
            WorkerRequest request = withStream(request(args, 4), args, 9, isolate.current());
            if (request != null && args.length > 8 && args[8] instanceof V8ValueString cf) {
                request = request.withCf(cf.getValue());
            }
            if (request == null) {
                refuseStream(call);
            } else if (refusedRequest(call, request)) {
                request.discardBody();
            } else {
                Invocation owner = isolate.current();
                ChannelCall channelCall = new ChannelCall(integer(args[1]), string(args[2]), string(args[3]), null,
                        Optional.of(request), Caller.of(owner));
                if (admit(call)) {
                    reply(call, sent(request, host.call(channelCall)));
                } else {
                    request.discardBody();
                    reply(call, refused(owner));
                }
            }
            return null;
        });
        // A TCP socket: (id, operation, socket, text, bytes). Opening one is a subrequest, refused
        // to invocations whose fetch() goes through an outbound worker, which sees only HTTP.
        target.put(HostCall.SOCKET, args -> {
            int call = integer(args[0]);
            String operation = string(args[1]);
            Invocation owner = isolate.current();
            if (!operation.equals("connect")) {
                // What a write sends is held until the peer has taken it: it counts against the
                // budget for bodies in flight like any other body a worker sends.
                if (operation.equals("write") && !bodyFits(call, args[4])) {
                    return null;
                }
                if (owner != null) {
                    callOwners.put(call, owner);
                }
                byte[] bytes = bytesOf(args[4]);
                Object sender = holdOut(owner, bytes);
                reply(call, sockets.operate(owner, operation, integer(args[2]), bytes)
                        .whenComplete((done, error) -> bodies.answered(sender, bytes)));
            } else if (owner != null && owner.outbound.isPresent() && !owner.finished) {
                callOwners.put(call, owner);
                reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                        "connect() is not available to this worker: its requests leave through an outbound worker, "
                                + "which sees HTTP requests only.")));
            } else {
                reply(call, admit(call) ? sockets.connect(owner, string(args[3])) : refused(owner));
            }
            return null;
        });
        // A call on a channel binding answered at once: (channel, operation, args) -> string.
        // A failure comes back as NUL, the error's name, NUL, its message: bindings.js throws it.
        target.put(HostCall.CALL_NOW, args -> {
            String answer;
            try {
                answer = host.callNow(ChannelCall.of(integer(args[0]), string(args[1]), string(args[2]), null));
            } catch (InvocationException e) {
                answer = "\0" + e.errorName() + "\0" + e.getMessage();
            } catch (RuntimeException e) {
                LOG.warn("worker {}: a binding call failed", scriptName, e);
                answer = "\0Error\0" + "The binding call failed.";
            }
            return isolate.runtime().createV8ValueString(answer);
        });
    }

    /**
     * Counts a subrequest against the current invocation; false once its budget is spent,
     * or when no invocation is running (top-level code, timers it set), as on Cloudflare.
     */
    boolean admit(int call) {
        Invocation owner = isolate.current();
        if (owner == null || owner.finished) {
            return false;
        }
        callOwners.put(call, owner);
        // Its own limit, and those of the workers that called it (their budgets count its subrequests too).
        if (!owner.budget.takeSubrequest()) {
            owner.hitSubrequestLimit = true;
            return false;
        }
        owner.subrequests++;
        return true;
    }

    /** Notes who waits for a call that is answered without being a subrequest. */
    void ownedBy(int call, Invocation owner) {
        if (owner != null) {
            callOwners.put(call, owner);
        }
    }

    /** Why a call that {@link #admit} refused fails. */
    static CompletableFuture<ChannelReply> refused(Invocation owner) {
        if (owner == null || owner.finished) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                    "Disallowed operation called within global scope: fetch() and calls through bindings can only be "
                            + "made while handling a request."));
        }
        return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEEDED_SUBREQUESTS,
                "Too many subrequests."));
    }

    /**
     * Refuses a request the worker sends out whose headers could not go on the wire: its
     * fetch() rejects with a TypeError, and no subrequest is counted. Returns whether it did.
     */
    private void refuseStream(int call) {
        ownedBy(call, isolate.current());
        reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                BodyStreams.NOT_THIS_REQUESTS)));
    }

    private boolean refusedRequest(int call, WorkerRequest request) {
        Optional<String> problem = HeaderRules.problem(request.headers());
        if (problem.isEmpty()) {
            return false;
        }
        ownedBy(call, isolate.current());
        reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                "The request cannot be sent: " + problem.get() + ".")));
        return true;
    }

    /**
     * The request with the streamed body {@code args[index]} names, if any: a positive number is a
     * body that came in streamed and is handed on unread, a negative one a stream of the worker's
     * that the receiver reads through the isolate. Null when the body named is not this
     * invocation's to send.
     */
    private WorkerRequest withStream(WorkerRequest request, V8Value[] args, int index, Invocation owner) {
        int ref = args.length > index && args[index] instanceof com.caoccao.javet.values.primitive.V8ValueInteger n
                ? n.getValue() : 0;
        if (ref > 0) {
            return streams.take(ref, owner).map(stream -> WorkerRequest.streamed(request.method(), request.url(),
                    request.headers(), stream, request.cf()).withRedirect(request.redirect())).orElse(null);
        }
        if (ref < 0 && owner != null) {
            return WorkerRequest.streamed(request.method(), request.url(), request.headers(),
                    streams.fromIsolate(-ref, owner, Worker.declaredLength(request.headers())), request.cf())
                    .withRedirect(request.redirect());
        }
        return request;
    }

    private static WorkerRequest request(V8Value[] args, int from) {
        return new WorkerRequest(string(args[from]), string(args[from + 1]),
                splitHeaders(string(args[from + 2])), bytesOf(args[from + 3]));
    }

    /**
     * {@code pending}, the sending of {@code request}; if it fails, the request's streamed body is
     * let go, since whoever took it may have failed before reading it (a refused address, a worker
     * not found), and its sender (a client's connection, an origin, another isolate's stream)
     * would otherwise wait for a reader until its own time limit.
     */
    private <T> CompletableFuture<T> sent(WorkerRequest request, CompletableFuture<T> pending) {
        Object sender = holdOut(isolate.current(), request.body());
        return pending.whenComplete((answer, error) -> {
            bodies.answered(sender, request.body());
            if (error != null) {
                request.discardBody();
            }
        });
    }

    /**
     * Whether a body the worker sends (its size read from the isolate's memory, before any copy)
     * fits in the host's budget for bodies in flight; if not, the call fails with the budget's
     * refusal. The isolate counted the body once; every copy the host would make of it counts
     * here, or many sends of one large buffer could fill the host's memory.
     */
    private boolean bodyFits(int call, V8Value body) {
        long size = JsValues.byteLength(body);
        Optional<String> refusal = bodies.admits(size) ? bodies.senderRefusal(sender(isolate.current()), size)
                : Optional.of(bodies.refusal(size));
        if (refusal.isEmpty()) {
            return true;
        }
        ownedBy(call, isolate.current());
        reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", refusal.get())));
        return false;
    }

    /**
     * Holds a body {@code owner} sends in the budget, and in its sender's share; the sender it
     * answers is given to {@link BodyBudget#answered} (once) when the call is over.
     */
    private Object holdOut(Invocation owner, byte[] body) {
        Object sender = sender(owner);
        bodies.sent(sender, body);
        return sender;
    }

    /**
     * Whose share of the budget the bodies an invocation sends take: the user worker its chain
     * serves (its outbound worker's sends are that tenant's), or this isolate.
     */
    private Object sender(Invocation owner) {
        return owner == null ? this : owner.caller.onBehalfOf().orElse(this);
    }

    /**
     * Posts a host call's outcome back into the isolate as a turn of the invocation that made the
     * call. A data answer waits in the isolate's queue until its turn, which a busy isolate may
     * put off for long: its bytes count against the budget for bodies in flight until they are
     * copied in, and one that does not fit is dropped, and the call fails saying that it
     * completed, instead of the answer waiting in the heap.
     */
    void reply(int call, CompletableFuture<ChannelReply> pending) {
        pending.whenComplete((answered, failure) -> {
            ChannelReply reply = answered;
            Throwable error = failure;
            byte[] held = reply instanceof ChannelReply.Data d && d.bytes().length >= BodyBudget.COUNTED_FROM ? d.bytes() : null;
            if (held != null) {
                if (bodies.admits(held.length)) {
                    bodies.hold(held);
                } else {
                    // The call has had its effect (a write may be committed): the message says so,
                    // so that nobody takes it for a call that never ran.
                    reply = null;
                    error = new InvocationException(Outcome.EXCEPTION, "Error", "The call completed, but its answer was "
                            + "dropped. " + bodies.refusal(held.length));
                    held = null;
                }
            }
            ChannelReply delivering = reply;
            Throwable failing = error;
            byte[] counted = held;
            isolate.post(() -> {
                Invocation owner = callOwners.remove(call);
                boolean[] delivered = {false};
                try {
                    isolate.turn(owner, () -> {
                        delivered[0] = true;
                        deliver(owner, call, delivering, failing);
                    });
                } finally {
                    if (counted != null) {
                        bodies.release(counted); // copied into the isolate, or nobody is left to read it
                    }
                    if (!delivered[0] && delivering instanceof ChannelReply.Response r) {
                        // The isolate closed before the answer came: nobody is left to read its body.
                        r.response().discardBody();
                        closeUnclaimed(r.response());
                    }
                }
            });
        });
    }

    /** A host call's outcome, in a turn of the isolate: the call's promise is settled or rejected. */
    private void deliver(Invocation owner, int call, ChannelReply reply, Throwable error) throws JavetException {
        V8Runtime runtime = isolate.runtime();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            String name = cause instanceof InvocationException ie ? ie.errorName() : "Error";
            String message;
            if (cause instanceof InvocationException) {
                message = cause.getMessage();
            } else {
                // Not an answer meant for the worker: its text (a database's, a class name) is the
                // server's own, and stays in the server's log.
                LOG.warn("worker {}: a call failed inside the server", scriptName, cause);
                message = "The call failed with an internal error.";
            }
            isolate.entry().invokeVoid("reject", runtime.createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                    runtime.createV8ValueInteger(call),
                    runtime.createV8ValueString(name), runtime.createV8ValueString(message));
            return;
        }
        if (owner == null && reply instanceof ChannelReply.Response r && r.response().stream().isPresent()) {
            // The invocation that made the call ended, and the body still to come went with it.
            // Code still waiting for the answer gets an error, never a response whose body is
            // missing. An answer that came whole is delivered whole.
            r.response().discardBody();
            closeUnclaimed(r.response());
            isolate.entry().invokeVoid("reject", runtime.createV8ValueDouble(Invocation.turnEpochMillis(null)),
                    runtime.createV8ValueInteger(call), runtime.createV8ValueString("TypeError"),
                    runtime.createV8ValueString(ENDED_BEFORE_ANSWER));
            return;
        }
        switch (reply) {
            case ChannelReply.Response r -> settle(owner, call, r.response());
            case ChannelReply.Data d -> answer(owner, call, d);
        }
    }

    static final String ENDED_BEFORE_ANSWER = "The request this call was made for ended before its answer's body came. "
            + "(Await the answer before the response is complete, or pass the work to ctx.waitUntil().)";

    /** A call's data answer reaches the binding's JS wrapper as {text, bytes}. */
    private void answer(Invocation owner, int call, ChannelReply.Data data) throws JavetException {
        if (owner != null && !isolate.admitsBytes(owner, data.bytes().length,
                "a binding's answer (" + data.bytes().length + " bytes)")) {
            return;
        }
        V8Runtime runtime = isolate.runtime();
        try (V8Value bytes = JsValues.body(runtime, data.bytes())) {
            isolate.entry().invokeVoid("answer", runtime.createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                    runtime.createV8ValueInteger(call),
                    runtime.createV8ValueString(data.text()), bytes);
        }
    }

    /** A response (of a subrequest, another worker, a binding) reaches the worker as a Response. */
    private void settle(Invocation owner, int call, WorkerResponse response) throws JavetException {
        if (owner == null) {
            response.discardBody();
            closeUnclaimed(response);
        }
        int streamId = owner == null ? 0 : response.stream().map(stream -> streams.adopt(stream, owner)).orElse(0);
        boolean held = owner != null && response.body().length >= HELD_FROM;
        if (!held && owner != null && !isolate.admitsBytes(owner, response.body().length,
                "a subrequest's response body (" + response.body().length + " bytes)")) {
            closeUnclaimed(response);
            return;
        }
        // A large body stays with the host until the worker reads it: handed on
        // unread (a dispatcher returning a user worker's response), it never
        // enters this isolate at all.
        int heldId = held ? hold(owner, response.body()) : 0;
        V8Runtime runtime = isolate.runtime();
        try (V8Value body = JsValues.body(runtime, held ? EMPTY : response.body())) {
            if (!held) {
                bodies.release(response.body());
            }
            isolate.entry().invokeVoid("settle", runtime.createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                    runtime.createV8ValueInteger(call),
                    runtime.createV8ValueInteger(response.status()),
                    runtime.createV8ValueString(response.statusText()),
                    runtime.createV8ValueString(joinHeaders(response.headers())),
                    body,
                    runtime.createV8ValueString(response.url()),
                    runtime.createV8ValueInteger(response.redirects()),
                    runtime.createV8ValueInteger(heldId),
                    runtime.createV8ValueDouble(held ? response.body().length : 0),
                    runtime.createV8ValueInteger(owner == null ? 0 : webSockets.adopt(response.webSocket())),
                    runtime.createV8ValueInteger(streamId),
                    runtime.createV8ValueDouble(response.stream().map(BodyStream::length).orElse(-1L)));
        }
    }

    /**
     * Closes the WebSocket of an answer that came after the invocation that asked for it ended:
     * nobody can take it any more, and kept, it would hold the other side's socket (and a place
     * among this isolate's sockets) for as long as the isolate lives.
     */
    private static void closeUnclaimed(WorkerResponse response) {
        response.webSocket().ifPresent(end -> end.close(WebSocketLimits.GOING_AWAY,
                "The invocation that opened this WebSocket has ended."));
    }

    /** Keeps a body with the host for the worker to read later (or hand on unread); its id. */
    private int hold(Invocation owner, byte[] body) {
        int id = ++nextHeldBody;
        heldBodies.put(id, new HeldBody(body, owner));
        return id;
    }

    /** A held body, taken: read by the worker, or handed on as its response's body. */
    Optional<byte[]> takeHeld(int id) {
        HeldBody body = heldBodies.remove(id);
        return body == null ? Optional.empty() : Optional.of(body.bytes());
    }

    /** The invocation ended: what it held or opened is let go. */
    void invocationEnded(Invocation inv) {
        heldBodies.values().removeIf(held -> {
            if (held.owner() == inv) {
                bodies.release(held.bytes());
                return true;
            }
            return false;
        });
        callOwners.values().removeIf(owner -> owner == inv);
        fetches.values().removeIf(pending -> {
            if (pending.owner() == inv) {
                pending.answer().cancel(false);
                return true;
            }
            return false;
        });
        sockets.closeOwnedBy(inv);
        streams.invocationEnded(inv);
    }

    void closeAll() {
        sockets.closeAll();
        streams.closeAll();
    }
}
