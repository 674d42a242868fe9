package dev.tenantd.runtime;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.interop.loader.IJavetLibLoadingListener;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's V8 engine: the JS threads that run isolate turns (see {@link JsThreads}),
 * the timer scheduler, and the runtime JavaScript every isolate starts with.
 * V8 flags are process-global, so the first engine started sets them.
 */
public final class JsEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsEngine.class);
    private static final Object V8_INIT = new Object();
    private static volatile EngineOptions v8ConfiguredWith;

    /** Larger than V8's own stack limit, so deep recursion ends in a RangeError, never a crash. */
    private static final long JS_THREAD_STACK_BYTES = 16L * 1024 * 1024;
    /**
     * Trims of the native heap once a second after start, each at the next quiet moment:
     * start-up's aftermath (the pre-warmed isolates, the JIT compilers' scratch memory) frees
     * 12-25 MB in the first seconds after the server starts serving, and an idle server then
     * settles at its resting size a few seconds after start instead of at the first periodic trim.
     */
    private static final int START_UP_TRIMS = 8;
    private static final long FIRST_NATIVE_TRIM_SECONDS = 15;
    private static final long NATIVE_TRIM_SECONDS = 60;

    private final EngineOptions options;
    private final JsThreads threads;
    private final BodyBudget bodies;
    private final ScheduledExecutorService timers;
    private final QuietMoments quietMoments;
    private final AtomicLong nativeTrims = new AtomicLong();
    private final RuntimeScripts.Bootstrap bootstrap;
    /** The runtime JavaScript's code cache: after start, the one completed by {@link RuntimeWarmUp}. */
    private volatile byte[] codeCache;
    /** Code caches of workers' modules, written by {@link #cacheWriter} (at most 64 waiting; more are dropped). */
    private final ModuleCodeCache moduleCodeCache;
    private final java.util.concurrent.ExecutorService cacheWriter;
    private final java.util.concurrent.ConcurrentLinkedQueue<IsolateShell> warm = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger warming = new AtomicInteger();
    private volatile boolean closed;

    private JsEngine(EngineOptions options, List<String> bindingScripts) {
        this.options = options;
        this.bodies = new BodyBudget(options.bufferedBodyBytes());
        // Threads inherit their creator's OS priority: start every thread now, from this
        // normal-priority thread, so that none is ever created by a background (nice 19) one.
        CpuWatchdog.INSTANCE.ensureStarted();
        this.threads = new JsThreads(options.jsThreads(), options.maxLongTurns(), JS_THREAD_STACK_BYTES);
        java.util.concurrent.ScheduledThreadPoolExecutor timerPool =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, threadFactory("tenantd-timers-", 0));
        // Every invocation schedules its wall-time limit and cancels it when it ends, long before
        // it is due: a cancelled task must leave the queue at once, or each would stay there, and
        // keep its invocation reachable, for the whole wall time (30 s of traffic by default).
        timerPool.setRemoveOnCancelPolicy(true);
        timerPool.prestartAllCoreThreads();
        this.timers = timerPool;
        this.bootstrap = RuntimeScripts.bootstrap(bindingScripts);
        byte[] cache;
        try {
            cache = IsolateShell.codeCache(bootstrap.source());
        } catch (com.caoccao.javet.exceptions.JavetException e) {
            LOG.warn("no code cache for the runtime JavaScript; every isolate compiles it: {}", e.getMessage());
            cache = null;
        }
        this.codeCache = cache;
        java.util.concurrent.ThreadPoolExecutor cacheWriter = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(64), threadFactory("tenantd-code-cache-", 0),
                new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
        this.cacheWriter = cacheWriter;
        this.moduleCodeCache = new ModuleCodeCache(options.nativeCacheDir().resolve("code-cache"),
                // V8 refuses a cache made under other flags, and a refused one would never be replaced.
                "javet " + com.caoccao.javet.interop.loader.JavetLibLoader.LIB_VERSION + " flags "
                        + V8RuntimeOptions.V8_FLAGS.getCustomFlags() + " heap " + V8RuntimeOptions.V8_FLAGS.getMaxHeapSize(),
                cacheWriter, ModuleCodeCache.MAX_BYTES);
        this.quietMoments = new QuietMoments(timers, () -> threads.tasksStarted(JsThreads.Lane.FOREGROUND),
                QuietMoments.CHECK_MILLIS);
        // Isolates that come and go, and the JIT compilers (busiest in the first seconds), leave
        // freed memory in the C library's arenas; it goes back to the system in the first seconds
        // after start, 15 s after start and then once a minute, each time at the next quiet moment
        // (a trim holds up native allocations while it runs), off the timer thread that
        // JavaScript timers and wall-time limits share.
        Runnable trimWhenQuiet = () -> quietMoments.whenQuiet(NativeHeap.class,
                () -> CompletableFuture.runAsync(() -> {
                    NativeHeap.trim();
                    nativeTrims.incrementAndGet();
                }), QuietMoments.NO_LONGEST_WAIT);
        for (int second = 1; second <= START_UP_TRIMS; second++) {
            timers.schedule(trimWhenQuiet, second, TimeUnit.SECONDS);
        }
        timers.scheduleWithFixedDelay(trimWhenQuiet, FIRST_NATIVE_TRIM_SECONDS, NATIVE_TRIM_SECONDS, TimeUnit.SECONDS);
    }

    /** How many of this engine's scheduled trims of the native heap have run. */
    long nativeTrims() {
        return nativeTrims.get();
    }

    /**
     * Gives memory that native code freed back to the system (see {@link NativeHeap}); answers
     * whether there was any. For quiet moments, such as the end of the server's start-up.
     */
    public boolean releaseFreeNativeMemory() {
        return NativeHeap.trim();
    }

    /**
     * A pre-warmed isolate if one is ready (then another is made in the background),
     * else a new one made now. Called on a JS thread.
     */
    IsolateShell takeShell() throws com.caoccao.javet.exceptions.JavetException {
        IsolateShell shell = takePrewarmedShell();
        return shell != null ? shell : IsolateShell.create(bootstrap, codeCache);
    }

    /** A pre-warmed isolate, or null if none is ready; another is made in the background either way. */
    IsolateShell takePrewarmedShell() {
        IsolateShell shell = warm.poll();
        refill();
        return shell;
    }

    private void refill() {
        while (!closed && warm.size() + warming.get() < options.prewarmedIsolates()) {
            warming.incrementAndGet();
            threads.execute(JsThreads.Lane.FOREGROUND, () -> {
                try {
                    if (!closed) {
                        IsolateShell shell = IsolateShell.create(bootstrap, codeCache);
                        shell.collectStartupGarbage();
                        warm.add(shell);
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
        return start(options, List.of());
    }

    /**
     * Starts an engine whose isolates also run {@code bindingScripts}: the JavaScript of the
     * binding kinds, each of which registers its wrapper with {@code bindings_define(kind, make)}.
     */
    public static JsEngine start(EngineOptions options, List<String> bindingScripts) {
        Objects.requireNonNull(options, "options");
        configureV8(options);
        JsEngine engine = new JsEngine(options, List.copyOf(bindingScripts));
        engine.warmUp();
        engine.refill();
        return engine;
    }

    /**
     * Completes the runtime's code cache with what serving a request compiles, before any
     * isolate is made for a worker (see {@link RuntimeWarmUp}). Without it isolates still
     * work; they compile that part at their first request.
     */
    private void warmUp() {
        if (codeCache == null) {
            return;
        }
        try {
            long begin = System.nanoTime();
            byte[] warmed = RuntimeWarmUp.codeCache(this, newMailbox(), bootstrap, codeCache);
            LOG.debug("runtime code cache: {} KB after start-up, {} KB after the warm-up ({} ms)", codeCache.length / 1024,
                    warmed.length / 1024, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
            codeCache = warmed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("the runtime's code cache holds what start-up compiles only; isolates compile the rest at their "
                    + "first request: {}", e.toString());
        }
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
            IcuDefaults.apply();
            V8Native.unpackLibrary(options.nativeCacheDir());
            java.nio.file.Path icuData = V8Native.unpackIcuData(options.nativeCacheDir());
            // Given a path, V8 reads the whole file into memory (31 MB in every process). When ICU
            // can find the file itself, it maps it instead and only the pages in use are resident;
            // then V8 gets an empty path (Javet needs a string), opens nothing and leaves ICU be.
            String icuDataFile = IcuDefaults.mapData(icuData) ? "" : icuData.toString();
            File libDir = options.nativeCacheDir().toFile();
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
            // Javet turns on --use-strict by default, which would run service-worker scripts
            // (classic scripts, sloppy unless they say otherwise, as on workerd) as strict code.
            // The runtime's own JavaScript is strict by its directive, modules are strict anyway.
            // Temporal is off, as on Workers (workerd does not enable it): it would read the
            // host's clock at full precision unless patched, and patching it instantiates the
            // whole namespace in every isolate (about 450 KB each).
            // --expose-gc-as (which turns --expose-gc on) lets the host run a single full
            // collection in the middle of a turn (IsolateMemory#collectInTurn; without it the
            // engine aborts the process there), so it comes last, after the operator's flags. The
            // function it also defines in every isolate gets a name of the runtime's, not `gc` (a
            // global that cannot be deleted: a classic script declaring `let gc` would not load),
            // and is emptied before anything else runs there (prelude.js). It is one of the custom
            // flags, which name the module code cache (V8 refuses a cache made under other flags).
            V8RuntimeOptions.V8_FLAGS
                    .setUseStrict(false)
                    .setIcuDataFile(icuDataFile)
                    .setMaxHeapSize(options.heapLimitMb())
                    .setMaxOldSpaceSize(options.heapLimitMb())
                    .setCustomFlags("--disallow-code-generation-from-strings --no-harmony-temporal --wasm-max-mem-pages="
                            + (options.heapLimitMb() * 16) + " " + System.getProperty("tenantd.v8.flags", "") + " --expose-gc-as=__tenantd_gc");
            V8Native.host();
            v8ConfiguredWith = options;
        }
    }

    public EngineOptions options() {
        return options;
    }

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    /** The budget for bodies in flight between sockets and isolates, shared by the whole process. */
    public BodyBudget bodies() {
        return bodies;
    }

    /** Starts an isolate for a worker and runs its top-level code. Fails with {@link ScriptException}. */
    public CompletableFuture<Worker> load(WorkerSource source, WorkerHost host) {
        Worker worker = new Worker(this, source, host, newMailbox());
        open.incrementAndGet();
        worker.whenClosed().thenRun(open::decrementAndGet);
        return worker.start().thenApply(ignored -> worker);
    }

    /** Isolates of workers open now, wherever they are held (a failed start closes its isolate). */
    public int openIsolates() {
        return open.get();
    }

    /** The queue of turns of a new isolate, served by this engine's JS threads. */
    Mailbox newMailbox() {
        return new Mailbox(threads, timers);
    }

    /** The code cache of the runtime JavaScript that new isolates start from. */
    byte[] runtimeCodeCache() {
        return codeCache;
    }

    /** Isolates with turns (requests, callbacks, timers) waiting for a JS thread. */
    public int queuedTurns() {
        return threads.queued(JsThreads.Lane.FOREGROUND);
    }

    /** Isolates that ran a long turn recently, with turns waiting for a thread of the lowest-priority lane. */
    public int queuedBackgroundTurns() {
        return threads.queued(JsThreads.Lane.BACKGROUND);
    }

    /** Turns running long (over their first slice of CPU) on threads of their own right now. */
    public int longTurns() {
        return threads.detachedCount();
    }

    ModuleCodeCache moduleCodeCache() {
        return moduleCodeCache;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Where upkeep waits for a moment with no foreground work. */
    QuietMoments quietMoments() {
        return quietMoments;
    }

    @Override
    public void close() {
        closed = true;
        try {
            threads.execute(JsThreads.Lane.FOREGROUND, () -> {
                for (IsolateShell shell; (shell = warm.poll()) != null; ) {
                    shell.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException alreadyClosed) {
            // closed twice
        }
        timers.shutdownNow();
        cacheWriter.shutdown();
        threads.shutdown();
        try {
            threads.awaitTermination(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threadFactory(String prefix, long stackBytes) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, prefix + n.incrementAndGet(), stackBytes);
            t.setDaemon(true);
            return t;
        };
    }
}
