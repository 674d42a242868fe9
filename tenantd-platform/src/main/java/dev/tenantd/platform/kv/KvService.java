package dev.tenantd.platform.kv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantd.platform.FairQueue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers KV: namespaces per account and their entries, with Cloudflare's limits. Every
 * store call runs on the bounded "tenantd-kv" executor and is answered as a future, so
 * that neither an event loop nor a JS thread ever waits for the database. Calls wait in one
 * line per namespace ({@link FairQueue}), so a namespace flooded with calls does not hold
 * the others' behind it. Expired
 * entries are invisible at once and removed from the store every minute.
 */
public final class KvService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUEUE = 1024;

    private final KvStore store;
    private final Clock clock;
    private final KvSettings settings;
    private final ThreadPoolExecutor executor;
    /** Where calls are submitted: the executor, or the executor wrapped to time each call. */
    private volatile java.util.concurrent.Executor calls;
    private final ScheduledExecutorService purger;

    private KvService(KvStore store, Clock clock, int threads, KvSettings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new FairQueue(QUEUE, QUEUE / 4), r -> {
            Thread t = new Thread(r, "tenantd-kv-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.calls = executor;
        // Started here, not by a first call: a thread takes the priority of the thread that makes
        // it, and a JS thread running a long turn at the lowest one may make the first call.
        executor.prestartAllCoreThreads();
        this.purger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantd-kv-purge");
            t.setDaemon(true);
            return t;
        });
        purger.scheduleWithFixedDelay(this::purgeInBackground, 60, 60, TimeUnit.SECONDS);
    }

    /** A service over {@code store} on {@code threads} executor threads, telling time by {@code clock}, with default settings. */
    public static KvService create(KvStore store, Clock clock, int threads) {
        return create(store, clock, threads, KvSettings.defaults());
    }

    /** A service over {@code store} on {@code threads} executor threads, telling time by {@code clock}. */
    public static KvService create(KvStore store, Clock clock, int threads, KvSettings settings) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new KvService(store, clock, threads, settings);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    // ---- namespaces

    public CompletableFuture<KvNamespace> createNamespace(String accountId, String title) {
        return checked(() -> {
            KvLimits.checkTitle(title);
            String id = UUID.randomUUID().toString().replace("-", "");
            return run(accountLine(accountId), () -> store.createNamespace(new KvNamespace(id, accountId, title),
                    settings.namespacesPerAccount()));
        });
    }

    public CompletableFuture<List<KvNamespace>> namespaces(String accountId) {
        return run(accountLine(accountId), () -> store.namespaces(accountId));
    }

    public CompletableFuture<KvNamespace> namespace(String accountId, String namespaceId) {
        return run(accountLine(accountId), () -> require(accountId, namespaceId));
    }

    public CompletableFuture<KvNamespace> renameNamespace(String accountId, String namespaceId, String title) {
        return checked(() -> {
            KvLimits.checkTitle(title);
            return run(accountLine(accountId), () -> store.renameNamespace(accountId, namespaceId, title).orElseThrow(() -> notFound(namespaceId)));
        });
    }

    public CompletableFuture<Void> deleteNamespace(String accountId, String namespaceId) {
        return run(accountLine(accountId), () -> {
            if (!store.deleteNamespace(accountId, namespaceId)) {
                throw notFound(namespaceId);
            }
            return null;
        });
    }

    // ---- entries

    /**
     * Checks a write against KV's limits and fixes its expiration in time; the
     * {@link KvException} says what is wrong. {@code metadata} is JSON text.
     */
    public KvWrite write(String key, byte[] value, KvExpiry expiry, Optional<String> metadata) {
        KvLimits.checkKey(key);
        KvLimits.checkValue(value.length);
        long now = now();
        OptionalLong expiration = switch (expiry) {
            case KvExpiry.Never never -> OptionalLong.empty();
            case KvExpiry.Ttl ttl -> {
                if (ttl.seconds() <= 0) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION_TTL, "Invalid expiration_ttl of " + ttl.seconds()
                            + ". Please specify integer greater than 0.");
                }
                if (ttl.seconds() < KvLimits.MIN_EXPIRATION_TTL_SECONDS) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION_TTL, "Invalid expiration_ttl of " + ttl.seconds()
                            + ". Expiration TTL must be at least " + KvLimits.MIN_EXPIRATION_TTL_SECONDS + ".");
                }
                if (ttl.seconds() > KvLimits.MAX_EXPIRATION_EPOCH_SECONDS - now) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION_TTL, "Invalid expiration_ttl of " + ttl.seconds()
                            + ". Expiration TTL must end before the year 10000 (at most "
                            + (KvLimits.MAX_EXPIRATION_EPOCH_SECONDS - now) + " seconds from now).");
                }
                yield OptionalLong.of(now + ttl.seconds());
            }
            case KvExpiry.At at -> {
                if (at.epochSeconds() <= now) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION, "Invalid expiration of " + at.epochSeconds()
                            + ". Please specify integer greater than the current number of seconds since the UNIX epoch.");
                }
                if (at.epochSeconds() < now + KvLimits.MIN_EXPIRATION_TTL_SECONDS) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION, "Invalid expiration of " + at.epochSeconds()
                            + ". Expiration times must be at least " + KvLimits.MIN_EXPIRATION_TTL_SECONDS
                            + " seconds in the future.");
                }
                if (at.epochSeconds() > KvLimits.MAX_EXPIRATION_EPOCH_SECONDS) {
                    throw new KvException(KvProblem.INVALID_EXPIRATION, "Invalid expiration of " + at.epochSeconds()
                            + ". Expiration times must be before the year 10000 (at most "
                            + KvLimits.MAX_EXPIRATION_EPOCH_SECONDS + ").");
                }
                yield OptionalLong.of(at.epochSeconds());
            }
        };
        return new KvWrite(key, value, metadata.map(KvService::canonicalMetadata), expiration);
    }

    private static String canonicalMetadata(String json) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new KvException(KvProblem.INVALID_METADATA, "The metadata is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (parsed == null || parsed.isMissingNode()) {
            throw new KvException(KvProblem.INVALID_METADATA, "The metadata is empty; send a JSON value.");
        }
        String canonical = parsed.toString();
        KvLimits.checkMetadata(canonical);
        return canonical;
    }

    public CompletableFuture<Optional<KvEntry>> get(String accountId, String namespaceId, String key) {
        return checked(() -> {
            KvLimits.checkKey(key);
            return run(line(accountId, namespaceId), () -> {
                require(accountId, namespaceId);
                return store.get(namespaceId, key, now());
            });
        });
    }

    /**
     * Several keys at once (at most 100, their values together at most 25 MiB), in the order
     * asked, each with its entry if it exists.
     */
    public CompletableFuture<Map<String, Optional<KvEntry>>> getMany(String accountId, String namespaceId, List<String> keys) {
        return checked(() -> {
            if (keys.isEmpty()) {
                throw new KvException(KvProblem.TOO_MANY_KEYS, "You must request a minimum of 1 key.");
            }
            if (keys.size() > KvLimits.MAX_KEYS_PER_GET) {
                throw new KvException(KvProblem.TOO_MANY_KEYS, "You can request a maximum of " + KvLimits.MAX_KEYS_PER_GET
                        + " keys.");
            }
            keys.forEach(KvLimits::checkKey);
            List<String> distinct = List.copyOf(new LinkedHashSet<>(keys));
            return run(line(accountId, namespaceId), () -> {
                require(accountId, namespaceId);
                long now = now();
                Map<String, Optional<KvEntry>> found = new LinkedHashMap<>();
                long total = 0;
                for (String key : distinct) {
                    Optional<KvEntry> entry = store.get(namespaceId, key, now);
                    total += entry.map(e -> (long) e.value().length).orElse(0L);
                    // Checked as the values come in, so that one call never holds more than the limit and one value.
                    if (total > KvLimits.MAX_VALUE_BYTES) {
                        throw new KvException(KvProblem.VALUE_TOO_LARGE, "Total size of request exceeds the limit of "
                                + KvLimits.MAX_VALUE_BYTES / (1024 * 1024) + "MB");
                    }
                    found.put(key, entry);
                }
                return found;
            });
        });
    }

    /** Writes every entry or none. */
    public CompletableFuture<Void> put(String accountId, String namespaceId, List<KvWrite> writes) {
        List<KvWrite> all = List.copyOf(writes);
        return run(line(accountId, namespaceId), () -> {
            require(accountId, namespaceId);
            if (!all.isEmpty()) {
                store.put(namespaceId, all, settings.namespaceBytes());
            }
            return null;
        });
    }

    /** Deletes the keys; keys that do not exist are no error. */
    public CompletableFuture<Void> delete(String accountId, String namespaceId, List<String> keys) {
        return checked(() -> {
            keys.forEach(KvLimits::checkKey);
            List<String> all = List.copyOf(keys);
            return run(line(accountId, namespaceId), () -> {
                require(accountId, namespaceId);
                if (!all.isEmpty()) {
                    store.delete(namespaceId, all);
                }
                return null;
            });
        });
    }

    /** A page of live keys starting with {@code prefix}; {@code cursor} comes from the previous page. */
    public CompletableFuture<KvPage> list(String accountId, String namespaceId, String prefix, long limit, Optional<String> cursor) {
        return checked(() -> {
            KvLimits.checkKeyLength(prefix);
            int pageSize = KvLimits.checkLimit(limit);
            Optional<String> after = cursor.filter(c -> !c.isEmpty()).map(KvService::decodeCursor);
            return run(line(accountId, namespaceId), () -> {
                require(accountId, namespaceId);
                List<KvKey> keys = new ArrayList<>(store.list(namespaceId, prefix, after, pageSize + 1, now()));
                if (keys.size() <= pageSize) {
                    return new KvPage(keys, Optional.empty());
                }
                keys.removeLast();
                return new KvPage(keys, Optional.of(encodeCursor(keys.getLast().name())));
            });
        });
    }

    private static String encodeCursor(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new KvException(KvProblem.INVALID_CURSOR, "Invalid cursor '" + cursor
                    + "': send the cursor of the previous page as it was returned.");
        }
    }

    // ---- plumbing

    private KvNamespace require(String accountId, String namespaceId) {
        return store.namespace(accountId, namespaceId).orElseThrow(() -> notFound(namespaceId));
    }

    private static KvException notFound(String namespaceId) {
        return new KvException(KvProblem.NAMESPACE_NOT_FOUND, "namespace not found: there is no KV namespace with id '"
                + namespaceId + "' in this account.");
    }

    /** Runs the checks that precede a store call, so that a refused request is a failed future too. */
    private static <T> CompletableFuture<T> checked(Supplier<CompletableFuture<T>> checksThenWork) {
        try {
            return checksThenWork.get();
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The line a namespace's calls wait in: each namespace's calls take the threads in turn with every other's. */
    private static String line(String accountId, String namespaceId) {
        return "kv:" + accountId + "/" + namespaceId;
    }

    /** The line of an account's calls on its namespaces (create, list, rename, delete). */
    private static String accountLine(String accountId) {
        return "account:" + accountId;
    }

    private <T> CompletableFuture<T> run(String line, Supplier<T> work) {
        try {
            return FairQueue.in(line, () -> CompletableFuture.supplyAsync(work, calls));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new KvException(KvProblem.OVERLOADED,
                    "KV is busy: too many requests are waiting; try again."));
        }
    }

    /** Removes expired entries now (the service does this every minute by itself); returns how many. */
    public CompletableFuture<Integer> purgeExpired() {
        return run("purge", () -> store.purgeExpired(now()));
    }

    private void purgeInBackground() {
        purgeExpired().whenComplete((count, error) -> {
            if (error != null) {
                LOG.warn("purging expired KV entries failed: {}", error.toString());
            } else if (count > 0) {
                LOG.debug("purged {} expired KV entries", count);
            }
        });
    }

    /**
     * Times every KV store call from now on: {@code timing} wraps the executor (the server's metrics
     * record how long each call waited and ran). Called once, at start.
     */
    public void timeCallsWith(java.util.function.UnaryOperator<java.util.concurrent.Executor> timing) {
        this.calls = java.util.Objects.requireNonNull(timing.apply(executor));
    }

    /** The bounded executor that runs KV's store calls, for the operator's metrics. */
    public dev.tenantd.platform.NamedExecutor executor() {
        return new dev.tenantd.platform.NamedExecutor("kv", executor);
    }

    @Override
    public void close() {
        purger.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
