package dev.tenantd.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.ScriptPage;
import dev.tenantd.platform.store.ScriptQuery;
import dev.tenantd.platform.store.Store;
import dev.tenantd.runtime.CompatibilityFlags;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.ScriptException;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerModule;
import dev.tenantd.runtime.WorkerSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commands on scripts: uploads, versions and deployments, secrets, settings, tags,
 * deletion. Each writes to the store, then tells the {@link Directory} what changed.
 * Reads for the API come from the directory too.
 */
public final class Scripts {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = Platform.JSON;

    private final Store store;
    private final BlobStore blobs;
    private final Secrets secrets;
    private final Limits limits;
    private final Accounts accounts;
    private final Directory directory;
    private final Invoker invoker;
    private final Assets assets;
    private final Tails tails;
    private final Versions versions;

    Scripts(Store store, BlobStore blobs, JsEngine engine, Secrets secrets, Limits limits, Accounts accounts,
            Directory directory, Invoker invoker, Assets assets, Tails tails) {
        this.store = store;
        this.blobs = blobs;
        this.secrets = secrets;
        this.limits = limits;
        this.accounts = accounts;
        this.directory = directory;
        this.invoker = invoker;
        this.assets = assets;
        this.tails = tails;
        this.versions = new Versions(store, engine, limits, directory, invoker);
    }

    /** The script in a namespace, or a plain worker when {@code namespace} is empty. */
    public ScriptRef ref(String accountId, Optional<String> namespace, String name) {
        accounts.account(accountId);
        String nsId = namespace.map(n -> directory.namespace(accountId, n).orElseThrow(() -> Namespaces.notFound(n)).id())
                .orElse(ScriptRef.PLAIN);
        return new ScriptRef(accountId, nsId, name);
    }

    public Script get(ScriptRef ref) {
        return directory.script(ref).orElseThrow(() -> new PlatformException(Problem.SCRIPT_NOT_FOUND,
                "Worker '" + ref.name() + "' was not found" + (ref.namespaceId().isEmpty() ? "." : " in this dispatch namespace.")));
    }

    /** The script, or empty if there is none by that name. */
    public Optional<Script> find(ScriptRef ref) {
        return directory.script(ref);
    }

    public List<Script> list(String accountId, String namespaceId) {
        return store.scripts(accountId, namespaceId);
    }

    /** The account's user workers that carry any of {@code tags} now (see {@link Directory#userWorkersTagged}). */
    public List<Script> userWorkersTagged(String accountId, java.util.Collection<String> tags) {
        return directory.userWorkersTagged(accountId, tags);
    }

    /** A window of the namespace's scripts that match a query, and how many match in all. */
    public ScriptPage search(String accountId, String namespaceId, ScriptQuery query) {
        return store.scripts(accountId, namespaceId, query);
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

    /**
     * Refuses a compatibility date that is no date or lies in the future (a day of slack for
     * clocks ahead of UTC), as Cloudflare does: a future date would take on the flags later
     * releases turn on by default, unseen, with each upgrade of the server.
     */
    static void checkCompatibilityDate(String date) {
        java.time.LocalDate parsed;
        try {
            parsed = CompatibilityFlags.parseDate(date);
        } catch (ScriptException e) {
            throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
        }
        if (parsed.isAfter(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1))) {
            throw new PlatformException(Problem.INVALID_METADATA, "compatibility_date " + date
                    + " is in the future; use today's date or an earlier one.");
        }
    }

    /** A stored version and the script after storing it. */
    public record SavedVersion(Script script, ScriptVersion version) {
    }

