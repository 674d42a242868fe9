package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a binding call holds in the host while it waits (its arguments in the binding's queue,
 * its answer in the isolate's queue) counts against the budget for bodies in flight, so that
 * a worker firing many calls cannot fill the heap every tenant shares.
 */
class BindingCallBudgetTest {
    private static final long BUDGET = 4L << 20;
    private static final JsEngine ENGINE = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0)
            .withBufferedBodyBytes(BUDGET), List.of(Engines.TEST_KINDS));

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    /** A host whose data calls wait until the test answers them. */
    static final class WaitingHost extends Engines.RecordingHost {
        final List<CompletableFuture<ChannelReply>> waiting = new CopyOnWriteArrayList<>();
        volatile Runnable duringSyncCall = () -> { };

        @Override
        public CompletableFuture<ChannelReply> call(ChannelCall call) {
            CompletableFuture<ChannelReply> answer = new CompletableFuture<>();
            waiting.add(answer);
            return answer;
        }

        @Override
        public String callNow(ChannelCall call) {
            duringSyncCall.run();
            return "done";
        }
    }

    /**
     * Runs a worker that makes ten calls with the arguments {@code args} (a JS expression of
     * {@code i}), then a synchronous call (the host's {@code duringSyncCall}), and settles them;
     * checks that one to four went through and the others were refused by the budget, and
     * answers the refusals' messages.
     */
    private static List<String> tenCalls(WaitingHost host, String args) throws Exception {
        List<String> out = run(host, """
                export default { async fetch(request, env) {
                  const calls = [];
                  for (let i = 0; i < 10; i++) calls.push(env.ECHO.echo(ARGS));
                  env.ECHO.now('answer them');
                  const settled = await Promise.allSettled(calls);
                  const refusals = settled.filter((s) => s.status === 'rejected').map((s) => s.reason.message);
                  return new Response([settled.length - refusals.length, ...refusals].join('\\n'));
                } };""".replace("ARGS", args));
        int fulfilled = Integer.parseInt(out.getFirst());
        assertThat(fulfilled).isBetween(1, 4);
        List<String> refusals = out.subList(1, out.size());
        assertThat(refusals).hasSize(10 - fulfilled)
                .allSatisfy(m -> assertThat(m).contains("does not fit in the memory this server sets aside"));
        return refusals;
    }

    /** Runs the worker; its answer: "fulfilled refused", and then each refusal's message on a line. */
    private static List<String> run(WaitingHost host, String code) throws Exception {
        Worker w = Engines.get(ENGINE.load(Engines.modules("w.js", List.of(esm("w.js", code)),
                List.of(new Binding.Channel("ECHO", "test-echo", 7, "{}"))), host));
        CompletableFuture<WorkerResponse> response = w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null));
        return List.of(Engines.text(Engines.get(response)).split("\n"));
    }

    @Test
    void the_arguments_of_calls_waiting_in_a_bindings_queue_count_and_past_the_budget_are_refused() throws Exception {
        WaitingHost host = new WaitingHost();
        long[] heldWhileWaiting = {0};
        host.duringSyncCall = () -> {
            heldWhileWaiting[0] = ENGINE.bodies().heldBytes();
            host.waiting.forEach(f -> f.complete(ChannelReply.data("ok")));
        };
        List<String> refusals = tenCalls(host, "String(i).repeat(1 << 20)");
        assertThat(heldWhileWaiting[0]).isGreaterThanOrEqualTo(1L << 20).isLessThanOrEqualTo(BUDGET);
        assertThat(ENGINE.bodies().heldBytes()).as("given back once answered").isZero();
    }

    @Test
    void answers_waiting_for_a_busy_isolate_count_and_past_the_budget_fail_their_calls() throws Exception {
        WaitingHost host = new WaitingHost();
        long[] heldWhileBusy = {0};
        host.duringSyncCall = () -> {
            // The isolate is in this turn: the answers wait in its queue until it ends.
            host.waiting.forEach(f -> f.complete(ChannelReply.data("big", new byte[1 << 20])));
            heldWhileBusy[0] = ENGINE.bodies().heldBytes();
        };
        List<String> refusals = tenCalls(host, "'small'");
        assertThat(refusals).allSatisfy(m -> assertThat(m).startsWith("The call completed, but its answer was dropped."));
        assertThat(heldWhileBusy[0]).isGreaterThanOrEqualTo(1L << 20).isLessThanOrEqualTo(BUDGET);
        assertThat(ENGINE.bodies().heldBytes()).as("given back once copied in").isZero();
    }
}
