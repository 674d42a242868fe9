package dev.tenantd.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.PlatformException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads of blobs: checked against their hash once, and again whenever their file changed. */
class BlobStoreReadTest {
    @TempDir
    Path dir;

    @Test
    void a_blob_read_again_unchanged_is_not_hashed_again_and_one_changed_on_disk_is_refused() throws Exception {
        BlobStore blobs = new BlobStore(dir);
        byte[] content = "<h1>genuine</h1>".getBytes(StandardCharsets.UTF_8);
        String hash = blobs.put(content, "a test file");
        assertThat(blobs.get(hash)).isEqualTo(content);
        assertThat(blobs.get(hash)).isEqualTo(content);
        assertThat(blobs.hashings()).as("checked once").isEqualTo(1);

        // Same size, other bytes, a later modification time: checked again, and refused.
        Path file = dir.resolve(hash.substring(0, 2)).resolve(hash);
        Files.writeString(file, "<h1>tampered</h1>".substring(0, content.length));
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
        assertThatThrownBy(() -> blobs.get(hash)).isInstanceOf(PlatformException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> blobs.get(hash)).as("and again").isInstanceOf(PlatformException.class);
        assertThat(blobs.hashings()).isEqualTo(3);
    }

    @Test
    void past_the_most_checks_remembered_only_a_tenth_are_forgotten() {
        BlobStore blobs = new BlobStore(dir, 20);
        java.util.List<String> hashes = new java.util.ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            hashes.add(blobs.put(("page " + i).getBytes(StandardCharsets.UTF_8), "a test file"));
        }
        hashes.forEach(blobs::get);
        assertThat(blobs.hashings()).isEqualTo(21);
        // The 21st check made room by forgetting two; reading the first ten again hashes those
        // of them that went (and any that their checks pushed out), a few, not all ten.
        hashes.subList(0, 10).forEach(blobs::get);
        assertThat(blobs.hashings() - 21).isLessThanOrEqualTo(4);
    }
}
