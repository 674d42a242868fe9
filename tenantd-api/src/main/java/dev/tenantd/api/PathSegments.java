package dev.tenantd.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Checks the raw path of an API request before it is routed. The router matches a
 * normalized path, in which {@code ..} and {@code .} (also percent-encoded) have
 * been resolved: {@code .../namespaces/customers/scripts/../../../../scripts/dispatcher}
 * would reach the plain worker {@code dispatcher} instead of a script in the
 * namespace. So every segment must be a name by itself: not empty, not a dot
 * segment, and without a separator or control character once decoded.
 */
final class PathSegments {
    private PathSegments() {
    }

    /** What is wrong with the path, if anything. */
    static Optional<ApiError> problem(String rawPath) {
        String[] segments = rawPath.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String raw = segments[i];
            if (raw.isEmpty()) {
                return Optional.of(ApiError.invalidPathSegment(raw, "a name is empty (the path has '//' or ends with '/')"));
            }
            Optional<String> decoded = decode(raw);
            if (decoded.isEmpty()) {
                return Optional.of(ApiError.invalidPathSegment(raw, "'%' must be followed by two hex digits"));
            }
            String name = decoded.get();
            if (name.equals(".") || name.equals("..")) {
                return Optional.of(ApiError.invalidPathSegment(raw, "'.' and '..' are not names"));
            }
            if (KvApi.isKeySegment(segments, i)) {
                continue;
            }
            if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                return Optional.of(ApiError.invalidPathSegment(raw, "a name contains '/' or '\\'"));
            }
            if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return Optional.of(ApiError.invalidPathSegment(raw, "a name contains a control character"));
            }
        }
        return Optional.empty();
    }

    /** Percent-decodes one segment as UTF-8; empty when an escape is malformed. */
    private static Optional<String> decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return Optional.of(segment);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            if (i + 2 >= bytes.length || !HexFormat.isHexDigit(bytes[i + 1]) || !HexFormat.isHexDigit(bytes[i + 2])) {
                return Optional.empty();
            }
            out.write(HexFormat.fromHexDigit(bytes[i + 1]) * 16 + HexFormat.fromHexDigit(bytes[i + 2]));
            i += 2;
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }
}
