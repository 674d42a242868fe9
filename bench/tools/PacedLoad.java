import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
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
 * <p>One thread drives every connection with non-blocking sockets and a selector,
 * so the generator takes little CPU from the server it shares the machine with;
 * between events it sleeps until the next due time (to within ~0.1 ms). Checked
 * against the Vert.x hello server at 22k req/s on the 2-core reference machine:
 * p50 0.17 ms, p99 0.25-0.38 ms, about half the CPU of a thread per connection.
 *
 * <p>{@code java PacedLoad.java --port 8080 --rate 5000 [--host-header H] [--connections 32]
 * [--duration 10] [--warmup 2] [--method POST --body-file F --content-type T]};
 * prints one JSON object on stdout. Connects to 127.0.0.1 only.
 */
public final class PacedLoad {
    /** How long past the end of the schedule the backlog may still be worked off. */
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

        Run run = new Run(port, request, connections, Math.round(1e9 / rate), duration, warmup);
        run.go();

        long[] all = Arrays.copyOf(run.latencies, run.count);
        Arrays.sort(all);
        // Achieved rate: answers to requests due in the measured window, over the time it
        // took to get them (longer than the window when the server fell behind).
        double window = Math.max(duration, (run.lastDone - run.measureFrom) / 1e9);
        System.out.println(String.format(Locale.ROOT,
                "{\"targetRate\":%.1f,\"achievedRate\":%.1f,\"requests\":%d,\"errors\":%d,\"non2xx\":%d,"
                        + "\"lateSends\":%d,\"dropped\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}",
                rate, all.length / window, all.length, run.errors, run.non2xx, run.lateSends, run.dropped,
                pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 0.999),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6));
    }

    /** Percentile in milliseconds (nearest rank). */
    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    private static final class Run {
        final int port;
        final byte[] request;
        final int stride;
        final long periodNs;
        final long start;
        final long measureFrom;
        final long end;
        final Selector selector;
        final Conn[] conns;
        long[] latencies = new long[1 << 16];
        int count;
        long errors;
        long non2xx;
        long lateSends;
        long dropped;
        long lastDone;

        Run(int port, byte[] request, int connections, long periodNs, double duration, double warmup)
                throws IOException {
            this.port = port;
            this.request = request;
            this.stride = connections;
            this.periodNs = periodNs;
            this.selector = Selector.open();
            this.conns = new Conn[connections];
            for (int i = 0; i < connections; i++) {
                conns[i] = new Conn(i);
                try {
                    conns[i].open();
                } catch (IOException e) {
                    errors++;
                    conns[i].reconnectLater();
                }
            }
            this.start = System.nanoTime() + 100_000_000L;
            this.measureFrom = start + (long) (warmup * 1e9);
            this.end = measureFrom + (long) (duration * 1e9);
        }

        long due(Conn c) {
            return start + c.slot * periodNs;
        }

        void go() throws IOException {
            int active = conns.length;
            while (active > 0) {
                long now = System.nanoTime();
                long nextDue = Long.MAX_VALUE;
                active = 0;
                for (Conn c : conns) {
                    if (c.finished) {
                        continue;
                    }
                    active++;
                    if (c.inFlight) {
                        if (now - end > 2 * GRACE_NS) { // no answer long after the end: give up on it
                            errors++;
                            c.inFlight = false;
                            c.finish();
                            active--;
                        }
                        continue;
                    }
                    long due = due(c);
                    if (due >= end) {
                        c.finish();
                        active--;
                        continue;
                    }
                    if (now - end > GRACE_NS) {
                        dropped += (end - due + periodNs * stride - 1) / (periodNs * stride);
                        c.finish();
                        active--;
                        continue;
                    }
                    if (due <= now) {
                        if (now - due > 1_000_000L) {
                            lateSends++; // sent more than 1 ms after it was due
                        }
                        c.send(due);
                    } else {
                        nextDue = Math.min(nextDue, due);
                    }
                }
                if (active == 0) {
                    break;
                }
                long wait = nextDue == Long.MAX_VALUE ? 50_000_000L : nextDue - System.nanoTime();
                int ready;
                if (wait > 2_000_000L) {
                    ready = selector.select(wait / 1_000_000L - 1);
                } else {
                    ready = selector.selectNow();
                    if (ready == 0 && wait > 0) {
                        LockSupport.parkNanos(Math.min(wait, 100_000L));
                        ready = selector.selectNow();
                    }
                }
                if (ready > 0) {
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isValid() && key.isWritable()) {
                                c.flush();
                            }
                            if (key.isValid() && key.isReadable()) {
                                c.read();
                            }
                        } catch (IOException e) {
                            c.fail();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            }
            selector.close();
        }

        void record(long due, int status) {
            long done = System.nanoTime();
            lastDone = Math.max(lastDone, done);
            if (status < 200 || status > 299) {
                non2xx++;
            }
            if (due >= measureFrom) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = done - due;
            }
        }

        /** One keep-alive connection and the response it waits for. */
        final class Conn {
            final int index;
            final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
            long slot;
            SocketChannel channel;
            SelectionKey key;
            ByteBuffer out;
            boolean inFlight;
            boolean finished;
            long inFlightDue;

            Conn(int index) {
                this.index = index;
                this.slot = index;
            }

            void open() throws IOException {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(new InetSocketAddress("127.0.0.1", port)); // blocking connect, loopback
                channel.configureBlocking(false);
                key = channel.register(selector, SelectionKey.OP_READ, this);
                in.clear();
            }

            void send(long due) {
                slot += stride;
                try {
                    if (channel == null) {
                        open();
                    }
                    inFlight = true;
                    inFlightDue = due;
                    out = ByteBuffer.wrap(request);
                    flush();
                } catch (IOException e) {
                    fail();
                }
            }

            void flush() throws IOException {
                channel.write(out);
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }

            void read() throws IOException {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("closed by the server");
                }
                if (!inFlight) {
                    return;
                }
                int[] result = parse();
                if (result != null) {
                    inFlight = false;
                    record(inFlightDue, result[0]);
                    in.flip();
                    in.position(result[1]);
                    in.compact();
                    if (result[2] == 1) {
                        reconnectLater();
                    }
                }
            }

            void fail() {
                errors++;
                inFlight = false;
                reconnectLater();
            }

            void reconnectLater() {
                try {
                    if (key != null) {
                        key.cancel();
                    }
                    if (channel != null) {
                        channel.close();
                    }
                } catch (IOException ignored) {
                }
                channel = null;
                key = null;
                in.clear();
            }

            void finish() {
                finished = true;
                reconnectLater();
            }

            /**
             * Parses one complete response from the bytes read so far:
             * {status, bytes consumed, 1 if the server closes}, or null when more bytes are needed.
             */
            int[] parse() throws IOException {
                byte[] b = in.array();
                int limit = in.position();
                int headerEnd = -1;
                for (int i = 3; i < limit; i++) {
                    if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                        headerEnd = i + 1;
                        break;
                    }
                }
                if (headerEnd < 0) {
                    if (limit == b.length) {
                        throw new IOException("response headers too large");
                    }
                    return null;
                }
                String headers = new String(b, 0, headerEnd, StandardCharsets.ISO_8859_1);
                if (!headers.startsWith("HTTP/1.") || headers.length() < 12) {
                    throw new IOException("bad status line");
                }
                int status = Integer.parseInt(headers.substring(9, 12));
                long length = -1;
                boolean chunked = false;
                boolean close = false;
                for (String line : headers.split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon < 0) {
                        continue;
                    }
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> length = Long.parseLong(value);
                        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        case "connection" -> close = value.equalsIgnoreCase("close");
                        default -> { }
                    }
                }
                if (chunked) {
                    int pos = headerEnd;
                    while (true) {
                        int eol = indexOfCrlf(b, pos, limit);
                        if (eol < 0) {
                            return null;
                        }
                        String sizeText = new String(b, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
                        long size = Long.parseLong(sizeText, 16);
                        pos = eol + 2;
                        if (size == 0) {
                            while (true) { // trailers, up to an empty line
                                int e = indexOfCrlf(b, pos, limit);
                                if (e < 0) {
                                    return null;
                                }
                                boolean empty = e == pos;
                                pos = e + 2;
                                if (empty) {
                                    return new int[] {status, pos, close ? 1 : 0};
                                }
                            }
                        }
                        if (pos + size + 2 > limit) {
                            if (limit == b.length) {
                                throw new IOException("response too large");
                            }
                            return null;
                        }
                        pos += (int) size + 2;
                    }
                }
                if (length < 0) {
                    throw new IOException("response without Content-Length or chunked encoding");
                }
                if (headerEnd + length > b.length) {
                    throw new IOException("response too large");
                }
                if (headerEnd + length > limit) {
                    return null;
                }
                return new int[] {status, headerEnd + (int) length, close ? 1 : 0};
            }

            private int indexOfCrlf(byte[] b, int from, int limit) {
                for (int i = from; i + 1 < limit; i++) {
                    if (b[i] == '\r' && b[i + 1] == '\n') {
                        return i;
                    }
                }
                return -1;
            }
        }
    }
}
