package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.string;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bodies that stream through an isolate in chunks, both ways.
 * <ul>
 *   <li>Into it: the body of a {@code fetch()} answer (or of another worker's response) is
 *       kept by the host as a {@link BodyStream}, known to the JavaScript by a number; each
 *       {@code readBody} call asks it for the next chunk, answered as a turn of the invocation
 *       reading. Handed on unread (a dispatcher returning a user worker's response), the same
 *       stream leaves with the response and never enters the isolate.</li>
 *   <li>Out of it: a response whose body is a {@code ReadableStream} leaves as an
 *       {@link IsolateBodyStream}: a read by whoever takes the response runs a turn that reads
 *       one chunk of the stream ({@code pullBody}), answered with {@code bodyChunk}, whose
 *       result tells the JavaScript whether to read on (a reader waits, or the chunks read
 *       ahead of it leave room).</li>
 * </ul>
 * A stream belongs to the invocation that received or made it, and is cancelled or broken
 * off when that invocation ends. Touched only inside the isolate's turns, but for the reads
 * and cancels of outgoing streams, which post turns.
 */
final class BodyStreams {
    private static final String GONE = "The body of this response is no longer available: it came in for a request "
            + "that has ended. Read it while that request is handled.";
    /** Why a streamed body cannot be sent on by the request trying to. */
    static final String NOT_THIS_REQUESTS = "This body cannot be sent: it came in for another request, which has ended "
            + "or still holds it. Send or read a body while the request it came in for is handled.";

    private final IsolateTurns isolate;
    private final Subrequests subrequests;
    private final Map<Integer, Incoming> incoming = new HashMap<>();
    private final Map<Integer, IsolateBodyStream> outgoing = new HashMap<>();
    private int nextIncoming;

    private record Incoming(BodyStream stream, Invocation owner) {
    }

    BodyStreams(IsolateTurns isolate, Subrequests subrequests) {
        this.isolate = isolate;
        this.subrequests = subrequests;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        target.put(HostCall.READ_BODY, args -> {
            read(integer(args[0]), integer(args[1]));
            return null;
        });
        target.put(HostCall.CANCEL_BODY, args -> {
            Incoming body = incoming.remove(integer(args[0]));
            if (body != null) {
                body.stream().cancel();
            }
            return null;
        });
        target.put(HostCall.BODY_CHUNK, args -> {
            IsolateBodyStream stream = outgoing.get(integer(args[0]));
            if (stream != null) {
                int state = integer(args[2]);
                if (state != IsolateBodyStream.CHUNK) {
                    outgoing.remove(stream.id());
                }
                if (stream.answered(state, bytesOf(args[1]), string(args[3]), isolate.turnOwner() == stream.owner())) {
                    return isolate.runtime().createV8ValueBoolean(true);
                }
            }
            return null;
        });
    }

    /** Keeps a streamed body for the JavaScript of {@code owner}; the number it knows it by. */
    int adopt(BodyStream stream, Invocation owner) {
        int id = ++nextIncoming;
        incoming.put(id, new Incoming(stream, owner));
        return id;
    }

    /**
     * A streamed body handed on unread by {@code owner}: it leaves with the response or request,
     * and the isolate lets go of it. Empty when it is gone (its request ended) or is another
     * request's, which keeps it.
     */
    Optional<BodyStream> take(int id, Invocation owner) {
        Incoming body = incoming.get(id);
        if (body == null || body.owner() != owner) {
            return Optional.empty();
        }
        incoming.remove(id);
        return Optional.of(body.stream());
    }

    /** The body of {@code owner}'s response, read from the JavaScript stream it registered as {@code id}. */
    IsolateBodyStream fromIsolate(int id, Invocation owner, long length) {
        IsolateBodyStream stream = new IsolateBodyStream(isolate, owner, id, length);
        outgoing.put(id, stream);
        return stream;
    }

    private void read(int call, int id) {
        Invocation owner = isolate.current();
        subrequests.ownedBy(call, owner);
        Incoming body = incoming.get(id);
        if (body == null) {
            subrequests.reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError", GONE)));
            return;
        }
        if (body.owner() != owner) {
            subrequests.reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "Cannot read this body on behalf of another request: it can only be read while the request it came in "
                            + "for is handled.")));
            return;
        }
        subrequests.reply(call, body.stream().read().handle((chunk, error) -> {
            if (error != null) {
                throw new InvocationException(Outcome.EXCEPTION, "TypeError", "The body broke off before its end: "
                        + Optional.ofNullable(unwrap(error).getMessage()).orElse("the connection was lost") + ".");
            }
            if (chunk.isEmpty()) {
                return new ChannelReply.Data("end", JsValues.EMPTY);
            }
            return new ChannelReply.Data("chunk", chunk.get());
        }));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The invocation ended: what it received and did not read is cancelled; what it was sending breaks off. */
    void invocationEnded(Invocation inv) {
        incoming.values().removeIf(body -> {
            if (body.owner() == inv) {
                body.stream().cancel();
                return true;
            }
            return false;
        });
        outgoing.values().removeIf(stream -> {
            if (stream.owner() == inv) {
                stream.brokenOff("the worker's invocation ended before its response body did");
                drop(stream.id());
                return true;
            }
            return false;
        });
    }

    /**
     * The runtime JavaScript lets go of an outgoing body nobody will read: its reader is dropped
     * without running the stream's cancel, which would be worker code outside any invocation.
     */
    void drop(int jsId) {
        isolate.post(() -> {
            if (!isolate.closed()) {
                isolate.turn(null, () -> isolate.entry().invokeVoid("dropBody", isolate.runtime().createV8ValueInteger(jsId)));
            }
        });
    }

    /** The isolate is gone: every stream in or out ends. */
    void closeAll() {
        incoming.values().forEach(body -> body.stream().cancel());
        incoming.clear();
        outgoing.values().forEach(stream -> stream.brokenOff("the worker was unloaded"));
        outgoing.clear();
    }
}
