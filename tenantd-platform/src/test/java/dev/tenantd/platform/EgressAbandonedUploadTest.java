package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.BodyStream;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A fetch() given up while its origin takes none of its body lets go of the connection: it is
 * reset, rather than kept open (with the bytes queued on it, in the process and in the kernel)
 * until the origin reads them, which an origin that never reads never does.
 */
class EgressAbandonedUploadTest {
    @Test
    void a_cancelled_upload_to_an_origin_that_stopped_reading_is_reset() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket()) {
            // A small receive buffer, never read from: the upload backs up at once.
            origin.setReceiveBufferSize(4096);
            origin.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            AtomicLong handed = new AtomicLong();
            BodyStream endless = new BodyStream() {
                @Override
                public CompletableFuture<Optional<byte[]>> read() {
                    handed.addAndGet(CHUNK_BYTES);
                    return CompletableFuture.completedFuture(Optional.of(new byte[CHUNK_BYTES]));
                }

                @Override
                public void cancel() {
                }
            };
            CompletableFuture<WorkerResponse> upload = egress.fetch(new WorkerRequest("POST",
                    "http://127.0.0.1:" + origin.getLocalPort() + "/upload", List.of(), null, "", Optional.of(endless),
                    WorkerRequest.Redirect.MANUAL), RawRequests.LOOPBACK, "tenant");
            try (Socket connection = origin.accept()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (handed.get() < (1 << 20) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                assertThat(handed.get()).as("bytes of the body taken for sending").isGreaterThanOrEqualTo(1 << 20);
                assertThat(KernelSockets.connectedTo(origin.getLocalPort(), connection.getPort()))
                        .as("the connection as the kernel lists it, before the fetch is cancelled").isNotEmpty();
                upload.cancel(true);
                // The origin's end of the connection knows the egress's port.
                assertThat(KernelSockets.awaitGone(origin.getLocalPort(), connection.getPort(), 30))
                        .as("states of the sockets still connected to the origin, 30 s after the fetch was cancelled")
                        .isEmpty();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
