import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A constant-rate (open-loop) HTTP/1.1 load generator, because Debian's wrk has
 * no -R and wrk2 is not packaged.
 *
 * <p>Requests are due on one fixed schedule: request n is due at
 * {@code start + n / rate}. Connection i owns the due times i, i+C, i+2C, ...;
 * it sends a request when it is due, or as soon as the previous answer on that
 * connection arrives if that answer came late. Latency is counted from the due
 * time, not from when the request was written, so a server that stalls is
 * charged for the whole queue it built up (no coordinated omission: the rule
 * wrk2 uses). A server that cannot keep up works off its backlog for at most
 * five seconds past the schedule; requests never sent are reported as dropped.
 *
 * <p>One platform thread per connection, blocking sockets, parkNanos until the
 * due time. An event loop on one thread costs less CPU, but on a 2-core machine
 * shared with the server it was often descheduled past due times, adding
 * milliseconds to p99; this design measured the Vert.x hello server at
 * p99 0.33 ms at 30k req/s on the reference machine.
 *
 * <p>{@code java PacedLoad.java --port 8080 --rate 5000 [--host-header H] [--connections 32]
 * [--duration 10] [--warmup 2] [--method POST --body-file F --content-type T]};
 * prints one JSON object on stdout. Connects to 127.0.0.1 only.
 */
public final class PacedLoad {
    /** How long past the end of the schedule a connection may keep working off its backlog. */
    private static final long GRACE_NS = 5_000_000_000L;

    public static void main(String[] args) throws Exception {
        int port = 0;
        String hostHeader = null;
        String path = "/";
        double rate = 1000;
        int connections = 32;
        double duration = 10;
        double warmup = 2;
        String method = "GET";
        byte[] body = new byte[0];
        String contentType = null;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> { port = Integer.parseInt(v); i++; }
                case "--host-header" -> { hostHeader = v; i++; }
                case "--path" -> { path = v; i++; }
                case "--rate" -> { rate = Double.parseDouble(v); i++; }
                case "--connections" -> { connections = Integer.parseInt(v); i++; }
                case "--duration" -> { duration = Double.parseDouble(v); i++; }
                case "--warmup" -> { warmup = Double.parseDouble(v); i++; }
                case "--method" -> { method = v; i++; }
                case "--body-file" -> { body = Files.readAllBytes(Path.of(v)); i++; }
                case "--content-type" -> { contentType = v; i++; }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port <= 0 || rate <= 0 || connections < 1) {
            throw new IllegalArgumentException("need --port, a positive --rate and --connections >= 1");
        }
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader != null ? hostHeader : "127.0.0.1:" + port).append("\r\n");
        if (body.length > 0 || !method.equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);

        long periodNs = Math.round(1e9 / rate);
        long start = System.nanoTime() + 200_000_000L; // time to open every connection first
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (duration * 1e9);

        AtomicLong errors = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        List<Conn> conns = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Conn c = new Conn(i, connections, port, request, periodNs, start, measureFrom, end, errors, non2xx);
            conns.add(c);
            Thread t = new Thread(c, "paced-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        int total = conns.stream().mapToInt(c -> c.count).sum();
        long[] all = new long[total];
        int off = 0;
        for (Conn c : conns) {
            System.arraycopy(c.latencies, 0, all, off, c.count);
            off += c.count;
        }
        Arrays.sort(all);
        long late = conns.stream().mapToLong(c -> c.lateSends).sum();
        long dropped = conns.stream().mapToLong(c -> c.dropped).sum();
        long lastDone = conns.stream().mapToLong(c -> c.lastDone).max().orElse(end);
        // Achieved rate: answers to requests due in the measured window, over the time it
        // took to get them (longer than the window when the server fell behind).
        double window = Math.max(duration, (lastDone - measureFrom) / 1e9);
        System.out.println(String.format(Locale.ROOT,
                "{\"targetRate\":%.1f,\"achievedRate\":%.1f,\"requests\":%d,\"errors\":%d,\"non2xx\":%d,"
                        + "\"lateSends\":%d,\"dropped\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}",
                rate, total / window, total, errors.get(), non2xx.get(), late, dropped,
                pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 0.999),
                total == 0 ? 0.0 : all[total - 1] / 1e6));
    }

    /** Percentile in milliseconds (nearest rank). */
    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    private static final class Conn implements Runnable {
        final int index;
        final int stride;
        final int port;
        final byte[] request;
        final long periodNs;
        final long start;
        final long measureFrom;
        final long end;
        final AtomicLong errors;
        final AtomicLong non2xx;
        final StringBuilder lineBuf = new StringBuilder(128);
        long[] latencies = new long[4096];
        int count;
        long lateSends;
        long dropped;
        long lastDone;
        Socket socket;
        InputStream in;
        OutputStream out;

        Conn(int index, int stride, int port, byte[] request, long periodNs, long start, long measureFrom,
                long end, AtomicLong errors, AtomicLong non2xx) {
            this.index = index;
            this.stride = stride;
            this.port = port;
            this.request = request;
            this.periodNs = periodNs;
            this.start = start;
            this.measureFrom = measureFrom;
            this.end = end;
            this.errors = errors;
            this.non2xx = non2xx;
        }

        @Override
        public void run() {
            try {
                connect();
            } catch (IOException e) {
                errors.incrementAndGet();
            }
            for (long n = index; ; n += stride) {
                long due = start + n * periodNs;
                if (due >= end) {
                    break;
                }
                if (System.nanoTime() - end > GRACE_NS) {
                    // Hopelessly behind: stop instead of draining the backlog; count what was never sent.
                    dropped += (end - due + periodNs * stride - 1) / (periodNs * stride);
                    break;
                }
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (-wait > 1_000_000L) {
                    lateSends++; // sent more than 1 ms after it was due
                }
                int status;
                try {
                    if (socket == null) {
                        connect();
                    }
                    out.write(request);
                    out.flush();
                    status = readResponse();
                } catch (IOException e) {
                    errors.incrementAndGet();
                    closeQuietly();
                    continue;
                }
                long done = System.nanoTime();
                lastDone = done;
                if (status < 200 || status > 299) {
                    non2xx.incrementAndGet();
                }
                if (due >= measureFrom) {
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = done - due;
                }
            }
            closeQuietly();
        }

        private void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
        }

        private void closeQuietly() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
            }
            socket = null;
        }

        /** Reads one response; returns its status. Handles Content-Length and chunked bodies. */
        private int readResponse() throws IOException {
            String statusLine = line();
            int sp = statusLine.indexOf(' ');
            if (!statusLine.startsWith("HTTP/1.") || sp < 0) {
                throw new IOException("bad status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                close = true; // the body runs until the server closes
                while (in.read() >= 0) {
                    // drain
                }
            }
            if (close) {
                closeQuietly();
            }
            return status;
        }

        private String line() throws IOException {
            lineBuf.setLength(0);
            for (int b; ; ) {
                b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed mid-response");
                }
                if (b == '\n') {
                    int len = lineBuf.length();
                    if (len > 0 && lineBuf.charAt(len - 1) == '\r') {
                        lineBuf.setLength(len - 1);
                    }
                    return lineBuf.toString();
                }
                lineBuf.append((char) b);
            }
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long s = in.skip(n);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    s = 1;
                }
                n -= s;
            }
        }
    }
}
