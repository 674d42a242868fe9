package dev.tenantd.platform.cache;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Header lists as they cross from the isolate ({@code name NUL value NUL ...}, names in
 * lower case), and the few field grammars the cache reads: comma lists, HTTP dates.
 */
record HttpFields(List<Header> list) {
    record Header(String name, String value) {
    }

    HttpFields {
        list = List.copyOf(list);
    }

    /** The list from its crossing form; names are lower-cased again, as the host trusts nothing from JS. */
    static HttpFields parse(String joined) {
        List<Header> out = new ArrayList<>();
        if (joined.isEmpty()) {
            return new HttpFields(out);
        }
        String[] parts = joined.split("\0", -1);
        for (int i = 0; i + 1 < parts.length; i += 2) {
            out.add(new Header(parts[i].toLowerCase(Locale.ROOT), parts[i + 1]));
        }
        return new HttpFields(out);
    }

    String joined() {
        StringBuilder out = new StringBuilder();
        for (Header h : list) {
            if (!out.isEmpty()) {
                out.append('\0');
            }
            out.append(h.name()).append('\0').append(h.value());
        }
        return out.toString();
    }

    /** All values of a field joined with commas, as HTTP allows for list fields. */
    Optional<String> get(String name) {
        List<String> values = list.stream().filter(h -> h.name().equals(name)).map(Header::value).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", values));
    }

    boolean has(String name) {
        return list.stream().anyMatch(h -> h.name().equals(name));
    }

    HttpFields without(List<String> names) {
        return new HttpFields(list.stream().filter(h -> !names.contains(h.name())).toList());
    }

    HttpFields with(String name, String value) {
        List<Header> out = new ArrayList<>(list.stream().filter(h -> !h.name().equals(name)).toList());
        out.add(new Header(name, value));
        return new HttpFields(out);
    }

    /** The members of a comma-separated list, trimmed, empty ones left out. */
    static List<String> members(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String t = part.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** An HTTP date (IMF-fixdate, and the RFC 850 and asctime forms senders still use). */
    static Optional<Instant> date(String value) {
        String v = value.strip();
        for (DateTimeFormatter f : DATES) {
            try {
                return Optional.of(ZonedDateTime.parse(v, f).toInstant());
            } catch (DateTimeParseException e) {
                // the next form may fit
            }
        }
        return Optional.empty();
    }

    private static final List<DateTimeFormatter> DATES = List.of(DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.ROOT),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(java.time.ZoneOffset.UTC));
}
