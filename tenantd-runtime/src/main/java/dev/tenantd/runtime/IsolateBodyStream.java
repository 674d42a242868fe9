package dev.tenantd.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The body of a worker's response, read from the {@code ReadableStream} it gave. A read that finds
 * nothing waiting runs a turn of the worker's invocation that reads a chunk of the stream
 * ({@code pullBody}, answered by the {@code bodyChunk} host call). The JavaScript then reads on,
 * in the same turn, while the chunks it answers go to a reader that was waiting or wait here, up
 * to {@link #READ_AHEAD} bytes and {@link #READ_AHEAD_CHUNKS} chunks: a stream written a chunk at
 * a time (server-sent events, a chunked response) costs one turn per chunk, the turn that writes
 * it, and a stream made quickly in small chunks (an HTML rewriter's output, a text encoder's) is
 * read many chunks per turn and leaves in pieces of up to {@link BodyStream#CHUNK_BYTES}. Past
 * that the stream waits for its reader: it is never read further ahead of it. The stream is read
 * on in a turn of its own invocation only; the time its code takes is that invocation's CPU time.
 * Cancelling runs the stream's cancel in a turn too.
 */
final class IsolateBodyStream implements BodyStream {
    static final int CHUNK = 0;
    static final int END = 1;
    static final int ERROR = 2;
    /** Bytes the JavaScript reads ahead of the body's reader at most (plus the chunk that passes it). */
    static final int READ_AHEAD = 16 * 1024;
    /**
     * Chunks it reads ahead at most: each is a host call, and a stream of tiny chunks would
     * otherwise make one turn of thousands.
     */
    static final int READ_AHEAD_CHUNKS = 64;

    private final IsolateTurns isolate;
    private final Invocation owner;
    private final int id;
    private final long length;
    // Guarded by this: the read in progress, the chunks that came before their reader asked for
    // them, whether the JavaScript is reading the stream (and will answer without being asked
    // again), and whether the body is over.
    private CompletableFuture<Optional<byte[]>> pending;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private int readyBytes;
    private boolean pulling;
    private boolean over;
    private String brokenBecause;
    /** Bytes the JavaScript gave so far, held to {@link #length} when that is known. */
    private long given;
    /** Told once, when the body is over (read to its end, failed, broken off or cancelled). */
    private Runnable whenOver;
    private boolean toldOver;

    IsolateBodyStream(IsolateTurns isolate, Invocation owner, int id, long length) {
        this.isolate = isolate;
        this.owner = owner;
        this.id = id;
        this.length = length;
    }

    int id() {
        return id;
    }

    /** {@code action} runs once the body is over, at once if it is already: on the thread that ended it. */
    void whenOver(Runnable action) {
        boolean now;
        synchronized (this) {
            whenOver = action;
            now = over || brokenBecause != null;
        }
        if (now) {
            tellOver();
        }
    }

    private void tellOver() {
        Runnable action;
        synchronized (this) {
            if (toldOver || whenOver == null || !(over || brokenBecause != null)) {
                return;
            }
            toldOver = true;
            action = whenOver;
        }
        action.run();
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
            if (!ready.isEmpty()) {
                read = CompletableFuture.completedFuture(Optional.of(takeReady()));
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

    /** The chunks waiting, as one piece of at most {@link BodyStream#CHUNK_BYTES} (or the first alone, if larger). Called holding this. */
    private byte[] takeReady() {
        byte[] first = ready.poll();
        int size = first.length;
        for (byte[] next : ready) {
            if (size + next.length > CHUNK_BYTES) {
                break;
            }
            size += next.length;
        }
        byte[] piece = first;
        if (size > first.length) {
            piece = Arrays.copyOf(first, size);
            for (int filled = first.length; filled < size; ) {
                byte[] next = ready.poll();
                System.arraycopy(next, 0, piece, filled, next.length);
                filled += next.length;
            }
        }
        readyBytes -= size;
        return piece;
    }

    /**
     * Whether a pull turn must be posted: the JavaScript is not reading the stream already and
     * may read ahead. Called holding this.
     */
    private boolean startPull() {
        if (pulling || over || brokenBecause != null || !roomAhead()) {
            return false;
        }
        pulling = true;
        return true;
    }

    /** Whether the chunks waiting leave room to read another ahead. Called holding this. */
    private boolean roomAhead() {
        return readyBytes < READ_AHEAD && ready.size() < READ_AHEAD_CHUNKS;
    }

    private void postPull() {
        isolate.post(() -> {
            if (isolate.closed() || owner.finished) {
                brokenOff("the worker's invocation ended before its response body did");
                return;
            }
            isolate.turn(owner, () -> {
                isolate.entry().invokeVoid("pullBody", isolate.runtime().createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                        isolate.runtime().createV8ValueInteger(id));
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
            ready.clear();
            readyBytes = 0;
            pulling = false;
        }
        postCancel();
        tellOver();
    }

    /** Runs the stream's cancel in a turn of its invocation, so that the JavaScript lets it go. */
    private void postCancel() {
        isolate.post(() -> {
            if (!isolate.closed() && !owner.finished) {
                isolate.turn(owner, () -> {
                    isolate.entry().invokeVoid("cancelBody",
                            isolate.runtime().createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                            isolate.runtime().createV8ValueInteger(id));
                });
            }
        });
    }

    /**
     * The JavaScript answered: a chunk, the end, or the stream's error. For a chunk, whether it is
     * to read on and answer again as soon as the stream has the next one, without a pull turn:
     * only while {@code inOwnersTurn} (the turn that made the chunk is one of this body's
     * invocation, which the reading on is then part of) and the chunks waiting for their reader
     * leave room for another ({@link #roomAhead}).
     */
    boolean answered(int state, byte[] chunk, String error, boolean inOwnersTurn) {
        CompletableFuture<Optional<byte[]>> read;
        boolean readOn = false;
        boolean cancelStream = false;
        synchronized (this) {
            read = pending;
            pending = null;
            pulling = false;
            // A body whose length was declared (its Content-Length) is held to it: sent on a
            // connection, bytes past it would be read as another request, and a body cut short
            // would leave the receiver waiting. Either breaks the body instead.
            String mismatch = null;
            if (state == CHUNK && length >= 0 && (given += chunk.length) > length) {
                mismatch = "the body is longer than the " + length + " bytes its Content-Length header says";
            } else if (state == END && length >= 0 && given < length) {
                mismatch = "the body ended after " + given + " of the " + length + " bytes its Content-Length header says";
            }
            if (mismatch != null) {
                // A stream that gave too much reads on unless cancelled; one that ended is done.
                cancelStream = state == CHUNK && !over && brokenBecause == null;
                state = ERROR;
                error = mismatch;
                ready.clear();
                readyBytes = 0;
            }
            if (state == CHUNK) {
                boolean wanted = !over && brokenBecause == null; // not cancelled meanwhile
                if (read == null && wanted) {
                    ready.add(chunk);
                    readyBytes += chunk.length;
                }
                if (wanted && inOwnersTurn && roomAhead()) {
                    pulling = true;
                    readOn = true;
                }
            } else if (state == END) {
                over = true;
            } else if (!over && brokenBecause == null) {
                brokenBecause = "the worker's body failed: " + error;
            }
        }
        if (read != null) {
            switch (state) {
                case CHUNK -> read.complete(Optional.of(chunk));
                case END -> read.complete(Optional.empty());
                default -> read.completeExceptionally(new BrokenBody("the worker's body failed: " + error));
            }
        }
        if (cancelStream) {
            // The JavaScript sent a chunk and reads on: it is told the stream is no longer wanted.
            postCancel();
        }
        if (state != CHUNK) {
            tellOver();
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
        tellOver();
    }
}
