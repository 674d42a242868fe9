package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import dev.tenantd.server.metrics.MetricsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code /metrics} of a real server: traffic through a dispatch worker to user workers moves
 * the counters with the right labels; scripts are labels only when configured, and label values
 * are capped; the text is served only with the operator's token unless configured public.
 */
class MetricsTest {
    @TempDir
    static Path dir;
    @TempDir
    Path scratch;
    static TestServer t;

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.shop.test/*=front")), MetricsConfig.defaults());
        deployTenants(t);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** A dispatch worker "front" that sends {@code <customer>.shop.test} to the user worker of that name in "tenants". */
    static void deployTenants(TestServer s) {
        s.createNamespace("tenants");
        String binding = "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}";
        assertThat(s.putModule(s.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[" + binding + "]}", "f.js", """
                export default { async fetch(request, env) {
                  const customer = new URL(request.url).hostname.split('.')[0];
                  try {
                    return await env.NS.get(customer).fetch(request);
                  } catch (e) {
                    if (e.message.startsWith('Worker not found')) return new Response('no such customer', { status: 404 });
                    return new Response('customer failed', { status: 500 });
                  }
                } };""").status()).isEqualTo(200);
        for (String customer : List.of("acme", "beta")) {
            assertThat(s.putModule(s.accountApi("/workers/dispatch/namespaces/tenants/scripts/" + customer),
                    "{\"main_module\":\"u.js\"}", "u.js", """
                    export default { fetch(request) {
                      if (new URL(request.url).pathname === '/boom') throw new Error('boom');
                      return new Response('hello');
                    } };""").status()).isEqualTo(200);
        }
    }

    @Test
    void dispatched_traffic_moves_requests_errors_outcomes_and_time_histograms_by_namespace() throws Exception {
        Scrape before = scrape(t);
        for (int i = 0; i < 3; i++) {
            assertThat(t.worker("GET", "acme.shop.test", "/", null).body()).isEqualTo("hello");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(t.worker("GET", "acme.shop.test", "/boom", null).status()).isEqualTo(500);
        }
        assertThat(t.worker("GET", "nobody.shop.test", "/", null).status()).isEqualTo(404);
        // An invocation is counted when it is over, which may be just after its response was sent.
        // A request is counted with its response; its invocation's outcome and times once the invocation is over.
        Scrape after = awaitScrape(t, s -> s.delta(before, "tenantd_requests_total", Map.of("namespace", "tenants")) >= 6
                && s.delta(before, "tenantd_requests_total", Map.of("namespace", "-")) >= 6
                && s.delta(before, "tenantd_invocations_total", Map.of("namespace", "tenants")) >= 6
                && s.delta(before, "tenantd_invocations_total", Map.of("namespace", "-", "outcome", "ok")) >= 6
                && s.delta(before, "tenantd_invocation_cpu_seconds_count", Map.of("namespace", "tenants")) >= 5
                && s.delta(before, "tenantd_invocation_wall_seconds_bucket", Map.of("namespace", "tenants", "le", "+Inf")) >= 5);

        Map<String, String> tenants = Map.of("namespace", "tenants");
        assertThat(after.delta(before, "tenantd_requests_total", tenants)).isEqualTo(6);
        assertThat(after.delta(before, "tenantd_errors_total", tenants)).isEqualTo(3);
        assertThat(after.delta(before, "tenantd_invocations_total", Map.of("namespace", "tenants", "outcome", "ok")))
                .isEqualTo(3);
        assertThat(after.delta(before, "tenantd_invocations_total",
                Map.of("namespace", "tenants", "outcome", "exception"))).isEqualTo(2);
        assertThat(after.delta(before, "tenantd_invocations_total",
                Map.of("namespace", "tenants", "outcome", "scriptNotFound"))).isEqualTo(1);
        // Histograms: the five invocations that ran are in the +Inf bucket of both, and in no label set of their own.
        assertThat(after.delta(before, "tenantd_invocation_cpu_seconds_count", tenants)).isEqualTo(5);
        assertThat(after.delta(before, "tenantd_invocation_wall_seconds_bucket",
                Map.of("namespace", "tenants", "le", "+Inf"))).isEqualTo(5);
        assertThat(after.sum("tenantd_invocation_cpu_seconds_bucket", Map.of("namespace", "tenants", "le", "0.001")))
                .isNotNaN();
        // The dispatch worker is a plain worker: namespace "-"; it answered all six requests itself.
        assertThat(after.delta(before, "tenantd_invocations_total", Map.of("namespace", "-", "outcome", "ok")))
                .isGreaterThanOrEqualTo(6);
        assertThat(after.text()).doesNotContain("script=\"").doesNotContain("acme");
    }

    @Test
    void isolates_js_queues_executors_jvm_and_process_are_exposed() throws Exception {
        t.worker("GET", "beta.shop.test", "/", null);
        Scrape s = awaitScrape(t, x -> x.sum("tenantd_isolates_live", Map.of()) >= 2);
        assertThat(s.sum("tenantd_isolates_started_total", Map.of())).isGreaterThanOrEqualTo(2);
        assertThat(s.sum("tenantd_isolates_open", Map.of())).isGreaterThanOrEqualTo(2);
        assertThat(s.sum("tenantd_isolates_evicted_total", Map.of())).isGreaterThanOrEqualTo(0);
        assertThat(s.sum("tenantd_js_queued", Map.of("lane", "foreground"))).isGreaterThanOrEqualTo(0);
        assertThat(s.sum("tenantd_tail_events_dropped_total", Map.of())).isZero();
        assertThat(s.sum("tenantd_tail_invocations_failed_total", Map.of())).isZero();
        assertThat(s.sum("tenantd_js_queued", Map.of("lane", "background"))).isGreaterThanOrEqualTo(0);
        for (String executor : List.of("load", "assets", "kv", "d1", "cache")) {
            assertThat(s.sum("executor_pool_max_threads", Map.of("name", executor))).as(executor).isGreaterThanOrEqualTo(1);
            assertThat(s.sum("executor_queued_tasks", Map.of("name", executor))).as(executor).isGreaterThanOrEqualTo(0);
            assertThat(s.sum("executor_active_threads", Map.of("name", executor))).as(executor).isGreaterThanOrEqualTo(0);
            assertThat(s.sum("executor_completed_tasks_total", Map.of("name", executor))).as(executor)
                    .isGreaterThanOrEqualTo(0);
        }
        // KV and cache calls are timed: how long each waited for a thread and how long it ran.
        assertThat(t.postJson(t.accountApi("/storage/kv/namespaces"), "{\"title\":\"metrics-kv\"}").status()).isEqualTo(200);
        Scrape kv = awaitScrape(t, x -> x.sum("executor_seconds_count", Map.of("name", "kv")) >= 1);
        assertThat(kv.sum("executor_idle_seconds_count", Map.of("name", "kv"))).isGreaterThanOrEqualTo(1);
        assertThat(kv.sum("executor_seconds_sum", Map.of("name", "kv"))).isPositive();
        assertThat(kv.sum("executor_completed_tasks_total", Map.of("name", "kv"))).isGreaterThanOrEqualTo(1);
        assertThat(kv.sum("executor_seconds_count", Map.of("name", "cache"))).isGreaterThanOrEqualTo(0);
        assertThat(s.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isPositive();
        assertThat(s.sum("jvm_threads_live_threads", Map.of())).isPositive();
        assertThat(s.text()).contains("jvm_gc_");
        assertThat(s.sum("process_resident_memory_bytes", Map.of())).isGreaterThan(10_000_000);
    }

    /** docs/metrics.md names every tenantd_ metric a scrape has, and every metric it names in its tables exists. */
    @Test
    void the_documentation_lists_every_tenantd_metric() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "metrics.md"));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("`((?:tenantd|executor)_[a-z_]+|process_resident_memory_bytes)[`{]").matcher(docs);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).contains("tenantd_requests_total", "executor_queued_tasks");
        t.worker("GET", "acme.shop.test", "/", null);
        Scrape s = awaitScrape(t, x -> x.sum("tenantd_invocation_wall_seconds_count", Map.of()) >= 1);
        java.util.Set<String> scraped = new java.util.TreeSet<>();
        s.samples().forEach(sample -> scraped.add(sample.name()));
        for (String name : documented) {
            assertThat(scraped).as("documented metric " + name)
                    .anyMatch(n -> n.equals(name) || n.startsWith(name + "_"));
        }
        for (String name : scraped) {
            if (name.startsWith("tenantd_") || name.startsWith("executor_")) {
                assertThat(documented).as("undocumented metric " + name)
                        .anyMatch(d -> name.equals(d) || name.startsWith(d + "_"));
            }
        }
    }

    @Test
    void metrics_need_the_operator_token() {
        String url = "http://127.0.0.1:" + t.server.apiPort() + "/metrics";
        TestServer.Reply none = t.send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(none.body()).contains("Authorization: Bearer").doesNotContain("tenantd_");
        TestServer.Reply wrong = t.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer nope").GET());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("tenants");
        TestServer.Reply basic = t.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + TestServer.TOKEN).GET());
        assertThat(basic.status()).isEqualTo(401);
        TestServer.Reply ok = t.send(t.authed(url).GET());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        // The API still answers as before next to it.
        assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
    }

    @Test
    void per_script_labels_appear_only_when_configured_and_label_values_are_capped(@TempDir Path other) throws Exception {
        // Two label sets: the dispatcher's and the first user worker's; the next one goes to "_other".
        try (TestServer s = new TestServer(other, List.of(Route.parse("*.shop.test/*=front")),
                new MetricsConfig(MetricsConfig.Access.PUBLIC, MetricsConfig.Labels.NAMESPACE_AND_SCRIPT, 2))) {
            deployTenants(s);
            assertThat(s.worker("GET", "acme.shop.test", "/", null).body()).isEqualTo("hello");
            awaitScrape(s, x -> x.sum("tenantd_requests_total", Map.of("namespace", "tenants", "script", "acme")) == 1);
            assertThat(s.worker("GET", "beta.shop.test", "/", null).body()).isEqualTo("hello");
            assertThat(s.worker("GET", "beta.shop.test", "/boom", null).status()).isEqualTo(500);
            // Public: no token needed.
            Scrape after = awaitScrape(s, x -> x.sum("tenantd_requests_total",
                    Map.of("namespace", MetricsConfig.OTHER, "script", MetricsConfig.OTHER)) == 2
                    && x.sum("tenantd_requests_total", Map.of("namespace", "-", "script", "front")) == 3);
            assertThat(after.sum("tenantd_requests_total", Map.of("namespace", "-", "script", "front"))).isEqualTo(3);
            assertThat(after.sum("tenantd_errors_total", Map.of("namespace", MetricsConfig.OTHER))).isEqualTo(1);
            assertThat(after.text()).contains("script=\"acme\"").doesNotContain("script=\"beta\"");
        }
    }

    @Test
    void a_worker_whose_stored_code_is_damaged_counts_as_unavailable(@TempDir Path other) throws Exception {
        String code = "export default { fetch() { return new Response('genuine'); } };";
        try (TestServer s = new TestServer(other, List.of(), MetricsConfig.defaults())) {
            assertThat(s.putModule(s.accountApi("/workers/scripts/victim"), "{\"main_module\":\"main.js\"}", "main.js", code)
                    .status()).isEqualTo(200);
        }
        String hash = dev.tenantd.platform.store.BlobStore.sha256(code.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(other.resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash), "tampered");
        try (TestServer s = new TestServer(other, List.of(), MetricsConfig.defaults())) {
            assertThat(s.worker("GET", "victim.localhost", "/", null).status()).isEqualTo(503);
            Scrape after = awaitScrape(s, x -> x.sum("tenantd_invocations_total",
                    Map.of("namespace", "-", "outcome", "unknown")) == 1);
            assertThat(after.sum("tenantd_errors_total", Map.of("namespace", "-"))).isEqualTo(1);
            assertThat(after.sum("tenantd_invocation_cpu_seconds_count", Map.of("namespace", "-"))).isZero();
        }
    }

    @Test
    void a_broken_record_store_drops_records_counted_in_metrics_and_fails_no_request(@TempDir Path other) throws Exception {
        try (TestServer s = new TestServer(other, List.of(), MetricsConfig.defaults())) {
            assertThat(s.putModule(s.accountApi("/workers/scripts/steady"), "{\"main_module\":\"main.js\"}", "main.js",
                    "export default { fetch() { console.log('served'); return new Response('steady'); } };").status())
                    .isEqualTo(200);
            assertThat(s.worker("GET", "steady.localhost", "/", null).body()).isEqualTo("steady");
            awaitScrape(s, x -> x.sum("tenantd_invocation_records_written_total", Map.of()) >= 1);
            // Another process damages the store: the aggregates table every batch writes to is gone.
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                    "jdbc:sqlite:" + other.resolve("invocations.sqlite"));
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE invocation_minutes");
            }
            double written = scrape(s).sum("tenantd_invocation_records_written_total", Map.of());
            for (int i = 0; i < 5; i++) {
                TestServer.Reply r = s.worker("GET", "steady.localhost", "/" + i, null);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("steady");
            }
            Scrape after = awaitScrape(s, x -> x.sum("tenantd_invocation_records_dropped_total", Map.of()) >= 5);
            assertThat(after.sum("tenantd_invocation_records_written_total", Map.of())).isEqualTo(written);
        }
    }

    @Test
    void a_bad_metrics_table_exits_2_naming_the_key() throws Exception {
        Path good = scratch.resolve("good.toml");
        Files.writeString(good, "[metrics]\npublic = true\nper-script = true\nmax-label-values = 50\n");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", good.toString(), "--data-dir", scratch.toString(), "--api-token", "t");
        assertThat(serve.resolve().metrics()).isEqualTo(
                new MetricsConfig(MetricsConfig.Access.PUBLIC, MetricsConfig.Labels.NAMESPACE_AND_SCRIPT, 50));
        for (String[] bad : new String[][] {
                {"per_script = true", "unknown key [metrics] per_script"},
                {"public = \"yes\"", "[metrics] public must be true or false"},
                {"per-script = 1", "[metrics] per-script must be true or false"},
                {"max-label-values = 0", "[metrics] max-label-values must be a whole number from 1 to 100000"},
                {"max-label-values = 2.5", "[metrics] max-label-values must be a whole number"}}) {
            Path toml = scratch.resolve("bad-metrics.toml");
            Files.writeString(toml, "[metrics]\n" + bad[0] + "\n");
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new Main());
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute("serve", "--config", toml.toString(), "--data-dir", scratch.toString())).as(bad[0])
                    .isEqualTo(2);
            assertThat(err.toString()).contains(bad[1]);
        }
        Path notTable = scratch.resolve("not-table.toml");
        Files.writeString(notTable, "metrics = 3\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("serve", "--config", notTable.toString(), "--data-dir", scratch.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("[metrics] must be a table");
    }

    @Test
    void the_runtime_and_the_platform_know_nothing_of_micrometer() {
        com.tngtech.archunit.core.domain.JavaClasses classes = new com.tngtech.archunit.core.importer.ClassFileImporter()
                .withImportOption(com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tenantd");
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideOutsideOfPackage("dev.tenantd.server.metrics..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(classes);
    }

    // ---- scraping and parsing the text format

    /** One scrape: its samples, each a metric name, its labels and its value. */
    record Scrape(String text, List<Sample> samples) {
        /** The sum of the samples of {@code name} whose labels include all of {@code labels}; NaN if there are none. */
        double sum(String name, Map<String, String> labels) {
            double total = 0;
            boolean any = false;
            for (Sample s : samples) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    total += s.value();
                    any = true;
                }
            }
            return any ? total : Double.NaN;
        }

        /** How much {@code name} grew since {@code before}; a sample absent before counts from 0. */
        double delta(Scrape before, String name, Map<String, String> labels) {
            double then = before.sum(name, labels);
            return sum(name, labels) - (Double.isNaN(then) ? 0 : then);
        }
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static Scrape scrape(TestServer s) {
        TestServer.Reply r = s.send(s.authed("http://127.0.0.1:" + s.server.apiPort() + "/metrics").GET());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Sample> samples = new java.util.ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))));
        }
        return new Scrape(r.body(), samples);
    }

    static Scrape awaitScrape(TestServer s, Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Scrape last = scrape(s);
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the metrics never reached the expected values:\n" + last.text());
            }
            Thread.sleep(50);
            last = scrape(s);
        }
        return last;
    }
}
