package dev.tenantd.runtime;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files V8 needs outside the JVM: the native library of Javet's i18n build (V8 with ICU,
 * which gives {@code Intl}, Unicode property escapes in regular expressions and
 * {@code String.prototype.normalize}) and the ICU data file that build reads at start-up, as it
 * carries no data of its own. Both are copied out of the classpath into a cache directory once
 * and reused by every later start.
 */
final class V8Native {
    /** Javet's V8 mode with ICU; never Node mode (it exposes {@code require}, {@code fs}, {@code process.exit}). */
    static final JSRuntimeType RUNTIME_TYPE = JSRuntimeType.V8I18n;

    /** The ICU version of the i18n build's ICU code; its data file must be of the same version. */
    static final String ICU_DATA_FILE = "icudt77l.dat";
    private static final String ICU_DATA_RESOURCE = "/dev/tenantd/runtime/icu/" + ICU_DATA_FILE;

    private V8Native() {
    }

    /** The V8 host every isolate of the process is created from. */
    static V8Host host() {
        return V8Host.getInstance(RUNTIME_TYPE);
    }

    /** Copies the native library into {@code cacheDir} unless it is there already. */
    static void unpackLibrary(Path cacheDir) {
        try {
            JavetLibLoader loader = new JavetLibLoader(RUNTIME_TYPE);
            Path library = cacheDir.resolve(loader.getLibFileName());
            unpack(library, JavetLibLoader.class, loader.getResourceFileName(),
                    "the V8 native library (javet-v8-linux-x86_64-i18n)");
            library.toFile().setExecutable(true);
        } catch (JavetException e) {
            throw new IllegalStateException("cannot name the V8 native library: " + e.getMessage(), e);
        }
    }

    /** Copies the ICU data file into {@code cacheDir} unless it is there already, and answers its path. */
    static Path unpackIcuData(Path cacheDir) {
        Path target = cacheDir.resolve(ICU_DATA_FILE);
        unpack(target, V8Native.class, ICU_DATA_RESOURCE, "the ICU data (built by tools/icu-data.sh)");
        return target;
    }

    /** How old a temporary file is when it is taken for one a killed process left behind. */
    static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofMinutes(10);

    /**
     * Copies a resource to {@code target} through a temporary file, synced to the disk, and an
     * atomic rename, so that processes starting at the same time never load a half-written file.
     * A target of another size than the resource (cut short by a power cut) is copied again;
     * temporary files a killed copy left behind are removed.
     */
    static void unpack(Path target, Class<?> owner, String resource, String what) {
        java.net.URL url = owner.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(what + " is not on the classpath as " + resource);
        }
        try {
            long size = url.openConnection().getContentLengthLong();
            if (Files.exists(target) && (size < 0 || Files.size(target) == size)) {
                return;
            }
            removeLeftovers(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "tenantd", ".part");
            try {
                try (InputStream in = url.openStream();
                        java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(tmp,
                                java.nio.file.StandardOpenOption.WRITE)) {
                    in.transferTo(java.nio.channels.Channels.newOutputStream(out));
                    out.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + what + " into " + target.getParent(), e);
        }
    }

    private static void removeLeftovers(Path dir) throws IOException {
        long before = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("tenantd") && name.endsWith(".part") && Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
