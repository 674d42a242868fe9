package dev.tenantd.platform.analytics;

import java.util.List;
import java.util.Objects;

/**
 * One condition on a dimension: its value compared with {@code values} (one for the
 * comparisons, any number for {@code IN} and {@code NOT_IN}). Values are strings for names and
 * outcomes, {@link Long} for times (ms) and HTTP statuses.
 */
public record AnalyticsFilter(Dimension dimension, Op op, List<Object> values) {
    /** How the dimension's value is compared. */
    public enum Op { EQ, NEQ, GT, GEQ, LT, LEQ, IN, NOT_IN }

    public AnalyticsFilter {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(op, "op");
        values = List.copyOf(values);
        if ((op != Op.IN && op != Op.NOT_IN) && values.size() != 1) {
            throw new IllegalArgumentException(op + " takes exactly one value");
        }
    }
}
