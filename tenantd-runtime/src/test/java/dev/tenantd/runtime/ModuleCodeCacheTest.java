package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers' modules start from V8's code cache once one isolate has run them: the cache is
 * written after that isolate's first invocation and read, checked, by the next isolates.
 */
class ModuleCodeCacheTest {

    /** A module over the size worth caching, with functions only a request runs. */
    private static String bigModule(String id) {
        StringBuilder helpers = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            helpers.append("function helper").append(i).append("(x) { return (x * ").append(i + 1)
                    .append(" + ").append(i).append(") % 1000003; }\n");
        }
        return "const ID = '" + id + "';\n" + helpers + """
                export default { fetch(request) {
                  let x = 1;
                  for (let round = 0; round < 3; round++) {
                    x = helper0(x) + helper41(x) + helper79(x);
                  }
                  return new Response(ID + ':' + x);
                } };""";
    }

    @Test
    void the_next_isolate_of_a_module_reads_the_cache_the_first_one_wrote_after_its_first_request() throws Exception {
        ModuleCodeCache caches = Engines.ENGINE.moduleCodeCache();
        String id = UUID.randomUUID().toString();
        WorkerSource source = Engines.module(bigModule(id));
        long hitsBefore = caches.hits();
        long writesBefore = caches.writes();

        Worker first = Engines.load(source);
        String answer = text(get(first, "http://x/"));
        assertThat(answer).startsWith(id + ":");
        waitFor(() -> caches.writes() == writesBefore + 2); // at the end of start-up, and after the request
        first.close();
        assertThat(caches.hits()).as("the first isolate compiled from source").isEqualTo(hitsBefore);
        assertThat(caches.read(caches.key("test-worker", "worker.js", utf8(bigModule(id)))))
                .hasValueSatisfying(cached -> assertThat(cached.afterInvocation()).isTrue());

        Worker second = Engines.load(source);
        assertThat(caches.hits()).as("the second isolate read the cache").isEqualTo(hitsBefore + 2);
        assertThat(text(get(second, "http://x/"))).isEqualTo(answer);
        second.close();
        waitFor(() -> !second.isAlive());
        assertThat(caches.writes()).as("a cache made after a request is not made again").isEqualTo(writesBefore + 2);
    }

    @Test
    void a_script_of_the_same_name_and_code_but_another_owner_reads_no_cache() throws Exception {
        ModuleCodeCache caches = Engines.ENGINE.moduleCodeCache();
        String id = UUID.randomUUID().toString();
        WorkerSource mine = owned(Engines.module(bigModule(id)), "account\0tenant-a\0shop");
        WorkerSource theirs = owned(mine, "account\0tenant-b\0shop");
        long writesBefore = caches.writes();
        Worker first = Engines.load(mine);
        text(get(first, "http://x/"));
        waitFor(() -> caches.writes() == writesBefore + 2);
        first.close();

        long hitsBefore = caches.hits();
        Worker other = Engines.load(theirs);
        assertThat(caches.hits()).as("another tenant's script compiles from source").isEqualTo(hitsBefore);
        other.close();
        Worker again = Engines.load(mine);
        assertThat(caches.hits()).as("the owner's next isolate reads its cache").isGreaterThan(hitsBefore);
        again.close();
    }

    private static WorkerSource owned(WorkerSource source, String owner) {
        return new WorkerSource(source.scriptName(), source.mainModule(), source.modules(), source.compatibilityDate(),
                source.compatibilityFlags(), source.bindings(), owner);
    }

    @Test
    void an_isolate_that_never_served_leaves_a_cache_the_next_one_completes() throws Exception {
        ModuleCodeCache caches = Engines.ENGINE.moduleCodeCache();
        String id = UUID.randomUUID().toString();
        WorkerSource source = Engines.module(bigModule(id));
        String key = caches.key("test-worker", "worker.js", utf8(bigModule(id)));
        long writesBefore = caches.writes();

        // As an upload's validation does: start the worker, never invoke it.
        Worker validation = Engines.load(source);
        validation.close();
        waitFor(() -> caches.writes() == writesBefore + 1);
        assertThat(caches.read(key)).hasValueSatisfying(cached -> assertThat(cached.afterInvocation()).isFalse());

        long hitsBefore = caches.hits();
        Worker served = Engines.load(source);
        assertThat(caches.hits()).isEqualTo(hitsBefore + 1);
        assertThat(text(get(served, "http://x/"))).startsWith(id + ":");
        waitFor(() -> caches.writes() == writesBefore + 2);
        served.close();
        assertThat(caches.read(key)).hasValueSatisfying(cached -> assertThat(cached.afterInvocation()).isTrue());
    }

    @Test
    void a_small_module_or_one_with_dynamic_imports_is_not_cached() throws InterruptedException, IOException {
        ModuleCodeCache caches = Engines.ENGINE.moduleCodeCache();
        String small = "export default { fetch() { return new Response('" + UUID.randomUUID() + "'); } };";
        String dynamic = bigModule(UUID.randomUUID().toString()).replace("export default { fetch(request) {",
                "export default { async fetch(request) { if (request.url.endsWith('/never')) await import('./none.js');");
        for (String code : List.of(small, dynamic)) {
            Worker w = Engines.load(Engines.module(code));
            get(w, "http://x/");
            get(w, "http://x/"); // the first invocation is over by the time the second answers
            w.close();
            // A cache is handed to the writer by a task queued before the isolate's discard, and
            // the writer writes in order: once the discard is done and a later file is written,
            // any cache of this module would be on disk.
            waitFor(() -> !w.isAlive());
            String sentinel = "sentinel-" + UUID.randomUUID();
            caches.write(sentinel, new byte[] {1}, true);
            waitFor(() -> Files.exists(caches.dir().resolve(sentinel + ".v8cache")));
            Files.deleteIfExists(caches.dir().resolve(sentinel + ".v8cache"));
            assertThat(caches.dir().resolve(caches.key("test-worker", "worker.js", utf8(code)) + ".v8cache")).doesNotExist();
        }
    }

    @Test
    void a_damaged_or_cut_short_file_is_ignored(@TempDir Path dir) throws IOException {
        ModuleCodeCache caches = new ModuleCodeCache(dir, "test", Runnable::run, 1 << 20);
        byte[] data = new byte[1000];
        new java.util.Random(7).nextBytes(data);
        caches.write("k", data, true);
        assertThat(caches.read("k")).hasValueSatisfying(read -> {
            assertThat(read.data()).isEqualTo(data);
            assertThat(read.afterInvocation()).isTrue();
        });

        Path file = dir.resolve("k.v8cache");
        byte[] damaged = Files.readAllBytes(file);
        damaged[500] ^= 1;
        Files.write(file, damaged);
        assertThat(caches.read("k")).isEmpty();

        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 600));
        assertThat(caches.read("k")).isEmpty();
        assertThat(caches.read("absent")).isEmpty();
        assertThat(caches.hits()).isEqualTo(1);
    }

    @Test
    void keys_differ_by_engine_build_script_module_name_and_source(@TempDir Path dir) {
        ModuleCodeCache a = new ModuleCodeCache(dir, "build a", Runnable::run, 1 << 20);
        ModuleCodeCache b = new ModuleCodeCache(dir, "build b", Runnable::run, 1 << 20);
        assertThat(a.key("s", "m.js", utf8("code"))).isEqualTo(a.key("s", "m.js", utf8("code")))
                .isNotEqualTo(b.key("s", "m.js", utf8("code")))
                .isNotEqualTo(a.key("t", "m.js", utf8("code")))
                .isNotEqualTo(a.key("s", "n.js", utf8("code")))
                .isNotEqualTo(a.key("s", "m.js", utf8("code ")))
                .isNotEqualTo(a.key("sm", ".js", utf8("code")));
    }

    @Test
    void writes_a_killed_process_left_unfinished_are_removed_at_start(@TempDir Path dir) throws IOException {
        Path left = Files.writeString(dir.resolve("abc123.tmp"), "half a cache");
        Files.setLastModifiedTime(left, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - ModuleCodeCache.LEFTOVER_AGE.toMillis() - 60_000));
        Path writing = Files.writeString(dir.resolve("def456.tmp"), "being written");
        Path kept = Files.writeString(dir.resolve("k.v8cache"), "a cache");

        new ModuleCodeCache(dir, "test", Runnable::run, 1 << 20);

        assertThat(left).doesNotExist();
        assertThat(writing).as("another process may be writing it").exists();
        assertThat(kept).exists();
    }

    @Test
    void the_directory_is_kept_under_its_size_by_dropping_the_oldest_files(@TempDir Path dir) throws IOException {
        ModuleCodeCache roomy = new ModuleCodeCache(dir, "test", Runnable::run, 1 << 20);
        for (String key : List.of("old", "middle", "new")) {
            roomy.write(key, new byte[1000], false);
        }
        ModuleCodeCache caches = new ModuleCodeCache(dir, "test", Runnable::run, 2_500);
        Files.setLastModifiedTime(dir.resolve("old.v8cache"), java.nio.file.attribute.FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(dir.resolve("middle.v8cache"), java.nio.file.attribute.FileTime.fromMillis(2_000));
        caches.trim();
        assertThat(dir.resolve("old.v8cache")).doesNotExist();
        assertThat(dir.resolve("middle.v8cache")).exists();
        assertThat(dir.resolve("new.v8cache")).exists();
    }

    private static byte[] utf8(String code) {
        return code.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
