package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The clock a worker sees: frozen while a turn runs, advancing across I/O, and
 * performance.now() the same as Date.now(), with a timeOrigin of 0, as on Workers.
 */
class TurnClockTest {
    /** Answers subrequests 40 ms later, so that awaiting one takes time. */
    static final class SlowHost extends Engines.RecordingHost {
        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            return CompletableFuture.supplyAsync(() -> WorkerResponse.text(200, "later"),
                    CompletableFuture.delayedExecutor(40, TimeUnit.MILLISECONDS));
        }
    }

    static final String WORKER = """
            const startUp = Date.now();
            export default { async fetch(request) {
              const path = new URL(request.url).pathname;
              const p0 = performance.now();
              const d0 = Date.now();
              const origin = performance.timeOrigin;
              // Some 20 ms of work: nothing the clock shows.
              let x = 0;
              for (let i = 0; i < 4e7; i++) x = (x + i) | 0;
              const p1 = performance.now();
              const d1 = Date.now();
              const sameDate = new Date().getTime() === d0 && Date.parse(Date()) === d0 - (d0 % 1000);
              let p2 = p1;
              let d2 = d1;
              if (path === '/fetch') {
                await fetch('https://slow.test/');
                p2 = performance.now();
                d2 = Date.now();
              } else if (path === '/timer') {
                await new Promise((resolve) => setTimeout(resolve, 30));
                p2 = performance.now();
                d2 = Date.now();
              }
              const values = { p0, p1, p2, d0, d1, d2, origin, sameDate, afterStartUp: d0 >= startUp, worked: x !== 0.5,
                consistent: origin + p2 === d2 };
              return new Response(Object.entries(values).map(([k, v]) => k + '=' + v).join('\\n'));
            } };""";

    /** What the worker saw, by name. */
    record Seen(java.util.Map<String, String> values) {
        double number(String name) {
            return Double.parseDouble(values.get(name));
        }

        boolean yes(String name) {
            return Boolean.parseBoolean(values.get(name));
        }
    }

    private static Seen clock(Worker w, String path) {
        WorkerResponse r = get(w.fetch(new WorkerRequest("GET", "http://x" + path, List.of(), null)));
        java.util.Map<String, String> values = new java.util.HashMap<>();
        text(r).lines().forEach(line -> values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return new Seen(values);
    }

    @Test
    void console_lines_carry_the_clock_the_worker_sees_not_the_time_between_them() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  console.log('before');
                  let x = 0;
                  for (let i = 0; i < 4e7; i++) x = (x + i) | 0; // some 20 ms of work
                  console.log('after', x !== 0.5);
                  await new Promise((resolve) => setTimeout(resolve, 30));
                  console.log('next turn', Date.now());
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("ok");
        List<LogLine> lines = host.logs;
        assertThat(lines).extracting(LogLine::message).containsExactly("before", "after true",
                "next turn " + lines.get(2).timestampMillis());
        assertThat(lines.get(1).timestampMillis()).as("the same turn").isEqualTo(lines.get(0).timestampMillis());
        assertThat(lines.get(2).timestampMillis()).as("a later turn").isGreaterThanOrEqualTo(lines.get(0).timestampMillis() + 30);
    }

    @Test
    void the_clock_does_not_advance_while_a_turn_runs_and_performance_now_is_date_now() {
        Worker w = load(Engines.module(WORKER), new SlowHost());
        for (String path : List.of("/", "/", "/timer", "/")) {
            Seen c = clock(w, path);
            assertThat(c.number("p0")).as(path).isEqualTo(c.number("d0"));
            assertThat(c.number("p1")).as(path).isEqualTo(c.number("p0"));
            assertThat(c.number("d1")).as(path).isEqualTo(c.number("d0"));
            assertThat(c.yes("sameDate")).as(path).isTrue();
            assertThat(c.yes("afterStartUp")).as(path).isTrue();
            assertThat(c.yes("consistent")).as(path).isTrue();
            assertThat(c.yes("worked")).as(path).isTrue();
            assertThat(c.number("origin")).as(path).isZero();
        }
    }

    @Test
    void awaited_io_advances_the_clock() {
        Worker w = load(Engines.module(WORKER), new SlowHost());
        Seen timer = clock(w, "/timer");
        assertThat(timer.number("p2") - timer.number("p0")).isGreaterThanOrEqualTo(30);
        assertThat(timer.number("d2") - timer.number("d0")).isGreaterThanOrEqualTo(30);
        assertThat(timer.yes("consistent")).isTrue();
        Seen fetched = clock(w, "/fetch");
        assertThat(fetched.number("p2") - fetched.number("p0")).isGreaterThanOrEqualTo(40);
        assertThat(fetched.number("d2") - fetched.number("d0")).isGreaterThanOrEqualTo(40);
        assertThat(fetched.yes("consistent")).isTrue();
    }

    @Test
    void a_time_kept_from_one_request_compares_with_the_next_requests_clock() {
        // A cache with a time to live, as lru-cache keeps one: the entry's age is performance.now()
        // now less performance.now() when it was stored, by an earlier request.
        Worker w = load(Engines.module("""
                let storedAt;
                export default { async fetch(request) {
                  if (storedAt === undefined) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                    storedAt = performance.now();
                    return new Response('stored');
                  }
                  await new Promise((resolve) => setTimeout(resolve, 30));
                  const age = performance.now() - storedAt;
                  return new Response(age >= 30 ? 'aged' : 'age ' + age);
                } };"""));
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("stored");
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("aged");
    }
}
