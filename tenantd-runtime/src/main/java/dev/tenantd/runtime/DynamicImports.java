package dev.tenantd.runtime;

import java.util.Optional;
import java.util.Set;

/**
 * Turns the {@code import(...)} calls of an ES module into calls of a function its loader
 * provides, because the engine binding has no hook for dynamic import. Each call's
 * {@code import} keyword becomes an identifier of the same length, and one import
 * declaration of that identifier (from the module the loader made for this module) is
 * appended after the last line: no line or column of the module's own code moves, so stack
 * traces and source maps still match. The identifier is one the module names nowhere, so
 * the module's code cannot shadow, reach or reassign it (an imported binding is read-only).
 */
final class DynamicImports {
    private static final int KEYWORD_LENGTH = "import".length();
    private static final long NAMES = 36L * 36 * 36 * 36 * 36;

    private DynamicImports() {
    }

    /**
     * The module's text with its {@code import(...)} calls rewritten to call the default
     * export of {@code importerSpecifier}; empty when it has no such call, or when the lexer
     * could not follow it to the end (then it does not compile anyway, and the engine says why).
     */
    static Optional<String> rewrite(String source, String importerSpecifier) {
        if (!mayCallImport(source)) {
            return Optional.empty();
        }
        JsLexer.Lexed lexed = JsLexer.lex(source);
        if (lexed.importCalls().isEmpty() || lexed.problem().isPresent()) {
            return Optional.empty();
        }
        String name = unusedName(lexed.identifiers());
        StringBuilder out = new StringBuilder(source.length() + 64);
        int copied = 0;
        for (int at : lexed.importCalls()) {
            out.append(source, copied, at).append(name);
            copied = at + KEYWORD_LENGTH;
        }
        out.append(source, copied, source.length());
        // After a final line comment (a sourceMappingURL, say) the declaration needs a line of its own.
        out.append('\n').append("import ").append(name).append(" from ").append(Json.quote(importerSpecifier)).append(';');
        return Optional.of(out.toString());
    }

    /**
     * Whether some {@code import} in the text is followed, after white space, by a parenthesis
     * or a comment: most modules have none, and need no lexing.
     */
    static boolean mayCallImport(String source) {
        for (int at = source.indexOf("import"); at >= 0; at = source.indexOf("import", at + 1)) {
            int next = JsLiterals.skipWhitespace(source, at + KEYWORD_LENGTH);
            if (next < source.length() && (source.charAt(next) == '(' || source.charAt(next) == '/')) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code $} and five base-36 digits: as long as the keyword, and the first of them that is
     * not among the module's identifiers. A module can name at most one per identifier it has,
     * so the search ends within that many steps.
     */
    static String unusedName(Set<String> taken) {
        for (long i = 0; i < NAMES; i++) {
            String digits = Long.toString(i, 36);
            String name = "$" + "00000".substring(digits.length()) + digits;
            if (!taken.contains(name)) {
                return name;
            }
        }
        throw new IllegalStateException("a module names every candidate identifier");
    }
}
