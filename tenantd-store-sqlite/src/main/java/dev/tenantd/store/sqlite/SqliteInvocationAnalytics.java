package dev.tenantd.store.sqlite;

import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.analytics.AnalyticsFilter;
import dev.tenantd.platform.analytics.AnalyticsGroup;
import dev.tenantd.platform.analytics.AnalyticsOrder;
import dev.tenantd.platform.analytics.AnalyticsQuery;
import dev.tenantd.platform.analytics.Dimension;
import dev.tenantd.platform.analytics.ScriptKey;
import dev.tenantd.platform.observability.LatencyBuckets;
import dev.tenantd.platform.store.InvocationAnalytics;
import dev.tenantd.runtime.TenantdException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteDataSource;

/**
 * Analytics over {@code invocation_minutes} in {@code invocations.sqlite}: one SQL statement per
 * query that filters, groups, sums the histograms column by column, orders and limits, on read
 * connections of its own so that analytics never waits for the logs API or the writer.
 */
public final class SqliteInvocationAnalytics implements InvocationAnalytics, AutoCloseable {
    private static final String SUMS = "sum(requests), sum(errors), sum(subrequests), sum(cpu_ms_sum), sum(wall_ms_sum)";

    private final SqliteConnections db;

    private SqliteInvocationAnalytics(SqliteConnections db) {
        this.db = db;
    }

    /** Opens (creating and migrating if needed) {@code invocations.sqlite} in a directory, with {@code readers} connections. */
    public static SqliteInvocationAnalytics open(Path dataDir, int readers) {
        try {
            SQLiteDataSource dataSource = SqliteFiles.migrated(dataDir.resolve("invocations.sqlite"),
                    "classpath:db/invocations/sqlite", org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
            return new SqliteInvocationAnalytics(SqliteConnections.readingOnly(dataSource, readers, "invocations database"));
        } catch (Exception e) {
            throw new TenantdException("cannot open the invocations database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The sums of one histogram's bucket columns, or nothing when the query does not want it. */
    private static String histogram(AnalyticsQuery q, AnalyticsQuery.Histogram h) {
        if (!q.histograms().contains(h)) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        String kind = h == AnalyticsQuery.Histogram.CPU ? "cpu" : "wall";
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            s.append(", sum(").append(kind).append("_b").append(i).append(')');
        }
        return s.toString();
    }

    /** The SQL expression of a dimension; only constants and column names, never input. */
    static String expression(Dimension d) {
        return switch (d) {
            case DATETIME_MINUTE -> "minute_ms";
            case DATETIME_FIVE_MINUTES -> "(minute_ms - minute_ms % 300000)";
            case DATETIME_FIFTEEN_MINUTES -> "(minute_ms - minute_ms % 900000)";
            case DATETIME_HOUR -> "(minute_ms - minute_ms % 3600000)";
            case DATE -> "(minute_ms - minute_ms % 86400000)";
            case SCRIPT_NAME -> "script";
            case DISPATCH_NAMESPACE_NAME -> "namespace";
            case STATUS -> "(CASE outcome WHEN 'ok' THEN 'success' WHEN 'exception' THEN 'scriptThrewException' "
                    + "WHEN 'canceled' THEN 'clientDisconnected' WHEN 'exceededCpu' THEN 'exceededResources' "
                    + "WHEN 'exceededMemory' THEN 'exceededResources' WHEN 'exceededWallTime' THEN 'exceededResources' "
                    + "WHEN 'exceededSubrequests' THEN 'exceededResources' ELSE 'internalError' END)";
            case OUTCOME -> "outcome";
            case HTTP_STATUS -> "status";
        };
    }

    private static String sumColumn(AnalyticsOrder.Sum s) {
        return switch (s) {
            case REQUESTS -> "sum(requests)";
            case ERRORS -> "sum(errors)";
            case SUBREQUESTS -> "sum(subrequests)";
            case CPU_TIME -> "sum(cpu_ms_sum)";
            case WALL_TIME -> "sum(wall_ms_sum)";
        };
    }

    private static String operator(AnalyticsFilter.Op op) {
        return switch (op) {
            case EQ -> " = ?";
            case NEQ -> " <> ?";
            case GT -> " > ?";
            case GEQ -> " >= ?";
            case LT -> " < ?";
            case LEQ -> " <= ?";
            case IN -> " IN ";
            case NOT_IN -> " NOT IN ";
        };
    }

    private static final int PROGRESS_STEPS = 1_000;

    @Override
    public List<AnalyticsGroup> groups(AnalyticsQuery q, long deadline) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (Dimension d : q.groupBy()) {
            sql.append(expression(d)).append(", ");
        }
        sql.append(SUMS).append(histogram(q, AnalyticsQuery.Histogram.CPU)).append(histogram(q, AnalyticsQuery.Histogram.WALL))
                .append(" FROM invocation_minutes WHERE account_id = ? AND minute_ms >= ? AND minute_ms <= ?");
        args.add(q.accountId());
        args.add(q.fromMillis());
        args.add(q.toMillis());
        for (AnalyticsFilter f : q.filters()) {
            sql.append(" AND ").append(expression(f.dimension())).append(operator(f.op()));
            if (f.op() == AnalyticsFilter.Op.IN || f.op() == AnalyticsFilter.Op.NOT_IN) {
                // An empty list is a JSON array too: IN () matches nothing, NOT IN () everything.
                sql.append("(SELECT value FROM json_each(?))");
                args.add(jsonArray(f.values()));
            } else {
                args.add(f.values().getFirst());
            }
        }
        q.scripts().ifPresent(keys -> {
            sql.append(" AND (namespace, script) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                    + "FROM json_each(?))");
            args.add(jsonPairs(keys));
        });
        if (!q.groupBy().isEmpty()) {
            sql.append(" GROUP BY ");
            for (int i = 0; i < q.groupBy().size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(i + 1);
            }
        }
        List<String> order = new ArrayList<>();
        for (AnalyticsOrder o : q.orderBy()) {
            String key = o.dimension().map(d -> {
                int at = q.groupBy().indexOf(d);
                if (at < 0) {
                    throw new IllegalArgumentException("ordering by " + d + " needs it among the dimensions");
                }
                return String.valueOf(at + 1);
            }).orElseGet(() -> sumColumn(o.sum().orElseThrow()));
            order.add(key + (o.direction() == AnalyticsOrder.Direction.DESC ? " DESC" : " ASC"));
        }
        for (int i = 0; i < q.groupBy().size(); i++) {
            order.add(String.valueOf(i + 1));
        }
        if (!order.isEmpty()) {
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        sql.append(" LIMIT ?");
        args.add(q.limit());
        return read(db -> {
            List<AnalyticsGroup> groups = new ArrayList<>();
            org.sqlite.ProgressHandler.setHandler(db, PROGRESS_STEPS, new org.sqlite.ProgressHandler() {
                @Override
                protected int progress() {
                    return System.nanoTime() - deadline > 0 ? 1 : 0;
                }
            });
            try (PreparedStatement st = db.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    st.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        AnalyticsGroup g = group(rs, q);
                        if (g.requests() > 0 || !q.groupBy().isEmpty()) {
                            groups.add(g);
                        }
                    }
                }
            } catch (SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new PlatformException(Problem.INVALID_REQUEST, "The request's queries ran for more than "
                            + BUDGET_MS + " ms in all and were stopped; narrow them with a shorter time range or more "
                            + "filters, or ask for fewer datasets at once.");
                }
                throw e;
            } finally {
                org.sqlite.ProgressHandler.clearHandler(db);
            }
            return groups;
        });
    }

