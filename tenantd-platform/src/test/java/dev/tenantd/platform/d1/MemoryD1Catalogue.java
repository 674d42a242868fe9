package dev.tenantd.platform.d1;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A catalogue in memory for engine tests; it passes the same contract as the stores' catalogues. */
final class MemoryD1Catalogue implements D1Catalogue {
    private final List<D1Database> all = new ArrayList<>();

    @Override
    public synchronized Optional<D1Database> create(D1Database database, int maxPerAccount) {
        if (byName(database.accountId(), database.name()).isPresent()) {
            return Optional.empty();
        }
        int count = list(database.accountId()).size();
        if (count >= maxPerAccount) {
            throw new D1Exception(D1Exception.Kind.TOO_MANY, "this account has " + count + " databases");
        }
        all.add(database);
        return Optional.of(database);
    }

    @Override
    public synchronized List<D1Database> list(String accountId) {
        return all.stream().filter(d -> d.accountId().equals(accountId))
                .sorted(Comparator.comparing(D1Database::createdAt).thenComparing(D1Database::name)).toList();
    }

    @Override
    public synchronized Optional<D1Database> byId(String accountId, String uuid) {
        return all.stream().filter(d -> d.accountId().equals(accountId) && d.uuid().equals(uuid)).findFirst();
    }

    @Override
    public synchronized Optional<D1Database> byName(String accountId, String name) {
        return all.stream().filter(d -> d.accountId().equals(accountId) && d.name().equals(name)).findFirst();
    }

    @Override
    public synchronized boolean exists(String uuid) {
        return all.stream().anyMatch(d -> d.uuid().equals(uuid));
    }

    @Override
    public synchronized boolean delete(String accountId, String uuid) {
        return all.removeIf(d -> d.accountId().equals(accountId) && d.uuid().equals(uuid));
    }
}
