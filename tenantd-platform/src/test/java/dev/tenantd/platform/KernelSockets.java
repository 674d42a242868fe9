package dev.tenantd.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The TCP sockets Linux holds for this machine, as {@code /proc/net/tcp} and {@code tcp6} list
 * them: for tests that must see a connection gone for good, including the kernel's own copy
 * of the bytes queued on it, which it keeps after the process has let go of a socket.
 */
final class KernelSockets {
    private KernelSockets() {
    }

    /** The states (in the kernel's hexadecimal) of the sockets connected to {@code port} from another. */
    static List<String> connectedTo(int port) {
        String remote = String.format(Locale.ROOT, ":%04X", port);
        List<String> states = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && fields[2].endsWith(remote)) {
                        states.add(fields[3]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return states;
    }

    /** Waits up to {@code seconds} for no socket to be connected to {@code port}; what is left then. */
    static List<String> awaitNoneConnectedTo(int port, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> left = connectedTo(port);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            left = connectedTo(port);
        }
        return left;
    }
}
