package dev.tenantd.platform.sourcemap;

import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.observability.StackMapping;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.ScriptStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps V8 stack frames ({@code at fn (index.js:12:5)}) of a version's modules through the
 * source maps uploaded with that version, so they name the original file, line and column.
 * A version's maps are read and decoded once, the first time one of its stacks is mapped, and
 * kept in a cache bounded by versions and by decoded size (least recently used go first).
 * The function name stays V8's: a map's name at a position is the identifier written there,
 * not the function the position is in. Frames of other files, and positions the map does not
 * cover, stay as they are.
 *
 * <p>Stacks are mapped on the one thread that writes every tenant's invocation records, and a
 * large map takes a good part of a second to read and decode: at most {@link #BYTES_PER_MINUTE}
 * of maps are read a minute. A version whose maps would go past that has its stacks left
 * unmapped for now (and is not remembered so), so that versions cycled through faster than
 * the cache holds them cannot keep the writer decoding while every tenant's records wait.
 */
public final class SourceMappedStacks implements StackMapping {
    private static final Logger LOG = LoggerFactory.getLogger(SourceMappedStacks.class);
    /** Versions held at most; one without maps holds almost nothing, and remembering it saves reading it again. */
    static final int MAX_VERSIONS = 1024;
    /** Decoded segments held at most, in ints (about 64 MB). */
    static final long MAX_WEIGHT = 16_000_000;
    /**
     * What one version's maps may hold, in ints (800,000 segments, more than a 1 MB bundle's map):
     * maps beyond it are not used, so that no version's maps can push every other version's out
     * of the cache, and be decoded again for each of its stacks.
     */
    static final long MAX_VERSION_WEIGHT = MAX_WEIGHT / 4;
    /** {@code    at name (file:line:column)} or {@code    at file:line:column}. */
    private static final Pattern FRAME = Pattern.compile("^(\\s*at (?:.* \\()?)(.+?):(\\d{1,9}):(\\d{1,9})(\\)?)\\s*$");

    /** Bytes of source maps read at most a minute (and at once, after a quiet minute). */
    static final long BYTES_PER_MINUTE = 64L << 20;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final ScriptStore store;
    private final BlobStore blobs;
    private final java.util.function.LongSupplier nanoTime;
    private final long bytesPerMinute;
    private final LinkedHashMap<String, VersionMaps> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;
    /** Bytes that may be read now: refilled at {@link #BYTES_PER_MINUTE}, never above it; may go below zero. */
    private long readable;
    private long refilledAt;

    public SourceMappedStacks(ScriptStore store, BlobStore blobs) {
        this(store, blobs, System::nanoTime, BYTES_PER_MINUTE);
    }

    SourceMappedStacks(ScriptStore store, BlobStore blobs, java.util.function.LongSupplier nanoTime, long bytesPerMinute) {
        this.store = Objects.requireNonNull(store);
        this.blobs = Objects.requireNonNull(blobs);
        this.nanoTime = nanoTime;
        this.bytesPerMinute = bytesPerMinute;
        this.readable = bytesPerMinute;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Whether maps may be read now: what was read in the last minute is under {@link #BYTES_PER_MINUTE}. */
    private boolean mayRead() {
        long now = nanoTime.getAsLong();
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            long refill = elapsed >= MINUTE_NANOS ? bytesPerMinute : (long) ((double) bytesPerMinute * elapsed / MINUTE_NANOS);
            readable = Math.min(bytesPerMinute, readable + refill);
            refilledAt = now;
        }
        return readable > 0;
    }

    /** The decoded maps of one version, by module name; empty when it has none. */
    private record VersionMaps(Map<String, SourceMap> maps, long weight) {
    }

    /** The longest source name a mapped frame shows; a longer one (from a map's sources) is cut. */
    static final int MAX_SOURCE_CHARS = 512;
    /** The longest mapped stack: as long as a stack may be before it is mapped. */
    static final int MAX_STACK_CHARS = 8 * 1024;

    /**
     * The stack with each frame mapped that the version's maps cover; never longer than
     * {@link #MAX_STACK_CHARS}, whatever the maps name the sources.
     */
    @Override
    public String map(String versionId, String stack) {
        Optional<VersionMaps> maps = maps(versionId);
        if (maps.isEmpty() || maps.get().maps().isEmpty()) {
            return stack;
        }
        StringBuilder out = new StringBuilder();
        for (String line : (Iterable<String>) stack.lines()::iterator) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(frame(maps.get().maps(), line));
            if (out.length() >= MAX_STACK_CHARS) {
                out.setLength(MAX_STACK_CHARS);
                break;
            }
        }
        return out.toString();
    }

    /** A stack line longer than this is not a frame V8 wrote: it stays as it is, unmatched. */
    static final int MAX_FRAME_CHARS = 1024;

    /** One line of a stack, mapped when it is a frame of a module with a map that covers its position. */
    static String frame(Map<String, SourceMap> maps, String line) {
        if (line.length() > MAX_FRAME_CHARS) {
            return line; // the pattern's cost grows with the square of a line's length
        }
        Matcher m = FRAME.matcher(line);
        if (!m.matches()) {
            return line;
        }
        SourceMap map = maps.get(m.group(2));
        if (map == null) {
            return line;
        }
        return map.original(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)))
                .map(o -> m.group(1) + clip(o.source()) + ":" + o.line() + ":" + o.column() + m.group(5))
                .orElse(line);
    }

    private static String clip(String source) {
        return source.length() <= MAX_SOURCE_CHARS ? source : source.substring(0, MAX_SOURCE_CHARS) + "...";
    }

    /** The version's decoded maps, from the cache or read now; empty when they cannot be read at the moment. */
    private synchronized Optional<VersionMaps> maps(String versionId) {
        VersionMaps cached = cache.get(versionId);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (!mayRead()) {
            LOG.debug("version {}: its stacks stay unmapped for now, more than {} bytes of source maps were read in the "
                    + "last minute", versionId, bytesPerMinute);
            return Optional.empty();
        }
        VersionMaps loaded;
        try {
            loaded = load(versionId);
        } catch (RuntimeException e) {
            LOG.warn("source maps of version {} could not be read; its stacks stay unmapped: {}", versionId, e.toString());
            return Optional.empty();
        }
        cache.put(versionId, loaded);
        weight += loaded.weight();
        var eldest = cache.entrySet().iterator();
        while ((cache.size() > MAX_VERSIONS || weight > MAX_WEIGHT) && eldest.hasNext()) {
            var e = eldest.next();
            if (e.getKey().equals(versionId)) {
                continue;
            }
            weight -= e.getValue().weight();
            eldest.remove();
        }
        return Optional.of(loaded);
    }

    private VersionMaps load(String versionId) {
        Optional<ScriptVersion> version = store.version(versionId);
        Map<String, SourceMap> maps = new HashMap<>();
        long total = 1;
        for (ModuleRef module : version.map(ScriptVersion::modules).orElse(java.util.List.of())) {
            if (module.sourceMapSha256().isEmpty()) {
                continue;
            }
            byte[] text = blobs.get(module.sourceMapSha256().get());
            readable -= text.length;
            Optional<SourceMap> map = SourceMap.decode(text);
            if (map.isPresent() && total + map.get().weight() <= MAX_VERSION_WEIGHT) {
                maps.put(module.name(), map.get());
                total += map.get().weight();
            } else if (map.isPresent()) {
                LOG.debug("version {}: the source map of {} is not used, its version's maps would hold more than {} "
                        + "ints", versionId, module.name(), MAX_VERSION_WEIGHT);
            }
        }
        return new VersionMaps(Map.copyOf(maps), total);
    }

    /** Versions whose maps are held decoded now. */
    synchronized int cachedVersions() {
        return cache.size();
    }
}
