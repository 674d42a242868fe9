package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tail Workers on a real server: producers name consumers in {@code tail_consumers}, and
 * after each invocation the consumer's {@code tail()} handler gets the trace item, which
 * this consumer writes to KV under the producer's name and request path.
 */
class TailWorkersTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static String kv;

    static final String SINK = """
            export default {
              async tail(events, env, ctx) {
                for (const event of events) {
                  const path = new URL(event.event.request.url).pathname;
                  await env.KV.put(`${event.scriptName}${path}`, JSON.stringify(event));
                }
              },
            };""";

    static final String PRODUCER = """
            export default { async fetch(request) {
              const url = new URL(request.url);
              if (url.pathname.startsWith('/boom')) {
                console.warn('about to throw');
                throw new TypeError('kaboom');
              }
              console.log('hello', { n: 1 }, 42);
              return new Response('produced ' + url.pathname, { status: 201 });
            } };""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        TestServer.Reply ns = t.postJson(t.accountApi("/storage/kv/namespaces"), "{\"title\":\"tail-events\"}");
        assertThat(ns.status()).as(ns.body()).isEqualTo(200);
        kv = ns.json().path("result").path("id").asText();
        ObjectNode sink = metadata();
        sink.putArray("bindings").addObject().put("type", "kv_namespace").put("name", "KV").put("namespace_id", kv);
        upload("/workers/scripts/tail-sink", sink, SINK);
        upload("/workers/scripts/tail-thrower", metadata(), "export default { tail() { throw new Error('consumer broke'); } };");
        upload("/workers/scripts/tail-slow", metadata(),
                "export default { async tail() { await new Promise((resolve) => setTimeout(resolve, 600000)); } };");
        upload("/workers/scripts/producer", consumers(metadata(), "tail-sink"), PRODUCER);
    }

    @Test
    void a_tail_worker_that_calls_the_worker_it_tails_does_not_feed_itself() throws Exception {
        // The producer first, the consumer with a service binding to it, then the producer names the consumer.
        upload("/workers/scripts/echo-producer", metadata(), "export default { fetch() { return new Response('echoed'); } };");
        ObjectNode consumer = metadata();
        consumer.putArray("bindings").addObject().put("type", "service").put("name", "PRODUCER")
                .put("service", "echo-producer");
        upload("/workers/scripts/echo-consumer", consumer, """
                let runs = 0;
                export default {
                  async tail(events, env) {
                    runs++;
                    if (runs < 50) await env.PRODUCER.fetch('https://producer/from-tail'); // a call it tails, unless
                  },
                  fetch() { return new Response(String(runs)); },
                };""");
        upload("/workers/scripts/echo-producer", consumers(metadata(), "echo-consumer"),
                "export default { fetch() { return new Response('echoed'); } };");
        assertThat(t.worker("GET", "echo-producer.localhost", "/", null).body()).isEqualTo("echoed");
        String runs = Await.value(() -> {
            String n = t.worker("GET", "echo-consumer.localhost", "/", null).body();
            return n.equals("0") ? null : n;
        }, "the consumer's first run");
        // Its own call to the producer is not tailed: the count stays at one.
        for (int unchanged = 0; unchanged < 10; unchanged++) {
            Thread.sleep(200);
            assertThat(t.worker("GET", "echo-consumer.localhost", "/", null).body()).isEqualTo(runs);
        }
        assertThat(runs).isEqualTo("1");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static ObjectNode metadata() {
        return TestServer.JSON.createObjectNode().put("main_module", "w.js").put("compatibility_date", "2025-01-01");
    }

    static ObjectNode consumers(ObjectNode metadata, String... services) {
        ArrayNode list = metadata.putArray("tail_consumers");
        for (String s : services) {
            list.addObject().put("service", s);
        }
        return metadata;
    }

    static TestServer.Reply upload(String path, ObjectNode metadata, String code) {
        TestServer.Reply r = t.putModule(t.accountApi(path), metadata.toString(), "w.js", code);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    /** The trace item the sink stored under {@code key}, once it has arrived. */
    static JsonNode received(String key) throws Exception {
        String url = t.accountApi("/storage/kv/namespaces/" + kv + "/values/"
                + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        for (int attempt = 0; attempt < 600; attempt++) {
            TestServer.Reply r = t.get(url);
            if (r.status() == 200) {
                return TestServer.JSON.readTree(r.body());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the tail worker never stored " + key);
    }

    @Test
    void the_consumer_gets_logs_request_and_response_of_each_invocation() throws Exception {
        TestServer.Reply r = t.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + "/ok?q=1"))
                .header("Host", "producer.localhost").header("Authorization", "Bearer customer-secret")
                .header("X-Custom", "visible").GET());
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("produced /ok");

        JsonNode item = received("producer/ok");
        assertThat(item.path("scriptName").asText()).isEqualTo("producer");
        assertThat(item.path("outcome").asText()).isEqualTo("ok");
        assertThat(item.path("eventTimestamp").asLong()).isPositive();
        assertThat(item.path("scriptVersion").path("id").asText()).isNotEmpty();
        assertThat(item.path("event").path("request").path("url").asText()).endsWith("/ok?q=1");
        assertThat(item.path("event").path("request").path("method").asText()).isEqualTo("GET");
        assertThat(item.path("event").path("request").path("headers").path("authorization").asText()).isEqualTo("REDACTED");
        assertThat(item.path("event").path("request").path("headers").path("x-custom").asText()).isEqualTo("visible");
        assertThat(item.path("event").path("response").path("status").asInt()).isEqualTo(201);
        JsonNode log = item.path("logs").path(0);
        assertThat(log.path("level").asText()).isEqualTo("log");
        assertThat(log.path("message").toString()).isEqualTo("[\"hello\",{\"n\":1},42]");
        assertThat(log.path("timestamp").asLong()).isPositive();
        assertThat(item.path("exceptions").isArray()).isTrue();
        assertThat(item.path("exceptions").size()).isZero();
        assertThat(item.path("diagnosticsChannelEvents").isArray()).isTrue();
        assertThat(item.path("scriptTags").isArray()).isTrue();
        assertThat(item.has("dispatchNamespace")).as("a plain worker is in no dispatch namespace").isFalse();
    }

    @Test
    void an_uncaught_exception_arrives_with_its_outcome() throws Exception {
        assertThat(t.worker("GET", "producer.localhost", "/boom", null).status()).isEqualTo(500);
        JsonNode item = received("producer/boom");
        assertThat(item.path("outcome").asText()).isEqualTo("exception");
        assertThat(item.path("exceptions").path(0).path("name").asText()).isEqualTo("TypeError");
        assertThat(item.path("exceptions").path(0).path("message").asText()).isEqualTo("kaboom");
        assertThat(item.path("logs").path(0).path("level").asText()).isEqualTo("warn");
        assertThat(item.path("logs").path(0).path("message").path(0).asText()).isEqualTo("about to throw");
    }

    @Test
    void a_throwing_or_slow_consumer_does_not_change_the_producers_responses() throws Exception {
        upload("/workers/scripts/crowded", consumers(metadata(), "tail-thrower", "tail-slow", "tail-sink"), PRODUCER);
        for (int i = 0; i < 5; i++) {
            TestServer.Reply r = t.worker("GET", "crowded.localhost", "/n" + i, null);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.body()).isEqualTo("produced /n" + i);
        }
        assertThat(t.worker("GET", "crowded.localhost", "/boom-crowded", null).status()).isEqualTo(500);
        // The healthy consumer gets every event although the others fail or never finish.
        for (int i = 0; i < 5; i++) {
            assertThat(received("crowded/n" + i).path("outcome").asText()).isEqualTo("ok");
        }
        assertThat(received("crowded/boom-crowded").path("outcome").asText()).isEqualTo("exception");
        // The throwing consumer's failures are counted for operators, one per producer invocation.
        var invoker = t.server.platform().invoker();
        for (int attempt = 0; attempt < 600 && invoker.tailInvocationsFailed() < 6; attempt++) {
            Thread.sleep(50);
        }
        assertThat(invoker.tailInvocationsFailed()).isGreaterThanOrEqualTo(6);
        assertThat(invoker.tailEventsDropped()).isZero();
    }

    @Test
    void a_user_workers_events_carry_its_dispatch_namespace_and_tags() throws Exception {
        t.createNamespace("customers");
        ObjectNode user = consumers(metadata(), "tail-sink");
        user.putArray("tags").add("customer-7").add("plan-pro");
        upload("/workers/dispatch/namespaces/customers/scripts/acme", user, """
                export default { fetch(request) {
                  console.log('acme served', new URL(request.url).pathname);
                  return new Response('acme', { status: 202 });
                } };""");
        ObjectNode dispatcher = metadata();
        dispatcher.putArray("bindings").addObject().put("type", "dispatch_namespace").put("name", "NS")
                .put("namespace", "customers");
        upload("/workers/scripts/dispatcher", dispatcher,
                "export default { fetch(request, env) { return env.NS.get('acme').fetch(request); } };");

        TestServer.Reply r = t.worker("GET", "dispatcher.localhost", "/via-dispatch", null);
        assertThat(r.status()).isEqualTo(202);
        JsonNode item = received("acme/via-dispatch");
        assertThat(item.path("dispatchNamespace").asText()).isEqualTo("customers");
        assertThat(item.path("scriptTags").toString()).isEqualTo("[\"customer-7\",\"plan-pro\"]");
        assertThat(item.path("logs").path(0).path("message").toString()).isEqualTo("[\"acme served\",\"/via-dispatch\"]");
        assertThat(item.path("event").path("response").path("status").asInt()).isEqualTo(202);
    }

    @Test
    void settings_show_the_consumers_and_an_upload_without_them_removes_them() {
        upload("/workers/scripts/changing", consumers(metadata(), "tail-sink"), PRODUCER);
        String settings = t.accountApi("/workers/scripts/changing/script-settings");
        assertThat(t.get(settings).json().path("result").path("tail_consumers").toString())
                .isEqualTo("[{\"service\":\"tail-sink\"}]");
        upload("/workers/scripts/changing", metadata(), PRODUCER);
        assertThat(t.get(settings).json().path("result").path("tail_consumers").toString()).isEqualTo("[]");
        TestServer.Reply patched = t.send(t.authed(settings).header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tail_consumers\":[{\"service\":\"tail-sink\"}]}")));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("result").path("tail_consumers").toString()).isEqualTo("[{\"service\":\"tail-sink\"}]");
    }

    @Test
    void bad_consumers_are_refused_and_the_script_keeps_serving_as_before() {
        upload("/workers/scripts/steady", metadata(), PRODUCER);
        String url = t.accountApi("/workers/scripts/steady");
        record Case(String tailConsumers, String message) {
        }
        for (Case c : List.of(
                new Case("[{\"service\":\"no-such-worker\"}]", "'no-such-worker', which does not exist"),
                new Case("[{\"service\":\"steady\"}]", "cannot be its own tail consumer"),
                new Case("\"tail-sink\"", "must be an array"),
                new Case("[{\"name\":\"tail-sink\"}]", "\"service\" string"),
                new Case("[{\"service\":\"../etc\"}]", "invalid worker"),
                new Case(seventeenConsumers(), "at most 16"))) {
            ObjectNode m = metadata();
            m.set("tail_consumers", TestServer.JSON.valueToTree(parse(c.tailConsumers())));
            TestServer.Reply r = t.putModule(url, m.toString(), "w.js", "export default { fetch() { return new Response('replaced'); } };");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(10014);
            assertThat(r.message()).contains("tail_consumers").contains(c.message());
            assertThat(t.worker("GET", "steady.localhost", "/still", null).body()).isEqualTo("produced /still");
        }
        TestServer.Reply patched = t.send(t.authed(url + "/script-settings").header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tail_consumers\":[{\"service\":\"ghost\"}]}")));
        assertThat(patched.status()).as(patched.body()).isEqualTo(400);
        assertThat(patched.message()).contains("'ghost', which does not exist");
        assertThat(t.get(url + "/script-settings").json().path("result").path("tail_consumers").toString()).isEqualTo("[]");
    }

    @Test
    void consumers_that_name_each_other_get_only_the_others_own_invocations() throws Exception {
        ObjectNode a = metadata();
        a.putArray("bindings").addObject().put("type", "kv_namespace").put("name", "KV").put("namespace_id", kv);
        upload("/workers/scripts/loop-a", a, loopWorker("loop-a"));
        ObjectNode b = consumers(metadata(), "loop-a");
        b.putArray("bindings").addObject().put("type", "kv_namespace").put("name", "KV").put("namespace_id", kv);
        upload("/workers/scripts/loop-b", b, loopWorker("loop-b"));
        TestServer.Reply patched = t.send(t.authed(t.accountApi("/workers/scripts/loop-a/script-settings"))
                .header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tail_consumers\":[{\"service\":\"loop-b\"}]}")));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);

        assertThat(t.worker("GET", "loop-a.localhost", "/one", null).body()).isEqualTo("loop-a");
        received("loop-b<-loop-a/one");
        assertThat(t.worker("GET", "loop-b.localhost", "/two", null).body()).isEqualTo("loop-b");
        received("loop-a<-loop-b/two");
        assertThat(t.worker("GET", "loop-a.localhost", "/three", null).body()).isEqualTo("loop-a");
        received("loop-b<-loop-a/three");
        JsonNode keys = t.get(t.accountApi("/storage/kv/namespaces/" + kv + "/keys?prefix=loop-")).json().path("result");
        assertThat(keys.findValuesAsText("name"))
                .containsExactlyInAnyOrder("loop-b<-loop-a/one", "loop-a<-loop-b/two", "loop-b<-loop-a/three");
    }

    /** A worker that answers its name and records, per trace item, whose invocation of which path it got. */
    static String loopWorker(String name) {
        return """
                const NAME = '%s';
                export default {
                  fetch() { return new Response(NAME); },
                  async tail(events, env) {
                    for (const e of events) {
                      const path = e.event && e.event.request ? new URL(e.event.request.url).pathname : '(no request)';
                      await env.KV.put(`${NAME}<-${e.scriptName}${path}`, '1');
                    }
                  },
                };""".formatted(name);
    }

    private static String seventeenConsumers() {
        ArrayNode list = TestServer.JSON.createArrayNode();
        for (int i = 0; i < 17; i++) {
            list.addObject().put("service", "sink-" + i);
        }
        return list.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return TestServer.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