    private static AnalyticsGroup group(ResultSet rs, AnalyticsQuery q) throws SQLException {
        Map<Dimension, Object> dims = new EnumMap<>(Dimension.class);
        int col = 1;
        for (Dimension d : q.groupBy()) {
            dims.put(d, d.isTime() || d == Dimension.HTTP_STATUS ? (Object) rs.getLong(col) : rs.getString(col));
            col++;
        }
        long requests = rs.getLong(col++);
        long errors = rs.getLong(col++);
        long subrequests = rs.getLong(col++);
        double cpu = rs.getDouble(col++);
        double wall = rs.getDouble(col++);
        boolean cpuSummed = q.histograms().contains(AnalyticsQuery.Histogram.CPU);
        boolean wallSummed = q.histograms().contains(AnalyticsQuery.Histogram.WALL);
        List<Long> cpuBuckets = new ArrayList<>(LatencyBuckets.COUNT);
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            cpuBuckets.add(cpuSummed ? rs.getLong(col++) : 0L);
        }
        List<Long> wallBuckets = new ArrayList<>(LatencyBuckets.COUNT);
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            wallBuckets.add(wallSummed ? rs.getLong(col++) : 0L);
        }
        return new AnalyticsGroup(dims, requests, errors, subrequests, cpu, wall, cpuBuckets, wallBuckets);
    }

    private static String jsonArray(List<Object> values) {
        StringBuilder s = new StringBuilder("[");
        for (Object v : values) {
            s.append(s.length() == 1 ? "" : ",");
            if (v instanceof Number n) {
                s.append(n.longValue());
            } else {
                s.append(quoted(String.valueOf(v)));
            }
        }
        return s.append(']').toString();
    }

    private static String jsonPairs(List<ScriptKey> keys) {
        StringBuilder s = new StringBuilder("[");
        for (ScriptKey k : keys) {
            s.append(s.length() == 1 ? "" : ",").append('[').append(quoted(k.namespace())).append(',')
                    .append(quoted(k.script())).append(']');
        }
        return s.append(']').toString();
    }

    private static String quoted(String text) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(text).toString();
    }

    private <T> T read(SqliteConnections.Work<T> work) {
        return db.read(work);
    }

    @Override
    public void close() {
        db.close();
    }
}
