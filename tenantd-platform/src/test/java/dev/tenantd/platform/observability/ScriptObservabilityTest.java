package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ScriptObservabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScriptObservability of(String json) throws Exception {
        return ScriptObservability.of(JSON.readTree(json));
    }

    private static String problem(String json) throws Exception {
        return ScriptObservability.problem(JSON.readTree(json)).orElse("");
    }

    @Test
    void reads_the_block_as_workers_logs_takes_it() throws Exception {
        assertThat(of("{\"enabled\":true,\"head_sampling_rate\":0.1}")).isEqualTo(new ScriptObservability(true, 0.1));
        assertThat(of("{\"enabled\":false}")).isEqualTo(new ScriptObservability(false, 1.0));
        assertThat(of("{}")).isEqualTo(ScriptObservability.DEFAULT);
        assertThat(of("{\"enabled\":true,\"logs\":{\"enabled\":false}}").enabled()).isFalse();
        assertThat(of("{\"head_sampling_rate\":0.5,\"logs\":{\"head_sampling_rate\":0.2}}").headSamplingRate())
                .isEqualTo(0.2);
        assertThat(ScriptObservability.ofSettings("{\"observability\":{\"enabled\":false}}").enabled()).isFalse();
        assertThat(ScriptObservability.ofSettings("{}")).isEqualTo(ScriptObservability.DEFAULT);
        assertThat(ScriptObservability.ofSettings("not json")).isEqualTo(ScriptObservability.DEFAULT);
    }

    @Test
    void names_what_to_fix_in_a_bad_block() throws Exception {
        assertThat(problem("{\"enabled\":true,\"head_sampling_rate\":1}")).isEmpty();
        assertThat(problem("null")).isEmpty();
        assertThat(problem("{\"head_sampling_rate\":1.5}")).contains("head_sampling_rate");
        assertThat(problem("{\"head_sampling_rate\":\"0.5\"}")).contains("head_sampling_rate");
        assertThat(problem("{\"enabled\":1}")).contains("enabled");
        assertThat(problem("{\"sampling\":1}")).contains("unknown field 'sampling'");
        assertThat(problem("true")).contains("must be an object");
        assertThat(problem("{\"logs\":{\"head_sampling_rate\":-0.1}}")).contains("observability.logs.head_sampling_rate");
        assertThat(problem("{\"logs\":[]}")).contains("observability.logs");
        // traces are kept as given, so their size is bounded
        assertThat(problem("{\"traces\":{\"x\":\"" + "y".repeat(ScriptObservability.MAX_CHARS) + "\"}}"))
                .contains("at most " + ScriptObservability.MAX_CHARS + " characters");
        assertThat(problem("{\"traces\":{\"enabled\":true}}")).isEmpty();
    }
}
