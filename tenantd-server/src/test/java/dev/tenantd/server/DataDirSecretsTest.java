package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The secrets tenantd keeps in its data directory are readable by their owner only, and never printed. */
class DataDirSecretsTest {
    @TempDir
    Path dir;

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void the_generated_token_is_kept_owner_only_and_its_path_is_printed_not_the_token() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--data-dir", dir.toString(),
                "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--account-id", "acct")
                .redirectErrorStream(true);
        builder.environment().remove("TENANTD_API_TOKEN");
        builder.environment().remove("TENANTD_SECRET_KEY");
        Process p = builder.start();
        List<String> lines = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.strip().startsWith("token:")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Path tokenFile = dir.resolve("api-token");
        String token = Files.readString(tokenFile).strip();
        assertThat(token).hasSize(40);
        assertThat(String.join("\n", lines)).as("what tenantd printed").doesNotContain(token)
                .contains("token:   in " + tokenFile.toAbsolutePath());
        assertThat(mode(tokenFile)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("secret.key"))).isEqualTo("rw-------");
        // The databases of tenants' data, and their journals, whatever the test's umask.
        List<Path> databases;
        try (var files = Files.walk(dir)) {
            databases = files.filter(f -> f.getFileName().toString().matches(".*\\.(db|sqlite)(-wal|-shm)?")).toList();
        }
        assertThat(databases).extracting(f -> f.getFileName().toString()).contains("tenantd.db", "invocations.sqlite");
        for (Path database : databases) {
            assertThat(mode(database)).as(database.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void a_data_directory_tenantd_makes_is_its_owners_only() throws Exception {
        Path fresh = dir.resolve("nested").resolve("data");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--data-dir", fresh.toString(), "--api-token", "t");
        serve.resolve();
        assertThat(mode(fresh)).isEqualTo("rwx------");
    }

    @Test
    void token_and_key_files_that_others_could_read_are_made_owner_only_at_start() throws Exception {
        Assumptions.assumeTrue(System.getenv("TENANTD_API_TOKEN") == null && System.getenv("TENANTD_SECRET_KEY") == null,
                "the environment gives the token or the key, so tenantd keeps neither in a file");
        Path tokenFile = dir.resolve("api-token");
        Files.writeString(tokenFile, "an-older-token\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--data-dir", dir.toString());
        assertThat(serve.resolve().apiToken()).isEqualTo("an-older-token");
        assertThat(mode(tokenFile)).isEqualTo("rw-------");

        Path keyFile = dir.resolve("secret.key");
        Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-rw-r--"));
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
        }
        assertThat(mode(keyFile)).isEqualTo("rw-------");
    }
}
