package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Results as the REST API writes them. */
class D1WireTest {
    private static final D1Result.Meta META = new D1Result.Meta(1, 0, 0, false, 0, 1, 0);

    @Test
    void a_blob_is_an_array_of_its_bytes_written_without_a_node_per_byte() {
        byte[] small = {0, 1, 127, (byte) 128, (byte) 255};
        D1Result r = new D1Result(List.of("b", "n"), List.of(List.of(SqlValue.blob(small), SqlValue.integer(7))), META);
        assertThat(D1Wire.rowsJson(r).path("results").path("rows").toString()).isEqualTo("[[[0,1,127,128,255],7]]");
        assertThat(D1Wire.objectsJson(r).path("results").toString()).isEqualTo("[{\"b\":[0,1,127,128,255],\"n\":7}]");

        byte[] big = new byte[2_000_000];
        D1Result large = new D1Result(List.of("b"), List.of(List.of(SqlValue.blob(big))), META);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        var json = D1Wire.rowsJson(large);
        // A node per byte took some twenty times the blob; the answer's tree now holds the blob itself.
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(1 << 20);
        assertThat(json.path("results").path("rows").toString()).startsWith("[[[0,0,").hasSize(2 * 2_000_000 - 1 + 6);
    }
}
