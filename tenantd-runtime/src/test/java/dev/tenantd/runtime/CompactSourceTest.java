package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's JavaScript loses its comments and indentation, and nothing else: literals keep
 * every character, lines stay where they were, and no two tokens are joined.
 */
class CompactSourceTest {

    private static String compact(String source) {
        return CompactSource.of(source, "test source");
    }

    @Test
    void comments_and_indentation_go_and_lines_stay() {
        String source = """
                // a line comment
                function f(a, b) {
                    /* a block comment
                       over two lines */
                    return a + b; // trailing
                }
                """;
        String compacted = compact(source);
        assertThat(compacted).isEqualTo("\nfunction f(a,b){\n\n\nreturn a + b;\n}\n");
        assertThat(compacted.lines().count()).isEqualTo(source.lines().count());
    }

    @Test
    void a_comment_between_two_tokens_keeps_them_apart() {
        assertThat(compact("return/* no value */x")).isEqualTo("return x");
        assertThat(compact("a/**/in b")).isEqualTo("a in b");
        assertThat(compact("a - /* */ -b")).isEqualTo("a - -b");
        assertThat(compact("a + /* */ +b")).isEqualTo("a + +b");
    }

    @Test
    void literals_keep_every_character() {
        String template = "const t = `line one\n    indented // not a comment\n  ${ x /* code */ } /* text */`;";
        assertThat(compact(template)).isEqualTo("const t = `line one\n    indented // not a comment\n  ${x } /* text */`;");
        String continued = "const s = 'one \\\n    two // three';";
        assertThat(compact(continued)).isEqualTo(continued);
        String regex = "const r = /[/*]+\\/\\/ x  y/g; // tail";
        assertThat(compact(regex)).isEqualTo("const r = /[/*]+\\/\\/ x  y/g;");
        assertThat(compact("if (a) { x = b / c; } // d / e")).isEqualTo("if(a){x = b / c;}");
        assertThat(compact("const q = \"  /* kept */  \", u = '//';")).isEqualTo("const q = \"  /* kept */  \",u = '//';");
    }

    @Test
    void a_block_comment_is_a_line_break_where_it_held_one() {
        // `return` then a line break returns nothing; the comment must keep that break.
        String source = "function f() { return /*\n*/ 1 }";
        assertThat(compact(source)).isEqualTo("function f(){return\n1}");
        assertThat(compact("a /* one\r\n two */ b").lines().count()).isEqualTo(2);
    }

    @Test
    void text_the_lexer_cannot_follow_is_refused() {
        assertThatThrownBy(() -> compact("const s = 'open;\n")).hasMessageContaining("test source");
        assertThatThrownBy(() -> compact("/* never closed")).hasMessageContaining("unterminated comment");
    }

    @Test
    void every_runtime_file_keeps_its_lines_and_loses_at_least_a_fifth() throws IOException {
        long before = 0;
        long after = 0;
        for (String file : runtimeFiles()) {
            String text = read(file);
            String compacted = compact(text);
            assertThat(compacted.lines().count()).as(file).isEqualTo(text.lines().count());
            before += text.length();
            after += compacted.length();
        }
        assertThat(after).isLessThan(before * 4 / 5);
    }

    @Test
    void what_isolates_run_is_the_compacted_source() {
        RuntimeScripts.Bootstrap bootstrap = RuntimeScripts.bootstrap(List.of());
        assertThat(bootstrap.source()).doesNotContain("// ----").doesNotContain("\n  ");
        for (RuntimeScripts.Part part : bootstrap.parts().values()) {
            assertThat(part.source()).as(part.name()).doesNotContain("// ----").doesNotContain("\n  ");
        }
    }

    private static List<String> runtimeFiles() throws IOException {
        List<String> files = new ArrayList<>();
        for (String line : read("bootstrap.txt").split("\n")) {
            String file = line.strip();
            if (file.endsWith(".js")) {
                files.add(file);
            }
        }
        assertThat(files).hasSizeGreaterThan(30);
        return files;
    }

    private static String read(String file) throws IOException {
        try (InputStream in = CompactSourceTest.class.getResourceAsStream("/dev/tenantd/runtime/js/" + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
