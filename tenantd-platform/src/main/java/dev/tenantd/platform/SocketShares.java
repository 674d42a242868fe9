package dev.tenantd.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many TCP sockets workers hold through {@code connect()}, from the moment one is asked
 * for until its connection has closed (or failed to open): a requester (a script) holds at most
 * {@code perRequester}, all of them together at most {@code total}, which keeps the process's
 * file descriptors for its listeners, its stores and {@code fetch()}. Past either, a new socket
 * is refused at once, with why; sockets do not queue, as a {@code fetch()} does.
 *
 * <p>Thread-safe: sockets are asked for on JS threads and close on event loops.
 */
final class SocketShares {
    /** The most sockets all workers hold at once, opening or open. */
    static final int TOTAL = 4_096;
    /** The most one script's isolates hold together. */
    static final int PER_REQUESTER = 512;

    private final int total;
    private final int perRequester;
    private final Map<Object, Integer> held = new HashMap<>();
    private int all;

    SocketShares() {
        this(TOTAL, PER_REQUESTER);
    }

    SocketShares(int total, int perRequester) {
        this.total = total;
        this.perRequester = perRequester;
    }

    /** Takes one socket for {@code requester}; why not, when it is refused. */
    synchronized Optional<String> take(Object requester) {
        int mine = held.getOrDefault(requester, 0);
        if (mine >= perRequester) {
            return Optional.of("Too many open sockets: this worker holds " + perRequester
                    + " TCP sockets (open or opening) at once; close some first.");
        }
        if (all >= total) {
            return Optional.of("Too many open sockets: the server holds its most TCP sockets for workers ("
                    + total + ") at once; try again later.");
        }
        held.put(requester, mine + 1);
        all++;
        return Optional.empty();
    }

    /** Gives back one socket of {@code requester}'s. */
    synchronized void release(Object requester) {
        Integer mine = held.get(requester);
        if (mine == null) {
            throw new IllegalStateException("a socket given back that was not taken");
        }
        if (mine == 1) {
            held.remove(requester);
        } else {
            held.put(requester, mine - 1);
        }
        all--;
    }

    /** Sockets held now, by everyone. */
    synchronized int held() {
        return all;
    }
}
