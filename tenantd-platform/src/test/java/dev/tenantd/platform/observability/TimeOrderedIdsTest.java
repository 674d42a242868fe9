package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {
    @Test
    void ids_are_hex_of_a_fixed_length_and_sort_by_their_time() {
        String early = TimeOrderedIds.requestId(1_000L);
        String late = TimeOrderedIds.requestId(2_000L);
        assertThat(early).matches("[0-9a-f]{20}").startsWith("0000000003e8");
        assertThat(late).startsWith("0000000007d0").isGreaterThan(early);
        String request = TimeOrderedIds.requestId(1_764_720_000_000L);
        assertThat(request).matches("[0-9a-f]{20}").startsWith(String.format("%012x", 1_764_720_000_000L));
        assertThat(TimeOrderedIds.requestId(1_764_720_000_001L)).isGreaterThan(request);
    }

    @Test
    void ids_made_in_the_same_millisecond_by_many_threads_all_differ() throws InterruptedException {
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    ids.add(TimeOrderedIds.requestId(42L));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(new HashSet<>(ids)).hasSize(200_000);
    }
}
