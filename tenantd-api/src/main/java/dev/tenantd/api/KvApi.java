package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.kv.KvEntry;
import dev.tenantd.platform.kv.KvException;
import dev.tenantd.platform.kv.KvExpiry;
import dev.tenantd.platform.kv.KvKey;
import dev.tenantd.platform.kv.KvLimits;
import dev.tenantd.platform.kv.KvNamespace;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.kv.KvWrite;
import dev.tenantd.runtime.BodyBudget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers KV under {@code /accounts/{a}/storage/kv/namespaces}: namespaces, keys, values
 * with metadata, and bulk writes and deletes. Its routes read their own bodies, within
 * KV's limits rather than the script size limit, so they are mounted after the token
 * check and before the API's body reader. KV calls answer as futures: no handler waits.
 */
final class KvApi {
    private static final Logger LOG = LoggerFactory.getLogger(KvApi.class);
    /** A single value and its multipart framing and metadata. */
    static final long VALUE_BODY_BYTES = KvLimits.MAX_VALUE_BYTES + RequestBody.FRAMING_BYTES;
    /** A bulk write: Cloudflare takes up to 100 MB in one request. */
    static final long BULK_BODY_BYTES = 100L * 1024 * 1024;
    private static final long SMALL_BODY_BYTES = 1024 * 1024;
    static final String BASE = ControlApi.PREFIX + "/accounts/:account/storage/kv/namespaces";

    private final Vertx vertx;
    private final KvService kv;
    private final Function<RoutingContext, String> account;
    private final long drainLimit;
    private final BodyBudget bodies;

    /** The answer to a request: a result for the envelope, with result_info when it has one. */
    /** What a route answers: a result for the envelope, or the whole envelope already written. */
    private record Reply(JsonNode result, Optional<ObjectNode> info, byte[] envelope) {
        static Reply of(JsonNode result) {
            return new Reply(result, Optional.empty(), null);
        }

        static Reply of(JsonNode result, ObjectNode info) {
            return new Reply(result, Optional.of(info), null);
        }

        static Reply written(byte[] envelope) {
            return new Reply(null, Optional.empty(), envelope);
        }

        byte[] bytes() {
            return envelope != null ? envelope : Envelope.okBytes(result, info.orElse(null));
        }
    }

    @FunctionalInterface
    private interface Action {
        CompletableFuture<Reply> run(RoutingContext ctx, String accountId);
    }

    private KvApi(Vertx vertx, KvService kv, Function<RoutingContext, String> account, long drainLimit,
            BodyBudget bodies) {
        this.vertx = vertx;
        this.kv = kv;
        this.account = account;
        this.drainLimit = drainLimit;
        this.bodies = bodies;
    }

    /**
     * Mounts the KV routes. {@code account} checks the request's account against its token
     * (it may block); {@code drainLimit} is how much of a refused body is read and dropped;
     * bodies being read count against {@code bodies}.
     */
    static void mount(Router router, Vertx vertx, KvService kv, Function<RoutingContext, String> account, long drainLimit,
            BodyBudget bodies) {
        new KvApi(vertx, kv, account, drainLimit, bodies).routes(router);
    }

    /**
     * Whether segment {@code index} of a raw API path (split at '/') is a KV key, which may
     * hold any character (a '/' arrives as %2F); dot segments stay refused, as the router
     * would resolve them.
     */
    static boolean isKeySegment(String[] segments, int index) {
        return segments.length == 11 && index == 10 && segments[5].equals("storage") && segments[6].equals("kv")
                && segments[7].equals("namespaces") && (segments[9].equals("values") || segments[9].equals("metadata"));
    }

