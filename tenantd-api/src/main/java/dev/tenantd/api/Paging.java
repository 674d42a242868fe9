package dev.tenantd.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Paging of list results, the same for every resource: {@code page} and {@code per_page}, or
 * {@code cursor} and {@code limit}; what it chose goes into the envelope's {@code result_info}.
 */
final class Paging {
    /** Where a handler leaves its {@code result_info} for the envelope. */
    static final String RESULT_INFO = "tenantd.result_info";

    private Paging() {
    }

    /** How a list request asked for its window. */
    enum Style { PAGES, CURSOR }

    /**
     * The window a list request asks for: {@code page}/{@code per_page} (every item when
     * {@code per_page} is absent), or {@code cursor}/{@code limit}.
     */
    record Window(Style style, int offset, int limit, int page, boolean perPageGiven) {
    }

    /** Reads the window from the query; a bad value is a 400 naming the parameter. */
    static Window window(RoutingContext ctx) {
        var q = ctx.queryParams();
        if (q.contains("cursor") || q.contains("limit")) {
            int limit = positive(q.get("limit"), Integer.MAX_VALUE, "limit");
            int from = 0;
            if (q.get("cursor") != null && !q.get("cursor").isEmpty()) {
                try {
                    from = Integer.parseInt(new String(java.util.Base64.getUrlDecoder().decode(q.get("cursor")),
                            java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiError.badPaging("The cursor is not one this server returned.");
                }
            }
            return new Window(Style.CURSOR, Math.max(from, 0), limit, 1, false);
        }
        boolean perPageGiven = q.get("per_page") != null && !q.get("per_page").isEmpty();
        int perPage = positive(q.get("per_page"), Integer.MAX_VALUE, "per_page");
        int page = positive(q.get("page"), 1, "page");
        long from = (long) (page - 1) * perPage;
        return new Window(Style.PAGES, (int) Math.min(from, Integer.MAX_VALUE), perPage, page, perPageGiven);
    }

    /** Sets result_info for {@code out}, the window's items of {@code total}, and returns them. */
    static <T> List<T> finish(RoutingContext ctx, Window w, List<T> out, int total) {
        ObjectNode info = Envelope.JSON.createObjectNode();
        if (w.style() == Style.CURSOR) {
            int to = (int) Math.min(total, (long) Math.min(w.offset(), total) + out.size());
            info.put("cursor", to < total ? java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(to).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : "");
            info.put("count", out.size());
        } else {
            int perPage = w.perPageGiven() ? w.limit() : Math.max(total, 1);
            info.put("page", w.page()).put("per_page", perPage).put("count", out.size()).put("total_count", total)
                    .put("total_pages", (total + (long) perPage - 1) / perPage);
        }
        ctx.put(RESULT_INFO, info);
        return out;
    }

    /** One page of a list held in memory: {@code page}/{@code per_page}, or {@code limit}/{@code cursor}; sets result_info. */
    static <T> List<T> page(RoutingContext ctx, List<T> all) {
        Window w = window(ctx);
        int from = Math.min(w.offset(), all.size());
        int to = (int) Math.min(all.size(), (long) from + w.limit());
        return finish(ctx, w, all.subList(from, to), all.size());
    }

    private static int positive(String value, int absent, String name) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badPaging("Query parameter " + name + " must be a whole number, 1 or more; got '" + value + "'.");
    }
}
