package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native files unpacked into the cache directory after a start that was cut short. */
class V8NativeTest {
    @TempDir
    Path dir;

    @Test
    void a_file_cut_short_is_unpacked_again_and_a_killed_copy_leaves_nothing_for_good() throws Exception {
        long size = V8Native.class.getResource("/dev/tenantd/runtime/icu/" + V8Native.ICU_DATA_FILE).openConnection()
                .getContentLengthLong();
        assertThat(size).isGreaterThan(1_000_000);
        Path target = Files.writeString(dir.resolve(V8Native.ICU_DATA_FILE), "only the first bytes");
        Path left = Files.writeString(dir.resolve("tenantd123.part"), "a copy killed half-way");
        Files.setLastModifiedTime(left, FileTime.fromMillis(
                System.currentTimeMillis() - V8Native.LEFTOVER_AGE.toMillis() - 60_000));
        Path copying = Files.writeString(dir.resolve("tenantd456.part"), "another process copying now");

        assertThat(V8Native.unpackIcuData(dir)).isEqualTo(target);

        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(left).doesNotExist();
        assertThat(copying).exists();
        // whole now: left as it is
        FileTime written = Files.getLastModifiedTime(target);
        Files.setLastModifiedTime(target, FileTime.fromMillis(written.toMillis() - 10_000));
        V8Native.unpackIcuData(dir);
        assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(written.toMillis() - 10_000);
    }
}
