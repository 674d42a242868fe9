package dev.tenantd.platform.d1;

import java.util.List;
import java.util.Objects;

/**
 * SQL text and its positional parameters ({@code ?} and {@code ?NNN}; parameter i binds
 * to index i + 1). The text may hold several statements when it has no parameters.
 */
public record D1Statement(String sql, List<SqlValue> params) {
    public D1Statement {
        Objects.requireNonNull(sql, "sql");
        params = List.copyOf(params);
    }

    public static D1Statement of(String sql, SqlValue... params) {
        return new D1Statement(sql, List.of(params));
    }
}
