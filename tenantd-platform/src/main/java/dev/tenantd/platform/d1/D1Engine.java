package dev.tenantd.platform.d1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The database files and the threads that use them. Each database has a lane: its calls
 * run one after another (SQLite has one writer per file anyway), on a bounded pool of
 * threads named {@code tenantd-d1-N} that never is an event loop or a JS thread. A lane
 * keeps its file open between calls; when more than {@link D1Limits#openDatabases()} are
 * open, the least recently used is closed by a task on its own lane, after its last call.
 */
final class D1Engine implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(D1Engine.class);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The asker of the engine's own calls (closing files beyond the open limit). */
    private static final String INTERNAL = "tenantd";

    private final Path dir;
    private final D1Limits limits;
    private final ThreadPoolExecutor pool;
    /** One worker's calls hold at most a quarter of the threads, one account's through the API half (at least one). */
    private final AskerShares<Lane> shares = new AskerShares<>();
    /** Lanes by database id, in order of last use (access order). */
    private final LinkedHashMap<String, Lane> lanes = new LinkedHashMap<>(16, 0.75f, true);
    private int openCount;

    D1Engine(Path dir, D1Limits limits) {
        this.dir = dir;
        this.limits = limits;
        AtomicInteger ids = new AtomicInteger();
        // One slot per database that may wait, and a few more for the catalogue's own work.
        this.pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "tenantd-d1-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    ThreadPoolExecutor pool() {
        return pool;
    }

    /** Database files open now. */
    int openFiles() {
        synchronized (lanes) {
            return openCount;
        }
    }

    Path file(String uuid) {
        if (!UUID.matcher(uuid).matches()) {
            throw new IllegalArgumentException("not a database id: " + uuid);
        }
        return dir.resolve(uuid + ".sqlite");
    }

    /** Runs work on the pool, off any lane (catalogue reads and writes). */
    <T> CompletableFuture<T> background(java.util.concurrent.Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(overloaded());
        }
        return result;
    }

    /**
     * Runs work with the database's open file, after the database's earlier calls, on one of
     * the threads {@code asker} (a worker, or an account through the API) may hold.
     */
    <T> CompletableFuture<T> withDatabase(String asker, String uuid, Function<OpenDatabase, T> work) {
        Path file = file(uuid);
        return lane(uuid).submit(asker, lane -> {
            if (lane.db != null && !lane.db.isOpen()) {
                lane.closeFile();
            }
            if (lane.db == null) {
                lane.db = OpenDatabase.open(file, limits, OpenDatabase.OpenMode.EXISTING);
                opened(uuid);
            }
            return work.apply(lane.db);
        });
    }

    /** Creates the database's file (empty, in WAL mode). */
    CompletableFuture<Void> create(String asker, String uuid) {
        Path file = file(uuid);
        return lane(uuid).submit(asker, lane -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new D1Exception(D1Exception.Kind.INVALID, "cannot create the D1 directory: " + e.getMessage());
            }
            lane.db = OpenDatabase.open(file, limits, OpenDatabase.OpenMode.CREATE);
            opened(uuid);
            return null;
        });
    }

    /**
     * Moves the files of databases {@code exists} does not know (a database file and its
     * journals, by the id in its name) to {@code orphaned/}, where the operator decides: they
     * are left by a delete or create that stopped between file and row, or are the files of a
     * data directory restored without its database. Files of other names stay. Returns how many
     * databases' files were moved.
     */
    int setAsideFilesOfNone(java.util.function.Predicate<String> exists) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(
                "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.sqlite(-wal|-shm|-journal)?");
        java.util.Set<String> moved = new java.util.TreeSet<>();
        // A folder of this start's own: what an earlier start set aside is never replaced.
        Path orphaned = dir.resolve("orphaned").resolve(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
        java.util.List<Path> candidates;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            candidates = files.toList();
        } catch (IOException e) {
            LOG.warn("D1: cannot list {} for database files no account has: {}", dir, e.toString());
            return 0;
        }
        for (Path f : candidates) {
            java.util.regex.Matcher m = name.matcher(f.getFileName().toString());
            if (m.matches() && (moved.contains(m.group(1)) || !exists.test(m.group(1)))) {
                try {
                    Files.createDirectories(orphaned);
                    Files.move(f, orphaned.resolve(f.getFileName()));
                    moved.add(m.group(1));
                } catch (IOException e) {
                    LOG.warn("D1: cannot set aside {}: {}", f, e.toString());
                }
            }
        }
        if (!moved.isEmpty()) {
            LOG.warn("D1: the files of {} database(s) that no account has were moved to {}: {}. They were left by a "
                    + "delete or create that stopped, or the data directory was restored without tenantd.db; delete "
                    + "them once you know you do not need them.", moved.size(), orphaned, moved);
        }
        return moved.size();
    }

    /** Closes the database and deletes its files, after its earlier calls. */
    CompletableFuture<Void> delete(String asker, String uuid) {
        Path file = file(uuid);
        CompletableFuture<Void> done = lane(uuid).submit(asker, lane -> {
            lane.closeFile();
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                try {
                    Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
                } catch (IOException e) {
                    throw new D1Exception(D1Exception.Kind.INVALID, "cannot delete the database file: " + e.getMessage());
                }
            }
            return null;
        });
        return done.whenComplete((r, e) -> {
            synchronized (lanes) {
                lanes.remove(uuid);
            }
        });
    }

    /**
     * The threads {@code asker}'s calls may hold at once: a worker's a quarter, so that it takes
     * four tenants' slow queries to hold them all; the API's (an account's) and the engine's half.
     */
    private int shareOf(String asker) {
        return Math.max(1, D1Databases.isWorker(asker) ? limits.threads() / 4 : limits.threads() / 2);
    }

    private Lane lane(String uuid) {
        synchronized (lanes) {
            return lanes.computeIfAbsent(uuid, id -> new Lane());
        }
    }

    /** Counts a newly opened file and closes the least recently used ones beyond the limit. */
    private void opened(String uuid) {
        synchronized (lanes) {
            openCount++;
            int excess = openCount - limits.openDatabases();
            for (Map.Entry<String, Lane> e : lanes.entrySet()) {
                if (excess <= 0) {
                    break;
                }
                Lane lane = e.getValue();
                if (!e.getKey().equals(uuid) && lane.hasOpenFile && !lane.closing) {
                    lane.closing = true;
                    excess--;
                    lane.submit(INTERNAL, l -> {
                        l.closeFile();
                        return null;
                    }).whenComplete((ignored, refused) -> {
                        // Its queue was full or the pool refused: a later opening closes it instead.
                        if (refused != null) {
                            lane.closing = false;
                        }
                    });
                }
            }
        }
    }

    private D1Exception overloaded() {
        return new D1Exception(D1Exception.Kind.OVERLOADED, "too many D1 queries are waiting; try again shortly");
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(limits.queryTime().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lanes) {
            lanes.values().forEach(l -> {
                if (l.db != null) {
                    l.db.close();
                }
            });
            lanes.clear();
        }
    }

    /**
     * One database's calls, run one at a time in order on the pool. A lane with calls is
     * "running" from its first call until its queue is empty, whether a call is on a thread
     * or the lane waits for a share of the threads of its next call's asker.
     */
    private final class Lane {
        private final Queue<Task> queue = new ArrayDeque<>();
        private boolean running;
        /** Touched only by the task the lane is running. */
        private OpenDatabase db;
        private volatile boolean hasOpenFile;
        private volatile boolean closing;

        <T> CompletableFuture<T> submit(String asker, Function<Lane, T> work) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Task task = new Task(() -> {
                try {
                    T value = work.apply(this);
                    hasOpenFile = db != null && db.isOpen();
                    result.complete(value);
                } catch (Throwable e) {
                    hasOpenFile = db != null && db.isOpen();
                    result.completeExceptionally(e);
                }
            }, () -> result.completeExceptionally(overloaded()), asker);
            synchronized (this) {
                if (queue.size() >= limits.queuedPerDatabase()) {
                    result.completeExceptionally(overloaded());
                    return result;
                }
                queue.add(task);
                if (!running) {
                    running = true;
                    next();
                }
            }
            return result;
        }

        /** Starts the next call once its asker has a thread to spare; called with the lane's lock held. */
        private void next() {
            if (queue.isEmpty()) {
                running = false;
            } else if (shares.takeOrWait(queue.peek().asker(), shareOf(queue.peek().asker()), this)) {
                dispatch();
            }
        }

        /** The share of its next call's asker passed to this lane, which was waiting for it (its next call is still the same). */
        void resume() {
            synchronized (this) {
                dispatch();
            }
        }

        /** Runs the next call on the pool, holding one of its asker's shares; called with the lane's lock held. */
        private void dispatch() {
            Task task = queue.poll();
            try {
                pool.execute(() -> {
                    try {
                        task.run().run();
                    } finally {
                        shares.giveBack(task.asker()).ifPresent(Lane::resume);
                        synchronized (this) {
                            next();
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                running = false;
                task.reject().run();
                queue.forEach(t -> t.reject().run());
                queue.clear();
                shares.giveBack(task.asker()).ifPresent(Lane::resume);
            }
        }

        void closeFile() {
            if (db != null) {
                db.close();
                db = null;
                synchronized (lanes) {
                    openCount--;
                }
            }
            closing = false;
        }
    }

    /** A lane's call, what tells its caller when the pool refuses it, and whose share of the threads it takes. */
    private record Task(Runnable run, Runnable reject, String asker) {
    }
}
