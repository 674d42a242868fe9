package dev.tenantd.platform.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options of a dispatch call read the same whether they take the plain get(name) path or the parser. */
class DispatchOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyShapeReadsAsTheParserReadsIt() throws IOException {
        List<String> texts = List.of(
                "{\"args\":null,\"script\":\"hello\"}",
                "{\"args\":null,\"script\":\"customer-42_a\"}",
                "{\"args\":null,\"script\":\"\"}",
                "{\"args\":null,\"script\":\"café ü 日本\"}",
                "{\"args\":null,\"script\":\"quote\\\"inside\"}",
                "{\"args\":null,\"script\":\"back\\\\slash\"}",
                "{\"args\":null,\"script\":\"esc\\u00e9aped\"}",
                "{\"args\":null,\"script\":\"a\",\"limits\":{\"cpuMs\":5}}",
                "{\"args\":null,\"script\":\"a\",\"b\":\"c\"}",
                "{\"args\":null,\"script\":\"a\",\"outbound\":{\"customer\":\"x\"}}",
                "{\"args\":{\"k\":1},\"script\":\"a\"}",
                "{\"script\":\"a\",\"args\":null}",
                "{\"args\":null,\"script\":\"del\u007f line\u2028 sep \ud83d\ude00 astral\"}",
                "{\"args\":null,\"script\":\"" + "n".repeat(5000) + "\"}",
                "{\"args\":null, \"script\":\"spaced\"}",
                "{\"args\":null,\"script\":\"a\",\"script\":\"b\"}");
        for (String text : texts) {
            assertThat(DispatchNamespaceKind.options(text)).as(text).isEqualTo(JSON.readTree(text));
        }
        assertThat(DispatchNamespaceKind.options("{\"args\":null,\"script\":\"a\",\"limits\":{\"cpuMs\":5}}")
                .path("limits").path("cpuMs").asInt()).isEqualTo(5);
    }

    @Test
    void aNameLongerThanTheParserAllowsIsRefusedAsBefore() {
        String text = "{\"args\":null,\"script\":\"" + "n".repeat(20_000_001) + "\"}";
        assertThatThrownBy(() -> JSON.readTree(text)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> DispatchNamespaceKind.options(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("length");
    }

    @Test
    void textThatIsNotJsonIsRefusedAsBefore() {
        for (String text : List.of("{\"args\":null,\"script\":\"}", "{\"args\":null,\"script\":\"a\"", "{\"args\":null,\"script\":\"a\nb\"}")) {
            assertThatThrownBy(() -> DispatchNamespaceKind.options(text)).as(text).isInstanceOf(IOException.class);
        }
    }
}
