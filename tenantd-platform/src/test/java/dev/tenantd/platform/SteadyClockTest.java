package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The clock of in-memory lifetimes: it never goes back, and it starts at the wall clock's time. */
class SteadyClockTest {
    @Test
    void it_never_goes_back_and_keeps_to_the_wall_clock_while_that_is_not_stepped() {
        Instant previous = SteadyClock.now();
        for (int i = 0; i < 100_000; i++) {
            Instant now = SteadyClock.now();
            assertThat(now).isAfterOrEqualTo(previous);
            previous = now;
        }
        // no step of this machine's clock is expected during a test: the two agree within a second
        assertThat(Duration.between(Instant.now(), SteadyClock.now()).abs()).isLessThan(Duration.ofSeconds(1));
    }
}
