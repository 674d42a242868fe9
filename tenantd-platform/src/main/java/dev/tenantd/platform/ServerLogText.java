package dev.tenantd.platform;

/**
 * Text a worker chose (a console line, an exception's message), as one line of the server's
 * own log: line breaks, other control characters and the characters that reorder or hide text
 * are escaped, so that a worker cannot write lines that look like the server's own, and it is
 * cut to a length, so that a few lines of megabytes cannot fill the operator's log.
 */
public final class ServerLogText {
    private ServerLogText() {
    }

    /** {@code text} escaped and cut to about {@code maxChars}, saying how much was cut; null stays null. */
    public static String oneLine(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 32);
        int i = 0;
        while (i < text.length()) {
            if (out.length() >= maxChars) {
                return out.append("... (").append(text.length() - i).append(" more characters)").toString();
            }
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(i + 1)); // a pair is never cut in two
                i += 2;
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append('\t');
                default -> {
                    if (escaped(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
            i++;
        }
        return out.toString();
    }

    /** Control characters, line and paragraph separators, marks that reorder text, and lone surrogates. */
    private static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029' || c == '\u200e' || c == '\u200f'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff'
                || Character.isSurrogate(c);
    }
}