    /**
     * Why an upload of these parts is over the script size limit, or empty: the limit counts
     * the parts after gzip compression, as Workers do (bundles compress four to six times),
     * and uncompressed they may be {@link Limits#UNCOMPRESSED_RATIO} times that. Parts within
     * the limit uncompressed are not compressed to find out.
     */
    private Optional<String> sizeProblem(List<byte[]> parts) {
        long raw = parts.stream().mapToLong(p -> p.length).sum();
        if (raw > limits.uncompressedScriptBytes()) {
            return Optional.of(raw + " bytes before compression; the limit is " + limits.uncompressedScriptBytes()
                    + " bytes before compression and " + limits.scriptSizeBytes() + " after");
        }
        if (raw <= limits.scriptSizeBytes()) {
            return Optional.empty();
        }
        // Compressed no further than the limit: past it the upload is refused whatever the rest makes.
        long compressed = 0;
        for (byte[] part : parts) {
            compressed += GzipSize.of(part, limits.scriptSizeBytes() - compressed + 1);
            if (compressed > limits.scriptSizeBytes()) {
                return Optional.of("over " + limits.scriptSizeBytes() + " bytes after gzip compression (" + raw
                        + " before); the limit is " + limits.scriptSizeBytes() + " bytes after compression");
            }
        }
        return Optional.empty();
    }

    /**
     * Like {@link #upload}, but with {@code deploy} false the new version is only
     * stored: it serves once a deployment names it. A script's first version is
     * always deployed.
     */
    public SavedVersion saveUpload(ScriptRef ref, ScriptUpload upload, boolean deploy, String message, String madeBy) {
        Names.script(ref.name());
        List<byte[]> parts = new ArrayList<>();
        upload.modules().forEach(m -> parts.add(m.content()));
        parts.addAll(upload.sourceMaps().values());
        sizeProblem(parts).ifPresent(problem -> {
            throw new PlatformException(Problem.SCRIPT_TOO_LARGE, "Script is " + problem + ".");
        });
        if (upload.modules().isEmpty()) {
            throw new PlatformException(Problem.INVALID_SCRIPT, "The upload contains no script.");
        }
        upload.modules().forEach(m -> Names.module(m.name()));
        checkCompatibilityDate(upload.compatibilityDate());
        if (upload.hasTags()) {
            validateTags(upload.tags());
        }
        upload.tailConsumers().ifPresent(consumers -> TailConsumers.check(directory, ref, consumers));
        Optional<Script> before = directory.script(ref);
        NewAssets versionAssets = assetsOf(ref, upload, before);
        // Secrets outlive uploads (as on Cloudflare, where deployments never delete them):
        // a new version keeps every secret it does not bind itself.
        List<String> keep = new ArrayList<>(upload.keepBindings());
        keep.add("secret_text");
        List<BindingSpec> stored = versions.prepareBindings(ref, upload.bindings(),
                before.map(s -> s.current().bindings()).orElse(List.of()), keep);
        WorkerSource source;
        try {
            source = new WorkerSource(ref.name(), upload.mainModule(), upload.modules(),
                    upload.compatibilityDate(), upload.compatibilityFlags(), invoker.runtimeBindings(ref, stored), ref.owner());
        } catch (ScriptException e) {
            throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
        }
        PlatformWorkerHost host = invoker.hostForUpload();
        Worker loaded = versions.validate(source, host);
        long startupMs = loaded.startupMillis();
        boolean kept = false;

        ReentrantLock lock = versions.lock(ref);
        lock.lock();
        try {
            List<ModuleRef> modules = new ArrayList<>();
            for (WorkerModule m : upload.modules()) {
                Optional<String> map = Optional.ofNullable(upload.sourceMaps().get(m.name()))
                        .map(content -> blobs.put(content, "the worker's source maps"));
                modules.add(new ModuleRef(m.name(), m.type(), blobs.put(m.content(), "the worker's modules"), m.content().length,
                        map));
            }
            Optional<Script> previous = directory.script(ref);
            // The kept secrets and assets were read before validation, outside the lock; if
            // another change landed meanwhile, take them from the version it made instead
            // (the validated isolate then saw other bindings, so it is not kept).
            boolean stale = !previous.map(s -> s.current().id()).equals(before.map(s -> s.current().id()));
            List<BindingSpec> bindings = stale ? versions.prepareBindings(ref, upload.bindings(),
                    previous.map(s -> s.current().bindings()).orElse(List.of()), keep) : stored;
            // Stored only now, once the upload proved to work: a failed one leaves no manifest behind.
            String assetsId = (stale ? assetsOf(ref, upload, previous) : versionAssets).stored(store);
            String at = now();
            ScriptVersion version = versions.newVersion(ref, previous, upload.mainModule(), source.isServiceWorker(),
                    upload.compatibilityDate(), upload.compatibilityFlags(), modules, bindings, upload.limits(),
                    upload.egress(), startupMs, madeBy, assetsId, at);
            boolean deployNow = deploy || previous.isEmpty();
            // The version, its tags and the script's settings it names are one change: a failure
            // storing any of them (a full disk) leaves the script as it was.
            Script result = store.atomically(() -> {
                Script saved = store.saveVersion(ref, version, deployNow
                        ? Optional.of(new Deployment(UUID.randomUUID().toString(), at,
                                List.of(new Deployment.Split(version.id(), 100)), message, madeBy))
                        : Optional.empty());
                if (upload.hasTags()) {
                    saved = store.setTags(ref, upload.tags());
                }
                String settings = deployNow ? settingsAfter(saved.settingsJson(), upload) : saved.settingsJson();
                return settings.equals(saved.settingsJson()) ? saved : store.setSettings(ref, settings);
            });
            directory.apply(new Change.Script(ref));
            if (deployNow) {
                if (!stale) {
                    // The isolate that proved the upload works serves its first requests.
                    host.bind(result);
                    invoker.pool().adopt(result, loaded);
                    kept = true;
                }
                previous.ifPresent(old -> versions.retireUndeployed(old, result));
            }
            return new SavedVersion(result, version);
        } finally {
            lock.unlock();
            if (!kept) {
                loaded.close();
            }
        }
    }

