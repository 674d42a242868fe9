package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The text rewrite behind import(): same-length names in place, one declaration after the last line. */
class DynamicImportsTest {

    @Test
    void each_call_keeps_its_place_and_the_declaration_comes_after_the_last_line() {
        String source = "const a = await import('./a.js');\nconst s = \"import('x')\"; // import('y')\nexport { a, s };\n//# sourceMappingURL=w.js.map";
        String rewritten = DynamicImports.rewrite(source, "importer/0").orElseThrow();
        assertThat(rewritten).startsWith("const a = await $00000('./a.js');\nconst s = \"import('x')\"; // import('y')\nexport { a, s };\n"
                + "//# sourceMappingURL=w.js.map\nimport $00000 from \"importer/0\";");
        assertThat(rewritten.lines().toList().subList(0, 4)).allSatisfy(line -> assertThat(line.length())
                .isEqualTo(source.lines().toList().get(rewritten.lines().toList().indexOf(line)).length()));
    }

    @Test
    void a_module_without_calls_or_that_the_lexer_cannot_follow_is_left_as_it_is() {
        assertThat(DynamicImports.rewrite("import x from './x.js'; x.import('y');", "i/0")).isEmpty();
        assertThat(DynamicImports.rewrite("import('./a.js'); const s = 'unterminated", "i/0")).isEmpty();
    }

    @Test
    void only_an_import_before_a_parenthesis_or_a_comment_calls_for_lexing() {
        assertThat(DynamicImports.mayCallImport("import x from 'y'; import {a} from 'b'; x.imported; import.meta")).isFalse();
        assertThat(DynamicImports.mayCallImport("await import('x')")).isTrue();
        assertThat(DynamicImports.mayCallImport("await import \n ('x')")).isTrue();
        assertThat(DynamicImports.mayCallImport("await import /* c */ ('x')")).isTrue();
        // JavaScript's white space is more than Java's: a no-break space or a byte order mark as well.
        assertThat(DynamicImports.mayCallImport("await import\u00A0('x')")).isTrue();
        assertThat(DynamicImports.mayCallImport("await import\uFEFF('x')")).isTrue();
        assertThat(DynamicImports.mayCallImport("const s = 'import('")).isTrue();
        assertThat(DynamicImports.mayCallImport("import")).isFalse();
    }

    @Test
    void the_name_is_the_first_one_the_module_does_not_use() {
        assertThat(DynamicImports.unusedName(Set.of())).isEqualTo("$00000");
        assertThat(DynamicImports.unusedName(Set.of("$00000", "$00001", "$00003"))).isEqualTo("$00002");
        assertThat(DynamicImports.rewrite("let $00000, $00001; import('a')", "i/0").orElseThrow())
                .startsWith("let $00000, $00001; $00002('a')");
        assertThat(DynamicImports.unusedName(Set.of())).hasSize("import".length());
    }
}
