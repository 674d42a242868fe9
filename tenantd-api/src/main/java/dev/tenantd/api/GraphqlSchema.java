package dev.tenantd.api;

import dev.tenantd.platform.analytics.AnalyticsOrder;
import dev.tenantd.platform.analytics.Dimension;
import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.GraphQLScalarType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The schema tenantd answers at {@code /client/v4/graphql}: Cloudflare's
 * {@code viewer.accounts.workersInvocationsAdaptive} dataset, with the scalar names Cloudflare's
 * schema uses ({@code string}, {@code Time}, {@code uint64}, ...) so that documented queries
 * declare their variables unchanged.
 */
final class GraphqlSchema {
    /** A dimension as the dataset names it, and whether it is a time, a date, a number or a string. */
    record Field(String name, Optional<Dimension> dimension, String type) {
    }

    static final List<Field> DIMENSIONS = List.of(
            new Field("datetime", Optional.of(Dimension.DATETIME_MINUTE), "Time"),
            new Field("datetimeMinute", Optional.of(Dimension.DATETIME_MINUTE), "Time"),
            new Field("datetimeFiveMinutes", Optional.of(Dimension.DATETIME_FIVE_MINUTES), "Time"),
            new Field("datetimeFifteenMinutes", Optional.of(Dimension.DATETIME_FIFTEEN_MINUTES), "Time"),
            new Field("datetimeHour", Optional.of(Dimension.DATETIME_HOUR), "Time"),
            new Field("date", Optional.of(Dimension.DATE), "Date"),
            new Field("scriptName", Optional.of(Dimension.SCRIPT_NAME), "string"),
            new Field("dispatchNamespaceName", Optional.of(Dimension.DISPATCH_NAMESPACE_NAME), "string"),
            new Field("status", Optional.of(Dimension.STATUS), "string"),
            new Field("outcome", Optional.of(Dimension.OUTCOME), "string"),
            new Field("httpResponseStatus", Optional.of(Dimension.HTTP_STATUS), "uint16"));

    /** The sums a query can order by, as {@code sum_<name>_ASC}. */
    static final Map<String, AnalyticsOrder.Sum> SUMS = Map.of("requests", AnalyticsOrder.Sum.REQUESTS,
            "errors", AnalyticsOrder.Sum.ERRORS, "subrequests", AnalyticsOrder.Sum.SUBREQUESTS,
            "cpuTimeUs", AnalyticsOrder.Sum.CPU_TIME, "wallTime", AnalyticsOrder.Sum.WALL_TIME);

    static final List<String> QUANTILES = List.of("P25", "P50", "P75", "P90", "P99", "P999");

    private GraphqlSchema() {
    }

    static Optional<Field> dimension(String name) {
        return DIMENSIONS.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The schema's SDL. */
    static String sdl() {
        StringBuilder s = new StringBuilder();
        for (String scalar : List.of("string", "Time", "Date", "uint16", "uint32", "uint64", "float32", "float64", "bool")) {
            s.append("scalar ").append(scalar).append('\n');
        }
        s.append("""
                type Query { viewer: Viewer }
                type Viewer {
                  accounts(filter: AccountFilter!): [Account!]!
                }
                input AccountFilter { accountTag: string }
                type Account {
                  workersInvocationsAdaptive(limit: uint64, filter: WorkersInvocationsAdaptiveFilter,
                    orderBy: [WorkersInvocationsAdaptiveOrderBy!]): [WorkersInvocationsAdaptive!]!
                }
                type WorkersInvocationsAdaptive {
                  sum: WorkersInvocationsAdaptiveSum
                  avg: WorkersInvocationsAdaptiveAvg
                  quantiles: WorkersInvocationsAdaptiveQuantiles
                  dimensions: WorkersInvocationsAdaptiveDimensions
                }
                type WorkersInvocationsAdaptiveSum {
                  requests: uint64
                  errors: uint64
                  subrequests: uint64
                  cpuTimeUs: uint64
                  wallTime: uint64
                }
                type WorkersInvocationsAdaptiveAvg { cpuTime: float64 wallTime: float64 sampleInterval: float64 }
                """);
        s.append("type WorkersInvocationsAdaptiveQuantiles {\n");
        for (String q : QUANTILES) {
            s.append("  cpuTime").append(q).append(": float32\n  wallTime").append(q).append(": float32\n");
        }
        s.append("}\ntype WorkersInvocationsAdaptiveDimensions {\n");
        DIMENSIONS.forEach(f -> s.append("  ").append(f.name()).append(": ").append(f.type()).append('\n'));
        s.append("}\ninput WorkersInvocationsAdaptiveFilter {\n  AND: [WorkersInvocationsAdaptiveFilter!]\n"
                + "  OR: [WorkersInvocationsAdaptiveFilter!]\n  scriptTag: string\n  scriptTag_in: [string!]\n");
        for (Field f : DIMENSIONS) {
            String n = f.name();
            s.append("  ").append(n).append(": ").append(f.type()).append('\n');
            s.append("  ").append(n).append("_neq: ").append(f.type()).append('\n');
            s.append("  ").append(n).append("_in: [").append(f.type()).append("!]\n");
            s.append("  ").append(n).append("_notin: [").append(f.type()).append("!]\n");
            if (!f.type().equals("string")) {
                for (String op : List.of("_gt", "_geq", "_lt", "_leq")) {
                    s.append("  ").append(n).append(op).append(": ").append(f.type()).append('\n');
                }
            }
        }
        s.append("}\nenum WorkersInvocationsAdaptiveOrderBy {\n");
        for (Field f : DIMENSIONS) {
            s.append("  ").append(f.name()).append("_ASC\n  ").append(f.name()).append("_DESC\n");
        }
        SUMS.keySet().stream().sorted().forEach(n -> s.append("  sum_").append(n).append("_ASC\n  sum_").append(n)
                .append("_DESC\n"));
        return s.append("}\n").toString();
    }

    /** The scalars: each takes a string, number or boolean as it is; resolvers check the value. */
    static List<GraphQLScalarType> scalars() {
        return List.of("string", "Time", "Date", "uint16", "uint32", "uint64", "float32", "float64", "bool").stream()
                .map(name -> GraphQLScalarType.newScalar().name(name).coercing(new Plain(name)).build()).toList();
    }

    /** A scalar that passes values through; what a value must be is checked where it is used, with a clear message. */
    private record Plain(String name) implements Coercing<Object, Object> {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
            return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
            return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            return switch (input) {
                case StringValue s -> s.getValue();
                case IntValue i -> i.getValue().longValue();
                case FloatValue f -> f.getValue().doubleValue();
                case BooleanValue b -> b.isValue();
                default -> throw new CoercingParseLiteralException("a " + name + " must be a string or a number");
            };
        }
    }
}
