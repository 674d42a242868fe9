package dev.tenantd.platform.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.ScriptStore;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.WorkerModule;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void a_version_is_read_and_decoded_once_and_the_cache_stays_bounded(@TempDir Path dir) {
        BlobStore blobs = new BlobStore(dir);
        String map = blobs.put("{\"version\":3,\"sources\":[\"src/a.ts\"],\"mappings\":\"AAAA,UAEI\"}"
                .getBytes(StandardCharsets.UTF_8), "a map");
        String damaged = blobs.put("{\"version\":3,\"sources\":[],\"mappings\":\"!\"}".getBytes(StandardCharsets.UTF_8), "bad");
        AtomicInteger reads = new AtomicInteger();
        ScriptStore store = (ScriptStore) Proxy.newProxyInstance(ScriptStore.class.getClassLoader(),
                new Class<?>[] {ScriptStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("version")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    reads.incrementAndGet();
                    String id = (String) args[0];
                    Optional<String> sourceMap = id.startsWith("mapped") ? Optional.of(map)
                            : id.startsWith("damaged") ? Optional.of(damaged) : Optional.empty();
                    return Optional.of(new ScriptVersion(id, "", 1, "index.js", false, "2024-01-01", List.of(),
                            List.of(new ModuleRef("index.js", ModuleType.ES_MODULE, map, 1, sourceMap)), List.of(),
                            ScriptLimits.NONE, EgressPolicy.OPEN, "e", 1, "now", "api", ""));
                });
        SourceMappedStacks stacks = new SourceMappedStacks(store, blobs);
        String stack = "Error: x\n    at f (index.js:1:12)";
        assertThat(stacks.map("mapped-1", stack)).isEqualTo("Error: x\n    at f (src/a.ts:3:5)");
        assertThat(stacks.map("mapped-1", stack)).isEqualTo("Error: x\n    at f (src/a.ts:3:5)");
        assertThat(reads.get()).as("read once").isEqualTo(1);
        assertThat(stacks.map("plain-1", stack)).isEqualTo(stack);
        assertThat(stacks.map("damaged-1", stack)).as("a map that does not decode maps nothing").isEqualTo(stack);
        for (int i = 0; i < SourceMappedStacks.MAX_VERSIONS + 10; i++) {
            stacks.map("plain-" + i, stack);
        }
        assertThat(stacks.cachedVersions()).isEqualTo(SourceMappedStacks.MAX_VERSIONS);
        assertThat(stacks.map("mapped-1", stack)).as("read again after eviction").contains("src/a.ts:3:5");
    }

    @Test
    void maps_are_read_within_a_budget_a_minute_and_a_version_past_it_is_mapped_once_there_is_room(@TempDir Path dir) {
        BlobStore blobs = new BlobStore(dir);
        byte[] text = "{\"version\":3,\"sources\":[\"src/a.ts\"],\"mappings\":\"AAAA,UAEI\"}".getBytes(StandardCharsets.UTF_8);
        String map = blobs.put(text, "a map");
        AtomicInteger reads = new AtomicInteger();
        ScriptStore store = (ScriptStore) Proxy.newProxyInstance(ScriptStore.class.getClassLoader(),
                new Class<?>[] {ScriptStore.class}, (proxy, method, args) -> {
                    reads.incrementAndGet();
                    return Optional.of(new ScriptVersion((String) args[0], "", 1, "index.js", false, "2024-01-01", List.of(),
                            List.of(new ModuleRef("index.js", ModuleType.ES_MODULE, map, 1, Optional.of(map))), List.of(),
                            ScriptLimits.NONE, EgressPolicy.OPEN, "e", 1, "now", "api", ""));
                });
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        // Room for three maps and a part of a fourth a minute.
        SourceMappedStacks stacks = new SourceMappedStacks(store, blobs, now::get, text.length * 3L + 1);
        String stack = "Error: x\n    at f (index.js:1:12)";
        for (int i = 0; i < 4; i++) {
            assertThat(stacks.map("v" + i, stack)).as("v%d", i).contains("src/a.ts:3:5");
        }
        assertThat(stacks.map("v4", stack)).as("past the minute's budget").isEqualTo(stack);
        assertThat(stacks.map("v0", stack)).as("a version already read").contains("src/a.ts:3:5");
        int before = reads.get();
        assertThat(stacks.map("v4", stack)).isEqualTo(stack);
        assertThat(reads.get()).as("nothing read while there is no room").isEqualTo(before);
        now.addAndGet(30_000_000_000L);
        assertThat(stacks.map("v4", stack)).as("half a minute later").contains("src/a.ts:3:5");
    }

    @Test
    void a_line_too_long_to_be_a_frame_is_left_as_it_is() {
        String line = "    at " + " (".repeat(SourceMappedStacks.MAX_FRAME_CHARS) + "index.js:1:12)";
        assertThat(SourceMappedStacks.frame(MAPS, line)).isSameAs(line);
    }

    @Test
    void a_version_whose_maps_are_too_heavy_is_not_mapped_and_pushes_no_other_version_out(@TempDir Path dir) {
        BlobStore blobs = new BlobStore(dir);
        String light = blobs.put("{\"version\":3,\"sources\":[\"src/a.ts\"],\"mappings\":\"AAAA,UAEI\"}"
                .getBytes(StandardCharsets.UTF_8), "a map");
        // 16 ints counted per source: 300,000 sources weigh more than a version may hold
        String heavy = blobs.put(("{\"version\":3,\"sources\":[" + "\"x\",".repeat(299_999) + "\"x\"],"
                + "\"mappings\":\"AAAA,UAEI\"}").getBytes(StandardCharsets.UTF_8), "a heavy map");
        AtomicInteger reads = new AtomicInteger();
        ScriptStore store = (ScriptStore) Proxy.newProxyInstance(ScriptStore.class.getClassLoader(),
                new Class<?>[] {ScriptStore.class}, (proxy, method, args) -> {
                    reads.incrementAndGet();
                    String id = (String) args[0];
                    String map = id.startsWith("heavy") ? heavy : light;
                    return Optional.of(new ScriptVersion(id, "", 1, "index.js", false, "2024-01-01", List.of(),
                            List.of(new ModuleRef("index.js", ModuleType.ES_MODULE, map, 1, Optional.of(map))), List.of(),
                            ScriptLimits.NONE, EgressPolicy.OPEN, "e", 1, "now", "api", ""));
                });
        SourceMappedStacks stacks = new SourceMappedStacks(store, blobs);
        String stack = "Error: x\n    at f (index.js:1:12)";
        for (int i = 0; i < 4; i++) {
            assertThat(stacks.map("light-" + i, stack)).contains("src/a.ts:3:5");
        }
        for (int i = 0; i < 8; i++) {
            assertThat(stacks.map("heavy-" + i, stack)).isEqualTo(stack);
        }
        int before = reads.get();
        for (int i = 0; i < 4; i++) {
            assertThat(stacks.map("light-" + i, stack)).contains("src/a.ts:3:5");
        }
        assertThat(reads.get()).as("the light versions stayed cached").isEqualTo(before);
    }

    @Test
    void a_mapped_stack_is_no_longer_than_a_stack_whatever_the_map_calls_its_sources(@TempDir Path dir) {
        BlobStore blobs = new BlobStore(dir);
        String huge = "s".repeat(1024 * 1024);
        String map = blobs.put(("{\"version\":3,\"sources\":[\"" + huge + "\"],\"mappings\":\"AAAA,UAEI\"}")
                .getBytes(StandardCharsets.UTF_8), "a map");
        ScriptStore store = (ScriptStore) Proxy.newProxyInstance(ScriptStore.class.getClassLoader(),
                new Class<?>[] {ScriptStore.class}, (proxy, method, args) -> Optional.of(new ScriptVersion(
                        (String) args[0], "", 1, "index.js", false, "2024-01-01", List.of(),
                        List.of(new ModuleRef("index.js", ModuleType.ES_MODULE, map, 1, Optional.of(map))), List.of(),
                        ScriptLimits.NONE, EgressPolicy.OPEN, "e", 1, "now", "api", "")));
        SourceMappedStacks stacks = new SourceMappedStacks(store, blobs);
        String stack = "Error: deep" + "\n    at f (index.js:1:12)".repeat(200);
        String mapped = stacks.map("v1", stack);
        assertThat(mapped).hasSizeLessThanOrEqualTo(SourceMappedStacks.MAX_STACK_CHARS).startsWith("Error: deep\n");
        assertThat(mapped.lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("    at f (" + "s".repeat(SourceMappedStacks.MAX_SOURCE_CHARS) + "...:3:5)");
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
