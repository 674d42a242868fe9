package dev.tenantd.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.binding.AssetsKind;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.binding.BindingKinds;
import dev.tenantd.platform.binding.BindingScope;
import dev.tenantd.platform.binding.DispatchNamespaceKind;
import dev.tenantd.platform.binding.JsonKind;
import dev.tenantd.platform.binding.PlainTextKind;
import dev.tenantd.platform.binding.SecretTextKind;
import dev.tenantd.platform.binding.ServiceKind;
import dev.tenantd.platform.binding.WorkerCalls;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.Store;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.CompatibilityFlags;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.InvocationLimits;
import dev.tenantd.runtime.InvocationOptions;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.OutboundFetch;
import dev.tenantd.runtime.ScriptException;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerModule;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.WorkerSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The platform: accounts, dispatch namespaces, scripts and their versions, and
 * the invocation of workers. The API and the ingress call it; it keeps an
 * in-memory directory of current scripts so that serving a request never
 * touches the database.
 */
public final class Platform implements AutoCloseable, WorkerCalls {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final BlobStore blobs;
    private final JsEngine engine;
    private final Secrets secrets;
    private final Limits limits;
    private final String defaultAccountId;
    private final WorkerPool pool;
    private final Assets assets;
    private final Egress egress;
    private final EgressPolicy egressPolicy;
    private volatile List<Route> routes;
    private final String workersDevDomain;

    private final ConcurrentHashMap<ScriptRef, Optional<Script>> scriptCache = new ConcurrentHashMap<>();
    // Namespaces for the request path, which needs their id and egress policy (dropped on every
    // change to either); their script count goes stale with uploads, so nothing reads it from here.
    private final ConcurrentHashMap<String, Optional<Namespace>> namespaceCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<Namespace>> namespaceByIdCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ScriptRef, ReentrantLock> uploadLocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Tails tails = new Tails();
    private final BindingKinds bindingKinds;

    private Platform(Builder b) {
        this.store = b.store;
        this.blobs = b.blobs;
        this.engine = b.engine;
        this.secrets = b.secrets;
        this.limits = b.limits;
        this.defaultAccountId = b.defaultAccountId;
        this.routes = List.copyOf(b.routes);
        this.workersDevDomain = b.workersDevDomain;
        this.egress = b.egress;
        this.egressPolicy = b.egressPolicy;
        this.pool = new WorkerPool(engine, limits.liveIsolates(), this::loadSource, this::hostFor);
        this.assets = new Assets(store, blobs);
        this.bindingKinds = BindingKinds.of(kinds(b.bindingKinds));
    }

    public static Builder builder() {
        return new Builder();
    }

