package dev.tenantd.api;

import dev.tenantd.platform.analytics.AnalyticsFilter;
import dev.tenantd.platform.analytics.AnalyticsOrder;
import dev.tenantd.platform.analytics.Dimension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code workersInvocationsAdaptive} filter argument as store conditions: {@code name} is
 * equality, {@code name_neq}, {@code name_in}, {@code name_notin}, and for times and numbers
 * {@code _gt}, {@code _geq}, {@code _lt}, {@code _leq}; {@code AND} lists are joined, and
 * {@code scriptTag}/{@code scriptTag_in} select the scripts carrying a tag.
 */
record GraphqlFilters(List<AnalyticsFilter> conditions, Optional<List<String>> tags) {
    private static final int MAX_VALUES = 1_000;
    /** Conditions in one filter, AND parts included: each is a term of one SQL condition. */
    static final int MAX_CONDITIONS = 64;
    /** Values in one filter's conditions together: each is a parameter of one SQL statement. */
    static final int MAX_FILTER_VALUES = 2_000;
    /** Terms of one orderBy. */
    static final int MAX_ORDER_TERMS = 16;
    private static final int MAX_TEXT = 256;
    private static final List<String> SUFFIXES = List.of("_notin", "_neq", "_geq", "_leq", "_in", "_gt", "_lt");

    long fromMillis() {
        return Long.MIN_VALUE;
    }

    long toMillis() {
        return Long.MAX_VALUE;
    }

