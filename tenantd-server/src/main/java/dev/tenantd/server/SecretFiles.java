package dev.tenantd.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in the data directory that hold secrets (the generated API token, the key
 * that seals secrets at rest): readable and writable by their owner only. A new
 * file is created with those permissions, so it is never readable by others, not
 * even between its creation and a later change of mode; an existing file that
 * others may read is tightened when tenantd starts.
 */
final class SecretFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFiles() {
    }

    /** {@code bytes} random bytes from a secure source, in hex: a token, an id. */
    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    /**
     * The file's content (stripped); when it does not exist yet, {@code make}'s value, written to
     * it first. The file appears whole or not at all: the value goes to a new file of its own,
     * flushed to the disk, which is then linked under the file's name (refused if another start
     * made it meanwhile). An empty file is refused with what to do.
     */
    static String readOrCreate(Path file, Supplier<String> make) {
        try {
            removeLeftovers(file);
            if (Files.exists(file)) {
                tighten(file);
                String value = Files.readString(file).strip();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(file + " is empty; delete it and tenantd makes a new one");
                }
                return value;
            }
            String value = make.get();
            Path partial = file.resolveSibling(file.getFileName() + ".partial-" + randomHex(8));
            try {
                create(partial);
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(partial,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap((value + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    channel.force(true);
                }
                try {
                    Files.createLink(file, partial);
                    syncDirectory(file.toAbsolutePath().getParent());
                } catch (FileAlreadyExistsException raced) {
                    return readOrCreate(file, make);
                } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
                    // A file system without hard links (some network and container mounts): a move
                    // that refuses a file that is there already (two starts at the very same moment
                    // may still both move; the last one's value is the file's).
                    try {
                        Files.move(partial, file);
                    } catch (FileAlreadyExistsException raced) {
                        return readOrCreate(file, make);
                    }
                }
            } finally {
                Files.deleteIfExists(partial);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** How old a partial file is when it is taken for one a killed process left behind. */
    static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofMinutes(10);

    /**
     * Deletes the partial copies of {@code file} that a process killed while making it left
     * behind: each holds a secret, and nothing else would ever remove it.
     */
    private static void removeLeftovers(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + ".partial-";
        long before = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(prefix)
                        && Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (java.nio.file.NoSuchFileException noDirectory) {
            // nothing to remove; making the file reports the missing directory
        }
    }

    /** Syncs a directory's entries to the disk, so that a file just linked into it survives a power cut. */
    static void syncDirectory(Path dir) {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory: the file is there, only less surely after a power cut.
            LOG.debug("cannot sync the directory {}: {}", dir, e.toString());
        }
    }

    private static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }

    /**
     * Makes the data directory if it does not exist, readable by its owner only: it holds every
     * tenant's data (KV values, D1 databases, logs, cached responses). An existing one is left as
     * it is, with a warning if other users can enter it.
     */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile: as for an existing one
            }
            return;
        }
        try {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
            if (now.contains(PosixFilePermission.OTHERS_EXECUTE) || now.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("the data directory {} can be read by other users ({}); it holds every tenant's data "
                        + "(chmod 700 it)", dir.toAbsolutePath(), PosixFilePermissions.toString(now));
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX permissions here
        }
    }

    private static void tighten(Path file) throws IOException {
        dev.tenantd.platform.store.OwnerOnlyFiles.tightenOne(file);
    }
}
