import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the runtime JavaScript costs per isolate. Two modes, run from the repository root
 * with a build's jars on the class path:
 *
 *   java -cp 'tenantd-server/target/lib/*' bench/tools/IsolateCost.java files [N] [group ...]
 *     boots N bare isolates (no worker) with the eager files of bootstrap.txt minus one group
 *     at a time, from a code cache as tenantd does, and prints V8 heap used per isolate, RSS per
 *     live isolate and the CPU time of a boot. A group is a comma-separated list of file-name
 *     prefixes (streams.js, url.js ...); "eager" leaves nothing out. The [part] sections are
 *     never booted here (they load through the host, which this mode does not have): measure
 *     them with the engine mode and a worker that uses them. -Dascii=true writes non-ASCII characters as escapes;
 *     -Djs=DIR reads the files from DIR (another build's, unpacked) instead of the sources.
 *
 *   java -cp 'DIR/lib/*' bench/tools/IsolateCost.java engine [N] [flag ...]
 *     loads N distinct tiny workers (the density benchmark's) through the build's public
 *     JsEngine with no pre-warmed isolates, one request each, and prints RSS per live
 *     worker, mean wall time from load to loaded and process CPU time per worker; flags are compatibility flags
 *     (nodejs_compat). Compare two builds by pointing -cp at each.
 *
 *   java -cp 'tenantd-server/target/lib/*' bench/tools/IsolateCost.java snapshot N restored|booted
 *     makes a V8 startup snapshot of the eager files, then N isolates either restored from it or
 *     booted from the code cache and collected, as tenantd's pre-warmed ones are, and prints the
 *     CPU to make one, RSS per live isolate and one isolate's heap by space. Run each kind in its
 *     own JVM (memory one kind freed would be reused by the other). Restoring a snapshot that
 *     changed Uint8Array (memory.js gates it and its flag-gated fromBase64 and fromHex) kills the
 *     process, so those three statements are left out of the snapshot's source.
 */
public final class IsolateCost {
    static final java.lang.management.ThreadMXBean THREAD = java.lang.management.ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    static final Path DIR = Path.of(System.getProperty("js", "tenantd-runtime/src/main/resources/dev/tenantd/runtime/js"));

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("engine")) {
            engine(args.length > 1 ? Integer.parseInt(args[1]) : 500,
                    args.length > 2 ? List.of(args).subList(2, args.length) : List.of());
            return;
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        if (args.length > 0 && args[0].equals("snapshot")) {
            if (args.length != 3 || !List.of("restored", "booted").contains(args[2])) {
                throw new IllegalArgumentException("usage: IsolateCost.java snapshot N restored|booted");
            }
            useIcu();
            snapshot(n, args[2].equals("restored"));
            return;
        }
        List<String> groups = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("eager", "crypto-key.js", "urlpattern.js", "eventsource.js", "websocket.js", "rpc.js",
                        "streams.js", "url.js");
        useIcu();
        System.out.printf("%-34s %8s %10s %12s %14s%n", "without", "src KB", "heap KB/iso", "RSS KB/iso", "boot CPU ms");
        for (String group : groups) {
            String source = bootstrap(group);
            byte[] cache = codeCache(source);
            measure(group, source, cache, Math.min(20, n));
            measure(group, source, cache, n);
        }
    }

    /** The engine tenantd runs: Javet's i18n build with the ICU data the runtime jar carries. */
    static void useIcu() throws Exception {
        Path icu = Files.createTempFile("isolate-cost", ".dat");
        icu.toFile().deleteOnExit();
        try (var in = IsolateCost.class.getClassLoader().getResourceAsStream("dev/tenantd/runtime/icu/icudt77l.dat")) {
            if (in == null) throw new IllegalStateException("no ICU data on the class path (tenantd-runtime's jar has it)");
            Files.copy(in, icu, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        V8RuntimeOptions.V8_FLAGS.setIcuDataFile(icu.toString())
                .setCustomFlags("--disallow-code-generation-from-strings --no-harmony-temporal");
        host();
    }

    static void snapshot(int n, boolean fromSnapshot) throws Exception {
        String source = bootstrap("eager");
        byte[] cache = codeCache(source);
        String kept = source;
        for (String[] edit : new String[][] {
                {"function defineGlobal(name, value) {", "function defineGlobal(name, value) {\n  if (name === 'Uint8Array') return;"},
                {"memory_gateMethod(memory_Uint8Array, 'fromBase64'", "0 && memory_gateMethod(memory_Uint8Array, 'fromBase64'"},
                {"memory_gateMethod(memory_Uint8Array, 'fromHex'", "0 && memory_gateMethod(memory_Uint8Array, 'fromHex'"}}) {
            if (!kept.contains(edit[0])) throw new IllegalStateException("the runtime no longer has `" + edit[0] + "`: update this tool");
            kept = kept.replace(edit[0], edit[1]);
        }
        byte[] blob;
        V8RuntimeOptions making = new V8RuntimeOptions();
        making.setCreateSnapshotEnabled(true);
        try (V8Runtime runtime = host().createV8Runtime(making)) {
            runtime.getExecutor("globalThis.__tenantd_host = {};").executeVoid();
            runtime.getExecutor("globalThis.__tenantd_entry = " + kept).setResourceName("tenantd:runtime.js").executeVoid();
            runtime.getExecutor("delete globalThis.__tenantd_host;").executeVoid();
            runtime.lowMemoryNotification();
            blob = runtime.createSnapshot();
        }
        V8RuntimeOptions restoring = new V8RuntimeOptions();
        restoring.setSnapshotBlob(blob);
        System.out.printf("snapshot of the eager files: %d KB%n", blob.length / 1024);
        System.out.printf("%-44s %14s %12s%n", "isolates", "make, CPU ms", "RSS KB/iso");
        // The first round warms up and stays live, so that the measured round's isolates cannot
        // reuse memory the first round's would have freed.
        List<V8Runtime> warm = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? Math.min(20, n) : n;
            System.gc();
            Thread.sleep(200);
            long rssBefore = rssKb();
            List<V8Runtime> live = new ArrayList<>();
            long nanos = 0;
            for (int i = 0; i < count; i++) {
                long t0 = THREAD.getCurrentThreadCpuTime();
                V8Runtime runtime;
                if (fromSnapshot) {
                    runtime = host().createV8Runtime(restoring);
                } else {
                    runtime = host().createV8Runtime();
                    try (V8ValueObject host = runtime.createV8ValueObject()) {
                        runtime.getGlobalObject().set("__tenantd_host", host);
                        runtime.getExecutor(source, cache).setResourceName("tenantd:runtime.js").execute().close();
                        runtime.getGlobalObject().delete("__tenantd_host");
                    }
                    runtime.lowMemoryNotification();
                }
                nanos += THREAD.getCurrentThreadCpuTime() - t0;
                live.add(runtime);
            }
            Thread.sleep(300);
            long rssAfter = rssKb();
            if (round == 1) {
                String what = fromSnapshot ? "restored from the snapshot" : "booted from the code cache, collected";
                System.out.printf("%-44s %14.2f %12d%n", what, nanos / 1e6 / count, (rssAfter - rssBefore) / count);
                System.out.println("  heap by space (physical / used KB): " + spaces(live.get(0)));
                if (fromSnapshot && !"function function".equals(live.get(0).getExecutor(
                        "typeof globalThis.__tenantd_entry.configure + ' ' + typeof Response").executeString())) {
                    throw new IllegalStateException("the restored runtime lacks its entry points");
                }
            }
            warm.addAll(live);
        }
        for (V8Runtime runtime : warm) runtime.close();
    }

    /** V8's heap spaces by the names V8 gives them (Javet's enum does not line up with V8 14's spaces). */
    static String spaces(V8Runtime runtime) throws Exception {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (var space : com.caoccao.javet.enums.V8AllocationSpace.values()) {
            var stats = runtime.getV8HeapSpaceStatistics(space).get();
            if (seen.add(stats.getSpaceName()) && stats.getPhysicalSpaceSize() > 0) {
                out.append(stats.getSpaceName()).append(' ').append(stats.getPhysicalSpaceSize() / 1024).append(" / ")
                        .append(stats.getSpaceUsedSize() / 1024).append(", ");
            }
        }
        return out.length() == 0 ? "none" : out.substring(0, out.length() - 2);
    }

    static V8Host host() throws Exception {
        return V8Host.getInstance(com.caoccao.javet.enums.JSRuntimeType.V8I18n);
    }

    static void measure(String group, String source, byte[] cache, int n) throws Exception {
        System.gc();
        long rssBefore = rssKb();
        List<V8Runtime> live = new ArrayList<>();
        long heap = 0;
        long nanos = 0;
        for (int i = 0; i < n; i++) {
            long t0 = THREAD.getCurrentThreadCpuTime();
            V8Runtime runtime = host().createV8Runtime();
            try (V8ValueObject host = runtime.createV8ValueObject()) {
                runtime.getGlobalObject().set("__tenantd_host", host);
                runtime.getExecutor(source, cache).setResourceName("tenantd:runtime.js").execute().close();
                runtime.getGlobalObject().delete("__tenantd_host");
            }
            nanos += THREAD.getCurrentThreadCpuTime() - t0;
            runtime.lowMemoryNotification();
            heap += runtime.getV8HeapStatistics().get().getUsedHeapSize();
            live.add(runtime);
        }
        long rssAfter = rssKb();
        if (n >= 50) {
            System.out.printf("%-34s %8d %10d %12d %14.2f%n", group, source.length() / 1024, heap / n / 1024,
                    (rssAfter - rssBefore) / n, nanos / 1e6 / n);
        }
        for (V8Runtime runtime : live) runtime.close();
    }

    static byte[] codeCache(String source) throws Exception {
        try (V8Runtime runtime = host().createV8Runtime();
                V8ValueObject host = runtime.createV8ValueObject()) {
            runtime.getGlobalObject().set("__tenantd_host", host);
            try (V8Script script = runtime.getExecutor(source).setResourceName("tenantd:runtime.js").compileV8Script()) {
                try (V8Value ignored = script.execute()) {
                    return script.getCachedData();
                }
            }
        }
    }

    static String bootstrap(String without) throws Exception {
        List<String> skip = List.of(without.split(","));
        StringBuilder source = new StringBuilder("(function (host) {\n\"use strict\";\n");
        boolean inPart = false;
        for (String line : Files.readAllLines(DIR.resolve("bootstrap.txt"))) {
            String file = line.strip();
            inPart |= file.startsWith("[");
            if (file.isEmpty() || file.startsWith("#") || file.startsWith("[") || inPart
                    || skip.stream().anyMatch(file::startsWith)) continue;
            source.append(Files.readString(DIR.resolve(file))).append('\n');
        }
        source.append("return entryPoints;\n})(globalThis.__tenantd_host);\n");
        return Boolean.getBoolean("ascii") ? source.toString().replaceAll("[^\\x00-\\x7F]", "?") : source.toString();
    }

    static void engine(int n, List<String> flags) throws Exception {
        var engine = dev.tenantd.runtime.JsEngine.start(dev.tenantd.runtime.EngineOptions.defaults()
                .withJsThreads(1).withPrewarmedIsolates(0));
        var host = new dev.tenantd.runtime.WorkerHost() {
            @Override
            public java.util.concurrent.CompletableFuture<dev.tenantd.runtime.WorkerResponse> fetch(
                    dev.tenantd.runtime.WorkerRequest request) {
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no network"));
            }

            @Override
            public java.util.concurrent.CompletableFuture<dev.tenantd.runtime.ChannelReply> call(
                    dev.tenantd.runtime.ChannelCall call) {
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no channels"));
            }

            @Override
            public String callNow(dev.tenantd.runtime.ChannelCall call) {
                throw new IllegalStateException("no channels");
            }

            @Override
            public void log(dev.tenantd.runtime.LogLine line) {
            }
        };
        List<dev.tenantd.runtime.Worker> live = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? Math.min(50, n) : n;
            System.gc();
            Thread.sleep(200);
            long rssBefore = rssKb();
            long nanos = 0;
            long cpuBefore = OS.getProcessCpuTime();
            for (int i = 0; i < count; i++) {
                String code = "const ID = 'w" + round + "-" + i + "';\nlet hits = 0;\n"
                        + "export default { fetch() { hits++; return new Response(ID + ' ' + hits); } };\n";
                var source = new dev.tenantd.runtime.WorkerSource("w" + i, "w.js", List.of(new dev.tenantd.runtime.WorkerModule(
                        "w.js", dev.tenantd.runtime.ModuleType.ES_MODULE, code.getBytes())), "2026-11-01", flags, List.of());
                long t0 = System.nanoTime();
                var worker = engine.load(source, host).get();
                nanos += System.nanoTime() - t0;
                worker.fetch(new dev.tenantd.runtime.WorkerRequest("GET", "http://x/", List.of(), null)).get();
                live.add(worker);
            }
            long cpu = OS.getProcessCpuTime() - cpuBefore;
            Thread.sleep(500);
            long rssAfter = rssKb();
            if (round == 1) {
                System.out.printf("flags %s: %d live workers, RSS %d KB per worker, load %.2f ms wall and %.2f ms"
                        + " process CPU per worker (load and one request)%n",
                        flags, count, (rssAfter - rssBefore) / count, nanos / 1e6 / count, cpu / 1e6 / count);
            }
            for (var worker : live) worker.close();
            live.clear();
        }
        engine.close();
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return 0;
    }
}
