package dev.tenantd.runtime;

/**
 * The literal tokens of JavaScript source text, each read from an offset to where it ends:
 * strings, template characters, regular expressions, numbers, names (with their Unicode
 * escapes decoded), comments and white space. Each method reads every character it passes
 * once and never looks back; {@link #UNTERMINATED} says a literal runs past its line or the
 * text. What a token means in its context is {@link JsLexer}'s business.
 */
final class JsLiterals {
    /** Returned for a literal that does not end where it must. */
    static final int UNTERMINATED = -1;

    /** Where template characters stop: after the closing backtick, or after a {@code ${} that opens a substitution. */
    record TemplateStop(int end, boolean substitution) {
    }

    /** A name read from the text: where it ends, as written, and as it reads with its escapes decoded. */
    record Name(int end, String raw, String decoded, boolean escaped) {
    }

    private JsLiterals() {
    }

    /** The end of the string literal opened by the quote at {@code pos}. */
    static int stringEnd(String s, int pos) {
        char quote = s.charAt(pos);
        int n = s.length();
        int at = pos + 1;
        while (at < n) {
            char c = s.charAt(at);
            if (c == quote) {
                return at + 1;
            } else if (c == '\\') {
                at += s.startsWith("\r\n", at + 1) ? 3 : 2;
            } else if (c == '\n' || c == '\r') {
                return UNTERMINATED;
            } else {
                at++;
            }
        }
        return UNTERMINATED;
    }

    /** Reads template characters from {@code pos} up to the closing backtick or a {@code ${}; null when neither comes. */
    static TemplateStop templateStop(String s, int pos) {
        int n = s.length();
        int at = pos;
        while (at < n) {
            char c = s.charAt(at);
            if (c == '`') {
                return new TemplateStop(at + 1, false);
            } else if (c == '\\') {
                at += 2;
            } else if (c == '$' && at + 1 < n && s.charAt(at + 1) == '{') {
                return new TemplateStop(at + 2, true);
            } else {
                at++;
            }
        }
        return null;
    }

    /** The end of the regular-expression literal whose first slash is at {@code pos}, flags included. */
    static int regexEnd(String s, int pos) {
        int n = s.length();
        int at = pos + 1;
        boolean inClass = false;
        while (at < n) {
            char c = s.charAt(at);
            if (isLineTerminator(c)) {
                return UNTERMINATED;
            } else if (c == '\\') {
                if (at + 1 < n && isLineTerminator(s.charAt(at + 1))) {
                    return UNTERMINATED;
                }
                at += 2;
            } else if (c == '[') {
                inClass = true;
                at++;
            } else if (c == ']') {
                inClass = false;
                at++;
            } else if (c == '/' && !inClass) {
                at++;
                while (at < n && isIdentifierPart(s.charAt(at))) {
                    at++;
                }
                return at;
            } else {
                at++;
            }
        }
        return UNTERMINATED;
    }

    /** The end of the numeric literal at {@code pos}. */
    static int numberEnd(String s, int pos) {
        int n = s.length();
        // 0x, 0o and 0b literals have no exponent: their e is a digit and a sign after it is an operator.
        boolean radix = s.charAt(pos) == '0' && pos + 1 < n && "xXoObB".indexOf(s.charAt(pos + 1)) >= 0;
        int at = pos;
        while (at < n) {
            char c = s.charAt(at);
            if (!radix && (c == 'e' || c == 'E') && at + 1 < n && (s.charAt(at + 1) == '+' || s.charAt(at + 1) == '-')) {
                at += 2;
            } else if (isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.') {
                at++;
            } else {
                break;
            }
        }
        return at;
    }

    /** The name (or private name, with its {@code #}) at {@code pos}; its end equals {@code pos} when none begins there. */
    static Name name(String s, int pos) {
        int n = s.length();
        int at = pos;
        if (s.charAt(at) == '#') {
            at++;
        }
        StringBuilder decoded = null;
        while (at < n) {
            char c = s.charAt(at);
            if (c == '\\') {
                if (decoded == null) {
                    decoded = new StringBuilder(s.substring(pos, at));
                }
                at = escape(s, at, decoded);
            } else if (Character.isHighSurrogate(c) && at + 1 < n && Character.isUnicodeIdentifierPart(s.codePointAt(at))) {
                if (decoded != null) {
                    decoded.appendCodePoint(s.codePointAt(at));
                }
                at += 2;
            } else if (isIdentifierPart(c)) {
                if (decoded != null) {
                    decoded.append(c);
                }
                at++;
            } else {
                break;
            }
        }
        String raw = s.substring(pos, at);
        return new Name(at, raw, decoded == null ? raw : decoded.toString(), decoded != null);
    }

    /** Decodes {@code \\uXXXX} or {@code \\u{X...}} at {@code pos} into {@code into}; returns where it ends. */
    private static int escape(String s, int pos, StringBuilder into) {
        int n = s.length();
        int at = pos + 1;
        if (at < n && s.charAt(at) == 'u') {
            at++;
            if (at < n && s.charAt(at) == '{') {
                // Any number of digits (leading zeros are allowed); the value past the last code point is kept just past it.
                int close = at + 1;
                int value = 0;
                while (close < n && Character.digit(s.charAt(close), 16) >= 0) {
                    value = Math.min(value * 16 + Character.digit(s.charAt(close), 16), Character.MAX_CODE_POINT + 1);
                    close++;
                }
                if (close > at + 1 && close < n && s.charAt(close) == '}' && Character.isValidCodePoint(value)) {
                    into.appendCodePoint(value);
                    return close + 1;
                }
            } else if (at + 4 <= n) {
                int value = 0;
                int i = at;
                for (; i < at + 4 && Character.digit(s.charAt(i), 16) >= 0; i++) {
                    value = value * 16 + Character.digit(s.charAt(i), 16);
                }
                if (i == at + 4) {
                    into.append((char) value);
                    return at + 4;
                }
            }
        }
        into.append('\\');
        return pos + 1;
    }

    /** Where the line comment (or hashbang line) at {@code pos} ends: at its line terminator. */
    static int lineEnd(String s, int pos) {
        int at = pos;
        while (at < s.length() && !isLineTerminator(s.charAt(at))) {
            at++;
        }
        return at;
    }

    /** The first offset from {@code pos} that is not white space or a line terminator. */
    static int skipWhitespace(String s, int pos) {
        int at = pos;
        while (at < s.length()) {
            char c = s.charAt(at);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\uFEFF'
                    || c == '\u2028' || c == '\u2029' || (c > 127 && Character.isSpaceChar(c))) {
                at++;
            } else {
                break;
            }
        }
        return at;
    }

    static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isIdentifierStart(char c) {
        return c == '$' || c == '_' || c == '\\' || (c < 128 ? Character.isLetter(c)
                : Character.isUnicodeIdentifierStart(c) || Character.isHighSurrogate(c));
    }

    static boolean isIdentifierPart(char c) {
        return c == '$' || c == '_' || c == '\u200C' || c == '\u200D'
                || (c < 128 ? Character.isLetterOrDigit(c) : Character.isUnicodeIdentifierPart(c)
                        && !Character.isIdentifierIgnorable(c));
    }
}
