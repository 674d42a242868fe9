package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What ICU holds behind Intl objects is invisible to the engine's memory statistics, so the
 * runtime counts each Intl object a worker makes against its memory limit: a worker that keeps
 * making them is moved to a fresh isolate at half the limit, and one request that makes more
 * than the limit holds ends as over it, before the process grows without bound.
 */
class IntlMemoryTest {
    private static final long MB = 1024 * 1024;

    @Test
    void intl_objects_kept_across_requests_retire_the_isolate_at_half_its_limit() {
        Worker w = load(Engines.module("""
                const kept = [];
                export default { fetch() {
                  for (let i = 0; i < 500; i++) kept.push(new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Paris' }));
                  return new Response(String(kept.length));
                } };"""));
        int requests = 0;
        while (w.isAlive() && requests < 20) {
            assertThat(text(get(w, "http://x/"))).isEqualTo(String.valueOf(500 * (requests + 1)));
            requests++;
        }
        assertThat(w.isAlive()).as("the isolate is retired").isFalse();
        // 500 formatters are counted as 16 MB: half of the 128 MB limit is passed in the fifth request.
        assertThat(requests).isEqualTo(5);
    }

    @Test
    void one_request_making_more_intl_objects_than_the_limit_holds_ends_over_the_limit() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const kept = [];
                  for (let i = 0; i < 10_000; i++) kept.push(Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }));
                  return new Response(String(kept.length));
                } };"""));
        long rssBefore = ResidentMemory.bytes();
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(512 * MB);
        assertThat(w.isAlive()).as("the isolate is discarded").isFalse();
    }

    @Test
    void the_gated_constructors_look_and_behave_as_before() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const f = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
                  const checks = [
                    f.format(12.5),
                    f instanceof Intl.NumberFormat,
                    Intl.NumberFormat.prototype.constructor === Intl.NumberFormat,
                    Intl.NumberFormat.name,
                    typeof Intl.NumberFormat.supportedLocalesOf,
                    Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).format(0),
                  ];
                  return new Response(checks.join('|'));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("12,50\u00a0€|true|true|NumberFormat|function|1/1/1970");
    }
}
