package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Statements are cut where SQLite cuts them, and refused however they are spelled. */
class SqlScriptTest {

    static List<String> sqls(String script) {
        return SqlScript.split(script).stream().map(SqlScript.Statement::sql).toList();
    }

    @Test
    void semicolons_in_strings_names_and_comments_do_not_cut() {
        assertThat(sqls("INSERT INTO t VALUES ('a;b'); SELECT \"x;y\", [p;q], `r;s` FROM t -- c;d\n; /* e;f */ SELECT 1"))
                .containsExactly("INSERT INTO t VALUES ('a;b')", "SELECT \"x;y\", [p;q], `r;s` FROM t -- c;d",
                        "SELECT 1");
    }

    @Test
    void a_trigger_body_is_one_statement_with_its_case_end() {
        List<String> parts = sqls("""
                CREATE TABLE t (a);
                CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
                  UPDATE t SET a = CASE WHEN new.a > 1 THEN 1 ELSE 0 END;
                  DELETE FROM t WHERE a IS NULL;
                END;
                SELECT 1;""");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(1)).startsWith("CREATE TEMP TRIGGER").endsWith("END");
    }

    @Test
    void empty_statements_are_left_out_and_lines_are_counted() {
        List<SqlScript.Statement> parts = SqlScript.split(";;\n-- only a comment\n\n  SELECT 1;\n\nSELECT\n2");
        assertThat(parts).extracting(SqlScript.Statement::line).containsExactly(4, 6);
    }

    @Test
    void attach_is_refused_in_every_spelling() {
        for (String sql : List.of("ATTACH 'x.db' AS x", "attach database 'x' as y", "/* hi */ AtTaCh 'x' AS x",
                "-- c\nATTACH\t'x'\nAS x", "EXPLAIN ATTACH 'x' AS x", "EXPLAIN QUERY PLAN ATTACH 'x' AS x",
                "\fATTACH'x'AS x", "DETACH x", "VACUUM INTO '/tmp/x'", "vacuum", "PRAGMA journal_mode = DELETE",
                "pragma main.journal_mode=off", "PRAGMA \"writable_schema\" = 1", "PRAGMA temp_store_directory = '/tmp'",
                "PRAGMA main . mmap_size = 1", "BEGIN", "COMMIT", "ROLLBACK", "END TRANSACTION", "SAVEPOINT a",
                "RELEASE a", "SELECT fts3_tokenizer('simple')", "SELECT \"FTS3_Tokenizer\"('simple')",
                "SELECT [fts3_tokenizer]('simple')", "SELECT `fts3_tokenizer`('x')", "PRAGMA page_size = 65536",
                "PRAGMA temp.page_size = 65536", "pragma main . page_size(65536)")) {
            assertThat(SqlScript.refusal(SqlScript.split(sql).getFirst())).as(sql).isPresent();
        }
    }

    @Test
    void a_statement_runs_as_the_check_read_it_whatever_blanks_come_first() {
        // A vertical tab is white space to SQLite: the check must skip it too.
        for (String sql : List.of("\u000BPRAGMA max_page_count = 4294967294", "\u000B\u000BCOMMIT",
                "\t\u000B PRAGMA writable_schema = 1")) {
            assertThat(SqlScript.refusal(SqlScript.split(sql).getFirst())).as(sql).isPresent();
        }
        // Characters SQLite reads as part of a word stay in the statement it runs: "\u3000PRAGMA"
        // is one (unknown) word to SQLite, not the keyword, so it is no PRAGMA to hide.
        for (String sql : List.of("\u3000PRAGMA max_page_count = 1", "\u2028COMMIT", "\u001FPRAGMA x = 1")) {
            SqlScript.Statement statement = SqlScript.split(sql).getFirst();
            assertThat(statement.sql()).as(sql).isEqualTo(sql);
        }
        assertThat(SqlScript.split(" \u000B SELECT 1 \u000B;").getFirst().sql()).isEqualTo("SELECT 1");
    }

    @Test
    void ordinary_statements_and_allowed_pragmas_pass() {
        for (String sql : List.of("SELECT 'ATTACH'", "SELECT attach FROM t", "INSERT INTO attach VALUES (1)",
                "PRAGMA table_info(users)", "PRAGMA main.table_list", "pragma foreign_keys = on", "PRAGMA page_size",
                "PRAGMA temp.page_size",
                "CREATE TABLE vacuum_log (x)", "EXPLAIN QUERY PLAN SELECT 1", "SELECT 'fts3_tokenizer'")) {
            assertThat(SqlScript.refusal(SqlScript.split(sql).getFirst())).as(sql).isEmpty();
        }
    }
}
