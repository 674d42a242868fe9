package dev.tenantd.platform.observability;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;

/**
 * The operator's choices for invocation records ({@code [observability]} of tenantd.toml).
 *
 * @param enabled          whether invocations are recorded at all; scripts can only opt out
 * @param retention        how long records and per-minute aggregates are kept
 * @param maxBytes         what stored records may take; the oldest go first beyond it
 * @param headSamplingRate the share of invocations recorded (0..1), decided when one starts
 * @param queueSize        records waiting for the writer; a record beyond it is dropped and counted
 * @param flushEvery       how often the writer stores what has queued up
 */
public record ObservabilitySettings(boolean enabled, Duration retention, long maxBytes, double headSamplingRate,
        int queueSize, Duration flushEvery) {

    private static final Set<String> KNOWN = Set.of("enabled", "retention-days", "max-size-mb", "head-sampling-rate",
            "queue-size", "flush-ms");

    public ObservabilitySettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("[observability] retention-days must be 1 or more");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("[observability] max-size-mb must be 1 or more");
        }
        if (!(headSamplingRate >= 0 && headSamplingRate <= 1)) {
            throw new IllegalArgumentException("[observability] head-sampling-rate must be between 0 and 1");
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("[observability] queue-size must be 1 or more");
        }
        if (flushEvery.isNegative() || flushEvery.isZero()) {
            throw new IllegalArgumentException("[observability] flush-ms must be 1 or more");
        }
    }

    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(true, Duration.ofDays(7), 1024L << 20, 1.0, 10_000, Duration.ofMillis(200));
    }

    /** No invocation is recorded. */
    public static ObservabilitySettings off() {
        return defaults().withEnabled(false);
    }

    public ObservabilitySettings withEnabled(boolean value) {
        return new ObservabilitySettings(value, retention, maxBytes, headSamplingRate, queueSize, flushEvery);
    }

    public ObservabilitySettings withHeadSamplingRate(double value) {
        return new ObservabilitySettings(enabled, retention, maxBytes, value, queueSize, flushEvery);
    }

    public ObservabilitySettings withQueue(int size, Duration flush) {
        return new ObservabilitySettings(enabled, retention, maxBytes, headSamplingRate, size, flush);
    }

    /**
     * {@code [observability]} of tenantd.toml over the defaults. Throws
     * {@link IllegalArgumentException} naming the key to fix.
     */
    public static ObservabilitySettings fromToml(JsonNode table) {
        ObservabilitySettings d = defaults();
        if (table == null || table.isNull() || table.isMissingNode()) {
            return d;
        }
        if (!table.isObject()) {
            throw new IllegalArgumentException("[observability] must be a table");
        }
        table.fieldNames().forEachRemaining(k -> {
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException("unknown key [observability] " + k + "; known: " + KNOWN);
            }
        });
        JsonNode enabled = table.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            throw new IllegalArgumentException("[observability] enabled must be true or false");
        }
        JsonNode rate = table.get("head-sampling-rate");
        if (rate != null && !rate.isNumber()) {
            throw new IllegalArgumentException("[observability] head-sampling-rate must be a number between 0 and 1");
        }
        return new ObservabilitySettings(enabled == null ? d.enabled() : enabled.asBoolean(),
                Duration.ofDays(whole(table, "retention-days", d.retention().toDays())),
                whole(table, "max-size-mb", d.maxBytes() >> 20) << 20,
                rate == null ? d.headSamplingRate() : rate.asDouble(),
                (int) Math.min(1_000_000, whole(table, "queue-size", d.queueSize())),
                Duration.ofMillis(whole(table, "flush-ms", d.flushEvery().toMillis())));
    }

    private static long whole(JsonNode table, String key, long fallback) {
        JsonNode v = table.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 1_000_000) {
            throw new IllegalArgumentException("[observability] " + key + " must be a whole number from 1 to 1000000");
        }
        return v.asLong();
    }
}
