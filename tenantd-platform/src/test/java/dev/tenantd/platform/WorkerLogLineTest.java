package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A worker's console line as the server's log shows it: one line, of bounded length. */
class WorkerLogLineTest {
    @Test
    void line_breaks_and_control_characters_are_escaped_so_a_worker_cannot_write_lines_of_the_servers_own() {
        String forged = "ok\n12:00:00.000 ERROR d.t.s.TenantdServer - disk failed\r\u001b[2Jend\u2028\tx";
        assertThat(PlatformWorkerHost.serverLogText(forged))
                .isEqualTo("ok\\n12:00:00.000 ERROR d.t.s.TenantdServer - disk failed\\r\\u001b[2Jend\\u2028\tx")
                .doesNotContain("\n", "\r");
        assertThat(PlatformWorkerHost.serverLogText("plain é ✓")).isEqualTo("plain é ✓");
    }

    @Test
    void a_long_line_is_cut_and_says_how_long_it_was() {
        String text = PlatformWorkerHost.serverLogText("x".repeat(100_000));
        assertThat(text).startsWith("x".repeat(PlatformWorkerHost.MAX_SERVER_LOG_CHARS))
                .endsWith("… (100000 characters)").hasSizeLessThan(PlatformWorkerHost.MAX_SERVER_LOG_CHARS + 32);
        assertThat(PlatformWorkerHost.serverLogText("\n".repeat(100_000))).hasSizeLessThan(PlatformWorkerHost.MAX_SERVER_LOG_CHARS + 32);
    }
}
