package dev.tenantd.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * V8's code cache of workers' ES modules, kept on disk: an isolate that starts a module whose
 * cache is here deserializes the functions instead of parsing and compiling them, and so
 * also skips compiling the functions its first request runs.
 *
 * <p>The first isolate that compiles a module from source makes its cache at the end of
 * start-up (so an upload's validation leaves one behind, even if the server restarts before a
 * request), and again after its first invocation; an isolate that read a cache made at
 * start-up replaces it after its first invocation. The later cache also holds the functions
 * that request compiled. Caches are written off the JS thread.
 *
 * <p>Files are named by a SHA-256 of the engine build and V8's flags, the script's owner
 * ({@link WorkerSource#owner()}), the module's name and the module's source; each starts with a SHA-256 of its contents, checked
 * on every read, so a file cut short or changed is ignored and replaced. Only the server
 * writes these files (never anything a worker sends). A cache holds what the source alone
 * determines, no state of any isolate. The directory is kept under {@link #MAX_BYTES}: the
 * least recently written files go first.
 */
final class ModuleCodeCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleCodeCache.class);
    /** Caches of code shorter than this are not worth a file read. */
    static final int MIN_SOURCE_BYTES = 4 * 1024;
    static final long MAX_BYTES = 512L * 1024 * 1024;
    /** A file holding more than this is not a cache this server wrote: it is ignored. */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 64;
    private static final int DIGEST_BYTES = 32;
    /** The header: a SHA-256 of the rest, then whether the cache was made after an invocation. */
    private static final int HEADER_BYTES = DIGEST_BYTES + 1;
    private static final String SUFFIX = ".v8cache";

    private final Path dir;
    private final String engineBuild;
    private final Executor writer;
    private final long maxBytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong bytesSinceTrim = new AtomicLong();

    /**
     * @param engineBuild names the engine and V8's flags: caches made under others are never read
     * @param writer      where files are written (not a JS thread)
     */
    ModuleCodeCache(Path dir, String engineBuild, Executor writer, long maxBytes) {
        this.dir = dir;
        this.engineBuild = engineBuild;
        this.writer = writer;
        this.maxBytes = maxBytes;
        writer.execute(this::removeLeftovers);
    }

    /** How old a file being written is when it is taken for one a killed process left behind. */
    static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofMinutes(10);

    /**
     * Deletes the files of writes that never finished (the process was killed while writing):
     * they do not count toward the cache's size, so nothing else would ever remove them.
     */
    private void removeLeftovers() {
        long before = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".tmp") && Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("code cache leftovers not removed: {}", e.toString());
        }
    }

    /**
     * The key of a module: what its cache file is named by. The script's owner is part of it, so
     * that how fast one script starts says nothing about whether another has the same code.
     */
    String key(String owner, String moduleName, byte[] code) {
        MessageDigest sha = sha256();
        sha.update(engineBuild.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(owner.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(moduleName.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(code);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Whether {@code code} (UTF-8) is long enough to be worth caching. */
    static boolean worthCaching(byte[] code) {
        return code.length >= MIN_SOURCE_BYTES;
    }

    /**
     * A cache as read: {@code afterInvocation} when it was made after an invocation (and so also
     * holds the functions a request compiled), not only after start-up.
     */
    record Cached(byte[] data, boolean afterInvocation) {
    }

    /** The cache stored under {@code key}, if there is an intact one. */
    Optional<Cached> read(String key) {
        // The header and the data are read into arrays of their own, so that the data needs no copy.
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        byte[] data;
        try (FileChannel file = FileChannel.open(dir.resolve(key + SUFFIX), StandardOpenOption.READ)) {
            long size = file.size();
            if (size <= HEADER_BYTES || size - HEADER_BYTES > MAX_DATA_BYTES) {
                return Optional.empty();
            }
            data = new byte[(int) (size - HEADER_BYTES)];
            if (!readFully(file, header) || !readFully(file, ByteBuffer.wrap(data))) {
                return Optional.empty();
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("code cache {} unreadable: {}", key, e.toString());
            return Optional.empty();
        }
        byte[] head = header.array();
        MessageDigest sha = sha256();
        sha.update(head, DIGEST_BYTES, HEADER_BYTES - DIGEST_BYTES);
        sha.update(data);
        if (!MessageDigest.isEqual(Arrays.copyOf(head, DIGEST_BYTES), sha.digest())) {
            LOG.warn("code cache {} is damaged and is ignored", key);
            return Optional.empty();
        }
        hits.incrementAndGet();
        return Optional.of(new Cached(data, head[DIGEST_BYTES] == 1));
    }

    /** Fills {@code into} from the channel's position; false when the file ends first. */
    private static boolean readFully(FileChannel file, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (file.read(into) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Stores {@code data} under {@code key} on the writer; the caller does not wait. */
    void write(String key, byte[] data, boolean afterInvocation) {
        if (data == null || data.length == 0) {
            return;
        }
        writer.execute(() -> {
            try {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, key, ".tmp");
                try {
                    byte flag = (byte) (afterInvocation ? 1 : 0);
                    MessageDigest sha = sha256();
                    sha.update(flag);
                    sha.update(data);
                    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(sha.digest()).put(flag).flip();
                    try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        ByteBuffer[] parts = {header, ByteBuffer.wrap(data)};
                        while (parts[1].hasRemaining()) {
                            file.write(parts);
                        }
                    }
                    Files.move(tmp, dir.resolve(key + SUFFIX), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                writes.incrementAndGet();
                if (bytesSinceTrim.addAndGet(data.length) > maxBytes / 16) {
                    bytesSinceTrim.set(0);
                    trim();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("code cache {} not written: {}", key, e.toString());
            }
        });
    }

    /** Deletes the least recently written files until the directory holds at most {@code maxBytes}. */
    void trim() throws IOException {
        record Entry(Path path, long size, long modified) {
        }
        java.util.List<Entry> entries;
        try (Stream<Path> files = Files.list(dir)) {
            entries = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).map(p -> {
                try {
                    return new Entry(p, Files.size(p), Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    return new Entry(p, 0, 0);
                }
            }).sorted(Comparator.comparingLong(Entry::modified)).toList();
        }
        long total = entries.stream().mapToLong(Entry::size).sum();
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            Files.deleteIfExists(e.path());
            total -= e.size();
        }
    }

    /** Caches read intact since start. */
    long hits() {
        return hits.get();
    }

    /** Caches written since start. */
    long writes() {
        return writes.get();
    }

    Path dir() {
        return dir;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
