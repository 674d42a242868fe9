package dev.tenantd.platform.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing blobs nothing refers to: only those older than the cutoff go, and a put that finds
 * its blob already stored makes it new again, so a collection cannot take a blob an upload has
 * just counted on.
 */
class BlobStoreCollectTest {
    @TempDir
    Path dir;

    private static final Instant NOW = Instant.now();
    private static final Instant CUTOFF = NOW.minus(Duration.ofHours(2));

    private Path file(String hash) {
        return dir.resolve(hash.substring(0, 2)).resolve(hash);
    }

    private void age(String hash, Duration by) throws Exception {
        Files.setLastModifiedTime(file(hash), FileTime.from(NOW.minus(by)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unreferenced_blobs_older_than_the_cutoff_go_and_the_rest_stay() throws Exception {
        BlobStore blobs = new BlobStore(dir);
        String old = blobs.put(bytes("old and unused"), "a test blob");
        String used = blobs.put(bytes("old and used"), "a test blob");
        String fresh = blobs.put(bytes("new and unused"), "a test blob");
        age(old, Duration.ofHours(3));
        age(used, Duration.ofHours(3));
        Files.writeString(dir.resolve(old.substring(0, 2)).resolve("not-a-blob"), "left alone");

        BlobStore.Collected collected = blobs.collect(Set.of(used)::contains, CUTOFF);

        assertThat(collected.blobs()).isEqualTo(1);
        assertThat(collected.bytes()).isEqualTo(bytes("old and unused").length);
        assertThat(file(old)).doesNotExist();
        assertThat(blobs.get(used)).isEqualTo(bytes("old and used"));
        assertThat(blobs.get(fresh)).isEqualTo(bytes("new and unused"));
        assertThat(dir.resolve(old.substring(0, 2)).resolve("not-a-blob")).exists();
        assertThat(dir.resolve("tmp")).isDirectory();
    }

    @Test
    void a_put_that_finds_its_blob_stored_keeps_it_from_the_next_collection() throws Exception {
        BlobStore blobs = new BlobStore(dir);
        String hash = blobs.put(bytes("shared module"), "a test blob");
        age(hash, Duration.ofHours(3));

        assertThat(blobs.put(bytes("shared module"), "a test blob")).isEqualTo(hash);
        assertThat(blobs.collect(h -> false, CUTOFF).blobs()).isZero();
        assertThat(blobs.get(hash)).isEqualTo(bytes("shared module"));

        // once collected, the same content is stored again whole
        age(hash, Duration.ofHours(3));
        assertThat(blobs.collect(h -> false, CUTOFF).blobs()).isEqualTo(1);
        assertThat(file(hash)).doesNotExist();
        assertThat(blobs.put(bytes("shared module"), "a test blob")).isEqualTo(hash);
        assertThat(blobs.get(hash)).isEqualTo(bytes("shared module"));
    }
}
