package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.d1.D1Database;
import dev.tenantd.platform.d1.D1Databases;
import dev.tenantd.platform.d1.D1Exception;
import dev.tenantd.platform.d1.D1Imports;
import dev.tenantd.platform.d1.D1Result;
import dev.tenantd.platform.d1.D1Statement;
import dev.tenantd.platform.d1.D1Wire;
import dev.tenantd.runtime.BodyBudget;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * D1 under {@code /accounts/{a}/d1/database}: create, list, get (by id or name), delete,
 * {@code query}, {@code raw}, and {@code import} (what {@code wrangler d1 execute --remote
 * --file} uses: init → upload to a URL of its own → ingest). The upload URL is outside
 * {@code /client/v4} and carries its own secret, as wrangler sends no token with it.
 */
final class D1Api {
    private static final Logger LOG = LoggerFactory.getLogger(D1Api.class);
    static final String UPLOAD_PATH = "/d1-uploads/:secret";

    private final Vertx vertx;
    private final D1Databases d1;
    private final Function<RoutingContext, String> account;
    private final BodyBudget bodies;

    D1Api(Vertx vertx, D1Databases d1, Function<RoutingContext, String> account, BodyBudget bodies) {
        this.bodies = bodies;
        this.vertx = vertx;
        this.d1 = d1;
        this.account = account;
    }

    /**
     * The upload URL's route; it needs no API token. An unknown or expired secret is refused before a
     * byte of the body is read; a known one's body is read here, within the import limit.
     */
    void mountUpload(Router router) {
        router.put(UPLOAD_PATH).handler(this::upload);
    }

    /** The REST routes, behind the token check and the body reader. */
    void mount(Router router, String base) {
        route(router, HttpMethod.POST, base, (ctx, a) -> {
            JsonNode body = jsonBody(ctx);
            if (!body.path("name").isTextual()) {
                throw ApiError.d1BadRequest("Send the database's name: {\"name\": \"my-database\"}.");
            }
            return d1.create(a, body.get("name").textValue()).thenApply(D1Api::databaseJson);
        });
        route(router, HttpMethod.GET, base, (ctx, a) -> d1.list(a).thenApply(all -> {
            String name = ctx.queryParams().get("name");
            List<D1Database> matching = name == null || name.isEmpty() ? all
                    : all.stream().filter(db -> db.name().contains(name)).toList();
            ArrayNode list = Envelope.JSON.createArrayNode();
            Paging.page(ctx, matching).forEach(db -> list.add(databaseJson(db)));
            return list;
        }));
        route(router, HttpMethod.GET, base + "/:db", (ctx, a) -> d1.info(a, ctx.pathParam("db")).thenApply(info -> {
            ObjectNode o = databaseJson(info.database());
            o.put("num_tables", info.numTables()).put("file_size", info.fileSize());
            o.putObject("read_replication").put("mode", "disabled");
            return o;
        }));
        route(router, HttpMethod.DELETE, base + "/:db", (ctx, a) -> d1.delete(a, ctx.pathParam("db")).thenApply(x -> null));
        route(router, HttpMethod.POST, base + "/:db/query", (ctx, a) -> d1.query(a, ctx.pathParam("db"), statements(ctx))
                .thenApply(results -> resultsJson(results, D1Wire::objectsJson)));
        route(router, HttpMethod.POST, base + "/:db/raw", (ctx, a) -> d1.query(a, ctx.pathParam("db"), statements(ctx))
                .thenApply(results -> resultsJson(results, D1Wire::rowsJson)));
        route(router, HttpMethod.POST, base + "/:db/import", this::importAction);
    }

