package dev.tenantd.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP sockets of one isolate, each owned by the invocation that opened it: only that
 * invocation may use it, and it is closed when that invocation ends (or the isolate goes).
 * Numbers name sockets for the JavaScript; they mean nothing in another isolate, whose
 * table is its own. Opening and using sockets happens on the isolate's thread; the host's
 * answers arrive on any thread, so each entry guards the socket it is given.
 */
final class WorkerSockets {
    /** Open sockets per invocation, as Workers allow (six simultaneous open connections). */
    static final int MAX_OPEN_PER_INVOCATION = 6;
    /**
     * Open sockets per isolate, over all its invocations: sockets of waitUntil work outlive
     * their responses, so the per-invocation cap alone leaves the count to the request rate.
     */
    static final int MAX_OPEN_PER_ISOLATE = 512;

    private static final class Slot {
        final Object owner;
        private HostSocket socket;
        private boolean closed;

        Slot(Object owner) {
            this.owner = owner;
        }

        synchronized Optional<HostSocket> socket() {
            return closed ? Optional.empty() : Optional.ofNullable(socket);
        }

        /** Keeps the connection the host made; false when the worker closed the socket meanwhile. */
        synchronized boolean opened(HostSocket made) {
            if (closed) {
                return false;
            }
            socket = made;
            return true;
        }

        void close() {
            HostSocket open;
            synchronized (this) {
                closed = true;
                open = socket;
                socket = null;
            }
            if (open != null) {
                open.close();
            }
        }
    }

    private final WorkerHost host;
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();
    private int nextId;

    WorkerSockets(WorkerHost host) {
        this.host = host;
    }

    /**
     * Opens a socket for {@code owner}. {@code spec} is {@code "<off|on|starttls> <port> <hostname>"},
     * as the runtime JavaScript writes it; it is checked again here, since a worker can change
     * that JavaScript's built-ins. The answer is {@code "<socket> <remote address>"}.
     */
    CompletableFuture<ChannelReply> connect(Object owner, String spec) {
        SocketRequest request;
        try {
            request = parse(spec);
        } catch (IllegalArgumentException e) {
            return failed("TypeError", e.getMessage());
        }
        long open = slots.values().stream().filter(s -> s.owner == owner).count();
        if (open >= MAX_OPEN_PER_INVOCATION) {
            return failed("Error", "Too many open sockets: a request may keep at most "
                    + MAX_OPEN_PER_INVOCATION + " TCP sockets open at once; close one first.");
        }
        if (slots.size() >= MAX_OPEN_PER_ISOLATE) {
            return failed("Error", "Too many open sockets: this worker's requests keep " + MAX_OPEN_PER_ISOLATE
                    + " TCP sockets open at once; close some first.");
        }
        int id = ++nextId;
        Slot slot = new Slot(owner);
        slots.put(id, slot);
        CompletableFuture<HostSocket> connecting;
        try {
            connecting = host.connect(request);
        } catch (RuntimeException e) {
            connecting = CompletableFuture.failedFuture(e);
        }
        return connecting.handle((socket, error) -> {
            if (error != null) {
                slots.remove(id);
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            if (!slot.opened(socket)) {
                socket.close();
                slots.remove(id);
                throw new CompletionException(new InvocationException(Outcome.EXCEPTION, "Error",
                        "The socket was closed before it was opened."));
            }
            return ChannelReply.data(id + " " + socket.remoteAddress());
        });
    }

    /** read, write, end (close the sending side), startTls or close on one of {@code owner}'s sockets. */
    CompletableFuture<ChannelReply> operate(Object owner, String operation, int id, byte[] bytes) {
        Slot slot = slots.get(id);
        if (slot != null && slot.owner != owner) {
            return failed("Error", "Cannot perform I/O on behalf of a different request: a socket can only be "
                    + "used by the request that opened it.");
        }
        if (operation.equals("close")) {
            if (slot != null) {
                slots.remove(id);
                slot.close();
            }
            return CompletableFuture.completedFuture(ChannelReply.data(""));
        }
        Optional<HostSocket> socket = slot == null ? Optional.empty() : slot.socket();
        if (socket.isEmpty()) {
            return failed("Error", "The socket is closed.");
        }
        HostSocket s = socket.get();
        return switch (operation) {
            case "read" -> s.read().thenApply(read -> read.length == 0 ? ChannelReply.data("eof")
                    : ChannelReply.data("", read));
            case "write" -> s.write(bytes).thenApply(v -> ChannelReply.data(""));
            case "end" -> s.shutdownOutput().thenApply(v -> ChannelReply.data(""));
            case "startTls" -> s.startTls().thenApply(v -> ChannelReply.data(""));
            default -> failed("TypeError", "Unknown socket operation.");
        };
    }

    /** Closes the sockets an invocation opened: it has ended. */
    void closeOwnedBy(Object owner) {
        slots.entrySet().removeIf(e -> {
            if (e.getValue().owner == owner) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Closes every socket: the isolate is discarded. */
    void closeAll() {
        slots.values().forEach(Slot::close);
        slots.clear();
    }

    static SocketRequest parse(String spec) {
        String[] parts = spec.split(" ", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("Specified address could not be parsed.");
        }
        SocketRequest.SecureTransport transport = switch (parts[0]) {
            case "off" -> SocketRequest.SecureTransport.OFF;
            case "on" -> SocketRequest.SecureTransport.ON;
            case "starttls" -> SocketRequest.SecureTransport.STARTTLS;
            default -> throw new IllegalArgumentException(
                    "Unsupported value in secureTransport socket option: " + parts[0]);
        };
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Specified address is missing port.");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("The port must be between 0 and 65535.");
        }
        String hostname = parts[2];
        if (!validHost(hostname)) {
            throw new IllegalArgumentException(
                    "Specified address is empty string, contains unsupported characters or is too long.");
        }
        return new SocketRequest(hostname, port, transport);
    }

    /** Letters, digits, {@code - . _} and the brackets and colons of IPv6 literals; at most 255 characters. */
    private static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static CompletableFuture<ChannelReply> failed(String type, String message) {
        return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, type, message));
    }
}
