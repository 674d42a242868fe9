package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResidentGuardTest {
    private static final long MB = 1024 * 1024;

    /** A pool of {@code live} isolates, all idle. */
    private static final class Isolates implements ResidentGuard.Isolates {
        int live;
        final List<Integer> asked = new ArrayList<>();

        Isolates(int live) {
            this.live = live;
        }

        @Override
        public int evictIdle(int count) {
            asked.add(count);
            int evicted = Math.min(count, live);
            live -= evicted;
            return evicted;
        }

        @Override
        public int live() {
            return live;
        }
    }

    @Test
    void over_the_limit_it_evicts_an_eighth_of_the_live_isolates_a_check_until_back_under_nine_tenths() {
        AtomicLong resident = new AtomicLong(900 * MB);
        Isolates isolates = new Isolates(80);
        ResidentGuard guard = ResidentGuard.manual(1000 * MB, resident::get, isolates);
        guard.check();
        assertThat(guard.isOver()).isFalse();
        assertThat(isolates.asked).isEmpty();

        resident.set(1001 * MB);
        guard.check();
        assertThat(guard.isOver()).isTrue();
        guard.check();
        assertThat(isolates.asked).containsExactly(10, 8);

        // Under the limit but not under nine tenths of it: still no worker is loaded, none is evicted.
        resident.set(950 * MB);
        guard.check();
        assertThat(guard.isOver()).isTrue();
        assertThat(isolates.asked).hasSize(2);

        resident.set(899 * MB);
        guard.check();
        assertThat(guard.isOver()).isFalse();
    }

    @Test
    void with_few_isolates_it_still_evicts_one_a_check() {
        Isolates isolates = new Isolates(3);
        ResidentGuard guard = ResidentGuard.manual(100 * MB, () -> 200 * MB, isolates);
        guard.check();
        guard.check();
        assertThat(isolates.asked).containsExactly(1, 1);
        assertThat(isolates.live).isEqualTo(1);
    }
}
