package dev.tenantd.runtime;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The behaviour changes selected by a worker's compatibility date and flags,
 * kept in one table. A flag is on when the date is on or after its default date,
 * or when it is named explicitly; {@code no_<flag>} names turn it off.
 */
public final class CompatibilityFlags {

    /** Today's behaviour for scripts uploaded without a compatibility date. */
    public static final String DEFAULT_DATE = "2025-01-01";

    private record Flag(String enableName, String disableName, LocalDate defaultOn) {
    }

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
        for (var e : TABLE.entrySet()) {
            Flag f = e.getValue();
            boolean on = !d.isBefore(f.defaultOn());
            if (explicitFlags.contains(f.enableName())) {
                on = true;
            }
            if (explicitFlags.contains(f.disableName())) {
                on = false;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(e.getKey()).append("\":").append(on);
        }
        return json.append('}').toString();
    }
}
