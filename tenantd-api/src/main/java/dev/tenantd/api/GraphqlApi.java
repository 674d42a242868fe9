package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.observability.AnalyticsThreads;
import dev.tenantd.platform.store.InvocationAnalytics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloudflare's GraphQL Analytics endpoint for Workers invocations: {@code POST} (and {@code GET}
 * with {@code query}) at {@code /client/v4/graphql}, answered in GraphQL's own
 * {@code {data, errors}} envelope. The token is checked as on every route; an account other
 * than the token's is an error, never data.
 */
final class GraphqlApi {
    private static final Logger LOG = LoggerFactory.getLogger(GraphqlApi.class);
    static final String PATH = ControlApi.PREFIX + "/graphql";

    /** The longest query text taken. */
    private static final int MAX_QUERY_CHARS = 64 * 1024;

    private final Vertx vertx;
    private final Platform platform;
    private final InvocationAnalytics analytics;
    private final AnalyticsThreads threads;
    /** Made at the first query (see {@link GraphqlQueries}). */
    private GraphqlQueries queries;

    private GraphqlApi(Vertx vertx, Platform platform, InvocationAnalytics analytics, AnalyticsThreads threads) {
        this.vertx = vertx;
        this.platform = platform;
        this.analytics = analytics;
        this.threads = threads;
    }

    private synchronized GraphqlQueries queries() {
        if (queries == null) {
            queries = new GraphqlQueries(platform, analytics);
        }
        return queries;
    }

    /** Mounts the endpoint; the token check and the body reader are already in front of it. */
    static void mount(Router router, Vertx vertx, Platform platform, InvocationAnalytics analytics, AnalyticsThreads threads) {
        GraphqlApi api = new GraphqlApi(vertx, platform, analytics, threads);
        router.post(PATH).handler(api::post);
        router.get(PATH).handler(api::get);
    }

    private record Request(String query, Map<String, Object> variables, Optional<String> operationName) {
    }

    private void post(RoutingContext ctx) {
        byte[] body = RequestBody.of(ctx).bytes();
        JsonNode json;
        try {
            json = Envelope.JSON.readTree(body);
        } catch (java.io.IOException e) {
            json = null;
        }
        if (json == null || !json.isObject() || !json.path("query").isTextual()) {
            answer(ctx, problem("Send a JSON object with the GraphQL query as a string in \"query\" (and optionally "
                    + "\"variables\" and \"operationName\")."));
            return;
        }
        JsonNode variables = json.path("variables");
        if (!variables.isMissingNode() && !variables.isNull() && !variables.isObject()) {
            answer(ctx, problem("\"variables\" must be a JSON object of variable names to values."));
            return;
        }
        execute(ctx, new Request(json.get("query").asText(), variables(variables),
                json.path("operationName").isTextual() ? Optional.of(json.get("operationName").asText()) : Optional.empty()));
    }

    private void get(RoutingContext ctx) {
        String query = ctx.queryParams().get("query");
        if (query == null || query.isBlank()) {
            answer(ctx, problem("Pass the GraphQL query in the \"query\" parameter, or POST it as JSON."));
            return;
        }
        JsonNode variables = null;
        String v = ctx.queryParams().get("variables");
        if (v != null && !v.isBlank()) {
            try {
                variables = Envelope.JSON.readTree(v);
            } catch (java.io.IOException e) {
                variables = null;
            }
            if (variables == null || !variables.isObject()) {
                answer(ctx, problem("The \"variables\" parameter must be a JSON object of variable names to values."));
                return;
            }
        }
        execute(ctx, new Request(query, variables(variables), Optional.ofNullable(ctx.queryParams().get("operationName"))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(JsonNode node) {
        return node == null || !node.isObject() ? Map.of() : Envelope.JSON.convertValue(node, Map.class);
    }

    private void execute(RoutingContext ctx, Request request) {
        if (request.query().length() > MAX_QUERY_CHARS) {
            answer(ctx, problem("The query is longer than " + MAX_QUERY_CHARS + " characters; split it into smaller queries."));
            return;
        }
        String account = ctx.get("account");
        // On the analytics threads, in the token's account's line (AnalyticsThreads).
        Future.fromCompletionStage(threads.run(account, () -> queries().run(request.query(), request.variables(),
                request.operationName(), account)), vertx.getOrCreateContext()).onComplete(result -> {
                    if (result.succeeded()) {
                        answer(ctx, result.result());
                    } else if (unwrap(result.cause()) instanceof AnalyticsThreads.Busy busy) {
                        answer(ctx, problem(busy.getMessage()));
                    } else {
                        LOG.error("GraphQL query failed", result.cause());
                        answer(ctx, problem("The query could not be run: an internal error; the server log has the details."));
                    }
                });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static Map<String, Object> problem(String message) {
        return GraphqlQueries.problem(message);
    }

    /** Cloudflare's GraphQL envelope: {@code data} and {@code errors}, each null when there is none. */
    private static void answer(RoutingContext ctx, Map<String, Object> spec) {
        ObjectNode body = Envelope.JSON.createObjectNode();
        body.set("data", Envelope.JSON.valueToTree(spec.get("data")));
        body.set("errors", Envelope.JSON.valueToTree(spec.get("errors")));
        ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(body.toString());
    }

    /** A query the endpoint cannot answer, with what to change; it becomes a GraphQL error. */
    static final class QueryProblem extends RuntimeException {
        QueryProblem(String message) {
            super(message, null, false, false);
        }
    }
}
