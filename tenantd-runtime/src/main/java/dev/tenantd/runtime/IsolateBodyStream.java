package dev.tenantd.runtime;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The body of a worker's response, read from the {@code ReadableStream} it gave. A read that finds
 * no chunk waiting runs a turn of the worker's invocation that reads one chunk of the stream
 * ({@code pullBody}, answered by the {@code bodyChunk} host call). When a chunk goes straight to
 * a reader that was waiting for it, the JavaScript reads on at once, in the same turn, and
 * answers with the next chunk when the stream has one: a stream written a chunk at a time (server-
 * sent events, a chunked response) costs one turn per chunk, the turn that writes it, and not a
 * second one to ask for the next. At most one chunk is read before its reader asks for it (it
 * waits here), so the stream is still read no faster than its reader takes the chunks. The stream
 * is read on in a turn of its own invocation only; the time its code takes is that invocation's CPU
 * time. Cancelling runs the stream's cancel in a turn too.
 */
final class IsolateBodyStream implements BodyStream {
    static final int CHUNK = 0;
    static final int END = 1;
    static final int ERROR = 2;

    private final IsolateTurns isolate;
    private final Invocation owner;
    private final int id;
    private final long length;
    // Guarded by this: the read in progress, the chunk that came before its reader asked for it,
    // whether the JavaScript is reading the stream (and will answer without being asked again),
    // and whether the body is over.
    private CompletableFuture<Optional<byte[]>> pending;
    private byte[] ready;
    private boolean pulling;
    private boolean over;
    private String brokenBecause;

    IsolateBodyStream(IsolateTurns isolate, Invocation owner, int id, long length) {
        this.isolate = isolate;
        this.owner = owner;
        this.id = id;
        this.length = length;
    }

    int id() {
        return id;
    }

    Invocation owner() {
        return owner;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> read() {
        CompletableFuture<Optional<byte[]>> read;
        boolean pull;
        synchronized (this) {
            if (ready != null) {
                read = CompletableFuture.completedFuture(Optional.of(ready));
                ready = null;
            } else if (brokenBecause != null) {
                return CompletableFuture.failedFuture(new BrokenBody(brokenBecause));
            } else if (over) {
                return CompletableFuture.completedFuture(Optional.empty());
            } else if (pending != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("a read of this body is in progress"));
            } else {
                read = new CompletableFuture<>();
                pending = read;
            }
            pull = startPull();
        }
        if (pull) {
            postPull();
        }
        return read;
    }

    /** Whether a pull turn must be posted: the JavaScript is not reading the stream already. Called holding this. */
    private boolean startPull() {
        if (pulling || over || brokenBecause != null) {
            return false;
        }
        pulling = true;
        return true;
    }

    private void postPull() {
        isolate.post(() -> {
            if (isolate.closed() || owner.finished) {
                brokenOff("the worker's invocation ended before its response body did");
                return;
            }
            isolate.turn(owner, () -> {
                long since = Invocation.millisSinceStart(owner);
                isolate.entry().invokeVoid("pullBody", isolate.runtime().createV8ValueDouble(Invocation.epochMillis(owner, since)),
                        isolate.runtime().createV8ValueDouble(since), isolate.runtime().createV8ValueInteger(id));
            });
        });
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (over || brokenBecause != null) {
                return;
            }
            over = true;
            ready = null;
            pulling = false;
        }
        isolate.post(() -> {
            if (!isolate.closed() && !owner.finished) {
                isolate.turn(owner, () -> {
                    long since = Invocation.millisSinceStart(owner);
                    isolate.entry().invokeVoid("cancelBody",
                            isolate.runtime().createV8ValueDouble(Invocation.epochMillis(owner, since)),
                            isolate.runtime().createV8ValueDouble(since), isolate.runtime().createV8ValueInteger(id));
                });
            }
        });
    }

    /**
     * The JavaScript answered: a chunk, the end, or the stream's error. For a chunk, whether it is
     * to read on and answer again as soon as the stream has the next one, without a pull turn:
     * only when this chunk went straight to a reader that was waiting and {@code inOwnersTurn}
     * (the turn that made the chunk is one of this body's invocation, which the reading on is then
     * part of).
     */
    boolean answered(int state, byte[] chunk, String error, boolean inOwnersTurn) {
        CompletableFuture<Optional<byte[]>> read;
        boolean readOn = false;
        synchronized (this) {
            read = pending;
            pending = null;
            pulling = false;
            if (state == CHUNK) {
                boolean wanted = !over && brokenBecause == null; // not cancelled meanwhile
                if (read == null) {
                    ready = wanted ? chunk : null;
                } else if (wanted && inOwnersTurn) {
                    pulling = true;
                    readOn = true;
                }
            } else if (state == END) {
                over = true;
            } else {
                brokenBecause = "the worker's response body failed: " + error;
            }
        }
        if (read != null) {
            switch (state) {
                case CHUNK -> read.complete(Optional.of(chunk));
                case END -> read.complete(Optional.empty());
                default -> read.completeExceptionally(new BrokenBody("the worker's response body failed: " + error));
            }
        }
        return readOn;
    }

    /** The body can never end: its invocation or isolate is gone. */
    void brokenOff(String why) {
        CompletableFuture<Optional<byte[]>> read;
        synchronized (this) {
            if (brokenBecause == null && !over) {
                brokenBecause = why;
            }
            read = pending;
            pending = null;
            pulling = false;
        }
        if (read != null) {
            read.completeExceptionally(new BrokenBody(why));
        }
    }
}
