package dev.tenantd.platform.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A script's own choice about its invocation records: the {@code observability} block of its
 * upload metadata or settings ({@code {"enabled": true, "head_sampling_rate": 0.1}}), as
 * Cloudflare's Workers Logs takes it. It can only narrow what the operator allows: a script
 * turns its records off or samples fewer of them, never more.
 */
public record ScriptObservability(boolean enabled, double headSamplingRate) {
    /** A script that says nothing. */
    public static final ScriptObservability DEFAULT = new ScriptObservability(true, 1.0);
    private static final Set<String> KNOWN = Set.of("enabled", "head_sampling_rate", "logs", "traces");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most an {@code observability} block may take, as JSON text. */
    public static final int MAX_CHARS = 4096;
    /** Parsed settings by their JSON text: scripts mostly share a few, and the request path reads them. */
    private static final ConcurrentHashMap<String, ScriptObservability> PARSED = new ConcurrentHashMap<>();

    /**
     * Checks an {@code observability} block; empty when it is valid, else what to fix.
     * {@code logs} is checked as the block itself is; {@code traces} is accepted and not acted on.
     */
    public static Optional<String> problem(JsonNode block) {
        if (block == null || block.isNull()) {
            return Optional.empty();
        }
        if (!block.isObject()) {
            return Optional.of("observability must be an object such as {\"enabled\": true, \"head_sampling_rate\": 0.1}");
        }
        if (block.toString().length() > MAX_CHARS) {
            // kept with the script and read on its request path; Cloudflare's blocks are a few switches
            return Optional.of("observability takes at most " + MAX_CHARS + " characters of JSON");
        }
        return shapeProblem(block);
    }

    /** What is wrong with the fields of an object block, whatever its size. */
    private static Optional<String> shapeProblem(JsonNode block) {
        for (var it = block.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) {
                return Optional.of("observability has an unknown field '" + k
                        + "'; known: enabled, head_sampling_rate, logs, traces");
            }
        }
        Optional<String> own = switches(block, "observability");
        if (own.isPresent()) {
            return own;
        }
        for (String part : List.of("logs", "traces")) {
            JsonNode sub = block.get(part);
            if (sub != null && !sub.isNull() && !sub.isObject()) {
                return Optional.of("observability." + part + " must be an object such as {\"enabled\": true}");
            }
        }
        return block.hasNonNull("logs") ? switches(block.get("logs"), "observability.logs") : Optional.empty();
    }

    /** Checks the {@code enabled} and {@code head_sampling_rate} fields of a block named {@code where}. */
    private static Optional<String> switches(JsonNode block, String where) {
        JsonNode enabled = block.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            return Optional.of(where + ".enabled must be true or false");
        }
        JsonNode rate = block.get("head_sampling_rate");
        if (rate != null && (!rate.isNumber() || !(rate.asDouble() >= 0 && rate.asDouble() <= 1))) {
            return Optional.of(where + ".head_sampling_rate must be a number from 0 to 1");
        }
        return Optional.empty();
    }

    /**
     * The block, valid per {@link #problem}; a missing field keeps its default. Its {@code logs}
     * part (as newer wrangler sends it) narrows further: records are what Workers Logs keeps.
     */
    public static ScriptObservability of(JsonNode block) {
        // a block stored before the size limit keeps its meaning: only its fields are checked
        if (block == null || !block.isObject() || shapeProblem(block).isPresent()) {
            return DEFAULT;
        }
        JsonNode logs = block.path("logs");
        return new ScriptObservability(block.path("enabled").asBoolean(true) && logs.path("enabled").asBoolean(true),
                Math.min(block.path("head_sampling_rate").asDouble(1.0), logs.path("head_sampling_rate").asDouble(1.0)));
    }

    /** The choice held in a script's stored settings JSON ({@code {"observability": {...}}}). */
    public static ScriptObservability ofSettings(String settingsJson) {
        ScriptObservability known = PARSED.get(settingsJson);
        if (known != null) {
            return known;
        }
        ScriptObservability parsed;
        try {
            parsed = of(JSON.readTree(settingsJson).get("observability"));
        } catch (IOException e) {
            parsed = DEFAULT;
        }
        if (PARSED.size() > 10_000) {
            PARSED.clear();
        }
        PARSED.put(settingsJson, parsed);
        return parsed;
    }
}
