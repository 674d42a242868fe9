package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What leaves an isolate is checked on the Java side, whatever the runtime JavaScript let
 * through: header names and values of a worker's response and of the requests it sends,
 * and exactly the bytes of a body.
 * The runtime JavaScript trusts headers a host hands in, so a host that answers with a line
 * break in a header stands in here for any way such a value could reach the boundary.
 */
class HostBoundaryTest {
    /** Answers every subrequest with a header (or status text) that could not go on the wire. */
    static final class SmugglingHost extends Engines.RecordingHost {
        private final String statusText;
        private final List<String> headers;

        SmugglingHost(String statusText, List<String> headers) {
            this.statusText = statusText;
            this.headers = headers;
        }

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            fetched.add(request);
            return CompletableFuture.completedFuture(new WorkerResponse(200, statusText, headers,
                    "upstream".getBytes(StandardCharsets.UTF_8)));
        }
    }

    static final String RELAY = "export default { async fetch() { return await fetch('https://origin.test/'); } };";

    @Test
    void a_response_with_a_line_break_in_a_header_value_fails_as_a_type_error_named_in_the_logs() {
        SmugglingHost host = new SmugglingHost("OK", List.of("x-bad", "a\r\nx-evil: 1"));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger workerLog = (Logger) LoggerFactory.getLogger(Worker.class);
        workerLog.addAppender(log);
        try {
            Worker w = load(Engines.module(RELAY), host);
            assertThatThrownBy(() -> get(w, "http://x/")).isInstanceOfSatisfying(InvocationException.class, e -> {
                assertThat(e.outcome()).isEqualTo(Outcome.EXCEPTION);
                assertThat(e.errorName()).isEqualTo("TypeError");
                assertThat(e.getMessage()).contains("header \"x-bad\"").contains("NUL, CR, LF");
            });
            assertThat(host.logs).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("error");
                assertThat(line.message()).startsWith("Uncaught TypeError: The worker's response cannot be sent")
                        .contains("\"x-bad\"");
            });
            assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("worker test-worker").contains("answering 500").contains("\"x-bad\""));
        } finally {
            workerLog.detachAppender(log);
        }
    }

    @Test
    void a_response_with_a_header_name_that_is_not_a_token_or_a_bad_status_text_is_refused() {
        Worker badName = load(Engines.module(RELAY), new SmugglingHost("OK", List.of("x bad:", "v")));
        assertThatThrownBy(() -> get(badName, "http://x/")).isInstanceOfSatisfying(InvocationException.class,
                e -> assertThat(e.getMessage()).contains("header name \"x bad:\" is not an HTTP token"));
        Worker badStatus = load(Engines.module(RELAY), new SmugglingHost("OK\r\nx-evil: 1", List.of()));
        assertThatThrownBy(() -> get(badStatus, "http://x/")).isInstanceOfSatisfying(InvocationException.class,
                e -> assertThat(e.getMessage()).contains("status text"));
        // The same isolate keeps serving valid responses.
        Worker fine = load(Engines.module(RELAY), new SmugglingHost("OK", List.of("x-good", "a\tb")));
        assertThat(get(fine, "http://x/").header("x-good")).contains("a\tb");
    }

    @Test
    void requests_with_a_header_that_cannot_go_on_the_wire_reject_with_a_type_error_and_are_not_sent() {
        SmugglingHost host = new SmugglingHost("OK", List.of("x-bad", "a\nb"));
        Worker w = load(Engines.modules("w.js", List.of(esm("w.js", """
                export default { async fetch(request, env) {
                  const upstream = await fetch('https://origin.test/');
                  const outcomes = [];
                  const sends = [
                    () => fetch('https://next.test/', { headers: upstream.headers }),
                    () => env.SVC.fetch('https://svc.test/', { headers: upstream.headers }),
                    () => env.NS.get('known').fetch('https://user.test/', { headers: upstream.headers }),
                  ];
                  for (const send of sends) {
                    try {
                      await send();
                      outcomes.push('sent');
                    } catch (e) {
                      outcomes.push(e.name + ': ' + e.message);
                    }
                  }
                  return new Response(outcomes.join('\\n'));
                } };""")), List.of(new Binding.Channel("SVC", "fetcher", 0, "{}"), new Binding.Channel("NS", "test-dispatch", 1, "{}"))), host);
        List<String> outcomes = text(get(w, "http://x/")).lines().toList();
        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o)
                .startsWith("TypeError: The request cannot be sent: the value of header \"x-bad\""));
        assertThat(host.fetched).hasSize(1);
    }

    @Test
    void a_body_goes_out_as_exactly_its_bytes_even_from_a_slice_of_a_larger_buffer() {
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const blob = new Blob(['secret:public']);
                  return new Response(blob.slice(7));
                } };"""));
        assertThat(new String(get(w, "http://x/").body(), StandardCharsets.UTF_8)).isEqualTo("public");
    }
}
