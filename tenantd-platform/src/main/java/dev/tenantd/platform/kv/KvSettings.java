package dev.tenantd.platform.kv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * What the operator allows KV ({@code [kv]} of tenantd.toml).
 *
 * @param namespaceBytes how much one namespace's entries may take together (keys, values and
 *                       metadata, in bytes): a write past it is refused with 507, so that a
 *                       worker writing without end cannot fill the disk every tenant shares
 * @param namespacesPerAccount how many namespaces one account may have: with the size limit, what
 *                       one account may store in all
 */
public record KvSettings(long namespaceBytes, int namespacesPerAccount) {
    /** One namespace holds up to 1 GiB by default. */
    public static final long DEFAULT_NAMESPACE_BYTES = 1024L * 1024 * 1024;
    /** Cloudflare's limit of namespaces per account. */
    public static final int DEFAULT_NAMESPACES_PER_ACCOUNT = 1_000;
    private static final int MAX_NAMESPACES_PER_ACCOUNT = 1_000_000;

    public KvSettings {
        if (namespaceBytes < 1) {
            throw new IllegalArgumentException("a KV namespace's size limit must be at least 1 byte");
        }
        if (namespacesPerAccount < 1 || namespacesPerAccount > MAX_NAMESPACES_PER_ACCOUNT) {
            throw new IllegalArgumentException("[kv] namespaces-per-account must be a whole number from 1 to "
                    + MAX_NAMESPACES_PER_ACCOUNT);
        }
    }

    /** These namespace sizes, and the default number of namespaces per account. */
    public KvSettings(long namespaceBytes) {
        this(namespaceBytes, DEFAULT_NAMESPACES_PER_ACCOUNT);
    }

    public static KvSettings defaults() {
        return new KvSettings(DEFAULT_NAMESPACE_BYTES);
    }

    /** {@code [kv]} of tenantd.toml (as JSON) over the defaults; {@code null} for none. */
    public static KvSettings fromToml(JsonNode table) {
        if (table == null || table.isNull()) {
            return defaults();
        }
        if (!table.isObject()) {
            throw new IllegalArgumentException("[kv] must be a table");
        }
        Set<String> known = Set.of("namespace-mb", "namespaces-per-account");
        table.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown key [kv] " + k + "; known: " + known);
            }
        });
        long bytes = DEFAULT_NAMESPACE_BYTES;
        JsonNode mb = table.get("namespace-mb");
        if (mb != null) {
            // Up to 8 PiB: whole numbers of megabytes that still count in bytes without overflow.
            if (!mb.canConvertToLong() || !mb.isIntegralNumber() || mb.asLong() < 1 || mb.asLong() > (1L << 33)) {
                throw new IllegalArgumentException("[kv] namespace-mb must be a whole number from 1 to " + (1L << 33));
            }
            bytes = mb.asLong() * 1024 * 1024;
        }
        int namespaces = DEFAULT_NAMESPACES_PER_ACCOUNT;
        JsonNode count = table.get("namespaces-per-account");
        if (count != null) {
            if (!count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 1
                    || count.asInt() > MAX_NAMESPACES_PER_ACCOUNT) {
                throw new IllegalArgumentException("[kv] namespaces-per-account must be a whole number from 1 to "
                        + MAX_NAMESPACES_PER_ACCOUNT);
            }
            namespaces = count.asInt();
        }
        return new KvSettings(bytes, namespaces);
    }
}
