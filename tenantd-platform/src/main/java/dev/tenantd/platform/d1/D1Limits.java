package dev.tenantd.platform.d1;

import java.time.Duration;
import java.util.Objects;

/**
 * The operator's bounds on D1. The SQL limits are Cloudflare's (100,000-byte statements,
 * 100 bound parameters, 2,000,000-byte values, 100 columns, 50-byte LIKE and GLOB patterns,
 * 32 arguments to a function); the rest are tenantd's.
 *
 * @param queryTime       how long one call (a query, a batch, an exec, an import) may run before it is
 *                        interrupted and rolled back
 * @param resultBytes     how large the rows of one call may be, roughly, in memory
 * @param databaseBytes   how large one database file may grow
 * @param importBytes     how large an SQL file uploaded for {@code wrangler d1 execute --file} may be
 * @param openDatabases   how many database files stay open between calls
 * @param threads         how many calls run at once, across all databases
 * @param queuedPerDatabase how many calls may wait for one database before more are refused
 * @param databasesPerAccount how many databases one account may have
 */
public record D1Limits(Duration queryTime, long resultBytes, long databaseBytes, long importBytes, int openDatabases,
        int threads, int queuedPerDatabase, int databasesPerAccount) {
    /** Cloudflare's limit of databases per account on the paid plan. */
    public static final int DEFAULT_DATABASES_PER_ACCOUNT = 50_000;
    public static final int MAX_SQL_BYTES = 100_000;
    public static final int MAX_PARAMETERS = 100;
    public static final int MAX_VALUE_BYTES = 2_000_000;
    public static final int MAX_COLUMNS = 100;
    public static final int MAX_PATTERN_BYTES = 50;
    public static final int MAX_FUNCTION_ARGUMENTS = 32;

    public D1Limits {
        Objects.requireNonNull(queryTime, "queryTime");
        if (queryTime.isNegative() || queryTime.isZero()) {
            throw new IllegalArgumentException("the D1 query time limit must be positive");
        }
        if (resultBytes < 1 || databaseBytes < 1 || importBytes < 1 || openDatabases < 1 || threads < 1
                || queuedPerDatabase < 1 || databasesPerAccount < 1) {
            throw new IllegalArgumentException("D1 limits must be positive");
        }
    }

    public static D1Limits defaults() {
        return new D1Limits(Duration.ofSeconds(30), 64L << 20, 10L << 30, 64L << 20, 64, 4, 1_000,
                DEFAULT_DATABASES_PER_ACCOUNT);
    }

    public D1Limits withQueryTime(Duration time) {
        return new D1Limits(time, resultBytes, databaseBytes, importBytes, openDatabases, threads, queuedPerDatabase,
                databasesPerAccount);
    }

    public D1Limits withResultBytes(long bytes) {
        return new D1Limits(queryTime, bytes, databaseBytes, importBytes, openDatabases, threads, queuedPerDatabase,
                databasesPerAccount);
    }

    public D1Limits withDatabaseBytes(long bytes) {
        return new D1Limits(queryTime, resultBytes, bytes, importBytes, openDatabases, threads, queuedPerDatabase,
                databasesPerAccount);
    }

    public D1Limits withDatabasesPerAccount(int count) {
        return new D1Limits(queryTime, resultBytes, databaseBytes, importBytes, openDatabases, threads, queuedPerDatabase,
                count);
    }

    public D1Limits withOpenDatabases(int count) {
        return new D1Limits(queryTime, resultBytes, databaseBytes, importBytes, count, threads, queuedPerDatabase,
                databasesPerAccount);
    }
}
