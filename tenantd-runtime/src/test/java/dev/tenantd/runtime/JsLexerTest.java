package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which {@code import} keywords of a module's text begin {@code import(...)} calls. */
class JsLexerTest {

    /** The offsets of the occurrences of "import" in the text whose numbers (from 0) are given. */
    private static List<Integer> occurrences(String source, int... which) {
        List<Integer> all = new ArrayList<>();
        for (int at = source.indexOf("import"); at >= 0; at = source.indexOf("import", at + 1)) {
            all.add(at);
        }
        List<Integer> picked = new ArrayList<>();
        for (int w : which) {
            picked.add(all.get(w));
        }
        return picked;
    }

    private static void assertCalls(String source, int... which) {
        JsLexer.Lexed lexed = JsLexer.lex(source);
        assertThat(lexed.problem()).as("problem lexing %s", source).isEmpty();
        assertThat(lexed.importCalls()).as(source).isEqualTo(occurrences(source, which));
    }

    private static void assertProblem(String source) {
        assertThat(JsLexer.lex(source).problem()).as(source).isPresent();
    }

    @Test
    void finds_calls_with_literal_and_computed_specifiers() {
        assertCalls("const m = await import('./a.js');", 0);
        assertCalls("import('a'); import(\"b\"); import(`c`); import(name); import(x + '.js', { with: { type: 'json' } })",
                0, 1, 2, 3, 4);
        assertCalls("f(import('a'), [import('b')], { k: import('c') })", 0, 1, 2);
        assertCalls("const { connect } = await import('cloudflare:sockets')", 0);
    }

    @Test
    void a_call_may_have_space_or_comments_before_its_parenthesis() {
        assertCalls("import ('a')", 0);
        assertCalls("import\n\t(\n'a')", 0);
        assertCalls("import /* why */ ('a')", 0);
        assertCalls("import // line\n('a')", 0);
    }

    @Test
    void static_imports_and_import_meta_are_not_calls() {
        assertCalls("import x from './x.js';\nimport { a as b } from 'y';\nimport * as ns from 'z';\nimport 'side-effect';");
        assertCalls("const u = import.meta.url; import.meta.resolve('x')");
        assertCalls("export * from './a.js'; export { b } from './b.js';");
        assertCalls("import x from './x.js'; import('./y.js')", 1);
    }

    @Test
    void property_accesses_and_names_called_import_are_not_calls() {
        assertCalls("loader.import('x'); loader?.import('y'); a.\n  import('z')");
        assertCalls("const o = { import: 1, import2: 2 }; o.import;");
        assertCalls("const o = { import(x) { return x; } };");
        assertCalls("const o = { a: 1, import(x) { return import(x); } };", 1);
        assertCalls("const o = { async import() {}, get import() { return 1; }, set import(v) {}, *import() {} };");
        assertCalls("const o = { ...import('x') };", 0);
        assertCalls("const o = { a: b * import('x') };", 0);
        assertCalls("class A { import() {} static import() {} async *import() {} }");
        assertCalls("class A { f() { return 1; } import() { return import('a'); } }", 1);
        assertCalls("class A { x = import('a'); y = 1\n import() {} }", 0);
        assertCalls("class A extends B { static { import('a'); } }", 0);
        assertCalls("const { import: i } = obj;");
        assertCalls("x.#import; class C { #import() {} }");
        assertCalls("const im\\u0070ort = 1; im\\u0070ort(2)");
    }

    @Test
    void text_inside_strings_comments_templates_and_regular_expressions_is_skipped() {
        assertCalls("const s = \"import('a')\"; const t = 'import(\\'b\\')';");
        assertCalls("// import('a')\n/* import('b') */ const x = 1;");
        assertCalls("const t = `import('a') ${1 + 2} import('b')`;");
        assertCalls("const t = `${import('a')} and ${`nested ${import('b')} import('no')`} import('no')`;", 0, 1);
        assertCalls("const t = `${ { a: `${'}'}` }.a } import('no')`; import('yes')", 1);
        assertCalls("const r = /import('a')/g; const q = /[/]import(/.source;");
        assertCalls("const r = /\\/import(/; import('b')", 1);
        assertCalls("const s = 'a\\\nimport(\"x\")'; import('y')", 1);
        assertCalls("const s = 'a\\\r\nimport(\"x\")'; import('y')", 1);
        assertCalls("#!/usr/bin/env node import('no')\nimport('yes')", 1);
    }

