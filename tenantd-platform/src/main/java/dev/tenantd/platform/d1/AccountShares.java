package dev.tenantd.platform.d1;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many of the D1 threads one account's calls may hold at once, so that an account
 * running slow queries on many databases leaves threads for the others. A waiter is
 * whatever wants a thread next (a database's lane); it waits in line with its account's
 * other waiters and is handed the thread that account gives back.
 */
final class AccountShares<W> {
    private final int perAccount;
    private final Map<String, Integer> held = new HashMap<>();
    private final Map<String, ArrayDeque<W>> waiting = new HashMap<>();

    AccountShares(int perAccount) {
        this.perAccount = perAccount;
    }

    /** Takes a share for the account; when none is free, queues the waiter and answers false. */
    synchronized boolean takeOrWait(String account, W waiter) {
        int n = held.getOrDefault(account, 0);
        if (n < perAccount) {
            held.put(account, n + 1);
            return true;
        }
        waiting.computeIfAbsent(account, a -> new ArrayDeque<>()).add(waiter);
        return false;
    }

    /** Gives a share back; if a waiter of the account is in line, the share passes to it, and it is returned. */
    synchronized Optional<W> giveBack(String account) {
        ArrayDeque<W> line = waiting.get(account);
        if (line != null) {
            W next = line.poll();
            if (line.isEmpty()) {
                waiting.remove(account);
            }
            return Optional.of(next);
        }
        int n = held.getOrDefault(account, 1) - 1;
        if (n <= 0) {
            held.remove(account);
        } else {
            held.put(account, n);
        }
        return Optional.empty();
    }
}
