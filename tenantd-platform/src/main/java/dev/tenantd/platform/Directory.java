package dev.tenantd.platform;

import dev.tenantd.platform.store.Store;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read model of the request path: every account's namespaces and scripts as the store
 * has them, all held in memory (loaded at start), and the routes. Serving a request never
 * reads the store, so no event loop or JS thread waits on it, and a request for a name that
 * does not exist costs nothing. Commands write to the store and then tell the directory what
 * changed ({@link #apply}); it reads just that again, on the command's thread. A namespace's
 * script count is not served from here (it changes with every upload): listings read the store.
 * A read that fails (the store's read connections all busy, say) changes nothing here and is
 * tried again in the background until it succeeds: the change is stored, and the request path
 * follows it as soon as it can be read.
 */
public final class Directory implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Directory.class);
    /** The longest wait between two tries of a change that could not be read. */
    static final long MAX_RETRY_MS = 5_000;
    private final Store store;
    private final String defaultAccountId;
    private final String workersDevDomain;
    private final List<Route> routes;
    private final RouteTable<ScriptRef> routeTable;
    /** {@code .<workers-dev-domain>}: a plain worker's host ends with it. */
    private final String workersDevSuffix;

    private final ConcurrentHashMap<ScriptRef, Script> scripts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Namespace> namespacesById = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService retries =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tenantd-directory");
                t.setDaemon(true);
                return t;
            });

    Directory(Store store, String defaultAccountId, String workersDevDomain, List<Route> routes) {
        this.store = store;
        this.defaultAccountId = defaultAccountId;
        this.workersDevDomain = workersDevDomain;
        this.routes = List.copyOf(routes);
        this.routeTable = new RouteTable<>(this.routes, route -> ScriptRef.plain(defaultAccountId, route.script()));
        this.workersDevSuffix = "." + workersDevDomain;
        for (Account account : store.accounts()) {
            store.scripts(account.id(), ScriptRef.PLAIN).forEach(s -> scripts.put(s.ref(), s));
            for (Namespace ns : store.namespaces(account.id())) {
                namespaces.put(key(account.id(), ns.name()), ns);
                namespacesById.put(ns.id(), ns);
                store.scripts(account.id(), ns.id()).forEach(s -> scripts.put(s.ref(), s));
            }
        }
    }

    /**
     * Reads again what a stored change touched. Changes to one entry are applied one at a time,
     * each reading the latest state; one whose read fails is tried again later (see above).
     */
    public void apply(Change change) {
        try {
            applyNow(change);
        } catch (RuntimeException e) {
            LOG.warn("directory: reading a stored change failed ({}); trying again in the background: {}", change,
                    e.toString());
            retry(change, 100);
        }
    }

    private void retry(Change change, long delayMs) {
        try {
            retries.schedule(() -> {
                try {
                    applyNow(change);
                    LOG.info("directory: {} read", change);
                } catch (RuntimeException e) {
                    retry(change, Math.min(MAX_RETRY_MS, delayMs * 2));
                }
            }, delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // The server is stopping.
        }
    }

    private void applyNow(Change change) {
        switch (change) {
            case Change.Script s -> scripts.compute(s.ref(), (ref, old) -> store.script(ref).orElse(null));
            case Change.Namespace n -> namespacesById.compute(n.namespaceId(), (id, old) -> {
                // Read first: a read that fails leaves both maps as they were.
                Namespace now = store.namespaceById(id).orElse(null);
                // A name is let go only while it still names this namespace: another with the
                // same name, made meanwhile (after a delete or a rename), keeps it.
                removeName(n.accountId(), n.name(), id);
                if (old != null) {
                    removeName(n.accountId(), old.name(), id);
                }
                if (now != null) {
                    namespaces.put(key(n.accountId(), now.name()), now);
                }
                return now;
            });
            case Change.NamespaceDeleted n -> namespacesById.compute(n.namespaceId(), (id, old) -> {
                removeName(n.accountId(), n.name(), id);
                if (old != null) {
                    removeName(n.accountId(), old.name(), id);
                }
                scripts.keySet().removeIf(ref -> ref.namespaceId().equals(id));
                return null;
            });
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }

    /** Lets go of {@code name} if it names the namespace {@code id}. */
    private void removeName(String accountId, String name, String id) {
        namespaces.computeIfPresent(key(accountId, name), (k, named) -> named.id().equals(id) ? null : named);
    }

    /** The script, or empty if there is none by that name. */
    public Optional<Script> script(ScriptRef ref) {
        return Optional.ofNullable(scripts.get(ref));
    }

    /**
     * The account's user workers (scripts of its dispatch namespaces) that carry any of
     * {@code tags} now, read from memory: no store query, whatever the number of scripts.
     */
    public List<Script> userWorkersTagged(String accountId, java.util.Collection<String> tags) {
        List<Script> tagged = new java.util.ArrayList<>();
        for (Script s : scripts.values()) {
            if (s.ref().accountId().equals(accountId) && s.ref().namespace().isPresent()
                    && s.tags().stream().anyMatch(tags::contains)) {
                tagged.add(s);
            }
        }
        return tagged;
    }

    /** A namespace by name, for the request path (its script count may be stale). */
    public Optional<Namespace> namespace(String accountId, String name) {
        return Optional.ofNullable(namespaces.get(key(accountId, name)));
    }

    public Optional<Namespace> namespaceById(String namespaceId) {
        return Optional.ofNullable(namespacesById.get(namespaceId));
    }

    public String defaultAccountId() {
        return defaultAccountId;
    }

    public List<Route> routes() {
        return routes;
    }

    /** The domain under which {@code <script>.<domain>} serves a plain worker ({@code workers-dev-domain}). */
    public String workersDevDomain() {
        return workersDevDomain;
    }

    /**
     * Serves worker traffic: the most specific route for the host and path, else
     * {@code <script>.<workers-dev-domain>} for a plain worker whose workers.dev switch is on
     * (see {@link WorkersDevSwitch}).
     */
    public Optional<ScriptRef> routeFor(String host, String path) {
        String h = host == null ? "" : withoutPort(host).toLowerCase(Locale.ROOT);
        Optional<ScriptRef> routed = routeTable.match(h, path);
        if (routed.isPresent()) {
            return routed;
        }
        if (h.endsWith(workersDevSuffix)) {
            String name = h.substring(0, h.length() - workersDevSuffix.length());
            if (!name.contains(".")) {
                ScriptRef ref = ScriptRef.plain(defaultAccountId, name);
                Script script = scripts.get(ref);
                return script == null || WorkersDevSwitch.enabled(script.settingsJson()) ? Optional.of(ref) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code host} without a trailing {@code :digits} (the port), on every request: no regular expression. */
    static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || colon == host.length() - 1) {
            return host;
        }
        for (int i = colon + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return host;
            }
        }
        return host.substring(0, colon);
    }

    private static String key(String accountId, String name) {
        return accountId + "/" + name;
    }
}
