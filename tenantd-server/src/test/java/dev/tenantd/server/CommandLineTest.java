package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI contract: bad flags exit 2 with a message; config and flags merge with flags winning. */
class CommandLineTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void unknown_flag_exits_2_with_a_message() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "serve", "--no-such-flag")).isEqualTo(2);
        assertThat(err.toString()).contains("--no-such-flag");
    }

    @Test
    void invalid_listen_address_and_route_exit_2() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "serve", "--data-dir", dir.toString(), "--listen", "nonsense")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen must be HOST:PORT");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "serve", "--data-dir", dir.toString(), "--route", "no-equals-sign")).isEqualTo(2);
        assertThat(err2.toString()).contains("PATTERN=SCRIPT");
    }

    @Test
    void config_file_supplies_routes_and_flags_override_it() throws Exception {
        Path toml = dir.resolve("tenantd.toml");
        Files.writeString(toml, """
                listen = "127.0.0.1:9000"
                account-id = "from-file"
                [[routes]]
                pattern = "*.localhost/*"
                script = "dispatcher"
                """);
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", toml.toString(), "--data-dir", dir.toString(),
                "--listen", "127.0.0.1:9100", "--api-token", "t");
        ServerConfig config = serve.resolve();
        assertThat(config.listen().port()).isEqualTo(9100);
        assertThat(config.accountId()).isEqualTo("from-file");
        assertThat(config.apiListen().port()).isEqualTo(8788);
        assertThat(config.routes()).extracting(r -> r.pattern() + "=" + r.script()).containsExactly("*.localhost/*=dispatcher");
    }

    @Test
    void server_table_sets_listener_timeouts_and_caps_over_the_defaults() throws Exception {
        Path toml = dir.resolve("server.toml");
        Files.writeString(toml, """
                [server]
                header-timeout-ms = 5000
                max-connections-per-ip = 32
                max-request-body-mb = 2048
                shutdown-grace-ms = 25000
                """);
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", toml.toString(), "--data-dir", dir.toString(), "--api-token", "t");
        ListenerLimits limits = serve.resolve().listenerLimits();
        assertThat(limits.headerTimeoutMs()).isEqualTo(5000);
        assertThat(limits.maxConnectionsPerIp()).isEqualTo(32);
        assertThat(limits.maxRequestBodyBytes()).isEqualTo(2048L * 1024 * 1024);
        assertThat(limits.shutdownGraceMs()).isEqualTo(25_000);
        assertThat(ListenerLimits.defaults().shutdownGraceMs()).isEqualTo(5_000);
        assertThat(ListenerLimits.defaults().maxRequestBodyMb()).isEqualTo(100);
        assertThat(limits.idleTimeoutMs()).isEqualTo(ListenerLimits.defaults().idleTimeoutMs());
        assertThat(limits.maxConnections()).isEqualTo(ListenerLimits.defaults().maxConnections());
    }

    /** What {@code serve} resolves with {@code toml} as its config file. */
    private ServerConfig resolved(String toml) throws Exception {
        Path file = dir.resolve("resolved.toml");
        Files.writeString(file, toml);
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", file.toString(), "--data-dir", dir.toString(), "--api-token", "t");
        return serve.resolve();
    }

    /** {@code serve} with {@code toml} as its config file exits 2 with {@code message} on stderr. */
    private void refused(String toml, String message) throws Exception {
        Path file = dir.resolve("refused.toml");
        Files.writeString(file, toml);
        StringWriter err = new StringWriter();
        assertThat(run(err, "serve", "--config", file.toString(), "--data-dir", dir.toString())).as(toml).isEqualTo(2);
        assertThat(err.toString()).as(toml).contains(message);
    }

    @Test
    void kv_table_sets_the_namespace_limit_and_bad_values_exit_2() throws Exception {
        assertThat(resolved("[kv]\nnamespace-mb = 5\n").kv()).isEqualTo(new dev.tenantd.platform.kv.KvSettings(5L << 20));
        assertThat(resolved("").kv().namespaceBytes()).isEqualTo(1L << 30);
        refused("[kv]\nnamespace = 5\n", "unknown key [kv] namespace");
        for (String value : new String[] {"0", "1.5", "\"5\"", "9007199254740993"}) {
            refused("[kv]\nnamespace-mb = " + value + "\n", "[kv] namespace-mb must be a whole number from 1 to");
        }
        refused("kv = 5\n", "[kv] must be a table");
        assertThat(resolved("[kv]\nnamespaces-per-account = 3\n").kv()).isEqualTo(new dev.tenantd.platform.kv.KvSettings(1L << 30, 3));
        assertThat(resolved("").kv().namespacesPerAccount()).isEqualTo(1_000);
        for (String value : new String[] {"0", "2.5", "\"3\"", "1000001"}) {
            refused("[kv]\nnamespaces-per-account = " + value + "\n", "[kv] namespaces-per-account must be a whole number from 1 to");
        }
    }

    @Test
    void d1_table_sets_the_limits_and_bad_values_exit_2() throws Exception {
        assertThat(resolved("[d1]\ndatabases-per-account = 7\nquery-time-ms = 1500\n").d1())
                .isEqualTo(dev.tenantd.platform.d1.D1Limits.defaults().withDatabasesPerAccount(7)
                        .withQueryTime(java.time.Duration.ofMillis(1500)));
        assertThat(resolved("").d1().databasesPerAccount()).isEqualTo(50_000);
        refused("[d1]\ndatabases = 5\n", "unknown key [d1] databases");
        for (String value : new String[] {"0", "2.5", "\"3\"", "4294967296"}) {
            refused("[d1]\ndatabases-per-account = " + value + "\n", "[d1] databases-per-account must be a whole number, 1 or more");
        }
    }

    @Test
    void cache_table_sets_the_cache_caps_and_bad_values_exit_2() throws Exception {
        ServerConfig config = resolved("[cache]\nmax-size-mb = 50\nmax-object-mb = 5\n");
        assertThat(config.cache()).isEqualTo(new dev.tenantd.platform.cache.CacheLimits(50L << 20, 5L << 20, 2));
        assertThat(config.cache().maxOwnerBytes()).isEqualTo((50L << 20) / 4);
        assertThat(resolved("[cache]\nmax-size-mb = 50\nmax-object-mb = 5\nmax-owner-mb = 20\n").cache().maxOwnerBytes())
                .isEqualTo(20L << 20);
        refused("[cache]\nmax-size = 5\n", "unknown key [cache] max-size");
        refused("[cache]\nmax-size-mb = 0\n", "max-size-mb must be a whole number, 1 or more");
        refused("[cache]\nmax-size-mb = 10\nmax-object-mb = 20\n", "max-object-mb cannot be larger than max-size-mb");
        refused("[cache]\nmax-size-mb = 10\nmax-object-mb = 2\nmax-owner-mb = 11\n", "max-owner-mb must lie between");
        refused("[cache]\nmax-size-mb = 10\nmax-object-mb = 2\nmax-owner-mb = 1\n", "max-owner-mb must lie between");
    }

    @Test
    void bad_server_table_exits_2_naming_the_key() throws Exception {
        for (String[] bad : new String[][] {
                {"idle-timeout = 5", "unknown key [server] idle-timeout"},
                {"body-timeout-ms = 0", "body-timeout-ms must be 1 or more"},
                {"max-request-body-mb = 0", "max-request-body-mb must be 1 or more"},
                {"shutdown-grace-ms = -1", "shutdown-grace-ms must be 0 to 3600000"},
                {"max-connections = \"many\"", "max-connections must be a whole number"}}) {
            Path toml = dir.resolve("bad-server.toml");
            Files.writeString(toml, "[server]\n" + bad[0] + "\n");
            StringWriter err = new StringWriter();
            assertThat(run(err, "serve", "--config", toml.toString(), "--data-dir", dir.toString())).isEqualTo(2);
            assertThat(err.toString()).contains(bad[1]);
        }
    }

    @Test
    void bad_config_file_exits_2() throws Exception {
        Path toml = dir.resolve("broken.toml");
        Files.writeString(toml, "listen = [unclosed");
        StringWriter err = new StringWriter();
        assertThat(run(err, "serve", "--config", toml.toString(), "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not valid TOML");
    }

    @Test
    void the_account_id_made_on_first_start_is_kept_and_an_empty_file_is_refused_saying_what_to_do() throws Exception {
        Main.Serve first = new Main.Serve();
        new CommandLine(first).parseArgs("--data-dir", dir.toString(), "--api-token", "t");
        String made = first.resolve().accountId();
        assertThat(made).matches("[0-9a-f]{32}");
        assertThat(DataDirSecretsTest.mode(dir.resolve("account-id"))).isEqualTo("rw-------");
        Main.Serve again = new Main.Serve();
        new CommandLine(again).parseArgs("--data-dir", dir.toString(), "--api-token", "t");
        assertThat(again.resolve().accountId()).isEqualTo(made);

        // as a power cut right after the first start can leave it
        Files.writeString(dir.resolve("account-id"), "");
        StringWriter err = new StringWriter();
        assertThat(run(err, "serve", "--data-dir", dir.toString(), "--api-token", "t")).isEqualTo(2);
        assertThat(err.toString()).contains("account-id is empty; delete it and tenantd makes a new one");
    }

    @Test
    void the_start_up_warm_up_is_3_s_unless_the_file_or_a_flag_says_otherwise_and_bad_values_exit_2() throws Exception {
        Main.Serve defaults = new Main.Serve();
        new CommandLine(defaults).parseArgs("--data-dir", dir.toString(), "--api-token", "t");
        defaults.resolve();
        assertThat(defaults.warmUp()).isEqualTo(java.time.Duration.ofSeconds(3));

        Path toml = dir.resolve("warm-up.toml");
        Files.writeString(toml, "warm-up-ms = 0\n");
        Main.Serve fromFile = new Main.Serve();
        new CommandLine(fromFile).parseArgs("--config", toml.toString(), "--data-dir", dir.toString(), "--api-token", "t");
        fromFile.resolve();
        assertThat(fromFile.warmUp()).isZero();
        Main.Serve flagWins = new Main.Serve();
        new CommandLine(flagWins).parseArgs("--config", toml.toString(), "--warm-up-ms", "1500", "--data-dir",
                dir.toString(), "--api-token", "t");
        flagWins.resolve();
        assertThat(flagWins.warmUp()).isEqualTo(java.time.Duration.ofMillis(1500));

        for (String[] bad : new String[][] {{"-1", "warm-up-ms must be 0 (no warm-up) to 60000 (got -1)"},
                {"60001", "warm-up-ms must be 0 (no warm-up) to 60000 (got 60001)"}, {"soon", "--warm-up-ms"}}) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "serve", "--data-dir", dir.toString(), "--warm-up-ms", bad[0])).isEqualTo(2);
            assertThat(err.toString()).contains(bad[1]);
        }
        for (String[] bad : new String[][] {{"\"3s\"", "--config: warm-up-ms must be a whole number"},
                {"1.5", "--config: warm-up-ms must be a whole number"}, {"-5", "(got -5)"}}) {
            Files.writeString(toml, "warm-up-ms = " + bad[0] + "\n");
            StringWriter err = new StringWriter();
            assertThat(run(err, "serve", "--config", toml.toString(), "--data-dir", dir.toString())).isEqualTo(2);
            assertThat(err.toString()).contains(bad[1]);
        }
    }

    @Test
    void unknown_top_level_keys_wrong_types_and_out_of_range_counts_exit_2() throws Exception {
        refused("data_dir = \"/srv/tenantd\"\n", "--config: unknown key data_dir; known: [account-id, api-listen");
        refused("listen = 8787\n", "--config: listen must be a string (in quotes), got 8787");
        refused("js-threads = 0\n", "--config: js-threads must be a whole number from 1 to 1024 (got 0)");
        refused("js-threads = \"four\"\n", "js-threads must be a whole number from 1 to 1024");
        refused("js-threads = 2.5\n", "js-threads must be a whole number from 1 to 1024");
        // 2^32 + 128 read as an int was 128.
        refused("[limits]\nmemory-mb = 4294967424\n", "--config: [limits] memory-mb must be a whole number up to 2147483647");
        refused("[limits]\nsubrequests = 1.5\n", "[limits] subrequests must be a whole number");
        refused("[limits]\nmemory-mb = -4294967168\n", "[limits] memory-mb must be a whole number");
        // Counted in nanoseconds by the server, where 10^13 ms would overflow into a negative budget.
        refused("[limits]\nstartup-ms = 10000000000000\n", "[limits] startup-ms must be a whole number up to 31536000000");
        refused("[limits]\nbuffered-bodies-mb = 9007199254740993\n", "[limits] buffered-bodies-mb must be a whole number");
        refused("[limits]\nresident-mb = 100\n", "[limits] resident-mb must be 0 (not kept) or at least 256");
        refused("[limits]\nresident-mb = -1\n", "[limits] resident-mb must be 0 (not kept) or at least 256");
        refused("[limits]\nwait-until-ms = 0\n", "waitUntil after the response 0 ms");

        Path toml = dir.resolve("threads.toml");
        Files.writeString(toml, "js-threads = 3\n[limits]\ncpu-ms = 4294967296\nresident-mb = 4096\nwait-until-ms = 5000\n");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", toml.toString(), "--data-dir", dir.toString(), "--api-token", "t");
        ServerConfig config = serve.resolve();
        assertThat(config.jsThreads()).isEqualTo(3);
        assertThat(config.limits().cpuMs()).isEqualTo(4294967296L);
        assertThat(config.limits().invocation().afterResponseMs()).isEqualTo(5_000);
        assertThat(dev.tenantd.platform.Limits.defaults().invocation().afterResponseMs()).isEqualTo(30_000);
        assertThat(config.capacity().residentBytes()).isEqualTo(4096L * 1024 * 1024);
        assertThat(ServerConfig.Capacity.defaults().residentBytes()).as("kept by default")
                .isEqualTo(ServerConfig.Capacity.defaultResidentBytes()).isPositive();
    }

    @Test
    void the_api_token_is_taken_without_surrounding_white_space_and_an_empty_or_spaced_one_exits_2() throws Exception {
        Main.Serve serve = new Main.Serve();
        // As a secret mounted from a file gives it: with its newline.
        new CommandLine(serve).parseArgs("--data-dir", dir.toString(), "--api-token", "  a-token-from-a-file\n");
        assertThat(serve.resolve().apiToken()).isEqualTo("a-token-from-a-file");
        for (String[] bad : new String[][] {{"", "the API token (--api-token, TENANTD_API_TOKEN or api-token) is empty"},
                {" \n", "is empty"}, {"two words", "only visible ASCII characters, no spaces"}}) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "serve", "--data-dir", dir.toString(), "--api-token", bad[0])).as(bad[0]).isEqualTo(2);
            assertThat(err.toString()).contains(bad[1]);
        }
        refused("api-token = \"\"\n", "is empty");
    }

    @Test
    void one_address_for_both_listeners_exits_2_and_a_port_in_use_exits_1_saying_so() throws Exception {
        StringWriter same = new StringWriter();
        assertThat(run(same, "serve", "--data-dir", dir.toString(), "--api-token", "t", "--listen", "127.0.0.1:8899",
                "--api-listen", "127.0.0.1:8899")).isEqualTo(2);
        assertThat(same.toString()).contains("--listen and --api-listen must differ (both are 127.0.0.1:8899)");

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "serve", "--data-dir", dir.toString(), "--api-token", "t", "--warm-up-ms", "0",
                    "--listen", "127.0.0.1:" + taken.getLocalPort(), "--api-listen", "127.0.0.1:0")).isEqualTo(1);
            assertThat(err.toString()).startsWith("tenantd serve: cannot start: ").contains("Address already in use")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void a_secret_key_that_is_not_32_bytes_of_base64_is_refused_saying_what_it_must_be() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TenantdServer.checkSecretKey("not base64!"))
                .hasMessageContaining("TENANTD_SECRET_KEY is not base64")
                .hasMessageContaining("openssl rand -base64 32");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TenantdServer.checkSecretKey("AAAA"))
                .hasMessageContaining("TENANTD_SECRET_KEY holds 3 bytes; the key is 32 bytes in base64");
        assertThat(TenantdServer.checkSecretKey(java.util.Base64.getEncoder().encodeToString(new byte[32]))).hasSize(32);
        assertThat(TenantdServer.checkSecretKey(" ")).isNull();
    }

    @Test
    void a_kept_secret_file_is_written_whole_and_an_empty_one_is_refused_saying_what_to_do() throws Exception {
        Path token = dir.resolve("api-token");
        assertThat(SecretFiles.readOrCreate(token, () -> "made")).isEqualTo("made");
        assertThat(Files.readString(token)).isEqualTo("made\n");
        assertThat(SecretFiles.readOrCreate(token, () -> "other")).isEqualTo("made");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no partial file left").containsExactly("api-token");
        }
        assertThat(DataDirSecretsTest.mode(token)).isEqualTo("rw-------");

        // A partial copy a process killed while making the file left behind holds the secret: it goes.
        Path left = Files.writeString(dir.resolve("api-token.partial-0123abcd"), "killed");
        Files.setLastModifiedTime(left, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - SecretFiles.LEFTOVER_AGE.toMillis() - 60_000));
        Path making = Files.writeString(dir.resolve("api-token.partial-4567cdef"), "being made");
        assertThat(SecretFiles.readOrCreate(token, () -> "other")).isEqualTo("made");
        assertThat(left).doesNotExist();
        assertThat(making).as("another process may be making it").exists();

        Files.writeString(token, "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SecretFiles.readOrCreate(token, () -> "new"))
                .hasMessageContaining(token + " is empty; delete it and tenantd makes a new one");
        assertThat(Files.readString(token)).as("left as it was").isEqualTo("\n");
    }
}
