package dev.tenantd.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantd.platform.binding.AssetsKind;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.binding.BindingKinds;
import dev.tenantd.platform.binding.DispatchNamespaceKind;
import dev.tenantd.platform.binding.JsonKind;
import dev.tenantd.platform.binding.PlainTextKind;
import dev.tenantd.platform.binding.SecretTextKind;
import dev.tenantd.platform.binding.ServiceKind;
import dev.tenantd.platform.binding.WorkerCalls;
import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.platform.sourcemap.SourceMappedStacks;
import dev.tenantd.platform.store.BlobCollector;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.Store;
import dev.tenantd.runtime.JsEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The platform, put together: accounts, dispatch namespaces and scripts (commands that
 * write to the store), the directory (the cached read model the request path uses), the
 * invoker (which runs workers) and the binding kinds. The API and the ingress use its parts.
 */
public final class Platform implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Limits limits;
    private final Accounts accounts;
    private final Directory directory;
    private final Namespaces namespaces;
    private final Scripts scripts;
    private final Invoker invoker;
    private final Assets assets;
    private final Tails tails = new Tails();
    private final InvocationRecorder invocations;
    private final BlobCollector blobCollector;

    private Platform(Builder b) {
        this.limits = b.limits;
        this.accounts = new Accounts(b.store);
        this.directory = new Directory(b.store, b.defaultAccountId, b.workersDevDomain, b.routes);
        this.assets = new Assets(b.store, b.blobs);
        this.invocations = b.invocations;
        invocations.mapStacksWith(new SourceMappedStacks(b.store, b.blobs));
        this.invoker = new Invoker(directory, b.blobs, b.engine, limits, assets, b.egress, b.egressPolicy,
                calls -> BindingKinds.of(kinds(calls, b.secrets, b.bindingKinds)), tails, b.invocations);
        invoker.meterWith(b.metrics);
        this.scripts = new Scripts(b.store, b.blobs, b.engine, b.secrets, limits, accounts, directory, invoker, assets, tails);
        this.namespaces = new Namespaces(b.store, accounts, directory, scripts::deletedWithNamespace);
        this.blobCollector = new BlobCollector(b.store, b.blobs, java.time.Clock.systemUTC()).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Limits limits() {
        return limits;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Directory directory() {
        return directory;
    }

    public Namespaces namespaces() {
        return namespaces;
    }

    public Scripts scripts() {
        return scripts;
    }

    public Invoker invoker() {
        return invoker;
    }

    /** Static asset upload sessions and serving. */
    public Assets assets() {
        return assets;
    }

    /** Live tails of plain workers. */
    public Tails tails() {
        return tails;
    }

    /** Removes stored content nothing uses any more; runs on its own every {@link BlobCollector#EVERY}. */
    public BlobCollector blobCollector() {
        return blobCollector;
    }

    /** Invocation records: where finished invocations go, and where they are read from. */
    public InvocationRecorder invocations() {
        return invocations;
    }

    /** The binding kinds every platform has, then {@code extra}. */
    private static List<BindingKind> kinds(WorkerCalls calls, Secrets secrets, List<BindingKind> extra) {
        List<BindingKind> all = new ArrayList<>(List.of(new PlainTextKind(), new JsonKind(), new SecretTextKind(secrets),
                new ServiceKind(calls), new AssetsKind(calls), new DispatchNamespaceKind(calls)));
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

    /** RFC 3339 UTC with milliseconds, always the same width, so that timestamps sort as strings (wrangler sorts them so). */
    static String now() {
        return TIMESTAMP.format(Instant.now());
    }

    public static final java.time.format.DateTimeFormatter TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /**
     * Lets what the isolates are doing (requests, their {@code waitUntil} work) finish: returns
     * once nothing runs in them and {@code requestsDone} says no request may still come, or when
     * {@code grace} has passed, after cutting off what is left (invocations cancelled, WebSockets
     * closed with 1001). The platform stays open, for the API's last requests; {@link #close} ends it.
     */
    public void drain(java.time.Duration grace, java.util.function.BooleanSupplier requestsDone) {
        invoker.drain(System.nanoTime() + grace.toNanos(), requestsDone);
    }

    @Override
    public void close() {
        blobCollector.close();
        invoker.close();
        directory.close();
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
        private InvocationRecorder invocations = InvocationRecorder.off();
        private InvocationMetrics metrics = InvocationMetrics.NONE;

        /** Where invocation records go; by default none are kept. The caller closes it after the platform. */
        public Builder invocations(InvocationRecorder recorder) {
            this.invocations = Objects.requireNonNull(recorder);
            return this;
        }

        /** Where invocations are counted for the operator's metrics; none by default. */
        public Builder metrics(InvocationMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

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
