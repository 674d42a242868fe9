package dev.tenantd.runtime;

import java.util.List;
import java.util.Optional;

/**
 * What an HTTP message leaving an isolate may carry, checked on the Java side whatever
 * the runtime JavaScript let through: a worker can change its own built-ins, so the
 * host never relies on the JavaScript {@code Headers} class alone. Header names are
 * RFC 9110 tokens; values follow the Fetch standard (no NUL, CR or LF, no leading or
 * trailing space or tab) and are byte strings (no character above U+00FF); a reason
 * phrase is tabs, spaces, visible ASCII and obs-text.
 */
final class HeaderRules {
    private HeaderRules() {
    }

    /**
     * The most a message's headers may take, names and values with their separators ({@code ": "}
     * and CRLF), as the server writes them: more would be encoded, and copied, on the event loop
     * that serves every connection. Origins commonly refuse beyond 8–64 KiB.
     */
    static final int MAX_HEADER_BYTES = 128 * 1024;
    /** The longest reason phrase a response may carry. */
    static final int MAX_STATUS_TEXT_CHARS = 1024;

    /** What is wrong with a flat [name, value, ...] header list, if anything, naming the header. */
    static Optional<String> problem(List<String> flat) {
        if (flat.size() % 2 != 0) {
            return Optional.of("the header list ends with a name without a value: " + quote(flat.getLast()));
        }
        long bytes = 0;
        for (String part : flat) {
            bytes += part.length() + 2;
        }
        if (bytes > MAX_HEADER_BYTES) {
            return Optional.of("its " + flat.size() / 2 + " headers take " + bytes + " bytes, more than the "
                    + MAX_HEADER_BYTES + " a message may carry");
        }
        for (int i = 0; i < flat.size(); i += 2) {
            String name = flat.get(i);
            if (!isToken(name)) {
                return Optional.of("header name " + quote(name) + " is not an HTTP token");
            }
            if (!isValue(flat.get(i + 1))) {
                return Optional.of("the value of header " + quote(name)
                        + " contains NUL, CR, LF or a character above U+00FF, or starts or ends with a space or tab");
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a response's status line, if anything. A final response is 200-599, or
     * 101 with a WebSocket: any other 1xx (an origin's 102, say, handed on) would tell the client
     * more is to come, and the connection would hang or pair the next answer with this request.
     */
    static Optional<String> statusProblem(int status, String statusText, boolean webSocket) {
        if ((status < 200 || status > 599) && !(status == 101 && webSocket)) {
            return Optional.of("status " + status + " is outside 200-599 (101 only with a WebSocket)");
        }
        if (statusText.length() > MAX_STATUS_TEXT_CHARS) {
            return Optional.of("the status text takes " + statusText.length() + " characters, more than "
                    + MAX_STATUS_TEXT_CHARS);
        }
        for (int i = 0; i < statusText.length(); i++) {
            char c = statusText.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7F || c > 0xFF)) {
                return Optional.of("status text " + quote(statusText) + " contains a control character or one above U+00FF");
            }
        }
        return Optional.empty();
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    static boolean isValue(String s) {
        int n = s.length();
        if (n > 0 && (isSpaceOrTab(s.charAt(0)) || isSpaceOrTab(s.charAt(n - 1)))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c == '\r' || c == '\n' || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpaceOrTab(char c) {
        return c == ' ' || c == '\t';
    }

    /** A header name or value as a log line shows it: quoted, control characters escaped, cut at 100 characters. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(s.length(), 100);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (shown < s.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
