package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a record counts toward the size cap: the bytes it is stored as. */
class InvocationEntryTest {
    @Test
    void text_counts_as_the_utf_8_it_is_stored_as() {
        for (String text : List.of("", "ascii", "é", "漢字", "😀", "mixed é 漢 😀 text")) {
            assertThat(InvocationEntry.utf8(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
        String cjk = "[\"" + "漢".repeat(10_000) + "\"]";
        InvocationEntry entry = new InvocationEntry("", 0, "r", "a", "", "w", "v", List.of(), "ok", 200, 1, 1, 0, "GET", "h",
                "/", List.of(new InvocationEntry.LogLine("log", cjk, 0)), false, Optional.empty());
        // Counted by characters, a worker logging CJK text could store three times its share.
        assertThat(entry.approximateBytes()).isGreaterThanOrEqualTo(cjk.getBytes(StandardCharsets.UTF_8).length);
    }
}
