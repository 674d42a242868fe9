package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The socket table of one isolate: bounded per request and over all the isolate's requests. */
class WorkerSocketsTest {
    /** A connection that is made at once and holds nothing. */
    private static final class Idle implements HostSocket {
        @Override
        public String remoteAddress() {
            return "192.0.2.1:5432";
        }

        @Override
        public CompletableFuture<byte[]> read() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Void> write(byte[] bytes) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> shutdownOutput() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> startTls() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }

    private static final WorkerHost HOST = new WorkerHost() {
        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ChannelReply> call(ChannelCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String callNow(ChannelCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<HostSocket> connect(SocketRequest request) {
            return CompletableFuture.completedFuture(new Idle());
        }

        @Override
        public void log(LogLine line) {
        }
    };

    private static String open(WorkerSockets sockets, Object owner) throws Exception {
        try {
            return sockets.connect(owner, "off 5432 db.example").get(30, TimeUnit.SECONDS).toString();
        } catch (ExecutionException e) {
            return "refused: " + e.getCause().getMessage();
        }
    }

    @Test
    void an_isolate_keeps_a_bounded_number_of_sockets_open_over_all_its_requests() throws Exception {
        WorkerSockets sockets = new WorkerSockets(HOST);
        int requests = WorkerSockets.MAX_OPEN_PER_ISOLATE / WorkerSockets.MAX_OPEN_PER_INVOCATION;
        for (int r = 0; r < requests; r++) {
            Object owner = new Object();
            for (int i = 0; i < WorkerSockets.MAX_OPEN_PER_INVOCATION; i++) {
                assertThat(open(sockets, owner)).doesNotStartWith("refused");
            }
            assertThat(open(sockets, owner)).contains("a request may keep at most");
        }
        // what is left of the isolate's share, then no more, whichever request asks
        Object late = new Object();
        for (int i = requests * WorkerSockets.MAX_OPEN_PER_INVOCATION; i < WorkerSockets.MAX_OPEN_PER_ISOLATE; i++) {
            assertThat(open(sockets, late)).doesNotStartWith("refused");
        }
        assertThat(open(sockets, new Object())).contains("this worker's requests keep " + WorkerSockets.MAX_OPEN_PER_ISOLATE);
    }
}
