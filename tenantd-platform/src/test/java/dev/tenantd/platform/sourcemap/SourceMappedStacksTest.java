package dev.tenantd.platform.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.WorkerModule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frames of V8 stacks through a decoded map, and which uploaded map belongs to which module. */
class SourceMappedStacksTest {
    // Line 1: column 0 -> src/a.ts 1:1; column 10 -> src/a.ts 3:5. Line 2: no segments.
    static final Map<String, SourceMap> MAPS = Map.of("index.js", SourceMap.decode(
            "{\"version\":3,\"sources\":[\"src/a.ts\"],\"names\":[],\"mappings\":\"AAAA,UAEI;\"}"
                    .getBytes(StandardCharsets.UTF_8)).orElseThrow());

    @Test
    void frames_of_a_mapped_module_point_at_the_original_position() {
        assertThat(SourceMappedStacks.frame(MAPS, "    at checkout (index.js:1:12)")).isEqualTo("    at checkout (src/a.ts:3:5)");
        assertThat(SourceMappedStacks.frame(MAPS, "    at async Object.fetch (index.js:1:3)"))
                .isEqualTo("    at async Object.fetch (src/a.ts:1:1)");
        assertThat(SourceMappedStacks.frame(MAPS, "    at index.js:1:11")).isEqualTo("    at src/a.ts:3:5");
    }

    @Test
    void other_lines_stay_as_they_are() {
        assertThat(SourceMappedStacks.frame(MAPS, "Error: at index.js:1:1")).isEqualTo("Error: at index.js:1:1");
        assertThat(SourceMappedStacks.frame(MAPS, "    at other (lib.js:1:1)")).isEqualTo("    at other (lib.js:1:1)");
        assertThat(SourceMappedStacks.frame(MAPS, "    at f (index.js:2:1)")).as("a line without segments")
                .isEqualTo("    at f (index.js:2:1)");
        assertThat(SourceMappedStacks.frame(MAPS, "    at f (index.js:99999999999:1)")).isEqualTo("    at f (index.js:99999999999:1)");
        assertThat(SourceMappedStacks.frame(MAPS, "    at new Promise (<anonymous>)")).isEqualTo("    at new Promise (<anonymous>)");
    }

    static WorkerModule js(String name, String code) {
        return new WorkerModule(name, ModuleType.ES_MODULE, code.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_map_belongs_to_the_module_whose_comment_names_it_or_whose_name_it_extends() {
        byte[] a = {1};
        byte[] b = {2};
        byte[] c = {3};
        Map<String, byte[]> linked = SourceMapLinks.link(List.of(
                js("index.js", "export default {};\n//# sourceMappingURL=maps/index.map\n\n"),
                js("lib/util.js", "export const x = 1;\n//# sourceMappingURL=../maps/util.map"),
                js("plain.js", "export const y = 2;"),
                js("data.js", "export const z = 3;\n//# sourceMappingURL=data:application/json;base64,e30=")),
                Map.of("maps/index.map", a, "maps/util.map", b, "plain.js.map", c, "unused.map", new byte[] {4}));
        assertThat(linked).containsOnlyKeys("index.js", "lib/util.js", "plain.js");
        assertThat(linked.get("index.js")).isSameAs(a);
        assertThat(linked.get("lib/util.js")).isSameAs(b);
        assertThat(linked.get("plain.js")).isSameAs(c);
        assertThat(SourceMapLinks.resolve("a.js", "../../x.map")).isEmpty();
        assertThat(SourceMapLinks.resolve("a.js", "https://example.com/x.map")).isEmpty();
    }
}
