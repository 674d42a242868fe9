package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a worker's log shows of the Web objects it logs: their contents (a Headers' entries, a
 * Request's method and URL), not an empty {@code {}}; the same in the values a tail or the
 * dashboard gets.
 */
class ConsoleWebObjectsTest {

    @Test
    void headers_requests_responses_forms_and_blobs_show_what_they_hold() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  console.log(new Headers([['X-Trace', 'abc'], ['Accept', 'text/html']]));
                  console.log(new Headers());
                  console.log(new Request('https://example.com/a?b=1', { method: 'POST', body: 'x',
                      headers: { 'content-type': 'text/plain' } }));
                  console.log(new Response(null, { status: 404, statusText: 'Not Found' }));
                  console.log(new URLSearchParams('q=tenant+d&x=%C3%A9&empty='));
                  const form = new FormData();
                  form.append('name', 'value');
                  form.append('upload', new File(['abc'], 'a.txt', { type: 'text/plain', lastModified: 7 }));
                  console.log(form);
                  console.log(new Blob(['12345'], { type: 'application/octet-stream' }));
                  console.log('nested', { h: new Headers({ a: '1' }) });
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w, "http://x/"))).isEqualTo("ok");
        assertThat(host.logs.stream().map(LogLine::message).toList()).containsExactly(
                "Headers(2) { \"accept\" => \"text/html\", \"x-trace\" => \"abc\" }",
                "Headers(0) {}",
                "Request { method: \"POST\", url: \"https://example.com/a?b=1\", headers: Headers(1) { \"content-type\" "
                        + "=> \"text/plain\" }, redirect: \"follow\", body: ReadableStream {}, bodyUsed: false }",
                "Response { status: 404, statusText: \"Not Found\", ok: false, redirected: false, url: \"\", headers: "
                        + "Headers(0) {}, body: null, bodyUsed: false }",
                "URLSearchParams { \"q\" => \"tenant d\", \"x\" => \"é\", \"empty\" => \"\" }",
                "FormData { \"name\" => \"value\", \"upload\" => File { name: \"a.txt\", lastModified: 7, size: 3, "
                        + "type: \"text/plain\" } }",
                "Blob { size: 5, type: \"application/octet-stream\" }",
                "nested { h: Headers(1) { \"a\" => \"1\" } }");
    }

    @Test
    void a_workers_own_object_with_the_same_tag_is_shown_as_any_object() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { fetch() {
                  console.log({ [Symbol.toStringTag]: 'Headers', own: 1 });
                  return new Response('ok');
                } };"""), host);
        assertThat(text(get(w, "http://x/"))).isEqualTo("ok");
        assertThat(host.logs.stream().map(LogLine::message).toList()).containsExactly("Headers { own: 1 }");
    }

    @Test
    void logging_a_request_leaves_its_streamed_body_unread_for_a_pass_through() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) {
                  ctx.passThroughOnException();
                  console.log(request);
                  throw new Error('handled by the origin');
                } };"""), host);
        BodyStream body = new BodyStream() {
            private boolean given;

            @Override
            public java.util.concurrent.CompletableFuture<java.util.Optional<byte[]>> read() {
                java.util.Optional<byte[]> chunk = given ? java.util.Optional.empty()
                        : java.util.Optional.of("payload".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                given = true;
                return java.util.concurrent.CompletableFuture.completedFuture(chunk);
            }

            @Override
            public void cancel() {
            }
        };
        WorkerResponse response = get(w.fetch(WorkerRequest.streamed("POST", "http://origin.test/a", List.of(), body, "")));
        assertThat(response.status()).isEqualTo(200);
        assertThat(host.fetched).hasSize(1);
        assertThat(host.logs.get(0).message()).startsWith("Request { method: \"POST\", url: \"http://origin.test/a\"")
                .contains("body: ReadableStream {}");
    }
}
