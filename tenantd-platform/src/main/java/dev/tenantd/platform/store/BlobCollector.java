package dev.tenantd.platform.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what uploads left behind and nothing uses any more: asset records of files no
 * version serves, then the blobs that no version and no asset record refers to. Versions
 * beyond a script's newest {@link ScriptStore#KEPT_VERSIONS}, deleted scripts and replaced
 * static files would otherwise keep their content on disk for good.
 *
 * <p>Only what was last written or asked for more than a {@link #GRACE} ago goes: an upload
 * stores its blobs before the version that refers to them, and an asset upload session may
 * take an hour to complete. A put that finds its blob already stored marks it as new again.
 */
public final class BlobCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);
    /** How long something unused is kept after it was last written or asked for. */
    public static final Duration GRACE = Duration.ofHours(2);
    /** How often a collection runs. */
    public static final Duration EVERY = Duration.ofHours(1);
    /**
     * When the first collection runs after start: soon, so that a server restarted more often
     * than {@link #EVERY} still collects (the grace is read from stored times, not this process's).
     */
    public static final Duration FIRST = Duration.ofMinutes(5);

    private final ScriptStore store;
    private final BlobStore blobs;
    private final Clock clock;
    private volatile ScheduledExecutorService schedule;

    public BlobCollector(ScriptStore store, BlobStore blobs, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.clock = clock;
    }

    /** Collects {@link #FIRST} after start, then every {@link #EVERY}, on a thread of its own, until {@link #close()}. */
    public synchronized BlobCollector start() {
        if (schedule == null) {
            schedule = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tenantd-blob-collector");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                return t;
            });
            schedule.scheduleWithFixedDelay(this::collectQuietly, FIRST.toMillis(), EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** What one collection removed. */
    public record Collected(int assetRecords, int blobs, long bytes) {
    }

    /** Collects now what has been unused for longer than {@code grace}. */
    public synchronized Collected collect(Duration grace) {
        Instant cutoff = clock.instant().minus(grace);
        int records = store.dropUnusedAssets(cutoff.toEpochMilli());
        References references = new References();
        store.referencedBlobs(references::add);
        BlobStore.Collected removed = blobs.collect(references.sealed()::contains, cutoff);
        if (records > 0) {
            LOG.info("removed {} asset record(s) no version serves", records);
        }
        return new Collected(records, removed.blobs(), removed.bytes());
    }

    private void collectQuietly() {
        try {
            collect(GRACE);
        } catch (RuntimeException | Error e) {
            // whatever went wrong, the next run must still come: an exception escaping would end the schedule
            LOG.warn("blob collection failed, it runs again in {}: {}", EVERY, e.toString());
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService running = schedule;
        if (running != null) {
            running.shutdownNow(); // no wait for a collection in progress: its daemon thread finishes it
        }
    }

    /**
     * The referenced hashes, each by its first 64 bits: a few million take tens of MB. Two hashes
     * sharing those bits only keep a blob that could have gone.
     */
    private static final class References {
        private long[] keys = new long[1024];
        private int size;

        void add(String sha256) {
            if (sha256.length() < 16 || !HexFormat.isHexDigit(sha256.charAt(0))) {
                return;
            }
            long key;
            try {
                key = key(sha256);
            } catch (IllegalArgumentException notHex) {
                return; // names no blob file
            }
            if (size == keys.length) {
                // Most references repeat (a script's versions share modules): drop the repeats first.
                sealed();
                if (size > keys.length / 2) {
                    keys = Arrays.copyOf(keys, keys.length * 2);
                }
            }
            keys[size++] = key;
        }

        /** Sorted, each key once. */
        References sealed() {
            Arrays.sort(keys, 0, size);
            int distinct = 0;
            for (int i = 0; i < size; i++) {
                if (distinct == 0 || keys[i] != keys[distinct - 1]) {
                    keys[distinct++] = keys[i];
                }
            }
            size = distinct;
            return this;
        }

        boolean contains(String sha256) {
            return Arrays.binarySearch(keys, 0, size, key(sha256)) >= 0;
        }

        private static long key(String sha256) {
            return HexFormat.fromHexDigitsToLong(sha256, 0, 16);
        }
    }
}
