package dev.tenantd.store.sqlite;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationQuery;
import java.util.function.Predicate;

/** The conditions of a logs query that are checked on each decoded record. */
final class RecordFilter {
    private RecordFilter() {
    }

    /** What a query asks of each record, beyond what the chunk's columns already narrowed. */
    static Predicate<InvocationEntry> of(InvocationQuery q) {
        Predicate<InvocationEntry> p = e -> true;
        if (q.tag().isPresent()) {
            p = p.and(e -> e.tags().contains(q.tag().get()));
        }
        if (q.outcome().isPresent()) {
            p = p.and(e -> e.outcome().equals(q.outcome().get()));
        }
        if (q.status().isPresent()) {
            p = p.and(e -> e.status() == q.status().getAsInt());
        }
        if (q.sinceMillis().isPresent()) {
            p = p.and(e -> e.timeMillis() >= q.sinceMillis().getAsLong());
        }
        if (q.untilMillis().isPresent()) {
            p = p.and(e -> e.timeMillis() <= q.untilMillis().getAsLong());
        }
        if (q.requestId().isPresent()) {
            p = p.and(e -> e.requestId().equals(q.requestId().get()));
        }
        if (q.text().isPresent()) {
            p = p.and(textFilter(q.text().get()));
        }
        return p;
    }

    /**
     * Text in a console line (as its stored JSON, where quotes and backslashes are escaped) or
     * in the exception's name, message or stack; letters match in either case.
     */
    private static Predicate<InvocationEntry> textFilter(String text) {
        String quoted = JsonNodeFactory.instance.textNode(text).toString();
        AsciiCaseSearch inJson = new AsciiCaseSearch(quoted.substring(1, quoted.length() - 1));
        AsciiCaseSearch plain = new AsciiCaseSearch(text);
        return e -> e.logs().stream().anyMatch(l -> inJson.in(l.messageJson()))
                || e.exception().map(x -> plain.in(x.name()) || plain.in(x.message()) || plain.in(x.stack()))
                        .orElse(false);
    }

    /**
     * A search for one text, letters in either case, in time linear in the text searched
     * (Knuth-Morris-Pratt): a query of repeated letters against records of the same letters would
     * otherwise cost the query's length for every character of every record it reads.
     */
    static final class AsciiCaseSearch {
        private final char[] needle;
        /** For each prefix of the needle, the length of its longest proper prefix that is also its suffix. */
        private final int[] fallback;

        AsciiCaseSearch(String text) {
            needle = new char[text.length()];
            for (int i = 0; i < needle.length; i++) {
                needle[i] = fold(text.charAt(i));
            }
            fallback = new int[needle.length];
            for (int i = 1, k = 0; i < needle.length; i++) {
                while (k > 0 && needle[i] != needle[k]) {
                    k = fallback[k - 1];
                }
                if (needle[i] == needle[k]) {
                    k++;
                }
                fallback[i] = k;
            }
        }

        boolean in(String haystack) {
            if (needle.length == 0) {
                return true;
            }
            for (int i = 0, k = 0; i < haystack.length(); i++) {
                char c = fold(haystack.charAt(i));
                while (k > 0 && c != needle[k]) {
                    k = fallback[k - 1];
                }
                if (c == needle[k] && ++k == needle.length) {
                    return true;
                }
            }
            return false;
        }

        /** Letters in either case, as {@link String#regionMatches(boolean, int, String, int, int)} compares them. */
        private static char fold(char c) {
            if (c < 0x80) {
                return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            }
            return Character.toLowerCase(Character.toUpperCase(c));
        }
    }
}
