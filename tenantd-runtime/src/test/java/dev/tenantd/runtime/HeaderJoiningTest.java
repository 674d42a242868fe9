package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Headers cross between Java and the runtime as one string of NUL-separated names and values. */
class HeaderJoiningTest {
    @Test
    void namesAndValuesComeBackAsTheyWent() {
        for (List<String> headers : List.of(List.of("host", "example.com"), List.of("a", "", "b", "2"),
                List.of("x-empty-last", ""), List.of("", ""), List.of("set-cookie", "a=1", "set-cookie", "b=2; Path=/"))) {
            assertThat(JsValues.splitHeaders(JsValues.joinHeaders(headers))).isEqualTo(headers);
        }
        assertThat(JsValues.splitHeaders("")).isEmpty();
    }

    @Test
    void splitsAsStringSplitKeepingEmptyParts() {
        for (String joined : List.of("a", "a\0b", "\0", "a\0\0b\0", "\0\0\0", "name\0value with spaces\0n2\0v2")) {
            assertThat(JsValues.splitHeaders(joined)).as(joined.replace('\0', '|'))
                    .isEqualTo(Arrays.asList(joined.split("\0", -1)));
        }
    }
}
