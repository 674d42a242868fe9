package dev.tenantd.platform.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.sourcemap.SourceMap.Original;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decoder against maps written by hand, whose positions are known from the specification's encoding. */
class SourceMapTest {

    /** Base64 VLQ of one value, as the Source Map v3 specification defines it. */
    static String vlq(long value) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long v = value < 0 ? ((-value) << 1) | 1 : value << 1;
        StringBuilder out = new StringBuilder();
        do {
            int digit = (int) (v & 31);
            v >>>= 5;
            if (v > 0) {
                digit |= 32;
            }
            out.append(alphabet.charAt(digit));
        } while (v > 0);
        return out.toString();
    }

    static byte[] map(String sources, String names, String mappings) {
        return ("{\"version\":3,\"sources\":" + sources + ",\"names\":" + names + ",\"mappings\":\"" + mappings + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static SourceMap decoded(byte[] json) {
        return SourceMap.decode(json).orElseThrow();
    }

    @Test
    void vlq_digits_follow_the_specification() {
        assertThat(vlq(0)).isEqualTo("A");
        assertThat(vlq(1)).isEqualTo("C");
        assertThat(vlq(-1)).isEqualTo("D");
        assertThat(vlq(15)).isEqualTo("e");
        assertThat(vlq(16)).isEqualTo("gB");
        assertThat(vlq(-16)).isEqualTo("hB");
    }

    @Test
    void a_literal_mapping_decodes_to_its_known_positions() {
        // "AAAA": column 0 -> source 0, line 0, column 0. "gBACA": column +16, source +0, line +1, column +0.
        // ";" then "EAEI": column 2 (reset), source 0, line 1+2=3, column 0+4=4.
        SourceMap m = decoded(map("[\"a.ts\"]", "[]", "AAAA,gBACA;EAEI"));
        assertThat(m.original(1, 1)).contains(new Original("a.ts", 1, 1, Optional.empty()));
        assertThat(m.original(1, 16)).contains(new Original("a.ts", 1, 1, Optional.empty()));
        assertThat(m.original(1, 17)).contains(new Original("a.ts", 2, 1, Optional.empty()));
        assertThat(m.original(1, 500)).contains(new Original("a.ts", 2, 1, Optional.empty()));
        assertThat(m.original(2, 2)).as("before the line's first segment").isEmpty();
        assertThat(m.original(2, 3)).contains(new Original("a.ts", 4, 5, Optional.empty()));
    }

    @Test
    void multiple_sources_names_segments_without_source_and_empty_lines() {
        String line1 = vlq(0) + vlq(0) + vlq(0) + vlq(0)
                + "," + vlq(10) + vlq(0) + vlq(2) + vlq(4) + vlq(0);
        String line3 = vlq(2)
                + "," + vlq(4) + vlq(1) + vlq(3) + vlq(-4) + vlq(1);
        SourceMap m = decoded(map("[\"src/a.ts\",\"src/b.ts\"]", "[\"greet\",\"fail\"]", line1 + ";;" + line3));
        assertThat(m.original(1, 1)).contains(new Original("src/a.ts", 1, 1, Optional.empty()));
        assertThat(m.original(1, 11)).contains(new Original("src/a.ts", 3, 5, Optional.of("greet")));
        assertThat(m.original(2, 1)).as("a line without segments").isEmpty();
        assertThat(m.original(3, 3)).as("a segment without source").isEmpty();
        assertThat(m.original(3, 7)).contains(new Original("src/b.ts", 6, 1, Optional.of("fail")));
        assertThat(m.original(4, 1)).as("past the last line").isEmpty();
        assertThat(m.original(0, 1)).isEmpty();
        assertThat(m.original(1, 0)).isEmpty();
    }

    @Test
    void segments_out_of_order_are_found_by_column() {
        String line = vlq(20) + vlq(0) + vlq(9) + vlq(0) + "," + vlq(-20) + vlq(0) + vlq(-8) + vlq(0);
        SourceMap m = decoded(map("[\"x.ts\"]", "[]", line));
        assertThat(m.original(1, 5)).contains(new Original("x.ts", 2, 1, Optional.empty()));
        assertThat(m.original(1, 21)).contains(new Original("x.ts", 10, 1, Optional.empty()));
    }

    @Test
    void the_source_root_prefixes_every_source() {
        byte[] json = "{\"version\":3,\"sourceRoot\":\"app\",\"sources\":[\"main.ts\"],\"mappings\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(decoded(json).original(1, 1)).contains(new Original("app/main.ts", 1, 1, Optional.empty()));
    }

    @Test
    void a_source_root_is_joined_to_a_source_only_when_a_frame_shows_it() {
        // joined up front, a root of 1,000 characters and 500,000 sources would make 500 million characters
        String root = "r".repeat(SourceMap.MAX_PATH_CHARS - 24);
        String sources = "[" + "\"x\",".repeat(499_999) + "\"x\"]";
        SourceMap map = decoded(("{\"version\":3,\"sourceRoot\":\"" + root + "\",\"sources\":" + sources
                + ",\"mappings\":\"AAAA\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(map.weight()).isLessThan(10_000_000);
        assertThat(map.original(1, 1)).contains(new Original(root + "/x", 1, 1, Optional.empty()));
    }

    @Test
    void a_root_or_a_source_too_long_to_be_a_path_is_not_used_or_normalized() {
        String longRoot = "r".repeat(SourceMap.MAX_PATH_CHARS + 1);
        assertThat(decoded(("{\"version\":3,\"sourceRoot\":\"" + longRoot + "\",\"sources\":[\"a/../b.ts\"],"
                + "\"mappings\":\"AAAA\"}").getBytes(StandardCharsets.UTF_8)).original(1, 1))
                .as("the root is not used").contains(new Original("a/../b.ts", 1, 1, Optional.empty()));
        String longSource = "./".repeat(SourceMap.MAX_PATH_CHARS);
        assertThat(decoded(("{\"version\":3,\"sourceRoot\":\"app\",\"sources\":[\"" + longSource + "\"],"
                + "\"mappings\":\"AAAA\"}").getBytes(StandardCharsets.UTF_8)).original(1, 1).orElseThrow().source())
                .isEqualTo(longSource.substring(0, SourceMap.MAX_PATH_CHARS));
    }

    @Test
    void a_source_root_of_the_output_directory_cancels_against_sources_relative_to_it() {
        byte[] json = "{\"version\":3,\"sourceRoot\":\"out\",\"sources\":[\"../src/index.ts\",\"../../up.ts\"],\"mappings\":\"AAAA,CCAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(decoded(json).original(1, 1)).contains(new Original("src/index.ts", 1, 1, Optional.empty()));
        assertThat(decoded(json).original(1, 2)).contains(new Original("../up.ts", 1, 1, Optional.empty()));
        assertThat(SourceMap.normalized("./a/./b/../c.ts")).isEqualTo("a/c.ts");
    }

    @Test
    void bad_vlq_makes_the_map_unusable_without_throwing() {
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "AA!A"))).as("a character outside the alphabet").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "AAAg"))).as("a value cut off").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "gggggggggB"))).as("a value past 32 bits").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "AA"))).as("a segment of two fields").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "AAAAAA"))).as("a segment of six fields").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", "AAé"))).isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", ";".repeat(SourceMap.MAX_LINES + 1)))).as("absurdly many lines").isEmpty();
        assertThat(SourceMap.decode(map("[\"a\"]", "[]", ";".repeat(1000) + "AAAA"))).isPresent();
    }

    @Test
    void out_of_range_indexes_map_nothing() {
        String mappings = vlq(0) + vlq(5) + vlq(0) + vlq(0)
                + "," + vlq(4) + vlq(-5) + vlq(0) + vlq(0) + vlq(7)
                + "," + vlq(4) + vlq(0) + vlq(-3) + vlq(0)
                + "," + vlq(4) + vlq(0) + vlq(3) + vlq(-9);
        SourceMap m = decoded(map("[\"only.ts\"]", "[\"n\"]", mappings));
        assertThat(m.original(1, 1)).as("source 5 of 1").isEmpty();
        assertThat(m.original(1, 5)).as("name 7 of 1 is left out")
                .contains(new Original("only.ts", 1, 1, Optional.empty()));
        assertThat(m.original(1, 9)).as("original line -3").isEmpty();
        assertThat(m.original(1, 13)).as("original column -9").isEmpty();
    }

    @Test
    void check_names_what_is_wrong() {
        assertThat(SourceMap.check(map("[\"a\"]", "[]", "AAAA"))).isEmpty();
        assertThat(SourceMap.check("[1]".getBytes(StandardCharsets.UTF_8))).contains("it is not a JSON object");
        assertThat(SourceMap.check("{".getBytes(StandardCharsets.UTF_8))).contains("it is not valid JSON");
        assertThat(SourceMap.check("{\"version\":2,\"sources\":[],\"mappings\":\"\"}".getBytes(StandardCharsets.UTF_8)))
                .hasValueSatisfying(p -> assertThat(p).contains("version"));
        assertThat(SourceMap.check("{\"version\":3,\"sources\":[],\"mappings\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasValueSatisfying(p -> assertThat(p).contains("mappings"));
        assertThat(SourceMap.check("{\"version\":3,\"sources\":\"a\",\"mappings\":\"\"}".getBytes(StandardCharsets.UTF_8)))
                .hasValueSatisfying(p -> assertThat(p).contains("sources"));
        assertThat(SourceMap.check(map("[\"a\"]", "[]", "A*AA"))).hasValueSatisfying(p -> assertThat(p).contains("VLQ"));
        assertThat(SourceMap.decode("[1]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(SourceMap.decode(new byte[] {(byte) 0xff, 0})).isEmpty();
    }
}
