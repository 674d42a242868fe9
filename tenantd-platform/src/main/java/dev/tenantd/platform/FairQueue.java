package dev.tenantd.platform;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The work queue of a bounded pool that several tenants share (KV, the Cache API): each task
 * waits in its line (a KV namespace, a cache's owner), and the pool's threads take from the
 * lines in turn, one task each. A tenant that queues a thousand calls delays another tenant's
 * call by one of its own, not by all of them. It can fill its own line, {@code perLine} tasks,
 * but not the queue: the last quarter of the queue takes only tasks of lines with fewer than
 * {@value #SHORT_LINE} waiting, so even several full lines leave room for everyone else.
 *
 * <p>A task's line is the one named by {@link #in} around the call that hands it to the pool
 * ({@code executor.execute}, directly or through a wrapper that times it); a task handed over
 * outside {@code in} waits in the unnamed line. A refused offer makes the pool reject the
 * task ({@link java.util.concurrent.RejectedExecutionException}), as a full queue does.
 */
public final class FairQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
    private static final ThreadLocal<String> LINE = new ThreadLocal<>();
    /** A line with fewer tasks waiting than this may use the queue's reserve. */
    static final int SHORT_LINE = 8;

    private final int capacity;
    private final int perLine;
    /** The queue's last places, kept for short lines. */
    private final int reserve;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    /** The lines with tasks waiting, in the order they are served: one taken from, it goes to the end. */
    private final LinkedHashMap<String, ArrayDeque<Runnable>> lines = new LinkedHashMap<>();
    private int size;

    /** A queue of at most {@code capacity} tasks, at most {@code perLine} of them in one line. */
    public FairQueue(int capacity, int perLine) {
        if (capacity < 1 || perLine < 1 || perLine > capacity) {
            throw new IllegalArgumentException("a fair queue needs 1 <= perLine <= capacity");
        }
        this.capacity = capacity;
        this.perLine = perLine;
        this.reserve = capacity / 4;
    }

    /** Runs {@code handOver}; a task it queues here waits in {@code line}. */
    public static <T> T in(String line, Supplier<T> handOver) {
        Objects.requireNonNull(line, "line");
        String outer = LINE.get();
        LINE.set(line);
        try {
            return handOver.get();
        } finally {
            if (outer == null) {
                LINE.remove();
            } else {
                LINE.set(outer);
            }
        }
    }

    @Override
    public boolean offer(Runnable task) {
        Objects.requireNonNull(task);
        String line = Objects.requireNonNullElse(LINE.get(), "");
        lock.lock();
        try {
            ArrayDeque<Runnable> waiting = lines.get(line);
            int inLine = waiting == null ? 0 : waiting.size();
            if (size >= capacity || inLine >= perLine || (inLine >= SHORT_LINE && size >= capacity - reserve)) {
                return false;
            }
            if (waiting == null) {
                waiting = new ArrayDeque<>();
                lines.put(line, waiting);
            }
            waiting.add(task);
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(Runnable task, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!offer(task)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(Runnable task) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!offer(task)) {
                notFull.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next line's first task; that line goes to the end of the turn. Holds the lock. */
    private Runnable next() {
        Iterator<Map.Entry<String, ArrayDeque<Runnable>>> first = lines.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Runnable>> line = first.next();
        Runnable task = line.getValue().poll();
        first.remove();
        if (!line.getValue().isEmpty()) {
            lines.put(line.getKey(), line.getValue());
        }
        size--;
        notFull.signalAll();
        return task;
    }

    @Override
    public Runnable poll() {
        lock.lock();
        try {
            return size == 0 ? null : next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                notEmpty.await();
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable peek() {
        lock.lock();
        try {
            return size == 0 ? null : lines.firstEntry().getValue().peek();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int remainingCapacity() {
        lock.lock();
        try {
            return capacity - size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(Object task) {
        lock.lock();
        try {
            Iterator<Map.Entry<String, ArrayDeque<Runnable>>> all = lines.entrySet().iterator();
            while (all.hasNext()) {
                ArrayDeque<Runnable> line = all.next().getValue();
                if (line.remove(task)) {
                    if (line.isEmpty()) {
                        all.remove();
                    }
                    size--;
                    notFull.signalAll();
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the waiting tasks, line by line; removing through it removes from the queue. */
    @Override
    public Iterator<Runnable> iterator() {
        List<Runnable> copy = new ArrayList<>();
        lock.lock();
        try {
            lines.values().forEach(copy::addAll);
        } finally {
            lock.unlock();
        }
        Iterator<Runnable> snapshot = copy.iterator();
        return new Iterator<>() {
            private Runnable last;

            @Override
            public boolean hasNext() {
                return snapshot.hasNext();
            }

            @Override
            public Runnable next() {
                last = snapshot.next();
                return last;
            }

            @Override
            public void remove() {
                FairQueue.this.remove(last);
            }
        };
    }

    @Override
    public int drainTo(Collection<? super Runnable> to) {
        return drainTo(to, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> to, int max) {
        lock.lock();
        try {
            int n = 0;
            while (size > 0 && n < max) {
                to.add(next());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }
}
