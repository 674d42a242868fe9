package dev.tenantd.api;

import dev.tenantd.runtime.BodyBudget;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request's body, read only once the request is authenticated: its bytes, or for
 * multipart/form-data its file parts (form fields without a file name stay in the
 * request's form attributes). Everything is held in memory, within the body limit.
 *
 * <p>Vert.x Web's {@code BodyHandler} is not used: it streams every file part to a
 * temporary file as the part arrives, before any handler has seen the request;
 * it answers a body with too many parts with a server error; and it can leave those
 * files behind when a request fails half way or the client goes away. An upload is
 * compiled in V8 as a whole anyway, so holding its parts in memory costs no more than
 * reading the files back did, and no request ever writes to disk.
 */
final class RequestBody {
    /**
     * The most parts (file parts and form fields together) a multipart body may have;
     * the listener's multipart decoder (Vert.x's {@code maxFormFields}, 256 unless
     * configured) refuses more too.
     */
    static final int MAX_PARTS = 256;
    /** Room on top of the script size limit for metadata and multipart framing. */
    static final long FRAMING_BYTES = 1024 * 1024;

    private static final String KEY = "tenantd.request-body";
    private static final RequestBody EMPTY = new RequestBody(new byte[0], List.of(), MultiMap.caseInsensitiveMultiMap());

    /** A file part of a multipart body. {@code fileName} is empty when the part had none. */
    record Part(String name, String fileName, String contentType, byte[] content) {
    }

    private final byte[] bytes;
    private final List<Part> files;
    private final MultiMap fields;

    private RequestBody(byte[] bytes, List<Part> files, MultiMap fields) {
        this.bytes = bytes;
        this.files = List.copyOf(files);
        this.fields = fields;
    }

    /** The body read for this request (empty when it had none). */
    static RequestBody of(RoutingContext ctx) {
        RequestBody body = ctx.get(KEY);
        return body == null ? EMPTY : body;
    }

    /** The raw bytes; empty for multipart/form-data, whose content is in {@link #files()} and {@link #field}. */
    byte[] bytes() {
        return bytes;
    }

    List<Part> files() {
        return files;
    }

    /** A form field (a part without a file name). */
    Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    List<String> fieldNames() {
        return List.copyOf(fields.names());
    }

    /**
     * Refuses a body in which the part {@code name} (a field or a file part) appears more
     * than once: which one counts would be a guess.
     */
    void requireAtMostOnce(String name) {
        long count = files.stream().filter(p -> p.name().equals(name)).count() + fields.getAll(name).size();
        if (count > 1) {
            throw ApiError.partGivenTwice(name);
        }
    }

    /**
     * Refuses a body in which two parts (files or fields) have one name, for bodies whose
     * parts are keyed by name. (Script uploads are not: the SDK sends every module as a
     * part named {@code files}, told apart by file name.)
     */
    void requireDistinctNames() {
        Set<String> seen = new HashSet<>();
        for (Part p : files) {
            if (!seen.add(p.name())) {
                throw ApiError.partGivenTwice(p.name());
            }
        }
        for (Map.Entry<String, String> field : fields.entries()) {
            if (!seen.add(field.getKey())) {
                throw ApiError.partGivenTwice(field.getKey());
            }
        }
    }

    /**
     * The handler that reads the body of an authenticated request within
     * {@code scriptSizeBytes} plus {@link #FRAMING_BYTES}, then passes the request on;
     * a body it refuses is drained as {@link #refuse} says. The request must be paused
     * when it arrives here (the authentication does that).
     */
    static Handler<RoutingContext> reader(long uncompressedBytes, long scriptSizeBytes, long drainLimit, BodyBudget budget) {
        Handler<RoutingContext> upload = reader(saturatedAdd(uncompressedBytes, FRAMING_BYTES),
                ApiError.uploadTooLarge(uncompressedBytes, scriptSizeBytes), drainLimit, budget);
        Handler<RoutingContext> other = reader(saturatedAdd(scriptSizeBytes, FRAMING_BYTES),
                ApiError.bodyTooLarge(scriptSizeBytes), drainLimit, budget);
        // One asset file per request (the session's buckets hold one hash each), base64 encoded as wrangler sends it.
        long assetBytes = saturatedAdd(Math.max(scriptSizeBytes, (dev.tenantd.platform.Assets.MAX_FILE_BYTES + 2) / 3 * 4),
                FRAMING_BYTES);
        Handler<RoutingContext> asset = reader(assetBytes, ApiError.assetBodyTooLarge(assetBytes), drainLimit, budget);
        return ctx -> (isScriptUpload(ctx.request()) ? upload : isAssetUpload(ctx.request()) ? asset : other).handle(ctx);
    }

    /** The upload of asset files with a session's token: {@code POST .../workers/assets/upload}. */
    static boolean isAssetUpload(HttpServerRequest request) {
        return request.method() == io.vertx.core.http.HttpMethod.POST && ASSET_UPLOAD.matcher(request.path()).matches();
    }

    private static final java.util.regex.Pattern ASSET_UPLOAD = java.util.regex.Pattern.compile(
            "/client/v4/accounts/[^/]+/workers/assets/upload/?");

    /**
     * The requests that carry a script's modules, which may be {@link dev.tenantd.platform.Limits#UNCOMPRESSED_RATIO}
     * times the script size limit before compression: PUT of a script or of its content, POST of a version.
     * Every other body is held to the script size limit itself.
     */
    static boolean isScriptUpload(HttpServerRequest request) {
        String path = request.path();
        return (request.method() == io.vertx.core.http.HttpMethod.PUT && UPLOAD_PUT.matcher(path).matches())
                || (request.method() == io.vertx.core.http.HttpMethod.POST && UPLOAD_POST.matcher(path).matches());
    }

    private static final java.util.regex.Pattern UPLOAD_PUT = java.util.regex.Pattern.compile(
            "/client/v4/accounts/[^/]+/workers/(dispatch/namespaces/[^/]+/)?scripts/[^/]+(/content)?/?");
    private static final java.util.regex.Pattern UPLOAD_POST = java.util.regex.Pattern.compile(
            "/client/v4/accounts/[^/]+/workers/(dispatch/namespaces/[^/]+/)?scripts/[^/]+/versions/?");

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * The same for a body of at most {@code limit} bytes, refused with {@code tooLarge} beyond it.
     * What is read counts against {@code budget} (the server's bodies in flight) until the
     * request's answer is sent; a body that does not fit is refused with a 503.
     */
    static Handler<RoutingContext> reader(long limit, ApiError tooLarge, long drainLimit, BodyBudget budget) {
        return ctx -> {
            HttpServerRequest request = ctx.request();
            if (!hasBody(request)) {
                ctx.put(KEY, EMPTY);
                request.resume();
                ctx.next();
                return;
            }
            long declared = contentLength(request);
            if (declared > limit) {
                refuse(ctx, tooLarge, drainLimit);
                return;
            }
            new Reading(ctx, limit, tooLarge, drainLimit, budget).start();
        };
    }

    /**
     * Answers {@code error} to a request whose body has not been read (all of it, or
     * the rest). The unread body is read and dropped, up to {@code drainLimit} bytes,
     * so that a client still sending it gets to read the answer instead of a reset
     * connection; beyond that (or at once, when the declared length is beyond it) the
     * connection is closed.
     */
    static void refuse(RoutingContext ctx, ApiError error, long drainLimit) {
        HttpServerRequest request = ctx.request();
        boolean unread = hasBody(request) && !request.isEnded();
        if (unread) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            if (contentLength(request) > drainLimit) {
                ctx.response().endHandler(written -> request.connection().close());
            }
        }
        Envelope.error(ctx.response(), error);
        if (request.isEnded()) {
            return;
        }
        long[] dropped = {0};
        request.exceptionHandler(ignored -> { });
        request.endHandler(null);
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > drainLimit) {
                request.connection().close();
            }
        });
        request.resume();
    }

    private static boolean hasBody(HttpServerRequest request) {
        return contentLength(request) > 0 || request.version() == HttpVersion.HTTP_2
                || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One body being read. Every callback runs on the request's event loop. */
    private static final class Reading {
        private final RoutingContext ctx;
        private final HttpServerRequest request;
        private final long limit;
        private final ApiError tooLarge;
        private final long drainLimit;
        private final boolean multipart;
        private final BodyBudget budget;
        /** Bytes counted against the budget and not yet given back. */
        private final java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
        private final Buffer raw = Buffer.buffer();
        private final List<PartBuffer> parts = new ArrayList<>();
        private long received;
        private int partsStillArriving;
        private boolean ended;
        private boolean done;

        private record PartBuffer(String name, String fileName, String contentType, Buffer content) {
        }

        Reading(RoutingContext ctx, long limit, ApiError tooLarge, long drainLimit, BodyBudget budget) {
            this.ctx = ctx;
            this.budget = budget;
            this.request = ctx.request();
            this.limit = limit;
            this.tooLarge = tooLarge;
            this.drainLimit = drainLimit;
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            this.multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        }

        void start() {
            // the body is held until the answer is sent, or the connection closes
            ctx.addEndHandler(ignored -> giveBack());
            request.handler(this::chunk);
            request.endHandler(ignored -> {
                ended = true;
                finish();
            });
            request.exceptionHandler(this::failed);
            if (multipart) {
                try {
                    request.setExpectMultipart(true);
                } catch (RuntimeException e) {
                    refuse(ApiError.unreadableMultipart(firstLine(e) + " (send Content-Type: multipart/form-data; boundary=...)"));
                    return;
                }
                request.uploadHandler(this::part);
            }
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
                    && request.version() != HttpVersion.HTTP_1_0) {
                ctx.response().writeContinue();
            }
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            received += chunk.length();
            if (received > limit) {
                refuse(tooLarge);
                return;
            }
            // A body counts once it is past what the budget leaves uncounted (a deploy's JSON, a
            // secret): then all of it, from its first byte.
            long uncounted = received - counted.get();
            if (received >= BodyBudget.COUNTED_FROM && uncounted > 0) {
                if (!budget.reserve(uncounted)) {
                    refuse(ApiError.bodiesBusy(budget.refusal(Math.max(received, contentLength(request)))));
                    return;
                }
                counted.addAndGet(uncounted);
            }
            if (!multipart) {
                raw.appendBuffer(chunk);
            }
        }

        private void part(HttpServerFileUpload upload) {
            if (done) {
                return;
            }
            if (parts.size() + request.formAttributes().size() >= MAX_PARTS) {
                refuse(ApiError.tooManyParts(MAX_PARTS));
                return;
            }
            PartBuffer part = new PartBuffer(upload.name(), upload.filename() == null ? "" : upload.filename(),
                    upload.contentType() == null ? "" : upload.contentType(), Buffer.buffer());
            parts.add(part);
            partsStillArriving++;
            upload.handler(chunk -> {
                if (!done) {
                    part.content().appendBuffer(chunk);
                }
            });
            upload.exceptionHandler(this::failed);
            upload.endHandler(ignored -> {
                partsStillArriving--;
                finish();
            });
        }

        private void finish() {
            if (done || !ended || partsStillArriving > 0) {
                return;
            }
            MultiMap fields = multipart ? request.formAttributes() : MultiMap.caseInsensitiveMultiMap();
            if (parts.size() + fields.entries().size() > MAX_PARTS) {
                refuse(ApiError.tooManyParts(MAX_PARTS));
                return;
            }
            done = true;
            List<Part> files = new ArrayList<>(parts.size());
            for (PartBuffer p : parts) {
                files.add(new Part(p.name(), p.fileName(), p.contentType(), p.content().getBytes()));
            }
            ctx.put(KEY, new RequestBody(raw.getBytes(), files, fields));
            ctx.next();
        }

        private void failed(Throwable error) {
            if (done) {
                return;
            }
            if (error instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
                refuse(ApiError.tooManyParts(MAX_PARTS));
            } else if (error instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
                refuse(ApiError.unreadableMultipart("a part's headers are too long."));
            } else if (error instanceof DecoderException) {
                String why = firstLine(error.getCause() != null ? error.getCause() : error);
                refuse(ApiError.unreadableMultipart(why.contains("exceed")
                        ? "a form field without a file name is larger than the listener accepts (8192 bytes unless "
                                + "configured); send it as a file part, with a filename."
                        : why));
            } else {
                // The client went away or the connection broke: nothing was written anywhere, nobody to answer.
                done = true;
                parts.clear();
                giveBack();
            }
        }

        private void refuse(ApiError error) {
            done = true;
            parts.clear();
            giveBack();
            RequestBody.refuse(ctx, error, drainLimit);
        }

        private void giveBack() {
            budget.unreserve(counted.getAndSet(0));
        }

        private static String firstLine(Throwable e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return message.lines().findFirst().orElse("");
        }
    }
}