    private void routes(Router router) {
        String ns = BASE + "/:ns";
        handle(router, HttpMethod.GET, BASE, SMALL_BODY_BYTES, this::listNamespaces);
        handle(router, HttpMethod.POST, BASE, SMALL_BODY_BYTES, (ctx, a) -> kv.createNamespace(a, title(ctx))
                .thenApply(n -> Reply.of(namespaceJson(n))));
        handle(router, HttpMethod.GET, ns, SMALL_BODY_BYTES, (ctx, a) -> kv.namespace(a, ctx.pathParam("ns"))
                .thenApply(n -> Reply.of(namespaceJson(n))));
        handle(router, HttpMethod.PUT, ns, SMALL_BODY_BYTES, (ctx, a) -> kv.renameNamespace(a, ctx.pathParam("ns"), title(ctx))
                .thenApply(n -> Reply.of(namespaceJson(n))));
        handle(router, HttpMethod.DELETE, ns, SMALL_BODY_BYTES, (ctx, a) -> kv.deleteNamespace(a, ctx.pathParam("ns"))
                .thenApply(done -> Reply.of(Envelope.JSON.createObjectNode())));
        handle(router, HttpMethod.GET, ns + "/keys", SMALL_BODY_BYTES, this::listKeys);
        router.route(HttpMethod.GET, ns + "/values/:key").handler(reader(SMALL_BODY_BYTES)).handler(this::getValue);
        handle(router, HttpMethod.PUT, ns + "/values/:key", VALUE_BODY_BYTES, this::putValue);
        handle(router, HttpMethod.DELETE, ns + "/values/:key", SMALL_BODY_BYTES, (ctx, a) -> kv.delete(a, ctx.pathParam("ns"),
                List.of(ctx.pathParam("key"))).thenApply(done -> Reply.of(Envelope.JSON.createObjectNode())));
        handle(router, HttpMethod.GET, ns + "/metadata/:key", SMALL_BODY_BYTES, (ctx, a) -> kv.get(a, ctx.pathParam("ns"),
                ctx.pathParam("key")).thenApply(found -> Reply.of(metadataJson(found.orElseThrow(ApiError::kvKeyNotFound)))));
        handle(router, HttpMethod.PUT, ns + "/bulk", BULK_BODY_BYTES, this::bulkPut);
        handle(router, HttpMethod.POST, ns + "/bulk/delete", BULK_BODY_BYTES, this::bulkDelete);
        handle(router, HttpMethod.DELETE, ns + "/bulk", BULK_BODY_BYTES, this::bulkDelete);
        handle(router, HttpMethod.POST, ns + "/bulk/get", BULK_BODY_BYTES, this::bulkGet);
    }

    // ---- namespaces

