package dev.tenantd.runtime;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The behaviour changes selected by a worker's compatibility date and flags,
 * kept in one table. A flag is on when the date is on or after its default date,
 * or when it is named explicitly; {@code no_<flag>} names turn it off.
 */
public final class CompatibilityFlags {

    /** Today's behaviour for scripts uploaded without a compatibility date. */
    public static final String DEFAULT_DATE = "2025-01-01";

    private record Flag(String enableName, String disableName, LocalDate defaultOn, List<Implied> impliedBy) {
        Flag(String enableName, String disableName, LocalDate defaultOn) {
            this(enableName, disableName, defaultOn, List.of());
        }
    }

    /** The flag is also on when {@code by} (a key of the table, listed earlier) is on and the date is on or after {@code date}. */
    private record Implied(String by, LocalDate date) {
    }

    /** The default date of a flag that only its name (or another flag implying it) turns on. */
    private static final LocalDate NEVER = LocalDate.MAX;

    /**
     * {@code nodejs_compat}: the runtime's {@code node:*} modules may be imported. The behaviours it
     * brings in by date follow, each implied by it from the date workerd turns it on: bare specifiers
     * ({@code buffer}) and the {@code Buffer}/{@code process} globals (nodejs_compat_v2), process.env
     * filled from the text bindings, and the modules that wrangler's bundler leaves to the runtime
     * from a given date.
     */
    public static final String NODEJS_COMPAT = "nodejs_compat";

    /**
     * {@code lazy_dispatch_lookup}: {@code get()} on a dispatch namespace returns a stub at once and a
     * missing worker is reported when {@code fetch()} is called. Before 2023-01-01, {@code get()} looks
     * the worker up at once and throws {@code Error: Worker not found.} (what dispatchers written against
     * the launch API compare {@code e.message} with).
     */
    public static final String LAZY_DISPATCH_LOOKUP = "lazy_dispatch_lookup";

    /**
     * {@code strict_compression_checks}: a DecompressionStream fails with a TypeError on bytes after
     * the end of the compressed data and on input that ends before it; before 2023-08-01 both are
     * ignored.
     */
    public static final String STRICT_COMPRESSION_CHECKS = "strict_compression_checks";

    /**
     * {@code websocket_standard_binary_type}: a WebSocket's {@code binaryType} starts as {@code "blob"}
     * (binary messages arrive as Blobs), as the WHATWG standard says; before, it starts as
     * {@code "arraybuffer"}.
     */
    public static final String WEBSOCKET_STANDARD_BINARY_TYPE = "websocket_standard_binary_type";

    private static final Map<String, Flag> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put(LAZY_DISPATCH_LOOKUP,
                new Flag(LAZY_DISPATCH_LOOKUP, "eager_dispatch_lookup", LocalDate.of(2023, 1, 1)));
        TABLE.put(STRICT_COMPRESSION_CHECKS, new Flag(STRICT_COMPRESSION_CHECKS, "no_strict_compression_checks",
                LocalDate.of(2023, 8, 1)));
        TABLE.put(WEBSOCKET_STANDARD_BINARY_TYPE, new Flag(WEBSOCKET_STANDARD_BINARY_TYPE,
                "no_" + WEBSOCKET_STANDARD_BINARY_TYPE, LocalDate.of(2026, 3, 17)));
        // A Request's cache option: 'no-store' from 2024-11-11 (before, any value is refused as not
        // implemented), 'no-cache' too from 2025-08-07.
        TABLE.put("cache_option_enabled", new Flag("cache_option_enabled", "cache_option_disabled", LocalDate.of(2024, 11, 11)));
        TABLE.put("cache_no_cache_enabled", new Flag("cache_no_cache_enabled", "cache_no_cache_disabled", NEVER,
                List.of(new Implied("cache_option_enabled", LocalDate.of(2025, 8, 7)))));
        TABLE.put(NODEJS_COMPAT, new Flag(NODEJS_COMPAT, "no_nodejs_compat", NEVER));
        TABLE.put("nodejs_als", new Flag("nodejs_als", "no_nodejs_als", NEVER));
        byNodeCompat("nodejs_compat_v2", "no_nodejs_compat_v2", "2024-09-23");
        byNodeCompat("nodejs_zlib", "no_nodejs_zlib", "2024-09-23");
        byNodeCompat("nodejs_compat_populate_process_env", "nodejs_compat_do_not_populate_process_env", "2025-04-01");
        byNodeCompat("enable_nodejs_process_v2", "disable_nodejs_process_v2", "2025-09-15");
        byNodeCompat("enable_nodejs_http_modules", "disable_nodejs_http_modules", "2025-08-15");
        TABLE.put("enable_nodejs_http_server_modules", new Flag("enable_nodejs_http_server_modules",
                "disable_nodejs_http_server_modules", NEVER,
                List.of(new Implied("enable_nodejs_http_modules", LocalDate.parse("2025-09-01")))));
        for (String[] module : new String[][] {
                {"http2", "2025-09-01"}, {"os", "2025-09-15"}, {"fs", "2025-09-15"}, {"console", "2025-09-21"},
                {"vm", "2025-10-01"}, {"punycode", "2025-12-04"}, {"cluster", "2025-12-04"},
                {"trace_events", "2025-12-04"}, {"domain", "2025-12-04"}, {"wasi", "2025-12-04"},
                {"inspector", "2026-01-29"}, {"sqlite", "2026-01-29"}, {"dgram", "2026-01-29"},
                {"stream_wrap", "2026-01-29"}, {"repl", "2026-03-17"}, {"v8", "2026-03-17"}, {"tty", "2026-03-17"},
                {"child_process", "2026-03-17"}, {"worker_threads", "2026-03-17"}, {"readline", "2026-03-17"},
                {"perf_hooks", "2026-03-17"}}) {
            byNodeCompat("enable_nodejs_" + module[0] + "_module", "disable_nodejs_" + module[0] + "_module", module[1]);
        }
    }

    private static void byNodeCompat(String enableName, String disableName, String date) {
        TABLE.put(enableName, new Flag(enableName, disableName, NEVER,
                List.of(new Implied(NODEJS_COMPAT, LocalDate.parse(date)))));
    }

    private CompatibilityFlags() {
    }

    /** Validates a compatibility date (YYYY-MM-DD); returns the parsed date. */
    public static LocalDate parseDate(String date) {
        try {
            return LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new ScriptException("compatibility_date must be a date written YYYY-MM-DD, got '" + date + "'");
        }
    }

    /** The flags in force for a date and explicit flag names, as a JSON object of booleans. */
    public static String resolveJson(String date, Collection<String> explicitFlags) {
        LocalDate d = parseDate(date);
        StringBuilder json = new StringBuilder("{");
        Map<String, Boolean> resolved = new HashMap<>();
        for (var e : TABLE.entrySet()) {
            Flag f = e.getValue();
            boolean on = !d.isBefore(f.defaultOn());
            for (Implied implied : f.impliedBy()) {
                if (resolved.getOrDefault(implied.by(), false) && !d.isBefore(implied.date())) {
                    on = true;
                }
            }
            if (explicitFlags.contains(f.enableName())) {
                on = true;
            }
            if (explicitFlags.contains(f.disableName())) {
                on = false;
            }
            resolved.put(e.getKey(), on);
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(e.getKey()).append("\":").append(on);
        }
        return json.append('}').toString();
    }
}