    static GraphqlFilters parse(Map<String, Object> filter) {
        List<AnalyticsFilter> conditions = new ArrayList<>();
        List<List<String>> tagSets = new ArrayList<>();
        add(filter, conditions, tagSets, 0);
        if (conditions.stream().mapToInt(c -> c.values().size()).sum() > MAX_FILTER_VALUES) {
            throw new GraphqlApi.QueryProblem("A filter may compare with at most " + MAX_FILTER_VALUES
                    + " values in all; split the query.");
        }
        Optional<List<String>> tags = Optional.empty();
        for (List<String> set : tagSets) {
            // The store takes one list of scripts, so a query names its tags in one place.
            if (tags.isPresent()) {
                throw new GraphqlApi.QueryProblem("Give scriptTag or scriptTag_in once per query.");
            }
            tags = Optional.of(set);
        }
        return new GraphqlFilters(conditions, tags);
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> filter, List<AnalyticsFilter> conditions, List<List<String>> tags,
            int depth) {
        if (filter == null) {
            return;
        }
        if (depth > 8) {
            throw new GraphqlApi.QueryProblem("AND filters may nest at most 8 deep.");
        }
        for (Map.Entry<String, Object> e : filter.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                continue;
            }
            switch (key) {
                case "AND" -> {
                    for (Object part : list(value, "AND")) {
                        if (!(part instanceof Map<?, ?> m)) {
                            throw new GraphqlApi.QueryProblem("Each part of AND must be a filter object.");
                        }
                        add((Map<String, Object>) m, conditions, tags, depth + 1);
                    }
                }
                case "OR" -> throw new GraphqlApi.QueryProblem("OR filters are not supported by this server; "
                        + "use the _in form of a field (for example scriptName_in) or run one query per alternative.");
                case "scriptTag" -> tags.add(List.of(text(value, "scriptTag")));
                case "scriptTag_in" -> tags.add(list(value, "scriptTag_in").stream().map(v -> text(v, "scriptTag_in")).toList());
                default -> {
                    if (conditions.size() == MAX_CONDITIONS) {
                        throw new GraphqlApi.QueryProblem("A filter may have at most " + MAX_CONDITIONS
                                + " conditions, AND parts included; split the query.");
                    }
                    conditions.add(condition(key, value));
                }
            }
        }
    }

    private static AnalyticsFilter condition(String key, Object value) {
        String base = key;
        AnalyticsFilter.Op op = AnalyticsFilter.Op.EQ;
        for (String suffix : SUFFIXES) {
            if (key.endsWith(suffix) && GraphqlSchema.dimension(key.substring(0, key.length() - suffix.length())).isPresent()) {
                base = key.substring(0, key.length() - suffix.length());
                op = switch (suffix) {
                    case "_notin" -> AnalyticsFilter.Op.NOT_IN;
                    case "_neq" -> AnalyticsFilter.Op.NEQ;
                    case "_geq" -> AnalyticsFilter.Op.GEQ;
                    case "_leq" -> AnalyticsFilter.Op.LEQ;
                    case "_in" -> AnalyticsFilter.Op.IN;
                    case "_gt" -> AnalyticsFilter.Op.GT;
                    default -> AnalyticsFilter.Op.LT;
                };
                break;
            }
        }
        String name = base;
        GraphqlSchema.Field field = GraphqlSchema.dimension(name)
                .orElseThrow(() -> new GraphqlApi.QueryProblem("Unknown filter field '" + shortened(key) + "'."));
        Dimension d = field.dimension().orElseThrow();
        List<Object> values = new ArrayList<>();
        if (op == AnalyticsFilter.Op.IN || op == AnalyticsFilter.Op.NOT_IN) {
            for (Object v : list(value, key)) {
                values.add(value(field, v, key));
            }
        } else {
            values.add(value(field, value, key));
        }
        return new AnalyticsFilter(d, op, values);
    }

    private static Object value(GraphqlSchema.Field field, Object v, String key) {
        return switch (field.type()) {
            case "Time" -> time(v, key);
            case "Date" -> date(v, key);
            case "string" -> text(v, key);
            default -> whole(v, key, 0, 999).orElseThrow();
        };
    }

    private static List<?> list(Object value, String key) {
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        if (list.size() > MAX_VALUES) {
            throw new GraphqlApi.QueryProblem(key + " may list at most " + MAX_VALUES + " values.");
        }
        return list;
    }

    private static String text(Object v, String key) {
        if (!(v instanceof String s)) {
            throw new GraphqlApi.QueryProblem(key + " must be a string.");
        }
        if (s.length() > MAX_TEXT) {
            throw new GraphqlApi.QueryProblem(key + " may be at most " + MAX_TEXT + " characters.");
        }
        return s;
    }

    private static long time(Object v, String key) {
        String s = v instanceof String t ? t : "";
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e2) {
                throw new GraphqlApi.QueryProblem(key + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z, not '"
                        + shortened(String.valueOf(v)) + "'.");
            }
        }
    }

    private static long date(Object v, String key) {
        try {
            return LocalDate.parse(v instanceof String s ? s : "").atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new GraphqlApi.QueryProblem(key + " must be a date such as 2026-01-31, not '"
                    + shortened(String.valueOf(v)) + "'.");
        }
    }

    /** A whole number from min to max given as a number or a numeric string; empty when absent. */
    static Optional<Long> whole(Object v, String key, long min, long max) {
        if (v == null) {
            return Optional.empty();
        }
        long n;
        try {
            n = v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.longValue()
                    : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        if (n < min || n > max) {
            throw new GraphqlApi.QueryProblem(key + " must be a whole number from " + min + " to " + max + ", not '"
                    + shortened(String.valueOf(v)) + "'.");
        }
        return Optional.of(n);
    }

    /** The orderBy argument; a dimension key must be among the selected dimensions. */
    /**
     * An input object argument as it arrived: variables are not checked against the argument's
     * type (Cloudflare's own examples declare them otherwise), so a variable may hold anything.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) {
        if (value == null || value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw new GraphqlApi.QueryProblem(what + " must be an input object, such as {accountTag: \"<account id>\"}.");
    }

    /** A list argument as it arrived; a single value (a variable of another type) is a list of one. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? null : value instanceof List<?> l ? (List<Object>) l : List.of(value);
    }

    static List<AnalyticsOrder> order(List<Object> orderBy, List<Dimension> groupBy) {
        List<AnalyticsOrder> order = new ArrayList<>();
        if (orderBy == null) {
            return order;
        }
        if (orderBy.size() > MAX_ORDER_TERMS) {
            throw new GraphqlApi.QueryProblem("orderBy may have at most " + MAX_ORDER_TERMS + " terms.");
        }
        for (Object o : orderBy) {
            String key = String.valueOf(o);
            AnalyticsOrder.Direction direction = key.endsWith("_DESC") ? AnalyticsOrder.Direction.DESC
                    : AnalyticsOrder.Direction.ASC;
            if (key.lastIndexOf('_') <= 0) {
                throw new GraphqlApi.QueryProblem("Cannot order by '" + shortened(key) + "': name a field and a "
                        + "direction, such as sum_requests_DESC.");
            }
            String name = key.substring(0, key.lastIndexOf('_'));
            if (name.startsWith("sum_")) {
                AnalyticsOrder.Sum sum = GraphqlSchema.SUMS.get(name.substring(4));
                if (sum == null) {
                    throw new GraphqlApi.QueryProblem("Cannot order by '" + shortened(key) + "'.");
                }
                order.add(AnalyticsOrder.by(sum, direction));
                continue;
            }
            Dimension d = GraphqlSchema.dimension(name).flatMap(GraphqlSchema.Field::dimension)
                    .orElseThrow(() -> new GraphqlApi.QueryProblem("Cannot order by '" + shortened(key) + "'."));
            if (!groupBy.contains(d)) {
                throw new GraphqlApi.QueryProblem("orderBy " + key + " needs " + name + " among the selected dimensions.");
            }
            order.add(AnalyticsOrder.by(d, direction));
        }
        return order;
    }

    static String shortened(String v) {
        return v.length() > 64 ? v.substring(0, 64) + "..." : v;
    }
}
