package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"x-a", "Content-Type", "!#$%&'*+-.^_`|~09az"})
    void tokens_are_header_names(String name) {
        assertThat(HeaderRules.problem(List.of(name, "v"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x a", "x:a", "x\r\ny", "x\u0000", "é", "(x)", "x\"", "x/y", "x@y"})
    void anything_else_is_not(String name) {
        assertThat(HeaderRules.problem(List.of(name, "v"))).hasValueSatisfying(p -> assertThat(p).contains("not an HTTP token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\tb", "\u00ff obs-text \u0080", "\"quoted\", list; q=1"})
    void values_may_hold_spaces_tabs_inside_and_bytes_up_to_ff(String value) {
        assertThat(HeaderRules.problem(List.of("x", value))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nx-evil: 1", "a\u0000b", " lead", "trail\t", "\u0100", "\u20ac"})
    void values_with_line_breaks_nul_outer_whitespace_or_wide_characters_are_not_allowed(String value) {
        assertThat(HeaderRules.problem(List.of("x-ok", "1", "x-bad", value)))
                .hasValueSatisfying(p -> assertThat(p).contains("\"x-bad\""));
    }

    @Test
    void a_name_without_a_value_is_named() {
        assertThat(HeaderRules.problem(List.of("x-a", "1", "x-dangling"))).hasValueSatisfying(p -> assertThat(p).contains("x-dangling"));
    }

    @Test
    void headers_over_128_kib_together_are_refused_whatever_their_number() {
        assertThat(HeaderRules.problem(List.of("x-big", "v".repeat(HeaderRules.MAX_HEADER_BYTES - 9)))).isEmpty();
        assertThat(HeaderRules.problem(List.of("x-big", "v".repeat(HeaderRules.MAX_HEADER_BYTES - 8))))
                .hasValueSatisfying(p -> assertThat(p).contains("1 headers take 131073 bytes, more than the 131072"));
        java.util.List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add("x-" + i);
            many.add("1");
        }
        assertThat(HeaderRules.problem(many)).hasValueSatisfying(p -> assertThat(p).contains("20000 headers take"));
        assertThat(HeaderRules.statusProblem(200, "O".repeat(1024), false)).isEmpty();
        assertThat(HeaderRules.statusProblem(200, "O".repeat(1025), false)).hasValueSatisfying(p -> assertThat(p).contains("1025"));
    }

    @Test
    void status_lines_are_checked_too() {
        assertThat(HeaderRules.statusProblem(200, "OK", false)).isEmpty();
        assertThat(HeaderRules.statusProblem(101, "", true)).isEmpty();
        assertThat(HeaderRules.statusProblem(0, "", false)).isPresent();
        assertThat(HeaderRules.statusProblem(600, "", false)).isPresent();
        assertThat(HeaderRules.statusProblem(200, "OK\r\nx-evil: 1", false)).hasValueSatisfying(p -> assertThat(p).contains("\\u000d"));
        // a final answer is never an interim one
        assertThat(HeaderRules.statusProblem(101, "", false)).isPresent();
        assertThat(HeaderRules.statusProblem(102, "", false)).hasValueSatisfying(p -> assertThat(p).contains("200-599"));
        assertThat(HeaderRules.statusProblem(199, "", false)).isPresent();
    }
}
