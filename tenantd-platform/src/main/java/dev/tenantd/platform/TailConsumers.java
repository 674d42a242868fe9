package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Tail Workers of a script: {@code tail_consumers} in its upload metadata or script
 * settings, {@code [{"service": "my-tail-worker"}]}, each a plain worker of the same account
 * whose {@code tail()} handler receives the script's trace items. They are a script-level
 * setting (as on Cloudflare), kept in the script's settings object, not in its versions.
 */
public final class TailConsumers {
    /** The settings field that holds them, as the API and wrangler name it. */
    public static final String FIELD = "tail_consumers";
    /** More consumers than this on one script is a mistake rather than a design: every invocation runs each of them. */
    public static final int MAX = 16;
    private static final int CACHE_ENTRIES = 4096;
    /** Parsed consumers by the settings text they were read from; scripts without consumers never reach it. */
    private static final ConcurrentHashMap<String, List<String>> PARSED = new ConcurrentHashMap<>();

    private TailConsumers() {
    }

    /**
     * The consumer names in {@code value}, in order and without repeats. Throws
     * {@link Problem#INVALID_METADATA} for anything but an array of {@code {"service": name}}
     * objects with valid script names ({@code environment}, a legacy field, may be present
     * and is not used).
     */
    public static List<String> parse(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalid("must be an array of objects like {\"service\": \"my-tail-worker\"}.");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode consumer : value) {
            if (!consumer.isObject() || !consumer.path("service").isTextual()) {
                throw invalid("entries must be objects with a \"service\" string naming a worker, like "
                        + "{\"service\": \"my-tail-worker\"}.");
            }
            if (consumer.has("environment") && !consumer.get("environment").isTextual() && !consumer.get("environment").isNull()) {
                throw invalid("\"environment\" must be a string when present.");
            }
            String service = consumer.get("service").asText();
            try {
                Names.script(service);
            } catch (PlatformException e) {
                throw invalid("names an invalid worker: " + e.getMessage());
            }
            names.add(service);
        }
        if (names.size() > MAX) {
            throw invalid("names " + names.size() + " workers; a script may have at most " + MAX + " tail consumers.");
        }
        return List.copyOf(names);
    }

    /**
     * Checks that each consumer can take {@code producer}'s events: a plain worker of the
     * same account that exists now, and not the producer itself (a worker never tails
     * itself). Throws {@link Problem#INVALID_METADATA} naming the first that cannot.
     */
    static void check(Directory directory, ScriptRef producer, List<String> consumers) {
        for (String service : consumers) {
            if (producer.namespace().isEmpty() && producer.name().equals(service)) {
                throw invalid("names the worker '" + service + "' itself; a worker cannot be its own tail consumer.");
            }
            if (directory.script(ScriptRef.plain(producer.accountId(), service)).isEmpty()) {
                throw invalid("names the worker '" + service + "', which does not exist in this account. Deploy the "
                        + "Tail Worker (a worker with a tail() handler) first, then the workers it tails.");
            }
        }
    }

    /** {@code consumers} as the settings object stores and the API shows them. */
    static ArrayNode toJson(List<String> consumers) {
        ArrayNode array = Platform.JSON.createArrayNode();
        consumers.forEach(service -> array.addObject().put("service", service));
        return array;
    }

    /** The settings text with its consumers replaced by {@code consumers} (none removes the field). */
    static String withConsumers(String settingsJson, List<String> consumers) {
        ObjectNode settings;
        try {
            settings = (ObjectNode) Platform.JSON.readTree(settingsJson);
        } catch (IOException | ClassCastException e) {
            settings = Platform.JSON.createObjectNode();
        }
        if (consumers.isEmpty()) {
            settings.remove(FIELD);
        } else {
            settings.set(FIELD, toJson(consumers));
        }
        return settings.toString();
    }

    /**
     * The consumers of a script as stored. On every request's path: a script without any
     * costs a substring search of its (usually empty) settings text.
     */
    static List<String> of(Script script) {
        return ofSettings(script.settingsJson());
    }

    /** The consumers a script's settings text names. */
    static List<String> ofSettings(String settings) {
        if (!settings.contains(FIELD)) {
            return List.of();
        }
        List<String> cached = PARSED.get(settings);
        if (cached != null) {
            return cached;
        }
        List<String> parsed;
        try {
            parsed = parse(Platform.JSON.readTree(settings).get(FIELD));
        } catch (IOException | PlatformException e) {
            parsed = List.of();
        }
        if (PARSED.size() >= CACHE_ENTRIES) {
            PARSED.clear();
        }
        PARSED.put(settings, parsed);
        return parsed;
    }

    private static PlatformException invalid(String what) {
        return new PlatformException(Problem.INVALID_METADATA, FIELD + " " + what);
    }

}
