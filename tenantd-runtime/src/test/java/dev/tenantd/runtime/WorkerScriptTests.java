package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code js-tests/<feature>-test.js} inside a real isolate: each
 * exported function is one test, called through the worker's own fetch path.
 */
class WorkerScriptTests {
    private static final Path DIR = Path.of("src/test/resources/js-tests");

    private static final String HARNESS = """
            import * as suite from './%s';
            export default {
              async fetch(request) {
                const name = new URL(request.url).searchParams.get('test');
                if (!name) {
                  return new Response(Object.keys(suite).filter((k) => typeof suite[k] === 'function').join('\\n'));
                }
                try {
                  await suite[name]();
                  return new Response('ok');
                } catch (e) {
                  return new Response(String((e && e.stack) || e), { status: 500 });
                }
              },
            };
            """;

    /** CPU time a single worker-script test may take: far more than any needs, far less than a quadratic blow-up. */
    private static final InvocationLimits TEST_LIMITS = new InvocationLimits(5_000, 1_000, 120_000, 128 * 1024);

    @TestFactory
    Stream<DynamicNode> workerScripts() throws IOException {
        List<WorkerModule> files = new ArrayList<>();
        List<String> suites = new ArrayList<>();
        try (Stream<Path> paths = Files.list(DIR)) {
            for (Path p : paths.sorted().toList()) {
                String name = p.getFileName().toString();
                files.add(new WorkerModule(name, ModuleType.ES_MODULE, Files.readAllBytes(p)));
                if (name.endsWith("-test.js")) {
                    suites.add(name);
                }
            }
        }
        assertThat(suites).isNotEmpty();
        return suites.stream().map(suite -> {
            List<WorkerModule> modules = new ArrayList<>(files);
            modules.add(new WorkerModule("__harness.js", ModuleType.ES_MODULE,
                    HARNESS.formatted(suite).getBytes(StandardCharsets.UTF_8)));
            // node-*-test.js suites run with the Node.js compatibility flag, at today's behaviour.
            boolean node = suite.startsWith("node-");
            Worker worker = Engines.load(node
                    ? new WorkerSource("test-worker", "__harness.js", modules, "2026-12-01",
                            List.of(CompatibilityFlags.NODEJS_COMPAT), List.of(Binding.text("GREETING", "hello")))
                    : Engines.modules("__harness.js", modules, List.of()));
            String listing = Engines.text(Engines.get(worker, "http://test/"));
            List<DynamicTest> tests = listing.lines().filter(l -> !l.isBlank()).map(name ->
                    DynamicTest.dynamicTest(name, () -> {
                        // Every test runs within a CPU budget, so that an algorithm that grows
                        // out of proportion fails the test however busy the machine is.
                        WorkerResponse r = Engines.get(worker.fetch(
                                new WorkerRequest("GET", "http://test/?test=" + name, List.of(), null), TEST_LIMITS));
                        assertThat(r.status()).as(Engines.text(r)).isEqualTo(200);
                    })).toList();
            assertThat(tests).as("tests exported by " + suite).isNotEmpty();
            return DynamicContainer.dynamicContainer(suite, tests);
        });
    }
}
