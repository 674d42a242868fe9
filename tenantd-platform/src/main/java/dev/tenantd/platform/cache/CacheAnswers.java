package dev.tenantd.platform.cache;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a stored response answers a {@code cache.match} request, as Cloudflare's cache does:
 * marked {@code CF-Cache-Status: HIT}; a 304 when the request's {@code If-None-Match} names
 * the entry's {@code ETag} (weak comparison, {@code *} matches any), or, without
 * {@code If-None-Match}, when its {@code If-Modified-Since} is not before the entry's
 * {@code Last-Modified}; a 206 for one satisfiable {@code Range} of a 200 (a 416 for an
 * unsatisfiable one; several ranges or an unreadable one get the whole response).
 */
final class CacheAnswers {
    private static final Pattern RANGE = Pattern.compile("bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    private CacheAnswers() {
    }

    /** What the worker's {@code match} resolves to. */
    record Answer(int status, String statusText, HttpFields headers, byte[] body) {
    }

    static Answer answer(CachedResponse stored, HttpFields request) {
        HttpFields headers = stored.headers().with("cf-cache-status", "HIT");
        if (notModified(stored.headers(), request)) {
            return new Answer(304, "Not Modified", headers, new byte[0]);
        }
        Optional<String> range = request.get("range");
        if (range.isPresent() && stored.status() == 200) {
            Matcher m = RANGE.matcher(range.get());
            long size = stored.body().length;
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long first;
                long last;
                try {
                    if (m.group(1).isEmpty()) {
                        long suffix = Long.parseLong(m.group(2));
                        first = Math.max(0, size - suffix);
                        last = suffix == 0 ? -1 : size - 1;
                    } else {
                        first = Long.parseLong(m.group(1));
                        last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                            return new Answer(200, stored.statusText(), headers, stored.body());
                        }
                    }
                } catch (NumberFormatException e) {
                    return new Answer(200, stored.statusText(), headers, stored.body());
                }
                if (first >= size || last < first) {
                    return new Answer(416, "Range Not Satisfiable", headers.with("content-range", "bytes */" + size),
                            new byte[0]);
                }
                return new Answer(206, "Partial Content", headers.with("content-range", "bytes " + first + "-" + last + "/" + size)
                        .with("content-length", Long.toString(last - first + 1)),
                        Arrays.copyOfRange(stored.body(), (int) first, (int) last + 1));
            }
        }
        return new Answer(stored.status(), stored.statusText(), headers, stored.body());
    }

    private static boolean notModified(HttpFields stored, HttpFields request) {
        Optional<String> ifNoneMatch = request.get("if-none-match");
        if (ifNoneMatch.isPresent()) {
            Optional<String> etag = stored.get("etag").map(CacheAnswers::opaque);
            if (etag.isEmpty()) {
                return false;
            }
            if (ifNoneMatch.get().strip().equals("*")) {
                return true;
            }
            return HttpFields.members(ifNoneMatch.get()).stream().map(CacheAnswers::opaque).anyMatch(etag.get()::equals);
        }
        Optional<Instant> since = request.get("if-modified-since").flatMap(HttpFields::date);
        Optional<Instant> modified = stored.get("last-modified").flatMap(HttpFields::date);
        return since.isPresent() && modified.isPresent() && !modified.get().isAfter(since.get());
    }

    /** An entity tag without its weakness mark: If-None-Match compares weakly. */
    private static String opaque(String tag) {
        String t = tag.strip();
        return t.startsWith("W/") ? t.substring(2) : t;
    }
}
