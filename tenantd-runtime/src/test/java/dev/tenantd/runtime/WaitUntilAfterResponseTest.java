package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * waitUntil work has a bounded time once the response is over (Workers: 30 s), counted from the
 * end of a streamed body, not from the moment the response started; the wall-time limit stays
 * the outer bound.
 */
class WaitUntilAfterResponseTest {

    /** 60 s of wall time, 200 ms after the response. */
    private static final InvocationLimits SHORT_AFTER = new InvocationLimits(5_000, 10, 60_000, 128 * 1024, 200);

    private static WorkerRequest req(String url) {
        return new WorkerRequest("GET", url, List.of(), null);
    }

    private static List<String> messages(Engines.RecordingHost host) {
        return host.logs.stream().map(LogLine::message).toList();
    }

    @Test
    void work_still_pending_after_the_allowance_is_cancelled_and_logged() {
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) {
                  ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 50_000)).then(() => console.log('late')));
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w.fetch(req("http://x/"), SHORT_AFTER)))).isEqualTo("ok");
        InvocationRecord record = host.awaitRecord(0);
        assertThat(record.outcome()).isEqualTo(Outcome.OK);
        assertThat(host.logs).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo("warn");
            assertThat(line.message()).contains(Worker.AFTER_RESPONSE_CANCELLED);
        });
        assertThat(messages(host)).noneMatch(m -> m.contains("late"));
    }

    @Test
    void work_that_ends_within_the_allowance_runs_to_its_end() {
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) {
                  ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 100)).then(() => console.log('done')));
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w.fetch(req("http://x/"))))).isEqualTo("ok");
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.OK);
        assertThat(messages(host)).contains("done").noneMatch(m -> m.contains(Worker.AFTER_RESPONSE_CANCELLED));
    }

    @Test
    void a_streamed_body_longer_than_the_allowance_is_sent_whole_and_the_time_starts_at_its_end() {
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        // Ten pieces 100 ms apart: the body takes five times the allowance.
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) {
                  ctx.waitUntil(new Promise(() => {}));
                  const { readable, writable } = new TransformStream();
                  (async () => {
                    const writer = writable.getWriter();
                    for (let i = 0; i < 10; i++) {
                      await new Promise((resolve) => setTimeout(resolve, 100));
                      await writer.write(new TextEncoder().encode(String(i)));
                    }
                    await writer.close();
                  })();
                  return new Response(readable);
                } };"""), host);
        assertThat(text(get(w.fetch(req("http://x/"), SHORT_AFTER)))).isEqualTo("0123456789");
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.OK);
        assertThat(messages(host)).anyMatch(m -> m.contains(Worker.AFTER_RESPONSE_CANCELLED));
    }

    @Test
    void a_failed_response_leaves_its_pending_work_the_same_allowance() {
        LimitsTest.Recorder host = new LimitsTest.Recorder();
        Worker w = load(Engines.module("""
                export default { async fetch(request, env, ctx) {
                  ctx.waitUntil(new Promise(() => {}));
                  throw new Error('broken handler');
                } };"""), host);
        assertThatThrownBy(() -> get(w.fetch(req("http://x/"), SHORT_AFTER))).isInstanceOf(InvocationException.class);
        assertThat(host.awaitRecord(0).outcome()).isEqualTo(Outcome.EXCEPTION);
        assertThat(messages(host)).anyMatch(m -> m.contains(Worker.AFTER_RESPONSE_CANCELLED));
    }

    @Test
    void the_allowance_only_narrows() {
        InvocationLimits wide = new InvocationLimits(1_000, 10, 60_000, 1024);
        assertThat(wide.afterResponseMs()).isEqualTo(InvocationLimits.AFTER_RESPONSE_MS);
        assertThat(wide.narrow(SHORT_AFTER).afterResponseMs()).isEqualTo(200);
        assertThat(SHORT_AFTER.narrow(wide).afterResponseMs()).isEqualTo(200);
        assertThat(SHORT_AFTER.narrow(100, 5).afterResponseMs()).isEqualTo(200);
    }
}
