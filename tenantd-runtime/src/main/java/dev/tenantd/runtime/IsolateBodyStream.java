package dev.tenantd.runtime;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The body of a worker's response, read from the {@code ReadableStream} it gave: each read runs a
 * turn of the worker's invocation that reads one chunk of the stream ({@code pullBody}, answered
 * by the {@code bodyChunk} host call), so the stream is read no faster than its reader takes the
 * chunks, and the time the stream's code takes is the invocation's CPU time. Cancelling runs the
 * stream's cancel in a turn too.
 */
final class IsolateBodyStream implements BodyStream {
    static final int CHUNK = 0;
    static final int END = 1;
    static final int ERROR = 2;

    private final IsolateTurns isolate;
    private final Invocation owner;
    private final int id;
    private final long length;
    // Guarded by this: the read in progress and whether the body is over.
    private CompletableFuture<Optional<byte[]>> pending;
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
        CompletableFuture<Optional<byte[]>> read = new CompletableFuture<>();
        synchronized (this) {
            if (brokenBecause != null) {
                return CompletableFuture.failedFuture(new BrokenBody(brokenBecause));
            }
            if (over) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            if (pending != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("a read of this body is in progress"));
            }
            pending = read;
        }
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
        return read;
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (over || brokenBecause != null) {
                return;
            }
            over = true;
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

    /** The JavaScript answered the read in progress: a chunk, the end, or the stream's error. */
    void answered(int state, byte[] chunk, String error) {
        CompletableFuture<Optional<byte[]>> read;
        synchronized (this) {
            read = pending;
            pending = null;
            if (state == END) {
                over = true;
            } else if (state == ERROR) {
                brokenBecause = "the worker's response body failed: " + error;
            }
        }
        if (read == null) {
            return;
        }
        switch (state) {
            case CHUNK -> read.complete(Optional.of(chunk));
            case END -> read.complete(Optional.empty());
            default -> read.completeExceptionally(new BrokenBody("the worker's response body failed: " + error));
        }
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
        }
        if (read != null) {
            read.completeExceptionally(new BrokenBody(why));
        }
    }
}
