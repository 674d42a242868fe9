package dev.tenantd.api;

import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.analytics.AnalyticsGroup;
import dev.tenantd.platform.analytics.AnalyticsOrder;
import dev.tenantd.platform.analytics.AnalyticsQuery;
import dev.tenantd.platform.analytics.Dimension;
import dev.tenantd.platform.analytics.ScriptKey;
import dev.tenantd.platform.store.InvocationAnalytics;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.OperationValidationRule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GraphQL side of the analytics endpoint ({@link GraphqlApi}): the schema, its resolvers and
 * the limits on a query, answered as GraphQL's specification maps. Only this class uses
 * graphql-java: it is made at the first query, so a server whose analytics nobody asks for
 * never loads graphql-java's classes, which would stay resident for the life of the process.
 */
final class GraphqlQueries {
    private static final Logger LOG = LoggerFactory.getLogger(GraphqlQueries.class);
    /** The authenticated account, as the route's context hands it to the resolvers. */
    private static final String ACCOUNT = "tenantd.account";
    /** When the request's queries must have ended ({@link System#nanoTime}): they share one budget. */
    private static final String DEADLINE = "tenantd.deadline";
    /** Rows the request's datasets returned so far (an AtomicInteger). */
    private static final String ROWS = "tenantd.rows";
    /** Rows one request returns in all, whatever the datasets and their limits: the answer is built in memory. */
    static final int MAX_ROWS = AnalyticsQuery.MAX_LIMIT;
    /**
     * Cloudflare's documented queries declare variables with a type other than the argument's
     * ({@code $datetimeStart: string} for a {@code Time}); its server takes them, so this does
     * too: values are checked where they are used.
     */
    private static final Predicate<OperationValidationRule> RULES = rule -> rule != OperationValidationRule.VARIABLE_TYPES_MATCH;

    private static final int MAX_DEPTH = 12;
    /**
     * Each dataset field in a query runs a statement over the aggregates; aliases could repeat
     * one hundreds of times, so a query may hold about ten (a field costs 1, a dataset 50).
     */
    private static final int DATASET_COST = 50;
    private static final int MAX_COMPLEXITY = 550;

    private final Platform platform;
    private final InvocationAnalytics analytics;
    private final GraphQL graphql;

