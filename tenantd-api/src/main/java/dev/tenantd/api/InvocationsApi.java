package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.observability.InvocationCursor;
import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationPage;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.store.InvocationStore;
import dev.tenantd.runtime.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tenantd.platform.observability.AnalyticsThreads;
import io.vertx.core.Future;

/**
 * The logs API: an account's invocation records under
 * {@code /accounts/{a}/workers/observability/invocations}, filtered and newest first with an
 * opaque cursor, and one record with the whole chain of its client request. Store reads run
 * on the analytics threads, in the token's account's line ({@link AnalyticsThreads}), never on
 * an event loop or the worker pool the rest of the API shares.
 */
final class InvocationsApi {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationsApi.class);
    static final String BASE = ControlApi.PREFIX + "/accounts/:account/workers/observability/invocations";
    private static final Set<String> FILTERS = Set.of("namespace", "script", "tag", "outcome", "status", "since", "until",
            "q", "request_id", "limit", "cursor");
    private static final Set<String> OUTCOMES = Arrays.stream(Outcome.values()).map(Outcome::wireName)
            .collect(Collectors.toUnmodifiableSet());
    /** The longest text filter or name taken; longer ones cannot match anything stored. */
    private static final int MAX_FILTER_CHARS = 256;

    private final Vertx vertx;
    private final Platform platform;
    private final Function<RoutingContext, String> account;
    private final AnalyticsThreads threads;

    private InvocationsApi(Vertx vertx, Platform platform, Function<RoutingContext, String> account, AnalyticsThreads threads) {
        this.vertx = vertx;
        this.platform = platform;
        this.account = account;
        this.threads = threads;
    }

    /** Mounts the routes, behind the token check; {@code account} checks the path's account against the token. */
    static void mount(Router router, Vertx vertx, Platform platform, Function<RoutingContext, String> account,
            AnalyticsThreads threads) {
        InvocationsApi api = new InvocationsApi(vertx, platform, account, threads);
        router.get(BASE).handler(ctx -> api.respond(ctx, api::list));
        router.get(BASE + "/:id").handler(ctx -> api.respond(ctx, api::one));
    }

    @FunctionalInterface
    private interface Action {
        JsonNode run(RoutingContext ctx, String accountId);
    }

    private void respond(RoutingContext ctx, Action action) {
        // The answer (up to a page of records with their logs, megabytes) is written out on the
        // analytics thread too; the event loop only hands it to the connection.
        Future.fromCompletionStage(threads.run(ctx.get("account"), () -> Envelope.okBytes(action.run(ctx, account.apply(ctx)),
                ctx.get(Paging.RESULT_INFO))), vertx.getOrCreateContext()).onSuccess(bytes -> {
                    if (!ctx.response().ended() && !ctx.response().closed()) {
                        Envelope.guarded(ctx.response()).putHeader("content-type", Envelope.JSON_TYPE)
                                .end(io.vertx.core.buffer.Buffer.buffer(bytes));
                    }
                }).onFailure(failure -> {
            Throwable error = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (error instanceof AnalyticsThreads.Busy busy) {
                Envelope.error(ctx.response(), new ApiError(503, 10503, busy.getMessage()));
            } else if (error instanceof ApiError api) {
                Envelope.error(ctx.response(), api);
            } else if (error instanceof PlatformException p) {
                Envelope.error(ctx.response(), ApiError.of(p.problem(), p.getMessage()));
            } else {
                LOG.error("invocations API request {} failed", ctx.request().path(), error);
                Envelope.error(ctx.response(), ApiError.internal());
            }
        });
    }

    private Optional<InvocationStore> store() {
        return platform.invocations().store();
    }

    private JsonNode list(RoutingContext ctx, String accountId) {
        InvocationQuery query = ofCurrentHolders(query(ctx.queryParams(), accountId));
        InvocationPage page = store().map(s -> s.query(query)).orElse(new InvocationPage(List.of(), Optional.empty()));
        ArrayNode result = Envelope.JSON.createArrayNode();
        page.entries().forEach(e -> result.add(json(e)));
        ObjectNode info = Envelope.JSON.createObjectNode().put("count", page.entries().size());
        page.next().ifPresentOrElse(c -> info.put("cursor", c.token()), () -> info.putNull("cursor"));
        ctx.put(Paging.RESULT_INFO, info);
        return result;
    }

    /**
     * A query naming a namespace and a script, for the records of the namespace and the script
     * that have those names now: records are kept by name, and those from before either was
     * created are of a deleted one that had the name (another customer's, once a platform gives
     * a leaving customer's name to a new one). A query naming less reads every record it matches.
     */
    private InvocationQuery ofCurrentHolders(InvocationQuery query) {
        if (query.namespace().isEmpty() || query.script().isEmpty()) {
            return query;
        }
        Optional<dev.tenantd.platform.Namespace> namespace = platform.directory().namespace(query.accountId(),
                query.namespace().get());
        if (namespace.isEmpty()) {
            return query;
        }
        long floor = createdMillis(namespace.get().createdOn());
        Optional<dev.tenantd.platform.Script> script = platform.directory().script(new dev.tenantd.platform.ScriptRef(
                query.accountId(), namespace.get().id(), query.script().get()));
        if (script.isPresent()) {
            floor = Math.max(floor, createdMillis(script.get().createdOn()));
        }
        return query.sinceAtLeast(floor);
    }

    private static long createdMillis(String createdOn) {
        try {
            return java.time.Instant.parse(createdOn).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private JsonNode one(RoutingContext ctx, String accountId) {
        String id = ctx.pathParam("id");
        InvocationEntry entry = (id.length() > 64 ? Optional.<InvocationEntry>empty()
                : store().flatMap(s -> s.get(accountId, id))).orElseThrow(() -> ApiError.invocationNotFound(
                        id.length() > 64 ? id.substring(0, 64) + "..." : id));
        ObjectNode o = json(entry);
        ArrayNode chain = o.putArray("chain");
        store().orElseThrow().query(InvocationQuery.all(accountId).withRequestId(entry.requestId())
                .withLimit(InvocationQuery.MAX_LIMIT)).entries().stream()
                .sorted(Comparator.comparingLong(InvocationEntry::timeMillis))
                .forEach(e -> chain.add(json(e)));
        return o;
    }

    /** The query the request's parameters ask for; a parameter it does not take, or a bad value, is a 400. */
    static InvocationQuery query(MultiMap params, String accountId) {
        for (String name : params.names()) {
            if (!FILTERS.contains(name)) {
                throw ApiError.unknownInvocationFilter(name.length() > 64 ? name.substring(0, 64) + "..." : name);
            }
        }
        Optional<String> outcome = text(params, "outcome");
        if (outcome.isPresent() && !OUTCOMES.contains(outcome.get())) {
            throw ApiError.invalidQuery("outcome", outcome.get(), "use one of " + OUTCOMES.stream().sorted().toList());
        }
        OptionalInt status = OptionalInt.empty();
        Optional<String> statusText = text(params, "status");
        if (statusText.isPresent()) {
            status = OptionalInt.of(whole(statusText.get(), "status", 0, 599, "a whole number from 0 to 599 (0: no response)"));
        }
        int limit = text(params, "limit").map(v -> whole(v, "limit", 1, InvocationQuery.MAX_LIMIT,
                "a whole number from 1 to " + InvocationQuery.MAX_LIMIT)).orElse(InvocationQuery.DEFAULT_LIMIT);
        Optional<InvocationCursor> cursor = text(params, "cursor").map(v -> InvocationCursor.parse(v)
                .orElseThrow(() -> ApiError.invalidQuery("cursor", shortened(v),
                        "pass the cursor of the previous page's result_info unchanged")));
        OptionalLong since = time(params, "since");
        OptionalLong until = time(params, "until");
        if (since.isPresent() && until.isPresent() && since.getAsLong() > until.getAsLong()) {
            throw ApiError.invalidQuery("until", params.get("until"), "it must not be before since");
        }
        return new InvocationQuery(accountId, text(params, "namespace"), text(params, "script"), text(params, "tag"),
                outcome, status, since, until, text(params, "q"), text(params, "request_id"), limit, cursor);
    }

    private static Optional<String> text(MultiMap params, String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        if (v.length() > MAX_FILTER_CHARS) {
            throw ApiError.invalidQuery(name, shortened(v), "it may be at most " + MAX_FILTER_CHARS + " characters");
        }
        return Optional.of(v);
    }

    private static int whole(String v, String name, int min, int max, String expected) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidQuery(name, shortened(v), expected);
    }

    private static OptionalLong time(MultiMap params, String name) {
        Optional<String> v = text(params, name);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(OffsetDateTime.parse(v.get()).toInstant().toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiError.invalidQuery(name, shortened(v.get()), "an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }

    private static String shortened(String v) {
        return v.length() > 64 ? v.substring(0, 64) + "..." : v;
    }

    /** A record as the API shows it. */
    static ObjectNode json(InvocationEntry e) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", e.id()).put("timestamp", Platform.TIMESTAMP.format(java.time.Instant.ofEpochMilli(e.timeMillis())))
                .put("request_id", e.requestId());
        if (e.namespace().isEmpty()) {
            o.putNull("dispatch_namespace");
        } else {
            o.put("dispatch_namespace", e.namespace());
        }
        o.put("script_name", e.script()).put("version_id", e.versionId());
        ArrayNode tags = o.putArray("tags");
        e.tags().forEach(tags::add);
        o.put("outcome", e.outcome()).put("status", e.status()).put("cpu_time_ms", e.cpuMs())
                .put("wall_time_ms", e.wallMs()).put("subrequests", e.subrequests());
        o.putObject("request").put("method", e.method()).put("host", e.host()).put("path", e.path());
        ArrayNode logs = o.putArray("logs");
        for (InvocationEntry.LogLine l : e.logs()) {
            ObjectNode line = logs.addObject().put("level", l.level());
            line.set("message", message(l.messageJson()));
            line.put("timestamp", l.timestampMillis());
        }
        o.put("logs_truncated", e.logsTruncated());
        ArrayNode exceptions = o.putArray("exceptions");
        e.exception().ifPresent(x -> exceptions.addObject().put("name", x.name()).put("message", x.message())
                .put("stack", x.stack()).put("timestamp", x.timestampMillis()));
        return o;
    }

    /**
     * A console line's arguments as the JSON array they were stored as, passed through as text:
     * a tree of it would cost several times its size (a line of 10,000 empty objects, 32 KB
     * stored, is about a megabyte of nodes), for every line of a page of a thousand records.
     * Text that is not JSON (it never should be) goes out as the one string of an array.
     */
    private static JsonNode message(String json) {
        if (json != null && isJson(json)) {
            return Envelope.JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(json));
        }
        return Envelope.JSON.createArrayNode().add(json);
    }

    /** Whether {@code text} is one whole JSON value, read token by token (nothing of it is kept). */
    private static boolean isJson(String text) {
        try (com.fasterxml.jackson.core.JsonParser parser = Envelope.JSON.getFactory().createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