    /** A script's settings text once a deployed upload's Tail Workers and observability settings are in. */
    private static String settingsAfter(String settingsJson, ScriptUpload upload) {
        String settings = settingsJson;
        if (upload.tailConsumers().isPresent()
                && !TailConsumers.ofSettings(settings).equals(upload.tailConsumers().get())) {
            settings = TailConsumers.withConsumers(settings, upload.tailConsumers().get());
        }
        if (upload.observability().isPresent()) {
            settings = withField(settings, "observability", upload.observability().get());
        }
        return settings;
    }

    /** The settings text with one field set. */
    private static String withField(String settingsJson, String field, com.fasterxml.jackson.databind.JsonNode value) {
        ObjectNode settings;
        try {
            settings = (ObjectNode) JSON.readTree(settingsJson);
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalStateException("stored settings are not a JSON object", e);
        }
        settings.set(field, value);
        return settings.toString();
    }

    /**
     * The static assets of a new version: a manifest already stored (its id, empty for none), or
     * one to store when the version is.
     */
    private record NewAssets(String storedId, String json) {
        static final NewAssets NONE = new NewAssets("", null);

        String stored(dev.tenantd.platform.store.ScriptStore store) {
            return json == null ? storedId : store.saveAssetManifest(json);
        }
    }

    /**
     * The static assets of a new version: those of a finished upload session named by
     * {@code assets.jwt}, else (with {@code keep_assets}) the current version's, else none.
     */
    private NewAssets assetsOf(ScriptRef ref, ScriptUpload upload, Optional<Script> before) {
        com.fasterxml.jackson.databind.JsonNode meta = upload.assets();
        if (meta != null && meta.path("jwt").isTextual()) {
            return new NewAssets("", assets.versionAssets(ref, meta.get("jwt").asText(), meta.get("config")));
        }
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw new PlatformException(Problem.INVALID_METADATA, "metadata.assets must be {\"jwt\": \"...\", \"config\": {...}}.");
        }
        if (upload.keepAssets() && before.isPresent()) {
            String kept = before.get().current().assetsId();
            if (meta != null && meta.get("config") != null && !kept.isEmpty()) {
                String json = store.assetManifest(kept).orElseThrow(() -> new IllegalStateException(
                        "the current version's asset manifest " + kept + " is not stored"));
                try {
                    ObjectNode merged = (ObjectNode) JSON.readTree(json);
                    merged.set("config", meta.get("config"));
                    return new NewAssets("", merged.toString());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new NewAssets(kept, null);
        }
        return NewAssets.NONE;
    }

    // ---- versions and deployments

    /** At most {@code limit} of the script's versions, newest first, from {@code offset}, and their total. */
    public dev.tenantd.platform.store.ScriptStore.VersionPage versions(ScriptRef ref, int offset, int limit) {
        get(ref);
        return store.versions(ref, offset, limit);
    }

    public ScriptVersion version(ScriptRef ref, String versionId) {
        String scriptId = get(ref).id();
        return store.version(versionId).filter(v -> v.scriptId().equals(scriptId))
                .orElseThrow(() -> new PlatformException(Problem.VERSION_NOT_FOUND,
                        "Version '" + versionId + "' is not a version of worker '" + ref.name() + "'."));
    }

    public List<Deployment> deployments(ScriptRef ref) {
        get(ref);
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
        ReentrantLock lock = versions.lock(ref);
        lock.lock();
        try {
            Script old = get(ref);
            for (Deployment.Split split : splits) {
                ScriptVersion v = version(ref, split.versionId());
                // A version stored under a larger [limits] script-size-bytes keeps serving if it
                // does, but does not start to once the operator lowered the limit.
                boolean serving = old.deployment().versions().stream().anyMatch(s -> s.versionId().equals(v.id()));
                if (!serving) {
                    Optional<String> problem = sizeProblem(v.modules().stream().map(this::moduleContent).toList());
                    if (problem.isPresent()) {
                        throw new PlatformException(Problem.SCRIPT_TOO_LARGE, "Version '" + v.id() + "' is " + problem.get()
                                + " now, so it cannot be deployed. Upload a smaller version.");
                    }
                }
            }
            Script now = store.deploy(ref, new Deployment(UUID.randomUUID().toString(), now(), splits, message, source));
            directory.apply(new Change.Script(ref));
            versions.retireUndeployed(old, now);
            return now;
        } finally {
            lock.unlock();
        }
    }

    // ---- changes that make a new version from the current one (secrets, settings)

    /** Stores a copy of the current version with other bindings, compatibility or limits, and deploys it. */
    private Script deriveVersion(ScriptRef ref, String source, java.util.function.UnaryOperator<ScriptVersion> change) {
        ReentrantLock lock = versions.lock(ref);
        lock.lock();
        try {
            Script old = get(ref);
            if (old.deployment().versions().size() > 1) {
                throw new PlatformException(Problem.CONFLICT, "Worker '" + ref.name() + "' is deployed as a split "
                        + "between versions; deploy one version at 100% before changing its secrets or settings.");
            }
            ScriptVersion from = old.current();
            ScriptVersion changed = change.apply(from);
            String at = now();
            ScriptVersion version = versions.newVersion(ref, Optional.of(old), changed.mainModule(), changed.serviceWorker(),
                    changed.compatibilityDate(), changed.compatibilityFlags(), changed.modules(), changed.bindings(),
                    changed.limits(), changed.egress(), from.startupTimeMs(), source, changed.assetsId(), at);
            Script saved = store.saveVersion(ref, version, Optional.of(new Deployment(UUID.randomUUID().toString(),
                    at, List.of(new Deployment.Split(version.id(), 100)), null, source)));
            directory.apply(new Change.Script(ref));
            versions.retireUndeployed(old, saved);
            return saved;
        } finally {
            lock.unlock();
        }
    }

    /** The names of a script's secrets (values are never returned). */
    public List<String> secretNames(ScriptRef ref) {
        return get(ref).current().bindings().stream().filter(b -> b.type().equals("secret_text"))
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
            if (!e.getKey().matches("[A-Za-z_$][A-Za-z0-9_$]*") || e.getKey().length() > MAX_SECRET_NAME_CHARS) {
                throw new PlatformException(Problem.INVALID_BINDING, "Secret name '" + clip(e.getKey())
                        + "' is not a valid JavaScript identifier of at most " + MAX_SECRET_NAME_CHARS + " characters.");
            }
            e.getValue().ifPresent(value -> Secrets.checkSize(e.getKey(), value));
        }
        return deriveVersion(ref, "api", from -> {
            List<BindingSpec> bindings = new ArrayList<>();
            Set<String> removed = new HashSet<>();
            for (BindingSpec b : from.bindings()) {
                if (changes.containsKey(b.name())) {
                    if (changes.get(b.name()).isPresent() && !b.type().equals("secret_text")) {
                        throw new PlatformException(Problem.INVALID_BINDING, "'" + b.name() + "' is a " + b.type()
                                + " binding of this worker; a secret cannot take its name. Upload the worker "
                                + "without that binding first, or name the secret differently.");
                    }
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
            long secretCount = bindings.stream().filter(b -> b.type().equals("secret_text")).count();
            long before = from.bindings().stream().filter(b -> b.type().equals("secret_text")).count();
            // only a change that adds secrets past the cap is refused: one that had more keeps them
            // (an upload may bring any number), and deleting or replacing stays possible
            if (secretCount > MAX_SECRETS && secretCount > before) {
                throw new PlatformException(Problem.INVALID_BINDING, "Worker '" + ref.name() + "' would have "
                        + secretCount + " secrets; a worker has at most " + MAX_SECRETS + ".");
            }
            // Replaced secrets can be larger: the version holds no more than an upload's may.
            dev.tenantd.platform.binding.BindingSizes.check(bindings);
            return withBindings(from, bindings);
        });
    }

    /** Secrets one worker may have: Workers' limit for environment variables on paid plans. */
    public static final int MAX_SECRETS = 128;
    static final int MAX_SECRET_NAME_CHARS = 256;

    private static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static ScriptVersion withBindings(ScriptVersion v, List<BindingSpec> bindings) {
        return new ScriptVersion(v.id(), v.scriptId(), v.number(), v.mainModule(), v.serviceWorker(),
                v.compatibilityDate(), v.compatibilityFlags(), v.modules(), bindings, v.limits(), v.egress(), v.etag(),
                v.startupTimeMs(), v.createdOn(), v.source(), v.assetsId());
    }

    /**
     * Changes what a version holds besides its code: bindings (secrets and bindings of
     * type {@code inherit} keep their current values), compatibility date and flags,
     * limits. Makes and deploys a new version; a change of bindings is checked in a
     * real isolate first.
     */
    public Script changeVersionSettings(ScriptRef ref, Optional<List<BindingSpec>> bindings,
            Optional<String> compatibilityDate, Optional<List<String>> compatibilityFlags, Optional<ScriptLimits> newLimits) {
        get(ref);
        // Everything is read from the current version inside the script's lock, so that a
        // concurrent secret change is never lost.
        return deriveVersion(ref, "api", from -> {
            List<BindingSpec> stored = bindings.isPresent()
                    ? versions.prepareBindings(ref, bindings.get(), from.bindings(), List.of("secret_text"))
                    : from.bindings();
            String date = compatibilityDate.orElse(from.compatibilityDate());
            if (compatibilityDate.isPresent()) {
                checkCompatibilityDate(date);
            }
            List<String> flags = compatibilityFlags.orElse(from.compatibilityFlags());
            // The script must still start with its new environment.
            List<WorkerModule> modules = new ArrayList<>();
            for (ModuleRef m : from.modules()) {
                modules.add(new WorkerModule(m.name(), m.type(), invoker.storedModule(ref, m)));
            }
            try {
                versions.validate(new WorkerSource(ref.name(), from.mainModule(), modules, date, flags,
                        invoker.runtimeBindings(ref, stored), ref.owner()),
                        invoker.hostForUpload()).close();
            } catch (ScriptException e) {
                throw new PlatformException(Problem.INVALID_METADATA, e.getMessage());
            }
            return new ScriptVersion(from.id(), from.scriptId(), from.number(), from.mainModule(), from.serviceWorker(),
                    date, flags, from.modules(), stored, newLimits.orElse(from.limits()), from.egress(), from.etag(),
                    from.startupTimeMs(), from.createdOn(), from.source(), from.assetsId());
        });
    }

    // ---- tags and script-level settings

    /** At most 8 tags, each 1–64 printable characters without commas, spaces or colons. */
    /** Throws {@link Problem#INVALID_REQUEST} unless {@code tags} are tags a script may have (see {@link #validateTags}). */
    public static void checkTags(List<String> tags) {
        validateTags(tags);
    }

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
        return versions.underLock(ref, () -> {
            List<String> tags = change.apply(get(ref).tags());
            validateTags(tags);
            Script saved = store.setTags(ref, tags);
            directory.apply(new Change.Script(ref));
            return saved;
        });
    }

    /**
     * {@code tail_consumers} as a settings change names them for {@code ref}, checked as an
     * upload's are, in the form the settings store them. Throws {@link Problem#INVALID_METADATA}.
     */
    public com.fasterxml.jackson.databind.JsonNode tailConsumersSetting(ScriptRef ref,
            com.fasterxml.jackson.databind.JsonNode value) {
        List<String> consumers = TailConsumers.parse(value);
        TailConsumers.check(directory, ref, consumers);
        return TailConsumers.toJson(consumers);
    }

    /**
     * Changes the script-level settings object (logpush, observability, tail consumers,
     * subdomain, ...) from what it is now, under the script's lock.
     */
    public Script updateScriptSettings(ScriptRef ref, java.util.function.Consumer<ObjectNode> change) {
        return versions.underLock(ref, () -> {
            ObjectNode settings;
            try {
                settings = (ObjectNode) JSON.readTree(get(ref).settingsJson());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored settings are not JSON", e);
            }
            change.accept(settings);
            Script saved = store.setSettings(ref, settings.toString());
            directory.apply(new Change.Script(ref));
            return saved;
        });
    }

    public void delete(ScriptRef ref) {
        get(ref);
        versions.underLock(ref, () -> {
            remove(get(ref));
            return null;
        });
    }

    /**
     * Deletes the script that {@code listed} shows, as a delete of many listed at once does:
     * false, with nothing deleted, if it was deleted meanwhile or its name now holds another
     * script (deleted and made again), which the listing did not show.
     */
    public boolean deleteListed(Script listed) {
        return versions.underLock(listed.ref(), () -> {
            Optional<Script> now = find(listed.ref());
            if (now.isEmpty() || !now.get().id().equals(listed.id())) {
                return false;
            }
            remove(now.get());
            return true;
        });
    }

    /** Deletes a script, with its script's lock held. */
    private void remove(Script deleted) {
        store.deleteScript(deleted.ref());
        directory.apply(new Change.Script(deleted.ref()));
        deleted.deployment().versions().forEach(v -> versions.retire(deleted.ref(), v.versionId()));
        tails.deleteAll(deleted.ref());
    }

    /** A script that went with its namespace: its isolates close once idle, and its tails end. */
    void deletedWithNamespace(Script deleted) {
        versions.underLock(deleted.ref(), () -> {
            deleted.deployment().versions().forEach(v -> versions.retire(deleted.ref(), v.versionId()));
            tails.deleteAll(deleted.ref());
            return null;
        });
    }

    /**
     * Creates a tail of a script (see {@link Tails#create}) that exists: under the lock its
     * delete takes, so no tail outlives its script to watch the next one given its name.
     */
    public Tail createTail(ScriptRef ref, com.fasterxml.jackson.databind.JsonNode filters, java.time.Instant now) {
        return versions.underLock(ref, () -> {
            get(ref);
            return tails.create(ref, filters, now);
        });
    }

    public byte[] moduleContent(ModuleRef module) {
        return blobs.get(module.sha256());
    }

    private static String now() {
        return Platform.now();
    }
}
