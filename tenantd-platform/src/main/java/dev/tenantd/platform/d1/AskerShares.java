package dev.tenantd.platform.d1;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many of the D1 threads one asker's calls may hold at once (a worker's through its
 * bindings, or an account's through the API), so that an asker running slow queries on many
 * databases leaves threads for the others. A waiter is whatever wants a thread next (a
 * database's lane); it waits in line with its asker's other waiters and is handed the thread
 * that asker gives back.
 */
final class AskerShares<W> {
    private final Map<String, Integer> held = new HashMap<>();
    private final Map<String, ArrayDeque<W>> waiting = new HashMap<>();

    /**
     * Takes a share for the asker, which may hold {@code share} at once; when none is free,
     * queues the waiter and answers false.
     */
    synchronized boolean takeOrWait(String asker, int share, W waiter) {
        int n = held.getOrDefault(asker, 0);
        if (n < share) {
            held.put(asker, n + 1);
            return true;
        }
        waiting.computeIfAbsent(asker, a -> new ArrayDeque<>()).add(waiter);
        return false;
    }

    /** Gives a share back; if a waiter of the asker is in line, the share passes to it, and it is returned. */
    synchronized Optional<W> giveBack(String asker) {
        ArrayDeque<W> line = waiting.get(asker);
        if (line != null) {
            W next = line.poll();
            if (line.isEmpty()) {
                waiting.remove(asker);
            }
            return Optional.of(next);
        }
        int n = held.getOrDefault(asker, 1) - 1;
        if (n <= 0) {
            held.remove(asker);
        } else {
            held.put(asker, n);
        }
        return Optional.empty();
    }
}
