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

    /**
     * The states (in the kernel's hexadecimal) of the sockets connected to {@code port} from the
     * local port {@code fromPort}: one connection, not an earlier one to another listener that had
     * the same port number (the kernel keeps a closed connection a minute in TIME_WAIT).
     */
    static List<String> connectedTo(int port, int fromPort) {
        String remote = String.format(Locale.ROOT, ":%04X", port);
        String local = String.format(Locale.ROOT, ":%04X", fromPort);
        List<String> states = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
                        states.add(fields[3]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return states;
    }

    /** Waits up to {@code seconds} for the connection from {@code fromPort} to {@code port} to be gone; its states then. */
    static List<String> awaitGone(int port, int fromPort, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> left = connectedTo(port, fromPort);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            left = connectedTo(port, fromPort);
        }
        return left;
    }
}
