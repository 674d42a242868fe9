package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The filters a tail was created with, as wrangler sends them: a list of one-key
 * objects, all of which an event must pass. Understood: {@code sampling_rate},
 * {@code outcome}, {@code method}, {@code header {key, query}}, {@code client_ip} and
 * {@code query}; other keys are accepted and ignored, as newer clients may send more.
 */
final class TailFilter {
    static final TailFilter ALL = new TailFilter(List.of());
    /**
     * The most filters one tail may have: each runs for every event of the worker, on the
     * thread that finished the invocation. wrangler sends one of each kind at most.
     */
    static final int MAX_FILTERS = 16;

    private final List<Predicate<TailEvent>> tests;

    private TailFilter(List<Predicate<TailEvent>> tests) {
        this.tests = tests;
    }

    boolean accepts(TailEvent event) {
        for (Predicate<TailEvent> test : tests) {
            if (!test.test(event)) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code filters}; a filter of the right name but the wrong shape is refused. */
    static TailFilter parse(JsonNode filters) {
        if (filters == null || filters.isMissingNode() || filters.isNull()) {
            return ALL;
        }
        if (!filters.isArray()) {
            throw bad("'filters' must be an array, e.g. [{\"outcome\": [\"ok\"]}].");
        }
        List<Predicate<TailEvent>> tests = new ArrayList<>();
        for (JsonNode filter : filters) {
            if (!filter.isObject()) {
                throw bad("each entry of 'filters' must be an object, e.g. {\"method\": [\"GET\"]}.");
            }
            filter.fields().forEachRemaining(f -> {
                Predicate<TailEvent> test = test(f.getKey(), f.getValue());
                if (test != null) {
                    tests.add(test);
                }
                if (tests.size() > MAX_FILTERS) {
                    throw bad("a tail takes at most " + MAX_FILTERS + " filters.");
                }
            });
        }
        return tests.isEmpty() ? ALL : new TailFilter(List.copyOf(tests));
    }

    private static Predicate<TailEvent> test(String key, JsonNode value) {
        return switch (key) {
            case "sampling_rate" -> {
                if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                    throw bad("'sampling_rate' must be a number from 0 to 1.");
                }
                double rate = value.asDouble();
                yield rate >= 1 ? null : e -> ThreadLocalRandom.current().nextDouble() < rate;
            }
            case "outcome" -> {
                Set<String> outcomes = strings(key, value, false);
                yield e -> outcomes.contains(e.outcome());
            }
            case "method" -> {
                Set<String> methods = strings(key, value, true);
                yield e -> methods.contains(e.method().toUpperCase(Locale.ROOT));
            }
            case "client_ip" -> {
                Set<String> ips = strings(key, value, false);
                // "self" means the address wrangler runs from, which this server cannot know.
                yield ips.contains("self") ? null : e -> e.clientIp().map(ips::contains).orElse(false);
            }
            case "header" -> {
                if (!value.isObject() || !value.path("key").isTextual()) {
                    throw bad("'header' must be {\"key\": \"name\", \"query\": \"value\"} (query optional).");
                }
                String name = value.get("key").asText().toLowerCase(Locale.ROOT);
                String query = value.path("query").isTextual() ? value.get("query").asText() : null;
                yield e -> e.header(name).map(v -> query == null || v.contains(query)).orElse(false);
            }
            case "query" -> {
                if (!value.isTextual()) {
                    throw bad("'query' must be a string to look for in logs, exceptions and the URL.");
                }
                String query = value.asText();
                yield e -> e.mentions(query);
            }
            default -> null;
        };
    }

    private static Set<String> strings(String key, JsonNode value, boolean upperCase) {
        if (!value.isArray()) {
            throw bad("'" + key + "' must be an array of strings.");
        }
        Set<String> out = new java.util.HashSet<>();
        for (JsonNode v : value) {
            if (!v.isTextual()) {
                throw bad("'" + key + "' must be an array of strings.");
            }
            out.add(upperCase ? v.asText().toUpperCase(Locale.ROOT) : v.asText());
        }
        return Set.copyOf(out);
    }

    private static PlatformException bad(String message) {
        return new PlatformException(Problem.INVALID_REQUEST, "Invalid tail filter: " + message);
    }
}