    private CompletableFuture<JsonNode> importAction(RoutingContext ctx, String accountId) {
        JsonNode body = jsonBody(ctx);
        String db = ctx.pathParam("db");
        String action = body.path("action").asText("");
        return switch (action) {
            case "init" -> d1.beginImport(accountId, db, body.path("etag").asText("")).thenApply(ticket -> {
                ObjectNode r = Envelope.JSON.createObjectNode();
                r.put("success", true);
                r.put("filename", ticket.filename());
                r.put("upload_url", ctx.request().scheme() + "://" + ctx.request().authority()
                        + UPLOAD_PATH.replace(":secret", ticket.secret()));
                return r;
            });
            case "ingest" -> d1.ingest(accountId, db, body.path("filename").asText(""), body.path("etag").asText(""))
                    .thenApply(D1Api::importJson);
            case "poll" -> CompletableFuture.failedFuture(ApiError.d1BadRequest("No import is running: tenantd runs an "
                    + "import to its end when it is ingested, and the ingest answer is final."));
            default -> CompletableFuture.failedFuture(ApiError.d1BadRequest("Send {\"action\": \"init\", \"etag\": "
                    + "\"<md5>\"}, then {\"action\": \"ingest\", \"filename\", \"etag\"}; got action '" + action + "'."));
        };
    }

    private static JsonNode importJson(D1Imports.Outcome o) {
        ObjectNode r = Envelope.JSON.createObjectNode();
        r.put("success", true);
        r.put("type", "import");
        r.put("status", "complete");
        r.put("at_bookmark", "");
        r.putArray("messages");
        r.putArray("errors");
        ObjectNode result = r.putObject("result");
        result.put("success", true);
        result.put("num_queries", o.numQueries());
        result.put("final_bookmark", "");
        ObjectNode meta = result.putObject("meta");
        meta.put("served_by", "tenantd").put("duration", o.durationMs()).put("changes", o.changes())
                .put("last_row_id", 0).put("changed_db", o.changedDb()).put("size_after", o.sizeAfter())
                .put("rows_read", o.rowsRead()).put("rows_written", o.rowsWritten());
        return r;
    }

