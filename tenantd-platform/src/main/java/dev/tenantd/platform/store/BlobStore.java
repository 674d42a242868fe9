package dev.tenantd.platform.store;

import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed files: a blob is stored once under its SHA-256 and never
 * changed. Writes go to a temporary file, are fsynced, then renamed into place,
 * so a crash leaves either no blob or a whole one (and at most a temporary file,
 * removed at the next start). A failed write removes its temporary file. Reads
 * check the content against its hash: a blob changed on disk is never used. A blob read
 * again whose file has the size and modification time it had when it was checked is not
 * hashed again: a site's files are read for every request anyone sends.
 * Blobs nothing refers to any more are removed by {@link #collect}.
 */
public final class BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private final Path root;
    private final ReadWriteLock gate = new ReentrantReadWriteLock();
    /** Blobs checked against their hash, with their file's size and modification time then. */
    private final java.util.concurrent.ConcurrentHashMap<String, FileStamp> checked = new java.util.concurrent.ConcurrentHashMap<>();
    /** How many blobs' checks are remembered; past this, a tenth of them are forgotten and checked again. */
    static final int MAX_CHECKED = 100_000;
    private final int maxChecked;
    private final java.util.concurrent.atomic.AtomicLong hashings = new java.util.concurrent.atomic.AtomicLong();

    private record FileStamp(long size, long modifiedNanos) {
        static FileStamp of(Path file) throws IOException {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return new FileStamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }
    }

    public BlobStore(Path root) {
        this(root, MAX_CHECKED);
    }

    BlobStore(Path root, int maxChecked) {
        this.root = root;
        this.maxChecked = maxChecked;
        try {
            Files.createDirectories(root.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create blob directory " + root, e);
        }
        removeUnfinishedWrites();
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stores content and returns its hash. {@code what} says what the content is
     * ({@code "the worker's modules"}), for the error a full disk gives.
     */
    public String put(byte[] content, String what) {
        String hash = sha256(content);
        // Shared with other puts; a collection removes a blob only while it holds the gate alone.
        gate.readLock().lock();
        try {
            return store(content, hash, what);
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Flushes a directory's entries to the disk; a file system that cannot (or a platform without it) is left as it is. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here: the rename stands as the file system keeps it
        }
    }

    private String store(byte[] content, String hash, String what) {
        Path target = path(hash);
        if (Files.exists(target)) {
            if (intact(target, hash) && touch(target)) {
                return hash;
            }
            LOG.warn("blob {} at {} is damaged; the same content is being stored again and replaces it", hash, target);
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(root.resolve("tmp"), hash, ".part");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                // A write may take only part of the buffer (a file size limit does that): write until
                // everything is written or the file system refuses with an error.
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The new name is on the disk too before a row that names the blob is committed: a
            // power cut must not keep the row and lose the file's directory entry.
            // And the prefix directory's own entry, which this put or another may just have made.
            syncDirectory(target.getParent());
            syncDirectory(target.getParent().getParent());
            return hash;
        } catch (IOException e) {
            deleteQuietly(tmp);
            if (isFull(e, content.length)) {
                LOG.error("cannot store {} ({} bytes) under {}: {}", what, content.length, root, e.toString());
                throw new PlatformException(Problem.STORAGE_FULL, "Cannot store " + what + ": the file system under "
                        + root.toAbsolutePath() + " refused the write (" + reason(e) + "). Free space there or raise "
                        + "the limit, then try again; everything stored before is unchanged.");
            }
            throw new UncheckedIOException("cannot store " + what + " under " + root.toAbsolutePath() + ": " + reason(e), e);
        }
    }

    /** The content stored under {@code hash}, checked against it. */
    public byte[] get(String hash) {
        Path file = path(hash);
        byte[] content;
        FileStamp stamp;
        try {
            stamp = FileStamp.of(file);
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.error("blob {} is missing: {} does not exist", hash, file.toAbsolutePath());
            throw new PlatformException(Problem.STORAGE_DAMAGED, "Stored content " + hash + " is missing from the "
                    + "blob store; restore it from a backup or upload again.");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + file.toAbsolutePath() + ": " + reason(e), e);
        }
        if (stamp.equals(checked.get(hash)) && content.length == stamp.size() && unchanged(file, stamp)) {
            return content;
        }
        hashings.incrementAndGet();
        String actual = sha256(content);
        if (!actual.equals(hash)) {
            checked.remove(hash);
            LOG.error("blob {} is damaged: {} holds {} bytes whose SHA-256 is {}; it is not used", hash,
                    file.toAbsolutePath(), content.length, actual);
            throw new PlatformException(Problem.STORAGE_DAMAGED, "Stored content " + hash + " is damaged: it no "
                    + "longer matches its SHA-256, so it is not used (the server log names the file). Restore it "
                    + "from a backup or upload again.");
        }
        if (checked.size() >= maxChecked) {
            // A tenth forgotten, every tenth in the map's order (spread over all of it), rather
            // than all of them: the blobs read all the time are not hashed again all at once.
            int[] position = {0};
            checked.keySet().removeIf(blob -> position[0]++ % 10 == 0);
        }
        checked.put(hash, stamp);
        return content;
    }

    /** Whether the file still has {@code stamp}: not changed while it was being read. */
    private static boolean unchanged(Path file, FileStamp stamp) {
        try {
            return FileStamp.of(file).equals(stamp);
        } catch (IOException e) {
            return false;
        }
    }

    /** How many reads hashed their blob's content (for tests). */
    long hashings() {
        return hashings.get();
    }

    /**
     * Marks a blob that a put found already stored as just written, so that a collection running
     * now does not remove it before whatever the put is for refers to it.
     */
    private static boolean touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a collection removed. */
    public record Collected(int blobs, long bytes) {
    }

    /**
     * Removes the blobs that {@code referenced} does not name and that were last written (or
     * found by a put) before {@code writtenBefore}. {@code referenced} must say yes to everything
     * stored that refers to a blob at the moment the collection starts; what a put stores or finds
     * after that moment is newer than {@code writtenBefore}, which must lie before that moment.
     */
    public Collected collect(Predicate<String> referenced, Instant writtenBefore) {
        int removed = 0;
        long bytes = 0;
        try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(root, p -> p.getFileName().toString()
                .matches("[0-9a-f]{2}") && Files.isDirectory(p))) {
            for (Path prefix : prefixes) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
                    for (Path file : files) {
                        String hash = file.getFileName().toString();
                        if (!hash.matches("[0-9a-f]{64}") || !hash.startsWith(prefix.getFileName().toString())
                                || referenced.test(hash)) {
                            continue;
                        }
                        long size = removeIfOlder(file, writtenBefore);
                        if (size >= 0) {
                            removed++;
                            bytes += size;
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("blob collection under {} stopped early: {}", root, e.toString());
        }
        if (removed > 0) {
            LOG.info("removed {} blob(s) nothing refers to any more ({} bytes) from {}", removed, bytes, root);
        }
        return new Collected(removed, bytes);
    }

    /** Removes {@code file} if it was last written before {@code cutoff}: its size, or -1 if it stays. */
    private long removeIfOlder(Path file, Instant cutoff) {
        gate.writeLock().lock();
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            if (!attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                return -1;
            }
            Files.delete(file);
            return attributes.size();
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            LOG.warn("cannot remove the unused blob {}: {}", file, e.toString());
            return -1;
        } finally {
            gate.writeLock().unlock();
        }
    }

    private static boolean intact(Path file, String hash) {
        try {
            return sha256(Files.readAllBytes(file)).equals(hash);
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the temporary files of writes that a crash interrupted. */
    private void removeUnfinishedWrites() {
        int removed = 0;
        try (DirectoryStream<Path> left = Files.newDirectoryStream(root.resolve("tmp"), "*.part")) {
            for (Path p : left) {
                Files.deleteIfExists(p);
                removed++;
            }
        } catch (IOException e) {
            LOG.warn("cannot remove unfinished blob writes in {}: {}", root.resolve("tmp"), e.toString());
        }
        if (removed > 0) {
            LOG.info("removed {} unfinished blob write(s) from {}", removed, root.resolve("tmp"));
        }
    }

    /**
     * Whether a failed write means there is no room: ENOSPC, EDQUOT or EFBIG (a file
     * size limit), which Java reports only by their message, or too little usable
     * space left for the content.
     */
    private boolean isFull(IOException e, long needed) {
        String message = reason(e).toLowerCase(Locale.ROOT);
        if (message.contains("no space left") || message.contains("quota") || message.contains("file too large")) {
            return true;
        }
        try {
            return Files.getFileStore(root).getUsableSpace() < needed;
        } catch (IOException unknown) {
            return false;
        }
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : String.valueOf(e.getMessage());
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot remove the unfinished blob write {}: {}", file, e.toString());
        }
    }

    private Path path(String hash) {
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hash: " + hash);
        }
        return root.resolve(hash.substring(0, 2)).resolve(hash);
    }
}
