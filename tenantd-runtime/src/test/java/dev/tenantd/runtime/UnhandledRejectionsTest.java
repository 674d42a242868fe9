package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Promises a worker rejects with no handler: logged as "Uncaught (in promise)" once the turn's
 * microtasks are done, unless an {@code unhandledrejection} listener prevents it; a promise given
 * a handler after that fires {@code rejectionhandled}. The request itself goes on.
 */
class UnhandledRejectionsTest {

    private static List<String> errors(Engines.RecordingHost host) {
        return host.logs.stream().filter(line -> line.level().equals("error")).map(LogLine::message).toList();
    }

    @Test
    void a_rejection_nobody_handles_is_logged_and_the_request_goes_on() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  Promise.reject(new Error('nobody listens'));
                  const handled = Promise.reject(new Error('caught in time'));
                  await null;
                  handled.catch(() => {});
                  // The turn ends here, and its rejections are reported before the answer is.
                  await new Promise((resolve) => setTimeout(resolve, 0));
                  return new Response('served');
                } };"""), host);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("served");
        assertThat(errors(host)).singleElement().asString()
                .startsWith("Uncaught (in promise) Error: nobody listens");
    }

    @Test
    void a_listener_sees_the_promise_and_its_reason_and_may_keep_it_out_of_the_log() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                const seen = [];
                let rejected;
                addEventListener('unhandledrejection', (event) => {
                  seen.push(event.type + ' ' + event.reason.message + ' ' + (event.promise === rejected)
                    + ' ' + (event instanceof PromiseRejectionEvent) + ' ' + event.cancelable);
                  event.preventDefault();
                });
                addEventListener('rejectionhandled', (event) => {
                  seen.push(event.type + ' ' + event.reason + ' ' + (event.promise === rejected));
                });
                export default { async fetch(request) {
                  if (new URL(request.url).pathname === '/seen') return new Response(seen.join('\\n'));
                  rejected = Promise.reject(new Error('late'));
                  await new Promise((resolve) => setTimeout(resolve, 10));
                  rejected.catch(() => {});
                  await new Promise((resolve) => setTimeout(resolve, 10));
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("ok");
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/seen", List.of(), null))))).isEqualTo("""
                unhandledrejection late true true true
                rejectionhandled undefined true""");
        assertThat(errors(host)).isEmpty();
    }

    @Test
    void a_turn_that_rejects_thousands_logs_a_bounded_number_of_lines() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  for (let i = 0; i < 2000; i++) Promise.reject(new Error('number ' + i));
                  await new Promise((resolve) => setTimeout(resolve, 0));
                  return new Response('served');
                } };"""), host);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("served");
        List<String> errors = errors(host);
        assertThat(errors).hasSize(UnhandledRejections.MOST_PER_TURN + 1);
        assertThat(errors.get(0)).startsWith("Uncaught (in promise) Error: number 0");
        assertThat(errors.get(errors.size() - 1)).startsWith("Uncaught (in promise): "
                + (2000 - UnhandledRejections.MOST_PER_TURN) + " more promises");
    }

    @Test
    void the_event_is_a_constructible_web_api() {
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const promise = Promise.resolve();
                  const event = new PromiseRejectionEvent('unhandledrejection', { promise, reason: 7 });
                  let refused;
                  try { new PromiseRejectionEvent('unhandledrejection', {}); } catch (e) { refused = e.constructor.name; }
                  return new Response([event.promise === promise, event.reason, event.cancelable, refused].join(' '));
                } };"""));
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("true 7 false TypeError");
    }

    @Test
    void respond_with_after_an_await_is_refused_and_says_why() {
        // A common mistake: the listener awaits before it responds. The request has failed by then;
        // the late call throws, and the rejection of the async listener is logged.
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.serviceWorker("""
                addEventListener('fetch', async (event) => {
                  await null;
                  event.respondWith(new Response('too late'));
                });"""), host);
        assertThat(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null)))
                .failsWithin(java.time.Duration.ofSeconds(30));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (errors(host).size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(errors(host)).hasSize(2);
        assertThat(errors(host).get(0)).startsWith("Uncaught Error: No fetch event listener called respondWith()");
        assertThat(errors(host).get(1))
                .startsWith("Uncaught (in promise) InvalidStateError: FetchEvent.respondWith() must be called synchronously");
    }

    @Test
    void hundreds_rejected_and_handled_in_the_same_turn_log_nothing() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const attempts = [];
                  for (let i = 0; i < 500; i++) attempts.push(Promise.reject(new Error('attempt ' + i)));
                  const settled = await Promise.allSettled(attempts);
                  await new Promise((resolve) => setTimeout(resolve, 0));
                  return new Response(String(settled.length));
                } };"""), host);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("500");
        assertThat(errors(host)).isEmpty();
    }

    @Test
    void a_listener_that_handles_the_promise_gets_no_rejectionhandled_later() {
        Worker w = load(Engines.module("""
                const seen = [];
                addEventListener('unhandledrejection', (event) => {
                  seen.push(event.type);
                  event.promise.catch(() => {});
                });
                addEventListener('rejectionhandled', (event) => seen.push(event.type));
                export default { async fetch(request) {
                  if (new URL(request.url).pathname === '/seen') return new Response(seen.join(' '));
                  Promise.reject(new Error('handled by the listener'));
                  await new Promise((resolve) => setTimeout(resolve, 10));
                  return new Response('ok');
                } };"""));
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("ok");
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/seen", List.of(), null))))).isEqualTo("unhandledrejection");
    }

    @Test
    void a_rejection_at_start_up_is_reported_at_start_up() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                Promise.reject(new Error('while loading'));
                export default { fetch() { return new Response('ok'); } };"""), host);
        assertThat(errors(host)).singleElement().asString().startsWith("Uncaught (in promise) Error: while loading");
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("ok");
        assertThat(errors(host)).hasSize(1);
    }
}