    /** Reads the uploaded SQL file, up to the import limit, and answers with its MD5 as the etag. */
    private void upload(RoutingContext ctx) {
        String secret = ctx.pathParam("secret");
        if (!d1.uploadExpected(secret)) {
            refuse(ctx, ApiError.d1NotFound("This upload URL is not valid (or has expired); run the command again."));
            return;
        }
        if (!d1.claimUpload(secret)) {
            refuse(ctx, ApiError.d1Busy("An upload to this URL is being read already; one at a time."));
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        // what the body holds in memory counts against the server's bodies in flight until the answer
        java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
        Runnable release = () -> {
            bodies.unreserve(counted.getAndSet(0));
            if (released.compareAndSet(false, true)) {
                d1.releaseUpload(secret);
            }
        };
        ctx.response().endHandler(v -> release.run());
        ctx.response().closeHandler(v -> release.run());
        long max = d1.limits().importBytes();
        String length = ctx.request().getHeader("content-length");
        try {
            if (length != null && Long.parseLong(length.strip()) > max) {
                refuse(ctx, ApiError.d1ImportTooLarge(max));
                return;
            }
        } catch (NumberFormatException e) {
            refuse(ctx, ApiError.d1BadRequest("The Content-Length header is not a number."));
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        ctx.request().handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > max) {
                over[0] = true;
                refuse(ctx, ApiError.d1ImportTooLarge(max));
                return;
            }
            long received = body.length() + (long) chunk.length();
            long uncounted = received - counted.get();
            if (received >= BodyBudget.COUNTED_FROM && !bodies.reserve(uncounted)) {
                over[0] = true;
                refuse(ctx, ApiError.bodiesBusy(bodies.refusal(received)));
                return;
            }
            if (received >= BodyBudget.COUNTED_FROM) {
                counted.addAndGet(uncounted);
            }
            body.appendBuffer(chunk);
        });
        ctx.request().exceptionHandler(e -> LOG.debug("D1 upload broke off: {}", e.toString()));
        ctx.request().resume();
        ctx.request().endHandler(v -> {
            if (over[0]) {
                return;
            }
            d1.acceptUpload(ctx.pathParam("secret"), body.getBytes()).whenComplete((etag, error) -> {
                if (error != null) {
                    respondError(ctx, error);
                } else if (!ctx.response().ended()) {
                    ctx.response().setStatusCode(200).putHeader("etag", "\"" + etag + "\"").end();
                }
            });
        });
    }

    private static void refuse(RoutingContext ctx, ApiError error) {
        if (!ctx.response().ended()) {
            ctx.response().putHeader("connection", "close");
            Envelope.error(ctx.response(), error);
        }
    }

    /** {@code {"sql", "params"}}, or {@code {"batch": [{"sql", "params"}, ...]}}. */
    private static List<D1Statement> statements(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        try {
            if (body.has("batch")) {
                if (!body.get("batch").isArray() || body.get("batch").isEmpty()) {
                    throw ApiError.d1BadRequest("'batch' must be a non-empty array of {\"sql\", \"params\"}.");
                }
                List<D1Statement> out = new ArrayList<>();
                body.get("batch").forEach(s -> out.add(D1Wire.statement(s)));
                return out;
            }
            if (!body.path("sql").isTextual()) {
                throw ApiError.d1BadRequest("Send the SQL to run: {\"sql\": \"SELECT ...\", \"params\": [...]}.");
            }
            return List.of(D1Wire.statement(body));
        } catch (D1Exception e) {
            throw ApiError.d1BadRequest(e.getMessage());
        }
    }

    /** One result per SQL statement run, in order. */
    private static JsonNode resultsJson(List<List<D1Result>> results, Function<D1Result, ObjectNode> shape) {
        ArrayNode out = Envelope.JSON.createArrayNode();
        results.forEach(perStatement -> perStatement.forEach(r -> out.add(shape.apply(r))));
        return out;
    }

    private static ObjectNode databaseJson(D1Database db) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("uuid", db.uuid()).put("name", db.name()).put("created_at", db.createdAt()).put("version", db.version());
        return o;
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        byte[] bytes = RequestBody.of(ctx).bytes();
        try {
            JsonNode node = bytes.length == 0 ? null : Envelope.JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiError.d1BadRequest("The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw ApiError.d1BadRequest("The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }


    @FunctionalInterface
    private interface Action {
        CompletableFuture<? extends JsonNode> run(RoutingContext ctx, String accountId);
    }

    /** The account is checked off the event loop; the D1 work runs on D1's own threads. */
    private void route(Router router, HttpMethod method, String path, Action action) {
        router.route(method, path).handler(ctx -> vertx.executeBlocking(() -> account.apply(ctx), false)
                .toCompletionStage().toCompletableFuture()
                .thenCompose(accountId -> action.run(ctx, accountId))
                .whenComplete((result, error) -> {
                    if (error != null) {
                        respondError(ctx, error);
                    } else {
                        Envelope.ok(ctx.response(), 200, result, ctx.get(Paging.RESULT_INFO));
                    }
                }));
    }

    private static void respondError(RoutingContext ctx, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Envelope.error(ctx.response(), switch (e) {
            case ApiError api -> api;
            case D1Exception d -> switch (d.kind()) {
                case NOT_FOUND -> ApiError.d1NotFound(d.getMessage());
                case NAME_TAKEN -> ApiError.d1NameTaken(d.getMessage());
                case TOO_MANY -> ApiError.d1TooMany(d.getMessage());
                case SQL, TIME_LIMIT, EXEC -> ApiError.d1QueryFailed(d.getMessage());
                case TYPE, INVALID -> ApiError.d1BadRequest(d.getMessage());
                case OVERLOADED -> ApiError.d1Busy(d.getMessage());
            };
            case dev.tenantd.platform.PlatformException p -> ApiError.of(p.problem(), p.getMessage());
            default -> {
                LOG.error("D1 API request {} {} failed", ctx.request().method(), ctx.request().path(), e);
                yield ApiError.internal();
            }
        });
    }
}
