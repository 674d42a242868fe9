package dev.tenantd.platform;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this machine's own network interfaces. A worker's socket to one of them
 * reaches this server's listeners and every other service on the machine, as loopback does,
 * whether or not the address is public: a {@code connect()} to the server's own public address
 * could send it requests without the header that counts a worker's calls back into it, and
 * reach listeners a firewall keeps from the outside. The list is read again in the background
 * once it is {@link #REFRESH_SECONDS} seconds old, the older one answering meanwhile.
 */
final class OwnAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(OwnAddresses.class);
    static final long REFRESH_SECONDS = 10;

    /** This machine's. */
    static final OwnAddresses MACHINE = new OwnAddresses(OwnAddresses::interfaceAddresses);

    private record Snapshot(Set<ByteBuffer> addresses, long readAt) {
    }

    private final Supplier<Collection<InetAddress>> source;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile Snapshot snapshot;

    OwnAddresses(Supplier<Collection<InetAddress>> source) {
        this.source = source;
        this.snapshot = read();
    }

    /** Whether {@code address}, or the IPv4 address an IPv6 one carries, is one of this machine's. */
    boolean contains(InetAddress address) {
        Snapshot now = current();
        byte[] bytes = address.getAddress();
        if (now.addresses().contains(ByteBuffer.wrap(bytes))) {
            return true;
        }
        return SpecialAddresses.carriedIpv4(bytes).map(v4 -> now.addresses().contains(ByteBuffer.wrap(v4))).orElse(false);
    }

    private Snapshot current() {
        Snapshot now = snapshot;
        if (System.nanoTime() - now.readAt() > TimeUnit.SECONDS.toNanos(REFRESH_SECONDS) && reading.compareAndSet(false, true)) {
            java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
                try {
                    snapshot = read();
                } finally {
                    reading.set(false);
                }
            });
        }
        return now;
    }

    private Snapshot read() {
        Set<ByteBuffer> addresses = new HashSet<>();
        try {
            for (InetAddress address : source.get()) {
                addresses.add(ByteBuffer.wrap(address.getAddress()));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not list this machine's network interfaces: {}", e.toString());
            Snapshot before = snapshot;
            return new Snapshot(before == null ? Set.of() : before.addresses(), System.nanoTime());
        }
        return new Snapshot(Set.copyOf(addresses), System.nanoTime());
    }

    private static Collection<InetAddress> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
        } catch (SocketException e) {
            LOG.warn("could not list this machine's network interfaces: {}", e.getMessage());
            return List.of();
        }
    }
}
