package dev.tenantd.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Set;

/**
 * {@code [metrics]} of tenantd.toml: who may read {@code /metrics}, whether invocations are
 * labelled by script as well as by namespace, and how many label values the invocation
 * metrics may hold before the rest are counted together as {@link #OTHER}.
 */
public record MetricsConfig(Access access, Labels labels, int maxLabelValues) {

    /** The label value that stands for every namespace (or script) beyond {@link #maxLabelValues}. */
    public static final String OTHER = "_other";
    /** Large enough for a platform's namespaces, small enough that a scrape stays a few MB. */
    public static final int DEFAULT_MAX_LABEL_VALUES = 1000;
    private static final int MOST_LABEL_VALUES = 100_000;
    private static final Set<String> KEYS = Set.of("public", "per-script", "max-label-values");

    /** Who may scrape. */
    public enum Access {
        /** Only a request bearing the token tenantd was started with. */
        TOKEN,
        /** Anyone who reaches the API listener (an operator who scrapes from a trusted network). */
        PUBLIC
    }

    /** How invocation metrics are labelled. */
    public enum Labels {
        NAMESPACE,
        NAMESPACE_AND_SCRIPT
    }

    public MetricsConfig {
        Objects.requireNonNull(access);
        Objects.requireNonNull(labels);
        if (maxLabelValues < 1 || maxLabelValues > MOST_LABEL_VALUES) {
            throw new IllegalArgumentException("[metrics] max-label-values must be between 1 and " + MOST_LABEL_VALUES);
        }
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(Access.TOKEN, Labels.NAMESPACE, DEFAULT_MAX_LABEL_VALUES);
    }

    /** Reads {@code [metrics]}; absent means {@link #defaults()}. Refuses unknown keys and wrong types. */
    public static MetricsConfig fromToml(JsonNode table) {
        MetricsConfig d = defaults();
        if (table == null || table.isNull() || table.isMissingNode()) {
            return d;
        }
        if (!table.isObject()) {
            throw new IllegalArgumentException("--config: [metrics] must be a table");
        }
        table.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("--config: unknown key [metrics] " + k + "; known: " + KEYS);
            }
        });
        Access access = flag(table, "public") ? Access.PUBLIC : Access.TOKEN;
        Labels labels = flag(table, "per-script") ? Labels.NAMESPACE_AND_SCRIPT : Labels.NAMESPACE;
        int max = d.maxLabelValues();
        if (table.has("max-label-values")) {
            JsonNode v = table.get("max-label-values");
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > MOST_LABEL_VALUES) {
                throw new IllegalArgumentException("--config: [metrics] max-label-values must be a whole number from 1 to "
                        + MOST_LABEL_VALUES + " (got " + v + ")");
            }
            max = v.asInt();
        }
        return new MetricsConfig(access, labels, max);
    }

    private static boolean flag(JsonNode table, String key) {
        if (!table.has(key)) {
            return false;
        }
        if (!table.get(key).isBoolean()) {
            throw new IllegalArgumentException("--config: [metrics] " + key + " must be true or false (got "
                    + table.get(key) + ")");
        }
        return table.get(key).asBoolean();
    }
}
