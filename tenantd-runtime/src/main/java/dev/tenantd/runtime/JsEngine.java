package dev.tenantd.runtime;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.loader.IJavetLibLoadingListener;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's V8 engine: the fixed pools of JS threads that run isolate turns (one at
 * normal priority, one at the lowest for isolates that ran long turns recently),
 * the timer scheduler, and the runtime JavaScript every isolate starts with.
 * V8 flags are process-global, so the first engine started sets them.
 */
public final class JsEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsEngine.class);
    private static final Object V8_INIT = new Object();
    private static volatile EngineOptions v8ConfiguredWith;

    /** Larger than V8's own stack limit, so deep recursion ends in a RangeError, never a crash. */
    private static final long JS_THREAD_STACK_BYTES = 16L * 1024 * 1024;

    /** The nice value of the background JS threads: the lowest priority Linux offers. */
    private static final int LOW_PRIORITY_NICE = 19;

    private final EngineOptions options;
    private final ThreadPoolExecutor threads;
    /** Threads for isolates that ran long turns recently: same count, lowest OS priority. */
    private final ThreadPoolExecutor background;
    private final ScheduledExecutorService timers;
    private final String bootstrapSource;
    private final byte[] codeCache;
    private final java.util.concurrent.ConcurrentLinkedQueue<IsolateShell> warm = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger warming = new AtomicInteger();
    private volatile boolean closed;

    private JsEngine(EngineOptions options) {
        this.options = options;
        this.threads = fixedPool(options.jsThreads(), threadFactory("tenantd-js-", JS_THREAD_STACK_BYTES, null));
        java.util.concurrent.LinkedBlockingQueue<Optional<String>> backgroundIds = new java.util.concurrent.LinkedBlockingQueue<>();
        this.background = fixedPool(options.jsThreads(), threadFactory("tenantd-js-bg-", JS_THREAD_STACK_BYTES, backgroundIds));
        java.util.concurrent.ScheduledThreadPoolExecutor timerPool =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, threadFactory("tenantd-timers-", 0, null));
        timerPool.prestartAllCoreThreads();
        this.timers = timerPool;
        // Threads inherit their creator's OS priority: start every thread now, from this
        // normal-priority thread, so that none is ever created by a background (nice 19) one.
        threads.prestartAllCoreThreads();
        background.prestartAllCoreThreads();
        lowerPriority(backgroundIds, options.jsThreads());
        this.bootstrapSource = RuntimeScripts.bootstrapSource();
        byte[] cache;
        try {
            cache = IsolateShell.codeCache(bootstrapSource);
        } catch (com.caoccao.javet.exceptions.JavetException e) {
            LOG.warn("no code cache for the runtime JavaScript; every isolate compiles it: {}", e.getMessage());
            cache = null;
        }
        this.codeCache = cache;
        refill();
    }

    /**
     * A pre-warmed isolate if one is ready (then another is made in the background),
     * else a new one made now. Called on a JS thread.
     */
    IsolateShell takeShell() throws com.caoccao.javet.exceptions.JavetException {
        IsolateShell shell = warm.poll();
        refill();
        return shell != null ? shell : IsolateShell.create(bootstrapSource, codeCache);
    }

    private void refill() {
        while (!closed && warm.size() + warming.get() < options.prewarmedIsolates()) {
            warming.incrementAndGet();
            threads.execute(() -> {
                try {
                    if (!closed) {
                        warm.add(IsolateShell.create(bootstrapSource, codeCache));
                    }
                } catch (com.caoccao.javet.exceptions.JavetException | RuntimeException e) {
                    LOG.warn("could not pre-warm an isolate: {}", e.getMessage());
                } finally {
                    warming.decrementAndGet();
                }
            });
        }
    }

    /** Starts an engine; the first call in a process also loads V8 and sets its flags. */
    public static JsEngine start(EngineOptions options) {
        Objects.requireNonNull(options, "options");
        configureV8(options);
        return new JsEngine(options);
    }

    private static void configureV8(EngineOptions options) {
        synchronized (V8_INIT) {
            if (v8ConfiguredWith != null) {
                if (v8ConfiguredWith.heapLimitMb() != options.heapLimitMb()) {
                    LOG.warn("V8 already runs with a {} MB heap cap per isolate; {} MB ignored",
                            v8ConfiguredWith.heapLimitMb(), options.heapLimitMb());
                }
                return;
            }
            try {
                Files.createDirectories(options.nativeCacheDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the native library cache " + options.nativeCacheDir(), e);
            }
            File libDir = unpackNativeLibrary(options.nativeCacheDir()).toFile();
            JavetLibLoader.setLibLoadingListener(new IJavetLibLoadingListener() {
                @Override
                public File getLibPath(JSRuntimeType jsRuntimeType) {
                    return libDir;
                }

                @Override
                public boolean isDeploy(JSRuntimeType jsRuntimeType) {
                    return false;
                }
            });
            V8RuntimeOptions.V8_FLAGS
                    .setMaxHeapSize(options.heapLimitMb())
                    .setMaxOldSpaceSize(options.heapLimitMb())
                    .setCustomFlags("--disallow-code-generation-from-strings --wasm-max-mem-pages="
                            + (options.heapLimitMb() * 16) + " " + System.getProperty("tenantd.v8.flags", ""));
            V8Host.getV8Instance();
            v8ConfiguredWith = options;
        }
    }

    /**
     * Copies V8's native library out of its jar into the cache directory once
     * (temporary file, then an atomic rename), so that starts reuse one copy
     * instead of unpacking ~40 MB into a fresh temporary directory each time.
     */
    private static java.nio.file.Path unpackNativeLibrary(java.nio.file.Path cacheDir) {
        try {
            JavetLibLoader loader = new JavetLibLoader(JSRuntimeType.V8);
            java.nio.file.Path target = cacheDir.resolve(loader.getLibFileName());
            if (Files.exists(target)) {
                return cacheDir;
            }
            java.nio.file.Path tmp = Files.createTempFile(cacheDir, "javet", ".part");
            try (var in = JavetLibLoader.class.getResourceAsStream(loader.getResourceFileName())) {
                if (in == null) {
                    throw new IllegalStateException("the V8 native library " + loader.getResourceFileName()
                            + " is not on the classpath (javet-v8-linux-x86_64)");
                }
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            tmp.toFile().setExecutable(true);
            try {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                if (!Files.exists(target)) {
                    throw e;
                }
            }
            return cacheDir;
        } catch (IOException | com.caoccao.javet.exceptions.JavetException e) {
            throw new IllegalStateException("cannot unpack the V8 native library into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    public EngineOptions options() {
        return options;
    }

    /** Starts an isolate for a worker and runs its top-level code. Fails with {@link ScriptException}. */
    public CompletableFuture<Worker> load(WorkerSource source, WorkerHost host) {
        Worker worker = new Worker(this, source, host, new Mailbox(threads, background, timers));
        return worker.start().thenApply(ignored -> worker);
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    @Override
    public void close() {
        closed = true;
        threads.execute(() -> {
            for (IsolateShell shell; (shell = warm.poll()) != null; ) {
                shell.close();
            }
        });
        timers.shutdownNow();
        threads.shutdown();
        background.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadPoolExecutor fixedPool(int threads, ThreadFactory factory) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), factory);
    }

    /** Lowers the background threads' priority from this thread, once each has said who it is. */
    private static void lowerPriority(java.util.concurrent.BlockingQueue<Optional<String>> ids, int count) {
        List<String> tids = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Optional<String> id = ids.poll(10, TimeUnit.SECONDS);
                if (id == null) {
                    break;
                }
                id.ifPresent(tids::add);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ThreadNice.lower(tids, LOW_PRIORITY_NICE);
    }

    /** Threads of a pool; with {@code reportIds}, each first reports its kernel thread id there. */
    private static ThreadFactory threadFactory(String prefix, long stackBytes,
            java.util.concurrent.BlockingQueue<Optional<String>> reportIds) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Runnable body = reportIds != null ? () -> {
                reportIds.add(ThreadNice.currentThreadId());
                r.run();
            } : r;
            Thread t = new Thread(null, body, prefix + n.incrementAndGet(), stackBytes);
            t.setDaemon(true);
            return t;
        };
    }
}
