package dev.tenantd.platform.d1;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL files uploaded for {@code wrangler d1 execute --remote --file}: wrangler asks for an
 * upload URL ({@code init}), PUTs the file there without an API token (the URL carries its
 * own secret), then asks for it to be run ({@code ingest}) naming the file and its MD5.
 * Files wait under {@code <data-dir>/d1/imports} for an hour at most.
 */
public final class D1Imports {
    private static final Duration KEEP = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final D1Limits limits;
    /** Imports an account may have begun and not ingested or let expire. */
    static final int MAX_PENDING = 16;

    private final Map<String, Pending> bySecret = new ConcurrentHashMap<>();
    private final Map<String, Pending> byFilename = new ConcurrentHashMap<>();
    /** Secrets whose upload is being read now: one at a time each. */
    private final java.util.Set<String> uploading = ConcurrentHashMap.newKeySet();

    D1Imports(Path dir, D1Limits limits) {
        this.dir = dir;
        this.limits = limits;
        // Imports waiting are known only to the process that began them: an earlier one's files are nobody's.
        if (Files.isDirectory(dir)) {
            try (java.util.stream.Stream<Path> left = Files.list(dir)) {
                for (Path f : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(D1Imports.class).warn("D1: cannot remove earlier imports' files in {}: {}",
                        dir, e.toString());
            }
        }
    }

    /** Where to upload the file ({@code secret} goes into the upload URL) and the name to ingest it by. */
    public record Ticket(String secret, String filename) {
    }

    /** A finished import: statements run, rows read and written, duration, database size after. */
    public record Outcome(int numQueries, long rowsRead, long rowsWritten, double durationMs, long sizeAfter,
            long changes, boolean changedDb) {
        static Outcome of(List<D1Result> results, double durationMs) {
            long read = 0;
            long written = 0;
            long changes = 0;
            boolean changed = false;
            long size = 0;
            for (D1Result r : results) {
                read += r.meta().rowsRead();
                written += r.meta().rowsWritten();
                changes += r.meta().changes();
                changed |= r.meta().changedDb();
                size = r.meta().sizeAfter();
            }
            return new Outcome(results.size(), read, written, durationMs, size, changes, changed);
        }
    }

    /** An import begun; {@code expires} on the monotonic clock ({@link System#nanoTime}). */
    private record Pending(String accountId, String uuid, String etag, String filename, String secret, long expires) {
        Path file(Path dir) {
            return dir.resolve(filename);
        }
    }

    /** Synchronized: the count of an account's imports and the one added are one step. */
    synchronized Ticket begin(D1Database db, String etag) {
        sweep();
        if (bySecret.values().stream().filter(p -> p.accountId().equals(db.accountId())).count() >= MAX_PENDING) {
            throw new D1Exception(D1Exception.Kind.OVERLOADED, "the account has " + MAX_PENDING + " imports begun and "
                    + "not ingested; ingest them, or wait for them to expire, then try again");
        }
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String secretHex = HexFormat.of().formatHex(secret);
        String filename = UUID.randomUUID() + ".sql";
        Pending p = new Pending(db.accountId(), db.uuid(), etag, filename, secretHex,
                System.nanoTime() + KEEP.toNanos());
        bySecret.put(secretHex, p);
        byFilename.put(filename, p);
        return new Ticket(secretHex, filename);
    }

    long maxBytes() {
        return limits.importBytes();
    }

    /** Whether an upload URL with this secret was handed out and is still valid. */
    boolean expects(String secret) {
        Pending p = bySecret.get(secret);
        return p != null && !expired(p, System.nanoTime());
    }

    /** Takes the upload URL for one upload; false if another upload to it is being read. */
    boolean claim(String secret) {
        return uploading.add(secret);
    }

    /** The upload that {@link #claim claimed} the URL has ended, one way or another. */
    void release(String secret) {
        uploading.remove(secret);
    }

    /** Stores an upload and returns its MD5 in hex. */
    String accept(String secret, byte[] content) {
        Pending p = bySecret.get(secret);
        if (p == null || expired(p, System.nanoTime())) {
            throw new D1Exception(D1Exception.Kind.NOT_FOUND, "this upload URL is not valid (or has expired); run the "
                    + "command again");
        }
        if (content.length > limits.importBytes()) {
            throw new D1Exception(D1Exception.Kind.INVALID, "the SQL file is larger than " + limits.importBytes()
                    + " bytes, the most tenantd imports at once");
        }
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "upload-", ".tmp");
            Files.write(temp, content);
            Files.move(temp, p.file(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new D1Exception(D1Exception.Kind.INVALID, "cannot store the uploaded SQL file: " + e.getMessage());
        } finally {
            deleteQuietly(temp); // gone already once moved; left after a failure (a full disk) otherwise
        }
        return md5(content);
    }

    /** The SQL of an uploaded file, once: it must belong to this database and have the MD5 given. */
    String take(D1Database db, String filename, String etag) {
        Pending p = byFilename.get(filename);
        if (p == null || !p.accountId().equals(db.accountId()) || !p.uuid().equals(db.uuid())) {
            throw new D1Exception(D1Exception.Kind.INVALID, "no uploaded file '" + filename + "' for this database; "
                    + "start with action 'init'");
        }
        // Claimed before it is read: of two ingests naming the file at once, one runs it.
        if (!byFilename.remove(filename, p)) {
            throw new D1Exception(D1Exception.Kind.INVALID, "the file '" + filename + "' is being ingested already");
        }
        boolean taken = false;
        Path file = p.file(dir);
        try {
            if (!Files.exists(file)) {
                throw new D1Exception(D1Exception.Kind.INVALID, "the file '" + filename + "' has not been uploaded yet");
            }
            byte[] content = Files.readAllBytes(file);
            if (!etag.equalsIgnoreCase(md5(content))) {
                throw new D1Exception(D1Exception.Kind.INVALID, "the uploaded file's MD5 is not the etag given; upload it again");
            }
            taken = true;
            forget(p);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new D1Exception(D1Exception.Kind.INVALID, "the SQL file is not UTF-8 text");
        } catch (IOException e) {
            throw new D1Exception(D1Exception.Kind.INVALID, "cannot read the uploaded SQL file: " + e.getMessage());
        } finally {
            if (!taken && bySecret.get(p.secret()) == p) {
                // Not run, and not expired meanwhile: a later ingest (once it is uploaded, or with
                // the right MD5) may take it.
                byFilename.putIfAbsent(filename, p);
            }
        }
    }

    private void forget(Pending p) {
        bySecret.remove(p.secret());
        byFilename.remove(p.filename());
        try {
            Files.deleteIfExists(p.file(dir));
        } catch (IOException e) {
            // an undeleted file is removed by the next sweep's owner, or with the data directory
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next start empties the directory
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        bySecret.values().stream().filter(p -> expired(p, now)).toList().forEach(this::forget);
    }

    /**
     * Whether {@code p} is past its time at {@code now}, both on the monotonic clock ({@link
     * System#nanoTime}): a wall clock stepped back must not keep imports (and their room) for longer.
     */
    private static boolean expired(Pending p, long now) {
        return now - p.expires() > 0;
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