    private CompletableFuture<Reply> listNamespaces(RoutingContext ctx, String accountId) {
        int page = intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
        int perPage = intParam(ctx, "per_page", 20, 1, 1000);
        Comparator<KvNamespace> order = switch (Optional.ofNullable(ctx.queryParams().get("order")).orElse("title")) {
            case "title" -> Comparator.comparing(KvNamespace::title).thenComparing(KvNamespace::id);
            case "id" -> Comparator.comparing(KvNamespace::id);
            default -> throw ApiError.invalidQuery("order", ctx.queryParams().get("order"), "use 'id' or 'title'");
        };
        String direction = Optional.ofNullable(ctx.queryParams().get("direction")).orElse("asc");
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw ApiError.invalidQuery("direction", direction, "use 'asc' or 'desc'");
        }
        Comparator<KvNamespace> sorted = direction.equals("desc") ? order.reversed() : order;
        return kv.namespaces(accountId).thenApply(all -> {
            List<KvNamespace> ordered = all.stream().sorted(sorted).toList();
            long from = Math.min((long) (page - 1) * perPage, ordered.size());
            List<KvNamespace> slice = ordered.subList((int) from, (int) Math.min(from + perPage, ordered.size()));
            ArrayNode list = Envelope.JSON.createArrayNode();
            slice.forEach(n -> list.add(namespaceJson(n)));
            ObjectNode info = Envelope.JSON.createObjectNode().put("page", page).put("per_page", perPage)
                    .put("count", slice.size()).put("total_count", ordered.size())
                    .put("total_pages", (ordered.size() + perPage - 1) / perPage);
            return Reply.of(list, info);
        });
    }

    private static String title(RoutingContext ctx) {
        JsonNode title = jsonBody(ctx).path("title");
        if (!title.isTextual()) {
            throw ApiError.invalidJsonBody("Send a JSON body with the namespace's title: {\"title\": \"my-namespace\"}.");
        }
        return title.asText();
    }

    static ObjectNode namespaceJson(KvNamespace n) {
        return Envelope.JSON.createObjectNode().put("id", n.id()).put("title", n.title()).put("supports_url_encoding", true);
    }

    // ---- keys and values

    private CompletableFuture<Reply> listKeys(RoutingContext ctx, String accountId) {
        String prefix = Optional.ofNullable(ctx.queryParams().get("prefix")).orElse("");
        int limit = intParam(ctx, "limit", KvLimits.MAX_LIST_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return kv.list(accountId, ctx.pathParam("ns"), prefix, limit, Optional.ofNullable(ctx.queryParams().get("cursor")))
                .thenApply(page -> {
                    ArrayNode keys = Envelope.JSON.createArrayNode();
                    page.keys().forEach(k -> keys.add(keyJson(k)));
                    ObjectNode info = Envelope.JSON.createObjectNode().put("count", page.keys().size())
                            .put("cursor", page.cursor().orElse(""));
                    return Reply.of(keys, info);
                });
    }

    static ObjectNode keyJson(KvKey k) {
        ObjectNode o = Envelope.JSON.createObjectNode().put("name", k.name());
        k.expiration().ifPresent(e -> o.put("expiration", e));
        k.metadata().ifPresent(m -> o.set("metadata", parseStored(m)));
        return o;
    }

    private static JsonNode metadataJson(KvEntry entry) {
        return entry.metadata().map(KvApi::parseStored).orElse(Envelope.JSON.nullNode());
    }

    /** Metadata as stored: JSON the service wrote itself. */
    static JsonNode parseStored(String json) {
        try {
            return Envelope.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored KV metadata is not JSON", e);
        }
    }

    private void getValue(RoutingContext ctx) {
        Context context = Vertx.currentContext();
        offLoop(ctx, accountId -> kv.get(accountId, ctx.pathParam("ns"), ctx.pathParam("key")))
                .whenComplete((found, error) -> context.runOnContext(v -> {
                    if (error != null) {
                        respondError(ctx, error);
                    } else if (found.isEmpty()) {
                        Envelope.error(ctx.response(), ApiError.kvKeyNotFound());
                    } else {
                        KvEntry entry = found.get();
                        CountedAnswer.send(ctx, bodies, 200, "application/octet-stream", entry.value(), entry.expiration().isPresent()
                                ? new String[] {"expiration", Long.toString(entry.expiration().getAsLong())} : new String[0]);
                    }
                }));
    }

    private CompletableFuture<Reply> putValue(RoutingContext ctx, String accountId) {
        RequestBody body = RequestBody.of(ctx);
        byte[] value;
        Optional<String> metadata = Optional.empty();
        if (body.files().isEmpty() && body.fieldNames().isEmpty()) {
            value = body.bytes();
        } else {
            body.requireDistinctNames();
            value = part(body, "value").orElseThrow(() -> ApiError.invalidJsonBody(
                    "A multipart body needs a part named 'value' with the value (and may have one named 'metadata' with JSON)."));
            metadata = part(body, "metadata").map(bytes -> new String(bytes, StandardCharsets.UTF_8));
        }
        KvWrite write = kv.write(ctx.pathParam("key"), value, KvExpiry.fromStrings(
                Optional.ofNullable(ctx.queryParams().get("expiration")),
                Optional.ofNullable(ctx.queryParams().get("expiration_ttl"))), metadata);
        return kv.put(accountId, ctx.pathParam("ns"), List.of(write)).thenApply(done -> Reply.of(Envelope.JSON.createObjectNode()));
    }

    private static Optional<byte[]> part(RequestBody body, String name) {
        Optional<byte[]> file = body.files().stream().filter(p -> p.name().equals(name)).findFirst().map(RequestBody.Part::content);
        return file.or(() -> body.field(name).map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- bulk

    private CompletableFuture<Reply> bulkPut(RoutingContext ctx, String accountId) {
        List<KvWrite> writes = KvBulk.writes(kv, RequestBody.of(ctx).bytes());
        return kv.put(accountId, ctx.pathParam("ns"), writes).thenApply(done -> Reply.of(bulkResult(writes.size())));
    }

    private CompletableFuture<Reply> bulkDelete(RoutingContext ctx, String accountId) {
        List<String> keys = KvBulk.keys(RequestBody.of(ctx).bytes());
        return kv.delete(accountId, ctx.pathParam("ns"), keys).thenApply(done -> Reply.of(bulkResult(keys.size())));
    }

    private CompletableFuture<Reply> bulkGet(RoutingContext ctx, String accountId) {
        KvBulk.Lookup lookup = KvBulk.lookup(RequestBody.of(ctx).bytes());
        return kv.getMany(accountId, ctx.pathParam("ns"), lookup.keys()).thenApply(found -> Reply.written(lookup.answer(found)));
    }

    private static ObjectNode bulkResult(int count) {
        ObjectNode r = Envelope.JSON.createObjectNode().put("successful_key_count", count);
        r.putArray("unsuccessful_keys");
        return r;
    }

    // ---- plumbing

    private static JsonNode jsonBody(RoutingContext ctx) {
        JsonNode node = json(ctx);
        if (!node.isObject()) {
            throw ApiError.invalidJsonBody("The request body must be a JSON object.");
        }
        return node;
    }

    private static JsonNode json(RoutingContext ctx) {
        byte[] body = RequestBody.of(ctx).bytes();
        if (body.length == 0) {
            throw ApiError.invalidJsonBody("The request has no body; send JSON.");
        }
        try {
            return Envelope.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiError.invalidJsonBody("The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static int intParam(RoutingContext ctx, String name, int absent, int min, int max) {
        String value = ctx.queryParams().get(name);
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidQuery(name, value, max == Integer.MAX_VALUE ? "send a whole number of at least " + min
                : "send a whole number from " + min + " to " + max);
    }

    private io.vertx.core.Handler<RoutingContext> reader(long limit) {
        return RequestBody.reader(limit, ApiError.kvBodyTooLarge(limit), drainLimit, bodies);
    }

    private void handle(Router router, HttpMethod method, String path, long bodyLimit, Action action) {
        router.route(method, path).handler(reader(bodyLimit)).handler(ctx -> {
            Context context = Vertx.currentContext();
            offLoop(ctx, accountId -> action.run(ctx, accountId)).whenComplete((reply, error) -> {
                if (error != null) {
                    context.runOnContext(v -> respondError(ctx, error));
                    return;
                }
                // Written here, off the event loop: a bulk read's answer may be tens of megabytes.
                byte[] bytes;
                try {
                    bytes = reply.bytes();
                } catch (RuntimeException e) {
                    context.runOnContext(v -> respondError(ctx, e));
                    return;
                }
                context.runOnContext(v -> CountedAnswer.send(ctx, bodies, 200, Envelope.JSON_TYPE, bytes));
            });
        });
    }

    /**
     * Checks the account and starts the KV call on a worker thread, not the event loop: both
     * may take time (the account lookup reads the database; a bulk body of up to 100 MiB is
     * parsed and checked before the call). Anything thrown becomes the failed future.
     */
    private <T> CompletableFuture<T> offLoop(RoutingContext ctx, Function<String, CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.executeBlocking(() -> call.apply(account.apply(ctx)), false).onComplete(started -> {
            if (started.failed()) {
                result.completeExceptionally(started.cause());
            } else {
                started.result().whenComplete((value, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(value);
                    }
                });
            }
        });
        return result;
    }

    private static void respondError(RoutingContext ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiError api) {
            Envelope.error(ctx.response(), api);
        } else if (cause instanceof KvException e) {
            Envelope.error(ctx.response(), ApiError.kv(e));
        } else if (cause instanceof PlatformException p) {
            Envelope.error(ctx.response(), ApiError.of(p.problem(), p.getMessage()));
        } else {
            LOG.error("KV request {} {} failed", ctx.request().method(), ctx.request().path(), cause);
            Envelope.error(ctx.response(), ApiError.internal());
        }
    }
}
