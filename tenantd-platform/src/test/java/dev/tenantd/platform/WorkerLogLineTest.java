package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text a worker chose as the server's log shows it: one line, of bounded length. */
class WorkerLogLineTest {
    @Test
    void line_breaks_and_control_characters_are_escaped_so_a_worker_cannot_write_lines_of_the_servers_own() {
        String forged = "ok\n12:00:00.000 ERROR d.t.s.TenantdServer - disk failed\r\u001b[2Jend\u2028\u202e\ufeff\ud800\tx";
        assertThat(ServerLogText.oneLine(forged, 2_048))
                .isEqualTo("ok\\n12:00:00.000 ERROR d.t.s.TenantdServer - disk failed\\r\\u001b[2Jend\\u2028\\u202e\\ufeff\\ud800\tx")
                .doesNotContain("\n", "\r");
        assertThat(ServerLogText.oneLine("plain é ✓ \ud83d\ude00", 2_048)).isEqualTo("plain é ✓ \ud83d\ude00");
        assertThat(ServerLogText.oneLine(null, 10)).isNull();
    }

    @Test
    void a_long_line_is_cut_and_says_how_much_more_there_was() {
        String text = ServerLogText.oneLine("x".repeat(100_000), PlatformWorkerHost.MAX_SERVER_LOG_CHARS);
        assertThat(text).isEqualTo("x".repeat(PlatformWorkerHost.MAX_SERVER_LOG_CHARS) + "... ("
                + (100_000 - PlatformWorkerHost.MAX_SERVER_LOG_CHARS) + " more characters)");
        assertThat(ServerLogText.oneLine("\n".repeat(100_000), 2_048)).hasSizeLessThan(2_048 + 32);
        // a pair of surrogates is kept whole at the cut
        assertThat(ServerLogText.oneLine("ab\ud83d\ude00c", 3)).isEqualTo("ab\ud83d\ude00... (1 more characters)");
    }
}
