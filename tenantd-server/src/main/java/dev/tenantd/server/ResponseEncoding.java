package dev.tenantd.server;

import dev.tenantd.runtime.BodyStream;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.ZlibStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The content coding of a worker's response on its way to the client, as Cloudflare's edge
 * chooses it: a response the worker (or its origin) gzipped goes out gzipped to a client
 * that accepts gzip and is decoded for one that does not; a plain response of a compressible
 * type goes out gzipped to a client that accepts gzip. Either way the body passes through
 * zlib in pieces of {@link #PIECE} bytes, at the pace the connection takes them, so a small
 * gzip that expands to gigabytes never exists whole.
 */
final class ResponseEncoding {
    /** The most bytes one step of the pump hands to the connection. */
    static final int PIECE = 64 * 1024;
    /** Bodies smaller than this are sent as they are: compressing them gains nothing. */
    static final int SMALLEST_COMPRESSED = 256;
    private static final int PIECES_PER_TURN = 4;

    private static final Set<String> COMPRESSIBLE = Set.of("application/json", "application/javascript",
            "application/x-javascript", "application/ecmascript", "application/xml", "application/wasm",
            "application/x-ndjson", "application/graphql-response+json", "application/vnd.ms-fontobject",
            "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon", "image/bmp", "font/ttf", "font/otf",
            "font/eot");

    /** What happens to a response body. */
    enum Choice {
        /** Sent as the worker answered it. */
        AS_IS,
        /** Gzipped by the worker, decoded for a client that does not accept gzip. */
        DECODE,
        /** Plain and compressible, gzipped for a client that accepts gzip. */
        ENCODE
    }

    private ResponseEncoding() {
    }

    static Choice choose(String method, Optional<String> acceptEncoding, WorkerResponse response) {
        long length = response.stream().map(BodyStream::length).orElse((long) response.body().length);
        if (method.equals("HEAD") || length == 0) {
            return Choice.AS_IS;
        }
        boolean accepts = acceptEncoding.map(ResponseEncoding::acceptsGzip).orElse(false);
        Optional<String> coding = response.header("content-encoding");
        if (coding.isPresent()) {
            return coding.get().equalsIgnoreCase("gzip") && !accepts ? Choice.DECODE : Choice.AS_IS;
        }
        int status = response.status();
        boolean compressible = accepts && status >= 200 && status < 300 && status != 204 && status != 206
                && (length < 0 || length >= SMALLEST_COMPRESSED)
                && response.header("content-type").map(ResponseEncoding::compressibleType).orElse(false)
                && !response.header("cache-control").map(c -> c.toLowerCase(Locale.ROOT).contains("no-transform")).orElse(false);
        return compressible ? Choice.ENCODE : Choice.AS_IS;
    }

    /** Whether an Accept-Encoding header admits gzip (by name or by {@code *}), with a q above zero. */
    static boolean acceptsGzip(String header) {
        boolean star = false;
        for (String item : header.split(",")) {
            String[] parts = item.trim().split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(p.substring(2).trim()) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (name.equals("gzip") || name.equals("x-gzip")) {
                return !refused;
            }
            if (name.equals("*")) {
                star = !refused;
            }
        }
        return star;
    }

    static boolean compressibleType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || COMPRESSIBLE.contains(type) || type.endsWith("+json") || type.endsWith("+xml");
    }

    /** A streamed body as the choice sends it. */
    static BodyStream coded(Choice choice, BodyStream body) {
        return switch (choice) {
            case AS_IS -> body;
            case ENCODE -> CodedBodyStream.encoding(body);
            case DECODE -> CodedBodyStream.decoding(body);
        };
    }

    /** The headers to send with the body once it is re-coded (the response's own headers, adjusted). */
    static List<String> headers(Choice choice, List<String> headers) {
        List<String> out = new java.util.ArrayList<>(headers.size() + 4);
        boolean vary = false;
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            String name = headers.get(i);
            if (name.equalsIgnoreCase("content-encoding") && choice == Choice.DECODE) {
                continue;
            }
            if (name.equalsIgnoreCase("vary") && choice == Choice.ENCODE) {
                vary = true;
                String value = headers.get(i + 1);
                if (!value.toLowerCase(Locale.ROOT).contains("accept-encoding") && !value.trim().equals("*")) {
                    value = value + ", Accept-Encoding";
                }
                out.add(name);
                out.add(value);
                continue;
            }
            if (name.equalsIgnoreCase("etag") && headers.get(i + 1).startsWith("\"")) {
                // The bytes are no longer those the strong validator named (RFC 9110 8.8.3): as
                // Cloudflare does, it goes on weak, so that no range of one coding is taken for the other's.
                out.add(name);
                out.add("W/" + headers.get(i + 1));
                continue;
            }
            out.add(name);
            out.add(headers.get(i + 1));
        }
        if (choice == Choice.ENCODE) {
            out.add("content-encoding");
            out.add("gzip");
            if (!vary) {
                out.add("vary");
                out.add("Accept-Encoding");
            }
        }
        return out;
    }

    /**
     * Sends {@code body} through zlib (gzip or gunzip by {@code choice}), a few pieces of input
     * and of output per event-loop turn and only as fast as the connection drains; {@code written} counts the
     * coded bytes handed to the connection; {@code done} runs once, when the body is sent or the
     * connection is gone. A body that does not decode ends the connection (the head is already out).
     */
    static void send(Context context, HttpServerResponse out, Choice choice, byte[] body,
            java.util.concurrent.atomic.AtomicLong written, Runnable done) {
        ZlibStream zlib = choice == Choice.ENCODE
                ? ZlibStream.compressor(ZlibStream.Format.GZIP, ZlibStream.DEFAULT_LEVEL)
                : ZlibStream.hostDecompressor(ZlibStream.Strictness.LENIENT);
        CompressionGuard guard = choice == Choice.ENCODE ? new CompressionGuard(zlib) : null;
        AtomicBoolean over = new AtomicBoolean();
        Runnable finish = () -> {
            if (over.compareAndSet(false, true)) {
                zlib.close();
                done.run();
            }
        };
        out.setChunked(true);
        out.closeHandler(v -> finish.run());
        new Object() {
            /** Input handed to zlib so far: a piece at a time, so that no turn codes more than a piece of it. */
            int fed;

            void feed() {
                int end = Math.min(body.length, fed + PIECE);
                if (guard != null) {
                    guard.input(end - fed);
                }
                zlib.write(java.util.Arrays.copyOfRange(body, fed, end),
                        end == body.length ? ZlibStream.Flush.FINISH : ZlibStream.Flush.NONE);
                fed = end;
            }

            void pump() {
                if (over.get()) {
                    return;
                }
                for (int i = 0; i < PIECES_PER_TURN; i++) {
                    if (out.writeQueueFull()) {
                        out.drainHandler(v -> pump());
                        return;
                    }
                    byte[] piece;
                    try {
                        piece = zlib.read(PIECE);
                    } catch (ZlibStream.DataException e) {
                        finish.run();
                        out.reset();
                        return;
                    }
                    if (piece.length == 0) {
                        if (fed < body.length && !zlib.ended()) {
                            feed(); // zlib wants more input: the next piece, on the next pass
                            continue;
                        }
                        finish.run();
                        out.end();
                        return;
                    }
                    written.addAndGet(piece.length);
                    if (guard != null) {
                        guard.output(piece.length);
                    }
                    out.write(Buffer.buffer(piece));
                }
                context.runOnContext(v -> pump());
            }

            void start() {
                feed();
                pump();
            }
        }.start();
    }
}
