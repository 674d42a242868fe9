package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTest {
    private static Deployment withMessage(String message) {
        return new Deployment("d", "2026-01-01T00:00:00.000Z", List.of(new Deployment.Split("v", 100)), message, "api");
    }

    @Test
    void a_message_is_kept_up_to_100_bytes_and_cut_between_characters() {
        assertThat(withMessage(null).message()).isNull();
        assertThat(withMessage("fix the login page").message()).isEqualTo("fix the login page");
        assertThat(withMessage("x".repeat(10_000_000)).message()).hasSize(Deployment.MAX_MESSAGE_BYTES);
        // 33 three-byte characters fit in 99 bytes; the 34th would pass 100
        String cut = withMessage("€".repeat(50)).message();
        assertThat(cut).isEqualTo("€".repeat(33));
        assertThat(withMessage("a" + "😀".repeat(30)).message().getBytes(StandardCharsets.UTF_8).length).isEqualTo(97);
    }
}