    GraphqlQueries(Platform platform, InvocationAnalytics analytics) {
        this.platform = platform;
        this.analytics = analytics;
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        GraphqlSchema.scalars().forEach(wiring::scalar);
        wiring.type("Query", t -> t.dataFetcher("viewer", env -> Map.of()));
        wiring.type("Viewer", t -> t.dataFetcher("accounts", this::accounts));
        wiring.type("Account", t -> t.dataFetcher("workersInvocationsAdaptive", this::invocations));
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(GraphqlSchema.sdl()),
                wiring.build());
        this.graphql = GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new Problems())
                .instrumentation(new ChainedInstrumentation(new MaxQueryDepthInstrumentation(MAX_DEPTH),
                        new MaxQueryComplexityInstrumentation(MAX_COMPLEXITY, (env, children) ->
                                (env.getField().getName().equals("workersInvocationsAdaptive") ? DATASET_COST : 1) + children)))
                .build();
    }

    /** Runs a query for the token's account; the answer as GraphQL's {@code data} and {@code errors}. */
    Map<String, Object> run(String query, Map<String, Object> variables, Optional<String> operationName, String account) {
        ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(query)
                .variables(variables)
                .graphQLContext(Map.of(ACCOUNT, account, ParseAndValidate.INTERNAL_VALIDATION_PREDICATE_HINT, RULES,
                        DEADLINE, System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(InvocationAnalytics.BUDGET_MS),
                        ROWS, new java.util.concurrent.atomic.AtomicInteger()));
        operationName.ifPresent(input::operationName);
        try {
            return graphql.execute(input.build()).toSpecification();
        } catch (graphql.AssertException wrongShape) {
            // Variables are not checked against the arguments they are given to (see RULES): a
            // variable whose value has another shape than its argument (a string for an input
            // object) stops the coercion of that argument.
            return problem("A variable's value does not have the shape of the argument it is given to: "
                    + GraphqlFilters.shortened(String.valueOf(wrongShape.getMessage())) + ".");
        }
    }

    /** An answer that is one error, with what to change. */
    static Map<String, Object> problem(String message) {
        return ExecutionResult.newExecutionResult().addError(GraphqlErrorBuilder.newError().message(message).build()).build()
                .toSpecification();
    }

    // ---- resolvers

    private record AccountSource(String accountId) {
    }

    private List<AccountSource> accounts(DataFetchingEnvironment env) {
        Map<String, Object> filter = GraphqlFilters.object(env.getArgument("filter"), "filter");
        Object tag = filter == null ? null : filter.get("accountTag");
        if (!(tag instanceof String accountTag) || accountTag.isEmpty()) {
            throw new GraphqlApi.QueryProblem("accounts needs filter: {accountTag: \"<account id>\"}.");
        }
        String mine = env.getGraphQlContext().get(ACCOUNT);
        if (!accountTag.equals(mine)) {
            throw new GraphqlApi.QueryProblem("This API token cannot read account '" + GraphqlFilters.shortened(accountTag)
                    + "': use the id of the token's own account as accountTag.");
        }
        return List.of(new AccountSource(accountTag));
    }

    private List<Map<String, Object>> invocations(DataFetchingEnvironment env) {
        String accountId = env.<AccountSource>getSource().accountId();
        GraphqlFilters filters = GraphqlFilters.parse(GraphqlFilters.object(env.getArgument("filter"), "filter"));
        List<GraphqlSchema.Field> dims = new ArrayList<>();
        List<Dimension> groupBy = new ArrayList<>();
        env.getSelectionSet().getFields("dimensions/*").forEach(f -> GraphqlSchema.dimension(f.getName()).ifPresent(d -> {
            if (!dims.contains(d)) {
                dims.add(d);
                if (!groupBy.contains(d.dimension().orElseThrow())) {
                    groupBy.add(d.dimension().orElseThrow());
                }
            }
        }));
        List<AnalyticsOrder> order = GraphqlFilters.order(GraphqlFilters.list(env.getArgument("orderBy")), groupBy);
        int limit = GraphqlFilters.whole(env.getArgument("limit"), "limit", 1, AnalyticsQuery.MAX_LIMIT)
                .orElse((long) AnalyticsQuery.MAX_LIMIT).intValue();
        Optional<List<ScriptKey>> scripts = filters.tags().map(tags -> tagged(accountId, tags));
        java.util.Set<AnalyticsQuery.Histogram> histograms = java.util.EnumSet.noneOf(AnalyticsQuery.Histogram.class);
        env.getSelectionSet().getFields("quantiles/*").forEach(f -> histograms.add(
                f.getName().startsWith("cpu") ? AnalyticsQuery.Histogram.CPU : AnalyticsQuery.Histogram.WALL));
        java.util.concurrent.atomic.AtomicInteger returned = env.getGraphQlContext().get(ROWS);
        int left = MAX_ROWS - returned.get();
        // One more than is left, to tell a dataset that fits from one that does not.
        AnalyticsQuery query = new AnalyticsQuery(accountId, filters.fromMillis(), filters.toMillis(), filters.conditions(),
                scripts, groupBy, order, histograms, Math.min(limit, Math.max(0, left) + 1));
        List<AnalyticsGroup> groups = analytics.groups(query, env.<Long>getGraphQlContext().get(DEADLINE));
        if (returned.addAndGet(groups.size()) > MAX_ROWS) {
            throw new GraphqlApi.QueryProblem("The query asks for more than " + MAX_ROWS + " rows in all its datasets ("
                    + env.getField().getResultKey() + " went past it); lower their limits or group by fewer dimensions.");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AnalyticsGroup g : groups) {
            rows.add(row(g, dims));
        }
        return rows;
    }

    /** The account's scripts that carry any of the tags now. */
    private List<ScriptKey> tagged(String accountId, List<String> tags) {
        Map<String, String> namespaceNames = new java.util.HashMap<>();
        for (Namespace ns : platform.namespaces().list(accountId)) {
            namespaceNames.put(ns.id(), ns.name());
        }
        List<ScriptKey> keys = new ArrayList<>();
        for (dev.tenantd.platform.Script s : platform.scripts().userWorkersTagged(accountId, tags)) {
            String namespace = namespaceNames.get(s.ref().namespaceId());
            if (namespace != null) {
                keys.add(new ScriptKey(namespace, s.ref().name()));
            }
        }
        return keys;
    }

    private static Map<String, Object> row(AnalyticsGroup g, List<GraphqlSchema.Field> dims) {
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("requests", g.requests());
        sum.put("errors", g.errors());
        sum.put("subrequests", g.subrequests());
        sum.put("cpuTimeUs", Math.round(g.cpuMsSum() * 1000));
        sum.put("wallTime", Math.round(g.wallMsSum() * 1000));
        Map<String, Object> avg = new LinkedHashMap<>();
        avg.put("cpuTime", g.requests() == 0 ? 0.0 : g.cpuMsSum() * 1000 / g.requests());
        avg.put("wallTime", g.requests() == 0 ? 0.0 : g.wallMsSum() * 1000 / g.requests());
        avg.put("sampleInterval", 1.0);
        Map<String, Object> quantiles = new LinkedHashMap<>();
        for (String q : GraphqlSchema.QUANTILES) {
            double fraction = Double.parseDouble("0." + q.substring(1));
            quantiles.put("cpuTime" + q, g.cpuQuantileMs(fraction) * 1000);
            quantiles.put("wallTime" + q, g.wallQuantileMs(fraction) * 1000);
        }
        Map<String, Object> dimensions = new LinkedHashMap<>();
        for (GraphqlSchema.Field f : dims) {
            Object v = g.dimensions().get(f.dimension().orElseThrow());
            dimensions.put(f.name(), switch (f.type()) {
                case "Time" -> Instant.ofEpochMilli((Long) v).toString();
                case "Date" -> LocalDate.ofInstant(Instant.ofEpochMilli((Long) v), ZoneOffset.UTC).toString();
                default -> v;
            });
        }
        return Map.of("sum", sum, "avg", avg, "quantiles", quantiles, "dimensions", dimensions);
    }

    /** Turns a resolver's failure into a GraphQL error: its message for a bad query, a generic one otherwise. */
    private static final class Problems implements DataFetcherExceptionHandler {
        @Override
        public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
                graphql.execution.DataFetcherExceptionHandlerParameters parameters) {
            Throwable e = parameters.getException();
            String message;
            if (e instanceof GraphqlApi.QueryProblem
                    || e instanceof dev.tenantd.platform.PlatformException p && p.problem() == dev.tenantd.platform.Problem.INVALID_REQUEST) {
                message = e.getMessage();
            } else {
                LOG.error("GraphQL resolver failed at {}", parameters.getPath(), e);
                message = "Internal error while reading analytics; the server log has the details.";
            }
            GraphQLError error = GraphqlErrorBuilder.newError(parameters.getDataFetchingEnvironment()).message(message).build();
            return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
        }
    }
}
