package dev.tenantd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data directory: a second one on the same directory would remove the first's
 * files in progress (half-written cache bodies, its warm-up's directory) as leftovers of a
 * crash, and each would serve its own view of scripts the other changes. The lock is the
 * operating system's on {@code tenantd.lock} in the directory, so it goes with the process
 * that holds it, however that process ends; the file holds that process's id for the message.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "tenantd.lock";

    /**
     * The lock files this process holds. The operating system's locks are the process's, and
     * closing any descriptor of a file lets all of them go: a second look at a held file must not
     * open it.
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process (or this one) holds the data directory. */
    static final class InUse extends Exception {
        InUse(String message) {
            super(message);
        }
    }

    /** Takes the lock of {@code dataDir}, which exists, or says who holds it. */
    static DataDirLock take(Path dataDir) throws IOException, InUse {
        Path file = dataDir.toRealPath().resolve(FILE);
        if (!HELD.add(file)) {
            throw inUse(dataDir, " (process " + ProcessHandle.current().pid() + ")");
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHereByAnotherPath) {
                // This process holds it (through a link or a bind mount): closing this descriptor
                // would let that lock go, so it stays open.
                throw inUse(dataDir, " (process " + ProcessHandle.current().pid() + ")");
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw inUse(dataDir, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirLock(file, channel, lock);
        } catch (IOException | InUse | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static InUse inUse(Path dataDir, String holder) {
        return new InUse("the data directory " + dataDir.toAbsolutePath() + " is in use by another tenantd" + holder
                + "; stop that one first, or give this one another --data-dir");
    }

    /** " (process N)" as the holder wrote it, or nothing when it cannot be read. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer read = ByteBuffer.allocate(32);
            channel.read(read, 0);
            String pid = new String(read.array(), 0, read.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,19}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(file);
        }
    }
}
