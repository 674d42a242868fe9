package dev.tenantd.platform.d1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * SQL text cut into statements the way SQLite reads it, and the statements D1 refuses.
 *
 * <p>The cut follows SQLite's own rule for a complete statement ({@code sqlite3_complete}):
 * a semicolon ends a statement unless it is inside a string, a quoted name or a comment, or
 * inside the body of {@code CREATE TRIGGER ... BEGIN ... END}, which ends only at a semicolon
 * after {@code END} that itself follows a semicolon. Whitespace and word characters are
 * SQLite's (ASCII whitespace only; every character from U+0080 is a word character), so the
 * first keyword found here is the keyword SQLite sees: a comment, odd spacing or a quoted
 * name cannot hide an {@code ATTACH} from the check.
 */
final class SqlScript {
    /**
     * A statement's text (without its semicolon), the line it starts on, its first tokens, and
     * whether it names a function D1 refuses anywhere in it (as a word or a quoted name).
     */
    record Statement(String sql, int line, List<String> head, boolean namesRefusedFunction) {
    }

    /** FTS3's {@code fts3_tokenizer(name)} answers with a C pointer: an address inside the server. */
    private static final String REFUSED_FUNCTION = "FTS3_TOKENIZER";

    /** PRAGMAs a worker may run, as D1 allows them: none of them reaches the file system. */
    static final Set<String> ALLOWED_PRAGMAS = Set.of("TABLE_LIST", "TABLE_INFO", "TABLE_XINFO", "INDEX_LIST",
            "INDEX_INFO", "INDEX_XINFO", "FOREIGN_KEY_LIST", "FOREIGN_KEY_CHECK", "FOREIGN_KEYS", "DEFER_FOREIGN_KEYS",
            "CASE_SENSITIVE_LIKE", "IGNORE_CHECK_CONSTRAINTS", "LEGACY_ALTER_TABLE", "RECURSIVE_TRIGGERS",
            "REVERSE_UNORDERED_SELECTS", "INTEGRITY_CHECK", "QUICK_CHECK", "OPTIMIZE", "COLLATION_LIST",
            "FUNCTION_LIST", "PRAGMA_LIST", "USER_VERSION", "APPLICATION_ID", "PAGE_COUNT", "PAGE_SIZE",
            "FREELIST_COUNT", "DATA_VERSION", "ENCODING");
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
            "RELEASE");
    private static final int HEAD_TOKENS = 6;
    /** Stands for a string literal or quoted name in a statement's head: never a keyword. */
    static final String QUOTED = "\u0000quoted";

    private enum Token { SEMI, WS, OTHER, EXPLAIN, CREATE, TEMP, TRIGGER, END }

    // States of SQLite's completeness machine: start, normal, after EXPLAIN, after CREATE,
    // inside a trigger, after a semicolon inside a trigger, after END inside a trigger.
    private static final int START = 1, NORMAL = 2, EXPLAIN = 3, CREATE = 4, TRIGGER = 5, TRIGGER_SEMI = 6,
            TRIGGER_END = 7;
    private static final int[][] NEXT = {
            //        SEMI  WS  OTHER  EXPLAIN  CREATE  TEMP  TRIGGER  END
            /* 0 */ {START, 0, NORMAL, EXPLAIN, CREATE, NORMAL, NORMAL, NORMAL},
            /* 1 */ {START, START, NORMAL, EXPLAIN, CREATE, NORMAL, NORMAL, NORMAL},
            /* 2 */ {START, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL},
            /* 3 */ {START, EXPLAIN, EXPLAIN, NORMAL, CREATE, NORMAL, NORMAL, NORMAL},
            /* 4 */ {START, CREATE, NORMAL, NORMAL, NORMAL, CREATE, TRIGGER, NORMAL},
            /* 5 */ {TRIGGER_SEMI, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER},
            /* 6 */ {TRIGGER_SEMI, TRIGGER_SEMI, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER_END},
            /* 7 */ {START, TRIGGER_END, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER},
    };

    private SqlScript() {
    }

    /** The statements of a script, in order; empty statements (only blanks and comments) are left out. */
    static List<Statement> split(String sql) {
        List<Statement> out = new ArrayList<>();
        int state = 0;
        int start = 0;
        int startLine = 1;
        int line = 1;
        List<String> head = new ArrayList<>();
        boolean refusedFunction = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int tokenStart = i;
            Token token;
            String word = null;
            if (isBlank(c)) {
                i++;
                token = Token.WS;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                token = Token.WS;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                token = Token.WS;
            } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = sql.indexOf(close, i + 1);
                i = end < 0 ? n : end + 1;
                token = Token.OTHER;
                word = QUOTED;
                if (c != '\'' && sql.substring(tokenStart + 1, end < 0 ? n : end).equalsIgnoreCase(REFUSED_FUNCTION)) {
                    refusedFunction = true;
                }
            } else if (c == ';') {
                i++;
                token = Token.SEMI;
            } else if (isWordChar(c)) {
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                word = sql.substring(tokenStart, i).toUpperCase(Locale.ROOT);
                refusedFunction |= word.equals(REFUSED_FUNCTION);
                token = switch (word) {
                    case "EXPLAIN" -> Token.EXPLAIN;
                    case "CREATE" -> Token.CREATE;
                    case "TEMP", "TEMPORARY" -> Token.TEMP;
                    case "TRIGGER" -> Token.TRIGGER;
                    case "END" -> Token.END;
                    default -> Token.OTHER;
                };
            } else {
                i++;
                token = Token.OTHER;
                word = String.valueOf(c);
            }
            state = NEXT[state][token.ordinal()];
            if (token == Token.SEMI && state == START) {
                if (!head.isEmpty()) {
                    out.add(new Statement(stripBlanks(sql.substring(start, tokenStart)), startLine, List.copyOf(head),
                            refusedFunction));
                }
                head.clear();
                refusedFunction = false;
                start = i;
            } else if (token != Token.WS && token != Token.SEMI) {
                if (head.isEmpty()) {
                    start = tokenStart;
                    startLine = line;
                }
                if (head.size() < HEAD_TOKENS) {
                    head.add(word == null ? "?" : word);
                }
            }
            line += newlines(sql, tokenStart, i);
        }
        if (!head.isEmpty()) {
            out.add(new Statement(stripBlanks(sql.substring(start)), startLine, List.copyOf(head), refusedFunction));
        }
        return out;
    }

    private static int newlines(String s, int from, int to) {
        int count = 0;
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                count++;
            }
        }
        return count;
    }

    /**
     * SQLite's white space, and only it: the statement SQLite runs must begin with the words
     * the check read. (Java's {@code strip()} also removes characters SQLite reads as part of a
     * word, such as U+3000, which would hide a statement's first word from the check.)
     */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static String stripBlanks(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isBlank(text.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(text.charAt(to - 1))) {
            to--;
        }
        return text.substring(from, to);
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c >= 0x80;
    }

    /** Why D1 refuses a statement, if it does: it reaches other files, the file system, or the transaction D1 runs it in. */
    static Optional<String> refusal(Statement statement) {
        if (statement.namesRefusedFunction()) {
            return Optional.of("fts3_tokenizer() is not allowed in D1");
        }
        List<String> head = statement.head();
        int k = 0;
        if (k < head.size() && head.get(k).equals("EXPLAIN")) {
            k++;
            if (k + 1 < head.size() && head.get(k).equals("QUERY") && head.get(k + 1).equals("PLAN")) {
                k += 2;
            }
        }
        if (k >= head.size()) {
            return Optional.empty();
        }
        String first = head.get(k);
        if (first.equals("ATTACH") || first.equals("DETACH")) {
            return Optional.of(first + " is not allowed: a D1 database cannot reach other database files");
        }
        if (first.equals("VACUUM")) {
            return Optional.of("VACUUM is not allowed in D1");
        }
        if (TRANSACTION_CONTROL.contains(first)) {
            return Optional.of(first + " is not allowed: D1 runs every query (and every batch) in a transaction of its "
                    + "own; use batch() to run several statements all or nothing");
        }
        if (first.equals("PRAGMA")) {
            int at = k + 1;
            if (k + 3 < head.size() && head.get(k + 2).equals(".")) {
                at = k + 3;
            }
            String name = at < head.size() ? head.get(at) : "";
            boolean set = at + 1 < head.size() && (head.get(at + 1).equals("=") || head.get(at + 1).equals("("));
            if (set && name.equals("PAGE_SIZE")) {
                // The size limit is counted in pages: larger pages would multiply it.
                return Optional.of("PRAGMA page_size can be read in D1, not set");
            }
            if (!ALLOWED_PRAGMAS.contains(name)) {
                return Optional.of("PRAGMA " + (name.equals(QUOTED) ? "with a quoted name" : name.toLowerCase(Locale.ROOT))
                        + " is not allowed in D1");
            }
        }
        return Optional.empty();
    }

    /** True for statements that change the schema: they change the database even when no row changes. */
    static boolean changesSchema(Statement statement) {
        String first = statement.head().getFirst();
        return first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER") || first.equals("REINDEX")
                || first.equals("ANALYZE");
    }

    /** A top-level {@code BEGIN [TRANSACTION]} or {@code COMMIT}/{@code END} of an SQL dump, which an import runs as one transaction anyway. */
    static boolean isDumpTransactionMarker(Statement statement) {
        List<String> head = statement.head();
        String first = head.getFirst();
        boolean plain = head.size() == 1 || (head.size() == 2 && head.get(1).equals("TRANSACTION"));
        return plain && (first.equals("BEGIN") || first.equals("COMMIT") || first.equals("END"));
    }
}
