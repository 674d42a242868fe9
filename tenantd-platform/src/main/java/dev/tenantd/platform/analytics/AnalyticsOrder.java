package dev.tenantd.platform.analytics;

import java.util.Objects;
import java.util.Optional;

/** One key of a query's order: a dimension or a sum, ascending or descending. */
public record AnalyticsOrder(Optional<Dimension> dimension, Optional<Sum> sum, Direction direction) {
    /** The sums a query can order by. */
    public enum Sum { REQUESTS, ERRORS, SUBREQUESTS, CPU_TIME, WALL_TIME }

    public enum Direction { ASC, DESC }

    public AnalyticsOrder {
        Objects.requireNonNull(direction, "direction");
        if (dimension.isPresent() == sum.isPresent()) {
            throw new IllegalArgumentException("an order key is either a dimension or a sum");
        }
    }

    public static AnalyticsOrder by(Dimension d, Direction direction) {
        return new AnalyticsOrder(Optional.of(d), Optional.empty(), direction);
    }

    public static AnalyticsOrder by(Sum s, Direction direction) {
        return new AnalyticsOrder(Optional.empty(), Optional.of(s), direction);
    }
}
