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

    /** One page of a list: {@code page}/{@code per_page}, or {@code limit}/{@code cursor}; sets result_info. */
    static <T> List<T> page(RoutingContext ctx, List<T> all) {
        var q = ctx.queryParams();
        ObjectNode info = Envelope.JSON.createObjectNode();
        List<T> out;
        if (q.contains("cursor") || q.contains("limit")) {
            int limit = positive(q.get("limit"), all.size(), "limit");
            int from = 0;
            if (q.get("cursor") != null && !q.get("cursor").isEmpty()) {
                try {
                    from = Integer.parseInt(new String(java.util.Base64.getUrlDecoder().decode(q.get("cursor")),
                            java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiError.badPaging("The cursor is not one this server returned.");
                }
            }
            from = Math.min(Math.max(from, 0), all.size());
            int to = (int) Math.min(all.size(), (long) from + limit);
            out = all.subList(from, to);
            info.put("cursor", to < all.size() ? java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(to).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : "");
            info.put("count", out.size());
        } else {
            int perPage = positive(q.get("per_page"), Math.max(all.size(), 1), "per_page");
            int page = positive(q.get("page"), 1, "page");
            int from = (int) Math.min((long) (page - 1) * perPage, all.size());
            out = all.subList(from, (int) Math.min(all.size(), (long) from + perPage));
            info.put("page", page).put("per_page", perPage).put("count", out.size()).put("total_count", all.size())
                    .put("total_pages", (all.size() + (long) perPage - 1) / perPage);
        }
        ctx.put(RESULT_INFO, info);
        return out;
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
