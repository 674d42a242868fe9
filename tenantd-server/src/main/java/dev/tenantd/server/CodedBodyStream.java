package dev.tenantd.server;

import dev.tenantd.runtime.BodyStream;
import dev.tenantd.runtime.ZlibStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A streamed body passed through zlib on its way to the client, chunk by chunk: gzipped for a
 * client that accepts gzip (each chunk flushed, so an event stream's events are not held back),
 * or gunzipped for one that does not. One read of the source at a time, as its reader asks.
 */
final class CodedBodyStream implements BodyStream {
    private final BodyStream source;
    private final ZlibStream zlib;
    private final ZlibStream.Flush eachChunk;
    /** For an encoding: what keeps its cost near what the client downloads; null for a decoding. */
    private final CompressionGuard guard;
    private boolean finished;
    private boolean closed;

    private CodedBodyStream(BodyStream source, ZlibStream zlib, ZlibStream.Flush eachChunk, boolean encoding) {
        this.source = source;
        this.zlib = zlib;
        this.eachChunk = eachChunk;
        this.guard = encoding ? new CompressionGuard(zlib) : null;
    }

    static BodyStream encoding(BodyStream source) {
        return new CodedBodyStream(source, ZlibStream.compressor(ZlibStream.Format.GZIP, ZlibStream.DEFAULT_LEVEL),
                ZlibStream.Flush.SYNC, true);
    }

    static BodyStream decoding(BodyStream source) {
        return new CodedBodyStream(source, ZlibStream.hostDecompressor(ZlibStream.Strictness.LENIENT),
                ZlibStream.Flush.NONE, false);
    }

    @Override
    public synchronized CompletableFuture<Optional<byte[]>> read() {
        if (closed) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        byte[] out;
        try {
            out = zlib.read(CHUNK_BYTES);
        } catch (ZlibStream.DataException e) {
            close();
            source.cancel();
            return CompletableFuture.failedFuture(new BrokenBody(e.getMessage()));
        }
        if (out.length > 0) {
            if (guard != null) {
                guard.output(out.length);
            }
            return CompletableFuture.completedFuture(Optional.of(out));
        }
        if (finished) {
            close();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (zlib.ended()) {
            // The coded data ended before its source said it was over (the gzip member's last
            // bytes came in the last chunk): the source is read once more, so that it ends, and
            // cancelled if bytes follow, which are dropped. Either way whatever it holds (a
            // worker's invocation, a share of a dispatch worker) is let go.
            finished = true;
            close();
            source.read().whenComplete((chunk, error) -> {
                if (error == null && chunk.isPresent()) {
                    source.cancel();
                }
            });
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return source.read().thenCompose(chunk -> {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.completedFuture(Optional.<byte[]>empty());
                }
                if (chunk.isEmpty()) {
                    finished = true;
                    zlib.write(new byte[0], ZlibStream.Flush.FINISH);
                } else {
                    if (guard != null) {
                        guard.input(chunk.get().length);
                    }
                    zlib.write(chunk.get(), eachChunk);
                }
            }
            return read();
        }).whenComplete((chunk, error) -> {
            if (error != null) {
                synchronized (this) {
                    close();
                }
            }
        });
    }

    @Override
    public synchronized void cancel() {
        close();
        source.cancel();
    }

    private void close() {
        if (!closed) {
            closed = true;
            zlib.close();
        }
    }
}
