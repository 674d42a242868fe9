package dev.tenantd.runtime;

/** One {@code console} call: level (log, info, warn, error, debug) and the formatted message. */
public record LogLine(String scriptName, String level, String message, long timestampMillis) {
}
