package dev.tenantd.platform.store;

import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationPage;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.observability.MinuteAggregate;
import java.util.List;
import java.util.Optional;

/**
 * Where invocation records and their per-minute aggregates live. Calls block; the
 * {@link dev.tenantd.platform.observability.InvocationRecorder} makes its writes on a thread
 * of its own, never on a request's path. Time is passed in, so that a store never reads a
 * clock. Every implementation passes the abstract {@code InvocationStoreContract}.
 */
public interface InvocationStore extends AutoCloseable {

    /** Stores a batch of records and adds them to their minutes' aggregates, all in one transaction. */
    void insert(List<InvocationEntry> batch);

    /** A page of an account's records matching the query, newest first. */
    InvocationPage query(InvocationQuery query);

    /** One of an account's records by its id. */
    Optional<InvocationEntry> get(String accountId, String id);

    /** The account's per-minute aggregates with a minute in {@code [fromMillis, toMillis)}, oldest first. */
    List<MinuteAggregate> aggregates(String accountId, long fromMillis, long toMillis);

    /** Removes records and aggregates older than {@code beforeMillis}; returns how many records went. */
    int deleteBefore(long beforeMillis);

    /**
     * Removes records until the rest take at most {@code maxBytes}; returns how many went. The
     * workers holding more than an equal share lose their oldest records first, so that one
     * worker's flood of records does not push out the others'.
     */
    int trimTo(long maxBytes);

    /** What the stored records take, as {@link InvocationEntry#approximateBytes()} counts. */
    long storedBytes();

    @Override
    void close();
}