    @Test
    void a_slash_divides_or_starts_a_regular_expression_by_what_comes_before_it() {
        assertCalls("const x = a / 2; import('a'); const y = b / 3;", 0);
        assertCalls("const x = (a) / 2 / import('b'); ", 0);
        assertCalls("const x = a[1] / b / import('c')", 0);
        assertCalls("if (x) /import('no')/.test(s); import('yes')", 1);
        assertCalls("while (x) /import('no')/g.exec(s)", new int[0]);
        assertCalls("return /import('no')/; import('yes')", 1);
        assertCalls("x = typeof /import('no')/", new int[0]);
        assertCalls("f(() => /import('no')/)", new int[0]);
        assertCalls("{ }\n/import('no')/.test(s)", new int[0]);
        assertCalls("function f() {}\n/import('no')/.test(s)", new int[0]);
        assertCalls("const o = {} / 2; const p = {a: 1} / import('yes')", 0);
        assertCalls("const f = function () {} / import('yes')", 0);
        assertCalls("const C = class {} / import('yes')", 0);
        assertCalls("a++ / 2 / import('yes')", 0);
        assertCalls("x = y ? /import('no')/ : /import('no')/", new int[0]);
        assertCalls("label: /import('no')/.test(s)", new int[0]);
        assertCalls("switch (a) { case 1: /import('no')/.exec(s); default: import('yes') }", 1);
        assertCalls("x = a.return / 2 / import('yes')", 0);
        assertCalls("x = 1.5e+3 / import('yes'); y = 0x1e / import('yes2') / 2", 0, 1);
        assertCalls("x = .5 / import('yes') ? .5 : 1", 0);
        assertCalls("const re = /[\\]/]import('no')/; const d = 4 / 2 /import('yes')", 1);
        assertCalls("`${a}` / 2 / import('yes')", 0);
    }

    @Test
    void a_realistic_bundle_is_read_whole() {
        String bundle = """
                var __defProp = Object.defineProperty;
                var __name = (target, value) => __defProp(target, "name", { value, configurable: true });
                // node_modules/postgres/cf/polyfills.js
                async function connect(options) {
                  const { connect } = await import('cloudflare:sockets');
                  return connect({ hostname: options.host, port: options.port });
                }
                __name(connect, "connect");
                var re = /^(?:[a-z]+):\\/\\//i, half = 1 / 2;
                var tpl = (s) => `${s.replace(/`/g, "\\\\`")}`;
                class Pool extends EventTarget {
                  #sockets = [];
                  static create() { return new Pool(); }
                  async load(name) { return (await import(`./lib/${name}.js`)).default; }
                }
                export { connect, Pool, re, half, tpl };
                //# sourceMappingURL=index.js.map
                """;
        assertCalls(bundle, 0, 1);
    }

    @Test
    void collects_identifiers_with_escapes_decoded() {
        JsLexer.Lexed lexed = JsLexer.lex("let $00000 = 1, \\u0024\\u{30}0001 = 2; o.prop; 'notAName'");
        assertThat(lexed.identifiers()).contains("$00000", "$00001", "prop", "let", "o").doesNotContain("notAName");
        // Leading zeros are allowed in a braced escape, as many as the writer likes.
        assertThat(JsLexer.lex("let \\u{0000000024}00002 = 3;").identifiers()).contains("$00002");
        assertThat(JsLexer.lex("let a\\u{}b, c\\u{00110000}d;").identifiers()).doesNotContain("ab", "cd");
    }

    @Test
    void unterminated_literals_and_unmatched_brackets_are_problems() {
        assertProblem("const s = 'abc");
        assertProblem("const s = \"abc\nimport('x')\"");
        assertProblem("const t = `abc ${x}");
        assertProblem("const t = `abc ${x");
        assertProblem("const r = /abc");
        assertProblem("const r = /abc\n/");
        assertProblem("/* never closed");
        assertProblem("f(a]");
        assertProblem("f(a");
        assertProblem("}");
        assertThat(JsLexer.lex("").problem()).isEmpty();
        assertThat(JsLexer.lex("#").problem()).isEmpty();
    }

    @Test
    void odd_characters_never_stop_the_lexer() {
        for (String odd : List.of("@", "#", "\\", "\u0000", "\uD83D\uDE00", "\uDE00", "\uD83D", "\u00A0", "\u2028", "\\u{", "\\u12",
                "\\u{110000}", "0x", "1e", "1e+", "?.", "?.5", "...", "=>", "#!", "`", "'", "\"", "/")) {
            for (String text : List.of(odd, "a " + odd, odd + " import('x')", "(" + odd + ")", "{" + odd)) {
                JsLexer.lex(text); // must return, whatever it says
            }
        }
    }

    @Test
    @Timeout(10)
    void hostile_inputs_take_linear_time_and_no_stack() {
        int n = 2_000_000;
        assertThat(JsLexer.lex("(".repeat(n) + ")".repeat(n)).problem()).isEmpty();
        assertThat(JsLexer.lex("[{(".repeat(n / 3)).problem()).isPresent();
        assertThat(JsLexer.lex("`${".repeat(n / 3) + "}`".repeat(n / 3)).problem()).isEmpty();
        assertProblem("`${".repeat(n / 3));
        assertThat(JsLexer.lex("import(".repeat(n / 7) + ")".repeat(n / 7)).importCalls()).hasSize(n / 7);
        assertProblem("'" + "\\'".repeat(n));
        assertProblem("/" + "[".repeat(n));
        assertProblem("/*" + "*".repeat(n));
        assertThat(JsLexer.lex("0e+e+".repeat(n / 5)).problem()).isEmpty();
        assertThat(JsLexer.lex("a/".repeat(n / 2) + "a").problem()).isEmpty();
        assertThat(JsLexer.lex("x?".repeat(n / 2) + "1" + ":1".repeat(n / 2)).problem()).isEmpty();
        assertThat(JsLexer.lex("\\u0061".repeat(n / 6)).identifiers()).hasSize(1);
        assertThat(JsLexer.lex("import import ".repeat(n / 14)).importCalls()).isEmpty();
    }
}