    public String defaultAccountId() {
        return defaultAccountId;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    /** Isolates loaded right now (an operator's gauge). */
    public int liveIsolates() {
        return pool.size();
    }

    /** Static asset upload sessions and serving. */
    public Assets assets() {
        return assets;
    }

    public List<Route> routes() {
        return routes;
    }

    /** Live tails of plain workers. */
    public Tails tails() {
        return tails;
    }

    // ---- accounts and tokens

    public Account account(String accountId) {
        return store.account(accountId).orElseThrow(() -> new PlatformException(Problem.ACCOUNT_NOT_FOUND,
                "Account '" + accountId + "' does not exist on this server."));
    }

    public List<Account> accounts() {
        return store.accounts();
    }

    /** The account an API token grants access to. */
    public Optional<String> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return store.tokenAccount(BlobStore.sha256(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    // ---- namespaces

    public List<Namespace> namespaces(String accountId) {
        account(accountId);
        return store.namespaces(accountId);
    }

    /**
     * A namespace as stored now. It is read from the store rather than the request path's
     * cache because its script count changes with every script upload and delete.
     */
    public Namespace namespace(String accountId, String name) {
        account(accountId);
        return store.namespace(accountId, name).orElseThrow(() -> namespaceNotFound(name));
    }

    private static PlatformException namespaceNotFound(String name) {
        return new PlatformException(Problem.NAMESPACE_NOT_FOUND,
                "Dispatch namespace '" + name + "' was not found in this account.");
    }

    public Namespace createNamespace(String accountId, String name) {
        account(accountId);
        Names.namespace(name);
        Namespace created = store.createNamespace(accountId, name).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + name + "' already exists."));
        namespaceCache.remove(accountId + "/" + name);
        return created;
    }

    public Namespace renameNamespace(String accountId, String name, String newName) {
        Namespace ns = namespace(accountId, name);
        Names.namespace(newName);
        if (newName.equals(name)) {
            return ns;
        }
        Namespace renamed = store.renameNamespace(ns.id(), newName).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + newName + "' already exists."));
        forgetNamespace(accountId, name, ns.id());
        namespaceCache.remove(accountId + "/" + newName);
        return renamed;
    }

    public void deleteNamespace(String accountId, String name) {
        Namespace ns = namespace(accountId, name);
        store.deleteNamespace(ns.id());
        forgetNamespace(accountId, name, ns.id());
        scriptCache.keySet().removeIf(ref -> ref.namespaceId().equals(ns.id()));
    }

    private Optional<Namespace> namespaceById(String namespaceId) {
        return namespaceByIdCache.computeIfAbsent(namespaceId, store::namespaceById);
    }

    /** Replaces a namespace's egress policy; its user workers' next subrequests obey it. */
    public Namespace setNamespaceEgress(String accountId, String name, EgressPolicy policy) {
        Namespace ns = namespace(accountId, name);
        Namespace updated = store.setNamespaceEgress(ns.id(), policy).orElseThrow();
        forgetNamespace(accountId, name, ns.id());
        return updated;
    }

    private void forgetNamespace(String accountId, String name, String id) {
        namespaceCache.remove(accountId + "/" + name);
        namespaceByIdCache.remove(id);
    }

    private Optional<Namespace> findNamespace(String accountId, String name) {
        Optional<Namespace> cached = namespaceCache.get(accountId + "/" + name);
        if (cached != null) {
            return cached;
        }
        Optional<Namespace> found = store.namespace(accountId, name);
        namespaceCache.put(accountId + "/" + name, found);
        return found;
    }

    // ---- scripts

    /** The script in a namespace, or a plain worker when {@code namespace} is empty. */
    public ScriptRef ref(String accountId, Optional<String> namespace, String name) {
        account(accountId);
        String nsId = namespace.map(n -> findNamespace(accountId, n).orElseThrow(() -> namespaceNotFound(n)).id())
                .orElse(ScriptRef.PLAIN);
        return new ScriptRef(accountId, nsId, name);
    }

    public Script script(ScriptRef ref) {
        return findScript(ref).orElseThrow(() -> new PlatformException(Problem.SCRIPT_NOT_FOUND,
                "Worker '" + ref.name() + "' was not found" + (ref.namespaceId().isEmpty() ? "." : " in this dispatch namespace.")));
    }

    /** The script, or empty if there is none by that name. */
    public Optional<Script> findScriptOrEmpty(ScriptRef ref) {
        return findScript(ref);
    }

    public List<Script> scripts(String accountId, String namespaceId) {
        return store.scripts(accountId, namespaceId);
    }

    public Namespace namespaceOf(ScriptRef ref) {
        return store.namespaceById(ref.namespaceId()).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_NOT_FOUND, "Dispatch namespace was not found."));
    }

    /**
     * Validates an upload (names, size, bindings, and that it compiles and defines a
     * fetch handler in a real isolate), stores its modules as a new version and
     * deploys it to serve every request. Concurrent uploads of one script take turns.
     */
    public Script upload(ScriptRef ref, ScriptUpload upload) {
        return upload(ref, upload, "api");
    }

    /** An upload whose version records what made it ({@code wrangler} or {@code api}). */
    public Script upload(ScriptRef ref, ScriptUpload upload, String source) {
        return saveUpload(ref, upload, true, null, source).script();
    }

    /** A stored version and the script after storing it. */
    public record SavedVersion(Script script, ScriptVersion version) {
    }

    /**
     * Like {@link #upload}, but with {@code deploy} false the new version is only
     * stored: it serves once a deployment names it. A script's first version is
     * always deployed.
     */
    public SavedVersion saveUpload(ScriptRef ref, ScriptUpload upload, boolean deploy, String message, String madeBy) {
        Names.script(ref.name());
        if (upload.totalSize() > limits.scriptSizeBytes()) {
            throw new PlatformException(Problem.SCRIPT_TOO_LARGE, "Script is " + upload.totalSize()
                    + " bytes; the limit is " + limits.scriptSizeBytes() + " bytes.");
        }
        if (upload.modules().isEmpty()) {
            throw new PlatformException(Problem.INVALID_SCRIPT, "The upload contains no script.");
        }
        upload.modules().forEach(m -> Names.module(m.name()));
        try {
            CompatibilityFlags.parseDate(upload.compatibilityDate());
        } catch (ScriptException e) {
            throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
        }
        if (upload.hasTags()) {
            validateTags(upload.tags());
        }
        Optional<Script> before = findScript(ref);
        String versionAssets = assetsOf(ref, upload, before);
        // Secrets outlive uploads (as on Cloudflare, where deployments never delete them):
        // a new version keeps every secret it does not bind itself.
        List<String> keep = new ArrayList<>(upload.keepBindings());
        keep.add("secret_text");
        List<BindingSpec> stored = prepareBindings(ref, upload.bindings(),
                before.map(s -> s.current().bindings()).orElse(List.of()), keep);
        WorkerSource source;
        try {
            source = new WorkerSource(ref.name(), upload.mainModule(), upload.modules(),
                    upload.compatibilityDate(), upload.compatibilityFlags(), runtimeBindings(ref, stored));
        } catch (ScriptException e) {
            throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
        }
        PlatformWorkerHost host = PlatformWorkerHost.forUpload(this, egress);
        Worker loaded = validate(source, host);
        long startupMs = loaded.startupMillis();
        boolean kept = false;

        ReentrantLock lock = uploadLocks.computeIfAbsent(ref, r -> new ReentrantLock());
        lock.lock();
        try {
            List<ModuleRef> modules = new ArrayList<>();
            for (WorkerModule m : upload.modules()) {
                modules.add(new ModuleRef(m.name(), m.type(), blobs.put(m.content(), "the worker's modules"), m.content().length));
            }
            Optional<Script> previous = findScript(ref);
            // The kept secrets and assets were read before validation, outside the lock; if
            // another change landed meanwhile, take them from the version it made instead
            // (the validated isolate then saw other bindings, so it is not kept).
            boolean stale = !previous.map(s -> s.current().id()).equals(before.map(s -> s.current().id()));
            List<BindingSpec> bindings = stale ? prepareBindings(ref, upload.bindings(),
                    previous.map(s -> s.current().bindings()).orElse(List.of()), keep) : stored;
            String assetsJson = stale ? assetsOf(ref, upload, previous) : versionAssets;
            String at = now();
            ScriptVersion version = newVersion(ref, previous, upload.mainModule(), source.isServiceWorker(),
                    upload.compatibilityDate(), upload.compatibilityFlags(), modules, bindings, upload.limits(),
                    upload.egress(), startupMs, madeBy, assetsJson, at);
            boolean deployNow = deploy || previous.isEmpty();
            Script saved = store.saveVersion(ref, version, deployNow
                    ? Optional.of(new Deployment(UUID.randomUUID().toString(), at,
                            List.of(new Deployment.Split(version.id(), 100)), message, madeBy))
                    : Optional.empty());
            if (upload.hasTags()) {
                saved = store.setTags(ref, upload.tags());
            }
            Script result = saved;
            scriptCache.put(ref, Optional.of(saved));
            if (deployNow) {
                if (!stale) {
                    // The isolate that proved the upload works serves its first requests.
                    host.bind(result);
                    pool.adopt(result, loaded);
                    kept = true;
                }
                previous.ifPresent(old -> retireUndeployed(old, result));
            }
            return new SavedVersion(result, version);
        } finally {
            lock.unlock();
            if (!kept) {
                loaded.close();
            }
        }
    }

    private ScriptVersion newVersion(ScriptRef ref, Optional<Script> previous, String mainModule, boolean serviceWorker,
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

    /**
     * The static assets of a new version: those of a finished upload session named by
     * {@code assets.jwt}, else (with {@code keep_assets}) the current version's, else none.
     */
    private String assetsOf(ScriptRef ref, ScriptUpload upload, Optional<Script> before) {
        com.fasterxml.jackson.databind.JsonNode meta = upload.assets();
        if (meta != null && meta.path("jwt").isTextual()) {
            return assets.versionAssets(ref, meta.get("jwt").asText(), meta.get("config"));
        }
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw new PlatformException(Problem.INVALID_METADATA, "metadata.assets must be {\"jwt\": \"...\", \"config\": {...}}.");
        }
        if (upload.keepAssets() && before.isPresent()) {
            String kept = before.get().current().assets();
            if (meta != null && meta.get("config") != null && !kept.equals("{}")) {
                try {
                    ObjectNode merged = (ObjectNode) JSON.readTree(kept);
                    merged.set("config", meta.get("config"));
                    return merged.toString();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return kept;
        }
        return "{}";
    }

    /** Versions the old deployment served and the new one does not: their isolates close once idle. */
    private void retireUndeployed(Script old, Script now) {
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
    private void retire(ScriptRef ref, String versionId) {
        pool.retire(versionId, limits.wallTimeMs(), () -> findScript(ref)
                .map(s -> s.deployment().versions().stream().anyMatch(v -> v.versionId().equals(versionId)))
                .orElse(false));
    }

    // ---- versions and deployments

    public List<ScriptVersion> versions(ScriptRef ref) {
        script(ref);
        return store.versions(ref);
    }

    public ScriptVersion version(ScriptRef ref, String versionId) {
        String scriptId = script(ref).id();
        return store.version(versionId).filter(v -> v.scriptId().equals(scriptId))
                .orElseThrow(() -> new PlatformException(Problem.VERSION_NOT_FOUND,
                        "Version '" + versionId + "' is not a version of worker '" + ref.name() + "'."));
    }

    public List<Deployment> deployments(ScriptRef ref) {
        script(ref);
        return store.deployments(ref);
    }

    /**
     * Makes a new deployment active: a percentage split over versions of the script
     * that adds up to 100. Requests choose their version by the split from now on.
     */
    public Script deploy(ScriptRef ref, List<Deployment.Split> splits, String message, String source) {
        if (splits.isEmpty() || splits.size() > 2) {
            throw new PlatformException(Problem.INVALID_REQUEST, "A deployment names one or two versions; got "
                    + splits.size() + ".");
        }
        Set<String> seen = new HashSet<>();
        double total = 0;
        for (Deployment.Split split : splits) {
            if (!seen.add(split.versionId())) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Version '" + split.versionId()
                        + "' appears twice in the deployment.");
            }
            if (!(split.percentage() > 0 && split.percentage() <= 100)) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Each version's percentage must be more than 0 "
                        + "and at most 100; got " + split.percentage() + ".");
            }
            total += split.percentage();
        }
        if (Math.abs(total - 100) > 1e-9) {
            throw new PlatformException(Problem.INVALID_REQUEST, "The versions' percentages add up to " + total
                    + "; they must add up to 100.");
        }
        ReentrantLock lock = uploadLocks.computeIfAbsent(ref, r -> new ReentrantLock());
        lock.lock();
        try {
            Script old = script(ref);
            for (Deployment.Split split : splits) {
                version(ref, split.versionId());
            }
            Script now = store.deploy(ref, new Deployment(UUID.randomUUID().toString(), now(), splits, message, source));
            scriptCache.put(ref, Optional.of(now));
            retireUndeployed(old, now);
            return now;
        } finally {
            lock.unlock();
        }
    }

    // ---- changes that make a new version from the current one (secrets, settings)

    /** Stores a copy of the current version with other bindings, compatibility or limits, and deploys it. */
    private Script deriveVersion(ScriptRef ref, String source, java.util.function.UnaryOperator<ScriptVersion> change) {
        ReentrantLock lock = uploadLocks.computeIfAbsent(ref, r -> new ReentrantLock());
        lock.lock();
        try {
            Script old = script(ref);
            if (old.deployment().versions().size() > 1) {
                throw new PlatformException(Problem.CONFLICT, "Worker '" + ref.name() + "' is deployed as a split "
                        + "between versions; deploy one version at 100% before changing its secrets or settings.");
            }
            ScriptVersion from = old.current();
            ScriptVersion changed = change.apply(from);
            String at = now();
            ScriptVersion version = newVersion(ref, Optional.of(old), changed.mainModule(), changed.serviceWorker(),
                    changed.compatibilityDate(), changed.compatibilityFlags(), changed.modules(), changed.bindings(),
                    changed.limits(), changed.egress(), from.startupTimeMs(), source, changed.assets(), at);
            Script saved = store.saveVersion(ref, version, Optional.of(new Deployment(UUID.randomUUID().toString(),
                    at, List.of(new Deployment.Split(version.id(), 100)), null, source)));
            scriptCache.put(ref, Optional.of(saved));
            retireUndeployed(old, saved);
            return saved;
        } finally {
            lock.unlock();
        }
    }

    /** The names of a script's secrets (values are never returned). */
    public List<String> secretNames(ScriptRef ref) {
        return script(ref).current().bindings().stream().filter(b -> b.type().equals("secret_text"))
                .map(BindingSpec::name).toList();
    }

    /**
     * Sets, replaces ({@code Optional} with a value) or removes (empty) secrets in one
     * new version. Removing a secret that does not exist fails.
     */
    public Script putSecrets(ScriptRef ref, java.util.Map<String, Optional<String>> changes) {
        if (changes.isEmpty()) {
            throw new PlatformException(Problem.INVALID_REQUEST, "Name at least one secret to set or delete.");
        }
        for (var e : changes.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw new PlatformException(Problem.INVALID_BINDING, "Secret name '" + e.getKey()
                        + "' is not a valid JavaScript identifier.");
            }
        }
        return deriveVersion(ref, "api", from -> {
            List<BindingSpec> bindings = new ArrayList<>();
            Set<String> removed = new HashSet<>();
            for (BindingSpec b : from.bindings()) {
                if (changes.containsKey(b.name())) {
                    if (changes.get(b.name()).isEmpty()) {
                        if (!b.type().equals("secret_text")) {
                            throw new PlatformException(Problem.SECRET_NOT_FOUND, "'" + b.name()
                                    + "' is a " + b.type() + " binding, not a secret.");
                        }
                        removed.add(b.name());
                    }
                    continue;
                }
                bindings.add(b);
            }
            for (var e : changes.entrySet()) {
                if (e.getValue().isPresent()) {
                    ObjectNode fields = JSON.createObjectNode();
                    fields.put("ciphertext", secrets.encrypt(e.getValue().get()));
                    bindings.add(new BindingSpec("secret_text", e.getKey(), fields));
                } else if (!removed.contains(e.getKey())) {
                    throw new PlatformException(Problem.SECRET_NOT_FOUND, "Worker '" + ref.name()
                            + "' has no secret named '" + e.getKey() + "'.");
                }
            }
            return withBindings(from, bindings);
        });
    }

    private static ScriptVersion withBindings(ScriptVersion v, List<BindingSpec> bindings) {
        return new ScriptVersion(v.id(), v.scriptId(), v.number(), v.mainModule(), v.serviceWorker(),
                v.compatibilityDate(), v.compatibilityFlags(), v.modules(), bindings, v.limits(), v.egress(), v.etag(),
                v.startupTimeMs(), v.createdOn(), v.source(), v.assets());
    }

    /**
     * Changes what a version holds besides its code: bindings (secrets and bindings of
     * type {@code inherit} keep their current values), compatibility date and flags,
     * limits. Makes and deploys a new version; a change of bindings is checked in a
     * real isolate first.
     */
    public Script changeVersionSettings(ScriptRef ref, Optional<List<BindingSpec>> bindings,
            Optional<String> compatibilityDate, Optional<List<String>> compatibilityFlags, Optional<ScriptLimits> newLimits) {
        script(ref);
        // Everything is read from the current version inside the script's lock, so that a
        // concurrent secret change is never lost.
        return deriveVersion(ref, "api", from -> {
            List<BindingSpec> stored = bindings.isPresent()
                    ? prepareBindings(ref, bindings.get(), from.bindings(), List.of("secret_text"))
                    : from.bindings();
            String date = compatibilityDate.orElse(from.compatibilityDate());
            try {
                CompatibilityFlags.parseDate(date);
            } catch (ScriptException e) {
                throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
            }
            List<String> flags = compatibilityFlags.orElse(from.compatibilityFlags());
            // The script must still start with its new environment.
            List<WorkerModule> modules = new ArrayList<>();
            for (ModuleRef m : from.modules()) {
                modules.add(new WorkerModule(m.name(), m.type(), storedModule(ref, m)));
            }
            try {
                validate(new WorkerSource(ref.name(), from.mainModule(), modules, date, flags, runtimeBindings(ref, stored)),
                        PlatformWorkerHost.forUpload(this, egress)).close();
            } catch (ScriptException e) {
                throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
            }
            return new ScriptVersion(from.id(), from.scriptId(), from.number(), from.mainModule(), from.serviceWorker(),
                    date, flags, from.modules(), stored, newLimits.orElse(from.limits()), from.egress(), from.etag(),
                    from.startupTimeMs(), from.createdOn(), from.source(), from.assets());
        });
    }

    // ---- tags and script-level settings

    /** At most 8 tags, each 1–64 printable characters without commas, spaces or colons. */
    static void validateTags(List<String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new PlatformException(Problem.INVALID_REQUEST, "A script can have at most " + MAX_TAGS
                    + " tags; got " + tags.size() + ".");
        }
        Set<String> seen = new HashSet<>();
        for (String tag : tags) {
            if (tag == null || !tag.matches("[\\x21-\\x7e&&[^,:]]{1,64}")) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Tag '" + tag + "' is not valid: use 1 to 64 "
                        + "printable characters without spaces, commas or colons.");
            }
            if (!seen.add(tag)) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Tag '" + tag + "' is given twice.");
            }
        }
    }

    public static final int MAX_TAGS = 8;

    public Script setTags(ScriptRef ref, List<String> tags) {
        return updateTags(ref, current -> tags);
    }

    /** Changes a script's tags from what they are now, under the script's lock. */
    public Script updateTags(ScriptRef ref, java.util.function.UnaryOperator<List<String>> change) {
        return underLock(ref, () -> {
            List<String> tags = change.apply(script(ref).tags());
            validateTags(tags);
            Script saved = store.setTags(ref, tags);
            scriptCache.put(ref, Optional.of(saved));
            return saved;
        });
    }

    /**
     * Changes the script-level settings object (logpush, observability, tail consumers,
     * subdomain, ...) from what it is now, under the script's lock.
     */
    public Script updateScriptSettings(ScriptRef ref, java.util.function.Consumer<ObjectNode> change) {
        return underLock(ref, () -> {
            ObjectNode settings;
            try {
                settings = (ObjectNode) JSON.readTree(script(ref).settingsJson());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored settings are not JSON", e);
            }
            change.accept(settings);
            Script saved = store.setSettings(ref, settings.toString());
            scriptCache.put(ref, Optional.of(saved));
            return saved;
        });
    }

    private <T> T underLock(ScriptRef ref, java.util.function.Supplier<T> work) {
        ReentrantLock lock = uploadLocks.computeIfAbsent(ref, r -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Loads the upload in a real isolate: it must compile, start within its limits and define a fetch handler. */
    private Worker validate(WorkerSource source, PlatformWorkerHost host) {
        try {
            return engine.load(source, host).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PlatformException(Problem.INVALID_SCRIPT, cause instanceof ScriptException
                    ? cause.getMessage() : "the script could not be loaded: " + cause);
        } catch (TimeoutException e) {
            throw new PlatformException(Problem.INVALID_SCRIPT, "Script startup took longer than 30 s.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException(Problem.INVALID_SCRIPT, "validation was interrupted");
        }
    }

    public void deleteScript(ScriptRef ref) {
        script(ref);
        ReentrantLock lock = uploadLocks.computeIfAbsent(ref, r -> new ReentrantLock());
        lock.lock();
        try {
            Script deleted = script(ref);
            store.deleteScript(ref);
            scriptCache.put(ref, Optional.empty());
            deleted.deployment().versions().forEach(v -> retire(ref, v.versionId()));
            tails.deleteAll(ref);
        } finally {
            lock.unlock();
        }
    }

    public byte[] moduleContent(ModuleRef module) {
        return blobs.get(module.sha256());
    }

    /** A module's content from the blob store; a damaged one is reported with the worker and module it belongs to. */
    private byte[] storedModule(ScriptRef ref, ModuleRef module) {
        try {
            return blobs.get(module.sha256());
        } catch (PlatformException e) {
            throw new PlatformException(e.problem(), "Module '" + module.name() + "' of worker '" + ref.name() + "': "
                    + e.getMessage());
        }
    }

    /**
     * What a caller of a worker sees when the worker could not be run: the invocation's own
     * failure, {@link #unavailableIfDamaged}, or an exception with the message.
     */
    static InvocationException asInvocationFailure(ScriptRef ref, Throwable error) {
        Throwable cause = unavailableIfDamaged(ref, unwrap(error));
        return cause instanceof InvocationException invocation ? invocation
                : new InvocationException(Outcome.EXCEPTION, cause.getMessage());
    }

    /**
     * A worker whose stored code or assets are damaged is {@link Outcome#UNAVAILABLE} (a 503;
     * the blob store has logged which file); any other failure is returned as it is.
     */
    static Throwable unavailableIfDamaged(ScriptRef ref, Throwable cause) {
        if (cause instanceof PlatformException p && p.problem() == Problem.STORAGE_DAMAGED) {
            return new InvocationException(Outcome.UNAVAILABLE, "Worker '" + ref.name()
                    + "' is unavailable: its stored code or assets are damaged (the server log has the details).");
        }
        return cause;
    }

    private Optional<Script> findScript(ScriptRef ref) {
        Optional<Script> cached = scriptCache.get(ref);
        if (cached != null) {
            return cached;
        }
        Optional<Script> found = store.script(ref);
        scriptCache.put(ref, found);
        return found;
    }

    // ---- bindings

    private List<BindingSpec> prepareBindings(ScriptRef ref, List<BindingSpec> bindings, List<BindingSpec> previous,
            List<String> keepTypes) {
        return bindingKinds.prepare(bindings, previous, keepTypes, new BindingScope(ref.accountId(), ref));
    }

    private List<Binding> runtimeBindings(ScriptRef ref, List<BindingSpec> stored) {
        return bindingKinds.toRuntime(stored, new BindingScope(ref.accountId(), ref));
    }

    /** The binding kinds every platform has, then {@code extra}. */
    private List<BindingKind> kinds(List<BindingKind> extra) {
        List<BindingKind> all = new ArrayList<>(List.of(new PlainTextKind(), new JsonKind(), new SecretTextKind(secrets),
                new ServiceKind(this), new AssetsKind(this), new DispatchNamespaceKind(this)));
        all.addAll(extra);
        return all;
    }

    /**
     * The JavaScript the engine must run in every isolate for the platform's binding kinds
     * and {@code extra}: give it to {@link JsEngine#start(dev.tenantd.runtime.EngineOptions, List)}.
     */
    public static List<String> bindingScripts(List<BindingKind> extra) {
        List<String> resources = new ArrayList<>(List.of(DispatchNamespaceKind.SCRIPT));
        extra.forEach(kind -> kind.script().ifPresent(resources::add));
        return BindingKinds.scripts(resources);
    }

    /** Serves a call on a version's channel binding. */
    CompletableFuture<dev.tenantd.runtime.ChannelReply> callBinding(Script script, dev.tenantd.runtime.ChannelCall call) {
        ScriptVersion version = script.current();
        return bindingKinds.call(version.bindings(), call,
                new BindingScope(script.ref().accountId(), script.ref(), Optional.of(version)));
    }

    /** Answers a call on a version's channel binding at once. */
    String callBindingNow(Script script, dev.tenantd.runtime.ChannelCall call) {
        ScriptVersion version = script.current();
        return bindingKinds.callNow(version.bindings(), call,
                new BindingScope(script.ref().accountId(), script.ref(), Optional.of(version)));
    }

    // ---- serving

    WorkerSource loadSource(Script script) {
        ScriptVersion v = script.current();
        List<WorkerModule> modules = new ArrayList<>();
        for (ModuleRef m : v.modules()) {
            modules.add(new WorkerModule(m.name(), m.type(), storedModule(script.ref(), m)));
        }
        return new WorkerSource(script.ref().name(), v.mainModule(), modules, v.compatibilityDate(),
                v.compatibilityFlags(), runtimeBindings(script.ref(), v.bindings()));
    }

    PlatformWorkerHost hostFor(Script script) {
        return new PlatformWorkerHost(this, script, egress);
    }

    /** Runs a script's current version on a request. Fails with {@link InvocationException}. */
    public CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request) {
        return invoke(ref, request, limits.invocation());
    }

    /**
     * Runs a script's current version within the narrowest of the platform's limits,
     * the script's own and {@code callLimits}.
     */
    public CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request, InvocationLimits callLimits) {
        return invoke(ref, request, callLimits, "", Optional.empty());
    }

    private CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request, InvocationLimits callLimits,
            String envJson, Optional<OutboundFetch> outbound) {
        Optional<Script> script;
        try {
            script = findScript(ref);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (script.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found."));
        }
        Script serving = script.get().forRequest();
        if (Assets.servesFirst(serving.current())) {
            // Asset files are read on the I/O threads, never on an event loop or a JS thread.
            return CompletableFuture.supplyAsync(() -> assets.serve(serving.current(), request), pool.io())
                    .exceptionallyCompose(error -> CompletableFuture.failedFuture(unavailableIfDamaged(ref, unwrap(error))))
                    .thenCompose(asset -> asset.isPresent() ? CompletableFuture.completedFuture(asset.get())
                            : run(ref, serving, request, callLimits, envJson, outbound));
        }
        return run(ref, serving, request, callLimits, envJson, outbound);
    }

    /** Runs the version a request was given to, within the narrowest limits and the script's in-flight cap. */
    private CompletableFuture<WorkerResponse> run(ScriptRef ref, Script serving, WorkerRequest request,
            InvocationLimits callLimits, String envJson, Optional<OutboundFetch> outbound) {
        ScriptVersion version = serving.current();
        ScriptLimits own = version.limits();
        InvocationLimits effective = limits.forInvocation(own, callLimits);
        InvocationOptions options = new InvocationOptions(effective, envJson, outbound,
                tails.observe(ref, version.id(), request));
        java.util.concurrent.atomic.AtomicInteger inFlight =
                this.inFlight.computeIfAbsent(version.id(), id -> new java.util.concurrent.atomic.AtomicInteger());
        if (inFlight.incrementAndGet() > limits.concurrentInvocations()) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED,
                    "Worker is overloaded: it already has " + limits.concurrentInvocations() + " requests in flight."));
        }
        return pool.call(serving, worker -> worker.fetch(request, options))
                .whenComplete((response, error) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletableFuture<WorkerResponse> invokePlain(String accountId, String script, WorkerRequest request) {
        return invoke(ScriptRef.plain(accountId, script), request);
    }

    /** What an {@code assets} binding answers: the version's asset for the request, or 404. */
    @Override
    public CompletableFuture<WorkerResponse> serveAsset(ScriptVersion version, WorkerRequest request) {
        return CompletableFuture.supplyAsync(() -> assets.serve(version, request)
                .orElseGet(() -> WorkerResponse.text(404, "Not Found")), pool.io());
    }

    /** Whether a user worker exists behind a dispatch namespace binding; answered from memory once warm. */
    @Override
    public boolean userWorkerExists(String accountId, String namespace, String script) {
        return findNamespace(accountId, namespace)
                .flatMap(ns -> findScript(new ScriptRef(accountId, ns.id(), script)))
                .isPresent();
    }

    @Override
    public CompletableFuture<WorkerResponse> invokeUserWorker(String accountId, String namespace, String script,
            WorkerRequest request, InvocationLimits callLimits, Optional<Outbound> outbound) {
        Optional<Namespace> ns = findNamespace(accountId, namespace);
        if (ns.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND,
                    "Worker not found."));
        }
        return invoke(new ScriptRef(accountId, ns.get().id(), script), request, callLimits, "",
                outbound.map(o -> req -> invokeOutbound(o, req)));
    }

    /** A user worker's subrequest, handed to its outbound worker with the call's parameters as env. */
    CompletableFuture<WorkerResponse> invokeOutbound(Outbound outbound, WorkerRequest request) {
        ScriptRef ref = ScriptRef.plain(outbound.accountId(), outbound.service());
        if (findScript(ref).isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "The outbound worker '" + outbound.service() + "' does not exist."));
        }
        return invoke(ref, request, limits.invocation(), outbound.paramsJson(), Optional.empty());
    }

    /** The egress policies a script's subrequests obey: the platform's, narrowed by its namespace's and its own. */
    EgressPolicies egressPolicies(Script script) {
        EgressPolicy namespace = script.ref().namespace().flatMap(this::namespaceById).map(Namespace::egress)
                .orElse(EgressPolicy.OPEN);
        return new EgressPolicies(egressPolicy, namespace, script.current().egress());
    }

    /**
     * Serves worker traffic: the most specific route for the host and path, else
     * {@code <script>.<workers-dev-domain>} for a plain worker.
     */
    public Optional<ScriptRef> routeFor(String host, String path) {
        String h = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(java.util.Locale.ROOT);
        Optional<Route> route = Route.match(routes, h, path);
        if (route.isPresent()) {
            return Optional.of(ScriptRef.plain(defaultAccountId, route.get().script()));
        }
        String suffix = "." + workersDevDomain;
        if (h.endsWith(suffix)) {
            String name = h.substring(0, h.length() - suffix.length());
            if (!name.contains(".")) {
                return Optional.of(ScriptRef.plain(defaultAccountId, name));
            }
        }
        return Optional.empty();
    }

    /** RFC 3339 UTC with milliseconds, always the same width, so that timestamps sort as strings (wrangler sorts them so). */
    static String now() {
        return TIMESTAMP.format(Instant.now());
    }

    public static final java.time.format.DateTimeFormatter TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public void close() {
        pool.close();
        egress.close();
    }

    public static final class Builder {
        private Store store;
        private BlobStore blobs;
        private JsEngine engine;
        private Secrets secrets;
        private Limits limits = Limits.defaults();
        private String defaultAccountId;
        private List<Route> routes = List.of();
        private String workersDevDomain = "localhost";
        private Egress egress;
        private EgressPolicy egressPolicy = EgressPolicy.OPEN;
        private List<BindingKind> bindingKinds = List.of();

        /**
         * Binding kinds besides the platform's own (plain_text, json, secret_text, service,
         * assets, dispatch_namespace). Their scripts must be in the engine: see {@link #bindingScripts}.
         */
        public Builder bindingKinds(List<BindingKind> kinds) {
            this.bindingKinds = List.copyOf(kinds);
            return this;
        }

        /** The platform-wide egress policy; namespaces and scripts can only narrow it. */
        public Builder egressPolicy(EgressPolicy policy) {
            this.egressPolicy = policy;
            return this;
        }

        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        public Builder blobs(BlobStore blobs) {
            this.blobs = blobs;
            return this;
        }

        public Builder engine(JsEngine engine) {
            this.engine = engine;
            return this;
        }

        public Builder secrets(Secrets secrets) {
            this.secrets = secrets;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        public Builder defaultAccountId(String id) {
            this.defaultAccountId = id;
            return this;
        }

        public Builder routes(List<Route> routes) {
            this.routes = routes;
            return this;
        }

        public Builder workersDevDomain(String domain) {
            this.workersDevDomain = domain;
            return this;
        }

        public Builder egress(Egress egress) {
            this.egress = egress;
            return this;
        }

        public Platform build() {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(blobs, "blobs");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(secrets, "secrets");
            Objects.requireNonNull(defaultAccountId, "defaultAccountId");
            Objects.requireNonNull(egress, "egress");
            return new Platform(this);
        }
    }
}
