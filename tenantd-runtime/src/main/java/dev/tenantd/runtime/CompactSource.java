package dev.tenantd.runtime;

/**
 * The runtime's own JavaScript without its comments and the white space that indents or ends
 * its lines. V8 keeps a script's source text in every isolate that runs it (functions compile
 * from it lazily), so every byte of the runtime's source is a byte of every isolate's heap.
 *
 * <p>Blanks beside a bracket, semicolon or comma, or after another blank, go too. Only text
 * outside strings, template literals and regular expressions is touched, and every line stays
 * where it was (a comment over several lines leaves its line breaks), so line numbers in stack
 * traces and automatic semicolon insertion are as in the files. A comment within a line
 * becomes a space, so the tokens either side of it stay apart.
 */
final class CompactSource {
    private CompactSource() {
    }

    /** {@code source} compacted; fails if it is not JavaScript the lexer can follow to its end. */
    static String of(String source, String what) {
        JsLexer.Spans spans = JsLexer.spans(source);
        if (spans.problem().isPresent()) {
            throw new IllegalStateException("cannot read " + what + ": " + spans.problem().get());
        }
        int[] comments = spans.comments();
        int[] literals = spans.literals();
        StringBuilder out = new StringBuilder(source.length());
        boolean lineStart = true;
        int c = 0;
        int l = 0;
        int pos = 0;
        int n = source.length();
        while (pos < n) {
            if (c < comments.length && comments[c] == pos) {
                int end = comments[c + 1];
                int breaks = 0;
                for (int i = pos; i < end; i++) {
                    char ch = source.charAt(i);
                    if (JsLiterals.isLineTerminator(ch) && !(ch == '\r' && i + 1 < end && source.charAt(i + 1) == '\n')) {
                        breaks++; // CR LF is one line break
                    }
                }
                if (breaks > 0) {
                    trimLineEnd(out);
                    out.repeat('\n', breaks);
                    lineStart = true;
                } else if (!lineStart && !out.isEmpty() && !isBlank(out.charAt(out.length() - 1))) {
                    out.append(' ');
                }
                pos = end;
                c += 2;
            } else if (l < literals.length && literals[l] == pos) {
                out.append(source, pos, literals[l + 1]);
                pos = literals[l + 1];
                l += 2;
                lineStart = false;
            } else {
                char ch = source.charAt(pos++);
                if (JsLiterals.isLineTerminator(ch)) {
                    trimLineEnd(out);
                    out.append(ch);
                    lineStart = true;
                } else if (isBlank(ch) && (lineStart || separates(out, source, pos))) {
                    // dropped: it indents the line, or it stands next to a bracket or separator
                } else {
                    out.append(ch);
                    lineStart = false;
                }
            }
        }
        trimLineEnd(out);
        return out.toString();
    }

    /**
     * Whether the blank just read (before {@code next}) stands beside a bracket, a semicolon or
     * a comma, which form a token alone whatever follows them: nothing is joined by dropping it.
     */
    private static boolean separates(StringBuilder out, String source, int next) {
        char before = out.isEmpty() ? '\n' : out.charAt(out.length() - 1);
        char after = next < source.length() ? source.charAt(next) : '\n';
        return isBlank(before) || isAlone(before) || isAlone(after);
    }

    private static boolean isAlone(char c) {
        return switch (c) {
            case '(', ')', '[', ']', '{', '}', ';', ',' -> true;
            default -> false;
        };
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Drops the spaces and tabs that end the text so far; none of them is inside a literal (a literal ends the line otherwise). */
    private static void trimLineEnd(StringBuilder out) {
        int end = out.length();
        while (end > 0 && isBlank(out.charAt(end - 1))) {
            end--;
        }
        out.setLength(end);
    }
}
