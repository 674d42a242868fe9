package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh server process holds before anyone uses it: every class loaded stays loaded (and
 * resident) for the life of the process, so parts that only some operators use are loaded when
 * first used. Its start-up log is the operator's first impression: no warnings.
 */
class StartupFootprintTest {
    private static final String TOKEN = "footprint-token";
    private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR|DEBUG|TRACE) \\S+ - .*");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void a_fresh_server_loads_no_graphql_or_xml_configuration_and_logs_no_warning() throws Exception {
        Path classes = dir.resolve("classes.log");
        Path stderr = dir.resolve("stderr.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--data-dir", dir.resolve("data").toString(),
                "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--account-id", "acct", "--api-token", TOKEN))
                .redirectError(stderr.toFile()).start();
        try {
            int api = ServerProcess.serving(p).apiPort();

            String loaded = Files.readString(classes);
            assertThat(loaded).contains("dev.tenantd.server.TenantdServer");
            assertThat(loaded).as("graphql-java before the first analytics query").doesNotContain(" graphql.");
            assertThat(loaded).as("Logback's XML configuration").doesNotContain("ch.qos.logback.classic.joran.JoranConfigurator")
                    .doesNotContain("org.apache.xerces");

            List<String> log = Files.readAllLines(stderr);
            assertThat(log).isNotEmpty().allSatisfy(line -> assertThat(line).matches(LOG_LINE));
            assertThat(log).noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR "));
            assertThat(log).anyMatch(line -> line.contains("INFO  d.t.s.TenantdServer - tenantd serving workers on"));

            // The first query builds the schema.
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + api + "/client/v4/graphql"))
                    .header("Authorization", "Bearer " + TOKEN).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ viewer { accounts(filter: {accountTag: \\\"acct\\\"}) "
                            + "{ workersInvocationsAdaptive(limit: 1) { sum { requests } } } } }\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"workersInvocationsAdaptive\":[]").contains("\"errors\":null");
            assertThat(Files.readString(classes)).contains(" graphql.");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
