package dev.tenantd.platform;

import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.ScriptStore;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.ScriptException;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the script commands make versions: each script's lock (changes to one script take
 * turns), a new version's number and etag, its bindings in stored form, the check that it
 * starts in a real isolate, and the retirement of versions a deployment no longer serves.
 */
final class Versions {
    private final ScriptStore store;
    private final JsEngine engine;
    private final Limits limits;
    private final Directory directory;
    private final Invoker invoker;
    /**
     * The locks that order changes of one script, shared among scripts by their name's hash: a
     * lock per name ever asked for would grow with every made-up name a client sends. Each
     * change takes one script's lock and holds it briefly (validation runs before it).
     */
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    static final int LOCK_STRIPES = 1024;

    Versions(ScriptStore store, JsEngine engine, Limits limits, Directory directory, Invoker invoker) {
        this.store = store;
        this.engine = engine;
        this.limits = limits;
        this.directory = directory;
        this.invoker = invoker;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    ReentrantLock lock(ScriptRef ref) {
        return locks[Math.floorMod(ref.hashCode(), LOCK_STRIPES)];
    }

    ScriptVersion newVersion(ScriptRef ref, Optional<Script> previous, String mainModule, boolean serviceWorker,
            String compatibilityDate, List<String> compatibilityFlags, List<ModuleRef> modules, List<BindingSpec> bindings,
            ScriptLimits scriptLimits, EgressPolicy egressPolicy, long startupMs, String source, String versionAssets,
            String createdOn) {
        String versionId = UUID.randomUUID().toString();
        String etag = BlobStore.sha256((versionId + modules).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int number = previous.isPresent() ? store.latestVersionNumber(ref) + 1 : 1;
        return new ScriptVersion(versionId, "", number, mainModule, serviceWorker, compatibilityDate,
                compatibilityFlags, modules, bindings, scriptLimits, egressPolicy, etag, startupMs, createdOn, source,
                versionAssets);
    }

    /** Versions the old deployment served and the new one does not: their isolates close once idle. */
    void retireUndeployed(Script old, Script now) {
        Set<String> serving = new HashSet<>();
        now.deployment().versions().forEach(v -> serving.add(v.versionId()));
        for (Deployment.Split split : old.deployment().versions()) {
            if (!serving.contains(split.versionId())) {
                retire(now.ref(), split.versionId());
            }
        }
    }

    /**
     * Closes a version's isolate as soon as no request is in it, and at the latest after the
     * grace period (the wall-time limit), unless a deployment serves it again by then.
     */
    void retire(ScriptRef ref, String versionId) {
        invoker.pool().retire(versionId, limits.wallTimeMs(), () -> directory.script(ref)
                .map(s -> s.deployment().versions().stream().anyMatch(v -> v.versionId().equals(versionId)))
                .orElse(false));
    }

    <T> T underLock(ScriptRef ref, java.util.function.Supplier<T> work) {
        ReentrantLock lock = lock(ref);
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Loads the upload in a real isolate: it must compile, start within its limits and define a
     * fetch handler. Refused while the process is over its resident memory limit, when no
     * isolate is loaded ({@link ResidentGuard}).
     */
    Worker validate(WorkerSource source, PlatformWorkerHost host) {
        if (invoker.residentOverLimit()) {
            throw new PlatformException(Problem.OVERLOADED, "The server is short of memory and loads no worker until it "
                    + "has more ([limits] resident-mb); nothing was changed. Try the upload again later.");
        }
        CompletableFuture<Worker> loading = engine.load(source, host);
        try {
            return loading.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PlatformException(Problem.INVALID_SCRIPT, cause instanceof ScriptException
                    ? cause.getMessage() : "the script could not be loaded: " + cause);
        } catch (TimeoutException e) {
            // The load goes on (it waits for a thread, or runs): whatever isolate it makes is nobody's.
            loading.thenAccept(Worker::close);
            throw new PlatformException(Problem.INVALID_SCRIPT, "Script startup took longer than 30 s.");
        } catch (InterruptedException e) {
            loading.thenAccept(Worker::close);
            Thread.currentThread().interrupt();
            throw new PlatformException(Problem.INVALID_SCRIPT, "validation was interrupted");
        }
    }

    List<BindingSpec> prepareBindings(ScriptRef ref, List<BindingSpec> bindings, List<BindingSpec> previous,
            List<String> keepTypes) {
        return invoker.bindingKinds().prepare(bindings, previous, keepTypes,
                new dev.tenantd.platform.binding.BindingScope(ref.accountId(), ref));
    }
}
