package dev.tenantd.platform.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database files of tenants' data are their owner's alone, new ones and those an earlier version made. */
class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void a_new_file_is_made_owner_only_and_an_existing_one_and_its_journals_are_tightened() throws Exception {
        Path fresh = dir.resolve("new.sqlite");
        OwnerOnlyFiles.ensure(fresh);
        assertThat(mode(fresh)).isEqualTo("rw-------");

        Path old = dir.resolve("old.sqlite");
        Files.writeString(old, "data");
        Files.writeString(dir.resolve("old.sqlite-wal"), "journal");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve("old.sqlite-wal"), PosixFilePermissions.fromString("rw-rw-r--"));
        OwnerOnlyFiles.ensure(old);
        assertThat(mode(old)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("old.sqlite-wal"))).isEqualTo("rw-------");
        assertThat(old).hasContent("data");

        Path absent = dir.resolve("absent.sqlite");
        OwnerOnlyFiles.tighten(absent);
        assertThat(absent).as("tighten creates nothing").doesNotExist();
    }
}
