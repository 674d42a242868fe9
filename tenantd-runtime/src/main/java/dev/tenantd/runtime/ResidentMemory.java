package dev.tenantd.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident anonymous memory (resident pages less those shared with files: what
 * allocations take, without the engine's code and its memory-mapped ICU data, which any
 * isolate may page in at any time), read from /proc (Linux); 0 where that is not available.
 */
public final class ResidentMemory {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE = 4096;

    private ResidentMemory() {
    }

    public static long bytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split(" ");
            return (Long.parseLong(fields[1]) - Long.parseLong(fields[2])) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
