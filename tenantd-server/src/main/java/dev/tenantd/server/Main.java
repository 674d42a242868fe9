package dev.tenantd.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.cache.CacheLimits;
import dev.tenantd.platform.d1.D1Limits;
import dev.tenantd.platform.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tenantd} command line. */
@Command(name = "tenantd", mixinStandardHelpOptions = true, version = "tenantd 0.1.0",
        description = "Self-hostable Workers for Platforms.",
        subcommands = {Main.Serve.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run tenantd: worker traffic and the Cloudflare-compatible API.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Where state lives (default ./data).")
        Path dataDir;

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Worker traffic (default 127.0.0.1:8787).")
        String listen;

        @Option(names = "--api-listen", paramLabel = "HOST:PORT", description = "API and health check (default 127.0.0.1:8788).")
        String apiListen;

        @Option(names = "--account-id", paramLabel = "ID", description = "The default account's id (default: made once, kept in the data dir).")
        String accountId;

        @Option(names = "--api-token", paramLabel = "TOKEN", description = "Bootstrap API token (also env TENANTD_API_TOKEN; default: made once, kept in the data dir).")
        String apiToken;

        @Option(names = "--route", paramLabel = "PATTERN=SCRIPT", description = "Send a host/path pattern to a plain worker, e.g. '*.example.com/*=dispatcher'. Repeatable.")
        List<String> routes = new ArrayList<>();

        @Option(names = "--config", paramLabel = "FILE", description = "A tenantd.toml; flags override it.")
        Path configFile;

        @Option(names = "--warm-up-ms", paramLabel = "MS", description = "Before the listeners open, load a throwaway "
                + "server in this process for this long, so the first requests find the server's code compiled; 0 skips it "
                + "(default 3000; also warm-up-ms in tenantd.toml).")
        Long warmUpMs;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The file that holds the API token when tenantd made it (no flag, variable or config gave one). */
        private Optional<Path> keptTokenFile = Optional.empty();

        /** How long {@link StartupWarmUp} loads its throwaway server; zero: no warm-up. */
        private java.time.Duration warmUp = StartupWarmUp.DEFAULT_LOAD;

        /** The start-up warm-up's load, once {@link #resolve} ran. */
        java.time.Duration warmUp() {
            return warmUp;
        }

        @Override
        public Integer call() throws Exception {
            ServerConfig config;
            try {
                config = resolve();
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("tenantd serve: " + e.getMessage());
                return 2;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // The data directory or a file in it that cannot be made or read.
                spec.commandLine().getErr().println("tenantd serve: " + rootMessage(e));
                return 1;
            }
            DataDirLock held;
            try {
                held = DataDirLock.take(config.dataDir());
            } catch (DataDirLock.InUse e) {
                spec.commandLine().getErr().println("tenantd serve: " + e.getMessage());
                return 1;
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("tenantd serve: cannot lock the data directory: " + rootMessage(e));
                return 1;
            }
            if (!warmUp.isZero()) {
                System.out.printf("tenantd is warming up (--warm-up-ms %d; 0 skips it)%n", warmUp.toMillis());
                warmUp(config, warmUp);
            }
            TenantdServer server;
            try {
                server = TenantdServer.start(config);
            } catch (Exception e) {
                spec.commandLine().getErr().println("tenantd serve: cannot start: " + rootMessage(e));
                held.close();
                return 1;
            }
            // The token itself is never printed: terminal scrollback and service logs are read by more people than the data dir.
            System.out.printf("tenantd is serving%n  workers: http://%s:%d%n  API:     http://%s:%d/client/v4%n"
                            + "  account: %s%n  token:   %s%n",
                    config.listen().host(), server.port(), config.apiListen().host(), server.apiPort(),
                    config.accountId(), keptTokenFile.map(f -> "in " + f.toAbsolutePath() + " (readable by its owner only)")
                            .orElse("as given"));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                dev.tenantd.server.logging.LogSetup.flushWorkerLines();
                try {
                    held.close();
                } catch (java.io.IOException e) {
                    // the process ends: the operating system lets the lock go
                }
                stop.countDown();
            }));
            StopSignals.install(System.err);
            stop.await();
            return 0;
        }

        /** The innermost cause's message ("Address already in use", a file that cannot be written), with its type. */
        static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? "" : root.getMessage();
            String outer = error.getMessage() == null || error == root ? "" : error.getMessage();
            return (outer.isEmpty() || outer.contains(message) ? "" : outer + ": ") + root.getClass().getSimpleName()
                    + (message.isEmpty() ? "" : ": " + message);
        }

        static void warmUp(ServerConfig config, java.time.Duration load) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StartupWarmUp.class);
            long start = System.nanoTime();
            try {
                StartupWarmUp.Result r = StartupWarmUp.run(config, load);
                log.info("start-up warm-up: {} requests ({} failed), {} isolates evicted under it, in {} ms",
                        r.requests(), r.failures(), r.evictions(), (System.nanoTime() - start) / 1_000_000);
            } catch (Exception e) {
                // The warm-up only saves the first requests some time: the server starts without it.
                log.warn("start-up warm-up skipped: {}", e.toString());
            }
        }

        ServerConfig resolve() throws Exception {
            JsonNode file = null;
            if (configFile != null) {
                if (!Files.isReadable(configFile)) {
                    throw new IllegalArgumentException("--config: cannot read " + configFile);
                }
                try {
                    file = new TomlMapper().readTree(configFile.toFile());
                } catch (Exception e) {
                    throw new IllegalArgumentException("--config: " + configFile + " is not valid TOML: "
                            + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            checkTopLevel(file);
            Path dir = dataDir != null ? dataDir : Path.of(text(file, "data-dir", "data"));
            SecretFiles.createPrivateDirectory(dir);
            ServerConfig.HostPort worker = ServerConfig.HostPort.parse(
                    listen != null ? listen : text(file, "listen", "127.0.0.1:8787"), "--listen");
            ServerConfig.HostPort api = ServerConfig.HostPort.parse(
                    apiListen != null ? apiListen : text(file, "api-listen", "127.0.0.1:8788"), "--api-listen");
            String account = accountId != null ? accountId : text(file, "account-id", null);
            if (account == null) {
                account = kept(dir.resolve("account-id"));
            }
            if (!account.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("--account-id must be 1 to 64 letters, digits, '-' or '_'");
            }
            // A blank variable is an unset one (compose files pass unset variables as empty), as for TENANTD_SECRET_KEY.
            String fromEnv = System.getenv("TENANTD_API_TOKEN");
            String token = apiToken != null ? apiToken : fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
            if (token == null) {
                token = text(file, "api-token", null);
            }
            if (token != null) {
                token = checkedToken(token);
            } else {
                Path tokenFile = dir.resolve("api-token");
                token = SecretFiles.readOrCreate(tokenFile, () -> SecretFiles.randomHex(20));
                keptTokenFile = Optional.of(tokenFile);
            }
            if (worker.equals(api) && worker.port() != 0) {
                throw new IllegalArgumentException("--listen and --api-listen must differ (both are " + worker.host() + ":"
                        + worker.port() + ")");
            }
            TenantdServer.checkSecretKey(System.getenv("TENANTD_SECRET_KEY"));
            List<Route> allRoutes = new ArrayList<>();
            if (file != null && file.has("routes")) {
                for (JsonNode r : file.get("routes")) {
                    if (!r.path("pattern").isTextual() || !r.path("script").isTextual()) {
                        throw new IllegalArgumentException("--config: every [[routes]] needs pattern and script strings");
                    }
                    allRoutes.add(Route.parse(r.get("pattern").asText() + "=" + r.get("script").asText()));
                }
            }
            for (String r : routes) {
                try {
                    allRoutes.add(Route.parse(r));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--route: " + e.getMessage());
                }
            }
            Limits limits = limits(file == null ? null : file.get("limits"));
            long warmUpMs = this.warmUpMs != null ? this.warmUpMs
                    : file != null && file.has("warm-up-ms") ? wholeNumber(file.get("warm-up-ms"), "warm-up-ms")
                    : StartupWarmUp.DEFAULT_LOAD.toMillis();
            if (warmUpMs < 0 || warmUpMs > MAX_WARM_UP_MS) {
                throw new IllegalArgumentException("warm-up-ms must be 0 (no warm-up) to " + MAX_WARM_UP_MS + " (got "
                        + warmUpMs + ")");
            }
            warmUp = java.time.Duration.ofMillis(warmUpMs);
            int threads = file != null && file.has("js-threads")
                    ? (int) wholeNumber(file.get("js-threads"), "js-threads", 1, MAX_JS_THREADS)
                    : Runtime.getRuntime().availableProcessors();
            EgressPolicy egress;
            try {
                egress = EgressPolicy.fromJson(file == null ? null : file.get("egress"), "[egress]");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
            return new ServerConfig(dir, worker, api, account, token, allRoutes,
                    text(file, "workers-dev-domain", "localhost"), limits, egress, threads,
                    listenerLimits(file == null ? null : file.get("server")), capacity(file == null ? null : file.get("limits")))
                    .withD1(d1Limits(file == null ? null : file.get("d1")))
                    .withCache(cacheLimits(file == null ? null : file.get("cache")))
                    .withKv(kvSettings(file == null ? null : file.get("kv")))
                    .withObservability(observability(file == null ? null : file.get("observability")))
                    .withMetrics(dev.tenantd.server.metrics.MetricsConfig.fromToml(file == null ? null : file.get("metrics")));
        }

        /** {@code [d1]} of tenantd.toml over the defaults: how long a query may run, how large things may grow. */
        static D1Limits d1Limits(JsonNode table) {
            D1Limits d = D1Limits.defaults();
            if (table == null || table.isNull()) {
                return d;
            }
            if (!table.isObject()) {
                throw new IllegalArgumentException("--config: [d1] must be a table");
            }
            java.util.Set<String> known = java.util.Set.of("query-time-ms", "result-mb", "database-mb", "import-mb",
                    "open-databases", "threads", "queued-per-database", "databases-per-account");
            table.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("--config: unknown key [d1] " + k + "; known: " + known);
                }
                if (!table.get(k).isIntegralNumber() || !table.get(k).canConvertToInt() || table.get(k).asLong() < 1) {
                    throw new IllegalArgumentException("--config: [d1] " + k + " must be a whole number, 1 or more");
                }
            });
            long mb = 1024L * 1024;
            return new D1Limits(java.time.Duration.ofMillis(table.path("query-time-ms").asLong(d.queryTime().toMillis())),
                    table.has("result-mb") ? table.get("result-mb").asLong() * mb : d.resultBytes(),
                    table.has("database-mb") ? table.get("database-mb").asLong() * mb : d.databaseBytes(),
                    table.has("import-mb") ? table.get("import-mb").asLong() * mb : d.importBytes(),
                    table.path("open-databases").asInt(d.openDatabases()), table.path("threads").asInt(d.threads()),
                    table.path("queued-per-database").asInt(d.queuedPerDatabase()),
                    table.path("databases-per-account").asInt(d.databasesPerAccount()));
        }

        /** {@code [observability]} of tenantd.toml over the defaults: invocation records, their retention and sampling. */
        static dev.tenantd.platform.observability.ObservabilitySettings observability(JsonNode table) {
            try {
                return dev.tenantd.platform.observability.ObservabilitySettings.fromToml(table);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** {@code [kv]} of tenantd.toml over the defaults: how much one namespace may hold. */
        static dev.tenantd.platform.kv.KvSettings kvSettings(JsonNode table) {
            try {
                return dev.tenantd.platform.kv.KvSettings.fromToml(table);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** {@code [cache]} of tenantd.toml over the defaults: the Cache API's disk cap and largest response. */
        static CacheLimits cacheLimits(JsonNode table) {
            CacheLimits d = CacheLimits.defaults();
            if (table == null || table.isNull()) {
                return d;
            }
            if (!table.isObject()) {
                throw new IllegalArgumentException("--config: [cache] must be a table");
            }
            java.util.Set<String> known = java.util.Set.of("max-size-mb", "max-object-mb", "max-owner-mb", "threads");
            table.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("--config: unknown key [cache] " + k + "; known: " + known);
                }
                if (!table.get(k).isIntegralNumber() || !table.get(k).canConvertToInt() || table.get(k).asLong() < 1) {
                    throw new IllegalArgumentException("--config: [cache] " + k + " must be a whole number, 1 or more");
                }
            });
            long mb = 1024L * 1024;
            try {
                long total = table.has("max-size-mb") ? table.get("max-size-mb").asLong() * mb : d.maxTotalBytes();
                long object = table.has("max-object-mb") ? table.get("max-object-mb").asLong() * mb : d.maxObjectBytes();
                return new CacheLimits(total, object, table.path("threads").asInt(d.threads()),
                        table.has("max-owner-mb") ? table.get("max-owner-mb").asLong() * mb
                                : CacheLimits.defaultOwnerBytes(total, object));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** {@code [server]} of tenantd.toml over the defaults: timeouts and connection caps of each listener. */
        static ListenerLimits listenerLimits(JsonNode table) {
            ListenerLimits d = ListenerLimits.defaults();
            if (table == null || table.isNull()) {
                return d;
            }
            if (!table.isObject()) {
                throw new IllegalArgumentException("--config: [server] must be a table");
            }
            java.util.Set<String> known = java.util.Set.of("idle-timeout-ms", "header-timeout-ms", "body-timeout-ms",
                    "body-min-bytes-per-second", "max-connections", "max-connections-per-ip", "max-request-body-mb",
                    "shutdown-grace-ms");
            table.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("--config: unknown key [server] " + k + "; known: " + known);
                }
                if (!table.get(k).canConvertToInt()) {
                    throw new IllegalArgumentException("--config: [server] " + k + " must be a whole number");
                }
            });
            try {
                return new ListenerLimits(table.path("idle-timeout-ms").asLong(d.idleTimeoutMs()),
                        table.path("header-timeout-ms").asLong(d.headerTimeoutMs()),
                        table.path("body-timeout-ms").asLong(d.bodyTimeoutMs()),
                        table.path("body-min-bytes-per-second").asLong(d.bodyMinBytesPerSecond()),
                        table.path("max-connections").asInt(d.maxConnections()),
                        table.path("max-connections-per-ip").asInt(d.maxConnectionsPerIp()),
                        table.path("max-request-body-mb").asLong(d.maxRequestBodyMb()),
                        table.path("shutdown-grace-ms").asLong(d.shutdownGraceMs()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** {@code [limits]} of tenantd.toml over the defaults. */
        static Limits limits(JsonNode table) {
            Limits d = Limits.defaults();
            if (table == null || table.isNull()) {
                return d;
            }
            if (!table.isObject()) {
                throw new IllegalArgumentException("--config: [limits] must be a table");
            }
            java.util.Set<String> known = java.util.Set.of("cpu-ms", "memory-mb", "subrequests", "script-size-bytes",
                    "startup-ms", "log-bytes", "wall-time-ms", "live-isolates", "concurrent-invocations",
                    "wait-until-ms", "long-turns", "buffered-bodies-mb", "resident-mb");
            table.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("--config: unknown key [limits] " + k + "; known: " + known);
                }
                JsonNode value = table.get(k);
                long max = LIMITS_IN_MS.contains(k) ? MAX_LIMIT_MS
                        : LIMITS_IN_BYTES_OR_MS.contains(k) ? Long.MAX_VALUE : Integer.MAX_VALUE;
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() > max
                        || value.asLong() < Integer.MIN_VALUE) {
                    throw new IllegalArgumentException("--config: [limits] " + k + " must be a whole number up to " + max
                            + " (got " + value + ")");
                }
            });
            try {
                return new Limits(table.path("cpu-ms").asLong(d.cpuMs()), table.path("memory-mb").asInt(d.memoryMb()),
                        table.path("subrequests").asInt(d.subrequests()),
                        table.path("script-size-bytes").asLong(d.scriptSizeBytes()),
                        table.path("startup-ms").asLong(d.startupMs()), table.path("log-bytes").asInt(d.logBytes()),
                        table.path("wall-time-ms").asLong(d.wallTimeMs()),
                        table.path("live-isolates").asInt(d.liveIsolates()),
                        table.path("concurrent-invocations").asInt(d.concurrentInvocations()),
                        table.path("wait-until-ms").asLong(d.waitUntilMs()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** Keys of {@code [limits]} that take any long; the others are counts (and megabytes) that fit an int. */
        private static final java.util.Set<String> LIMITS_IN_BYTES_OR_MS = java.util.Set.of("cpu-ms", "script-size-bytes",
                "startup-ms", "wall-time-ms", "wait-until-ms");
        /** Keys of {@code [limits]} in milliseconds: the server counts them in nanoseconds, which must fit a long. */
        private static final java.util.Set<String> LIMITS_IN_MS = java.util.Set.of("cpu-ms", "startup-ms", "wall-time-ms",
                "wait-until-ms");
        /** The longest time a limit may give: a year (the server reckons in nanoseconds; any longer is no limit). */
        static final long MAX_LIMIT_MS = 365L * 24 * 3600 * 1000;

        /** The process-wide part of {@code [limits]} (checked for unknown keys by {@link #limits}). */
        static ServerConfig.Capacity capacity(JsonNode table) {
            ServerConfig.Capacity d = ServerConfig.Capacity.defaults();
            if (table == null || !table.isObject()) {
                return d;
            }
            try {
                return new ServerConfig.Capacity(table.path("long-turns").asInt(d.longTurns()),
                        // Ints (limits() checked them), so in bytes they fit a long.
                        table.has("buffered-bodies-mb") ? table.get("buffered-bodies-mb").asLong() * 1024 * 1024
                                : d.bufferedBodyBytes(),
                        table.has("resident-mb") ? table.get("resident-mb").asLong() * 1024 * 1024 : d.residentBytes());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }

        /** The longest start-up warm-up: a minute. */
        static final long MAX_WARM_UP_MS = 60_000;

        private static long wholeNumber(JsonNode value, String key) {
            if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                throw new IllegalArgumentException("--config: " + key + " must be a whole number of milliseconds, 0 to "
                        + MAX_WARM_UP_MS);
            }
            return value.asLong();
        }

        /** The most JS threads: far more than cores is only stacks and switching. */
        static final int MAX_JS_THREADS = 1024;

        /** A whole number from {@code min} to {@code max}, or an error naming the key. */
        private static long wholeNumber(JsonNode value, String key, long min, long max) {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
                throw new IllegalArgumentException("--config: " + key + " must be a whole number from " + min + " to " + max
                        + " (got " + value + ")");
            }
            return value.asLong();
        }

        /** The top-level keys of tenantd.toml, and which of them hold text. */
        private static final java.util.Set<String> TEXT_KEYS = java.util.Set.of("data-dir", "listen", "api-listen",
                "account-id", "api-token", "workers-dev-domain");
        private static final java.util.Set<String> TOP_LEVEL_KEYS = java.util.Set.of("data-dir", "listen", "api-listen",
                "account-id", "api-token", "workers-dev-domain", "routes", "warm-up-ms", "js-threads", "limits", "egress",
                "server", "d1", "cache", "kv", "observability", "metrics");

        /**
         * Refuses a key tenantd.toml does not know and a text setting given as something else: a
         * misspelt {@code data_dir} or a {@code listen = 8787} would otherwise leave the default in
         * place without a word (tenants' data in ./data, the listener on another port).
         */
        static void checkTopLevel(JsonNode file) {
            if (file == null) {
                return;
            }
            java.util.List<String> names = new java.util.ArrayList<>();
            file.fieldNames().forEachRemaining(names::add);
            for (String key : names) {
                if (!TOP_LEVEL_KEYS.contains(key)) {
                    throw new IllegalArgumentException("--config: unknown key " + key + "; known: "
                            + new java.util.TreeSet<>(TOP_LEVEL_KEYS));
                }
                if (TEXT_KEYS.contains(key) && !file.get(key).isTextual()) {
                    throw new IllegalArgumentException("--config: " + key + " must be a string (in quotes), got "
                            + file.get(key));
                }
            }
        }

        /**
         * The API token as given (flag, TENANTD_API_TOKEN or api-token), without surrounding
         * white space (a secret mounted from a file ends with a newline); an empty one, or one with
         * white space or control characters inside, is refused: no client could send it.
         */
        static String checkedToken(String given) {
            String token = given.strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("the API token (--api-token, TENANTD_API_TOKEN or api-token) is empty; "
                        + "give one, or none to have tenantd make one");
            }
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("the API token (--api-token, TENANTD_API_TOKEN or api-token) may hold "
                        + "only visible ASCII characters, no spaces");
            }
            return token;
        }

        private static String text(JsonNode file, String key, String fallback) {
            return file != null && file.path(key).isTextual() ? file.get(key).asText() : fallback;
        }

        /**
         * A random value made on first start and kept in a file, so restarts keep it; the file is
         * written whole and synced, as a secret's is (a restart after a power cut finds the same).
         */
        private static String kept(Path file) {
            return SecretFiles.readOrCreate(file, () -> SecretFiles.randomHex(16));
        }
    }
}
