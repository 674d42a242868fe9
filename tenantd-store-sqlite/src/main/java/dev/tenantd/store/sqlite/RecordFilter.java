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
     * in the exception's name, message or stack; ASCII letters match either case.
     */
    private static Predicate<InvocationEntry> textFilter(String text) {
        String quoted = JsonNodeFactory.instance.textNode(text).toString();
        String escaped = quoted.substring(1, quoted.length() - 1);
        return e -> e.logs().stream().anyMatch(l -> containsIgnoringAsciiCase(l.messageJson(), escaped))
                || e.exception().map(x -> containsIgnoringAsciiCase(x.name(), text)
                        || containsIgnoringAsciiCase(x.message(), text) || containsIgnoringAsciiCase(x.stack(), text))
                        .orElse(false);
    }

    private static boolean containsIgnoringAsciiCase(String haystack, String needle) {
        int last = haystack.length() - needle.length();
        for (int i = 0; i <= last; i++) {
            if (haystack.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }
}
